/**
 * Everything audit reads from one account, each fetched at most once and only when a selected check needs it.
 * Independent reads run concurrently; per-user and per-group reads are bounded.
 */
import type { FindingSummary } from '@aws-sdk/client-accessanalyzer';
import type { Trail } from '@aws-sdk/client-cloudtrail';
import type { ServerCertificateMetadata, VirtualMFADevice } from '@aws-sdk/client-iam';
import { setMaxListeners } from 'node:events';
import { currentAlias } from '../account/alias.js';
import { activeFindings, externalAccessAnalyzers } from '../account/analyzers.js';
import { arnsIn, MANAGED_POLICY } from '../account/arns.js';
import { attachedAwsManagedPolicies, customerPolicyDetails, groupDetails, roleDetails, userDetails, type UserDetail } from '../account/authorization-details.js';
import { alternateContacts, primaryContact, securityContact, type AlternateContactType, type SecurityContact } from '../account/contacts.js';
import { fetchCredentialReport, type CredentialReport } from '../account/credential-report.js';
import type { AccountIdentity } from '../account/identity.js';
import { accountAssignments, grantsAdministrator, organizationInstance, permissionSetPolicies, permissionSets } from '../account/identity-center.js';
import { guardrailCoverage, isActiveAccount, organizationAccounts, rootAccessFeatures, type GuardrailCoverage } from '../account/organization.js';
import { currentPasswordPolicy } from '../account/password-policy.js';
import { policyEntities, serverCertificates, type PolicyEntities } from '../account/policies.js';
import { allowsEverything, decodePolicyDocument } from '../account/policy-document.js';
import { enabledRegions } from '../account/regions.js';
import { budgetsOf, notificationsOf, subscribersOf } from '../account/budgets.js';
import { isLogging, trailsSeenIn } from '../account/cloudtrail.js';
import { ebsEncryptionByDefault, imageBlockPublicAccess, instanceMetadataDefaults, snapshotBlockPublicAccess, type MetadataDefaults } from '../account/ec2-defaults.js';
import { guardDutyEnabled } from '../account/guardduty.js';
import { accountPublicAccessBlock, type PublicAccessBlock } from '../account/s3-public-access.js';
import { readAccountSummary, type AccountSummary } from '../account/root.js';
import { auditRootUser, type RootUserState } from '../account/root-credentials.js';
import { hasLoginProfile, userMfaSerials, virtualMfaDevices } from '../account/users.js';
import { escalationPaths, type PrincipalEscalation } from '../analysis/escalation.js';
import { buildPrincipalModel, type PrincipalModel } from '../analysis/principals.js';
import { withAbortSignal, type AwsClients } from '../aws/clients.js';
import type { FixContext } from '../checks/fix.js';
import type { Context } from '../context.js';
import { mapConcurrent } from '../lib/concurrency.js';
import type { PasswordPolicy } from '../lib/password-policy.js';

/** Per-user reads in flight at once: fast, and well under IAM's throttling. */
const PER_ENTITY_CONCURRENCY = 8;
/** Regions read at once: each region is its own endpoint and its own throttling budget. */
const REGION_CONCURRENCY = 17;

export interface UserPermissions {
  user: UserDetail;
  attached: string[];
  inline: string[];
  groups: string[];
  /** Administrator access directly, through a group, or through a policy allowing * on *. */
  isAdmin: boolean;
}

export interface NewUser {
  name: string;
  arn: string;
  hasPassword: boolean;
  mfa: boolean;
}

export interface RoleInfo {
  name: string;
  arn: string;
  path: string;
  /** The trust policy, decoded. */
  trust: unknown;
  /** Administrator access: AdministratorAccess, or a managed or inline policy allowing * on *. */
  isAdmin: boolean;
}

export interface CustomerPolicy {
  name: string;
  arn: string;
  attachmentCount: number;
  allowsEverything: boolean;
}

/** Who has an administrator permission set on each account of the Organization, through Identity Center. */
export type IdentityCenterCoverage =
  | { skip: string }
  | {
      instanceArn: string;
      /** The names of the permission sets that grant administrator access. */
      adminSets: string[];
      /** Each ACTIVE account, and how many groups or users have an administrator set on it. */
      accounts: { id: string; name: string; administrators: number }[];
    };

