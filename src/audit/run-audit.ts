/** Runs the selected checks against one account. A check that cannot read what it needs is `error`, never skipped. */
import type { AwsClients } from '../aws/clients.js';
import type { Context } from '../context.js';
import { awsErrorCode, awsFailureReason, deniedAction } from '../errors.js';
import { listSome, remediationFor, type AuditSettings, type Check, type CheckResult, type CheckStatus, type Finding } from '../checks/types.js';
import { forAuditedAccount } from '../checks/fix.js';
import type { AccountIdentity } from '../account/identity.js';
import { citation, FRAMEWORK_IDS, type FrameworkId } from '../frameworks/catalog.js';
import type { ExceptionSet } from './exceptions.js';
import { createAuditSources } from './sources.js';

export type StatusCounts = Record<CheckStatus, number>;

export interface AccountAudit {
  accountId: string;
  alias: string | null;
  /** The account's name in AWS Organizations, when the audit listed the Organization's accounts. */
  name?: string;
  /** Set when the account could not be audited at all (e.g. the role could not be assumed). */
  error: string | null;
  checks: CheckResult[];
  summary: StatusCounts;
}

/** How one account's audit is run besides its checks. */
export interface RunOptions {
  settings: AuditSettings;
  /** The frameworks whose citations reports show, first one first (every one, CIS v7.0.0 first, by default). */
  frameworks: readonly FrameworkId[];
  exceptions?: ExceptionSet;
  /** " --account <id> …": how a fix's init command reaches this account from where the audit runs. */
  target?: string;
  /** A root session in this account (audit --org with centralized root access): root checks read root itself. */
  rootSession?: () => Promise<AwsClients>;
}

export function countStatuses(checks: { status: CheckStatus }[]): StatusCounts {
  const counts: StatusCounts = { pass: 0, fail: 0, accepted: 0, skip: 0, error: 0 };
  for (const c of checks) counts[c.status] += 1;
  return counts;
}

/** One line for a failed read: AccessDenied names the missing action, anything else the call and reason. */
export function explainFailure(err: unknown): string {
  const code = awsErrorCode(err);
  const e = err as { message?: string; $awsCall?: string };
  if (code === 'AccessDenied' || code === 'UnauthorizedOperation') return `missing permission ${deniedAction(e.$awsCall) ?? 'for a read'} (AccessDenied)`;
  if (code !== undefined) return `${e.$awsCall ?? 'an AWS call'} failed: ${awsFailureReason(err)}`;
  return (e?.message ?? String(err)).split('\n')[0] ?? '';
}

/** A check's citations in the frameworks reported on, in their order: "CIS 7.0 2.5", "Security Hub IAM.9". */
export function citationsOf(check: Pick<Check, 'mappings'>, frameworks: readonly FrameworkId[] = FRAMEWORK_IDS): string[] {
  return frameworks.flatMap((f) => (check.mappings[f] ?? []).map((id) => citation(f, id)));
}

/** `ctx.out`, when given, shows what a long wait is for (one account at a time; --org shows its own progress). */
export async function auditAccount(ctx: Pick<Context, 'clients' | 'clock'> & Partial<Pick<Context, 'out'>>, account: AccountIdentity, checks: Check[], run: RunOptions): Promise<AccountAudit> {
  const sources = createAuditSources({ ...ctx, progress: ctx.out ? (text) => ctx.out?.progress(text) : undefined }, account, run.target ?? '', run.rootSession);
  const results = await Promise.all(
    checks.map(async (check): Promise<CheckResult> => {
      const base = {
        id: check.id,
        title: check.title,
        severity: check.severity,
        references: citationsOf(check, run.frameworks),
        mappings: Object.fromEntries(run.frameworks.filter((f) => check.mappings[f]).map((f) => [f, check.mappings[f]])),
      };
      try {
        const outcome = await check.run(sources, run.settings);
        const detailOf = (findings: Finding[]) => `${outcome.lead ?? ''}${listSome(findings.map((f) => f.text))}${outcome.note ?? ''}`;
        const result: CheckResult = {
          ...base,
          status: outcome.status,
          detail: outcome.findings ? detailOf(outcome.findings) : outcome.detail,
          resources: outcome.findings ? [...new Set(outcome.findings.map((f) => f.resource))] : (outcome.resources ?? []),
          remediation: outcome.status === 'fail' ? forAuditedAccount(sources.fix, outcome.remediation ?? remediationFor(check, sources.fix)) : '',
        };
        return run.exceptions ? run.exceptions.apply(account.accountId, result, outcome.findings, detailOf) : result;
      } catch (err) {
        return { ...base, status: 'error', detail: explainFailure(err), resources: [], remediation: '' };
      }
    }),
  );
  const alias = await sources.alias().catch(() => undefined);
  await sources.close();
  return { accountId: account.accountId, alias: alias ?? null, error: null, checks: results, summary: countStatuses(results) };
}
