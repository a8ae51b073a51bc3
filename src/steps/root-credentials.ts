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
  TagMFADeviceCommand,
} from '@aws-sdk/client-iam';
import { DEACTIVATED_ROOT_MFA_TAG, isVirtualMfa, readRootCredentials, type RootCredentials } from '../account/root-credentials.js';
import { deleted } from '../aws/absent.js';
import { assumeRoot, ROOT_TASK, taskPolicyArn } from '../aws/assume-root.js';
import type { AwsClients } from '../aws/clients.js';
import { awsFailureReason, RuntimeError, UsageError } from '../errors.js';
import { plan, type FieldChange, type Step, type StepContext } from './types.js';

export const DELETE_ROOT_TASK = ROOT_TASK.deleteCredentials;
export const RECOVER_ROOT_TASK = ROOT_TASK.createPassword;
export { taskPolicyArn };

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
  let credentials;
  try {
    credentials = await assumeRoot(own.sts, accountId, ctx.account.partition, DELETE_ROOT_TASK);
  } catch (err) {
    throw new RuntimeError(
      `sts:AssumeRoot into account ${accountId} failed: ${awsFailureReason(err)}`,
      'Likely causes: centralized root access is not enabled (run iam-bootstrap init --only root-access --centralize-root-access from ' +
        'the management account); you are not in the management account or IAM\'s delegated administrator, or lack ' +
        'sts:AssumeRoot; or a service control policy denies it.',
    );
  }
  return ctx.clientsFor(credentials, accountId);
}

/**
 * Deletes everything root has. MFA devices are deactivated before a virtual one is deleted (IAM requires it); a
 * virtual one is tagged first, so that if its delete fails, the next run still knows the unassigned device as
 * root's and deletes it.
 */
export async function deleteRootCredentials(root: AwsClients, member: AwsClients, accountId: string, has: RootCredentials): Promise<void> {
  if (has.loginProfile) await deleted(root.iam.send(new DeleteLoginProfileCommand({})));
  for (const AccessKeyId of has.accessKeys) await deleted(root.iam.send(new DeleteAccessKeyCommand({ AccessKeyId })));
  for (const CertificateId of has.signingCertificates) await deleted(root.iam.send(new DeleteSigningCertificateCommand({ CertificateId })));
  for (const SerialNumber of has.mfaDevices) {
    const virtual = isVirtualMfa(SerialNumber);
    if (virtual) await member.iam.send(new TagMFADeviceCommand({ SerialNumber, Tags: [{ Key: DEACTIVATED_ROOT_MFA_TAG, Value: accountId }] }));
    await deleted(root.iam.send(new DeactivateMFADeviceCommand({ SerialNumber })));
    if (virtual) await deleted(root.iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber })));
  }
  for (const SerialNumber of has.deactivatedMfaDevices) await deleted(root.iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber })));
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
