/** Who can act through roles: CloudShell for everyone it is attached to (CIS v7.0.0 2.20), and trust policies open to all. */
import { arnsIn, MANAGED_POLICY } from '../account/arns.js';
import { failWith, pass, type Check } from './types.js';

/** Condition keys that narrow *who* may assume a role (as opposed to when or how). Compared in lower case. */
const WHO_KEYS = new Set([
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:sourceowner',
  'aws:userid',
  'aws:username',
  'sts:externalid',
]);

interface Statement {
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const aws = (principal as { AWS?: unknown }).AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

/**
 * A condition restricts who when a who-key must match a value that is not a bare wildcard. `…IfExists` and
 * `Null` operators and `ForAllValues:` sets pass when the key is absent, so they restrict nobody.
 */
function restrictsWho(condition: Statement['Condition']): boolean {
  return Object.entries(condition ?? {}).some(([operator, block]) => {
    if (/IfExists$/.test(operator) || operator === 'Null' || operator.startsWith('ForAllValues:')) return false;
    return Object.entries(block ?? {}).some(([key, value]) => {
      if (!WHO_KEYS.has(key.toLowerCase())) return false;
      const values = (Array.isArray(value) ? value : [value]).map(String);
      return values.length > 0 && values.every((v) => v !== '*' && v !== '');
    });
  });
}

/** Whether a trust policy lets every AWS principal assume the role: an Allow for "*" (or NotPrincipal) with no who-condition. */
export function trustsEveryone(trust: unknown): boolean {
  const raw = (trust as { Statement?: unknown } | undefined)?.Statement;
  const statements = (Array.isArray(raw) ? raw : [raw]).filter(Boolean) as Statement[];
  return statements.some(
    (st) => st.Effect === 'Allow' && (isEveryone(st.Principal) || st.NotPrincipal !== undefined) && !restrictsWho(st.Condition),
  );
}

export const roleChecks: Check[] = [
  {
    id: 'cloudshell-full-access',
    title: 'AWSCloudShellFullAccess is attached to nobody',
    passesWhen: '`AWSCloudShellFullAccess` is attached to no user, group or role (the detail names them)',
    severity: 'low',
    mappings: { 'cis-7.0': ['2.20'], 'cis-5.0': ['1.21'], 'cis-3.0': ['1.22'], 'security-hub': ['IAM.27'] },
    remediation: (fix) =>
      `Detach it (aws iam detach-user-policy / detach-group-policy / detach-role-policy --policy-arn ${arnsIn(fix.partition).awsManagedPolicy(MANAGED_POLICY.cloudShellFullAccess)}) and grant CloudShell without its file upload/download where needed.`,
    async run(s) {
      const arns = arnsIn(s.account.partition);
      const e = await s.policyEntities(arns.awsManagedPolicy(MANAGED_POLICY.cloudShellFullAccess));
      const id = s.account.accountId;
      const holders = [
        ...e.users.map((n) => ({ resource: arns.user(id, n), text: `user ${n}` })),
        ...e.groups.map((n) => ({ resource: arns.group(id, n), text: `group ${n}` })),
        ...e.roles.map((n) => ({ resource: arns.role(id, n), text: `role ${n}` })),
      ];
      if (!holders.length) return pass('AWSCloudShellFullAccess is not attached');
      return failWith(holders, { lead: 'AWSCloudShellFullAccess is attached to ' });
    },
  },
  {
    id: 'role-trust',
    title: 'No role can be assumed by every AWS principal',
    passesWhen: 'no role\'s trust policy lets every AWS principal assume it (`"Principal": "*"` or `{"AWS": "*"}` in an Allow) without a condition on who (`aws:PrincipalOrgID`, `aws:SourceAccount`, `sts:ExternalId`, …); service principals are fine',
    severity: 'critical',
    mappings: { 'cis-7.0': ['2.21'] },
    remediation:
      'Name the principals in the trust policy, or add a condition on who: aws:PrincipalOrgID, aws:SourceAccount or sts:ExternalId (aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json).',
    async run(s) {
      const open = (await s.roles()).filter((r) => trustsEveryone(r.trust));
      if (!open.length) return pass('every role trusts named principals or restricts who may assume it');
      return failWith(open.map((r) => ({ resource: r.arn, text: `${r.name}: trusts every AWS principal, with no condition on who` })));
    },
  },
];
