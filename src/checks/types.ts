/** The audit check contract. Ids are stable: runbooks grep them. */
import type { AccountIdentity } from '../account/identity.js';
import type { AuditSources } from '../audit/sources.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

export type CheckStatus = 'pass' | 'fail' | 'skip' | 'error';

export interface AuditSettings {
  rootUseDays: number;
  unusedDays: number;
  rotationDays: number;
  now: Date;
}

/** What a check decides; the runner adds id, title, severity and references. */
export interface CheckOutcome {
  status: Exclude<CheckStatus, 'error'>;
  detail: string;
  resources?: string[];
  /** Overrides the check's default remediation, e.g. with the user names filled in. */
  remediation?: string;
}

export interface CheckResult {
  id: string;
  title: string;
  severity: Severity;
  status: CheckStatus;
  detail: string;
  resources: string[];
  references: string[];
  remediation: string;
}

export interface Check {
  id: string;
  title: string;
  severity: Severity;
  references: string[];
  /** The fix; a function where it names ARNs, which are in the audited account's partition. */
  remediation: string | ((account: Pick<AccountIdentity, 'accountId' | 'partition'>) => string);
  run(sources: AuditSources, settings: AuditSettings): Promise<CheckOutcome>;
}

/** A check's default fix for this account. */
export function remediationFor(check: Pick<Check, 'remediation'>, account: Pick<AccountIdentity, 'accountId' | 'partition'>): string {
  return typeof check.remediation === 'function' ? check.remediation(account) : check.remediation;
}

export const pass = (detail: string, resources: string[] = []): CheckOutcome => ({ status: 'pass', detail, resources });
export const fail = (detail: string, resources: string[] = [], remediation?: string): CheckOutcome => ({
  status: 'fail',
  detail,
  resources,
  ...(remediation ? { remediation } : {}),
});
export const skip = (detail: string): CheckOutcome => ({ status: 'skip', detail });

/** "alice, bob and 3 more": details stay one line however many users fail. */
export function listSome(items: string[], max = 5): string {
  if (items.length <= max) return items.join('; ');
  return `${items.slice(0, max).join('; ')}; and ${items.length - max} more`;
}
