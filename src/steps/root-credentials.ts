/**
 * init --account <member> --remove-root-credentials: deletes the member account's root password, access keys,
 * signing certificates and MFA devices, from the management account (or IAM's delegated administrator) through a
 * privileged root session — sts:AssumeRoot with the IAMDeleteRootUserCredentials task policy, in which IAM calls
 * without a UserName act on root. A root with no credentials cannot sign in or call AWS. Only ever with that
 * explicit flag, only in a member account; root access can be recovered later (IAMCreateRootUserPassword).
 */
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteVirtualMFADeviceCommand,
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListMFADeviceTagsCommand,
  ListSigningCertificatesCommand,
  ListVirtualMFADevicesCommand,
  TagMFADeviceCommand,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { AssumeRootCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients.js';
import { allPages } from '../aws/pagination.js';
import { awsFailureReason, isAwsError, RuntimeError, UsageError } from '../errors.js';
import { mapConcurrent } from '../lib/concurrency.js';
import { plan, type FieldChange, type Step, type StepContext } from './types.js';

export const DELETE_ROOT_TASK = 'IAMDeleteRootUserCredentials';
export const RECOVER_ROOT_TASK = 'IAMCreateRootUserPassword';
/** AssumeRoot sessions last at most 15 minutes. */
const ROOT_SESSION_SECONDS = 900;

export interface RootCredentials {
  loginProfile: boolean;
  accessKeys: string[];
  signingCertificates: string[];
  /** Root's MFA devices (virtual, hardware TOTP, security keys): deactivated, and deleted when virtual. */
  mfaDevices: string[];
  /**
   * Virtual devices that were root's, deactivated by an earlier run whose delete then failed: unassigned, they
   * still hold root's old TOTP seed. Recognised by the tag set on them before deactivation.
   */
  deactivatedMfaDevices: string[];
}

/** Set on a root virtual MFA device (from the member account's role) just before it is deactivated. */
export const DEACTIVATED_ROOT_MFA_TAG = 'iam-bootstrap:deactivated-root-mfa';

export const taskPolicyArn = (partition: string, task: string) => `arn:${partition}:iam::aws:policy/root-task/${task}`;

/** A virtual device's serial is an IAM ARN (…:mfa/<name>); hardware tokens and security keys have other serials. */
export const isVirtualMfa = (serial: string) => /^arn:[^:]+:iam::\d{12}:mfa\//.test(serial);

/** The member account this step acts on: the one --account entered, never the caller's own. */
function memberAccount(ctx: StepContext): string {
  const target = ctx.actingThrough?.accountId;
  if (!target) throw new UsageError('--remove-root-credentials: needs --account <member account id>.');
  const callerAccount = ctx.actingThrough?.callerArn.split(':')[4];
  if (target === callerAccount || target === ctx.account.organization.managementAccountId) {
    throw new UsageError(
      `--remove-root-credentials: account ${target} is the management account; only member accounts' root credentials can be removed centrally.`,
    );
  }
  if (ctx.account.organization.role !== 'member') {
    throw new UsageError(`--remove-root-credentials: account ${target} is not a member of an AWS Organization.`);
  }
  return target;
}

/** Clients acting as the member's root user, for the one task AssumeRoot was asked for. */
export async function rootSession(ctx: StepContext, accountId: string): Promise<AwsClients> {
  const own = ctx.callerClients ?? ctx.clients;
  let answer;
  try {
    answer = await own.sts.send(
      new AssumeRootCommand({
        TargetPrincipal: accountId,
        TaskPolicyArn: { arn: taskPolicyArn(ctx.account.partition, DELETE_ROOT_TASK) },
        DurationSeconds: ROOT_SESSION_SECONDS,
      }),
    );
  } catch (err) {
    throw new RuntimeError(
      `sts:AssumeRoot into account ${accountId} failed: ${awsFailureReason(err)}`,
      'Likely causes: centralized root access is not enabled (run iam-bootstrap init --centralize-root-access from ' +
        'the management account); you are not in the management account or IAM\'s delegated administrator, or lack ' +
        'sts:AssumeRoot; or a service control policy denies it.',
    );
  }
  const c = answer.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new RuntimeError(`sts:AssumeRoot returned no credentials for account ${accountId}`);
  return ctx.clientsFor({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration }, accountId);
}

/**
 * Root's virtual MFA devices as the member account lists them (its role, not the root session, whose task policy
 * has no iam:ListVirtualMFADevices): those assigned to root, and the unassigned ones an earlier run deactivated.
 */
async function rootVirtualDevices(member: AwsClients, accountId: string): Promise<{ assigned: string[]; deactivated: string[] }> {
  const devices = await allPages(async (Marker) => {
    const page = await member.iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Any', Marker }));
    return { items: page.VirtualMFADevices ?? [], next: page.IsTruncated ? page.Marker : undefined };
  });
  const serial = (d: VirtualMFADevice) => d.SerialNumber ?? '';
  const assigned = devices.filter((d) => d.User?.Arn?.endsWith(`:${accountId}:root`)).map(serial);
  const unassigned = devices.filter((d) => !d.User).map(serial);
  // ListVirtualMFADevices returns no tags: each unassigned device (usually none or one) is asked.
  const deactivated = await mapConcurrent(unassigned, 4, async (SerialNumber) => {
    const { Tags } = await member.iam.send(new ListMFADeviceTagsCommand({ SerialNumber }));
    return (Tags ?? []).some((t) => t.Key === DEACTIVATED_ROOT_MFA_TAG && t.Value === accountId) ? SerialNumber : undefined;
  });
  return { assigned, deactivated: deactivated.filter((d): d is string => d !== undefined) };
}

/**
 * What root has: read in a root session (no UserName: the calls act on root), and root's virtual MFA devices,
 * assigned or deactivated, as the member account lists them.
 */
export async function readRootCredentials(root: AwsClients, member: AwsClients, accountId: string): Promise<RootCredentials> {
  const loginProfile = await root.iam.send(new GetLoginProfileCommand({})).then(
    () => true,
    (err: unknown) => {
      if (isAwsError(err, 'NoSuchEntity')) return false;
      throw err;
    },
  );
  const accessKeys = await allPages(async (Marker) => {
    const page = await root.iam.send(new ListAccessKeysCommand({ Marker }));
    return { items: (page.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? ''), next: page.IsTruncated ? page.Marker : undefined };
  });
  const signingCertificates = await allPages(async (Marker) => {
    const page = await root.iam.send(new ListSigningCertificatesCommand({ Marker }));
    return { items: (page.Certificates ?? []).map((c) => c.CertificateId ?? ''), next: page.IsTruncated ? page.Marker : undefined };
  });
  const assignedToRoot = await allPages(async (Marker) => {
    const page = await root.iam.send(new ListMFADevicesCommand({ Marker }));
    return { items: (page.MFADevices ?? []).map((d) => d.SerialNumber ?? ''), next: page.IsTruncated ? page.Marker : undefined };
  });
  const virtual = await rootVirtualDevices(member, accountId);
  const mfaDevices = [...new Set([...assignedToRoot, ...virtual.assigned])];
  return { loginProfile, accessKeys, signingCertificates, mfaDevices, deactivatedMfaDevices: virtual.deactivated.filter((d) => !mfaDevices.includes(d)) };
}

/** Deleting what is already gone is success: a re-run, or a run after one that stopped half-way, converges. */
async function gone(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (!isAwsError(err, 'NoSuchEntity')) throw err;
  }
}

