/** audit's flags → validated settings; every problem is a UsageError (exit 2) naming the flag. */
import { DEFAULT_ROLE_NAME } from '../../aws/assume-role.js';
import { UsageError } from '../../errors.js';
import { ALL_CHECKS, CHECK_IDS, resolveCheckId } from '../../checks/registry.js';
import { FRAMEWORK_IDS, type FrameworkId } from '../../frameworks/catalog.js';
import { CHECK_STATUSES, SEVERITIES, type CheckStatus, type Severity } from '../../checks/types.js';
import { parseIntegerInRange } from '../../lib/rules.js';

/** What `--report <format>=<path>` can write (and `--format` print). */
export const REPORT_FORMATS = ['html', 'junit', 'ocsf', 'json', 'markdown', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What standard output can carry: the table, JSON lines as accounts finish, or any report format. */
export const AUDIT_FORMATS = ['table', 'jsonl', ...REPORT_FORMATS] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export interface ReportRequest {
  format: ReportFormat;
  path: string;
}

export interface AuditFlags {
  format?: string;
  json?: boolean;
  failOn?: string;
  check?: string[];
  rootUseDays?: string;
  unusedDays?: string;
  rotationDays?: string;
  org?: boolean;
  roleName?: string;
  /** The global --account or --role-arn was given: one other account, which --org cannot be combined with. */
  elsewhere?: boolean;
  concurrency?: string;
  accounts?: string;
  report?: string[];
  force?: boolean;
  securityHub?: boolean;
  securityHubAccount?: string;
  accept?: string[];
  allowLongExceptions?: boolean;
  excludeCheck?: string[];
  framework?: string;
  status?: string[];
  quiet?: boolean;
}

export interface AuditRequest {
  format: AuditFormat;
  failOn: Severity;
  checks: string[];
  rootUseDays: number;
  unusedDays: number;
  /** unused-roles: --unused-days when given, else 90 (roles often run monthly or quarterly jobs). */
  unusedRoleDays: number;
  rotationDays: number;
  org: boolean;
  roleName: string;
  concurrency: number;
  accounts?: string[];
  /** Files to write besides stdout (--report), replaced only with --force. */
  reports: ReportRequest[];
  force: boolean;
  /** --security-hub: import the findings; `account` sends them all to one aggregator account. */
  securityHub?: { account?: string };
  /** --accept files (the working folder's .iam-bootstrap/accept.yaml is added when it exists). */
  accept: string[];
  allowLongExceptions: boolean;
  /** --framework: only the checks that map to it, its ids in every format, and its compliance summary. */
  framework?: FrameworkId;
  /** --status: the table shows only checks in these statuses (every check is still run and counted). */
  statuses?: CheckStatus[];
  /** --quiet: the table is only the summary. */
  quiet: boolean;
}


function days(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = parseIntegerInRange(text, 1, 3650);
  if (typeof n === 'string') throw new UsageError(`${flag}: "${text}" ${n}.`);
  return n;
}

/** "html=out/report.html" → the format and the path; the path may itself contain "=". A path of "-" is standard output. */
function parseReport(text: string): ReportRequest {
  const eq = text.indexOf('=');
  const format = eq < 0 ? text : text.slice(0, eq);
  const path = eq < 0 ? '' : text.slice(eq + 1);
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--report: unknown format "${format}" in "${text}"; write <format>=<path> with a format of ${REPORT_FORMATS.join(', ')}.`);
  }
  if (!path) throw new UsageError(`--report: "${text}" names no file; write ${format}=<path>.`);
  return { format: format as ReportFormat, path };
}

/** `globalJson`: the global --json, which means --format json here too. */
export function parseAuditFlags(flags: AuditFlags, globalJson: boolean): AuditRequest {
  const allReports = (flags.report ?? []).map(parseReport);
  // --report <format>=- is --format <format>: standard output carries one format.
  const toStdout = allReports.filter((r) => r.path === '-');
  const reports = allReports.filter((r) => r.path !== '-');
  const stdoutFormats = [
    ...(flags.format !== undefined ? [`--format ${flags.format}`] : []),
    ...(flags.json || globalJson ? ['--json'] : []),
    ...toStdout.map((r) => `--report ${r.format}=-`),
  ];
  if (stdoutFormats.length > 1 && !(stdoutFormats.length === 2 && flags.format === 'json' && (flags.json || globalJson))) {
    throw new UsageError(`${stdoutFormats.join(' and ')}: standard output carries one format; write the others to files (--report <format>=<path>).`);
  }
  const format = toStdout[0]?.format ?? flags.format ?? (flags.json || globalJson ? 'json' : 'table');
  if (!(AUDIT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: unknown format "${format}"; choose ${AUDIT_FORMATS.join(', ')}.`);
  }
  const failOn = flags.failOn ?? 'low';
  if (!SEVERITIES.includes(failOn as Severity)) {
    throw new UsageError(`--fail-on: unknown severity "${failOn}"; choose ${SEVERITIES.join(', ')}.`);
  }
  const ids = (flag: string, given: string[]) => {
    const list = given.flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean);
    const unknown = list.filter((c) => !resolveCheckId(c));
    if (unknown.length) throw new UsageError(`${flag}: unknown check "${unknown.join('", "')}"; the checks are: ${CHECK_IDS.join(', ')}.`);
    return list.map((c) => resolveCheckId(c) as string);
  };
  const framework = flags.framework;
  if (framework !== undefined && !(FRAMEWORK_IDS as readonly string[]).includes(framework)) {
    throw new UsageError(`--framework: unknown framework "${framework}"; choose ${FRAMEWORK_IDS.join(', ')}.`);
  }
  const excluded = ids('--exclude-check', flags.excludeCheck ?? []);
  const mapped = framework ? ALL_CHECKS.filter((c) => c.mappings[framework as FrameworkId]).map((c) => c.id) : CHECK_IDS;
  const checks = (flags.check ? ids('--check', flags.check) : mapped).filter((c) => !excluded.includes(c));
  if (!checks.length) throw new UsageError('--exclude-check: every selected check is excluded; nothing would be audited.');

  const roleName = flags.roleName ?? DEFAULT_ROLE_NAME;
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) throw new UsageError(`--role-name: "${roleName}" is not a valid IAM role name.`);
  let concurrency = 8;
  if (flags.concurrency !== undefined) {
    const n = parseIntegerInRange(flags.concurrency, 1, 64);
    if (typeof n === 'string') throw new UsageError(`--concurrency: "${flags.concurrency}" ${n}.`);
    concurrency = n;
  }
  let accounts: string[] | undefined;
  if (flags.accounts !== undefined) {
    if (!flags.org) throw new UsageError('--accounts: needs --org.');
    accounts = flags.accounts.split(',').map((a) => a.trim()).filter(Boolean);
    const bad = accounts.filter((a) => !/^\d{12}$/.test(a));
    if (bad.length || !accounts.length) throw new UsageError(`--accounts: expected 12-digit account ids separated by commas, got "${flags.accounts}".`);
  }
  if (flags.org && flags.elsewhere) {
    throw new UsageError('--org: cannot be combined with --account or --role-arn; use --org --accounts <ids> to audit some accounts of the Organization.');
  }
  if (!flags.org && flags.concurrency !== undefined) throw new UsageError('--concurrency: needs --org.');
  if (!flags.org && !flags.elsewhere && flags.roleName !== undefined) throw new UsageError('--role-name: needs --org or --account.');
  // Two reports naming one file are found where the file system can tell (checkReportTargets).
  if (flags.force && !reports.length) throw new UsageError('--force: needs --report (it lets a report replace an existing file).');
  const statuses = flags.status?.flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean);
  if (statuses) {
    const unknown = statuses.filter((st) => !(CHECK_STATUSES as readonly string[]).includes(st));
    if (unknown.length || !statuses.length) throw new UsageError(`--status: unknown status "${unknown.join('", "')}"; choose from ${CHECK_STATUSES.join(', ')}.`);
  }
  for (const [flag, given] of [['--status', statuses !== undefined], ['--quiet', flags.quiet === true]] as const) {
    if (given && format !== 'table') throw new UsageError(`${flag}: only shapes the table (--format table); filter ${format} with a tool such as jq.`);
  }
  if (statuses && flags.quiet) throw new UsageError('--quiet: prints only the summary; leave out --status.');
  if (flags.securityHubAccount !== undefined) {
    if (!flags.securityHub) throw new UsageError('--security-hub-account: needs --security-hub.');
    if (!/^\d{12}$/.test(flags.securityHubAccount)) throw new UsageError(`--security-hub-account: "${flags.securityHubAccount}" is not a 12-digit account id.`);
  }
  return {
    reports,
    accept: flags.accept ?? [],
    allowLongExceptions: flags.allowLongExceptions === true,
    ...(framework ? { framework: framework as FrameworkId } : {}),
    force: flags.force === true,
    ...(statuses ? { statuses: [...new Set(statuses)] as CheckStatus[] } : {}),
    quiet: flags.quiet === true,
    ...(flags.securityHub ? { securityHub: flags.securityHubAccount ? { account: flags.securityHubAccount } : {} } : {}),
    format: format as AuditFormat,
    failOn: failOn as Severity,
    checks: [...new Set(checks)],
    rootUseDays: days('--root-use-days', flags.rootUseDays, 7),
    unusedDays: days('--unused-days', flags.unusedDays, 45),
    unusedRoleDays: days('--unused-days', flags.unusedDays, 90),
    rotationDays: days('--rotation-days', flags.rotationDays, 90),
    org: flags.org === true,
    roleName,
    concurrency,
    accounts,
  };
}
