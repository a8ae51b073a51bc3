/**
 * A secret (console password, access key) exists only in this process until the credentials file is written.
 * If the run dies in between, the secret is lost but the credential exists. So before creating one we tag the
 * user, and we untag only after the file is written; a re-run that finds the tag replaces the lost secret
 * instead of reporting "unchanged" for a credential nobody can use.
 */
import { TagUserCommand, UntagUserCommand, type Tag } from '@aws-sdk/client-iam';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import type { Context } from '../context.js';

export const PENDING_PASSWORD_TAG = 'iam-bootstrap:pending-password';
/** Value: "before:<ids of keys that existed before we created one>" or "before:none". */
export const PENDING_ACCESS_KEY_TAG = 'iam-bootstrap:pending-access-key';

export const JOURNAL_TAGS = [PENDING_PASSWORD_TAG, PENDING_ACCESS_KEY_TAG];

export interface PendingSecrets {
  password: boolean;
  /** Key ids that existed before the interrupted CreateAccessKey; undefined when no key is pending. */
  keysBefore?: string[];
}

export function readPending(tags: Tag[] | undefined): PendingSecrets {
  const byKey = new Map((tags ?? []).map((t) => [t.Key, t.Value ?? '']));
  const keyValue = byKey.get(PENDING_ACCESS_KEY_TAG);
  return {
    password: byKey.has(PENDING_PASSWORD_TAG),
    keysBefore:
      keyValue === undefined
        ? undefined
        : keyValue.replace(/^before:/, '').split(' ').filter((id) => id && id !== 'none'),
  };
}

export async function markPasswordPending(ctx: Context, userName: string): Promise<void> {
  await tag(ctx, userName, { Key: PENDING_PASSWORD_TAG, Value: 'true' });
}

export async function markAccessKeyPending(ctx: Context, userName: string, keysBefore: string[]): Promise<void> {
  await tag(ctx, userName, { Key: PENDING_ACCESS_KEY_TAG, Value: `before:${keysBefore.join(' ') || 'none'}` });
}

/** Called once the secrets are safely in the credentials file. */
export async function clearPending(ctx: Context, userName: string): Promise<void> {
  await ctx.clients.iam.send(new UntagUserCommand({ UserName: userName, TagKeys: JOURNAL_TAGS }));
}

async function tag(ctx: Context, userName: string, t: Tag): Promise<void> {
  await retryWhileNotVisible(ctx.clock, () =>
    ctx.clients.iam.send(new TagUserCommand({ UserName: userName, Tags: [t] })),
  );
}
