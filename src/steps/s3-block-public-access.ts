/**
 * S3 Block Public Access for the whole account: all four settings on (SSB ACCT.08). No bucket
 * can then be made public by a policy or an ACL, and buckets that are public now stop being public, so the
 * inspection names those first.
 */
import { PutPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { accountPublicAccessBlock, PUBLIC_ACCESS_BLOCK_SETTINGS, publicBuckets, type PublicAccessBlock } from '../account/s3-public-access.js';
import { plan, type Step } from './types.js';

interface S3BlockData {
  current?: PublicAccessBlock;
}

export const s3BlockPublicAccessStep: Step<S3BlockData> = {
  id: 's3-block-public-access',
  title: 'S3 Block Public Access',

  async inspect(ctx) {
    const mode = ctx.settings.switches?.['s3-block-public-access'] ?? 'default';
    if (mode === 'off') return plan(this, 'skip', 'left as it is (--no-s3-block-public-access)', {});
    const current = await accountPublicAccessBlock(ctx, ctx.account.accountId);
    const off = PUBLIC_ACCESS_BLOCK_SETTINGS.filter((s) => !current[s]);
    if (!off.length) return plan(this, 'unchanged', 'all four settings on for the account', { current });
    const changes = off.map((field) => ({ field, from: false, to: true }));
    const found = await publicBuckets(ctx);
    let warning = '';
    if (found.length) {
      const names = found.slice(0, 5).map((b) => `${b.name} (${b.through.join(' and ')})`).join(', ');
      const why = `${found.length === 1 ? 'a bucket is' : `${found.length} buckets are`} public and would stop being public: ${names}${found.length > 5 ? `, …and ${found.length - 5} more` : ''}`;
      if (mode === 'default') return plan(this, 'skip', `skipped: ${why}; --s3-block-public-access applies it anyway`, {}, changes.map((c) => ({ ...c, note: 'not changed' })));
      warning = `; applied although ${why} (--s3-block-public-access)`;
    }
    const status = off.length === PUBLIC_ACCESS_BLOCK_SETTINGS.length ? 'create' : 'update';
    return plan(this, status, `turn on ${off.join(', ')} for the account${warning}`, { current }, changes);
  },

  async apply(ctx, p) {
    if (!p.data.current) return {};
    const client = await ctx.clients.s3Control();
    const all = Object.fromEntries(PUBLIC_ACCESS_BLOCK_SETTINGS.map((s) => [s, true])) as PublicAccessBlock;
    await client.send(new PutPublicAccessBlockCommand({ AccountId: ctx.account.accountId, PublicAccessBlockConfiguration: all }));
    return {};
  },
};