/** One value per enabled region, in region order. */
export type ByRegion<T> = { region: string; value: T }[];

export interface AuditSources {
  readonly account: AccountIdentity;
  /** Where a fix acts: the account, and the --account flags that reach it from where the audit runs. */
  readonly fix: FixContext;
  summary(): Promise<AccountSummary>;
  credentialReport(): Promise<CredentialReport>;
  alias(): Promise<string | undefined>;
  passwordPolicy(): Promise<PasswordPolicy | undefined>;
  assignedVirtualMfa(): Promise<VirtualMFADevice[]>;
  users(): Promise<UserPermissions[]>;
  customerPolicies(): Promise<CustomerPolicy[]>;
  supportRoles(): Promise<string[]>;
  serverCertificates(): Promise<ServerCertificateMetadata[]>;
  /** The enabled features, or why the Organization cannot have them yet (that error *is* the answer). */
  organizationsFeatures(): Promise<{ enabled: string[] } | { notEnabled: string }>;
  /**
   * Users absent from the credential report (created after it was generated), with their console password and MFA
   * read directly, so that no check says "no MFA" of a user it simply has no report row for.
   */
  usersNewerThanReport(): Promise<NewUser[]>;
  /** The SECURITY alternate contact, or undefined when there is none. */
  securityContact(): Promise<SecurityContact | undefined>;
  /** Each enabled region, and whether it has an ACTIVE external-access analyzer. */
  analyzerCoverage(): Promise<{ region: string; active: boolean }[]>;
  /** The users, groups and roles a managed policy is attached to. */
  policyEntities(policyArn: string): Promise<PolicyEntities>;
  /** Every role with its trust policy (decoded) and whether it has administrator access. */
  roles(): Promise<RoleInfo[]>;
  /** Identity Center's administrator assignments per account (management account with an organization instance). */
  identityCenterCoverage(): Promise<IdentityCenterCoverage>;
  /** Every user, group and role with its effective identity permissions (authorization details; no call per principal). */
  principalModel(): Promise<PrincipalModel>;
  /** The non-administrators that can make themselves administrators, with their paths. */
  escalation(): Promise<PrincipalEscalation[]>;
  /** The ids of every account of the Organization (management account only). */
  organizationAccountIds(): Promise<string[]>;
  /** The primary contact's fields, or undefined when there is none. */
  primaryContact(): Promise<Record<string, string | undefined> | undefined>;
  /** The BILLING, OPERATIONS and SECURITY alternate contacts. */
  alternateContacts(): Promise<Record<AlternateContactType, SecurityContact | undefined>>;
  /** Per enabled region: the ACTIVE findings of its external-access analyzer, or none (no analyzer there). */
  accessFindings(): Promise<{ region: string; findings?: FindingSummary[] }[]>;
  /** Service control policies per account (management account only). */
  guardrails(): Promise<GuardrailCoverage>;
  /**
   * The root user read in a root session (audit --org from a management account with root sessions on), or
   * undefined outside that setup; `unavailable` says why a session that should have worked did not.
   */
  rootUser(): Promise<RootUserState | { unavailable: string } | undefined>;
  /** The account-level S3 Block Public Access, setting by setting. */
  s3AccountBlock(): Promise<PublicAccessBlock>;
  /** Per enabled region: whether new EBS volumes are encrypted. */
  ebsEncryption(): Promise<ByRegion<boolean>>;
  /** Per enabled region: the snapshot Block Public Access state (unblocked, block-new-sharing, block-all-sharing). */
  snapshotBlock(): Promise<ByRegion<string>>;
  /** Per enabled region: the AMI Block Public Access state (unblocked, block-new-sharing). */
  imageBlock(): Promise<ByRegion<string>>;
  /** Per enabled region: the instance metadata defaults. */
  metadataDefaults(): Promise<ByRegion<MetadataDefaults>>;
  /** Per enabled region: whether an ENABLED GuardDuty detector is there. */
  guardDuty(): Promise<ByRegion<boolean>>;
  /** The cost budgets, and for each whether one of its notifications emails or messages someone. */
  budgetAlerts(): Promise<{ name: string; notifies: boolean }[]>;
  /** The trails seen from the tool's region (multi-region ones from every home region), with whether each is logging. */
  trails(): Promise<{ trail: Trail; logging?: boolean }[]>;
  /**
   * Abandons every read still outstanding (one a failed check no longer waits for) and resolves once none is
   * running, so that the audit's result is printed with an exact call count and the process exits at once.
   */
  close(): Promise<void>;
}

