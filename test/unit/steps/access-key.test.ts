import { describe, expect, it } from 'vitest';
import { accessKeyStep } from '../../../src/steps/access-key.js';
import { PENDING_ACCESS_KEY_TAG } from '../../../src/credentials/journal.js';
import { FakeAccount } from '../../support/fake-aws.js';
import { stepContext } from '../../support/step-context.js';

function withUser(): FakeAccount {
  const account = new FakeAccount();
  account.users.set('alice', { tags: [], groups: new Set(), keys: [], mfa: [] });
  return account;
}

describe('access-key step', () => {
  it('skips unless --access-key is given', async () => {
    expect((await accessKeyStep.inspect(stepContext(withUser()))).status).toBe('skip');
  });

  it('creates exactly one key and returns its secret', async () => {
    const account = withUser();
    const ctx = stepContext(account, { accessKey: true });
    await accessKeyStep.apply(ctx, await accessKeyStep.inspect(ctx));
    const outcome = ctx.vault;
    expect(account.users.get('alice')?.keys).toHaveLength(1);
    expect(outcome.accessKey?.id).toBe(account.users.get('alice')?.keys[0]?.id);
    expect(outcome.accessKey?.secret).toMatch(/^secret-/);
  });

  it('does not create a second key on a re-run', async () => {
    const account = withUser();
    account.users.get('alice')?.keys.push({ id: 'AKIAEXISTING', secret: 's' });
    const p = await accessKeyStep.inspect(stepContext(account, { accessKey: true }));
    expect(p.status).toBe('unchanged');
  });

  it('leaves no key when every CreateAccessKey answer is lost (nobody has the secret)', async () => {
    const account = withUser();
    const ctx = stepContext(account, { accessKey: true });
    const p = await accessKeyStep.inspect(ctx);
    account.loseNextAnswer.add('CreateAccessKey'); // AWS creates the key, the answer never arrives
    await expect(accessKeyStep.apply(ctx, p)).rejects.toThrow(/socket hang up/);
    expect(account.users.get('alice')?.keys).toHaveLength(0);
  });

  it('leaves exactly the delivered key when a lost attempt was followed by a successful retry', async () => {
    const account = withUser();
    const ctx = stepContext(account, { accessKey: true });
    const p = await accessKeyStep.inspect(ctx);
    // The SDK's first attempt landed (its answer lost); the retry we see answers with a second key.
    account.onceBefore.set('CreateAccessKey', () => account.users.get('alice')?.keys.push({ id: 'AKIALOSTATTEMPT', secret: 'lost' }));
    await accessKeyStep.apply(ctx, p);
    const outcome = ctx.vault;
    expect(account.users.get('alice')?.keys.map((k) => k.id)).toEqual([outcome.accessKey?.id]);
    expect(outcome.accessKey?.id).not.toBe('AKIALOSTATTEMPT');
  });

  it('replaces keys an interrupted run created but never delivered', async () => {
    const account = withUser();
    const alice = account.users.get('alice')!;
    alice.keys.push({ id: 'AKIAOLDKEPT', secret: 'a' }, { id: 'AKIAUNDELIVERED', secret: 'b' });
    alice.tags.push({ Key: PENDING_ACCESS_KEY_TAG, Value: 'before:AKIAOLDKEPT' });
    const ctx = stepContext(account, { accessKey: true });
    const p = await accessKeyStep.inspect(ctx);
    expect(p.status).toBe('update');
    await accessKeyStep.apply(ctx, p);
    const outcome = ctx.vault;
    expect(alice.keys.map((k) => k.id)).toEqual(['AKIAOLDKEPT', outcome.accessKey?.id]);
  });

  it('keeps a key whose secret was saved; deletes only the strays the journal tells apart, then clears the journal', async () => {
    const account = withUser();
    const alice = account.users.get('alice')!;
    alice.keys.push({ id: 'AKIASAVED', secret: 'in the file' }, { id: 'AKIASTRAY', secret: 'nobody has it' });
    alice.tags.push({ Key: PENDING_ACCESS_KEY_TAG, Value: 'before:none saved:AKIASAVED file:/tmp/creds.csv' });
    const ctx = stepContext(account, { accessKey: true });
    const p = await accessKeyStep.inspect(ctx);
    expect(p).toMatchObject({ status: 'update', summary: "delete alice's access keys that nobody holds" });
    await accessKeyStep.apply(ctx, p);
    expect(alice.keys.map((k) => k.id)).toEqual(['AKIASAVED']);
    expect(alice.tags).toEqual([]);
    expect(account.calls).not.toContain('CreateAccessKey');
    expect(ctx.vault.accessKey).toBeUndefined();
  });
});
