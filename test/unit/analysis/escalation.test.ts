/**
 * Escalation paths of DataDog's pathfinding.cloud catalogue, each with a case that escalates and a near miss that
 * does not (a scoped resource, a denied action, a missing second permission, a boundary). The world: an
 * administrator user, group and role, an administrator role per service a PassRole path hands a role to, and
 * unprivileged look-alikes of each.
 */
import { describe, expect, it } from 'vitest';
import type { GroupDetail, ManagedPolicyDetail, RoleDetail, UserDetail } from '../../../src/account/authorization-details.js';
import { canAssume, ESCALATION_PATHS, escalationPaths } from '../../../src/analysis/escalation.js';
import { buildPrincipalModel } from '../../../src/analysis/principals.js';

const ACCOUNT = '123456789012';
const arn = (kind: string, name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`;
const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (Action: unknown, Resource: unknown = '*', extra: object = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: unknown, Resource: unknown = '*') => ({ Effect: 'Deny', Action, Resource });
const trustService = (service: string) => doc({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' });
const trustAccount = () => doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' });
const managed = (name: string, document: string): ManagedPolicyDetail => ({ PolicyName: name, Arn: arn('policy', name), AttachmentCount: 1, PolicyVersionList: [{ Document: document, IsDefaultVersion: true }] });
const attached = (...arns: string[]) => arns.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() }));

/** The services PassRole paths hand a role to, and the administrator role each trusts. */
const SERVICE_ROLES: Record<string, string> = {
  'tasks.apprunner.amazonaws.com': 'svc-apprunner',
  'bedrock-agentcore.amazonaws.com': 'svc-bedrock',
  'cloudformation.amazonaws.com': 'svc-cloudformation',
  'codebuild.amazonaws.com': 'svc-codebuild',
  'datapipeline.amazonaws.com': 'svc-datapipeline',
  'ec2.amazonaws.com': 'svc-ec2',
  'ecs-tasks.amazonaws.com': 'svc-ecs',
  'glue.amazonaws.com': 'svc-glue',
  'lambda.amazonaws.com': 'svc-lambda',
  'sagemaker.amazonaws.com': 'svc-sagemaker',
};

interface Subject {
  kind: 'user' | 'role';
  statements: object[];
  boundary?: object[];
  /** The subject's own customer managed policy, attached to it. */
  own?: object[];
}

function world(subject: Subject) {
  const policies: ManagedPolicyDetail[] = [
    { PolicyName: 'AdministratorAccess', Arn: ADMIN_POLICY, PolicyVersionList: [{ Document: doc(allow('*')), IsDefaultVersion: true }] },
    managed('assumable-policy', doc(allow('s3:GetObject'))),
    managed('other-policy', doc(allow('s3:ListBucket'))),
    ...(subject.own ? [managed('mallory-policy', doc(...subject.own))] : []),
    ...(subject.boundary ? [managed('boundary', doc(...subject.boundary))] : []),
  ];
  const boundary = subject.boundary ? { PermissionsBoundary: { PermissionsBoundaryArn: arn('policy', 'boundary'), PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const } } : {};
  const ownPolicies = subject.own ? attached(arn('policy', 'mallory-policy')) : [];
  const users: UserDetail[] = [
    { UserName: 'boss', Arn: arn('user', 'boss'), AttachedManagedPolicies: attached(ADMIN_POLICY) },
    { UserName: 'intern', Arn: arn('user', 'intern'), GroupList: ['devs'] },
  ];
  const groups: GroupDetail[] = [
    { GroupName: 'admins', Arn: arn('group', 'admins'), AttachedManagedPolicies: attached(ADMIN_POLICY) },
    { GroupName: 'devs', Arn: arn('group', 'devs'), GroupPolicyList: [{ PolicyName: 'read', PolicyDocument: doc(allow('s3:Get*')) }] },
    { GroupName: 'others', Arn: arn('group', 'others') },
  ];
  const roles: RoleDetail[] = [
    { RoleName: 'admin-role', Arn: arn('role', 'admin-role'), Path: '/', AssumeRolePolicyDocument: trustAccount(), AttachedManagedPolicies: attached(ADMIN_POLICY) },
    { RoleName: 'assumable', Arn: arn('role', 'assumable'), Path: '/', AssumeRolePolicyDocument: trustAccount(), AttachedManagedPolicies: attached(arn('policy', 'assumable-policy')) },
    { RoleName: 'unrelated', Arn: arn('role', 'unrelated'), Path: '/', AssumeRolePolicyDocument: trustService('glue.amazonaws.com'), AttachedManagedPolicies: attached(arn('policy', 'other-policy')) },
    ...Object.entries(SERVICE_ROLES).flatMap(([service, name]) => [
      { RoleName: name, Arn: arn('role', name), Path: '/', AssumeRolePolicyDocument: trustService(service), AttachedManagedPolicies: attached(ADMIN_POLICY), InstanceProfileList: [{ InstanceProfileName: name, Arn: arn('instance-profile', name), Path: '/', InstanceProfileId: 'x', Roles: [], CreateDate: new Date() }] },
      { RoleName: `plain-${name}`, Arn: arn('role', `plain-${name}`), Path: '/', AssumeRolePolicyDocument: trustService(service), RolePolicyList: [{ PolicyName: 'logs', PolicyDocument: doc(allow('logs:*')) }] },
    ]),
  ];
  const mine = [{ PolicyName: 'mallory', PolicyDocument: doc(...subject.statements) }];
  if (subject.kind === 'user') users.push({ UserName: 'mallory', Arn: arn('user', 'mallory'), GroupList: ['devs'], UserPolicyList: mine, AttachedManagedPolicies: ownPolicies, ...boundary });
  else roles.push({ RoleName: 'mallory-role', Arn: arn('role', 'mallory-role'), Path: '/', AssumeRolePolicyDocument: trustService('ec2.amazonaws.com'), RolePolicyList: mine, AttachedManagedPolicies: ownPolicies, ...boundary });
  return buildPrincipalModel({ users, groups, roles, policies }, ACCOUNT, 'aws');
}

/** The path ids the subject can walk. */
function pathsOf(subject: Subject): string[] {
  const me = subject.kind === 'user' ? arn('user', 'mallory') : arn('role', 'mallory-role');
  return (escalationPaths(world(subject)).find((e) => e.principal.arn === me)?.findings ?? []).map((f) => f.path.id);
}

const passRoleCase = (id: string, negative: 'scoped' | 'missing' | 'denied') => {
  const path = ESCALATION_PATHS.find((p) => p.id === id);
  if (!path?.services) throw new Error(`${id} is not a PassRole path`);
  const role = SERVICE_ROLES[path.services[0] ?? ''] ?? '';
  const actions = path.permissions.filter((a) => a !== 'iam:PassRole');
  const escalates: Subject = { kind: 'user', statements: [allow('iam:PassRole', arn('role', role)), allow(actions)] };
  const nearMiss: Subject =
    negative === 'scoped'
      ? { kind: 'user', statements: [allow('iam:PassRole', arn('role', `plain-${role}`)), allow(actions)] }
      : negative === 'missing'
        ? { kind: 'user', statements: [allow('iam:PassRole', arn('role', role)), allow(actions.slice(0, -1).length ? actions.slice(0, -1) : ['s3:GetObject'])] }
        : { kind: 'user', statements: [allow('iam:PassRole', arn('role', role)), allow(actions), deny(actions[0])] };
  return { id, escalates, nearMiss, why: { scoped: 'PassRole only to an unprivileged role', missing: 'without its last permission', denied: 'with its first service action denied' }[negative] };
};

const CASES: { id: string; escalates: Subject; nearMiss: Subject; why: string }[] = [
  passRoleCase('apprunner-001', 'scoped'),
  passRoleCase('bedrock-001', 'missing'),
  passRoleCase('cloudformation-001', 'denied'),
  passRoleCase('codebuild-001', 'missing'),
  passRoleCase('codebuild-004', 'scoped'),
  passRoleCase('datapipeline-001', 'denied'),
  passRoleCase('ec2-001', 'scoped'),
  passRoleCase('ec2-003', 'denied'),
  passRoleCase('ecs-001', 'missing'),
  passRoleCase('ecs-002', 'scoped'),
  passRoleCase('glue-001', 'denied'),
  passRoleCase('glue-003', 'missing'),
  passRoleCase('glue-004', 'scoped'),
  passRoleCase('lambda-001', 'missing'),
  passRoleCase('lambda-002', 'denied'),
  passRoleCase('lambda-006', 'scoped'),
  passRoleCase('sagemaker-001', 'denied'),
  passRoleCase('sagemaker-002', 'missing'),
  passRoleCase('sagemaker-003', 'scoped'),
  {
    id: 'iam-001',
    escalates: { kind: 'user', statements: [], own: [allow('iam:CreatePolicyVersion', arn('policy', 'mallory-policy'))] },
    nearMiss: { kind: 'user', statements: [], own: [allow('iam:CreatePolicyVersion', arn('policy', 'other-policy'))] },
    why: 'CreatePolicyVersion only on a policy attached to nobody privileged',
  },
  {
    id: 'iam-002',
    escalates: { kind: 'user', statements: [allow('iam:CreateAccessKey', arn('user', '*'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:CreateAccessKey', arn('user', '${aws:username}'))] },
    why: 'CreateAccessKey only on its own user (${aws:username})',
  },
  {
    id: 'iam-004',
    escalates: { kind: 'user', statements: [allow('iam:CreateLoginProfile', arn('user', 'boss'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:CreateLoginProfile', arn('user', 'svc-*'))] },
    why: 'CreateLoginProfile scoped to service users',
  },
  {
    id: 'iam-005',
    escalates: { kind: 'role', statements: [allow('iam:PutRolePolicy', arn('role', 'mallory-role'))] },
    nearMiss: { kind: 'role', statements: [allow('iam:PutRolePolicy', arn('role', 'unrelated'))] },
    why: 'PutRolePolicy on a role it cannot use',
  },
  {
    id: 'iam-006',
    escalates: { kind: 'user', statements: [allow('iam:UpdateLoginProfile')] },
    nearMiss: { kind: 'user', statements: [allow('iam:UpdateLoginProfile'), deny('iam:UpdateLoginProfile', arn('user', 'boss'))] },
    why: 'UpdateLoginProfile denied on the administrator',
  },
  {
    id: 'iam-007',
    escalates: { kind: 'user', statements: [allow('iam:PutUserPolicy', arn('user', '${aws:username}'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:PutUserPolicy', arn('user', '${aws:username}')), deny('iam:Put*')] },
    why: 'PutUserPolicy denied by another statement (iam:Put*)',
  },
  {
    id: 'iam-008',
    escalates: { kind: 'user', statements: [allow('iam:AttachUserPolicy', arn('user', 'mallory'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:AttachUserPolicy', arn('user', 'intern'))] },
    why: 'AttachUserPolicy only on another user, without CreateAccessKey',
  },
  {
    id: 'iam-009',
    escalates: { kind: 'role', statements: [allow('iam:AttachRolePolicy', arn('role', 'mallory-role'))] },
    nearMiss: { kind: 'role', statements: [allow('iam:AttachRolePolicy', arn('role', 'mallory-role'))], boundary: [allow(['s3:*', 'logs:*'])] },
    why: 'a permissions boundary without IAM',
  },
  {
    id: 'iam-010',
    escalates: { kind: 'user', statements: [allow('iam:AttachGroupPolicy', arn('group', 'devs'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:AttachGroupPolicy', arn('group', 'others'))] },
    why: 'AttachGroupPolicy only on a group it is not in',
  },
  {
    id: 'iam-011',
    escalates: { kind: 'user', statements: [allow('IAM:PUTGROUPPOLICY', arn('group', 'devs'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:PutGroupPolicy', arn('group', 'devs')), deny('iam:*Group*')] },
    why: 'PutGroupPolicy denied by a wildcard Deny',
  },
  {
    id: 'iam-012',
    escalates: { kind: 'user', statements: [allow('iam:UpdateAssumeRolePolicy', arn('role', 'admin-*'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:UpdateAssumeRolePolicy', arn('role', 'plain-*'))] },
    why: 'UpdateAssumeRolePolicy only on unprivileged roles',
  },
  {
    id: 'iam-013',
    escalates: { kind: 'user', statements: [allow('iam:AddUserToGroup', arn('group', 'admins'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:AddUserToGroup', arn('group', 'others'))] },
    why: 'AddUserToGroup only to a group without privileges',
  },
  {
    id: 'iam-014',
    escalates: { kind: 'user', statements: [allow(['iam:AttachRolePolicy', 'sts:AssumeRole'], arn('role', 'assumable'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:AttachRolePolicy', arn('role', 'assumable'))] },
    why: 'without sts:AssumeRole on a role that trusts only the account',
  },
  {
    id: 'iam-015',
    escalates: { kind: 'user', statements: [allow(['iam:AttachUserPolicy', 'iam:CreateAccessKey'], arn('user', 'intern'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:AttachUserPolicy', arn('user', 'intern'))] },
    why: 'without CreateAccessKey on that user',
  },
  {
    id: 'iam-016',
    escalates: { kind: 'user', statements: [allow('iam:CreatePolicyVersion', arn('policy', 'assumable-policy')), allow('sts:AssumeRole', arn('role', 'assumable'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:CreatePolicyVersion', arn('policy', 'other-policy')), allow('sts:AssumeRole', arn('role', 'assumable'))] },
    why: 'CreatePolicyVersion only on a policy of a role it cannot assume',
  },
  {
    id: 'iam-017',
    escalates: { kind: 'role', statements: [allow(['iam:PutRolePolicy', 'sts:AssumeRole'], arn('role', 'assumable'))] },
    nearMiss: { kind: 'role', statements: [allow(['iam:PutRolePolicy', 'sts:AssumeRole'], arn('role', 'assumable')), deny('sts:AssumeRole')] },
    why: 'sts:AssumeRole denied',
  },
  {
    id: 'iam-018',
    escalates: { kind: 'user', statements: [allow(['iam:PutUserPolicy', 'iam:CreateAccessKey'], arn('user', 'intern'))] },
    nearMiss: { kind: 'user', statements: [allow(['iam:PutUserPolicy', 'iam:CreateAccessKey'], arn('user', 'intern')), deny('iam:CreateAccessKey', arn('user', 'intern'))] },
    why: 'CreateAccessKey denied on that user',
  },
  {
    id: 'iam-019',
    escalates: { kind: 'user', statements: [allow(['iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy'], arn('role', 'unrelated'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:AttachRolePolicy', arn('role', 'unrelated'))] },
    why: 'without UpdateAssumeRolePolicy',
  },
  {
    id: 'iam-020',
    escalates: { kind: 'user', statements: [allow('iam:CreatePolicyVersion', arn('policy', 'other-policy')), allow('iam:UpdateAssumeRolePolicy', arn('role', 'unrelated'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:CreatePolicyVersion', arn('policy', 'other-policy')), allow('iam:UpdateAssumeRolePolicy', arn('role', 'plain-svc-glue'))] },
    why: 'UpdateAssumeRolePolicy on a role the policy is not attached to',
  },
  {
    id: 'iam-021',
    escalates: { kind: 'user', statements: [allow(['iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy'], arn('role', 'unrelated'))] },
    nearMiss: { kind: 'user', statements: [allow('iam:PutRolePolicy', arn('role', 'unrelated')), allow('iam:UpdateAssumeRolePolicy', arn('role', 'plain-svc-glue'))] },
    why: 'the two permissions on different roles',
  },
  {
    id: 'sts-001',
    escalates: { kind: 'user', statements: [allow('sts:AssumeRole', arn('role', 'admin-role'))] },
    nearMiss: { kind: 'user', statements: [allow('sts:AssumeRole', arn('role', 'plain-*'))] },
    why: 'AssumeRole only on unprivileged roles',
  },
];

describe('escalation paths (pathfinding.cloud)', () => {
  it('covers at least 20 catalogued paths, each with a case and a near miss here', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    for (const c of CASES) expect(ESCALATION_PATHS.map((p) => p.id)).toContain(c.id);
  });

  for (const c of CASES) {
    const name = ESCALATION_PATHS.find((p) => p.id === c.id)?.name ?? '';
    it(`${c.id} ${name}: escalates`, () => {
      expect(pathsOf(c.escalates)).toContain(c.id);
    });
    it(`${c.id} ${name}: not a path ${c.why}`, () => {
      expect(pathsOf(c.nearMiss)).not.toContain(c.id);
    });
  }

  it('reports no one for an account of administrators and read-only users', () => {
    const model = world({ kind: 'user', statements: [allow(['s3:Get*', 'iam:Get*', 'iam:List*'])] });
    expect(escalationPaths(model)).toEqual([]);
    expect(model.users.find((u) => u.name === 'boss')?.admin).toBe(true);
    expect(model.groups.find((g) => g.name === 'admins')?.admin).toBe(true);
  });

  it('never reports an administrator, whatever it could also do', () => {
    const model = world({ kind: 'user', statements: [allow('*')] });
    expect(escalationPaths(model).map((e) => e.principal.name)).not.toContain('mallory');
  });

  it('reports a path behind a condition as conditional, with the condition keys', () => {
    const model = world({ kind: 'user', statements: [allow('iam:AttachUserPolicy', arn('user', 'mallory'), { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })] });
    const found = escalationPaths(model).find((e) => e.principal.name === 'mallory')?.findings.find((f) => f.path.id === 'iam-008');
    expect(found).toMatchObject({ decision: 'conditional', conditions: ['aws:MultiFactorAuthPresent'], target: arn('user', 'mallory') });
  });

  it('names the role passed, and prefers a definite path over a conditional one', () => {
    const model = world({
      kind: 'user',
      statements: [allow('iam:PassRole', arn('role', 'svc-lambda'), { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } }), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])],
    });
    const found = escalationPaths(model).find((e) => e.principal.name === 'mallory')?.findings.find((f) => f.path.id === 'lambda-001');
    expect(found).toMatchObject({ decision: 'conditional', target: arn('role', 'svc-lambda'), conditions: ['iam:PassedToService'] });
  });

  it('lets a trust policy that names the principal be enough to assume the role (same account)', () => {
    const model = world({ kind: 'user', statements: [] });
    const named = { ...model.roles.find((r) => r.name === 'admin-role')!, trust: { Statement: [{ Effect: 'Allow', Principal: { AWS: arn('user', 'mallory') }, Action: 'sts:AssumeRole' }] } };
    const mallory = model.users.find((u) => u.name === 'mallory')!;
    expect(canAssume(model, mallory, named).decision).toBe('allow');
    expect(canAssume(model, mallory, model.roles.find((r) => r.name === 'admin-role')!).decision).toBe('deny');
  });

  it('does not walk ec2-001 to an administrator role without an instance profile', () => {
    const model = world({ kind: 'user', statements: [allow('iam:PassRole', arn('role', 'svc-ec2')), allow('ec2:RunInstances')] });
    const ec2 = model.roles.find((r) => r.name === 'svc-ec2')!;
    ec2.hasInstanceProfile = false;
    expect(escalationPaths(model).find((e) => e.principal.name === 'mallory')?.findings.map((f) => f.path.id) ?? []).not.toContain('ec2-001');
  });
});
