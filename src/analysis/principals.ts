/**
 * The account's principals as the evaluator sees them, built from GetAccountAuthorizationDetails alone (no call per
 * principal): each user with its own and its groups' policies, each group, each role with its trust policy, the
 * service principals it trusts and when it was last used. Pure.
 */
import type { GroupDetail, ManagedPolicyDetail, RoleDetail, UserDetail } from '../account/authorization-details.js';
import { decodePolicyDocument } from '../account/policy-document.js';
import { compilePolicy, isAdministrator, type CompiledPolicy, type PrincipalPolicies } from './policy-evaluator.js';

export interface AuthorizationDetails {
  users: UserDetail[];
  groups: GroupDetail[];
  roles: RoleDetail[];
  /** Managed policies with their versions: the account's own and the AWS managed ones attached here. */
  policies: ManagedPolicyDetail[];
}

export interface Principal {
  kind: 'user' | 'group' | 'role';
  name: string;
  arn: string;
  permissions: PrincipalPolicies;
  /** Administrator access as isAdministrator decides it: every action on every resource, nothing taken away. */
  admin: boolean;
  /** Managed policies attached to it, and for a user to its groups. */
  attachedPolicyArns: string[];
  /** A user's groups. */
  groups: string[];
}

export interface RolePrincipal extends Principal {
  kind: 'role';
  path: string;
  /** The trust policy, decoded. */
  trust: unknown;
  /** Service principals an Allow of sts:AssumeRole trusts ("lambda.amazonaws.com"), lower case. */
  trustedServices: string[];
  serviceLinked: boolean;
  hasInstanceProfile: boolean;
  lastUsed?: Date;
  created?: Date;
}

export interface PrincipalModel {
  accountId: string;
  partition: string;
  users: Principal[];
  groups: Principal[];
  roles: RolePrincipal[];
  /** Every customer managed policy (attached or not), compiled. */
  customerPolicies: { arn: string; name: string; attachments: number; policy: CompiledPolicy }[];
  /** Every inline policy, with the user, group or role that holds it. */
  inlinePolicies: { holder: Principal; name: string; policy: CompiledPolicy }[];
  /** Customer managed policy ARN → the principals it is attached to (ARNs). */
  customerPolicyHolders: Map<string, string[]>;
}

const SERVICE_LINKED_PATH = '/aws-service-role/';

