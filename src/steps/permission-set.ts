/**
 * The administrator permission set (--permission-set, default AdministratorAccess): AWS's AdministratorAccess policy
 * and a session duration (--session-duration, default 1 hour, at most 12). A set of that name that carries other
 * policies is someone else's design and is not rewritten; the plan says so. A changed set that is provisioned to
 * accounts is provisioned again, so the roles in those accounts follow.
 */
import {
  AttachManagedPolicyToPermissionSetCommand,
  CreatePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ProvisionPermissionSetCommand,
  UpdatePermissionSetCommand,
  type PermissionSetProvisioningStatus,
} from '@aws-sdk/client-sso-admin';
import { arnsIn, MANAGED_POLICY } from '../account/arns.js';
import { grantsAdministrator, permissionSetPolicies, permissionSets, type PermissionSet } from '../account/identity-center.js';
import { isAwsError, RuntimeError, UsageError } from '../errors.js';
import { isoDuration } from '../lib/rules.js';
import { identityCenterOf, waitWhileInProgress } from './identity-center.js';
import { plan, type FieldChange, type Step, type StepContext } from './types.js';

export const DEFAULT_PERMISSION_SET = 'AdministratorAccess';
export const DEFAULT_SESSION_MINUTES = 60;
/** How long a provisioning may stay IN_PROGRESS before init stops waiting (a re-run provisions again). */
export const PROVISIONING_WAIT_MS = 120_000;

interface SetData {
  create: boolean;
  attachAdministrator: boolean;
  /** ISO-8601, when it is to be set. */
  sessionDuration?: string;
}

const hours = (iso: string | undefined) => iso?.replace(/^PT/, '').toLowerCase() ?? 'unknown';

/** The set's policies that are not AdministratorAccess, named for the plan. */
function foreignPolicies(policies: Awaited<ReturnType<typeof permissionSetPolicies>>, adminArn: string): string[] {
  return [
    ...policies.managed.filter((a) => a !== adminArn).map((a) => a.split('/').pop() ?? a),
    ...policies.customerManaged.map((n) => `customer managed ${n}`),
    ...(policies.inline ? ['an inline policy'] : []),
  ];
}

export async function findPermissionSet(ctx: StepContext, instanceArn: string, name: string): Promise<PermissionSet | undefined> {
  return (await permissionSets(ctx, instanceArn)).find((s) => s.name === name);
}

