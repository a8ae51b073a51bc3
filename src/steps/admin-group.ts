/**
 * The administrators group: its managed policies and, unless --no-require-mfa, an inline policy that denies
 * everything but MFA self-service until the member has signed in with MFA.
 */
import { AttachGroupPolicyCommand, CreateGroupCommand, PutGroupPolicyCommand } from '@aws-sdk/client-iam';
import { arnsIn, MANAGED_POLICY } from '../account/arns.js';
import { attachedGroupPolicyArns, groupExists, groupInlinePolicy } from '../account/groups.js';
import { policyExists } from '../account/policies.js';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import { isAwsError, UsageError } from '../errors.js';
import type { Context } from '../context.js';
import { plan, type FieldChange, type Step } from './types.js';

export const REQUIRE_MFA_POLICY_NAME = 'iam-bootstrap-require-mfa';

/** The admin group's managed policies: those given with --admin-policy, else AdministratorAccess of the partition. */
export function adminPolicyArns(given: string[] | undefined, partition: string): string[] {
  return given ?? [arnsIn(partition).awsManagedPolicy(MANAGED_POLICY.administratorAccess)];
}

/**
 * AWS's documented "manage own credentials, nothing else without MFA" pattern (IAM User Guide), with
 * iam:ChangePassword and iam:GetAccountPasswordPolicy allowed so a first sign-in password reset still works.
 * Its resources are in the caller's partition.
 */
export const requireMfaPolicy = (partition: string) => ({
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
      Resource: arnsIn(partition).anyAccountUser('${aws:username}'),
    },
    {
      Sid: 'AllowCreateOwnVirtualMFADevice',
      Effect: 'Allow',
      Action: ['iam:CreateVirtualMFADevice'],
      Resource: arnsIn(partition).anyAccountMfaDevices(),
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
});

interface GroupData {
  createGroup: boolean;
  attach: string[];
  putMfaPolicy: boolean;
}

/** A typo in --admin-policy must fail before anything is created, not halfway through. */
async function assertPoliciesExist(ctx: Context, arns: string[]): Promise<void> {
  for (const arn of arns) {
    if (!(await policyExists(ctx, arn))) throw new UsageError(`--admin-policy: the policy ${arn} does not exist.`);
  }
}

export const adminGroupStep: Step<GroupData> = {
  id: 'admin-group',
  title: 'Admin group',

  async inspect(ctx) {
    const { adminGroup: name, requireMfa } = ctx.settings;
    const adminPolicies = adminPolicyArns(ctx.settings.adminPolicies, ctx.account.partition);
    await assertPoliciesExist(ctx, adminPolicies);
    const exists = await groupExists(ctx, name);
    const attached = exists ? await attachedGroupPolicyArns(ctx, name) : [];
    const attach = adminPolicies.filter((arn) => !attached.includes(arn));
    const existingMfaPolicy = exists ? await groupInlinePolicy(ctx, name, REQUIRE_MFA_POLICY_NAME) : undefined;
    const putMfaPolicy = requireMfa && JSON.stringify(existingMfaPolicy) !== JSON.stringify(requireMfaPolicy(ctx.account.partition));

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
            PolicyDocument: JSON.stringify(requireMfaPolicy(ctx.account.partition)),
          }),
        ),
      );
    }
    return {};
  },
};