export function createAuditSources(
  outer: Pick<Context, 'clients' | 'clock'> & { progress?: (text: string | undefined) => void },
  account: AccountIdentity,
  target = '',
  /** Opens a root session in this account (IAMAuditRootUserCredentials), where centralized root access allows one. */
  rootSession?: () => Promise<AwsClients>,
): AuditSources {
  const abandon = new AbortController();
  // Every read in flight listens on this one signal; more than Node's default of 10 is expected, not a leak.
  setMaxListeners(Infinity, abandon.signal);
  const started: Promise<unknown>[] = [];
  const ctx = { ...outer, clients: withAbortSignal(outer.clients, abandon.signal) };

  /** Memoised: loaded on the first call only, and remembered so that close() can wait for it. */
  function once<T>(load: () => Promise<T>): () => Promise<T> {
    let promise: Promise<T> | undefined;
    return () => {
      if (!promise) {
        promise = load();
        started.push(promise);
      }
      return promise;
    };
  }

  const userDetailList = once(() => userDetails(ctx));
  const groupDetailList = once(() => groupDetails(ctx));
  const roleDetailList = once(() => roleDetails(ctx));
  const customerPolicyDetailList = once(() => customerPolicyDetails(ctx));
  const principalModel = once(async () => {
    const [users, groups, roles, customer, aws] = await Promise.all([userDetailList(), groupDetailList(), roleDetailList(), customerPolicyDetailList(), attachedAwsManagedPolicies(ctx)]);
    return buildPrincipalModel({ users, groups, roles, policies: [...customer, ...aws] }, account.accountId, account.partition);
  });
  const arns = arnsIn(account.partition);

  const customerPolicies = once(async () =>
    (await customerPolicyDetailList()).map(
      (p): CustomerPolicy => ({
        // The name is the ARN's last segment (policy/<path>/<name>) when an answer leaves PolicyName out.
        name: p.PolicyName ?? p.Arn?.split('/').pop() ?? '',
        arn: p.Arn ?? '',
        attachmentCount: p.AttachmentCount ?? 0,
        allowsEverything: allowsEverything(p.PolicyVersionList?.find((v) => v.IsDefaultVersion)?.Document),
      }),
    ),
  );

  /** ARNs of managed policies that grant everything: AdministratorAccess and any customer policy allowing * on *. */
  const adminPolicyArns = once(async () => {
    const custom = (await customerPolicies()).filter((p) => p.allowsEverything).map((p) => p.arn);
    return new Set([arns.awsManagedPolicy(MANAGED_POLICY.administratorAccess), ...custom]);
  });

  const groupsGrantingAdmin = once(async () => {
    const [groups, adminArns] = await Promise.all([groupDetailList(), adminPolicyArns()]);
    const admin = groups.filter(
      (g) =>
        (g.AttachedManagedPolicies ?? []).some((p) => adminArns.has(p.PolicyArn ?? '')) ||
        (g.GroupPolicyList ?? []).some((p) => allowsEverything(p.PolicyDocument)),
    );
    return new Set(admin.map((g) => g.GroupName ?? ''));
  });

  const regions = once(() => enabledRegions(ctx));
  /** Each enabled region's external-access analyzers: read once for the analyzer check and the findings check. */
  const analyzersByRegion = once(async () =>
    mapConcurrent(await regions(), REGION_CONCURRENCY, async (region) => ({ region, analyzers: await externalAccessAnalyzers(ctx, region) })),
  );
  /** A read made in every enabled region at once (each region is one call deep unless `read` says otherwise). */
  const inEveryRegion = <T>(read: (region: string) => Promise<T>) =>
    once(async (): Promise<ByRegion<T>> => mapConcurrent(await regions(), REGION_CONCURRENCY, async (region) => ({ region, value: await read(region) })));

  const securityContactOnce = once(() => securityContact(ctx));

  const credentialReport = once(() => fetchCredentialReport(ctx, abandon.signal, outer.progress));
  const entitiesByPolicy = new Map<string, () => Promise<PolicyEntities>>();

  const users = once(async () => {
    const [details, adminArns, adminGroups] = await Promise.all([userDetailList(), adminPolicyArns(), groupsGrantingAdmin()]);
    return details.map((d): UserPermissions => {
      const attached = (d.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? '');
      const inline = d.UserPolicyList ?? [];
      const groups = d.GroupList ?? [];
      const isAdmin =
        attached.some((arn) => adminArns.has(arn)) ||
        groups.some((g) => adminGroups.has(g)) ||
        inline.some((p) => allowsEverything(p.PolicyDocument));
      return { user: d, attached, inline: inline.map((p) => p.PolicyName ?? ''), groups, isAdmin };
    });
  });

  return {
    account,
    fix: { accountId: account.accountId, partition: account.partition, target },
    summary: once(() => readAccountSummary(ctx)),
    credentialReport,
    alias: once(() => currentAlias(ctx)),
    passwordPolicy: once(() => currentPasswordPolicy(ctx)),
    assignedVirtualMfa: once(() => virtualMfaDevices(ctx, 'Assigned')),
    users,
    customerPolicies,
    supportRoles: once(async () => (await policyEntities(ctx, arns.awsManagedPolicy(MANAGED_POLICY.supportAccess), 'Role')).roles),
    serverCertificates: once(() => serverCertificates(ctx)),
    organizationsFeatures: once(() => rootAccessFeatures(ctx)),
    usersNewerThanReport: once(async () => {
      const [list, report] = await Promise.all([userDetailList(), credentialReport()]);
      const inReport = new Set(report.users.map((r) => r.user));
      const newer = list.filter((u) => u.UserName && !inReport.has(u.UserName));
      return mapConcurrent(newer, PER_ENTITY_CONCURRENCY, async (u): Promise<NewUser> => {
        const name = u.UserName ?? '';
        const [hasPassword, mfa] = await Promise.all([hasLoginProfile(ctx, name), userMfaSerials(ctx, name)]);
        return { name, arn: u.Arn ?? '', hasPassword, mfa: mfa.length > 0 };
      });
    }),
    securityContact: securityContactOnce,
    analyzerCoverage: once(async () => (await analyzersByRegion()).map(({ region, analyzers }) => ({ region, active: analyzers.some((a) => a.status === 'ACTIVE') }))),
    policyEntities: (policyArn) => {
      let loaded = entitiesByPolicy.get(policyArn);
      if (!loaded) {
        loaded = once(() => policyEntities(ctx, policyArn));
        entitiesByPolicy.set(policyArn, loaded);
      }
      return loaded();
    },
    roles: once(async () => {
      const [details, adminArns] = await Promise.all([roleDetailList(), adminPolicyArns()]);
      return details.map(
        (r): RoleInfo => ({
          name: r.RoleName ?? '',
          arn: r.Arn ?? '',
          path: r.Path ?? '/',
          trust: decodePolicyDocument(r.AssumeRolePolicyDocument),
          isAdmin:
            (r.AttachedManagedPolicies ?? []).some((p) => adminArns.has(p.PolicyArn ?? '')) ||
            (r.RolePolicyList ?? []).some((p) => allowsEverything(p.PolicyDocument)),
        }),
      );
    }),
    identityCenterCoverage: once(() => readIdentityCenterCoverage(ctx, account)),
    principalModel,
    escalation: once(async () => escalationPaths(await principalModel())),
    primaryContact: once(() => primaryContact(ctx)),
    // SECURITY is the security-contact check's read: asked once whichever check asks first.
    alternateContacts: once(async () => {
      const [others, security] = await Promise.all([alternateContacts(ctx, ['BILLING', 'OPERATIONS'] as const), securityContactOnce()]);
      return { ...others, SECURITY: security };
    }),
    accessFindings: once(async () =>
      mapConcurrent(await analyzersByRegion(), REGION_CONCURRENCY, async ({ region, analyzers }) => {
        const analyzer = analyzers.find((a) => a.status === 'ACTIVE');
        return analyzer?.arn ? { region, findings: await activeFindings(ctx, region, analyzer.arn) } : { region };
      }),
    ),
    guardrails: once(() => guardrailCoverage(ctx)),
    rootUser: once(async () => {
      if (!rootSession) return undefined;
      let clients: AwsClients;
      try {
        clients = withAbortSignal(await rootSession(), abandon.signal);
      } catch (err) {
        return { unavailable: `sts:AssumeRoot failed: ${(err as Error).message.split('\n')[0]}` };
      }
      return auditRootUser(clients);
    }),
    organizationAccountIds: once(async () => (await organizationAccounts(ctx)).map((a) => a.Id ?? '').filter(Boolean)),
    s3AccountBlock: once(() => accountPublicAccessBlock(ctx, account.accountId)),
    ebsEncryption: inEveryRegion((region) => ebsEncryptionByDefault(ctx, region)),
    snapshotBlock: inEveryRegion((region) => snapshotBlockPublicAccess(ctx, region)),
    imageBlock: inEveryRegion((region) => imageBlockPublicAccess(ctx, region)),
    metadataDefaults: inEveryRegion((region) => instanceMetadataDefaults(ctx, region)),
    guardDuty: inEveryRegion((region) => guardDutyEnabled(ctx, region)),
    budgetAlerts: once(() => readBudgetAlerts(ctx, account.accountId)),
    trails: once(async () => {
      const trails = await trailsSeenIn(ctx, ctx.clients.region);
      // Only a multi-region trail can pass; its status is the one read that matters.
      return Promise.all(trails.map(async (trail) => (trail.IsMultiRegionTrail ? { trail, logging: await isLogging(ctx, trail, ctx.clients.region) } : { trail })));
    }),
    async close() {
      abandon.abort(new Error('the audit result is known'));
      await Promise.allSettled(started);
    },
  };
}

