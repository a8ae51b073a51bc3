/** The audit report: the JSON document, the terminal table, the markdown table, and the exit code. */
import { ExitCode } from '../errors.js';
import type { Output } from '../io/output.js';
import { wrapLine } from '../io/wrap.js';
import { SEVERITIES, type AcceptedBy, type CheckResult, type CheckStatus, type Severity } from '../checks/types.js';
import { withdrawnText, type FrameworkId } from '../frameworks/catalog.js';
import { summaryCounts, type ComplianceSummary } from '../frameworks/summary.js';
import type { ExceptionNotices } from './exceptions.js';
import { countStatuses, type AccountAudit, type StatusCounts } from './run-audit.js';

export interface AuditDocument {
  schemaVersion: 1;
  generatedAt: string;
  /** --framework: the framework whose checks and ids this document holds. */
  framework?: FrameworkId;
  accounts: AccountAudit[];
  summary: StatusCounts & { accounts: number; accountErrors: number };
  /** --framework: every requirement of its section, decided, accepted or left to a person. */
  compliance?: ComplianceSummary;
  /** Exception files read: expired and stale entries (warnings) and entries expiring soon (notices). */
  exceptions?: ExceptionNotices & { entries: number };
}

export function auditDocument(
  accounts: AccountAudit[],
  generatedAt: Date,
  extra: { framework?: FrameworkId; compliance?: ComplianceSummary; exceptions?: AuditDocument['exceptions'] } = {},
): AuditDocument {
  return {
    schemaVersion: 1,
    generatedAt: generatedAt.toISOString(),
    ...(extra.framework ? { framework: extra.framework } : {}),
    accounts,
    summary: {
      ...countStatuses(accounts.flatMap((a) => a.checks)),
      accounts: accounts.length,
      accountErrors: accounts.filter((a) => a.error).length,
    },
    ...(extra.compliance ? { compliance: extra.compliance } : {}),
    ...(extra.exceptions ? { exceptions: extra.exceptions } : {}),
  };
}

/** "accepted until 2027-03-31 by security@example.com (accept.yaml#2): break-glass user" */
export function acceptedText(a: AcceptedBy): string {
  const who = a.owner ? ` by ${a.owner}` : '';
  const what = a.resources.length ? ` ${a.resources.join(', ')}` : '';
  return `accepted${what} until ${a.expires}${who} (${a.entry}): ${a.reason}`;
}

