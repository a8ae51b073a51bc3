/** audit --org: every ACTIVE account of the Organization, each through an assumed role, a few at a time. */
import type { Account } from '@aws-sdk/client-organizations';
import { arnsIn } from '../account/arns.js';
import { isActiveAccount, organizationAccounts, rootAccessFeatures } from '../account/organization.js';
import { assumeRole, DEFAULT_ROLE_NAME } from '../aws/assume-role.js';
import { assumeRoot, ROOT_TASK } from '../aws/assume-root.js';
import type { AwsClients } from '../aws/clients.js';
import type { Context } from '../context.js';
import { RuntimeError, UsageError, isAwsError } from '../errors.js';
import { mapConcurrent } from '../lib/concurrency.js';
import type { Check } from '../checks/types.js';
import type { AccountIdentity } from '../account/identity.js';
import { auditAccount, countStatuses, explainFailure, type AccountAudit, type RunOptions } from './run-audit.js';

export interface OrganizationAuditOptions {
  roleName: string;
  concurrency: number;
  /** Only these account ids (--accounts). */
  accounts?: string[];
  /**
   * Called as soon as each account's audit is done, with the clients that act in it (--format jsonl prints it
   * there and then; --security-hub sends its findings with those clients).
   */
  onAccount?: (audit: AccountAudit, clients: AwsClients) => void;
}

const NOT_IN_ORGANIZATION = '--org: this account is not in an AWS Organization.';

export async function listActiveAccounts(ctx: Pick<Context, 'clients'>, caller: AccountIdentity): Promise<Account[]> {
  // DescribeOrganization already said so (role "unknown" means we could not ask): no need to list anything.
  if (caller.organization.role === 'none') throw new UsageError(NOT_IN_ORGANIZATION);
  let accounts: Account[];
  try {
    accounts = await organizationAccounts(ctx);
  } catch (err) {
    if (isAwsError(err, 'AWSOrganizationsNotInUse')) throw new UsageError(NOT_IN_ORGANIZATION);
    if (isAwsError(err, 'AccessDenied') && caller.organization.role === 'member') {
      throw new RuntimeError(
        `--org: organizations:ListAccounts was denied: account ${caller.accountId} is a member account of the Organization.`,
        'Run audit --org from the management account, or from an account registered as a delegated administrator for AWS Organizations.',
      );
    }
    throw err;
  }
  const active = accounts.filter(isActiveAccount);
  // An Organization always has at least the caller's own account; auditing nothing must not look like a pass.
  if (!active.length) throw new RuntimeError('--org: organizations:ListAccounts returned no ACTIVE account.');
  return active;
}

export async function auditOrganization(
  ctx: Context,
  caller: AccountIdentity,
  checks: Check[],
  run: RunOptions,
  options: OrganizationAuditOptions,
): Promise<AccountAudit[]> {
  const accounts = await listActiveAccounts(ctx, caller);
  const withRootSessions = await rootSessionsUsable(ctx, caller, checks);
  const names = new Map(accounts.map((a) => [a.Id ?? '', a.Name]));
  let targets = accounts.map((a) => a.Id ?? '');
  if (options.accounts) {
    const unknown = options.accounts.filter((id) => !targets.includes(id));
    if (unknown.length) throw new UsageError(`--accounts: not ACTIVE accounts of this Organization: ${unknown.join(', ')}`);
    targets = options.accounts;
  }
  let done = 0;
  let failed = 0;
  let inFlight = 0;
  const progress = () =>
    ctx.out.progress(`Audited ${done}/${targets.length} accounts (${failed} could not be audited, ${inFlight} in flight)`);
  progress();
  const results = await mapConcurrent(targets, options.concurrency, async (accountId) => {
    inFlight += 1;
    progress();
    const known = { ...caller, organization: { ...caller.organization, accountIds: accounts.map((a) => a.Id ?? '') } };
    const { audit, clients } = await auditMember(ctx, known, accountId, checks, withRootSessions ? { ...run, rootSession: rootSessionFor(ctx, caller, accountId) } : run, options.roleName);
    const name = names.get(accountId);
    if (name) audit.name = name;
    inFlight -= 1;
    done += 1;
    if (audit.error) failed += 1;
    progress();
    options.onAccount?.(audit, clients);
    return audit;
  });
  ctx.out.progress(undefined);
  return results;
}

