/**
 * The IAM credential report: one CSV row per user plus `<root_account>`, the main source for audit.
 * Generating it is asynchronous and rate-limited; AWS regenerates it at most every four hours, so its age is
 * reported where it matters.
 */
import { GenerateCredentialReportCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam';
import type { Context } from '../context.js';
import { isAwsError, RuntimeError } from '../errors.js';

export const ROOT_ROW = '<root_account>';

/** A report row: column name → raw value ("true", "false", ISO date, "N/A", "no_information", "not_supported"). */
export type ReportRow = Record<string, string>;

export interface CredentialReport {
  generatedAt: Date;
  root?: ReportRow;
  users: ReportRow[];
}

/** How long to keep asking before giving up: AWS usually finishes in seconds. */
const POLL_BUDGET_MS = 60_000;

/**
 * Generates (or reuses) the report, polling with exponential backoff instead of busy-looping. `progress` hears
 * what it waits for while it waits (a person at a terminal sees it), and undefined once the wait is over.
 */
export async function fetchCredentialReport(
  ctx: Pick<Context, 'clients' | 'clock'>,
  signal?: AbortSignal,
  progress?: (text: string | undefined) => void,
): Promise<CredentialReport> {
  const started = ctx.clock.now().getTime();
  let delay = 250;
  for (;;) {
    try {
      const { State } = await ctx.clients.iam.send(new GenerateCredentialReportCommand({}));
      if (State === 'COMPLETE') {
        progress?.(undefined);
        const got = await ctx.clients.iam.send(new GetCredentialReportCommand({}));
        return parseCredentialReport(contentText(got.Content), got.GeneratedTime ?? ctx.clock.now());
      }
    } catch (err) {
      // LimitExceeded: too many generation requests; the report is in progress or just made. Wait and ask again.
      if (!isAwsError(err, 'LimitExceeded', 'CredentialReportNotReady', 'ReportInProgress', 'CredentialReportNotPresent')) throw err;
    }
    if (ctx.clock.now().getTime() - started > POLL_BUDGET_MS) {
      throw new RuntimeError('the IAM credential report was not ready after 60 seconds; run audit again in a minute.');
    }
    const waited = Math.round((ctx.clock.now().getTime() - started) / 1000);
    progress?.(`Waiting for IAM to generate the credential report (it lists every user's passwords, keys and MFA)… ${waited} s`);
    await ctx.clock.sleep(delay, signal);
    delay = Math.min(delay * 2, 4000);
  }
}

function contentText(content: Uint8Array | string | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
}

/** RFC 4180 fields: quoted fields may hold commas (IAM user names may contain them) and doubled quotes. */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

export function parseCredentialReport(csv: string, generatedAt: Date): CredentialReport {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = parseCsvLine(lines[0] ?? '');
  const rows = lines.slice(1).map((line) => {
    const values = parseCsvLine(line);
    return Object.fromEntries(header.map((h, i) => [h, values[i] ?? ''])) as ReportRow;
  });
  return {
    generatedAt,
    root: rows.find((r) => r.user === ROOT_ROW),
    users: rows.filter((r) => r.user !== ROOT_ROW),
  };
}

/** A report date, or undefined for N/A, no_information, not_supported and empty values. */
export function reportDate(value: string | undefined): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export const isTrue = (value: string | undefined) => value === 'true';

export function daysBetween(earlier: Date, later: Date): number {
  return Math.floor((later.getTime() - earlier.getTime()) / 86_400_000);
}

/** The two access-key slots of a row, as the report numbers them. */
export function accessKeys(row: ReportRow): { slot: 1 | 2; active: boolean; lastRotated?: Date; lastUsed?: Date }[] {
  return ([1, 2] as const).map((slot) => ({
    slot,
    active: isTrue(row[`access_key_${slot}_active`]),
    lastRotated: reportDate(row[`access_key_${slot}_last_rotated`]),
    lastUsed: reportDate(row[`access_key_${slot}_last_used_date`]),
  }));
}
