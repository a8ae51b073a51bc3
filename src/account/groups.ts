/** IAM groups one by one: whether one exists, its managed policies, one of its inline policies. */
import { GetGroupCommand, GetGroupPolicyCommand, ListAttachedGroupPoliciesCommand } from '@aws-sdk/client-iam';
import { unlessAbsent } from '../aws/absent.js';
import type { AwsClients } from '../aws/clients.js';
import { iamPages } from '../aws/pagination.js';
import { decodePolicyDocument } from './policy-document.js';

type Ctx = { clients: AwsClients };

export async function groupExists(ctx: Ctx, name: string): Promise<boolean> {
  return (await unlessAbsent(ctx.clients.iam.send(new GetGroupCommand({ GroupName: name, MaxItems: 1 })))) !== undefined;
}

export function attachedGroupPolicyArns(ctx: Ctx, group: string): Promise<string[]> {
  return iamPages(
    (Marker) => ctx.clients.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: group, Marker })),
    (page) => (page.AttachedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])),
  );
}

/** An inline policy of the group, decoded; undefined when the group has none of that name. */
export async function groupInlinePolicy(ctx: Ctx, group: string, name: string): Promise<unknown> {
  const answer = await unlessAbsent(ctx.clients.iam.send(new GetGroupPolicyCommand({ GroupName: group, PolicyName: name })));
  return decodePolicyDocument(answer?.PolicyDocument);
}
