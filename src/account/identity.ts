/** Who is calling, in which account and partition, and where that account sits in an Organization. Read-only. */
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients.js';
import { isAwsError } from '../errors.js';
import { partitionOf } from './arns.js';

export interface OrganizationMembership {
  /** management / member of an Organization, none, or unknown when we may not ask. */
  role: 'management' | 'member' | 'none' | 'unknown';
  id?: string;
  managementAccountId?: string;
  /** Every account of the Organization, when the caller listed them (audit --org): read by checks in member accounts. */
  accountIds?: string[];
}

export interface AccountIdentity {
  accountId: string;
  callerArn: string;
  isRoot: boolean;
  /** aws, aws-us-gov, aws-cn, …: every ARN the tool builds is in this partition (src/account/arns.ts). */
  partition: string;
  organization: OrganizationMembership;
}

export async function readIdentity(ctx: { clients: AwsClients }): Promise<AccountIdentity> {
  const [caller, organization] = await Promise.all([
    ctx.clients.sts.send(new GetCallerIdentityCommand({})),
    readOrganization(ctx),
  ]);
  const callerArn = caller.Arn ?? '';
  const accountId = caller.Account ?? '';
  if (organization.role === 'member' && organization.managementAccountId === accountId) {
    organization.role = 'management';
  }
  return {
    accountId,
    callerArn,
    // Root's ARN is arn:<partition>:iam::<account>:root; an assumed role or IAM user never ends that way.
    isRoot: /^arn:[^:]+:iam::\d{12}:root$/.test(callerArn),
    partition: partitionOf(callerArn),
    organization,
  };
}

async function readOrganization(ctx: { clients: AwsClients }): Promise<OrganizationMembership> {
  try {
    const { Organization: org } = await ctx.clients.organizations.send(new DescribeOrganizationCommand({}));
    return { role: 'member', id: org?.Id, managementAccountId: org?.MasterAccountId };
  } catch (err) {
    if (isAwsError(err, 'AWSOrganizationsNotInUse')) return { role: 'none' };
    // Knowing the Organization is informative, not required: a caller without
    // organizations:DescribeOrganization can still secure the account.
    if (isAwsError(err, 'AccessDenied', 'AccessDeniedException')) return { role: 'unknown' };
    throw err;
  }
}
