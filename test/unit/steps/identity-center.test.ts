/**
 * The Identity Center steps over an in-memory Identity Center: what moto cannot show (an assignment that FAILED or
 * stays IN_PROGRESS, a permission set with foreign policies, a user of the same name with another email).
 */
import { describe, expect, it } from 'vitest';
import { RuntimeError, UsageError } from '../../../src/errors.js';
import { accountAssignmentStep, ASSIGNMENT_WAIT_MS } from '../../../src/steps/account-assignment.js';
import { permissionSetStep } from '../../../src/steps/permission-set.js';
import { ssoAdminGroupStep } from '../../../src/steps/sso-admin-group.js';
import { ssoAdminUserStep } from '../../../src/steps/sso-admin-user.js';
import type { IdentityCenterSettings, Step, StepContext } from '../../../src/steps/types.js';
import { FakeClock } from '../../support/context.js';
import { FakeAccount, mutatingCalls } from '../../support/fake-aws.js';
import { stepContext } from '../../support/step-context.js';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const MEMBER = '222233334444';

function icContext(account: FakeAccount, ic: Partial<IdentityCenterSettings> = {}, steps?: StepContext['settings']['steps']): StepContext {
  account.organization = 'management';
  account.orgAccounts = [
    { Id: account.accountId, Status: 'ACTIVE' },
    { Id: MEMBER, Status: 'ACTIVE' },
    { Id: '333344445555', Status: 'SUSPENDED' },
  ];
  const instance = account.identityCenter.organizationInstance(account.accountId);
  const identityCenter: IdentityCenterSettings = {
    group: 'Administrators',
    user: { userName: 'ana', email: 'ana@example.com', givenName: 'Ana', familyName: 'Silva' },
    permissionSet: 'AdministratorAccess',
    assignAccounts: 'this',
    ...ic,
  };
  const ctx = stepContext(account, { admin: 'identity-center', identityCenter, withAdminUser: false, ...(steps ? { steps } : {}) });
  return {
    ...ctx,
    clock: new FakeClock(),
    account: { ...ctx.account, organization: { role: 'management', id: 'o-fake', managementAccountId: account.accountId } },
    identityCenter: { instanceArn: instance.InstanceArn ?? '', identityStoreId: instance.IdentityStoreId ?? '', ownerAccountId: account.accountId },
  };
}

async function run(step: Step, ctx: StepContext) {
  const p = await step.inspect(ctx);
  await step.apply(ctx, p);
  return p;
}

/** Every Identity Center step in init's order. */
async function runAll(ctx: StepContext) {
  for (const step of [ssoAdminGroupStep, ssoAdminUserStep, permissionSetStep, accountAssignmentStep] as Step[]) await run(step, ctx);
}

