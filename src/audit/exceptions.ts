/**
 * Accepted exceptions: a team's statement that a failing check is known and accepted until a date, with a
 * reason and an owner (a break-glass user without hardware MFA, a finding fixed another way). An accepted failure
 * is reported as `accepted` in every format, never as a pass and never hidden, and does not fail the audit. An
 * entry that has expired matches nothing (the failure counts again) and is named; so is one that matched
 * nothing (stale exceptions are debt), and one that expires within 14 days.
 *
 * A file (YAML or JSON) holds a list of entries, bare or under `exceptions:`:
 *
 *   exceptions:
 *     - check: root-hardware-mfa
 *       account: "111122223333"        # or "*" (the default)
 *       resources: ["arn:aws:iam::*:user/break-glass-*"]   # optional: ARNs or globs (* and ?)
 *       reason: Break-glass user keeps a virtual MFA in the safe
 *       owner: security@example.com     # optional
 *       expires: 2027-03-31             # required: the last day it holds
 */
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AcceptedBy, Check, CheckResult, Finding } from '../checks/types.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

/** Read from the working folder whenever it exists, besides every --accept file. */
export const DEFAULT_EXCEPTIONS_FILE = '.iam-bootstrap/accept.yaml';
/** An expiry further ahead than this needs --allow-long-exceptions: exceptions are meant to be reviewed. */
const MAX_DAYS_AHEAD = 366;
/** An entry expiring within this many days is announced, so it is renewed or the finding fixed in time. */
const NOTICE_DAYS = 14;
const DAY_MS = 86_400_000;

export interface ExceptionEntry {
  /** "accept.yaml#2": where it was written, for every message about it. */
  source: string;
  /** The check's current id (an alias in the file is resolved). */
  check: string;
  account: string;
  resources?: string[];
  reason: string;
  owner?: string;
  expires: string;
  /** The end of its last day, UTC. */
  expiresAt: Date;
}

export interface ExceptionNotices {
  /** Entries that expired (the failures they accepted count again) and entries that matched nothing. */
  warnings: string[];
  /** Entries that expire within 14 days. */
  notices: string[];
}

const FIELDS = ['check', 'account', 'resources', 'reason', 'owner', 'expires'];

function fieldError(file: string, index: number, entry: Record<string, unknown> | undefined, field: string, problem: string): UsageError {
  const check = typeof entry?.check === 'string' ? ` (check ${entry.check})` : '';
  return new UsageError(`--accept ${file}: entry ${index + 1}${check}: ${field} ${problem}.`);
}

/** A date as YAML or JSON may give it: "2027-03-31", or a Date from a YAML 1.1 timestamp. */
function dateText(value: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? undefined : value;
}

/**
 * Parses one exception file's text. Every problem is exit 2 naming the file, the entry and the field, before any
 * AWS call: a file that does not parse, an unknown check id, a missing reason or expiry, an unknown field (a typo
 * would otherwise be ignored), an expiry more than a year ahead without `allowLong`.
 */
export function parseExceptions(
  file: string,
  text: string,
  known: { checks: readonly Pick<Check, 'id' | 'aliases'>[]; now: Date; allowLong: boolean },
): ExceptionEntry[] {
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(`--accept ${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(data) ? data : (data as { exceptions?: unknown } | null)?.exceptions;
  if (!Array.isArray(list)) throw new UsageError(`--accept ${file}: expected a list of entries (or "exceptions:" holding one).`);
  const idOf = new Map(known.checks.flatMap((c) => [[c.id, c.id], ...(c.aliases ?? []).map((a) => [a, c.id] as const)]));
  return list.map((raw, index): ExceptionEntry => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw fieldError(file, index, undefined, 'entry', 'is not a mapping of fields');
    const e = raw as Record<string, unknown>;
    const unknownField = Object.keys(e).find((k) => !FIELDS.includes(k));
    if (unknownField) throw fieldError(file, index, e, unknownField, `is not a field (the fields are ${FIELDS.join(', ')})`);
    if (typeof e.check !== 'string' || !e.check) throw fieldError(file, index, e, 'check', 'is missing');
    const check = idOf.get(e.check);
    if (!check) throw fieldError(file, index, e, 'check', `"${e.check}" is not a check id (iam-bootstrap checks lists them)`);
    const account = e.account === undefined ? '*' : String(e.account);
    if (account !== '*' && !/^\d{12}$/.test(account)) throw fieldError(file, index, e, 'account', `"${account}" is not a 12-digit account id or "*" (quote it in YAML)`);
    let resources: string[] | undefined;
    if (e.resources !== undefined) {
      const list = Array.isArray(e.resources) ? e.resources : [e.resources];
      if (!list.length || list.some((r) => typeof r !== 'string' || !r)) throw fieldError(file, index, e, 'resources', 'must be ARNs or globs (text, * and ?)');
      resources = list as string[];
    }
    if (typeof e.reason !== 'string' || !e.reason.trim()) throw fieldError(file, index, e, 'reason', 'is missing: say why the finding is accepted');
    if (e.owner !== undefined && (typeof e.owner !== 'string' || !e.owner.trim())) throw fieldError(file, index, e, 'owner', 'must be text (a person or team)');
    if (e.expires === undefined) throw fieldError(file, index, e, 'expires', 'is missing: an exception must end (YYYY-MM-DD)');
    const expires = dateText(e.expires);
    if (!expires) throw fieldError(file, index, e, 'expires', `"${String(e.expires)}" is not a date (YYYY-MM-DD)`);
    const expiresAt = new Date(Date.parse(`${expires}T00:00:00Z`) + DAY_MS - 1);
    if (!known.allowLong && expiresAt.getTime() - known.now.getTime() > MAX_DAYS_AHEAD * DAY_MS) {
      throw fieldError(file, index, e, 'expires', `${expires} is more than a year ahead; review exceptions at least yearly, or pass --allow-long-exceptions`);
    }
    return { source: `${file}#${index + 1}`, check, account, ...(resources ? { resources } : {}), reason: e.reason.trim(), ...(e.owner ? { owner: String(e.owner).trim() } : {}), expires, expiresAt };
  });
}

