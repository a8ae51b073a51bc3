/** Organization facts: its accounts, and centralized root access (trusted access for IAM, the features on). */
import { ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand, ListAWSServiceAccessForOrganizationCommand, type Account } from '@aws-sdk/client-organizations';
import type { AwsClients } from '../aws/clients.js';
import { allPages } from '../aws/pagination.js';
import { isAwsError } from '../errors.js';

type Ctx = { clients: AwsClients };

export const IAM_SERVICE_PRINCIPAL = 'iam.amazonaws.com';
export const ROOT_FEATURES = ['RootCredentialsManagement', 'RootSessions'] as const;

/** Every account of the Organization (management account or delegated administrator only). */
export function organizationAccounts(ctx: Ctx): Promise<Account[]> {
  return allPages(async (NextToken) => {
    const page = await ctx.clients.organizations.send(new ListAccountsCommand({ NextToken }));
    return { items: page.Accounts ?? [], next: page.NextToken };
  });
}

/** Whether an account is ACTIVE (Status is deprecated in favour of State; either is read). */
export function isActiveAccount(a: Account): boolean {
  return (a as { State?: string }).State === 'ACTIVE' || a.Status === 'ACTIVE';
}

/**
 * The centralized root access features enabled, or — when IAM cannot have them yet — why: that error *is* the
 * answer (trusted access off, or the Organization without all features).
 */
export async function rootAccessFeatures(ctx: Ctx): Promise<{ enabled: string[] } | { notEnabled: string }> {
  try {
    const r = await ctx.clients.iam.send(new ListOrganizationsFeaturesCommand({}));
    return { enabled: r.EnabledFeatures ?? [] };
  } catch (err) {
    if (isAwsError(err, 'ServiceAccessNotEnabled')) {
      return { notEnabled: 'trusted access for IAM is not enabled in AWS Organizations, so centralized root access is off' };
    }
    if (isAwsError(err, 'OrganizationNotInAllFeaturesMode')) {
      return { notEnabled: 'the Organization does not have all features enabled, which centralized root access needs' };
    }
    throw err;
  }
}

export interface RootAccessState {
  trustedAccess: boolean;
  /** The centralized root access features enabled; empty while trusted access is off (IAM cannot say then). */
  enabled: string[];
}

/** Trusted access for IAM in Organizations, then the features; ListOrganizationsFeatures needs the former. */
export async function readRootAccess(ctx: Ctx): Promise<RootAccessState> {
  const principals = await allPages(async (NextToken) => {
    const page = await ctx.clients.organizations.send(new ListAWSServiceAccessForOrganizationCommand({ NextToken }));
    return { items: (page.EnabledServicePrincipals ?? []).map((p) => p.ServicePrincipal ?? ''), next: page.NextToken };
  });
  if (!principals.includes(IAM_SERVICE_PRINCIPAL)) return { trustedAccess: false, enabled: [] };
  try {
    const r = await ctx.clients.iam.send(new ListOrganizationsFeaturesCommand({}));
    return { trustedAccess: true, enabled: r.EnabledFeatures ?? [] };
  } catch (err) {
    // Trusted access was listed but IAM does not see it yet (Organizations is eventually consistent).
    if (isAwsError(err, 'ServiceAccessNotEnabled')) return { trustedAccess: false, enabled: [] };
    throw err;
  }
}