describe('Identity Center steps', () => {
  it('make group, user, membership, permission set and assignment; a re-run inspects to unchanged with no change', async () => {
    const account = new FakeAccount();
    const ctx = icContext(account);
    await runAll(ctx);
    const ic = account.identityCenter;
    expect([...ic.groups.values()]).toEqual(['Administrators']);
    expect([...ic.users.values()]).toEqual([{ userName: 'ana', email: 'ana@example.com', givenName: 'Ana', familyName: 'Silva' }]);
    expect(ic.memberships.size).toBe(1);
    const [set] = [...ic.permissionSets.values()];
    expect(set).toMatchObject({ name: 'AdministratorAccess', sessionDuration: 'PT1H' });
    expect([...(set?.managed ?? [])]).toEqual([ADMIN]);
    expect(ic.assignments).toEqual([expect.objectContaining({ account: account.accountId, principalType: 'GROUP' })]);
    const create = account.requests.find((r) => r.operation === 'CreateUser')?.input;
    expect(create).toMatchObject({ DisplayName: 'Ana Silva', Name: { GivenName: 'Ana', FamilyName: 'Silva' }, Emails: [{ Value: 'ana@example.com', Primary: true }] });

    account.calls.length = 0;
    for (const step of [ssoAdminGroupStep, ssoAdminUserStep, permissionSetStep, accountAssignmentStep] as Step[]) {
      expect((await step.inspect(ctx)).status).toBe('unchanged');
    }
    expect(mutatingCalls(account)).toEqual([]);
  });

  it('reuse an existing user of the same name with another email, and say so in the plan', async () => {
    const account = new FakeAccount();
    const ctx = icContext(account);
    account.identityCenter.addUser('ana', 'ana@old.example');
    await run(ssoAdminGroupStep, ctx);
    const p = await ssoAdminUserStep.inspect(ctx);
    expect(p.status).toBe('update'); // the membership only
    expect(p.summary).toBe('ana (existing; email ana@old.example kept, not ana@example.com) in group Administrators');
    expect(p.changes).toContainEqual({ field: 'email', from: 'ana@old.example', note: 'existing user reused; its email ana@old.example is kept, not changed to ana@example.com' });
    await ssoAdminUserStep.apply(ctx, p);
    expect(account.calls).not.toContain('CreateUser');
    expect([...account.identityCenter.users.values()]).toHaveLength(1);
    expect([...account.identityCenter.users.values()][0]?.email).toBe('ana@old.example');
    expect(account.identityCenter.memberships.size).toBe(1);
  });

  it('an earlier attempt whose answer was lost converges: Conflict on create is the thing existing', async () => {
    const account = new FakeAccount();
    const ctx = icContext(account);
    account.loseNextAnswer.add('CreateGroup');
    const p = await ssoAdminGroupStep.inspect(ctx);
    await expect(ssoAdminGroupStep.apply(ctx, p)).rejects.toThrow();
    await ssoAdminGroupStep.apply(ctx, p); // the retry finds it made
    expect([...account.identityCenter.groups.values()]).toEqual(['Administrators']);
  });

  it('an --only without the step that makes the group is refused before any change', async () => {
    const account = new FakeAccount();
    const ctx = icContext(account, {}, { only: ['sso-admin-user'], skip: [] });
    await expect(ssoAdminUserStep.inspect(ctx)).rejects.toThrow(UsageError);
    await expect(ssoAdminUserStep.inspect(ctx)).rejects.toThrow('the Identity Center group Administrators does not exist and the step sso-admin-group that makes it does not run');
    expect(mutatingCalls(account)).toEqual([]);
  });
});

describe('permission-set step', () => {
  it('does not rewrite a set with foreign policies that grants administrator access: the plan says so', async () => {
    const account = new FakeAccount();
    const ctx = icContext(account);
    account.identityCenter.addPermissionSet('AdministratorAccess', { managed: new Set([ADMIN, 'arn:aws:iam::aws:policy/ReadOnlyAccess']), customerManaged: ['team-extra'] });
    const p = await permissionSetStep.inspect(ctx);
    expect(p.status).toBe('unchanged');
    expect(p.summary).toBe('AdministratorAccess: exists with AdministratorAccess and ReadOnlyAccess, customer managed /team-extra; not rewritten');
    await permissionSetStep.apply(ctx, p);
    expect(mutatingCalls(account)).toEqual([]);
  });

  it('refuses a set of that name with foreign policies and no administrator access (exit 2), before any change', async () => {
    const account = new FakeAccount();
    const ctx = icContext(account);
    account.identityCenter.addPermissionSet('AdministratorAccess', { managed: new Set(['arn:aws:iam::aws:policy/ReadOnlyAccess']) });
    await expect(permissionSetStep.inspect(ctx)).rejects.toThrow(UsageError);
    await expect(permissionSetStep.inspect(ctx)).rejects.toThrow(/exists with ReadOnlyAccess and does not grant administrator access; init does not rewrite/);
  });

  it('keeps an existing session duration unless --session-duration is given; a changed, provisioned set is provisioned again', async () => {
    const account = new FakeAccount();
    const ic = account.identityCenter;
    const arn = ic.addPermissionSet('AdministratorAccess', { managed: new Set([ADMIN]), sessionDuration: 'PT8H' });
    ic.provisioned.set(arn, new Set([account.accountId]));
    const kept = await permissionSetStep.inspect(icContext(account));
    expect(kept).toMatchObject({ status: 'unchanged', summary: 'AdministratorAccess: AdministratorAccess, sessions of 8h (kept; --session-duration changes it)' });

    const ctx = icContext(account, { sessionMinutes: 120 });
    const p = await permissionSetStep.inspect(ctx);
    expect(p.status).toBe('update');
    expect(p.changes).toEqual([{ field: 'session duration', from: 'PT8H', to: 'PT2H' }]);
    account.calls.length = 0;
    await permissionSetStep.apply(ctx, p);
    expect(mutatingCalls(account)).toEqual(['UpdatePermissionSet', 'ProvisionPermissionSet']);
    expect(ic.permissionSets.get(arn)?.sessionDuration).toBe('PT2H');
  });
});

