/**
 * The administrators group gets the permission set on this account, or with --assign-accounts on those accounts of
 * the Organization (`all`: every ACTIVE one). An assignment is asynchronous: each is polled until it SUCCEEDED or
 * FAILED, for at most ASSIGNMENT_WAIT_MS; one that failed or is still in progress is named, and the others stay in
 * place, so a re-run converges on what is missing.
 */
import { CreateAccountAssignmentCommand, DescribeAccountAssignmentCreationStatusCommand, type AccountAssignmentOperationStatus } from '@aws-sdk/client-sso-admin';
import { accountAssignments, ssoGroupId } from '../account/identity-center.js';
import { isActiveAccount, organizationAccounts } from '../account/organization.js';
import { isAwsError, RuntimeError, UsageError } from '../errors.js';
import { mapConcurrent } from '../lib/concurrency.js';
import { identityCenterOf, requireEarlierStep, waitWhileInProgress } from './identity-center.js';
import { findPermissionSet } from './permission-set.js';
import { plan, type Step, type StepContext } from './types.js';

/** How long one assignment may stay IN_PROGRESS before init stops waiting for it. */
export const ASSIGNMENT_WAIT_MS = 120_000;
/** Assignments created and polled at once. */
const ASSIGNMENT_CONCURRENCY = 4;

interface AssignmentData {
  /** The accounts whose assignment is missing. */
  create: string[];
}

/** The accounts --assign-accounts names, checked against the Organization before any change. */
async function targetAccounts(ctx: StepContext): Promise<string[]> {
  const { settings } = identityCenterOf(ctx);
  const wanted = settings.assignAccounts;
  if (wanted === 'this') return [ctx.account.accountId];
  const accounts = await organizationAccounts(ctx);
  if (wanted === 'all') return accounts.filter(isActiveAccount).map((a) => a.Id ?? '').filter(Boolean);
  const byId = new Map(accounts.map((a) => [a.Id ?? '', a]));
  const unknown = wanted.filter((id) => !byId.has(id));
  if (unknown.length) throw new UsageError(`--assign-accounts: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not an account' : 'are not accounts'} of the Organization ${ctx.account.organization.id ?? ''}.`.replace(' .', '.'));
  const inactive = wanted.filter((id) => !isActiveAccount(byId.get(id) as NonNullable<ReturnType<typeof byId.get>>));
  if (inactive.length) throw new UsageError(`--assign-accounts: ${inactive.join(', ')} ${inactive.length === 1 ? 'is' : 'are'} not ACTIVE (suspended or leaving the Organization).`);
  return wanted;
}

type Outcome = { account: string; status: 'SUCCEEDED' } | { account: string; status: 'FAILED' | 'IN_PROGRESS'; reason: string };

export const accountAssignmentStep: Step<AssignmentData> = {
  id: 'account-assignment',
  title: 'Account assignment',

  async inspect(ctx) {
    const { instance, settings } = identityCenterOf(ctx);
    const [accounts, groupId, set] = await Promise.all([
      targetAccounts(ctx),
      ssoGroupId(ctx, instance.identityStoreId, settings.group),
      findPermissionSet(ctx, instance.instanceArn, settings.permissionSet),
    ]);
    if (!groupId) requireEarlierStep(ctx, 'sso-admin-group', `the Identity Center group ${settings.group}`);
    if (!set) requireEarlierStep(ctx, 'permission-set', `the permission set ${settings.permissionSet}`);
    const assigned = groupId && set
      ? await mapConcurrent(accounts, ASSIGNMENT_CONCURRENCY, async (account) =>
          (await accountAssignments(ctx, instance.instanceArn, account, set.arn)).some((a) => a.PrincipalType === 'GROUP' && a.PrincipalId === groupId),
        )
      : accounts.map(() => false);
    const create = accounts.filter((_, i) => !assigned[i]);
    const where = accounts.length === 1 ? `account ${accounts[0]}` : `${accounts.length} accounts${create.length && create.length < accounts.length ? ` (${accounts.length - create.length} already)` : ''}`;
    const summary = `group ${settings.group} gets ${settings.permissionSet} on ${where}`;
    const facts = { assignedAccounts: accounts };
    const changes = create.map((account) => ({ field: 'assignment', to: `${settings.group} → ${settings.permissionSet} on ${account}` }));
    if (!create.length) return plan(this, 'unchanged', summary, { create }, [], facts);
    return plan(this, create.length === accounts.length ? 'create' : 'update', summary, { create }, changes, facts);
  },

  async apply(ctx, p) {
    const { instance, settings } = identityCenterOf(ctx);
    const InstanceArn = instance.instanceArn;
    const [groupId, set] = await Promise.all([ssoGroupId(ctx, instance.identityStoreId, settings.group), findPermissionSet(ctx, InstanceArn, settings.permissionSet)]);
    if (!groupId || !set) {
      throw new RuntimeError(`Identity Center: ${groupId ? `the permission set ${settings.permissionSet}` : `the group ${settings.group}`} is not there any more (deleted while init ran?)`, 'Run init again.');
    }
    const outcomes = await mapConcurrent(p.data.create, ASSIGNMENT_CONCURRENCY, (account) => assign(ctx, { InstanceArn, account, permissionSetArn: set.arn, groupId }));
    const unfinished = outcomes.filter((o): o is Extract<Outcome, { reason: string }> => o.status !== 'SUCCEEDED');
    if (unfinished.length) {
      const done = outcomes.length - unfinished.length;
      throw new RuntimeError(
        `Identity Center: ${unfinished.length} of ${outcomes.length} account assignments did not succeed (${done} did): ` +
          unfinished.map((o) => `${o.account} ${o.status}: ${o.reason}`).join('; '),
        'Run init again: the assignments in place stay, the missing ones are made again.',
      );
    }
    return {};
  },
};

/** Creates one assignment and waits for its outcome, for at most ASSIGNMENT_WAIT_MS. */
async function assign(ctx: StepContext, a: { InstanceArn: string; account: string; permissionSetArn: string; groupId: string }): Promise<Outcome> {
  let status: AccountAssignmentOperationStatus | undefined;
  try {
    status = (
      await ctx.clients.ssoAdmin.send(
        new CreateAccountAssignmentCommand({
          InstanceArn: a.InstanceArn,
          TargetId: a.account,
          TargetType: 'AWS_ACCOUNT',
          PermissionSetArn: a.permissionSetArn,
          PrincipalType: 'GROUP',
          PrincipalId: a.groupId,
        }),
      )
    ).AccountAssignmentCreationStatus;
  } catch (err) {
    // Identity Center refuses a second request for an assignment being made: the first one's outcome is not ours to see.
    if (isAwsError(err, 'Conflict')) return { account: a.account, status: 'IN_PROGRESS', reason: 'another request for this assignment is in progress' };
    throw err;
  }
  status = await waitWhileInProgress(ctx, status, ASSIGNMENT_WAIT_MS, async (requestId) =>
    (await ctx.clients.ssoAdmin.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: a.InstanceArn, AccountAssignmentCreationRequestId: requestId })))
      .AccountAssignmentCreationStatus,
  );
  if (status?.Status === 'FAILED') return { account: a.account, status: 'FAILED', reason: status.FailureReason ?? 'no reason given' };
  if (status?.Status === 'IN_PROGRESS') return { account: a.account, status: 'IN_PROGRESS', reason: `still in progress after ${ASSIGNMENT_WAIT_MS / 1000} s` };
  return { account: a.account, status: 'SUCCEEDED' };
}
