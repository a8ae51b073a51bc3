/**
 * Privilege-escalation paths: which non-administrator principals can make themselves (or a principal they can act
 * as) an administrator, by a path of DataDog's pathfinding.cloud catalogue (Apache-2.0; the ids and names are the
 * catalogue's, the code is ours). Every permission a path needs is evaluated against the principal's policies
 * together, on the resource the path acts on: `iam:PassRole` only to an unprivileged role, or
 * `iam:CreatePolicyVersion` only on a policy nobody privileged holds, is not a path.
 *
 * Covered: self-escalation, principal access (other users, roles it can assume or whose trust it can rewrite) and
 * new-PassRole paths (a service it can create and run, handed an administrator role that trusts that service).
 * Not covered, because IAM data alone cannot show them: paths through existing resources (a Lambda function, stack,
 * notebook or instance that already runs with an administrator role), service control policies, the target's
 * resource policies and session policies.
 */
import { ANY_RESOURCE, evaluate, mayAllow, weaker, type Verdict } from './policy-evaluator.js';
import { coversAssumeRole, principalValues, trustStatements, type Principal, type PrincipalModel, type RolePrincipal } from './principals.js';

export type PathCategory = 'self-escalation' | 'principal-access' | 'new-passrole';

/** What a path acts on, which decides the resources its permissions are evaluated on. */
type Target =
  /** A customer managed policy attached to the principal (directly or through a group): iam-001. */
  | 'own-customer-policy'
  /** The principal itself (a user, or a role). */
  | 'self-user'
  | 'self-role'
  /** A group the principal belongs to. */
  | 'own-group'
  /** A group with administrator access the principal is not in. */
  | 'admin-group'
  /** Another user with administrator access. */
  | 'admin-user'
  /** Any other user (its permissions are then rewritten). */
  | 'other-user'
  /** A role with administrator access. */
  | 'admin-role'
  /** Any role the principal can assume (its permissions are then rewritten). */
  | 'assumable-role'
  /** A customer managed policy attached to a role the principal can assume. */
  | 'assumable-role-policy'
  /** Any role that is not service-linked. */
  | 'any-role'
  /** A customer managed policy attached to a role that is not service-linked. */
  | 'role-policy'
  /** An administrator role the principal can assume. */
  | 'assumable-admin-role'
  /** An administrator role that trusts one of `services`: PassRole to it, then create and run. */
  | 'service-admin-role';

export interface EscalationPath {
  /** pathfinding.cloud's id, e.g. "iam-001". */
  id: string;
  name: string;
  category: PathCategory;
  /** The permissions the path needs, in the catalogue's spelling. */
  permissions: string[];
  target: Target;
  /** For service-admin-role: the service principals the passed role must trust. */
  services?: string[];
}

const passRole = (id: string, services: string[], ...actions: string[]): EscalationPath => ({
  id,
  name: ['iam:PassRole', ...actions].join(' + '),
  category: 'new-passrole',
  permissions: ['iam:PassRole', ...actions],
  target: 'service-admin-role',
  services,
});
const path = (id: string, category: PathCategory, target: Target, ...permissions: string[]): EscalationPath => ({ id, name: permissions.join(' + '), category, permissions, target });

