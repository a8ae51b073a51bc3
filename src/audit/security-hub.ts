/**
 * `audit --security-hub`: the audit's findings into AWS Security Hub as ASFF, with BatchImportFindings — the only
 * write `audit` ever makes, and only with that flag. Each finding's Id is stable (tool, account, check), so a
 * re-run updates the findings of the last run instead of adding new ones; CreatedAt is kept from the existing
 * finding, UpdatedAt is this run's time.
 *
 * Security Hub accepts findings of an account's default product only from that account itself (its AwsAccountId
 * must be the caller's). So each account's findings are sent with that account's own credentials; with
 * --security-hub-account they all go to the one aggregator account, where AwsAccountId is the aggregator's and
 * the audited account is named in the finding's resource, title and ProductFields.
 */
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  DescribeHubCommand,
  GetFindingsCommand,
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { arnsIn } from '../account/arns.js';
import type { CheckResult, CheckStatus, Severity } from '../checks/types.js';
import { awsErrorCode, awsFailureReason } from '../errors.js';
import { acceptedLines } from './report.js';
import type { AccountAudit } from './run-audit.js';

/** BatchImportFindings takes at most 100 findings per call. */
export const IMPORT_BATCH_SIZE = 100;
/** ASFF limits: Resources ≤ 32 entries, Title ≤ 256 characters, Description ≤ 1,024, Recommendation.Text ≤ 512. */
const MAX_RESOURCES = 32;
const MAX_TITLE = 256;
const MAX_DESCRIPTION = 1024;
const MAX_RECOMMENDATION = 512;

const COMPLIANCE_STATUS: Record<CheckStatus, 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE'> = {
  pass: 'PASSED',
  fail: 'FAILED',
  // Still failing the control; its workflow is SUPPRESSED, with the exception's reason as the note.
  accepted: 'FAILED',
  error: 'WARNING',
  skip: 'NOT_AVAILABLE',
};
const SEVERITY_LABEL: Record<Severity, 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW'> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };

export interface SecurityHubTarget {
  /** The account the findings are imported into (the audited account, or the aggregator). */
  accountId: string;
  region: string;
  partition: string;
  client: SecurityHubClient;
}

export interface ImportOutcome {
  /** The account whose findings these are. */
  auditedAccountId: string;
  target: string;
  imported: number;
  created: number;
  updated: number;
  /** "Id: ErrorCode ErrorMessage" for each finding Security Hub refused. */
  failed: string[];
  /** Existing findings whose workflow changed (suppressed for an exception, or back to NEW). */
  workflowsUpdated?: number;
}

/** Security Hub is not enabled in the target account and region: nothing can be imported there. */
export class SecurityHubNotEnabledError extends Error {
  constructor(readonly target: { accountId: string; region: string }) {
    super(
      `Security Hub is not enabled in account ${target.accountId}, region ${target.region}: enable it ` +
        `(aws securityhub enable-security-hub --region ${target.region}, in that account) and run the audit again, ` +
        'or leave out --security-hub.',
    );
  }
}

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function findingId(auditedAccountId: string, checkId: string): string {
  return `iam-bootstrap/${auditedAccountId}/${checkId}`;
}

/** The ASFF resource type an ARN names (AwsIamUser, AwsIamRole, …), or Other. */
function resourceType(arn: string): string {
  const kind = /^arn:[^:]+:iam::\d*:(user|group|role|policy)\//.exec(arn)?.[1];
  return kind ? `AwsIam${kind[0]?.toUpperCase()}${kind.slice(1)}` : 'Other';
}

