/**
 * IAM Identity Center, read: the Organization's instance, identity store users and groups, permission sets and
 * account assignments. Read-only; the init steps that change them are src/steps/sso-*.ts, permission-set.ts and
 * account-assignment.ts.
 */
import {
  GetGroupIdCommand,
  GetUserIdCommand,
  DescribeUserCommand,
  ListGroupMembershipsForMemberCommand,
} from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetsCommand,
  type AccountAssignment,
  type InstanceMetadata,
} from '@aws-sdk/client-sso-admin';
import type { AwsClients } from '../aws/clients.js';
import { unlessAbsent } from '../aws/absent.js';
import { allPages } from '../aws/pagination.js';
import { mapConcurrent } from '../lib/concurrency.js';
import { arnsIn, MANAGED_POLICY } from './arns.js';
import type { OrganizationMembership } from './identity.js';
import { allowsEverything } from './policy-document.js';

type Ctx = { clients: AwsClients };

/** Identity Center answers "no such user/group/set" with this code. */
const NOT_FOUND = ['ResourceNotFound'];
/** Permission sets described at once: well under Identity Center's request rate. */
const DESCRIBE_CONCURRENCY = 8;

export interface IdentityCenterInstance {
  instanceArn: string;
  identityStoreId: string;
  /** The account that owns it: for an organization instance, the management account. */
  ownerAccountId: string;
}

/** The access portal's default address (a custom alias set in the console replaces the id part). */
export function accessPortalUrl(identityStoreId: string): string {
  return `https://${identityStoreId}.awsapps.com/start`;
}

export function listInstances(ctx: Ctx): Promise<InstanceMetadata[]> {
  return allPages(async (NextToken) => {
    const page = await ctx.clients.ssoAdmin.send(new ListInstancesCommand({ NextToken }));
    return { items: page.Instances ?? [], next: page.NextToken };
  });
}

/**
 * The Organization's instance — the only kind that can grant access to AWS accounts — or why there is none: it is
 * the instance whose owner is the management account (an account instance belongs to the account that made it).
 */
export async function organizationInstance(
  ctx: Ctx,
  organization: OrganizationMembership,
): Promise<{ instance: IdentityCenterInstance } | { absent: string }> {
  if (organization.role === 'none') {
    return { absent: 'this account is not in an AWS Organization, and only an organization instance of IAM Identity Center can grant access to AWS accounts' };
  }
  if (!organization.managementAccountId) {
    return { absent: 'the Organization could not be read (organizations:DescribeOrganization was denied), so its Identity Center instance cannot be told from an account instance' };
  }
  const instances = await listInstances(ctx);
  const own = instances.find((i) => i.OwnerAccountId === organization.managementAccountId && (i.Status ?? 'ACTIVE') === 'ACTIVE');
  if (own?.InstanceArn && own.IdentityStoreId) {
    return { instance: { instanceArn: own.InstanceArn, identityStoreId: own.IdentityStoreId, ownerAccountId: organization.managementAccountId } };
  }
  const pending = instances.find((i) => i.OwnerAccountId === organization.managementAccountId);
  if (pending) return { absent: `the Organization's IAM Identity Center instance is ${pending.Status ?? 'not active'}` };
  if (instances.length) {
    return { absent: 'this region has only an account instance of IAM Identity Center, which cannot grant access to AWS accounts; the organization instance is enabled in the management account\'s console' };
  }
  return { absent: 'IAM Identity Center has no organization instance in this region' };
}

/** A group's id by its display name, or undefined. */
export async function ssoGroupId(ctx: Ctx, identityStoreId: string, displayName: string): Promise<string | undefined> {
  const r = await unlessAbsent(
    ctx.clients.identityStore.send(
      new GetGroupIdCommand({ IdentityStoreId: identityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: displayName } } }),
    ),
    NOT_FOUND,
  );
  return r?.GroupId;
}

export interface SsoUser {
  userId: string;
  userName: string;
  displayName?: string;
  givenName?: string;
  familyName?: string;
  /** The primary email, else the first. */
  email?: string;
}