/** A glob (* any characters, ? one) as a whole-string pattern. */
function globPattern(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * Applies the entries to one account's results, and remembers which entries matched anything (for the stale
 * warning after the whole audit). Expired entries are skipped here and reported by `notices`.
 */
export class ExceptionSet {
  private readonly used = new Set<ExceptionEntry>();

  constructor(
    readonly entries: ExceptionEntry[],
    private readonly now: Date,
  ) {}

  private live(e: ExceptionEntry): boolean {
    return e.expiresAt.getTime() >= this.now.getTime();
  }

  /**
   * A failing check's result with what the entries accept. Findings are matched resource by resource: when every
   * one is accepted the check is `accepted`; when only some are, it stays `fail` with the rest, and the accepted
   * part is named.
   */
  apply(accountId: string, result: CheckResult, findings: Finding[] | undefined, detailOf: (findings: Finding[]) => string): CheckResult {
    if (result.status !== 'fail') return result;
    const entries = this.entries.filter((e) => this.live(e) && e.check === result.id && (e.account === '*' || e.account === accountId));
    if (!entries.length) return result;
    const items = findings ?? result.resources.map((resource) => ({ resource, text: result.detail }));
    const acceptedBy: AcceptedBy[] = [];
    let remaining = items;
    for (const e of entries) {
      const matches = (f: Finding) => !e.resources || e.resources.some((g) => globPattern(g).test(f.resource));
      // An entry without resources accepts the whole check, whatever it names (an account-level finding names none).
      const taken = e.resources ? remaining.filter(matches) : remaining;
      if (!taken.length && !(remaining.length === 0 && !e.resources)) continue;
      this.used.add(e);
      acceptedBy.push({ entry: e.source, reason: e.reason, ...(e.owner ? { owner: e.owner } : {}), expires: e.expires, resources: [...new Set(taken.map((f) => f.resource))] });
      remaining = remaining.filter((f) => !taken.includes(f));
    }
    if (!acceptedBy.length) return result;
    if (!remaining.length) return { ...result, status: 'accepted', accepted: acceptedBy };
    return { ...result, detail: detailOf(remaining), resources: [...new Set(remaining.map((f) => f.resource))], accepted: acceptedBy };
  }

  /** After the audit: expired, stale and soon-expiring entries, each named by file and position. */
  notices(): ExceptionNotices {
    const warnings: string[] = [];
    const notices: string[] = [];
    for (const e of this.entries) {
      const what = `exception ${e.source} (${e.check}${e.account === '*' ? '' : `, account ${e.account}`})`;
      if (!this.live(e)) {
        warnings.push(`${what} expired on ${e.expires}: the failures it accepted count again; renew it with a new reason, or fix the finding`);
        continue;
      }
      if (!this.used.has(e)) warnings.push(`${what} matched no failure: remove it (stale exceptions are debt), or check its account and resources`);
      const days = Math.ceil((e.expiresAt.getTime() - this.now.getTime()) / DAY_MS);
      if (days <= NOTICE_DAYS) notices.push(`${what} expires on ${e.expires}, in ${days} day${days === 1 ? '' : 's'}${e.owner ? ` (owner ${e.owner})` : ''}`);
    }
    return { warnings, notices };
  }
}

/**
 * Reads every --accept file and the working folder's .iam-bootstrap/accept.yaml (when it exists): exit 2 before any
 * AWS call for a file that is missing or wrong.
 */
export async function loadExceptions(
  ctx: Pick<Context, 'fs'>,
  request: { accept: string[]; allowLongExceptions: boolean },
  cwd: string,
  known: { checks: readonly Pick<Check, 'id' | 'aliases'>[]; now: Date },
): Promise<ExceptionSet | undefined> {
  const files = [...request.accept.map((f) => ({ path: f, required: true }))];
  const fallback = join(cwd, DEFAULT_EXCEPTIONS_FILE);
  if (!files.some((f) => resolve(cwd, f.path) === fallback)) files.push({ path: DEFAULT_EXCEPTIONS_FILE, required: false });
  const entries: ExceptionEntry[] = [];
  for (const f of files) {
    let text: string | undefined;
    try {
      text = await ctx.fs.readText(resolve(cwd, f.path));
    } catch (err) {
      throw new UsageError(`--accept ${f.path}: ${(err as Error).message}.`);
    }
    if (text === undefined) {
      if (f.required) throw new UsageError(`--accept ${f.path}: no such file.`);
      continue;
    }
    entries.push(...parseExceptions(f.path, text, { ...known, allowLong: request.allowLongExceptions }));
  }
  return entries.length ? new ExceptionSet(entries, known.now) : undefined;
}
