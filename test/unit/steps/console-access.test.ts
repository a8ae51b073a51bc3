import { describe, expect, it } from 'vitest';
import { passwordViolations } from '../../../src/lib/password.js';
import { consoleAccessStep } from '../../../src/steps/console-access.js';
import { PENDING_PASSWORD_TAG } from '../../../src/credentials/journal.js';
import { awsError, FakeAccount } from '../../support/fake-aws.js';
import { stepContext } from '../../support/step-context.js';

function withUser(): FakeAccount {
  const account = new FakeAccount();
  account.users.set('alice', { tags: [], groups: new Set(), keys: [], mfa: [] });
  return account;
}

describe('console-access step', () => {
  it('creates a login profile with a generated password that satisfies the account policy', async () => {
    const account = withUser();
    account.policy = { MinimumPasswordLength: 30, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true };
    const ctx = stepContext(account, { passwordResetRequired: true });
    const p = await consoleAccessStep.inspect(ctx);
    expect(p.status).toBe('create');
    await consoleAccessStep.apply(ctx, p);
    const outcome = ctx.vault;
    const profile = account.users.get('alice')?.loginProfile;
    expect(profile?.password).toBe(outcome.password);
    expect(profile?.reset).toBe(true);
    expect(passwordViolations(outcome.password ?? '', { ...(await import('../../../src/lib/password-policy.js')).CIS_POLICY, MinimumPasswordLength: 30 })).toEqual([]);
  });

  it('uses the password from standard input when given', async () => {
    const account = withUser();
    const ctx = stepContext(account, { password: 'Given-Password-123!' });
    await consoleAccessStep.apply(ctx, await consoleAccessStep.inspect(ctx));
    const outcome = ctx.vault;
    expect(outcome.password).toBe('Given-Password-123!');
    expect(account.users.get('alice')?.loginProfile?.password).toBe('Given-Password-123!');
  });

  it('is unchanged when the user already has a console password, and never resets it', async () => {
    const account = withUser();
    (account.users.get('alice') as { loginProfile?: object }).loginProfile = { password: 'existing', reset: false };
    const p = await consoleAccessStep.inspect(stepContext(account));
    expect(p.status).toBe('unchanged');
  });

  it('marks the password pending before creating it, so an interrupted run is detectable', async () => {
    const account = withUser();
    const ctx = stepContext(account);
    await consoleAccessStep.apply(ctx, await consoleAccessStep.inspect(ctx));
    expect(account.calls.indexOf('TagUser')).toBeLessThan(account.calls.indexOf('CreateLoginProfile'));
    expect(account.users.get('alice')?.tags.map((t) => t.Key)).toContain(PENDING_PASSWORD_TAG);
  });

  it('resets a password an interrupted run never delivered', async () => {
    const account = withUser();
    const alice = account.users.get('alice') as { loginProfile?: object; tags: object[] };
    alice.loginProfile = { password: 'lost', reset: false };
    alice.tags = [{ Key: PENDING_PASSWORD_TAG, Value: 'true' }];
    const ctx = stepContext(account);
    const p = await consoleAccessStep.inspect(ctx);
    expect(p.status).toBe('update');
    await consoleAccessStep.apply(ctx, p);
    const outcome = ctx.vault;
    expect(account.users.get('alice')?.loginProfile?.password).toBe(outcome.password);
    expect(outcome.password).not.toBe('lost');
  });

  it('skips with --no-console-access and leaves an existing password in place', async () => {
    const account = withUser();
    (account.users.get('alice') as { loginProfile?: object }).loginProfile = { password: 'existing', reset: false };
    const p = await consoleAccessStep.inspect(stepContext(account, { consoleAccess: false }));
    expect(p.status).toBe('skip');
    expect(p.summary).toMatch(/left in place/);
  });

  it('explains a PasswordPolicyViolation from AWS', async () => {
    const account = withUser();
    const ctx = stepContext(account, { password: 'weak' });
    const p = await consoleAccessStep.inspect(ctx);
    account.failNext.set('CreateLoginProfile', awsError('PasswordPolicyViolationException', 'Password does not conform'));
    await expect(consoleAccessStep.apply(ctx, p)).rejects.toThrow(/rejected the console password for alice/);
  });
});