/** Every exception that accepted (part of) a check, one line each. */
export function acceptedLines(c: CheckResult): string[] {
  return (c.accepted ?? []).map(acceptedText);
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** 1 when a check at or above `failOn` failed; else 3 when anything could not be evaluated; else 0. */
export function auditExitCode(doc: AuditDocument, failOn: Severity): number {
  const checks = doc.accounts.flatMap((a) => a.checks);
  if (checks.some((c) => c.status === 'fail' && rank(c.severity) <= rank(failOn))) return ExitCode.checksFailed;
  if (checks.some((c) => c.status === 'error') || doc.accounts.some((a) => a.error)) return ExitCode.runtime;
  return ExitCode.ok;
}

export const STATUS_ORDER: CheckStatus[] = ['fail', 'error', 'accepted', 'pass', 'skip'];

/** Checks whose fix no API has: only a person signed in as root can make them pass. */
export const CONSOLE_ONLY_CHECKS = ['root-mfa', 'root-hardware-mfa'];
/** Checks whose fix needs facts only the account's owner has (its postal address, its teams' inboxes). */
export const OWNER_ONLY_CHECKS = ['account-contacts'];
/** Checks of services that cost money, which init turns on only when asked (--cloudtrail) or not at all (GuardDuty). */
export const PAID_CHECKS = ['cloudtrail-multi-region', 'guardduty'];

/**
 * When every failing check is a console-only root item, a contact only the owner can give, or a paid service init
 * leaves to the owner, the report says so in those words: after `init` this is what is left, and why.
 */
export function consoleOnlyNote(doc: AuditDocument): string | undefined {
  const failing = [...new Set(doc.accounts.flatMap((a) => a.checks.filter((c) => c.status === 'fail').map((c) => c.id)))];
  const known = [...CONSOLE_ONLY_CHECKS, ...OWNER_ONLY_CHECKS, ...PAID_CHECKS];
  if (!failing.length || failing.some((id) => !known.includes(id))) return undefined;
  const of = (ids: string[]) => failing.filter((id) => ids.includes(id));
  const root = of(CONSOLE_ONLY_CHECKS);
  const owner = of(OWNER_ONLY_CHECKS);
  const paid = of(PAID_CHECKS);
  const parts = [
    ...(root.length ? [`console-only root items (${root.join(', ')}), which no API can fix: sign in as the root user`] : []),
    ...(owner.length ? [`the account's contacts (${owner.join(', ')}), which are yours to give`] : []),
    ...(paid.length ? [`services that cost money, which init turns on only when asked (${paid.join(', ')})`] : []),
  ];
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')}, and ${parts.at(-1)},`;
  // A part that has a colon of its own (root's) is followed by a semicolon.
  return `Only ${list} fail${parts.length === 1 && !root.length ? ':' : ';'} follow the fix above.`;
}

/** How an account is named in reports: its id, with its alias and its name in the Organization when known. */
export function label(a: AccountAudit): string {
  const extras = [a.alias, a.name && a.name !== a.alias ? a.name : undefined].filter(Boolean);
  return extras.length ? `${a.accountId} (${extras.join(', ')})` : a.accountId;
}

export function summaryLine(c: StatusCounts): string {
  return `${c.pass} pass, ${c.fail} fail, ${c.accepted ? `${c.accepted} accepted, ` : ''}${c.error} error, ${c.skip} skip`;
}

/** What the table shows: every status (passes condensed unless --verbose), only some (--status), or only the summary (--quiet). */
export interface TableView {
  statuses?: CheckStatus[];
  quiet?: boolean;
}

export function renderTable(out: Output, doc: AuditDocument, view: TableView = {}): string {
  const s = out.style;
  const sev: Record<Severity, (t: string) => string> = { critical: s.red.bold, high: s.red, medium: s.yellow, low: s.cyan };
  const statusStyle: Record<CheckStatus, (t: string) => string> = { fail: s.red.bold, error: s.magenta, accepted: s.blue, pass: s.green, skip: s.dim };
  const idWidth = Math.max(...doc.accounts.flatMap((a) => a.checks.map((c) => c.id.length)), 10);
  // Where a check's detail starts: wrapped lines continue under it.
  const detailColumn = 2 + 8 + 2 + 8 + 2 + idWidth + 2;
  const wrap = (line: string, hanging: number) => wrapLine(line, out.width, hanging);
  const shown = (status: CheckStatus) => (view.statuses ? view.statuses.includes(status) : true);
  // Passes and skips are one line per account unless asked for (--verbose, --status pass): failures stay on screen.
  const condensed = (status: CheckStatus) => !view.statuses && !out.verbose && (status === 'pass' || status === 'skip');
  const lines: string[] = [];
  for (const a of view.quiet ? [] : doc.accounts) {
    lines.push(s.bold(`Account ${label(a)}`));
    if (a.error) {
      lines.push(wrap(`  ${s.magenta('ERROR')}  ${a.error}`, 9), '');
      continue;
    }
    for (const status of STATUS_ORDER.filter(shown)) {
      const checks = a.checks.filter((x) => x.status === status);
      if (!checks.length) continue;
      if (condensed(status)) {
        lines.push(wrap(`  ${statusStyle[status](status.toUpperCase().padEnd(8))}  ${s.dim(`${checks.length}: ${checks.map((c) => c.id).join(', ')}`)}`, 12));
        continue;
      }
      for (const c of checks) {
        const color = status === 'fail' ? sev[c.severity] : (t: string) => t;
        lines.push(wrap(`  ${statusStyle[status](status.toUpperCase().padEnd(8))}  ${color(c.severity.padEnd(8))}  ${c.id.padEnd(idWidth)}  ${c.detail}`, detailColumn));
        if (status === 'fail') for (const fix of c.remediation.split('\n')) lines.push(wrap(`            ${s.dim(`fix: ${fix}`)}`, 17));
        for (const line of acceptedLines(c)) lines.push(wrap(`            ${s.blue(line)}`, 12));
      }
    }
    // One account: its counts are the summary below, said once.
    if (doc.accounts.length > 1) lines.push(`  ${summaryLine(a.summary)}`);
    lines.push('');
  }
  if (doc.accounts.length > 1 && !view.quiet) lines.push(renderAccountMatrix(doc, 'text'), '');
  if (doc.compliance && !view.quiet) lines.push(renderComplianceText(out, doc.compliance), '');
  lines.push(s.bold(`Summary: ${summaryLine(doc.summary)}${doc.accounts.length > 1 ? ` across ${doc.accounts.length} accounts` : ''}`));
  const consoleOnly = consoleOnlyNote(doc);
  if (consoleOnly && !view.quiet) lines.push(wrap(consoleOnly, 0));
  return lines.join('\n');
}

const REQUIREMENT_MARK: Record<string, string> = { fail: 'FAIL', error: 'ERROR', accepted: 'ACCEPTED', pass: 'PASS', 'not applicable': 'N/A', 'not checked': 'REVIEW' };

/** Counts across accounts, when there are several: " (2 fail, 48 pass)". */
function accountCounts(r: ComplianceSummary['requirements'][number]): string {
  const entries = Object.entries(r.accounts);
  return entries.length > 1 ? ` (${entries.map(([k, n]) => `${n} ${k}`).join(', ')})` : '';
}

function renderComplianceText(out: Output, c: ComplianceSummary): string {
  const s = out.style;
  const lines = [s.bold(wrapLine(`${c.name} — ${c.section}: ${summaryCounts(c)}`, out.width, 2))];
  const idWidth = Math.max(...c.requirements.map((r) => r.id.length));
  for (const r of c.requirements) {
    const checks = r.checks.length ? ` [${r.checks.join(', ')}]` : '';
    lines.push(wrapLine(`  ${REQUIREMENT_MARK[r.status]?.padEnd(8)}  ${r.id.padEnd(idWidth)}  ${r.title}${checks}${accountCounts(r)}`, out.width, 14 + idWidth));
    if (r.review) lines.push(wrapLine(`            ${s.dim(`${r.assessment === 'manual' ? 'manual' : 'review'}: ${r.review}`)}`, out.width, 12));
  }
  for (const w of c.withdrawn) lines.push(wrapLine(`  ${s.dim(withdrawnText(c.framework, w))}`, out.width, 2));
  return lines.join('\n');
}

/** Accounts × failing checks: which account fails what, for an Organization at a glance. */
function renderAccountMatrix(doc: AuditDocument, kind: 'text' | 'markdown'): string {
  const rows = doc.accounts.map((a) => ({
    account: label(a),
    counts: a.error ? 'could not audit' : summaryLine(a.summary),
    failing: a.error ? a.error : a.checks.filter((c) => c.status === 'fail').map((c) => c.id).join(', ') || '—',
  }));
  if (kind === 'markdown') {
    return [
      '| Account | Result | Failing checks |',
      '|---|---|---|',
      ...rows.map((r) => `| ${md(r.account)} | ${md(r.counts)} | ${md(r.failing)} |`),
    ].join('\n');
  }
  const w = Math.max(...rows.map((r) => r.account.length), 7);
  const c = Math.max(...rows.map((r) => r.counts.length), 6);
  return ['Accounts:', `  ${'account'.padEnd(w)}  ${'result'.padEnd(c)}  failing checks`, ...rows.map((r) => `  ${r.account.padEnd(w)}  ${r.counts.padEnd(c)}  ${r.failing}`)].join('\n');
}

/**
 * Text from AWS and from people (names, contact details, error messages) made inert for Markdown renderers, which
 * also pass inline HTML through: HTML's specials as entities, Markdown's inline punctuation backslash-escaped
 * (the backslash itself first), the table's pipe included; line breaks become the table-safe <br>.
 */
export function md(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '<br>');
}

