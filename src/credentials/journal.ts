/**
 * A secret (console password, access key) exists only in this process until the credentials file is written.
 * If the run dies in between, the secret is lost but the credential exists. So before creating one we tag the
 * user, and we untag only once *that* secret is in the file; a re-run that finds the tag replaces the lost
 * secret instead of reporting "unchanged" for a credential nobody can use. The tag also names the file the
 * secret was meant for, so that a re-run can say which file it is about to make stale.
 */
import { TagUserCommand, UntagUserCommand, type Tag } from '@aws-sdk/client-iam';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import type { Context } from '../context.js';

export const PENDING_PASSWORD_TAG = 'iam-bootstrap:pending-password';
/**
 * Value: "before:<ids of keys that existed before we created one>" or "before:none"; then " saved:<id>" once the
 * new key's secret is in the credentials file but keys that lost answers may have created were not yet looked
 * for; then " file:<path>".
 */
export const PENDING_ACCESS_KEY_TAG = 'iam-bootstrap:pending-access-key';

export const JOURNAL_TAGS = [PENDING_PASSWORD_TAG, PENDING_ACCESS_KEY_TAG];
export type JournalEntry = 'password' | 'accessKey';
const TAG_OF: Record<JournalEntry, string> = { password: PENDING_PASSWORD_TAG, accessKey: PENDING_ACCESS_KEY_TAG };

export interface PendingSecrets {
  password: boolean;
  /** The credentials file the pending password was meant for, when the tag could hold its path. */
  passwordFile?: string;
  /** Key ids that existed before the interrupted CreateAccessKey; undefined when no key is pending. */
  keysBefore?: string[];
  /** The key whose secret was saved: it has a holder, and only keys neither before nor saved are strays. */
  savedKey?: string;
  keyFile?: string;
}

const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const FILE_MARK = ' file:';
const SAVED_MARK = ' saved:';

/** " file:<path>" when IAM's tag-value rules (256 characters of a limited set) can hold the path, else "". */
function fileSuffix(prefix: string, file: string | undefined): string {
  const suffix = file ? `${FILE_MARK}${file}` : '';
  return (prefix + suffix).length <= 256 && TAG_VALUE.test(suffix) ? suffix : '';
}

function splitFile(value: string): { head: string; file?: string } {
  const at = value.indexOf(FILE_MARK);
  return at < 0 ? { head: value } : { head: value.slice(0, at), file: value.slice(at + FILE_MARK.length) };
}

export function readPending(tags: Tag[] | undefined): PendingSecrets {
  const byKey = new Map((tags ?? []).map((t) => [t.Key, t.Value ?? '']));
  const passwordValue = byKey.get(PENDING_PASSWORD_TAG);
  const keyValue = byKey.get(PENDING_ACCESS_KEY_TAG);
  const key = keyValue === undefined ? undefined : splitFile(keyValue);
  const [before = '', saved] = (key?.head ?? '').split(SAVED_MARK);
  return {
    password: passwordValue !== undefined,
    passwordFile: passwordValue === undefined ? undefined : splitFile(passwordValue).file,
    keysBefore: key ? before.replace(/^before:/, '').split(' ').filter((id) => id && id !== 'none') : undefined,
    savedKey: saved?.trim() || undefined,
    keyFile: key?.file,
  };
}

export async function markPasswordPending(ctx: Context, userName: string, file: string | undefined): Promise<void> {
  await tag(ctx, userName, { Key: PENDING_PASSWORD_TAG, Value: `pending${fileSuffix('pending', file)}` });
}

export async function markAccessKeyPending(ctx: Context, userName: string, keysBefore: string[], file: string | undefined): Promise<void> {
  await tag(ctx, userName, accessKeyTag(keysBefore, undefined, file));
}

/**
 * The new key's secret is saved, but keys that attempts with lost answers may have created were not looked for:
 * the journal now says the saved key has a holder (a re-run must not replace it) and still tells strays apart.
 */
export async function markAccessKeySaved(ctx: Context, userName: string, keysBefore: string[], savedKey: string, file: string | undefined): Promise<void> {
  await tag(ctx, userName, accessKeyTag(keysBefore, savedKey, file));
}

function accessKeyTag(keysBefore: string[], savedKey: string | undefined, file: string | undefined): Tag {
  const head = `before:${keysBefore.join(' ') || 'none'}${savedKey ? `${SAVED_MARK}${savedKey}` : ''}`;
  return { Key: PENDING_ACCESS_KEY_TAG, Value: head + fileSuffix(head, file) };
}

/** Called for exactly the secrets that are now safely in the credentials file. */
export async function clearPending(ctx: Context, userName: string, entries: JournalEntry[]): Promise<void> {
  if (!entries.length) return;
  await ctx.clients.iam.send(new UntagUserCommand({ UserName: userName, TagKeys: entries.map((e) => TAG_OF[e]) }));
}

async function tag(ctx: Context, userName: string, t: Tag): Promise<void> {
  await retryWhileNotVisible(ctx.clock, () =>
    ctx.clients.iam.send(new TagUserCommand({ UserName: userName, Tags: [t] })),
  );
}

/**
 * Why a journalled secret is replaced, naming the file an interrupted run may have written it to: after the
 * replacement that file no longer works, and the operator must not find that out at sign-in.
 */
export async function staleNote(ctx: Pick<Context, 'fs'>, file: string | undefined, what: string): Promise<string> {
  // "taken": something is there (an empty reservation left by a killed run holds nothing and is "leftover").
  if (file && (await ctx.fs.inspectTarget(file)).kind === 'taken') {
    return `an interrupted run did not confirm saving the previous one; the ${what} in ${file} stops working`;
  }
  return 'an interrupted run never saved the previous one';
}