export const permissionSetStep: Step<SetData> = {
  id: 'permission-set',
  title: 'Permission set',

  async inspect(ctx) {
    const { instance, settings } = identityCenterOf(ctx);
    const name = settings.permissionSet;
    const adminArn = arnsIn(ctx.account.partition).awsManagedPolicy(MANAGED_POLICY.administratorAccess);
    const wantedDuration = settings.sessionMinutes === undefined ? undefined : isoDuration(settings.sessionMinutes);
    const existing = await findPermissionSet(ctx, instance.instanceArn, name);
    if (!existing) {
      const sessionDuration = wantedDuration ?? isoDuration(DEFAULT_SESSION_MINUTES);
      return plan(this, 'create', `${name}: AdministratorAccess, sessions of ${hours(sessionDuration)}`, { create: true, attachAdministrator: true, sessionDuration }, [
        { field: 'permission set', to: name },
        { field: 'managed policy', to: adminArn },
        { field: 'session duration', to: sessionDuration },
      ]);
    }
    const policies = await permissionSetPolicies(ctx, instance.instanceArn, existing.arn);
    const foreign = foreignPolicies(policies, adminArn);
    const isAdmin = grantsAdministrator(policies, ctx.account.partition);
    const changes: FieldChange[] = [];
    if (foreign.length) {
      if (!isAdmin) {
        throw new UsageError(
          `--permission-set: the permission set ${name} exists with ${foreign.join(', ')} and does not grant administrator access; ` +
            'init does not rewrite a set someone else designed. Name another set with --permission-set (init then makes it).',
        );
      }
      // Administrator access plus more: the set already does what is needed; its other policies are not ours to remove.
      return plan(this, 'unchanged', `${name}: exists with AdministratorAccess and ${foreign.join(', ')}; not rewritten`, { create: false, attachAdministrator: false }, [
        { field: 'policies', note: `${foreign.join(', ')} kept; init does not rewrite a set with other policies` },
      ]);
    }
    const attachAdministrator = !isAdmin;
    if (attachAdministrator) changes.push({ field: 'managed policy', to: adminArn });
    const sessionDuration = wantedDuration !== undefined && wantedDuration !== existing.sessionDuration ? wantedDuration : undefined;
    if (sessionDuration) changes.push({ field: 'session duration', from: existing.sessionDuration, to: sessionDuration });
    const duration = sessionDuration ?? existing.sessionDuration;
    const summary = `${name}: AdministratorAccess, sessions of ${hours(duration)}${wantedDuration === undefined && existing.sessionDuration !== isoDuration(DEFAULT_SESSION_MINUTES) ? ' (kept; --session-duration changes it)' : ''}`;
    return plan(this, changes.length ? 'update' : 'unchanged', summary, { create: false, attachAdministrator, ...(sessionDuration ? { sessionDuration } : {}) }, changes);
  },

  async apply(ctx, p) {
    const { instance, settings } = identityCenterOf(ctx);
    const InstanceArn = instance.instanceArn;
    const adminArn = arnsIn(ctx.account.partition).awsManagedPolicy(MANAGED_POLICY.administratorAccess);
    let arn: string | undefined;
    if (p.data.create) {
      try {
        arn = (
          await ctx.clients.ssoAdmin.send(
            new CreatePermissionSetCommand({
              InstanceArn,
              Name: settings.permissionSet,
              Description: 'Administrator access (made by iam-bootstrap)',
              SessionDuration: p.data.sessionDuration,
            }),
          )
        ).PermissionSet?.PermissionSetArn;
      } catch (err) {
        // Made by an earlier attempt whose answer was lost: found below by its name.
        if (!isAwsError(err, 'Conflict')) throw err;
      }
    }
    arn ??= (await findPermissionSet(ctx, InstanceArn, settings.permissionSet))?.arn;
    if (!arn) throw new RuntimeError(`Identity Center: the permission set ${settings.permissionSet} is not in the instance (deleted while init ran?)`, 'Run init again.');
    if (!p.data.create && p.data.sessionDuration) {
      await ctx.clients.ssoAdmin.send(new UpdatePermissionSetCommand({ InstanceArn, PermissionSetArn: arn, SessionDuration: p.data.sessionDuration }));
    }
    if (p.data.attachAdministrator) {
      try {
        await ctx.clients.ssoAdmin.send(new AttachManagedPolicyToPermissionSetCommand({ InstanceArn, PermissionSetArn: arn, ManagedPolicyArn: adminArn }));
      } catch (err) {
        if (!isAwsError(err, 'Conflict')) throw err;
      }
    }
    // A new set reaches an account with its first assignment; a changed one must be provisioned again where it is.
    if (!p.data.create) await reprovision(ctx, InstanceArn, arn);
    return {};
  },
};

async function reprovision(ctx: StepContext, InstanceArn: string, PermissionSetArn: string): Promise<void> {
  const accounts = await ctx.clients.ssoAdmin.send(new ListAccountsForProvisionedPermissionSetCommand({ InstanceArn, PermissionSetArn, MaxResults: 1 }));
  if (!accounts.AccountIds?.length) return;
  const started = await ctx.clients.ssoAdmin.send(new ProvisionPermissionSetCommand({ InstanceArn, PermissionSetArn, TargetType: 'ALL_PROVISIONED_ACCOUNTS' }));
  const status: PermissionSetProvisioningStatus | undefined = await waitWhileInProgress(ctx, started.PermissionSetProvisioningStatus, PROVISIONING_WAIT_MS, async (requestId) =>
    (await ctx.clients.ssoAdmin.send(new DescribePermissionSetProvisioningStatusCommand({ InstanceArn, ProvisionPermissionSetRequestId: requestId }))).PermissionSetProvisioningStatus,
  );
  if (status?.Status === 'FAILED') {
    throw new RuntimeError(`Identity Center: provisioning the permission set failed: ${status.FailureReason ?? 'no reason given'}`, 'Run init again to provision it again.');
  }
  if (status?.Status === 'IN_PROGRESS') {
    throw new RuntimeError(
      `Identity Center: provisioning the permission set was still IN_PROGRESS after ${PROVISIONING_WAIT_MS / 1000} s`,
      'Run init again later: it provisions the set again and waits for it.',
    );
  }
}
