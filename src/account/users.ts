/** IAM users one by one: the user, its groups, console password, access keys and MFA devices. */
import {
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
  type User,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { unlessAbsent } from '../aws/absent.js';
import type { AwsClients } from '../aws/clients.js';
import { iamPages } from '../aws/pagination.js';

type Ctx = { clients: AwsClients };

export async function getUser(ctx: Ctx, userName: string): Promise<User | undefined> {
  return (await unlessAbsent(ctx.clients.iam.send(new GetUserCommand({ UserName: userName }))))?.User;
}

export function userGroupNames(ctx: Ctx, userName: string): Promise<string[]> {
  return iamPages(
    (Marker) => ctx.clients.iam.send(new ListGroupsForUserCommand({ UserName: userName, Marker })),
    (page) => (page.Groups ?? []).flatMap((g) => (g.GroupName ? [g.GroupName] : [])),
  );
}

/** Whether the user has a console password (a login profile). */
export async function hasLoginProfile(ctx: Ctx, userName: string): Promise<boolean> {
  return (await unlessAbsent(ctx.clients.iam.send(new GetLoginProfileCommand({ UserName: userName })))) !== undefined;
}

/** The user's access key ids; none for a user that does not exist. */
export async function userAccessKeyIds(ctx: Ctx, userName: string): Promise<string[]> {
  const keys = await unlessAbsent(
    iamPages(
      (Marker) => ctx.clients.iam.send(new ListAccessKeysCommand({ UserName: userName, Marker })),
      (page) => page.AccessKeyMetadata,
    ),
  );
  return (keys ?? []).flatMap((k) => (k.AccessKeyId ? [k.AccessKeyId] : []));
}

/** The serials of the MFA devices assigned to the user; none for a user that does not exist. */
export async function userMfaSerials(ctx: Ctx, userName: string): Promise<string[]> {
  const devices = await unlessAbsent(
    iamPages(
      (Marker) => ctx.clients.iam.send(new ListMFADevicesCommand({ UserName: userName, Marker })),
      (page) => page.MFADevices,
    ),
  );
  return (devices ?? []).flatMap((d) => (d.SerialNumber ? [d.SerialNumber] : []));
}

/** The account's virtual MFA devices by assignment: assigned ones carry their user (root's: an ARN ending ":root"). */
export function virtualMfaDevices(ctx: Ctx, status: 'Assigned' | 'Unassigned' | 'Any'): Promise<VirtualMFADevice[]> {
  return iamPages(
    (Marker) => ctx.clients.iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: status, Marker })),
    (page) => page.VirtualMFADevices,
  );
}
