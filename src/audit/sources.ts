/**
 * Everything audit reads from one account, each fetched at most once and only when a selected check needs it.
 * Independent reads run concurrently; per-user and per-group reads are bounded.
 */
import {
  GetAccountAuthorizationDetailsCommand,
  GetAccountSummaryCommand,
  ListEntitiesForPolicyCommand,
  ListOrganizationsFeaturesCommand,
  ListServerCertificatesCommand,
  type EntityType,
  type GetAccountAuthorizationDetailsCommandOutput,
  type Policy,
  type ServerCertificateMetadata,
  type User,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { setMaxListeners } from 'node:events';
import { withAbortSignal } from '../aws/clients.js';
import { allPages } from '../aws/pagination.js';
import type { Context } from '../context.js';
import { isAwsError } from '../errors.js';
import { mapConcurrent } from '../lib/concurrency.js';
import type { PasswordPolicy } from '../lib/password-policy.js';
import { currentAlias } from '../steps/account-alias.js';
import { enabledRegions, externalAccessAnalyzers } from '../steps/access-analyzer.js';
import { hasLoginProfile } from '../steps/console-access.js';
import { securityContact, type SecurityContact } from '../steps/security-contact.js';
import { userMfaSerials, virtualDevices } from '../steps/mfa.js';
import { currentPasswordPolicy } from '../steps/password-policy.js';
import type { AccountIdentity } from '../steps/types.js';
import { fetchCredentialReport, type CredentialReport } from './credential-report.js';

export const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
export const SUPPORT_ACCESS = 'arn:aws:iam::aws:policy/AWSSupportAccess';
/** Per-user and per-group reads in flight at once: fast, and well under IAM's throttling. */
const PER_ENTITY_CONCURRENCY = 8;

export interface UserPermissions {
  user: User;
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

export interface CustomerPolicy {
  policy: Policy;
  allowsEverything: boolean;
}

export interface AuditSources {
  readonly account: AccountIdentity;
  summary(): Promise<Record<string, number>>;
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
  policyEntities(policyArn: string): Promise<{ users: string[]; groups: string[]; roles: string[] }>;
  /** Every role with its trust policy (decoded). */
  roles(): Promise<{ name: string; arn: string; trust: unknown }[]>;
  /**
   * Abandons every read still outstanding (one a failed check no longer waits for) and resolves once none is
   * running, so that the audit's result is printed with an exact call count and the process exits at once.
   */
  close(): Promise<void>;
}

/**
 * A policy document as IAM returns it, parsed; undefined when absent or unreadable. IAM URL-encodes documents;
 * one that is already plain JSON (as some emulators and proxies return it) is read as it is.
 */
export function parsePolicyDocument(document: string | undefined): unknown {
  if (!document) return undefined;
  try {
    return JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document));
  } catch {
    return undefined;
  }
}

/** Does a policy document contain an Allow of Action "*" on Resource "*" (CIS 1.16)? */
export function allowsEverything(document: string | undefined): boolean {
  const doc = parsePolicyDocument(document) as { Statement?: unknown } | undefined;
  if (!doc) return false;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const has = (v: unknown) => v === '*' || (Array.isArray(v) && v.includes('*'));
  return statements.some((s) => {
    const st = s as { Effect?: string; Action?: unknown; Resource?: unknown };
    return st?.Effect === 'Allow' && has(st.Action) && has(st.Resource);
  });
}