/**
 * Deletes everything root has. MFA devices are deactivated before a virtual one is deleted (IAM requires it); a
 * virtual one is tagged first, so that if its delete fails, the next run still knows the unassigned device as
 * root's and deletes it.
 */
export async function deleteRootCredentials(root: AwsClients, member: AwsClients, accountId: string, has: RootCredentials): Promise<void> {
  if (has.loginProfile) await gone(root.iam.send(new DeleteLoginProfileCommand({})));
  for (const AccessKeyId of has.accessKeys) await gone(root.iam.send(new DeleteAccessKeyCommand({ AccessKeyId })));
  for (const CertificateId of has.signingCertificates) await gone(root.iam.send(new DeleteSigningCertificateCommand({ CertificateId })));
  for (const SerialNumber of has.mfaDevices) {
    const virtual = isVirtualMfa(SerialNumber);
    if (virtual) await member.iam.send(new TagMFADeviceCommand({ SerialNumber, Tags: [{ Key: DEACTIVATED_ROOT_MFA_TAG, Value: accountId }] }));
    await gone(root.iam.send(new DeactivateMFADeviceCommand({ SerialNumber })));
    if (virtual) await gone(root.iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber })));
  }
  for (const SerialNumber of has.deactivatedMfaDevices) await gone(root.iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber })));
}

function describe(has: RootCredentials): FieldChange[] {
  return [
    ...(has.loginProfile ? [{ field: 'root console password', from: 'set', to: 'deleted' }] : []),
    ...has.accessKeys.map((id) => ({ field: 'root access key', from: id, to: 'deleted' })),
    ...has.signingCertificates.map((id) => ({ field: 'root signing certificate', from: id, to: 'deleted' })),
    ...has.mfaDevices.map((serial) => ({ field: 'root MFA device', from: serial, to: isVirtualMfa(serial) ? 'deactivated, deleted' : 'deactivated' })),
    ...has.deactivatedMfaDevices.map((serial) => ({
      field: 'root MFA device',
      from: serial,
      to: 'deleted',
      note: 'deactivated by an earlier run that could not delete it; it still holds the old seed',
    })),
  ];
}

interface RootCredentialsData {
  accountId: string;
  has: RootCredentials;
}

export const rootCredentialsStep: Step<RootCredentialsData | undefined> = {
  id: 'root-credentials',
  title: 'Member root credentials',

  async inspect(ctx) {
    if (!ctx.settings.removeRootCredentials) return plan(this, 'skip', 'left alone (--remove-root-credentials removes them)', undefined);
    const accountId = memberAccount(ctx);
    const has = await readRootCredentials(await rootSession(ctx, accountId), ctx.clients, accountId);
    const changes = describe(has);
    if (!changes.length) return plan(this, 'unchanged', `root of ${accountId} has no password, access key, signing certificate or MFA device`, { accountId, has });
    return plan(this, 'update', `delete every credential of ${accountId}'s root user`, { accountId, has }, changes);
  },

  async apply(ctx, p) {
    if (!p.data) return {};
    // A fresh session: the plan's may have run out while the operator read it (they last 15 minutes).
    await deleteRootCredentials(await rootSession(ctx, p.data.accountId), ctx.clients, p.data.accountId, p.data.has);
    return {};
  },
};
