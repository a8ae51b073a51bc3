/**
 * One access key for the admin user, only with --access-key (CIS 1.11 advises none at initial setup).
 * CreateAccessKey is not idempotent: if its answer is lost the SDK's retry creates a second key, so every
 * key that appeared during the call and is not the one we hold is deleted.
 */
import { CreateAccessKeyCommand, DeleteAccessKeyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import { CleanupFailedError, isAwsError } from '../errors.js';
import type { Context } from '../context.js';
import { getUser } from './admin-user.js';
import { markAccessKeyPending, readPending, staleNote } from './secret-journal.js';
import { plan, type Step } from './types.js';

interface KeyData {
  create: boolean;
  /** Keys an interrupted run created but never delivered: useless without their secrets. */
  undelivered: string[];
}

export async function accessKeyIds(ctx: Pick<Context, 'clients'>, userName: string): Promise<string[]> {
  try {
    const { AccessKeyMetadata } = await ctx.clients.iam.send(new ListAccessKeysCommand({ UserName: userName }));
    return (AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? '').filter(Boolean);
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity')) return [];
    throw err;
  }
}

async function deleteKeys(ctx: Context, userName: string, ids: string[]): Promise<void> {
  for (const id of ids) {
    await ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: id }));
  }
}

export const accessKeyStep: Step<KeyData> = {
  id: 'access-key',
  title: 'Access key',

  async inspect(ctx) {
    const { adminUser: name, accessKey } = ctx.settings;
    if (!accessKey) return plan(this, 'skip', 'no access key (pass --access-key to create one)', { create: false, undelivered: [] });
    const keys = await accessKeyIds(ctx, name);
    const pending = keys.length ? readPending((await getUser(ctx, name))?.Tags) : { password: false };
    if (pending.keysBefore) {
      const before = pending.keysBefore;
      const undelivered = keys.filter((id) => !before.includes(id));
      const note = await staleNote(ctx, pending.keyFile, 'access key');
      return plan(this, 'update', `replace ${name}'s undelivered access key`, { create: true, undelivered }, [
        ...undelivered.map((id) => ({ field: 'access key', from: id, note })),
        { field: 'access key', to: 'new key' },
      ]);
    }
    if (keys.length) {
      return plan(this, 'unchanged', `${name} already has access key ${keys.join(', ')}; no other is created`, { create: false, undelivered: [] });
    }
    return plan(this, 'create', `one access key for ${name}`, { create: true, undelivered: [] }, [{ field: 'access key', to: 'new key' }]);
  },

  async apply(ctx, p) {
    if (!p.data.create) return {};
    const name = ctx.settings.adminUser;
    await deleteKeys(ctx, name, p.data.undelivered);
    const before = await accessKeyIds(ctx, name);
    await markAccessKeyPending(ctx, name, before, ctx.files.credentials?.path);
    const key = await createKey(ctx, name, before);
    // Kept before anything else can fail: from here on, the secret reaches the credentials file whatever happens.
    ctx.vault.keepAccessKey(key);
    const strays = (await accessKeyIds(ctx, name)).filter((id) => !before.includes(id) && id !== key.id);
    await deleteKeys(ctx, name, strays);
    ctx.vault.accessKeyAccountedFor();
    return {};
  },
};

/**
 * CreateAccessKey, recovering from keys that attempts with lost answers created: nobody has their secrets, so
 * they are deleted. When two lost answers used up IAM's two keys, the retry meets LimitExceeded; after deleting
 * those keys one more attempt converges within this run.
 */
async function createKey(ctx: Context, name: string, before: string[]): Promise<{ id: string; secret: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { AccessKey: key } = await retryWhileNotVisible(ctx.clock, () => ctx.clients.iam.send(new CreateAccessKeyCommand({ UserName: name })));
      if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error('CreateAccessKey returned no key');
      return { id: key.AccessKeyId, secret: key.SecretAccessKey };
    } catch (err) {
      let removed: string[];
      try {
        removed = (await accessKeyIds(ctx, name)).filter((id) => !before.includes(id));
        await deleteKeys(ctx, name, removed);
      } catch (cleanupError) {
        throw new CleanupFailedError(err, [
          {
            leftBehind: `any access key of ${name} that this run created without receiving its secret; the next run deletes it`,
            error: cleanupError,
          },
        ]);
      }
      if (attempt === 1 && removed.length && isAwsError(err, 'LimitExceeded')) continue;
      throw err;
    }
  }
}
