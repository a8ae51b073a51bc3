/** Who is calling, in which account, and where that account sits in an Organization. Read-only. */
import { GetAccountSummaryCommand } from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { isAwsError } from '../errors.js';
import type { Context } from '../context.js';
import type { AccountIdentity, OrganizationMembership } from './types.js';

export async function readIdentity(ctx: Pick<Context, 'clients'>): Promise<AccountIdentity> {
  const [caller, organization] = await Promise.all([
    ctx.clients.sts.send(new GetCallerIdentityCommand({})),
    readOrganization(ctx),
  ]);
  const callerArn = caller.Arn ?? '';
  const accountId = caller.Account ?? '';
  const partition = callerArn.split(':')[1] || 'aws';
  if (organization.role === 'member' && organization.managementAccountId === accountId) {
    organization.role = 'management';
  }
  return {
    accountId,
    callerArn,
    // Root's ARN is arn:<partition>:iam::<account>:root; an assumed role or IAM user never ends that way.
    isRoot: /^arn:[^:]+:iam::\d{12}:root$/.test(callerArn),
    partition,
    organization,
  };
}

async function readOrganization(ctx: Pick<Context, 'clients'>): Promise<OrganizationMembership> {
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

export interface RootPosture {
  rootMfaEnabled: boolean;
  rootAccessKeysPresent: boolean;
  /** No password and no keys (e.g. removed through centralized root access): nothing to protect with MFA. */
  rootHasNoCredentials: boolean;
}

/** GetAccountSummary is the only API view of root's MFA and access keys. */
export async function readRootPosture(ctx: Pick<Context, 'clients'>): Promise<RootPosture> {
  const { SummaryMap: map = {} } = await ctx.clients.iam.send(new GetAccountSummaryCommand({}));
  return {
    rootMfaEnabled: (map.AccountMFAEnabled ?? 0) > 0,
    rootAccessKeysPresent: (map.AccountAccessKeysPresent ?? 0) > 0,
    rootHasNoCredentials: map.AccountPasswordPresent === 0 && (map.AccountAccessKeysPresent ?? 0) === 0,
  };
}
