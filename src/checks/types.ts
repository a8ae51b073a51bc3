/** The audit check contract. Ids are stable: runbooks, exception files and dashboards use them. */
import type { AuditSources } from '../audit/sources.js';
import type { FrameworkId } from '../frameworks/catalog.js';
import type { FixContext } from './fix.js';

export { initFix, type FixContext } from './fix.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

/** accepted: a failure an exception file accepts (with a reason and an expiry): not a pass, not hidden, not counted. */
export const CHECK_STATUSES = ['fail', 'error', 'accepted', 'pass', 'skip'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface AuditSettings {
  rootUseDays: number;
  unusedDays: number;
  unusedRoleDays: number;
  rotationDays: number;
  now: Date;
}


/** One failing resource and what is wrong with it: exceptions can accept some of a check's findings and not others. */
export interface Finding {
  resource: string;
  text: string;
}

/** What a check decides; the runner adds id, title, severity and references. */
export interface CheckOutcome {
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  resources?: string[];
  /** A failure item by item; the runner makes the detail and resources from them (after exceptions). */
  findings?: Finding[];
  /** Put before a detail made from findings: "AWSCloudShellFullAccess is attached to ". */
  lead?: string;
  /** Added after a detail made from findings: " (credential report of …)". */
  note?: string;
  /** Overrides the check's default remediation, e.g. with the user names filled in. */
  remediation?: string;
}

/** An exception file's entry that accepted a failure, as reports show it. */
export interface AcceptedBy {
  /** "accept.yaml#2": the file and the entry's position in it. */
  entry: string;
  reason: string;
  owner?: string;
  /** YYYY-MM-DD: the last day it holds. */
  expires: string;
  /** The resources it accepted (all of the check's, when the entry names none). */
  resources: string[];
}

export interface CheckResult {
  id: string;
  title: string;
  severity: Severity;
  status: CheckStatus;
  detail: string;
  resources: string[];
  /** Citations in the frameworks reported on, e.g. "CIS 7.0 2.5", "Security Hub IAM.9". */
  references: string[];
  /** The same, structured: framework → requirement ids. */
  mappings: Partial<Record<FrameworkId, string[]>>;
  remediation: string;
  /** What accepted this failure, or the part of it that is accepted while the rest still fails. */
  accepted?: AcceptedBy[];
}

export interface Check {
  id: string;
  /** Earlier ids of this check: they still select it (--check, --exclude-check) and match it in exception files. */
  aliases?: string[];
  title: string;
  /** When the check passes, in Markdown: the check table in docs/audit.md is made from it (npm run docs). */
  passesWhen: string;
  severity: Severity;
  /** The requirements this check decides, per framework, numbered as each publisher numbers them. */
  mappings: Partial<Record<FrameworkId, string[]>>;
  /** The fix; a function where it names ARNs (in the account's partition) or runs init (in the account audited). */
  remediation: string | ((fix: FixContext) => string);
  run(sources: AuditSources, settings: AuditSettings): Promise<CheckOutcome>;
}

/** A check's default fix for this account. */
export function remediationFor(check: Pick<Check, 'remediation'>, fix: FixContext): string {
  return typeof check.remediation === 'function' ? check.remediation(fix) : check.remediation;
}

export const pass = (detail: string, resources: string[] = []): CheckOutcome => ({ status: 'pass', detail, resources });
export const fail = (detail: string, resources: string[] = [], remediation?: string): CheckOutcome => ({
  status: 'fail',
  detail,
  resources,
  ...(remediation ? { remediation } : {}),
});
/** A failure item by item: "alice: no MFA; bob: no MFA" with each item's resource, so each can be accepted on its own. */
export const failWith = (findings: Finding[], opts: { lead?: string; note?: string; remediation?: string } = {}): CheckOutcome => ({
  status: 'fail',
  detail: '',
  findings,
  ...(opts.lead ? { lead: opts.lead } : {}),
  ...(opts.note ? { note: opts.note } : {}),
  ...(opts.remediation ? { remediation: opts.remediation } : {}),
});
export const skip = (detail: string): CheckOutcome => ({ status: 'skip', detail });

/** "alice, bob and 3 more": details stay one line however many users fail. */
export function listSome(items: string[], max = 5): string {
  if (items.length <= max) return items.join('; ');
  return `${items.slice(0, max).join('; ')}; and ${items.length - max} more`;
}
