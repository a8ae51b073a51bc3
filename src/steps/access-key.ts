/**
 * One access key for the admin user, only with --access-key (CIS v5.0.0 1.10 advised none at initial setup; v7.0.0 withdrew the item).
 * CreateAccessKey is not idempotent: if its answer is lost the SDK's retry creates a second key, so every
 * key that appeared during the call and is not the one we hold is deleted.
 */
import { CreateAccessKeyCommand, DeleteAccessKeyCommand } from '@aws-sdk/client-iam';
import { getUser, userAccessKeyIds as accessKeyIds } from '../account/users.js';
import { deleted } from '../aws/absent.js';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import { CleanupFailedError, isAwsError } from '../errors.js';
import type { Context } from '../context.js';
import { PENDING_ACCESS_KEY_TAG, clearPending, markAccessKeyPending, readPending, staleNote } from '../credentials/journal.js';
import { plan, type Step } from './types.js';

interface KeyData {
  create: boolean;
  /** Keys an interrupted run created but never delivered: useless without their secrets. */
  undelivered: string[];
  /** The journal names a key that was saved: only strays are deleted, then the journal is cleared. */
  clearJournal?: boolean;
}

async function deleteKeys(ctx: Context, userName: string, ids: string[]): Promise<void> {
  for (const id of ids) await deleted(ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: id })));
}

export const accessKeyStep: Step<KeyData> = {
  id: 'access-key',
  title: 'Access key',

  async inspect(ctx) {
    const { adminUser: name, accessKey } = ctx.settings;
    if (!accessKey) return plan(this, 'skip', 'no access key (pass --access-key to create one)', { create: false, undelivered: [] });
    const keys = await accessKeyIds(ctx, name);
    const pending = keys.length ? readPending((await getUser(ctx, name))?.Tags) : { password: false };
    if (pending.keysBefore && pending.savedKey && keys.includes(pending.savedKey)) {
      // The last run saved its key's secret but could not look for strays: the saved key stays.
      const accounted = [...pending.keysBefore, pending.savedKey];
      const undelivered = keys.filter((id) => !accounted.includes(id));
      const summary = undelivered.length ? `delete ${name}'s access keys that nobody holds` : `${name} has access key ${pending.savedKey}; clear the journal`;
      return plan(this, 'update', summary, { create: false, undelivered, clearJournal: true }, [
        ...undelivered.map((id) => ({ field: 'access key', from: id, note: 'made by an attempt whose answer was lost: nobody has its secret' })),
        { field: 'journal tag', from: PENDING_ACCESS_KEY_TAG, note: `${pending.savedKey} was saved${pending.keyFile ? ` to ${pending.keyFile}` : ''} and is kept` },
      ]);
    }
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
    const name = ctx.settings.adminUser;
    if (p.data.clearJournal) {
      await deleteKeys(ctx, name, p.data.undelivered);
      await clearPending(ctx, name, ['accessKey']);
      return {};
    }
    if (!p.data.create) return {};
    await deleteKeys(ctx, name, p.data.undelivered);
    const before = await accessKeyIds(ctx, name);
    await markAccessKeyPending(ctx, name, before, ctx.files.credentials?.path);
    const key = await createKey(ctx, name, before);
    // Kept before anything else can fail: from here on, the secret reaches the credentials file whatever happens.
    ctx.vault.keepAccessKey(key, before);
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
