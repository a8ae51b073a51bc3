/** Managed policies: whether one exists, who it is attached to, and the account's server certificates. */
import { GetPolicyCommand, ListEntitiesForPolicyCommand, ListServerCertificatesCommand, type ServerCertificateMetadata } from '@aws-sdk/client-iam';
import { unlessAbsent } from '../aws/absent.js';
import type { AwsClients } from '../aws/clients.js';
import { iamPages } from '../aws/pagination.js';

type Ctx = { clients: AwsClients };

export async function policyExists(ctx: Ctx, arn: string): Promise<boolean> {
  return (await unlessAbsent(ctx.clients.iam.send(new GetPolicyCommand({ PolicyArn: arn })))) !== undefined;
}

export interface PolicyEntities {
  users: string[];
  groups: string[];
  roles: string[];
}

/** The users, groups and roles a managed policy is attached to (optionally only one kind). */
export async function policyEntities(ctx: Ctx, policyArn: string, only?: 'User' | 'Group' | 'Role'): Promise<PolicyEntities> {
  const pages = await iamPages(
    (Marker) => ctx.clients.iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn, Marker, ...(only ? { EntityFilter: only } : {}) })),
    (page) => [page],
  );
  return {
    users: pages.flatMap((p) => (p.PolicyUsers ?? []).map((u) => u.UserName ?? '')),
    groups: pages.flatMap((p) => (p.PolicyGroups ?? []).map((g) => g.GroupName ?? '')),
    roles: pages.flatMap((p) => (p.PolicyRoles ?? []).map((r) => r.RoleName ?? '')),
  };
}

export function serverCertificates(ctx: Ctx): Promise<ServerCertificateMetadata[]> {
  return iamPages(
    (Marker) => ctx.clients.iam.send(new ListServerCertificatesCommand({ Marker })),
    (page) => page.ServerCertificateMetadataList,
  );
}