/** Checks that read the root user: decided from root itself where a root session can be opened. */
const ROOT_CHECKS = ['root-mfa', 'root-hardware-mfa', 'root-access-keys', 'root-recent-use', 'root-signing-certificates'];

/**
 * Whether members' root users can be read through sts:AssumeRoot: the caller is the management account and the
 * Organization has root sessions on (iam:ListOrganizationsFeatures). Asked once per audit, only when a root check
 * runs; a caller that may not ask keeps the credential report, as before.
 */
async function rootSessionsUsable(ctx: Context, caller: AccountIdentity, checks: Check[]): Promise<boolean> {
  if (caller.organization.role !== 'management' || !checks.some((c) => ROOT_CHECKS.includes(c.id))) return false;
  try {
    const features = await rootAccessFeatures(ctx);
    return 'enabled' in features && features.enabled.includes('RootSessions');
  } catch (err) {
    if (isAwsError(err, 'AccessDenied')) return false;
    throw err;
  }
}

/** A root session in a member (the management account's own root is never reached this way). */
function rootSessionFor(ctx: Context, caller: AccountIdentity, accountId: string): (() => Promise<AwsClients>) | undefined {
  if (accountId === caller.accountId || accountId === caller.organization.managementAccountId) return undefined;
  return async () => ctx.clientsFor(await assumeRoot(ctx.clients.sts, accountId, caller.partition, ROOT_TASK.audit), accountId);
}

/** How `iam-bootstrap init` reaches a member from where the audit runs: --account, and the role when not the default. */
export function memberTarget(accountId: string, roleName: string): string {
  return ` --account ${accountId}${roleName === DEFAULT_ROLE_NAME ? '' : ` --role-name ${roleName}`}`;
}

async function auditMember(
  ctx: Context,
  caller: AccountIdentity,
  accountId: string,
  checks: Check[],
  run: RunOptions,
  roleName: string,
): Promise<{ audit: AccountAudit; clients: AwsClients }> {
  const organization = {
    ...caller.organization,
    role: accountId === caller.organization.managementAccountId ? ('management' as const) : ('member' as const),
  };
  // The caller's own account is audited with its own credentials: there may be no role to assume into it. No
  // `out` for either: the Organization's own progress line ("Audited 7/12 accounts") is the one shown.
  if (accountId === caller.accountId) return { audit: await auditAccount({ clients: ctx.clients, clock: ctx.clock }, { ...caller, organization }, checks, { ...run, target: '' }), clients: ctx.clients };
  const roleArn = arnsIn(caller.partition).role(accountId, roleName);
  let clients;
  try {
    // Assumed once up front, so that an account we cannot enter is reported at once; renewed when it runs out.
    const credentials = await assumeRole(ctx.clients.sts, { roleArn, sessionName: 'iam-bootstrap-audit', durationSeconds: 900 }, () => ctx.clock.now());
    clients = ctx.clientsFor(credentials, accountId);
  } catch (err) {
    // One unreachable account is an entry in the report, not the end of the audit.
    const audit: AccountAudit = { accountId, alias: null, error: `cannot assume ${roleArn}: ${explainFailure(err)}`, checks: [], summary: countStatuses([]) };
    return { audit, clients: ctx.clients };
  }
  const identity: AccountIdentity = { accountId, callerArn: roleArn, isRoot: false, partition: caller.partition, organization };
  return { audit: await auditAccount({ clients, clock: ctx.clock }, identity, checks, { ...run, target: memberTarget(accountId, roleName) }), clients };
}
