/**
 * Centralized root access (init --centralize-root-access, management account only): trusted access for IAM in
 * AWS Organizations, then IAM's root credentials management and privileged root sessions. Afterwards the
 * management account can remove member accounts' root credentials (--remove-root-credentials) and new member
 * accounts are created without any. Each part is read first and only what is missing is enabled.
 */
import { EnableOrganizationsRootCredentialsManagementCommand, EnableOrganizationsRootSessionsCommand, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { EnableAWSServiceAccessCommand, ListAWSServiceAccessForOrganizationCommand } from '@aws-sdk/client-organizations';
import { allPages } from '../aws/pagination.js';
import type { Context } from '../context.js';
import { isAwsError, UsageError } from '../errors.js';
import { plan, type FieldChange, type Step } from './types.js';

export const IAM_SERVICE_PRINCIPAL = 'iam.amazonaws.com';
export const ROOT_FEATURES = ['RootCredentialsManagement', 'RootSessions'] as const;

export interface RootAccessState {
  trustedAccess: boolean;
  /** The centralized root access features enabled; empty while trusted access is off (IAM cannot say then). */
  enabled: string[];
}

/** Reads only. ListOrganizationsFeatures answers ServiceAccessNotEnabled until trusted access for IAM is on. */
export async function readRootAccess(ctx: Pick<Context, 'clients'>): Promise<RootAccessState> {
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

interface RootAccessData {
  enableTrustedAccess: boolean;
  enable: string[];
}

const FEATURE_LABEL: Record<(typeof ROOT_FEATURES)[number], string> = {
  RootCredentialsManagement: 'root credentials management',
  RootSessions: 'privileged root sessions (sts:AssumeRoot)',
};

export const rootAccessStep: Step<RootAccessData> = {
  id: 'root-access',
  title: 'Centralized root access',

  async inspect(ctx) {
    if (!ctx.settings.centralizeRootAccess) {
      return plan(this, 'skip', 'left alone (--centralize-root-access turns it on)', { enableTrustedAccess: false, enable: [] });
    }
    // Only the management account can turn it on; anywhere else the run stops here, before any change.
    if (ctx.account.organization.role !== 'management') {
      const where = ctx.account.organization.role === 'member' ? `a member account (the management account is ${ctx.account.organization.managementAccountId ?? 'unknown'})` : ctx.account.organization.role === 'none' ? 'not in an AWS Organization' : 'of unknown Organization membership (organizations:DescribeOrganization was denied)';
      throw new UsageError(`--centralize-root-access: account ${ctx.account.accountId} is ${where}; run it from the management account.`);
    }
    const state = await readRootAccess(ctx);
    const enable = ROOT_FEATURES.filter((f) => !state.enabled.includes(f));
    const changes: FieldChange[] = [];
    if (!state.trustedAccess) changes.push({ field: 'trusted access for IAM in Organizations', from: 'off', to: 'on' });
    for (const f of enable) changes.push({ field: FEATURE_LABEL[f], from: 'off', to: 'on' });
    const data = { enableTrustedAccess: !state.trustedAccess, enable };
    if (!changes.length) return plan(this, 'unchanged', 'root credentials management and root sessions are on', data);
    return plan(this, state.trustedAccess || state.enabled.length ? 'update' : 'create', 'the management account can remove and recover member accounts\' root credentials', data, changes);
  },

  async apply(ctx, p) {
    if (p.data.enableTrustedAccess) {
      await ctx.clients.organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: IAM_SERVICE_PRINCIPAL }));
    }
    // Each call enables one feature and is harmless to repeat; order as AWS documents it.
    if (p.data.enable.includes('RootCredentialsManagement')) await ctx.clients.iam.send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    if (p.data.enable.includes('RootSessions')) await ctx.clients.iam.send(new EnableOrganizationsRootSessionsCommand({}));
    return {};
  },
};
