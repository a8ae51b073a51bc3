/** The audit report: the JSON document, the terminal table, the markdown table, and the exit code. */
import { ExitCode } from '../errors.js';
import type { Output } from '../io/output.js';
import { SEVERITIES, type CheckStatus, type Severity } from '../checks/types.js';
import { countStatuses, type AccountAudit, type StatusCounts } from './run-audit.js';

export interface AuditDocument {
  schemaVersion: 1;
  generatedAt: string;
  accounts: AccountAudit[];
  summary: StatusCounts & { accounts: number; accountErrors: number };
}

export function auditDocument(accounts: AccountAudit[], generatedAt: Date): AuditDocument {
  return {
    schemaVersion: 1,
    generatedAt: generatedAt.toISOString(),
    accounts,
    summary: {
      ...countStatuses(accounts.flatMap((a) => a.checks)),
      accounts: accounts.length,
      accountErrors: accounts.filter((a) => a.error).length,
    },
  };
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** 1 when a check at or above `failOn` failed; else 3 when anything could not be evaluated; else 0. */
export function auditExitCode(doc: AuditDocument, failOn: Severity): number {
  const checks = doc.accounts.flatMap((a) => a.checks);
  if (checks.some((c) => c.status === 'fail' && rank(c.severity) <= rank(failOn))) return ExitCode.checksFailed;
  if (checks.some((c) => c.status === 'error') || doc.accounts.some((a) => a.error)) return ExitCode.runtime;
  return ExitCode.ok;
}

export const STATUS_ORDER: CheckStatus[] = ['fail', 'error', 'pass', 'skip'];

/** Checks whose fix no API has: only a person signed in as root can make them pass. */
export const CONSOLE_ONLY_CHECKS = ['root-mfa', 'root-hardware-mfa'];

/**
 * When every failing check is a console-only root item, the report says so in those words: after `init` this is
 * what is left, and no tool can do it.
 */
export function consoleOnlyNote(doc: AuditDocument): string | undefined {
  const failing = [...new Set(doc.accounts.flatMap((a) => a.checks.filter((c) => c.status === 'fail').map((c) => c.id)))];
  if (!failing.length || failing.some((id) => !CONSOLE_ONLY_CHECKS.includes(id))) return undefined;
  return `Only console-only root items fail (${failing.join(', ')}): no API can fix them; sign in as the root user and follow the fix above.`;
}

export function label(a: AccountAudit): string {
  return a.alias ? `${a.accountId} (${a.alias})` : a.accountId;
}

export function summaryLine(c: StatusCounts): string {
  return `${c.pass} pass, ${c.fail} fail, ${c.error} error, ${c.skip} skip`;
}

export function renderTable(out: Output, doc: AuditDocument): string {
  const s = out.style;
  const sev: Record<Severity, (t: string) => string> = { critical: s.red.bold, high: s.red, medium: s.yellow, low: s.cyan };
  const statusStyle: Record<CheckStatus, (t: string) => string> = { fail: s.red.bold, error: s.magenta, pass: s.green, skip: s.dim };
  const idWidth = Math.max(...doc.accounts.flatMap((a) => a.checks.map((c) => c.id.length)), 10);
  const lines: string[] = [];
  for (const a of doc.accounts) {
    lines.push(s.bold(`Account ${label(a)}`));
    if (a.error) {
      lines.push(`  ${s.magenta('ERROR')}  ${a.error}`, '');
      continue;
    }
    for (const status of STATUS_ORDER) {
      for (const c of a.checks.filter((x) => x.status === status)) {
        const color = status === 'fail' ? sev[c.severity] : (t: string) => t;
        lines.push(`  ${statusStyle[status](status.toUpperCase().padEnd(5))}  ${color(c.severity.padEnd(8))}  ${c.id.padEnd(idWidth)}  ${c.detail}`);
        if (status === 'fail') for (const fix of c.remediation.split('\n')) lines.push(`         ${s.dim(`fix: ${fix}`)}`);
      }
    }
    lines.push(`  ${summaryLine(a.summary)}`, '');
  }
  if (doc.accounts.length > 1) lines.push(renderAccountMatrix(doc, 'text'), '');
  lines.push(s.bold(`Summary: ${summaryLine(doc.summary)}${doc.accounts.length > 1 ? ` across ${doc.accounts.length} accounts` : ''}`));
  const consoleOnly = consoleOnlyNote(doc);
  if (consoleOnly) lines.push(consoleOnly);
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

const ICON: Record<CheckStatus, string> = { fail: '❌ fail', error: '⚠️ error', pass: '✅ pass', skip: '➖ skip' };

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
      lines.push(`| ${ICON[c.status]} | ${c.severity} | \`${c.id}\` | ${md(c.detail)} | ${c.remediation ? md(c.remediation) : ''} | ${md(c.references.join(', '))} |`);
    }
    lines.push('', `**${summaryLine(a.summary)}**`, '');
  }
  if (doc.accounts.length > 1) lines.push('## Accounts', '', renderAccountMatrix(doc, 'markdown'), '');
  const consoleOnly = consoleOnlyNote(doc);
  if (consoleOnly) lines.push(md(consoleOnly), '');
  return lines.join('\n');
}