/**
 * Each cost budget, and whether one of its notifications has a subscriber. The reads stop at the first budget that
 * notifies someone: that is all the check needs to know.
 */
async function readBudgetAlerts(ctx: Pick<Context, 'clients'>, accountId: string): Promise<{ name: string; notifies: boolean }[]> {
  const budgets = (await budgetsOf(ctx, accountId)).filter((b) => b.BudgetType === 'COST');
  const judged: { name: string; notifies: boolean }[] = [];
  for (const b of budgets) {
    const name = b.BudgetName ?? '';
    let notifies = false;
    for (const n of await notificationsOf(ctx, accountId, name)) {
      if ((await subscribersOf(ctx, accountId, name, n)).length) {
        notifies = true;
        break;
      }
    }
    judged.push({ name, notifies });
    if (notifies) break;
  }
  return judged;
}

/** Assignments read at once: Identity Center's read rate is well above this. */
const ASSIGNMENT_READ_CONCURRENCY = 8;

async function readIdentityCenterCoverage(ctx: Pick<Context, 'clients'>, account: AccountIdentity): Promise<IdentityCenterCoverage> {
  const { organization } = account;
  if (organization.role === 'none') return { skip: 'not in an AWS Organization: Identity Center grants access to AWS accounts through an organization instance only' };
  if (organization.role === 'unknown') return { skip: 'the Organization could not be read (organizations:DescribeOrganization denied)' };
  if (organization.role === 'member') {
    return { skip: `a member account: Identity Center's assignments are read in the management account ${organization.managementAccountId ?? ''}`.trimEnd() };
  }
  const found = await organizationInstance(ctx, organization);
  if ('absent' in found) return { skip: found.absent };
  const { instanceArn } = found.instance;
  const [sets, accounts] = await Promise.all([permissionSets(ctx, instanceArn), organizationAccounts(ctx)]);
  const judged = await mapConcurrent(sets, PER_ENTITY_CONCURRENCY, async (set) => ({
    set,
    admin: grantsAdministrator(await permissionSetPolicies(ctx, instanceArn, set.arn), account.partition),
  }));
  const adminSets = judged.filter((j) => j.admin).map((j) => j.set);
  const active = accounts.filter(isActiveAccount);
  const pairs = active.flatMap((a) => adminSets.map((set) => ({ account: a.Id ?? '', set })));
  const counts = await mapConcurrent(pairs, ASSIGNMENT_READ_CONCURRENCY, async (p) => (await accountAssignments(ctx, instanceArn, p.account, p.set.arn)).length);
  return {
    instanceArn,
    adminSets: adminSets.map((s) => s.name),
    accounts: active.map((a) => ({
      id: a.Id ?? '',
      name: a.Name ?? '',
      administrators: pairs.reduce((n, p, i) => (p.account === a.Id ? n + (counts[i] ?? 0) : n), 0),
    })),
  };
}