/** A user by user name, or undefined. */
export async function ssoUser(ctx: Ctx, identityStoreId: string, userName: string): Promise<SsoUser | undefined> {
  const id = await unlessAbsent(
    ctx.clients.identityStore.send(
      new GetUserIdCommand({ IdentityStoreId: identityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName } } }),
    ),
    NOT_FOUND,
  );
  if (!id?.UserId) return undefined;
  const u = await ctx.clients.identityStore.send(new DescribeUserCommand({ IdentityStoreId: identityStoreId, UserId: id.UserId }));
  const emails = u.Emails ?? [];
  return {
    userId: id.UserId,
    userName: u.UserName ?? userName,
    displayName: u.DisplayName,
    givenName: u.Name?.GivenName,
    familyName: u.Name?.FamilyName,
    email: (emails.find((e) => e.Primary) ?? emails[0])?.Value,
  };
}

/** The ids of the groups a user is a member of. */
export function ssoUserGroupIds(ctx: Ctx, identityStoreId: string, userId: string): Promise<string[]> {
  return allPages(async (NextToken) => {
    const page = await ctx.clients.identityStore.send(
      new ListGroupMembershipsForMemberCommand({ IdentityStoreId: identityStoreId, MemberId: { UserId: userId }, NextToken }),
    );
    return { items: (page.GroupMemberships ?? []).map((m) => m.GroupId ?? ''), next: page.NextToken };
  });
}

export interface PermissionSet {
  arn: string;
  name: string;
  /** ISO-8601, e.g. PT1H. */
  sessionDuration?: string;
}

/** Every permission set of the instance, described. */
export async function permissionSets(ctx: Ctx, instanceArn: string): Promise<PermissionSet[]> {
  const arns = await allPages(async (NextToken) => {
    const page = await ctx.clients.ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn, NextToken }));
    return { items: page.PermissionSets ?? [], next: page.NextToken };
  });
  return mapConcurrent(arns, DESCRIBE_CONCURRENCY, async (arn) => {
    const { PermissionSet: set } = await ctx.clients.ssoAdmin.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }));
    return { arn, name: set?.Name ?? '', sessionDuration: set?.SessionDuration };
  });
}

export interface PermissionSetPolicies {
  /** AWS managed policy ARNs. */
  managed: string[];
  /** Customer managed policy references, as "path/name". */
  customerManaged: string[];
  /** The inline policy's JSON; undefined when there is none. */
  inline?: string;
}

export async function permissionSetPolicies(ctx: Ctx, instanceArn: string, permissionSetArn: string): Promise<PermissionSetPolicies> {
  const ids = { InstanceArn: instanceArn, PermissionSetArn: permissionSetArn };
  const [managed, customerManaged, inline] = await Promise.all([
    allPages(async (NextToken) => {
      const page = await ctx.clients.ssoAdmin.send(new ListManagedPoliciesInPermissionSetCommand({ ...ids, NextToken }));
      return { items: (page.AttachedManagedPolicies ?? []).map((p) => p.Arn ?? ''), next: page.NextToken };
    }),
    allPages(async (NextToken) => {
      const page = await ctx.clients.ssoAdmin.send(new ListCustomerManagedPolicyReferencesInPermissionSetCommand({ ...ids, NextToken }));
      return { items: (page.CustomerManagedPolicyReferences ?? []).map((p) => `${p.Path ?? '/'}${p.Name ?? ''}`), next: page.NextToken };
    }),
    ctx.clients.ssoAdmin.send(new GetInlinePolicyForPermissionSetCommand(ids)),
  ]);
  const text = inline.InlinePolicy?.trim();
  return { managed, customerManaged, ...(text ? { inline: text } : {}) };
}

/** Administrator access: AWS's AdministratorAccess, or an inline policy allowing * on *. */
export function grantsAdministrator(policies: PermissionSetPolicies, partition: string): boolean {
  return policies.managed.includes(arnsIn(partition).awsManagedPolicy(MANAGED_POLICY.administratorAccess)) || allowsEverything(policies.inline);
}

/** Who has `permissionSetArn` on `accountId`. */
export function accountAssignments(ctx: Ctx, instanceArn: string, accountId: string, permissionSetArn: string): Promise<AccountAssignment[]> {
  return allPages(async (NextToken) => {
    const page = await ctx.clients.ssoAdmin.send(
      new ListAccountAssignmentsCommand({ InstanceArn: instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn, NextToken }),
    );
    return { items: page.AccountAssignments ?? [], next: page.NextToken };
  });
}
