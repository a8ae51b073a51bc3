import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { adminGroupStep, requireMfaPolicy, REQUIRE_MFA_POLICY_NAME } from '../../../src/steps/admin-group.js';
import { FakeAccount, mutatingCalls } from '../../support/fake-aws.js';
import { stepContext } from '../../support/step-context.js';

describe('admin-group step', () => {
  it('creates the group with AdministratorAccess and the require-MFA inline policy', async () => {
    const account = new FakeAccount();
    const ctx = stepContext(account);
    const p = await adminGroupStep.inspect(ctx);
    expect(p.status).toBe('create');
    await adminGroupStep.apply(ctx, p);
    const group = account.groups.get('Administrators');
    expect([...(group?.attached ?? [])]).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    const doc = JSON.parse(group?.inline.get(REQUIRE_MFA_POLICY_NAME) ?? '{}');
    const deny = doc.Statement.find((s: { Effect: string }) => s.Effect === 'Deny');
    expect(deny.Condition).toEqual({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } });
    expect(deny.NotAction).toEqual(expect.arrayContaining(['iam:ChangePassword', 'iam:GetAccountPasswordPolicy', 'iam:EnableMFADevice']));
  });

  it('is unchanged on a second run', async () => {
    const account = new FakeAccount();
    const ctx = stepContext(account);
    await adminGroupStep.apply(ctx, await adminGroupStep.inspect(ctx));
    account.calls.length = 0;
    expect((await adminGroupStep.inspect(ctx)).status).toBe('unchanged');
    expect(mutatingCalls(account)).toEqual([]);
  });

  it('attaches only the missing policies to an existing group', async () => {
    const account = new FakeAccount();
    account.groups.set('Administrators', {
      attached: new Set(['arn:aws:iam::aws:policy/AdministratorAccess']),
      inline: new Map([[REQUIRE_MFA_POLICY_NAME, JSON.stringify(requireMfaPolicy('aws'))]]),
    });
    const ctx = stepContext(account, {
      adminPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
    const p = await adminGroupStep.inspect(ctx);
    expect(p.status).toBe('update');
    expect(p.data.attach).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(p.data.putMfaPolicy).toBe(false);
  });

  it('never removes an existing require-MFA policy with --no-require-mfa', async () => {
    const account = new FakeAccount();
    account.groups.set('Administrators', {
      attached: new Set(['arn:aws:iam::aws:policy/AdministratorAccess']),
      inline: new Map([[REQUIRE_MFA_POLICY_NAME, JSON.stringify(requireMfaPolicy('aws'))]]),
    });
    const ctx = stepContext(account, { requireMfa: false });
    const p = await adminGroupStep.inspect(ctx);
    expect(p.status).toBe('unchanged');
    await adminGroupStep.apply(ctx, p);
    expect(account.groups.get('Administrators')?.inline.has(REQUIRE_MFA_POLICY_NAME)).toBe(true);
  });

  it('rejects a policy ARN that does not exist before creating anything', async () => {
    const account = new FakeAccount();
    const ctx = stepContext(account, { adminPolicies: ['arn:aws:iam::aws:policy/NoSuchPolicy'] });
    await expect(adminGroupStep.inspect(ctx)).rejects.toThrow(UsageError);
    expect(mutatingCalls(account)).toEqual([]);
  });
});
