import { describe, expect, it } from 'vitest';
import { passwordPolicyStep } from '../../../src/steps/password-policy.js';
import { awsError, FakeAccount, mutatingCalls } from '../../support/fake-aws.js';
import { stepContext } from '../../support/step-context.js';

describe('password-policy step', () => {
  it('creates the CIS policy, sending every field', async () => {
    const account = new FakeAccount();
    const ctx = stepContext(account);
    const p = await passwordPolicyStep.inspect(ctx);
    expect(p.status).toBe('create');
    await passwordPolicyStep.apply(ctx, p);
    expect(account.policy).toMatchObject({
      MinimumPasswordLength: 14,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      PasswordReusePrevention: 24,
      HardExpiry: false,
    });
    expect(account.policy?.MaxPasswordAge).toBeUndefined();
  });

  it('is unchanged when the CIS policy is already in place', async () => {
    const account = new FakeAccount();
    const ctx = stepContext(account);
    await passwordPolicyStep.apply(ctx, await passwordPolicyStep.inspect(ctx));
    account.calls.length = 0;
    expect((await passwordPolicyStep.inspect(ctx)).status).toBe('unchanged');
    expect(mutatingCalls(account)).toEqual([]);
  });

  it('keeps an existing stronger length and says so in the diff', async () => {
    const account = new FakeAccount();
    account.policy = { MinimumPasswordLength: 20, RequireSymbols: false };
    const p = await passwordPolicyStep.inspect(stepContext(account));
    expect(p.status).toBe('update');
    expect(p.changes).toContainEqual({ field: 'MinimumPasswordLength', from: 20, to: 20, note: 'existing stricter value kept' });
    expect(p.changes).toContainEqual({ field: 'RequireSymbols', from: false, to: true });
  });

  it('relaxes a value only when the weaker one is given explicitly', async () => {
    const account = new FakeAccount();
    account.policy = { MinimumPasswordLength: 20 };
    const ctx = stepContext(account, { passwordPolicy: { preset: 'cis', explicit: { MinimumPasswordLength: 16 } } });
    await passwordPolicyStep.apply(ctx, await passwordPolicyStep.inspect(ctx));
    expect(account.policy?.MinimumPasswordLength).toBe(16);
  });

  it('with aws-default and no overrides creates nothing and keeps an existing policy', async () => {
    const none = new FakeAccount();
    expect((await passwordPolicyStep.inspect(stepContext(none, { passwordPolicy: { preset: 'aws-default', explicit: {} } }))).status).toBe('unchanged');
    const some = new FakeAccount();
    some.policy = { MinimumPasswordLength: 12 };
    const p = await passwordPolicyStep.inspect(stepContext(some, { passwordPolicy: { preset: 'aws-default', explicit: {} } }));
    expect(p.status).toBe('unchanged');
    expect(p.summary).toMatch(/kept/);
  });

  it('skips with --no-password-policy but still knows the policy in force', async () => {
    const account = new FakeAccount();
    account.policy = { MinimumPasswordLength: 12 };
    const p = await passwordPolicyStep.inspect(stepContext(account, { passwordPolicy: undefined }));
    expect(p.status).toBe('skip');
    expect(p.facts?.effectivePasswordPolicy?.MinimumPasswordLength).toBe(12);
  });

  it('lets AccessDenied through for the error mapper to name', async () => {
    const account = new FakeAccount();
    account.failNext.set('GetAccountPasswordPolicy', awsError('AccessDenied', 'not authorized to perform iam:GetAccountPasswordPolicy', 403));
    await expect(passwordPolicyStep.inspect(stepContext(account))).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
