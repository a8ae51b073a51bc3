/**
 * A role for AWS Support incidents (CIS 1.17): AWSSupportAccess, assumable only by this account's principals and
 * only with MFA. A role of that name that exists gets the policy if it lacks it; its trust policy, which someone
 * else wrote, is never rewritten.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import { allPages } from '../aws/pagination.js';
import { isAwsError } from '../errors.js';
import type { Context } from '../context.js';
import { plan, type AccountIdentity, type FieldChange, type Step } from './types.js';

export const DEFAULT_SUPPORT_ROLE = 'AWSSupportRole';

export const supportAccessArn = (partition: string) => `arn:${partition}:iam::aws:policy/AWSSupportAccess`;

/** This account's principals, and only with MFA: the people who open Support cases, nobody outside. */
export function supportTrustPolicy(account: Pick<AccountIdentity, 'accountId' | 'partition'>): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:${account.partition}:iam::${account.accountId}:root` },
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

async function roleTrust(ctx: Pick<Context, 'clients'>, name: string): Promise<unknown | null> {
  try {
    const { Role } = await ctx.clients.iam.send(new GetRoleCommand({ RoleName: name }));
    const doc = Role?.AssumeRolePolicyDocument;
    return doc ? JSON.parse(decodeURIComponent(doc)) : {};
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity')) return null;
    throw err;
  }
}

function attachedRolePolicyArns(ctx: Pick<Context, 'clients'>, role: string): Promise<string[]> {
  return allPages(async (Marker) => {
    const page = await ctx.clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role, Marker }));
    return { items: (page.AttachedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])), next: page.IsTruncated ? page.Marker : undefined };
  });
}

export const supportRoleStep: Step<RoleData> = {
  id: 'support-role',
  title: 'Support role',

  async inspect(ctx) {
    const name = ctx.settings.supportRole;
    if (!name) return plan(this, 'skip', 'no support role (--no-support-role)', { createRole: false, attach: false });
    const policy = supportAccessArn(ctx.account.partition);
    const summary = `role ${name} with AWSSupportAccess, assumable by this account with MFA`;
    const trust = await roleTrust(ctx, name);
    if (trust === null) {
      return plan(this, 'create', summary, { createRole: true, attach: true }, [
        { field: 'role', to: name },
        { field: 'trust', to: `arn:${ctx.account.partition}:iam::${ctx.account.accountId}:root, with MFA` },
        { field: 'managed policy', to: policy },
      ]);
    }
    const attach = !(await attachedRolePolicyArns(ctx, name)).includes(policy);
    const changes: FieldChange[] = [];
    if (attach) changes.push({ field: 'managed policy', to: policy });
    if (JSON.stringify(trust) !== JSON.stringify(supportTrustPolicy(ctx.account))) {
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
            Description: 'AWS Support access for this account\'s administrators, with MFA (CIS 1.17). Created by iam-bootstrap.',
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