describe('account-assignment step', () => {
  it('polls an assignment until it SUCCEEDED', async () => {
    const account = new FakeAccount();
    const ctx = icContext(account);
    await runAll(ctx);
    expect(account.calls).toContain('DescribeAccountAssignmentCreationStatus');
    expect(account.identityCenter.assignments).toHaveLength(1);
  });

  it('names a FAILED assignment with its reason; the others are in place and a re-run converges', async () => {
    const account = new FakeAccount();
    const ctx = icContext(account, { assignAccounts: 'all' });
    account.identityCenter.assignmentOutcome.set(MEMBER, { status: 'FAILED', reason: 'Received a 404 status error: Not supported policy arn' });
    const steps = [ssoAdminGroupStep, ssoAdminUserStep, permissionSetStep] as Step[];
    for (const step of steps) await run(step, ctx);
    const p = await accountAssignmentStep.inspect(ctx);
    expect(p.facts?.assignedAccounts).toEqual([account.accountId, MEMBER]); // the SUSPENDED account is left out
    const failure = await accountAssignmentStep.apply(ctx, p).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as Error).message).toBe(
      `Identity Center: 1 of 2 account assignments did not succeed (1 did): ${MEMBER} FAILED: Received a 404 status error: Not supported policy arn`,
    );
    expect(account.identityCenter.assignments.map((a) => a.account)).toEqual([account.accountId]);

    account.identityCenter.assignmentOutcome.clear();
    const again = await accountAssignmentStep.inspect(ctx);
    expect(again).toMatchObject({ status: 'update', data: { create: [MEMBER] } });
    await accountAssignmentStep.apply(ctx, again);
    expect((await accountAssignmentStep.inspect(ctx)).status).toBe('unchanged');
  });

  it('stops waiting for an assignment still IN_PROGRESS after the bounded wait, and says so', async () => {
    const account = new FakeAccount();
    const ctx = icContext(account);
    account.identityCenter.assignmentOutcome.set(account.accountId, { status: 'IN_PROGRESS' });
    for (const step of [ssoAdminGroupStep, ssoAdminUserStep, permissionSetStep] as Step[]) await run(step, ctx);
    const p = await accountAssignmentStep.inspect(ctx);
    const started = ctx.clock.now().getTime();
    await expect(accountAssignmentStep.apply(ctx, p)).rejects.toThrow(`${account.accountId} IN_PROGRESS: still in progress after ${ASSIGNMENT_WAIT_MS / 1000} s`);
    const waited = ctx.clock.now().getTime() - started;
    expect(waited).toBeGreaterThanOrEqual(ASSIGNMENT_WAIT_MS);
    expect(waited).toBeLessThan(ASSIGNMENT_WAIT_MS + 10_000);
  });

  it('refuses account ids outside the Organization, or not ACTIVE, before any change', async () => {
    const account = new FakeAccount();
    await expect(accountAssignmentStep.inspect(icContext(account, { assignAccounts: ['999988887777'] }))).rejects.toThrow(
      '--assign-accounts: 999988887777 is not an account of the Organization o-fake.',
    );
    await expect(accountAssignmentStep.inspect(icContext(account, { assignAccounts: ['333344445555'] }))).rejects.toThrow(
      '--assign-accounts: 333344445555 is not ACTIVE (suspended or leaving the Organization).',
    );
    expect(mutatingCalls(account)).toEqual([]);
  });
});