export function toAsff(
  audited: Pick<AccountAudit, 'accountId' | 'alias'>,
  check: CheckResult,
  target: Omit<SecurityHubTarget, 'client'>,
  times: { createdAt: string; updatedAt: string },
): AwsSecurityFinding {
  const elsewhere = audited.accountId !== target.accountId;
  const accountResource = { Type: 'AwsAccount', Id: `AWS::::Account:${audited.accountId}`, Partition: target.partition as 'aws', Region: target.region };
  // The account itself first, then as many named resources as ASFF allows; the description says how many in all.
  const named = check.resources.slice(0, MAX_RESOURCES - 1).map((arn) => ({ Type: resourceType(arn), Id: arn, Partition: target.partition as 'aws', Region: target.region }));
  const more = check.resources.length > named.length ? ` (${check.resources.length} resources in all; the first ${named.length} are listed)` : '';
  const severity = check.status === 'fail' || check.status === 'error' || check.status === 'accepted' ? SEVERITY_LABEL[check.severity] : 'INFORMATIONAL';
  const types = [
    check.references.some((r) => r.startsWith('CIS '))
      ? 'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark'
      : 'Software and Configuration Checks/AWS Security Best Practices',
  ];
  return {
    SchemaVersion: '2018-10-08',
    Id: findingId(audited.accountId, check.id),
    ProductArn: arnsIn(target.partition).securityHubProduct(target.region, target.accountId),
    GeneratorId: check.id,
    AwsAccountId: target.accountId,
    Types: types,
    CreatedAt: times.createdAt,
    UpdatedAt: times.updatedAt,
    Severity: { Label: severity },
    // Security Hub asks providers to send later changes of severity and types here.
    FindingProviderFields: { Severity: { Label: severity }, Types: types },
    Title: truncate(elsewhere ? `${check.title} (account ${audited.accountId})` : check.title, MAX_TITLE),
    Description: truncate(`${check.detail}${more}`, MAX_DESCRIPTION),
    ...(check.remediation ? { Remediation: { Recommendation: { Text: truncate(check.remediation, MAX_RECOMMENDATION) } } } : {}),
    ProductFields: {
      'iam-bootstrap/CheckId': check.id,
      'iam-bootstrap/AuditedAccountId': audited.accountId,
      ...(audited.alias ? { 'iam-bootstrap/AuditedAccountAlias': audited.alias } : {}),
    },
    Resources: [accountResource, ...named],
    Compliance: {
      Status: COMPLIANCE_STATUS[check.status],
      ...(check.references.length ? { RelatedRequirements: check.references.slice(0, 32) } : {}),
    },
    // Security Hub takes these from the provider only when it creates the finding; later changes go through
    // BatchUpdateFindings (importFindings does that).
    Workflow: { Status: check.status === 'accepted' ? 'SUPPRESSED' : 'NEW' },
    ...(check.status === 'accepted' ? { Note: acceptanceNote(check, times.updatedAt) } : {}),
    RecordState: 'ACTIVE',
  };
}

/** Who suppressed a finding, as its note says: how this tool recognises the findings it suppressed itself. */
const NOTE_AUTHOR = 'iam-bootstrap';
/** ASFF limits a note's text to 512 characters. */
const MAX_NOTE = 512;

function acceptanceNote(check: CheckResult, at: string): { Text: string; UpdatedBy: string; UpdatedAt: string } {
  return { Text: truncate(acceptedLines(check).join('\n'), MAX_NOTE), UpdatedBy: NOTE_AUTHOR, UpdatedAt: at };
}

interface ExistingFinding {
  createdAt: string;
  workflow?: string;
  /** Who wrote its note: this tool, when it suppressed the finding for an exception. */
  noteBy?: string;
}

