/**
 * GetAccountAuthorizationDetails, one entity type at a time: users with their groups and policies, groups, roles
 * with their trust, customer policies with their documents. The number of calls grows with pages (up to 1,000
 * entities a page), not with the number of users.
 */
import { GetAccountAuthorizationDetailsCommand, type GetAccountAuthorizationDetailsCommandOutput } from '@aws-sdk/client-iam';
import type { AwsClients } from '../aws/clients.js';
import { iamPages } from '../aws/pagination.js';

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
