/** `--report csv=…`: one row per check and account, with a header row, quoted as RFC 4180 says. */
import type { AuditDocument } from '../report.js';

export const CSV_COLUMNS = [
  'account_id',
  'account_alias',
  'check_id',
  'title',
  'severity',
  'status',
  'detail',
  'resources',
  'references',
  'remediation',
  'accepted_reason',
  'accepted_owner',
  'accepted_until',
  'accepted_by',
  'generated_at',
] as const;

/**
 * What a spreadsheet program reads as the start of a formula (CWE-1236): IAM names may begin with = + - @, and
 * detail text comes from AWS and from names people chose.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A field is neutralised when a spreadsheet would evaluate it, as OWASP's CSV injection guidance says: prefixed with
 * a single quote, which spreadsheets show as text and do not evaluate. Then it is quoted when it holds a comma, a
 * quote or a line break, quotes inside doubled (RFC 4180 §2).
 */
export function csvField(value: string): string {
  const inert = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}

/**
 * An accepted failure (status `accepted`, or a failure partly accepted) names the exception's reason, owner, expiry
 * and entry in its own columns. An account that could not be audited is one row with status `error` and the reason, so a spreadsheet of an
 * Organization shows it rather than silently having fewer rows. Lists (resources, references) are joined with
 * a space: ARNs and reference ids never contain one. Lines end in CRLF, as RFC 4180 specifies.
 */
export function renderCsv(doc: AuditDocument): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const a of doc.accounts) {
    if (a.error) {
      rows.push([a.accountId, a.alias ?? '', '', 'Account could not be audited', '', 'error', a.error, '', '', '', '', '', '', '', doc.generatedAt]);
      continue;
    }
    for (const c of a.checks) {
      const by = c.accepted ?? [];
      const each = (f: (x: (typeof by)[number]) => string | undefined) => by.map((x) => f(x) ?? '').join('; ');
      rows.push([
        a.accountId, a.alias ?? '', c.id, c.title, c.severity, c.status, c.detail, c.resources.join(' '), c.references.join(' '), c.remediation,
        each((x) => x.reason), each((x) => x.owner), each((x) => x.expires), each((x) => x.entry), doc.generatedAt,
      ]);
    }
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
