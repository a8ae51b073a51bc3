/**
 * The administrators group: its managed policies and, unless --no-require-mfa, an inline policy that denies
 * everything but MFA self-service until the member has signed in with MFA.
 */
import {
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  PutGroupPolicyCommand,
} from '@aws-sdk/client-iam';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import { allPages } from '../aws/pagination.js';
import { isAwsError, UsageError } from '../errors.js';
import type { Context } from '../context.js';
import { plan, type FieldChange, type Step } from './types.js';

export const REQUIRE_MFA_POLICY_NAME = 'iam-bootstrap-require-mfa';

/**
 * AWS's documented "manage own credentials, nothing else without MFA" pattern (IAM User Guide), with
 * iam:ChangePassword and iam:GetAccountPasswordPolicy allowed so a first sign-in password reset still works.
 */
export const REQUIRE_MFA_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowViewAccountInfo',
      Effect: 'Allow',
      Action: ['iam:GetAccountPasswordPolicy', 'iam:ListVirtualMFADevices'],
      Resource: '*',
    },
    {
      Sid: 'AllowManageOwnPasswordAndMFA',
      Effect: 'Allow',
      Action: [
        'iam:ChangePassword',
        'iam:GetUser',
        'iam:DeactivateMFADevice',
        'iam:EnableMFADevice',
        'iam:ListMFADevices',
        'iam:ResyncMFADevice',
      ],
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    },
    {
      Sid: 'AllowCreateOwnVirtualMFADevice',
      Effect: 'Allow',
      Action: ['iam:CreateVirtualMFADevice'],
      Resource: 'arn:aws:iam::*:mfa/*',
    },
    {
      Sid: 'DenyAllExceptListedIfNoMFA',
      Effect: 'Deny',
      NotAction: [
        'iam:CreateVirtualMFADevice',
        'iam:EnableMFADevice',
        'iam:GetUser',
        'iam:GetMFADevice',
        'iam:ListMFADevices',
        'iam:ListVirtualMFADevices',
        'iam:ResyncMFADevice',
        'iam:ChangePassword',
        'iam:GetAccountPasswordPolicy',
        'sts:GetSessionToken',
      ],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
};

interface GroupData {
  createGroup: boolean;
  attach: string[];
  putMfaPolicy: boolean;
}

async function groupExists(ctx: Context, name: string): Promise<boolean> {
  try {
    await ctx.clients.iam.send(new GetGroupCommand({ GroupName: name, MaxItems: 1 }));
    return true;
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity')) return false;
    throw err;
  }
}

export function attachedGroupPolicyArns(ctx: Pick<Context, 'clients'>, group: string): Promise<string[]> {
  return allPages(async (Marker) => {
    const page = await ctx.clients.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: group, Marker }));
    const arns = (page.AttachedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : []));
    return { items: arns, next: page.IsTruncated ? page.Marker : undefined };
  });
}

/** The inline policy document as sent, or undefined; AWS returns it URL-encoded. */
async function inlinePolicy(ctx: Context, group: string, name: string): Promise<unknown> {
  try {
    const { PolicyDocument } = await ctx.clients.iam.send(new GetGroupPolicyCommand({ GroupName: group, PolicyName: name }));
    return PolicyDocument ? JSON.parse(decodeURIComponent(PolicyDocument)) : undefined;
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity')) return undefined;
    throw err;
  }
}

/** A typo in --admin-policy must fail before anything is created, not halfway through. */
async function assertPoliciesExist(ctx: Context, arns: string[]): Promise<void> {
  for (const arn of arns) {
    try {
      await ctx.clients.iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    } catch (err) {
      if (isAwsError(err, 'NoSuchEntity')) throw new UsageError(`--admin-policy: the policy ${arn} does not exist.`);
      throw err;
    }
  }
}

export const adminGroupStep: Step<GroupData> = {
  id: 'admin-group',
  title: 'Admin group',

  async inspect(ctx) {
    const { adminGroup: name, adminPolicies, requireMfa } = ctx.settings;
    await assertPoliciesExist(ctx, adminPolicies);
    const exists = await groupExists(ctx, name);
    const attached = exists ? await attachedGroupPolicyArns(ctx, name) : [];
    const attach = adminPolicies.filter((arn) => !attached.includes(arn));
    const existingMfaPolicy = exists ? await inlinePolicy(ctx, name, REQUIRE_MFA_POLICY_NAME) : undefined;
    const putMfaPolicy = requireMfa && JSON.stringify(existingMfaPolicy) !== JSON.stringify(REQUIRE_MFA_POLICY);

    const changes: FieldChange[] = [];
    if (!exists) changes.push({ field: 'group', to: name });
    for (const arn of attach) changes.push({ field: 'managed policy', to: arn });
    if (putMfaPolicy) {
      changes.push({
        field: 'inline policy',
        ...(existingMfaPolicy ? { from: `${REQUIRE_MFA_POLICY_NAME} (different)` } : {}),
        to: `${REQUIRE_MFA_POLICY_NAME} (deny all but MFA self-service without MFA)`,
      });
    }
    if (!requireMfa && existingMfaPolicy) {
      changes.push({ field: 'inline policy', note: `${REQUIRE_MFA_POLICY_NAME} already present; kept (--no-require-mfa never removes it)` });
    }
    const data = { createGroup: !exists, attach, putMfaPolicy };
    const policies = adminPolicies.map((a) => a.split('/').pop()).join(', ');
    const summary = `group ${name} with ${policies}${requireMfa ? ', MFA required' : ''}`;
    if (!exists) return plan(this, 'create', summary, data, changes);
    return plan(this, attach.length || putMfaPolicy ? 'update' : 'unchanged', summary, data, changes);
  },

  async apply(ctx, p) {
    const name = ctx.settings.adminGroup;
    if (p.data.createGroup) {
      try {
        await ctx.clients.iam.send(new CreateGroupCommand({ GroupName: name }));
      } catch (err) {
        // An earlier attempt whose answer was lost (the SDK retried) already created it.
        if (!isAwsError(err, 'EntityAlreadyExists')) throw err;
      }
    }
    for (const arn of p.data.attach) {
      await retryWhileNotVisible(ctx.clock, () =>
        ctx.clients.iam.send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn: arn })),
      );
    }
    if (p.data.putMfaPolicy) {
      await retryWhileNotVisible(ctx.clock, () =>
        ctx.clients.iam.send(
          new PutGroupPolicyCommand({
            GroupName: name,
            PolicyName: REQUIRE_MFA_POLICY_NAME,
            PolicyDocument: JSON.stringify(REQUIRE_MFA_POLICY),
          }),
        ),
      );
    }
    return {};
  },
};
