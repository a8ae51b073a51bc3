/**
 * Who administers the account besides root. AWS's guidance for people is federation with temporary credentials
 * (IAM Identity Center, an identity provider) and, in an Organization, access from the management account; an
 * IAM user with MFA is the standalone account's way. Any of these is a path; root alone is the finding.
 */
import type { OrganizationMembership } from '../account/identity.js';
import type { RoleInfo } from '../audit/sources.js';

/** How people reach an administrator role, or why a role with administrator access is not counted. */
export type RolePath =
  | { kind: 'identity-center'; permissionSet: string }
  | { kind: 'identity-provider'; provider: string; protocol: 'SAML' | 'OIDC' }
  /** accounts: ids, or "*" for any account of the Organization. */
  | { kind: 'organization'; accounts: string[] }
  | { kind: 'not-a-person-path'; why: string };

interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

function statementsOf(trust: unknown): Statement[] {
  const raw = (trust as { Statement?: unknown } | undefined)?.Statement;
  return (Array.isArray(raw) ? raw : [raw]).filter((s): s is Statement => Boolean(s) && typeof s === 'object');
}

/** The account an AWS principal belongs to: a 12-digit id, or an ARN's account field. */
function accountOfPrincipal(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/** Condition values a key must match (case-insensitive key, any operator that is not *IfExists). */
function conditionValues(condition: Statement['Condition'], key: string): string[] {
  return Object.entries(condition ?? {}).flatMap(([operator, block]) =>
    /IfExists$/.test(operator) ? [] : Object.entries(block ?? {}).filter(([k]) => k.toLowerCase() === key).flatMap(([, v]) => asList(v)),
  );
}

/** "AWSReservedSSO_AdministratorAccess_0123abcd" → "AdministratorAccess". */
function permissionSetOf(roleName: string): string {
  return /^AWSReservedSSO_(.+)_[0-9a-f]+$/.exec(roleName)?.[1] ?? roleName;
}

/**
 * How people reach `role`, read from its name, path and trust policy. Identity Center's roles live under
 * /aws-reserved/sso.amazonaws.com/ as AWSReservedSSO_<permission set>_<hash>; an identity provider is a
 * Federated principal (saml-provider/…, oidc-provider/…); another account of the Organization is the management
 * account, or any account when the trust requires aws:PrincipalOrgID of this Organization.
 */
export function rolePath(role: Pick<RoleInfo, 'name' | 'path' | 'trust'>, accountId: string, organization: OrganizationMembership): RolePath {
  if (role.path.startsWith('/aws-reserved/sso.amazonaws.com/') || role.name.startsWith('AWSReservedSSO_')) {
    return { kind: 'identity-center', permissionSet: permissionSetOf(role.name) };
  }
  const allows = statementsOf(role.trust).filter((s) => s.Effect === 'Allow');
  for (const s of allows) {
    const federated = asList((s.Principal as { Federated?: unknown } | undefined)?.Federated);
    const provider = federated.map((f) => /:(saml|oidc)-provider\/(.+)$/.exec(f)).find(Boolean);
    if (provider) return { kind: 'identity-provider', provider: provider[2] ?? '', protocol: provider[1] === 'saml' ? 'SAML' : 'OIDC' };
  }
  const orgAccounts = new Set<string>();
  const outside = new Set<string>();
  for (const s of allows) {
    const principals = s.Principal === '*' ? ['*'] : asList((s.Principal as { AWS?: unknown } | undefined)?.AWS);
    const inOrganization = organization.id !== undefined && conditionValues(s.Condition, 'aws:principalorgid').includes(organization.id);
    for (const p of principals) {
      const account = p === '*' ? '*' : accountOfPrincipal(p);
      if (!account || account === accountId) continue;
      if (inOrganization || account === organization.managementAccountId) orgAccounts.add(account);
      else outside.add(account);
    }
  }
  if (orgAccounts.size) return { kind: 'organization', accounts: [...orgAccounts] };
  if (outside.size) return { kind: 'not-a-person-path', why: `trusts ${[...outside].join(', ')}, not shown to be in this account's Organization` };
  return { kind: 'not-a-person-path', why: 'trusted by services or this account\'s own principals only' };
}

function accountPhrase(account: string, organization: OrganizationMembership): string {
  if (account === '*') return `any account of the Organization ${organization.id}`;
  if (account === organization.managementAccountId) return `the management account ${account}`;
  return `account ${account} of the Organization`;
}

/** How a path reads in the check's detail. */
export function describeRolePath(role: string, path: RolePath, organization: OrganizationMembership): string {
  switch (path.kind) {
    case 'identity-center':
      return `${role} (IAM Identity Center, permission set ${path.permissionSet})`;
    case 'identity-provider':
      return `${role} (${path.protocol} identity provider ${path.provider})`;
    case 'organization':
      return `${role} (from ${path.accounts.map((a) => accountPhrase(a, organization)).join(', ')})`;
    default:
      return `${role} (not counted: ${path.why})`;
  }
}