const ICON: Record<CheckStatus, string> = { fail: '❌ fail', error: '⚠️ error', accepted: '🔷 accepted', pass: '✅ pass', skip: '➖ skip' };

export function renderMarkdown(doc: AuditDocument): string {
  const lines = [`# IAM audit — ${doc.generatedAt}`, ''];
  for (const a of doc.accounts) {
    lines.push(`## Account ${md(label(a))}`, '');
    if (a.error) {
      lines.push(`⚠️ ${md(a.error)}`, '');
      continue;
    }
    lines.push('| Status | Severity | Check | Detail | Fix | References |', '|---|---|---|---|---|---|');
    const sorted = [...a.checks].sort((x, y) => STATUS_ORDER.indexOf(x.status) - STATUS_ORDER.indexOf(y.status));
    for (const c of sorted) {
      const detail = [c.detail, ...acceptedLines(c)].map(md).join('<br>');
      lines.push(`| ${ICON[c.status]} | ${c.severity} | \`${c.id}\` | ${detail} | ${c.remediation ? md(c.remediation) : ''} | ${md(c.references.join(', '))} |`);
    }
    lines.push('', `**${summaryLine(a.summary)}**`, '');
  }
  if (doc.accounts.length > 1) lines.push('## Accounts', '', renderAccountMatrix(doc, 'markdown'), '');
  if (doc.compliance) lines.push(...renderComplianceMarkdown(doc.compliance), '');
  const consoleOnly = consoleOnlyNote(doc);
  if (consoleOnly) lines.push(md(consoleOnly), '');
  return lines.join('\n');
}

function renderComplianceMarkdown(c: ComplianceSummary): string[] {
  return [
    `## ${md(`${c.name} — ${c.section}`)}`,
    '',
    md(summaryCounts(c)),
    '',
    '| Requirement | Status | Title | Checks | What to look at |',
    '|---|---|---|---|---|',
    ...c.requirements.map((r) => `| ${md(r.id)} | ${md(`${r.status}${accountCounts(r)}`)} | ${md(r.title)} | ${r.checks.map((id) => `\`${id}\``).join(', ')} | ${md(r.review ?? '')} |`),
    ...(c.withdrawn.length ? ['', ...c.withdrawn.map((w) => md(withdrawnText(c.framework, w)))] : []),
  ];
}

