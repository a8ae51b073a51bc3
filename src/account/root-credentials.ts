/**
 * What a member account's root user has, read in a root session (sts:AssumeRoot: IAM calls without a UserName act
 * on root) and, for root's virtual MFA devices, through the member account's own role.
 */
import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListMFADeviceTagsCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { unlessAbsent } from '../aws/absent.js';
import { isAwsError } from '../errors.js';
import type { AwsClients } from '../aws/clients.js';
import { iamPages } from '../aws/pagination.js';
import { mapConcurrent } from '../lib/concurrency.js';
import { virtualMfaDevices } from './users.js';

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

/** A virtual device's serial is an IAM ARN (…:mfa/<name>); hardware tokens and security keys have other serials. */
export const isVirtualMfa = (serial: string) => /^arn:[^:]+:iam::\d{12}:mfa\//.test(serial);

/**
 * Root's virtual MFA devices as the member account lists them (its role, not the root session, whose task policy
 * has no iam:ListVirtualMFADevices): those assigned to root, and the unassigned ones an earlier run deactivated.
 */
async function rootVirtualDevices(member: AwsClients, accountId: string): Promise<{ assigned: string[]; deactivated: string[] }> {
  const devices = await virtualMfaDevices({ clients: member }, 'Any');
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

/** What root has: `root` is a root session's clients, `member` the member account's own. */
export async function readRootCredentials(root: AwsClients, member: AwsClients, accountId: string): Promise<RootCredentials> {
  const loginProfile = (await unlessAbsent(root.iam.send(new GetLoginProfileCommand({})))) !== undefined;
  const accessKeys = await iamPages((Marker) => root.iam.send(new ListAccessKeysCommand({ Marker })), (p) => (p.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? ''));
  const signingCertificates = await iamPages((Marker) => root.iam.send(new ListSigningCertificatesCommand({ Marker })), (p) => (p.Certificates ?? []).map((c) => c.CertificateId ?? ''));
  const assignedToRoot = await iamPages((Marker) => root.iam.send(new ListMFADevicesCommand({ Marker })), (p) => (p.MFADevices ?? []).map((d) => d.SerialNumber ?? ''));
  const virtual = await rootVirtualDevices(member, accountId);
  const mfaDevices = [...new Set([...assignedToRoot, ...virtual.assigned])];
  return { loginProfile, accessKeys, signingCertificates, mfaDevices, deactivatedMfaDevices: virtual.deactivated.filter((d) => !mfaDevices.includes(d)) };
}

/** The root user itself, as a root session (IAMAuditRootUserCredentials) reads it: not hours old like the report. */
export interface RootUserState {
  password: boolean;
  passwordLastUsed?: Date;
  accessKeys: { id: string; active: boolean; lastUsed?: Date }[];
  signingCertificates: { id: string; active: boolean }[];
  mfaDevices: string[];
  /** GetUser and GetAccessKeyLastUsed answered: when root was last used is known from root itself. */
  lastUseKnown: boolean;
}

/** Reads root in a root session; last use is optional (its reads may be outside the task policy). */
export async function auditRootUser(root: AwsClients): Promise<RootUserState> {
  const [login, keys, certificates, mfaDevices] = await Promise.all([
    unlessAbsent(root.iam.send(new GetLoginProfileCommand({}))),
    iamPages((Marker) => root.iam.send(new ListAccessKeysCommand({ Marker })), (p) => p.AccessKeyMetadata),
    iamPages((Marker) => root.iam.send(new ListSigningCertificatesCommand({ Marker })), (p) => p.Certificates),
    iamPages((Marker) => root.iam.send(new ListMFADevicesCommand({ Marker })), (p) => (p.MFADevices ?? []).map((d) => d.SerialNumber ?? '')),
  ]);
  const state: RootUserState = {
    password: login !== undefined,
    accessKeys: keys.map((k) => ({ id: k.AccessKeyId ?? '', active: k.Status === 'Active' })),
    signingCertificates: certificates.map((c) => ({ id: c.CertificateId ?? '', active: c.Status === 'Active' })),
    mfaDevices,
    lastUseKnown: false,
  };
  try {
    const { User } = await root.iam.send(new GetUserCommand({}));
    const used = await Promise.all(state.accessKeys.map((k) => root.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.id }))));
    state.accessKeys.forEach((k, i) => {
      const when = used[i]?.AccessKeyLastUsed?.LastUsedDate;
      if (when) k.lastUsed = when;
    });
    if (User?.PasswordLastUsed) state.passwordLastUsed = User.PasswordLastUsed;
    state.lastUseKnown = true;
  } catch (err) {
    // Outside the task policy: root-recent-use falls back to the credential report, and says so.
    if (!isAwsError(err, 'AccessDenied')) throw err;
  }
  return state;
}
