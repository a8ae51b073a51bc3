/** IAM roles one by one: a role's trust policy and its managed policies. */
import { GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { unlessAbsent } from '../aws/absent.js';
import type { AwsClients } from '../aws/clients.js';
import { iamPages } from '../aws/pagination.js';
import { decodePolicyDocument } from './policy-document.js';

type Ctx = { clients: AwsClients };

/** The role's trust policy, decoded; undefined when there is no such role. */
export async function roleTrustPolicy(ctx: Ctx, name: string): Promise<{ trust: unknown } | undefined> {
  const answer = await unlessAbsent(ctx.clients.iam.send(new GetRoleCommand({ RoleName: name })));
  return answer ? { trust: decodePolicyDocument(answer.Role?.AssumeRolePolicyDocument) ?? {} } : undefined;
}

export function attachedRolePolicyArns(ctx: Ctx, role: string): Promise<string[]> {
  return iamPages(
    (Marker) => ctx.clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role, Marker })),
    (page) => (page.AttachedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])),
  );
}
