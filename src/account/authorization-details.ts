/**
 * GetAccountAuthorizationDetails, one entity type at a time: users with their groups and policies, groups, roles
 * with their trust, customer policies with their documents. The number of calls grows with pages (up to 1,000
 * entities a page), not with the number of users.
 */
import { GetAccountAuthorizationDetailsCommand, GetPolicyVersionCommand, ListPoliciesCommand, type GetAccountAuthorizationDetailsCommandOutput } from '@aws-sdk/client-iam';
import type { AwsClients } from '../aws/clients.js';
import { iamPages } from '../aws/pagination.js';
import { mapConcurrent } from '../lib/concurrency.js';

type Details = GetAccountAuthorizationDetailsCommandOutput;
export type UserDetail = NonNullable<Details['UserDetailList']>[number];
export type GroupDetail = NonNullable<Details['GroupDetailList']>[number];
export type RoleDetail = NonNullable<Details['RoleDetailList']>[number];
export type ManagedPolicyDetail = NonNullable<Details['Policies']>[number];

const PAGE_SIZE = 1000;

function detailsOf<T>(ctx: { clients: AwsClients }, filter: 'User' | 'Group' | 'Role' | 'LocalManagedPolicy' | 'AWSManagedPolicy', pick: (page: Details) => T[] | undefined): Promise<T[]> {
  return iamPages((Marker) => ctx.clients.iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: [filter], MaxItems: PAGE_SIZE, Marker })), pick);
}

export const userDetails = (ctx: { clients: AwsClients }) => detailsOf(ctx, 'User', (p) => p.UserDetailList);
export const groupDetails = (ctx: { clients: AwsClients }) => detailsOf(ctx, 'Group', (p) => p.GroupDetailList);
export const roleDetails = (ctx: { clients: AwsClients }) => detailsOf(ctx, 'Role', (p) => p.RoleDetailList);
/** Customer managed policies (this account's own), every version's document included. */
export const customerPolicyDetails = (ctx: { clients: AwsClients }) => detailsOf(ctx, 'LocalManagedPolicy', (p) => p.Policies);

/** Policy documents read at once: IAM throttles well above this. */
const DOCUMENT_CONCURRENCY = 8;

/**
 * The AWS managed policies attached to someone in this account, each with its default version's document. Read with
 * ListPolicies (OnlyAttached) and one GetPolicyVersion per policy rather than the AWSManagedPolicy filter of
 * GetAccountAuthorizationDetails, which may return every AWS managed policy (over 1,400, megabytes of documents):
 * the calls grow with the distinct AWS policies in use (a few dozen), never with the number of principals.
 */
export async function attachedAwsManagedPolicies(ctx: { clients: AwsClients }): Promise<ManagedPolicyDetail[]> {
  const attached = await iamPages((Marker) => ctx.clients.iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true, MaxItems: PAGE_SIZE, Marker })), (p) => p.Policies);
  return mapConcurrent(attached, DOCUMENT_CONCURRENCY, async (p): Promise<ManagedPolicyDetail> => {
    const answer = await ctx.clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: p.DefaultVersionId }));
    const document = answer.PolicyVersion?.Document;
    return { PolicyName: p.PolicyName, Arn: p.Arn, AttachmentCount: p.AttachmentCount, DefaultVersionId: p.DefaultVersionId, PolicyVersionList: [{ Document: document, IsDefaultVersion: true, VersionId: p.DefaultVersionId }] };
  });
}
