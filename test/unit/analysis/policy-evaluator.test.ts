import { describe, expect, it } from 'vitest';
import { IAM_DATA_VERSION, SERVICE_ACTIONS } from '../../../src/analysis/iam-actions.generated.js';
import { ANY_RESOURCE, compilePolicy, evaluate, expandAction, isAdministrator, type PrincipalPolicies } from '../../../src/analysis/policy-evaluator.js';

const ACCOUNT = '123456789012';
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const allow = (Action: unknown, Resource: unknown = '*', extra: object = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: unknown, Resource: unknown = '*', extra: object = {}) => ({ Effect: 'Deny', Action, Resource, ...extra });
const principal = (docs: object[], opts: { boundary?: object; user?: string } = {}): PrincipalPolicies => ({
  policies: docs.map((d, i) => compilePolicy(`p${i}`, d)),
  ...(opts.boundary ? { boundary: compilePolicy('boundary', opts.boundary) } : {}),
  variables: { 'aws:principalaccount': ACCOUNT, ...(opts.user ? { 'aws:username': opts.user } : {}) },
});
const decision = (p: PrincipalPolicies, action: string, resource = ANY_RESOURCE) => evaluate(p, action, resource).decision;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe('policy evaluator', () => {
  it('allows what an Allow names and nothing else (implicit deny)', () => {
    const p = principal([doc(allow('iam:CreatePolicyVersion'))]);
    expect(decision(p, 'iam:CreatePolicyVersion')).toBe('allow');
    expect(decision(p, 'iam:DeletePolicyVersion')).toBe('deny');
  });

  it('matches actions case-insensitively, with * and ? wildcards', () => {
    const p = principal([doc(allow(['IAM:put*', 'lambda:?nvokeFunction']))]);
    expect(decision(p, 'iam:PutUserPolicy')).toBe('allow');
    expect(decision(p, 'iam:putrolepolicy')).toBe('allow');
    expect(decision(p, 'lambda:InvokeFunction')).toBe('allow');
    expect(decision(p, 'lambda:XXInvokeFunction')).toBe('deny');
    expect(decision(p, 'iam:AttachUserPolicy')).toBe('deny');
  });

  it('matches resources case-sensitively, with wildcards', () => {
    const p = principal([doc(allow('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/app-*`))]);
    expect(decision(p, 'iam:PassRole', role('app-worker'))).toBe('allow');
    expect(decision(p, 'iam:PassRole', role('APP-worker'))).toBe('deny');
    expect(decision(p, 'iam:PassRole', role('admin'))).toBe('deny');
  });

  it('lets an explicit Deny in another policy win over an Allow', () => {
    const p = principal([doc(allow('iam:*')), doc(deny('iam:CreatePolicyVersion'))]);
    expect(decision(p, 'iam:CreatePolicyVersion')).toBe('deny');
    expect(decision(p, 'iam:CreateUser')).toBe('allow');
  });

  it('lets a Deny on one resource block only that resource, and blocks "any resource" only when it covers all', () => {
    const p = principal([doc(allow('iam:PassRole')), doc(deny('iam:PassRole', role('admin')))]);
    expect(decision(p, 'iam:PassRole', role('admin'))).toBe('deny');
    expect(decision(p, 'iam:PassRole', role('worker'))).toBe('allow');
    expect(decision(p, 'iam:PassRole')).toBe('allow');
  });

  it('reads NotAction: everything but the listed actions', () => {
    const p = principal([doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' })]);
    expect(decision(p, 'lambda:CreateFunction')).toBe('allow');
    expect(decision(p, 'iam:PassRole', role('x'))).toBe('deny');
    const denied = principal([doc(allow('*')), doc({ Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' })]);
    expect(decision(denied, 's3:GetObject')).toBe('allow');
    expect(decision(denied, 'iam:CreateUser')).toBe('deny');
  });

  it('reads NotResource: everything but the listed resources', () => {
    const p = principal([doc({ Effect: 'Allow', Action: 'iam:PassRole', NotResource: role('admin') })]);
    expect(decision(p, 'iam:PassRole', role('admin'))).toBe('deny');
    expect(decision(p, 'iam:PassRole', role('worker'))).toBe('allow');
  });

  it('caps what the identity policies allow with the permissions boundary', () => {
    const boundary = doc(allow(['lambda:*', 's3:*']));
    const p = principal([doc(allow('*'))], { boundary });
    expect(decision(p, 'lambda:CreateFunction')).toBe('allow');
    expect(decision(p, 'iam:CreatePolicyVersion')).toBe('deny');
    expect(isAdministrator(p)).toBe(false);
  });

  it('makes an Allow behind a Condition conditional, naming the keys, and never definite', () => {
    const p = principal([doc(allow('iam:AttachUserPolicy', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))]);
    expect(evaluate(p, 'iam:AttachUserPolicy', ANY_RESOURCE)).toEqual({ decision: 'conditional', conditions: ['aws:MultiFactorAuthPresent'] });
    const both = principal([doc(allow('iam:AttachUserPolicy', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })), doc(allow('iam:AttachUserPolicy'))]);
    expect(decision(both, 'iam:AttachUserPolicy')).toBe('allow');
  });

  it('makes an Allow conditional when a conditional Deny might apply', () => {
    const p = principal([doc(allow('iam:*')), doc(deny('iam:*', '*', { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }))]);
    expect(evaluate(p, 'iam:CreateAccessKey', ANY_RESOURCE)).toEqual({ decision: 'conditional', conditions: ['aws:MultiFactorAuthPresent'] });
  });

  it('substitutes ${aws:username} for a user, and matches nothing for a role', () => {
    const statement = allow('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`);
    const alice = principal([doc(statement)], { user: 'alice' });
    expect(decision(alice, 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/alice`)).toBe('allow');
    expect(decision(alice, 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/admin`)).toBe('deny');
    expect(decision(principal([doc(statement)]), 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/admin`)).toBe('deny');
  });

  it('reads ${*}, ${?} and ${$} as the literal characters', () => {
    const p = principal([doc(allow('s3:GetObject', 'arn:aws:s3:::bucket/${*}-${?}'))]);
    expect(decision(p, 's3:GetObject', 'arn:aws:s3:::bucket/*-?')).toBe('allow');
    expect(decision(p, 's3:GetObject', 'arn:aws:s3:::bucket/a-b')).toBe('deny');
  });

  it('treats a variable it cannot know (a principal tag) as conditional', () => {
    const p = principal([doc(allow('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/\${aws:PrincipalTag/team}-*`))]);
    expect(decision(p, 'iam:PassRole', role('payments-worker'))).toBe('conditional');
  });

  it('calls administrator only every action on every resource with nothing denied', () => {
    expect(isAdministrator(principal([doc(allow('*'))]))).toBe(true);
    expect(isAdministrator(principal([doc(allow('*', role('x')))]))).toBe(false);
    expect(isAdministrator(principal([doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })]))).toBe(false);
    expect(isAdministrator(principal([doc(allow('*')), doc(deny('iam:DeleteUser'))]))).toBe(false);
    // A condition on who or what (a tag) is not administrator access; one on when (MFA) is, as is MFA enforcement.
    expect(isAdministrator(principal([doc(allow('*', '*', { Condition: { StringEquals: { 'aws:ResourceTag/team': 'ops' } } }))]))).toBe(false);
    expect(isAdministrator(principal([doc(allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))]))).toBe(true);
    const enforceMfa = deny('*', '*', { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } });
    expect(isAdministrator(principal([doc(allow('*')), doc(enforceMfa)]))).toBe(true);
    expect(isAdministrator(principal([doc(allow('*')), doc(deny('iam:*', '*', { Condition: { StringNotEquals: { 'aws:PrincipalTag/role': 'admin' } } }))]))).toBe(false);
    // Every service listed one by one is as much an administrator as "*": expansion against the shipped action list.
    const everyService = Object.keys(SERVICE_ACTIONS).map((s) => `${s}:*`);
    expect(isAdministrator(principal([doc(allow(everyService.slice(0, 200))), doc(allow(everyService.slice(200)))]))).toBe(true);
    expect(isAdministrator(principal([doc(allow(everyService.slice(1)))]))).toBe(false);
  });

  it('expands wildcards against the shipped IAM action list', () => {
    expect(IAM_DATA_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    const put = expandAction('iam:Put*');
    expect(put).toEqual(expect.arrayContaining(['iam:PutUserPolicy', 'iam:PutRolePolicy', 'iam:PutGroupPolicy', 'iam:PutRolePermissionsBoundary']));
    expect(put.every((a) => a.startsWith('iam:Put'))).toBe(true);
    expect(expandAction('sts:AssumeRole?')).toEqual([]);
    expect(expandAction('sts:AssumeRole*')).toEqual(expect.arrayContaining(['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity']));
  });

  it('ignores statements IAM would reject, and a missing document allows nothing', () => {
    const p = principal([{ Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }, { Effect: 'Allow', Resource: '*' }] }, {}]);
    expect(decision(p, 'iam:CreateUser')).toBe('deny');
  });
});
