/** Organization facts: its accounts, and centralized root access (trusted access for IAM, the features on). */
import { ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  type Account,
  type PolicyType,
} from '@aws-sdk/client-organizations';
import { mapConcurrent } from '../lib/concurrency.js';
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

/** The policies AWS attaches everywhere by default: they allow everything, so they guard nothing. */
const ALLOW_ALL_POLICIES = new Set(['p-FullAWSAccess', 'p-RCPFullAWSAccess']);

export interface GuardrailCoverage {
  /** Service control policies are enabled on the root. */
  scpEnabled: boolean;
  /** Each ACTIVE account and the SCPs other than FullAWSAccess that apply to it (its own, its OUs', the root's). */
  accounts: { id: string; name: string; scps: string[] }[];
  /** Resource control policies other than RCPFullAWSAccess, or undefined when they cannot be listed. */
  rcps?: string[];
}

/** Parents and targets read at once. */
const TREE_CONCURRENCY = 8;

async function policiesFor(ctx: Ctx, targetId: string, filter: PolicyType): Promise<string[]> {
  const all = await allPages(async (NextToken) => {
    const page = await ctx.clients.organizations.send(new ListPoliciesForTargetCommand({ TargetId: targetId, Filter: filter, NextToken }));
    return { items: page.Policies ?? [], next: page.NextToken };
  });
  return all.filter((p) => !ALLOW_ALL_POLICIES.has(p.Id ?? '')).map((p) => p.Name ?? p.Id ?? '');
}

/**
 * Which accounts a service control policy other than FullAWSAccess reaches, walking the Organization from its root
 * (management account only). The calls grow with organizational units and accounts, never with IAM principals.
 */
export async function guardrailCoverage(ctx: Ctx): Promise<GuardrailCoverage> {
  const { Roots } = await ctx.clients.organizations.send(new ListRootsCommand({}));
  const root = Roots?.[0];
  if (!root?.Id) return { scpEnabled: false, accounts: [] };
  const scpEnabled = (root.PolicyTypes ?? []).some((t) => t.Type === 'SERVICE_CONTROL_POLICY' && t.Status === 'ENABLED');
  const accounts: GuardrailCoverage['accounts'] = [];
  // Breadth first: each level's parents are read concurrently, carrying the SCPs inherited from above.
  let level = [{ id: root.Id, inherited: scpEnabled ? await policiesFor(ctx, root.Id, 'SERVICE_CONTROL_POLICY') : [] }];
  while (level.length) {
    const next = await mapConcurrent(level, TREE_CONCURRENCY, async (parent) => {
      const [units, members] = await Promise.all([
        allPages(async (NextToken) => {
          const page = await ctx.clients.organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent.id, NextToken }));
          return { items: page.OrganizationalUnits ?? [], next: page.NextToken };
        }),
        allPages(async (NextToken) => {
          const page = await ctx.clients.organizations.send(new ListAccountsForParentCommand({ ParentId: parent.id, NextToken }));
          return { items: page.Accounts ?? [], next: page.NextToken };
        }),
      ]);
      const active = members.filter(isActiveAccount);
      const own = scpEnabled ? await mapConcurrent(active, TREE_CONCURRENCY, (a) => policiesFor(ctx, a.Id ?? '', 'SERVICE_CONTROL_POLICY')) : active.map(() => []);
      accounts.push(...active.map((a, i) => ({ id: a.Id ?? '', name: a.Name ?? '', scps: [...new Set([...parent.inherited, ...(own[i] ?? [])])] })));
      return mapConcurrent(units, TREE_CONCURRENCY, async (u) => ({
        id: u.Id ?? '',
        inherited: [...parent.inherited, ...(scpEnabled ? await policiesFor(ctx, u.Id ?? '', 'SERVICE_CONTROL_POLICY') : [])],
      }));
    });
    level = next.flat();
  }
  let rcps: string[] | undefined;
  try {
    const listed = await allPages(async (NextToken) => {
      const page = await ctx.clients.organizations.send(new ListPoliciesCommand({ Filter: 'RESOURCE_CONTROL_POLICY', NextToken }));
      return { items: page.Policies ?? [], next: page.NextToken };
    });
    rcps = listed.filter((p) => !ALLOW_ALL_POLICIES.has(p.Id ?? '')).map((p) => p.Name ?? p.Id ?? '');
  } catch (err) {
    // Resource control policies are newer than some partitions and Organizations; their absence is reported, not fatal.
    if (!isAwsError(err, 'InvalidInput', 'PolicyTypeNotEnabled', 'UnsupportedAPIEndpoint', 'AccessDenied')) throw err;
  }
  return { scpEnabled, accounts: accounts.sort((a, b) => a.id.localeCompare(b.id)), ...(rcps ? { rcps } : {}) };
}
