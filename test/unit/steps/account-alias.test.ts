import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { accountAliasStep } from '../../../src/steps/account-alias.js';
import { FakeAccount, mutatingCalls } from '../../support/fake-aws.js';
import { stepContext } from '../../support/step-context.js';

describe('account-alias step', () => {
  it('creates the alias when the account has none', async () => {
    const account = new FakeAccount();
    const ctx = stepContext(account);
    const p = await accountAliasStep.inspect(ctx);
    expect(p.status).toBe('create');
    await accountAliasStep.apply(ctx, p);
    expect(account.alias).toBe('acme-prod');
  });

  it('is unchanged when the alias is already set', async () => {
    const account = new FakeAccount();
    account.alias = 'acme-prod';
    const ctx = stepContext(account);
    const p = await accountAliasStep.inspect(ctx);
    expect(p.status).toBe('unchanged');
    await accountAliasStep.apply(ctx, p);
    expect(mutatingCalls(account)).toEqual([]);
  });

  it('refuses to replace a different alias without --replace-alias, naming both', async () => {
    const account = new FakeAccount();
    account.alias = 'old-name';
    await expect(accountAliasStep.inspect(stepContext(account))).rejects.toThrow(UsageError);
    await expect(accountAliasStep.inspect(stepContext(account))).rejects.toThrow(/"old-name".*--replace-alias/);
  });

  it('replaces a different alias with --replace-alias and shows the diff', async () => {
    const account = new FakeAccount();
    account.alias = 'old-name';
    const ctx = stepContext(account, { replaceAlias: true });
    const p = await accountAliasStep.inspect(ctx);
    expect(p.status).toBe('update');
    expect(p.changes).toEqual([{ field: 'alias', from: 'old-name', to: 'acme-prod', note: 'the sign-in URL changes' }]);
    await accountAliasStep.apply(ctx, p);
    expect(account.alias).toBe('acme-prod');
  });

  it('skips with --no-alias', async () => {
    const p = await accountAliasStep.inspect(stepContext(new FakeAccount(), { alias: undefined }));
    expect(p.status).toBe('skip');
  });

  it('treats EntityAlreadyExists as success when the alias turns out to be ours (lost answer)', async () => {
    const account = new FakeAccount();
    const ctx = stepContext(account);
    const p = await accountAliasStep.inspect(ctx);
    account.alias = 'acme-prod'; // our first attempt landed
    account.failNext.set('CreateAccountAlias', Object.assign(new Error('exists'), { name: 'EntityAlreadyExistsException', $metadata: {} }));
    await expect(accountAliasStep.apply(ctx, p)).resolves.toEqual({});
  });

  it('says the alias belongs to another account when AWS says it exists and it is not ours', async () => {
    const ctx = stepContext(new FakeAccount(), { alias: 'taken-elsewhere' });
    const p = await accountAliasStep.inspect(ctx);
    await expect(accountAliasStep.apply(ctx, p)).rejects.toThrow(/belongs to another AWS account/);
  });
});
