/**
 * Centralized root access (init --centralize-root-access, management account only): trusted access for IAM in
 * AWS Organizations, then IAM's root credentials management and privileged root sessions. Afterwards the
 * management account can remove member accounts' root credentials (--remove-root-credentials) and new member
 * accounts are created without any. Each part is read first and only what is missing is enabled.
 */
import { EnableOrganizationsRootCredentialsManagementCommand, EnableOrganizationsRootSessionsCommand } from '@aws-sdk/client-iam';
import { EnableAWSServiceAccessCommand } from '@aws-sdk/client-organizations';
import { IAM_SERVICE_PRINCIPAL, readRootAccess, ROOT_FEATURES } from '../account/organization.js';
import { UsageError } from '../errors.js';
import { plan, type FieldChange, type Step } from './types.js';

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
