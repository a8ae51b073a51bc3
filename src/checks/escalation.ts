/** What an attacker holding one identity would use: escalation to administrator, assuming any role, inline *:*. */
import { arnsIn } from '../account/arns.js';
import type { EscalationFinding } from '../analysis/escalation.js';
import { evaluate, NARROWING_KEYS, type CompiledPolicy } from '../analysis/policy-evaluator.js';
import { failWith, pass, type Check } from './types.js';

/** The last segment of an ARN, for short details: ".../role/deploy" → "role deploy". */
function shortName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const [type = '', ...rest] = resource.split('/');
  return `${type} ${rest.pop() ?? ''}`.trim();
}

function describe(f: EscalationFinding): string {
  const target = f.target ? ` on ${shortName(f.target)}` : '';
  if (f.decision === 'allow') return `${f.path.id} ${f.path.name}${target}`;
  const keys = f.conditions.length ? f.conditions : ['a policy variable it cannot resolve'];
  const narrowing = keys.filter((k) => NARROWING_KEYS.has(k.toLowerCase()));
  const note = narrowing.length === keys.length ? ' — these only narrow when or from where' : '';
  return `${f.path.id} ${f.path.name}${target} (conditional on ${keys.join(', ')}${note})`;
}

/**
 * Does a statement of this policy that names STS actions grant sts:AssumeRole on every role (of any account)? A
 * grant of "*" on "*" is an administrator's, judged by the administrator checks, not a loose AssumeRole.
 */
function allowsAssumingAnyRole(policy: CompiledPolicy, partition: string): boolean {
  const naming = policy.statements.filter((st) => st.action?.patterns.some((p) => p.startsWith('sts:')));
  if (!naming.length) return false;
  const probe = { policies: [{ ...policy, statements: naming }], variables: {} };
  const a = evaluate(probe, 'sts:AssumeRole', `arn:${partition}:iam::111111111111:role/any`);
  const b = evaluate(probe, 'sts:AssumeRole', `arn:${partition}:iam::222222222222:role/other/path`);
  return a.decision !== 'deny' && b.decision !== 'deny';
}

/** An Allow of Action "*" on Resource "*" (as CIS words it: full administrative privileges). */
const allowsStarOnStar = (policy: CompiledPolicy) =>
  policy.statements.some((st) => st.effect === 'Allow' && st.action?.patterns.includes('*') && st.resource?.includes('*'));

export const escalationChecks: Check[] = [
  {
    id: 'privilege-escalation',
    title: 'No one can make themselves an administrator',
    passesWhen:
      'no user or role without administrator access can reach it by a path of the pathfinding.cloud catalogue (self-escalation, access to another principal, or PassRole of an administrator role to a service it can create and run), judged on all of its policies together with resource scope, Deny and permissions boundaries; paths behind a condition are reported as conditional',
    severity: 'critical',
    mappings: {},
    remediation:
      'Remove the permissions the path names from the principal, or scope them to resources nobody privileged holds (iam:PassRole to named unprivileged roles, iam:CreatePolicyVersion to policies attached to no administrator); a permissions boundary that denies the IAM write actions closes every IAM path at once.',
    async run(s) {
      const found = await s.escalation();
      if (!found.length) {
        const model = await s.principalModel();
        const admins = [...model.users, ...model.roles].filter((p) => p.admin).length;
        return pass(`no path to administrator access among ${model.users.length} user(s) and ${model.roles.filter((r) => !r.serviceLinked).length} role(s) (${admins} already administrators)`);
      }
      return failWith(
        found.map(({ principal, findings }) => {
          const definite = findings.filter((f) => f.decision === 'allow');
          const shown = [...definite, ...findings.filter((f) => f.decision !== 'allow')];
          const more = shown.length > 3 ? `, and ${shown.length - 3} more path(s)` : '';
          const how = definite.length ? 'can become an administrator' : 'may become an administrator (every path is conditional)';
          return { resource: principal.arn, text: `${principal.kind} ${principal.name} ${how}: ${shown.slice(0, 3).map(describe).join(', ')}${more}` };
        }),
      );
    },
  },
  {
    id: 'assume-any-role',
    title: 'No policy allows assuming any role',
    passesWhen: 'no customer-managed or inline policy has a statement naming STS actions that allows `sts:AssumeRole` on every role (`"Resource": "*"`); `*` on `*` is left to the administrator checks',
    severity: 'high',
    mappings: {},
    remediation: (fix) => `Name the roles in the policy's Resource (${arnsIn(fix.partition).role(fix.accountId, '<name>')}) instead of "*".`,
    async run(s) {
      const model = await s.principalModel();
      const managed = model.customerPolicies
        .filter((p) => allowsAssumingAnyRole(p.policy, model.partition))
        .map((p) => ({ resource: p.arn, text: `${p.name}: allows sts:AssumeRole on * (attached ${p.attachments} times)` }));
      const inline = model.inlinePolicies
        .filter((p) => allowsAssumingAnyRole(p.policy, model.partition))
        .map((p) => ({ resource: p.holder.arn, text: `${p.holder.kind} ${p.holder.name}, inline ${p.name}: allows sts:AssumeRole on *` }));
      if (!managed.length && !inline.length) return pass('every policy that allows sts:AssumeRole names its roles');
      return failWith([...managed, ...inline]);
    },
  },
  {
    id: 'admin-inline-policies',
    title: 'No inline policy allows * on *',
    passesWhen: 'no inline policy of a user, group or role allows `*` on `*`',
    severity: 'high',
    mappings: { 'cis-7.0': ['2.14'], 'cis-5.0': ['1.15'], 'cis-3.0': ['1.16'] },
    remediation:
      'Delete the inline policy (aws iam delete-user-policy / delete-group-policy / delete-role-policy) and give real administrators the AWS-managed AdministratorAccess through a group or role.',
    async run(s) {
      const model = await s.principalModel();
      const broad = model.inlinePolicies.filter((p) => allowsStarOnStar(p.policy));
      if (!broad.length) return pass(`no inline policy allows * on * (${model.inlinePolicies.length} inline policies)`);
      return failWith(broad.map((p) => ({ resource: p.holder.arn, text: `${p.holder.kind} ${p.holder.name}, inline ${p.name}: allows * on *` })));
    },
  },
];
