import { describe, expect, it } from 'vitest';
import { adminUserStep } from '../../../src/steps/admin-user.js';
import { FakeAccount, mutatingCalls } from '../../support/fake-aws.js';
import { stepContext } from '../../support/step-context.js';

function withGroup(): FakeAccount {
  const account = new FakeAccount();
  account.groups.set('Administrators', { attached: new Set(), inline: new Map() });
  return account;
}

describe('admin-user step', () => {
  it('creates the user with its tags and adds it to the group', async () => {
    const account = withGroup();
    const ctx = stepContext(account, { tags: [{ Key: 'team', Value: 'platform' }] });
    const p = await adminUserStep.inspect(ctx);
    expect(p.status).toBe('create');
    await adminUserStep.apply(ctx, p);
    const alice = account.users.get('alice');
    expect(alice?.tags).toEqual([{ Key: 'team', Value: 'platform' }]);
    expect([...(alice?.groups ?? [])]).toEqual(['Administrators']);
  });

  it('is unchanged on a second run', async () => {
    const account = withGroup();
    const ctx = stepContext(account, { tags: [{ Key: 'team', Value: 'platform' }] });
    await adminUserStep.apply(ctx, await adminUserStep.inspect(ctx));
    account.calls.length = 0;
    expect((await adminUserStep.inspect(ctx)).status).toBe('unchanged');
    expect(mutatingCalls(account)).toEqual([]);
  });

  it('updates a changed tag and group membership, leaving other tags alone', async () => {
    const account = withGroup();
    account.users.set('alice', { tags: [{ Key: 'team', Value: 'old' }, { Key: 'cost', Value: 'x' }], groups: new Set(), keys: [], mfa: [] });
    const ctx = stepContext(account, { tags: [{ Key: 'team', Value: 'platform' }] });
    const p = await adminUserStep.inspect(ctx);
    expect(p.status).toBe('update');
    expect(p.changes).toEqual([
      { field: 'tag team', from: 'old', to: 'platform' },
      { field: 'group membership', to: 'Administrators' },
    ]);
    await adminUserStep.apply(ctx, p);
    expect(account.users.get('alice')?.tags).toEqual([{ Key: 'cost', Value: 'x' }, { Key: 'team', Value: 'platform' }]);
  });

  it('survives a lost CreateUser answer: the retry meets EntityAlreadyExists and carries on', async () => {
    const account = withGroup();
    const ctx = stepContext(account, { tags: [{ Key: 'team', Value: 'platform' }] });
    const p = await adminUserStep.inspect(ctx);
    account.users.set('alice', { tags: [], groups: new Set(), keys: [], mfa: [] }); // the lost attempt landed, tags aside
    await adminUserStep.apply(ctx, p);
    expect(account.users.get('alice')?.tags).toEqual([{ Key: 'team', Value: 'platform' }]);
    expect([...(account.users.get('alice')?.groups ?? [])]).toEqual(['Administrators']);
  });

  it('retries AddUserToGroup while a new user is not yet visible (eventual consistency)', async () => {
    const account = withGroup();
    const ctx = stepContext(account);
    const p = await adminUserStep.inspect(ctx);
    account.failNext.set('AddUserToGroup', Object.assign(new Error('no user'), { name: 'NoSuchEntityException', $metadata: {} }));
    await adminUserStep.apply(ctx, p);
    expect(account.calls.filter((c) => c === 'AddUserToGroup')).toHaveLength(2);
  });
});
