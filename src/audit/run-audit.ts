/** Runs the selected checks against one account. A check that cannot read what it needs is `error`, never skipped. */
import type { Context } from '../context.js';
import { awsErrorCode, awsFailureReason } from '../errors.js';
import { remediationFor, type Check, type CheckResult, type CheckStatus, type AuditSettings } from '../checks/types.js';
import type { AccountIdentity } from '../account/identity.js';
import { createAuditSources } from './sources.js';

export type StatusCounts = Record<CheckStatus, number>;

export interface AccountAudit {
  accountId: string;
  alias: string | null;
  /** Set when the account could not be audited at all (e.g. the role could not be assumed). */
  error: string | null;
  checks: CheckResult[];
  summary: StatusCounts;
}

export function countStatuses(checks: { status: CheckStatus }[]): StatusCounts {
  const counts: StatusCounts = { pass: 0, fail: 0, skip: 0, error: 0 };
  for (const c of checks) counts[c.status] += 1;
  return counts;
}

/** One line for a failed read: AccessDenied names the missing action, anything else the call and reason. */
export function explainFailure(err: unknown): string {
  const code = awsErrorCode(err);
  const e = err as { message?: string; $awsCall?: string };
  if (code === 'AccessDenied') return `missing permission ${e.$awsCall ?? 'for a read'} (AccessDenied)`;
  if (code !== undefined) return `${e.$awsCall ?? 'an AWS call'} failed: ${awsFailureReason(err)}`;
  return (e?.message ?? String(err)).split('\n')[0] ?? '';
}

export async function auditAccount(
  ctx: Pick<Context, 'clients' | 'clock'>,
  account: AccountIdentity,
  checks: Check[],
  settings: AuditSettings,
): Promise<AccountAudit> {
  const sources = createAuditSources(ctx, account);
  const results = await Promise.all(
    checks.map(async (check): Promise<CheckResult> => {
      const base = { id: check.id, title: check.title, severity: check.severity, references: check.references };
      try {
        const outcome = await check.run(sources, settings);
        return {
          ...base,
          status: outcome.status,
          detail: outcome.detail,
          resources: outcome.resources ?? [],
          remediation: outcome.status === 'fail' ? (outcome.remediation ?? remediationFor(check, account)) : '',
        };
      } catch (err) {
        return { ...base, status: 'error', detail: explainFailure(err), resources: [], remediation: '' };
      }
    }),
  );
  const alias = await sources.alias().catch(() => undefined);
  await sources.close();
  return { accountId: account.accountId, alias: alias ?? null, error: null, checks: results, summary: countStatuses(results) };
}
