/**
 * A role for AWS Support incidents (CIS v7.0.0 2.15): AWSSupportAccess, assumable only by this account's principals and
 * only with MFA. A role of that name that exists gets the policy if it lacks it; its trust policy, which someone
 * else wrote, is never rewritten.
 */
import { AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { arnsIn, MANAGED_POLICY } from '../account/arns.js';
import type { AccountIdentity } from '../account/identity.js';
import { attachedRolePolicyArns, roleTrustPolicy } from '../account/roles.js';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import { isAwsError } from '../errors.js';
import { plan, type FieldChange, type Step } from './types.js';

export const DEFAULT_SUPPORT_ROLE = 'AWSSupportRole';

export const supportAccessArn = (partition: string) => arnsIn(partition).awsManagedPolicy(MANAGED_POLICY.supportAccess);

/** This account's principals, and only with MFA: the people who open Support cases, nobody outside. */
export function supportTrustPolicy(account: Pick<AccountIdentity, 'accountId' | 'partition'>): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: arnsIn(account.partition).accountRoot(account.accountId) },
        Action: 'sts:AssumeRole',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ],
  };
}

interface RoleData {
  createRole: boolean;
  attach: boolean;
}

export const supportRoleStep: Step<RoleData> = {
  id: 'support-role',
  title: 'Support role',

  async inspect(ctx) {
    const name = ctx.settings.supportRole;
    if (!name) return plan(this, 'skip', 'no support role (--no-support-role)', { createRole: false, attach: false });
    const policy = supportAccessArn(ctx.account.partition);
    const summary = `role ${name} with AWSSupportAccess, assumable by this account with MFA`;
    const role = await roleTrustPolicy(ctx, name);
    if (!role) {
      return plan(this, 'create', summary, { createRole: true, attach: true }, [
        { field: 'role', to: name },
        { field: 'trust', to: `${arnsIn(ctx.account.partition).accountRoot(ctx.account.accountId)}, with MFA` },
        { field: 'managed policy', to: policy },
      ]);
    }
    const attach = !(await attachedRolePolicyArns(ctx, name)).includes(policy);
    const changes: FieldChange[] = [];
    if (attach) changes.push({ field: 'managed policy', to: policy });
    if (JSON.stringify(role.trust) !== JSON.stringify(supportTrustPolicy(ctx.account))) {
      changes.push({ field: 'trust policy', note: 'written by someone else: left as it is' });
    }
    const existing = `role ${name} exists${changes.some((c) => c.field === 'trust policy') ? ' (its own trust policy kept)' : ''}`;
    return plan(this, attach ? 'update' : 'unchanged', attach ? `attach AWSSupportAccess to ${name}` : existing, { createRole: false, attach }, changes);
  },

  async apply(ctx, p) {
    const name = ctx.settings.supportRole;
    if (!name || (p.status !== 'create' && p.status !== 'update')) return {};
    if (p.data.createRole) {
      try {
        await ctx.clients.iam.send(
          new CreateRoleCommand({
            RoleName: name,
            AssumeRolePolicyDocument: JSON.stringify(supportTrustPolicy(ctx.account)),
            Description: 'AWS Support access for this account\'s administrators, with MFA (CIS AWS Foundations 2.15). Created by iam-bootstrap.',
          }),
        );
      } catch (err) {
        // An earlier attempt whose answer was lost (the SDK retried) already created it.
        if (!isAwsError(err, 'EntityAlreadyExists')) throw err;
      }
    }
    if (p.data.attach) {
      await retryWhileNotVisible(ctx.clock, () =>
        ctx.clients.iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: supportAccessArn(ctx.account.partition) })),
      );
    }
    return {};
  },
};