/** The catalogued paths this audit decides, in pathfinding.cloud's order. */
export const ESCALATION_PATHS: EscalationPath[] = [
  passRole('apprunner-001', ['tasks.apprunner.amazonaws.com'], 'apprunner:CreateService'),
  passRole('bedrock-001', ['bedrock-agentcore.amazonaws.com'], 'bedrock-agentcore:CreateCodeInterpreter', 'bedrock-agentcore:StartCodeInterpreterSession', 'bedrock-agentcore:InvokeCodeInterpreter'),
  passRole('cloudformation-001', ['cloudformation.amazonaws.com'], 'cloudformation:CreateStack'),
  passRole('codebuild-001', ['codebuild.amazonaws.com'], 'codebuild:CreateProject', 'codebuild:StartBuild'),
  passRole('codebuild-004', ['codebuild.amazonaws.com'], 'codebuild:CreateProject', 'codebuild:StartBuildBatch'),
  passRole('datapipeline-001', ['datapipeline.amazonaws.com', 'elasticmapreduce.amazonaws.com'], 'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition', 'datapipeline:ActivatePipeline'),
  passRole('ec2-001', ['ec2.amazonaws.com'], 'ec2:RunInstances'),
  passRole('ec2-003', ['ec2.amazonaws.com'], 'ec2:RequestSpotInstances'),
  passRole('ecs-001', ['ecs-tasks.amazonaws.com'], 'ecs:CreateCluster', 'ecs:RegisterTaskDefinition', 'ecs:CreateService'),
  passRole('ecs-002', ['ecs-tasks.amazonaws.com'], 'ecs:CreateCluster', 'ecs:RegisterTaskDefinition', 'ecs:RunTask'),
  passRole('glue-001', ['glue.amazonaws.com'], 'glue:CreateDevEndpoint'),
  passRole('glue-003', ['glue.amazonaws.com'], 'glue:CreateJob', 'glue:StartJobRun'),
  passRole('glue-004', ['glue.amazonaws.com'], 'glue:CreateJob', 'glue:CreateTrigger'),
  path('iam-001', 'self-escalation', 'own-customer-policy', 'iam:CreatePolicyVersion'),
  path('iam-002', 'principal-access', 'admin-user', 'iam:CreateAccessKey'),
  path('iam-004', 'principal-access', 'admin-user', 'iam:CreateLoginProfile'),
  path('iam-005', 'self-escalation', 'self-role', 'iam:PutRolePolicy'),
  path('iam-006', 'principal-access', 'admin-user', 'iam:UpdateLoginProfile'),
  path('iam-007', 'self-escalation', 'self-user', 'iam:PutUserPolicy'),
  path('iam-008', 'self-escalation', 'self-user', 'iam:AttachUserPolicy'),
  path('iam-009', 'self-escalation', 'self-role', 'iam:AttachRolePolicy'),
  path('iam-010', 'self-escalation', 'own-group', 'iam:AttachGroupPolicy'),
  path('iam-011', 'self-escalation', 'own-group', 'iam:PutGroupPolicy'),
  path('iam-012', 'principal-access', 'admin-role', 'iam:UpdateAssumeRolePolicy'),
  path('iam-013', 'self-escalation', 'admin-group', 'iam:AddUserToGroup'),
  path('iam-014', 'principal-access', 'assumable-role', 'iam:AttachRolePolicy', 'sts:AssumeRole'),
  path('iam-015', 'principal-access', 'other-user', 'iam:AttachUserPolicy', 'iam:CreateAccessKey'),
  path('iam-016', 'principal-access', 'assumable-role-policy', 'iam:CreatePolicyVersion', 'sts:AssumeRole'),
  path('iam-017', 'principal-access', 'assumable-role', 'iam:PutRolePolicy', 'sts:AssumeRole'),
  path('iam-018', 'principal-access', 'other-user', 'iam:PutUserPolicy', 'iam:CreateAccessKey'),
  path('iam-019', 'principal-access', 'any-role', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy'),
  path('iam-020', 'principal-access', 'role-policy', 'iam:CreatePolicyVersion', 'iam:UpdateAssumeRolePolicy'),
  path('iam-021', 'principal-access', 'any-role', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy'),
  passRole('lambda-001', ['lambda.amazonaws.com'], 'lambda:CreateFunction', 'lambda:InvokeFunction'),
  passRole('lambda-002', ['lambda.amazonaws.com'], 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'),
  passRole('lambda-006', ['lambda.amazonaws.com'], 'lambda:CreateFunction', 'lambda:AddPermission'),
  passRole('sagemaker-001', ['sagemaker.amazonaws.com'], 'sagemaker:CreateNotebookInstance'),
  passRole('sagemaker-002', ['sagemaker.amazonaws.com'], 'sagemaker:CreateTrainingJob'),
  passRole('sagemaker-003', ['sagemaker.amazonaws.com'], 'sagemaker:CreateProcessingJob'),
  path('sts-001', 'principal-access', 'assumable-admin-role', 'sts:AssumeRole'),
];

/** One way a principal reaches administrator access. */
export interface EscalationFinding {
  path: EscalationPath;
  /** The resource the path acts on: the policy, user, group or role (for PassRole, the role passed). */
  target?: string;
  /** allow: definite; conditional: some statement it relies on has a condition this evaluator cannot decide. */
  decision: 'allow' | 'conditional';
  /** The condition keys it depends on, when conditional. */
  conditions: string[];
}

export interface PrincipalEscalation {
  principal: Principal;
  findings: EscalationFinding[];
}

/** A step of a path: an action on a resource. */
interface Need {
  action: string;
  resource: string;
}

/** A concrete way to walk a path: its needs, the target it acts on, and a verdict the IAM data adds (a trust). */
interface Attempt {
  target?: string;
  needs: Need[];
  extra?: Verdict;
}

const DEFINITE: Verdict = { decision: 'allow', conditions: [] };

/**
 * Can the principal assume the role, as far as the role's trust policy and the principal's policies say? A trust
 * that names the principal itself is enough on its own (same account); one that trusts the account, or everyone,
 * also needs sts:AssumeRole in the principal's policies. A trust condition makes it conditional.
 */
export function canAssume(model: PrincipalModel, principal: Principal, role: RolePrincipal): Verdict {
  if (principal.kind === 'group' || principal.arn === role.arn) return { decision: 'deny', conditions: [] };
  const accountIds = new Set([model.accountId, `arn:${model.partition}:iam::${model.accountId}:root`]);
  let best: Verdict = { decision: 'deny', conditions: [] };
  for (const st of trustStatements(role.trust)) {
    if (st.Effect !== 'Allow' || !coversAssumeRole(st)) continue;
    const aws = principalValues(st, 'AWS');
    const conditions = Object.values(st.Condition ?? {}).flatMap((b) => Object.keys(b ?? {}));
    const trustVerdict: Verdict = conditions.length ? { decision: 'conditional', conditions } : DEFINITE;
    let v: Verdict | undefined;
    if (aws.includes(principal.arn)) v = trustVerdict;
    else if (aws.some((a) => a === '*' || accountIds.has(a))) v = weaker(trustVerdict, evaluate(principal.permissions, 'sts:AssumeRole', role.arn));
    if (!v || v.decision === 'deny') continue;
    if (v.decision === 'allow') return v;
    best = best.decision === 'deny' ? v : { decision: 'conditional', conditions: [...new Set([...best.conditions, ...v.conditions])] };
  }
  return best;
}

interface Indexes {
  model: PrincipalModel;
  adminUsers: Principal[];
  adminGroups: Principal[];
  adminRoles: RolePrincipal[];
  assumableRoles: RolePrincipal[];
  /** Roles that trust the account or everyone: any principal with sts:AssumeRole on them may assume them. */
  accountTrustingRoles: RolePrincipal[];
  /** Principal ARN → roles whose trust names it. */
  rolesNaming: Map<string, RolePrincipal[]>;
  /** Role ARN → customer managed policies attached to it. */
  rolePolicies: Map<string, string[]>;
  customerPolicies: Set<string>;
}

function indexesOf(model: PrincipalModel): Indexes {
  const rolesNaming = new Map<string, RolePrincipal[]>();
  const accountTrustingRoles: RolePrincipal[] = [];
  const accountIds = new Set([model.accountId, `arn:${model.partition}:iam::${model.accountId}:root`, '*']);
  for (const role of model.roles) {
    let trustsAccount = false;
    for (const st of trustStatements(role.trust)) {
      if (st.Effect !== 'Allow' || !coversAssumeRole(st)) continue;
      for (const a of principalValues(st, 'AWS')) {
        if (accountIds.has(a)) trustsAccount = true;
        else rolesNaming.set(a, [...(rolesNaming.get(a) ?? []), role]);
      }
    }
    if (trustsAccount) accountTrustingRoles.push(role);
  }
  const rolePolicies = new Map<string, string[]>();
  for (const role of model.roles) rolePolicies.set(role.arn, role.attachedPolicyArns.filter((a) => model.customerPolicyHolders.has(a)));
  return {
    model,
    adminUsers: model.users.filter((u) => u.admin),
    adminGroups: model.groups.filter((g) => g.admin),
    adminRoles: model.roles.filter((r) => r.admin && !r.serviceLinked),
    assumableRoles: model.roles.filter((r) => !r.serviceLinked),
    accountTrustingRoles,
    rolesNaming,
    rolePolicies,
    customerPolicies: new Set(model.customerPolicyHolders.keys()),
  };
}

/** Roles the principal may be able to assume: those naming it, and those trusting the account if it has sts:AssumeRole. */
function candidateRoles(ix: Indexes, principal: Principal): RolePrincipal[] {
  const named = ix.rolesNaming.get(principal.arn) ?? [];
  const viaAccount = mayAllow(principal.permissions, 'sts:AssumeRole') ? ix.accountTrustingRoles : [];
  return [...new Set([...named, ...viaAccount])].filter((r) => r.arn !== principal.arn && !r.serviceLinked);
}

function attempts(ix: Indexes, p: EscalationPath, principal: Principal): Attempt[] {
  const [first = '', second = ''] = p.permissions;
  const on = (...resources: string[]) => p.permissions.map((action, i) => ({ action, resource: resources[i] ?? resources[0] ?? ANY_RESOURCE }));
  const isUser = principal.kind === 'user';
  const isRole = principal.kind === 'role';
  switch (p.target) {
    case 'own-customer-policy':
      return principal.attachedPolicyArns.filter((a) => ix.customerPolicies.has(a)).map((arn) => ({ target: arn, needs: on(arn) }));
    case 'self-user':
      return isUser ? [{ target: principal.arn, needs: on(principal.arn) }] : [];
    case 'self-role':
      return isRole ? [{ target: principal.arn, needs: on(principal.arn) }] : [];
    case 'own-group':
      return isUser ? principal.groups.map((g) => ix.model.groups.find((x) => x.name === g)).filter((g): g is Principal => !!g).map((g) => ({ target: g.arn, needs: on(g.arn) })) : [];
    case 'admin-group':
      return isUser ? ix.adminGroups.filter((g) => !principal.groups.includes(g.name)).map((g) => ({ target: g.arn, needs: on(g.arn) })) : [];
    case 'admin-user':
      return ix.adminUsers.filter((u) => u.arn !== principal.arn).map((u) => ({ target: u.arn, needs: on(u.arn) }));
    case 'other-user':
      return ix.model.users.filter((u) => u.arn !== principal.arn).map((u) => ({ target: u.arn, needs: on(u.arn) }));
    case 'admin-role':
      return ix.adminRoles.filter((r) => r.arn !== principal.arn).map((r) => ({ target: r.arn, needs: on(r.arn) }));
    case 'assumable-role':
      return candidateRoles(ix, principal).map((r) => ({ target: r.arn, needs: [{ action: first, resource: r.arn }], extra: canAssume(ix.model, principal, r) }));
    case 'assumable-role-policy':
      return candidateRoles(ix, principal).flatMap((r) =>
        (ix.rolePolicies.get(r.arn) ?? []).map((policy) => ({ target: policy, needs: [{ action: first, resource: policy }], extra: canAssume(ix.model, principal, r) })),
      );
    case 'any-role':
      return ix.assumableRoles.filter((r) => r.arn !== principal.arn).map((r) => ({ target: r.arn, needs: on(r.arn) }));
    case 'role-policy':
      return ix.assumableRoles
        .filter((r) => r.arn !== principal.arn)
        .flatMap((r) => (ix.rolePolicies.get(r.arn) ?? []).map((policy) => ({ target: policy, needs: [{ action: first, resource: policy }, { action: second, resource: r.arn }] })));
    case 'assumable-admin-role':
      return candidateRoles(ix, principal)
        .filter((r) => r.admin)
        .map((r) => ({ target: r.arn, needs: [], extra: canAssume(ix.model, principal, r) }));
    case 'service-admin-role': {
      const services = new Set(p.services ?? []);
      const roles = ix.adminRoles.filter((r) => r.trustedServices.some((s) => services.has(s)) && (!p.services?.includes('ec2.amazonaws.com') || r.hasInstanceProfile));
      return roles.map((r) => ({ target: r.arn, needs: p.permissions.map((action) => ({ action, resource: action === 'iam:PassRole' ? r.arn : ANY_RESOURCE })) }));
    }
  }
}

/** The best verdict of an attempt: the weakest of its needs (and the trust it relies on). */
function judge(principal: Principal, attempt: Attempt): Verdict {
  let v: Verdict = attempt.extra ?? DEFINITE;
  for (const need of attempt.needs) {
    if (v.decision === 'deny') break;
    v = weaker(v, evaluate(principal.permissions, need.action, need.resource));
  }
  return v;
}

/** Every path of the catalogue the principal can walk, the best attempt of each. */
function pathsOf(ix: Indexes, principal: Principal): EscalationFinding[] {
  const findings: EscalationFinding[] = [];
  for (const p of ESCALATION_PATHS) {
    // Cheap first: a permission no Allow statement mentions ends the path (sts:AssumeRole may come from the trust alone).
    if (p.permissions.some((a) => a !== 'sts:AssumeRole' && !mayAllow(principal.permissions, a))) continue;
    let best: EscalationFinding | undefined;
    for (const attempt of attempts(ix, p, principal)) {
      const v = judge(principal, attempt);
      if (v.decision === 'deny') continue;
      if (v.decision === 'allow') {
        best = { path: p, ...(attempt.target ? { target: attempt.target } : {}), decision: 'allow', conditions: [] };
        break;
      }
      best ??= { path: p, ...(attempt.target ? { target: attempt.target } : {}), decision: 'conditional', conditions: [...new Set(v.conditions)] };
    }
    if (best) findings.push(best);
  }
  return findings;
}

/** Each user and role that is not an administrator and can become one, with its paths. Groups act only through users. */
export function escalationPaths(model: PrincipalModel): PrincipalEscalation[] {
  const ix = indexesOf(model);
  const out: PrincipalEscalation[] = [];
  for (const principal of [...model.users, ...model.roles.filter((r) => !r.serviceLinked)]) {
    if (principal.admin) continue;
    const findings = pathsOf(ix, principal);
    if (findings.length) out.push({ principal, findings });
  }
  return out;
}
