/** audit's flags → validated settings; every problem is a UsageError (exit 2) naming the flag. */
import { UsageError } from '../errors.js';
import { CHECK_IDS } from '../checks/registry.js';
import { SEVERITIES, type Severity } from '../checks/types.js';
import { parseIntegerInRange } from '../lib/rules.js';

export type AuditFormat = 'table' | 'json' | 'jsonl' | 'markdown';

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
  concurrency?: string;
  accounts?: string;
}

export interface AuditRequest {
  format: AuditFormat;
  failOn: Severity;
  checks: string[];
  rootUseDays: number;
  unusedDays: number;
  rotationDays: number;
  org: boolean;
  roleName: string;
  concurrency: number;
  accounts?: string[];
}

export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole';

function days(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = parseIntegerInRange(text, 1, 3650);
  if (typeof n === 'string') throw new UsageError(`${flag}: "${text}" ${n}.`);
  return n;
}

/** `globalJson`: the global --json, which means --format json here too. */
export function parseAuditFlags(flags: AuditFlags, globalJson: boolean): AuditRequest {
  const format = flags.format ?? (flags.json || globalJson ? 'json' : 'table');
  if (format !== 'table' && format !== 'json' && format !== 'jsonl' && format !== 'markdown') {
    throw new UsageError(`--format: unknown format "${format}"; choose table, json, jsonl or markdown.`);
  }
  if ((flags.json || globalJson) && format !== 'json') throw new UsageError(`--json: conflicts with --format ${format}.`);
  const failOn = flags.failOn ?? 'low';
  if (!SEVERITIES.includes(failOn as Severity)) {
    throw new UsageError(`--fail-on: unknown severity "${failOn}"; choose ${SEVERITIES.join(', ')}.`);
  }
  const checks = flags.check ?? CHECK_IDS;
  const unknown = checks.filter((c) => !CHECK_IDS.includes(c));
  if (unknown.length) throw new UsageError(`--check: unknown check "${unknown.join('", "')}"; the checks are: ${CHECK_IDS.join(', ')}.`);

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
  if (!flags.org && (flags.roleName !== undefined || flags.concurrency !== undefined)) {
    throw new UsageError(`${flags.roleName !== undefined ? '--role-name' : '--concurrency'}: needs --org.`);
  }
  return {
    format,
    failOn: failOn as Severity,
    checks: [...new Set(checks)],
    rootUseDays: days('--root-use-days', flags.rootUseDays, 7),
    unusedDays: days('--unused-days', flags.unusedDays, 45),
    rotationDays: days('--rotation-days', flags.rotationDays, 90),
    org: flags.org === true,
    roleName,
    concurrency,
    accounts,
  };
}