export function createAuditSources(outer: Pick<Context, 'clients' | 'clock'>, account: AccountIdentity): AuditSources {
  const abandon = new AbortController();
  // Every read in flight listens on this one signal; more than Node's default of 10 is expected, not a leak.
  setMaxListeners(Infinity, abandon.signal);
  const started: Promise<unknown>[] = [];
  const ctx = { ...outer, clients: withAbortSignal(outer.clients, abandon.signal) };
  const { iam } = ctx.clients;

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

  /**
   * One entity type of GetAccountAuthorizationDetails, every page (up to 1,000 entities a page): users with their
   * groups and policies, groups, roles with their trust, customer policies with their documents. The number of
   * calls grows with pages, not with users; and each type is its own read, so a check that needs only roles
   * never fetches users.
   */
  function authorizationDetails<T>(filter: EntityType, pick: (page: GetAccountAuthorizationDetailsCommandOutput) => T[]): () => Promise<T[]> {
    return once(() =>
      allPages(async (Marker) => {
        const page = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: [filter], MaxItems: 1000, Marker }));
        return { items: pick(page), next: page.IsTruncated ? page.Marker : undefined };
      }),
    );
  }
  const userDetails = authorizationDetails('User', (p) => p.UserDetailList ?? []);
  const groupDetails = authorizationDetails('Group', (p) => p.GroupDetailList ?? []);
  const roleDetails = authorizationDetails('Role', (p) => p.RoleDetailList ?? []);
  const localPolicyDetails = authorizationDetails('LocalManagedPolicy', (p) => p.Policies ?? []);

  const customerPolicies = once(async () =>
    (await localPolicyDetails()).map((p) => ({
      // The name is the ARN's last segment (policy/<path>/<name>) when an answer leaves PolicyName out.
      policy: { PolicyName: p.PolicyName ?? p.Arn?.split('/').pop(), Arn: p.Arn, AttachmentCount: p.AttachmentCount, DefaultVersionId: p.DefaultVersionId } as Policy,
      allowsEverything: allowsEverything(p.PolicyVersionList?.find((v) => v.IsDefaultVersion)?.Document),
    })),
  );

  /** ARNs of managed policies that grant everything: AdministratorAccess and any customer policy allowing * on *. */
  const adminPolicyArns = once(async () => {
    const custom = (await customerPolicies()).filter((p) => p.allowsEverything).map((p) => p.policy.Arn ?? '');
    return new Set([ADMINISTRATOR_ACCESS, ...custom]);
  });

  const groupsGrantingAdmin = once(async () => {
    const [groups, adminArns] = await Promise.all([groupDetails(), adminPolicyArns()]);
    const admin = groups.filter(
      (g) =>
        (g.AttachedManagedPolicies ?? []).some((p) => adminArns.has(p.PolicyArn ?? '')) ||
        (g.GroupPolicyList ?? []).some((p) => allowsEverything(p.PolicyDocument)),
    );
    return new Set(admin.map((g) => g.GroupName ?? ''));
  });

  const userList = once(async () => (await userDetails()) as User[]);
  const credentialReport = once(() => fetchCredentialReport(ctx, abandon.signal));
  const entitiesByPolicy = new Map<string, () => Promise<{ users: string[]; groups: string[]; roles: string[] }>>();

  const users = once(async () => {
    const [details, adminArns, adminGroups] = await Promise.all([userDetails(), adminPolicyArns(), groupsGrantingAdmin()]);
    return details.map((d): UserPermissions => {
      const attached = (d.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? '');
      const inline = d.UserPolicyList ?? [];
      const groups = d.GroupList ?? [];
      const isAdmin =
        attached.some((arn) => adminArns.has(arn)) ||
        groups.some((g) => adminGroups.has(g)) ||
        inline.some((p) => allowsEverything(p.PolicyDocument));
      return { user: d as User, attached, inline: inline.map((p) => p.PolicyName ?? ''), groups, isAdmin };
    });
  });

  return {
    account,
    summary: once(async () => {
      const r = await iam.send(new GetAccountSummaryCommand({}));
      return (r.SummaryMap ?? {}) as Record<string, number>;
    }),
    credentialReport,
    alias: once(() => currentAlias(ctx)),
    passwordPolicy: once(() => currentPasswordPolicy(ctx)),
    assignedVirtualMfa: once(() => virtualDevices(ctx, 'Assigned')),
    users,
    customerPolicies,
    supportRoles: once(async () => {
      const roles = await allPages(async (Marker) => {
        const r = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: SUPPORT_ACCESS, EntityFilter: 'Role', Marker }));
        return { items: r.PolicyRoles ?? [], next: r.IsTruncated ? r.Marker : undefined };
      });
      return roles.map((r) => r.RoleName ?? '');
    }),
    serverCertificates: once(() =>
      allPages(async (Marker) => {
        const r = await iam.send(new ListServerCertificatesCommand({ Marker }));
        return { items: r.ServerCertificateMetadataList ?? [], next: r.IsTruncated ? r.Marker : undefined };
      }),
    ),
    organizationsFeatures: once(async () => {
      try {
        const r = await iam.send(new ListOrganizationsFeaturesCommand({}));
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
    }),
    usersNewerThanReport: once(async () => {
      const [list, report] = await Promise.all([userList(), credentialReport()]);
      const inReport = new Set(report.users.map((r) => r.user));
      const newer = list.filter((u) => u.UserName && !inReport.has(u.UserName));
      return mapConcurrent(newer, PER_ENTITY_CONCURRENCY, async (u): Promise<NewUser> => {
        const name = u.UserName ?? '';
        const [hasPassword, mfa] = await Promise.all([hasLoginProfile(ctx, name), userMfaSerials(ctx, name)]);
        return { name, arn: u.Arn ?? '', hasPassword, mfa: mfa.length > 0 };
      });
    }),
    securityContact: once(() => securityContact(ctx)),
    analyzerCoverage: once(async () => {
      const regions = await enabledRegions(ctx);
      return mapConcurrent(regions, regions.length, async (region) => ({
        region,
        active: (await externalAccessAnalyzers(ctx, region)).some((a) => a.status === 'ACTIVE'),
      }));
    }),
    policyEntities: (policyArn) => {
      let loaded = entitiesByPolicy.get(policyArn);
      if (!loaded) {
        loaded = once(async () => {
          const pages = await allPages(async (Marker) => {
            const r = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn, Marker }));
            return { items: [r], next: r.IsTruncated ? r.Marker : undefined };
          });
          return {
            users: pages.flatMap((p) => (p.PolicyUsers ?? []).map((u) => u.UserName ?? '')),
            groups: pages.flatMap((p) => (p.PolicyGroups ?? []).map((g) => g.GroupName ?? '')),
            roles: pages.flatMap((p) => (p.PolicyRoles ?? []).map((r) => r.RoleName ?? '')),
          };
        });
        entitiesByPolicy.set(policyArn, loaded);
      }
      return loaded();
    },
    roles: once(async () =>
      (await roleDetails()).map((r) => ({ name: r.RoleName ?? '', arn: r.Arn ?? '', trust: parsePolicyDocument(r.AssumeRolePolicyDocument) })),
    ),
    async close() {
      abandon.abort(new Error('the audit result is known'));
      await Promise.allSettled(started);
    },
  };
}