/** This tool's existing findings for the audited account, by Id: when each was created, and its workflow. */
async function existingFindings(target: SecurityHubTarget, auditedAccountId: string): Promise<Map<string, ExistingFinding>> {
  const prefix = findingId(auditedAccountId, '');
  const created = new Map<string, ExistingFinding>();
  let NextToken: string | undefined;
  do {
    const page = await target.client.send(
      new GetFindingsCommand({
        Filters: {
          Id: [{ Value: prefix, Comparison: 'PREFIX' }],
          ProductArn: [{ Value: arnsIn(target.partition).securityHubProduct(target.region, target.accountId), Comparison: 'EQUALS' }],
        } satisfies AwsSecurityFindingFilters,
        MaxResults: 100,
        NextToken,
      }),
    );
    // The filter may be wider than asked (emulators ignore it); only our own Ids count.
    for (const f of page.Findings ?? []) {
      if (f.Id?.startsWith(prefix) && f.CreatedAt) created.set(f.Id, { createdAt: f.CreatedAt, workflow: f.Workflow?.Status, noteBy: f.Note?.UpdatedBy });
    }
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return created;
}

/** Is Security Hub enabled where the findings go? DescribeHub answers InvalidAccessException when it is not. */
export async function ensureHubEnabled(target: SecurityHubTarget): Promise<void> {
  try {
    await target.client.send(new DescribeHubCommand({}));
  } catch (err) {
    if (awsErrorCode(err) === 'InvalidAccess') throw new SecurityHubNotEnabledError(target);
    throw err;
  }
}

/** Imports one account's findings in batches of 100; each batch's refused findings are reported, not fatal. */
export async function importFindings(audit: AccountAudit, target: SecurityHubTarget, now: Date): Promise<ImportOutcome> {
  await ensureHubEnabled(target);
  const created = await existingFindings(target, audit.accountId);
  const updatedAt = now.toISOString();
  const findings = audit.checks.map((c) =>
    toAsff(audit, c, target, { createdAt: created.get(findingId(audit.accountId, c.id))?.createdAt ?? updatedAt, updatedAt }),
  );
  const outcome: ImportOutcome = { auditedAccountId: audit.accountId, target: target.accountId, imported: 0, created: 0, updated: 0, failed: [] };
  for (let i = 0; i < findings.length; i += IMPORT_BATCH_SIZE) {
    const batch = findings.slice(i, i + IMPORT_BATCH_SIZE);
    let answer;
    try {
      answer = await target.client.send(new BatchImportFindingsCommand({ Findings: batch }));
    } catch (err) {
      if (awsErrorCode(err) === 'InvalidAccess') throw new SecurityHubNotEnabledError(target);
      throw err;
    }
    const refused = new Set((answer.FailedFindings ?? []).map((f) => f.Id));
    for (const f of answer.FailedFindings ?? []) outcome.failed.push(`${f.Id}: ${f.ErrorCode ?? 'refused'} ${f.ErrorMessage ?? ''}`.trim());
    for (const f of batch) {
      if (refused.has(f.Id)) continue;
      outcome.imported += 1;
      if (created.has(f.Id as string)) outcome.updated += 1;
      else outcome.created += 1;
    }
  }
  await updateWorkflows(audit, target, created, updatedAt, outcome);
  return outcome;
}

/**
 * An existing finding's workflow follows the exceptions: suppressed (with the reason as its note) while an
 * exception accepts it, back to NEW when one this tool suppressed is no longer accepted. Security Hub ignores the
 * workflow and note a provider sends for an existing finding, so they go through BatchUpdateFindings.
 */
async function updateWorkflows(audit: AccountAudit, target: SecurityHubTarget, existing: Map<string, ExistingFinding>, at: string, outcome: ImportOutcome): Promise<void> {
  const productArn = arnsIn(target.partition).securityHubProduct(target.region, target.accountId);
  const changes: { id: string; workflow: 'SUPPRESSED' | 'NEW'; note: { Text: string; UpdatedBy: string } }[] = [];
  for (const c of audit.checks) {
    const id = findingId(audit.accountId, c.id);
    const now = existing.get(id);
    if (!now || outcome.failed.some((f) => f.startsWith(`${id}:`))) continue;
    if (c.status === 'accepted' && now.workflow !== 'SUPPRESSED') {
      const { Text, UpdatedBy } = acceptanceNote(c, at);
      changes.push({ id, workflow: 'SUPPRESSED', note: { Text, UpdatedBy } });
    } else if (c.status !== 'accepted' && now.workflow === 'SUPPRESSED' && now.noteBy === NOTE_AUTHOR) {
      changes.push({ id, workflow: 'NEW', note: { Text: 'No exception accepts this finding any more.', UpdatedBy: NOTE_AUTHOR } });
    }
  }
  // One call per identical update, at most 100 findings each.
  const groups = new Map<string, typeof changes>();
  for (const ch of changes) {
    const key = `${ch.workflow}\n${ch.note.Text}`;
    groups.set(key, [...(groups.get(key) ?? []), ch]);
  }
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += IMPORT_BATCH_SIZE) {
      const batch = group.slice(i, i + IMPORT_BATCH_SIZE);
      const first = batch[0] as (typeof changes)[number];
      const answer = await target.client.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: batch.map((ch) => ({ Id: ch.id, ProductArn: productArn })),
          Workflow: { Status: first.workflow },
          Note: first.note,
        }),
      );
      for (const f of answer.UnprocessedFindings ?? []) outcome.failed.push(`${f.FindingIdentifier?.Id}: workflow not updated: ${f.ErrorCode ?? ''} ${f.ErrorMessage ?? ''}`.trim());
    }
  }
  outcome.workflowsUpdated = changes.length;
}

/** "securityhub:BatchImportFindings failed: …" for a failed import, in the words the rest of the tool uses. */
export function describeImportFailure(err: unknown): string {
  if (err instanceof SecurityHubNotEnabledError) return err.message;
  const call = (err as { $awsCall?: string }).$awsCall ?? 'securityhub';
  if (awsErrorCode(err) === 'AccessDenied') return `missing permission ${call} (AccessDenied)`;
  return `${call} failed: ${awsFailureReason(err)}`;
}