/** Builds the model. Policies are compiled once however many principals share them. */
export function buildPrincipalModel(details: AuthorizationDetails, accountId: string, partition: string): PrincipalModel {
  const managed = new Map<string, CompiledPolicy>();
  const customer = new Set<string>();
  const customerPolicies: PrincipalModel['customerPolicies'] = [];
  for (const p of details.policies) {
    const doc = p.PolicyVersionList?.find((v) => v.IsDefaultVersion)?.Document;
    if (!p.Arn) continue;
    const name = p.PolicyName ?? p.Arn.split('/').pop() ?? p.Arn;
    const policy = compilePolicy(name, decodePolicyDocument(doc));
    managed.set(p.Arn, policy);
    if (!p.Arn.includes(':iam::aws:policy/')) {
      customer.add(p.Arn);
      customerPolicies.push({ arn: p.Arn, name, attachments: p.AttachmentCount ?? 0, policy });
    }
  }
  const inlinePolicies: PrincipalModel['inlinePolicies'] = [];
  const managedOf = (arns: string[]) => arns.map((a) => managed.get(a)).filter((p): p is CompiledPolicy => !!p);
  const inline = (owner: string, list: { PolicyName?: string; PolicyDocument?: string }[] | undefined) =>
    (list ?? []).map((p) => compilePolicy(`inline ${owner}/${p.PolicyName ?? ''}`, decodePolicyDocument(p.PolicyDocument)));
  const boundaryOf = (arn: string | undefined) => (arn ? (managed.get(arn) ?? compilePolicy(arn, undefined)) : undefined);
  const vars = (extra: Record<string, string> = {}) => ({ 'aws:principalaccount': accountId, ...extra });

  const groupPolicies = new Map<string, { attached: string[]; policies: CompiledPolicy[] }>();
  const groups: Principal[] = details.groups.map((g) => {
    const name = g.GroupName ?? '';
    const attached = (g.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? '');
    const own = inline(name, g.GroupPolicyList);
    const policies = [...managedOf(attached), ...own];
    groupPolicies.set(name, { attached, policies });
    const permissions = { policies, variables: vars() };
    const group: Principal = { kind: 'group', name, arn: g.Arn ?? '', permissions, admin: isAdministrator(permissions), attachedPolicyArns: attached, groups: [] };
    inlinePolicies.push(...own.map((policy, i) => ({ holder: group, name: g.GroupPolicyList?.[i]?.PolicyName ?? '', policy })));
    return group;
  });

  const users: Principal[] = details.users.map((u) => {
    const name = u.UserName ?? '';
    const own = (u.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? '');
    const memberOf = u.GroupList ?? [];
    const fromGroups = memberOf.map((g) => groupPolicies.get(g));
    const attached = [...own, ...fromGroups.flatMap((g) => g?.attached ?? [])];
    const ownInline = inline(name, u.UserPolicyList);
    const policies = [...managedOf(own), ...ownInline, ...fromGroups.flatMap((g) => g?.policies ?? [])];
    const boundary = boundaryOf(u.PermissionsBoundary?.PermissionsBoundaryArn);
    const permissions: PrincipalPolicies = { policies, ...(boundary ? { boundary } : {}), variables: vars({ 'aws:username': name, ...(u.UserId ? { 'aws:userid': u.UserId } : {}) }) };
    const user: Principal = { kind: 'user', name, arn: u.Arn ?? '', permissions, admin: isAdministrator(permissions), attachedPolicyArns: attached, groups: memberOf };
    inlinePolicies.push(...ownInline.map((policy, i) => ({ holder: user, name: u.UserPolicyList?.[i]?.PolicyName ?? '', policy })));
    return user;
  });

  const roles: RolePrincipal[] = details.roles.map((r) => {
    const name = r.RoleName ?? '';
    const attached = (r.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? '');
    const ownInline = inline(name, r.RolePolicyList);
    const policies = [...managedOf(attached), ...ownInline];
    const boundary = boundaryOf(r.PermissionsBoundary?.PermissionsBoundaryArn);
    const permissions: PrincipalPolicies = { policies, ...(boundary ? { boundary } : {}), variables: vars() };
    const trust = decodePolicyDocument(r.AssumeRolePolicyDocument);
    const path = r.Path ?? '/';
    const role: RolePrincipal = {
      kind: 'role',
      name,
      arn: r.Arn ?? '',
      path,
      permissions,
      admin: isAdministrator(permissions),
      attachedPolicyArns: attached,
      groups: [],
      trust,
      trustedServices: trustedServices(trust),
      serviceLinked: path.startsWith(SERVICE_LINKED_PATH),
      hasInstanceProfile: (r.InstanceProfileList ?? []).length > 0,
      ...(r.RoleLastUsed?.LastUsedDate ? { lastUsed: new Date(r.RoleLastUsed.LastUsedDate) } : {}),
      ...(r.CreateDate ? { created: new Date(r.CreateDate) } : {}),
    };
    inlinePolicies.push(...ownInline.map((policy, i) => ({ holder: role, name: r.RolePolicyList?.[i]?.PolicyName ?? '', policy })));
    return role;
  });

  const customerPolicyHolders = new Map<string, string[]>();
  for (const p of [...details.users.map((u) => ({ arn: u.Arn, list: u.AttachedManagedPolicies })), ...details.groups.map((g) => ({ arn: g.Arn, list: g.AttachedManagedPolicies })), ...details.roles.map((r) => ({ arn: r.Arn, list: r.AttachedManagedPolicies }))]) {
    for (const a of p.list ?? []) {
      if (!a.PolicyArn || !customer.has(a.PolicyArn)) continue;
      const holders = customerPolicyHolders.get(a.PolicyArn) ?? [];
      holders.push(p.arn ?? '');
      customerPolicyHolders.set(a.PolicyArn, holders);
    }
  }
  return { accountId, partition, users, groups, roles, customerPolicies, inlinePolicies, customerPolicyHolders };
}

export interface TrustStatement {
  Effect?: string;
  Action?: unknown;
  NotAction?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of a trust policy. */
export function trustStatements(trust: unknown): TrustStatement[] {
  const raw = (trust as { Statement?: unknown } | undefined)?.Statement;
  return ((Array.isArray(raw) ? raw : raw ? [raw] : []) as TrustStatement[]).filter((s) => s && typeof s === 'object');
}

const list = (v: unknown): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String));

/** Does the statement's Action cover sts:AssumeRole? */
export function coversAssumeRole(st: TrustStatement): boolean {
  if (st.Action === undefined) return false;
  return list(st.Action).some((a) => ['sts:assumerole', 'sts:*', '*'].includes(a.toLowerCase()));
}

/** Principal.<key> values of a statement ("AWS", "Service", "Federated"). */
export function principalValues(st: TrustStatement, key: 'AWS' | 'Service' | 'Federated'): string[] {
  if (st.Principal === '*') return key === 'AWS' ? ['*'] : [];
  return list((st.Principal as Record<string, unknown> | undefined)?.[key]);
}

function trustedServices(trust: unknown): string[] {
  return [
    ...new Set(
      trustStatements(trust)
        .filter((st) => st.Effect === 'Allow' && coversAssumeRole(st))
        .flatMap((st) => principalValues(st, 'Service').map((s) => s.toLowerCase())),
    ),
  ];
}
