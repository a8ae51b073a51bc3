/** The checks that look at what an attacker would use: escalation, trusts, exposure, contacts and guardrails. */
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { ADMIN_ACCESS, auditContext, daysAgo, ROOT, SECURE, type Scenario } from '../../support/audit-fixture.js';

const ACCOUNT = '111122223333';
const arn = (kind: string, name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`;
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const allow = (Action: unknown, Resource: unknown = '*', extra: object = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const trust = (Principal: object, Condition?: object) => doc({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...(Condition ? { Condition } : {}) });

async function check(id: string, scenario: Scenario, flags: Record<string, string> = {}) {
  const { ctx, sent } = auditContext(scenario);
  const { doc: result } = await runAudit(ctx, parseAuditFlags({ check: [id], format: 'json', ...flags }, false));
  const r = result.accounts[0]?.checks[0];
  if (!r) throw new Error('no result');
  return Object.assign(r, { sent });
}

describe('privilege-escalation', () => {
  const escalating: Scenario = {
    ...SECURE,
    customerPolicies: [{ name: 'policy-admin', document: doc(allow('iam:CreatePolicyVersion')), attachments: 1 }],
    users: [
      ...SECURE.users!,
      { name: 'erin', attached: [arn('policy', 'policy-admin')] },
      { name: 'lambda-dev', inline: { dev: doc(allow('iam:PassRole', arn('role', 'lambda-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])) } },
      { name: 'scoped-dev', inline: { dev: doc(allow('iam:PassRole', arn('role', 'lambda-plain')), allow('lambda:*')) } },
      { name: 'mfa-dev', inline: { dev: doc(allow('iam:AttachUserPolicy', arn('user', '${aws:username}'), { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })) } },
    ],
    roles: [
      ...SECURE.roles!,
      { name: 'lambda-admin', trust: trust({ Service: 'lambda.amazonaws.com' }), attached: [ADMIN_ACCESS] },
      { name: 'lambda-plain', trust: trust({ Service: 'lambda.amazonaws.com' }), inline: { logs: doc(allow('logs:*')) } },
    ],
  };

  it('names each principal that can become an administrator, its paths and what they act on', async () => {
    const r = await check('privilege-escalation', escalating);
    expect(r).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(r.resources).toEqual([arn('user', 'erin'), arn('user', 'lambda-dev'), arn('user', 'mfa-dev')]);
    expect(r.detail).toContain('user erin can become an administrator: iam-001 iam:CreatePolicyVersion on policy policy-admin');
    expect(r.detail).toContain('user lambda-dev can become an administrator: lambda-001 iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction on role lambda-admin');
    expect(r.detail).toContain('user mfa-dev may become an administrator (every path is conditional): iam-008 iam:AttachUserPolicy on user mfa-dev (conditional on aws:MultiFactorAuthPresent — these only narrow when or from where)');
    expect(r.detail).not.toMatch(/scoped-dev|alice/);
  });

  it('shows three paths of a principal that has many, then how many more', async () => {
    const r = await check('privilege-escalation', { ...SECURE, users: [...SECURE.users!, { name: 'iam-admin', attached: ['arn:aws:iam::aws:policy/IAMFullAccess'] }] });
    // No customer policy is attached to it, so no iam-001; the administrator alice is the target of the others.
    expect(r.detail).toBe('user iam-admin can become an administrator: iam-002 iam:CreateAccessKey on user alice, iam-004 iam:CreateLoginProfile on user alice, iam-006 iam:UpdateLoginProfile on user alice, and 7 more path(s)');
  });

  it('passes when nobody but administrators holds a path, counting who was judged', async () => {
    const r = await check('privilege-escalation', SECURE);
    expect(r).toMatchObject({ status: 'pass', detail: 'no path to administrator access among 1 user(s) and 1 role(s) (1 already administrators)' });
  });

  it('reads every principal with the same calls however many there are', async () => {
    const many = (n: number): Scenario => ({ ...escalating, users: Array.from({ length: n }, (_, i) => ({ name: `u${i}`, groups: ['Administrators'] })) });
    const few = await check('privilege-escalation', many(5));
    const lots = await check('privilege-escalation', many(900));
    expect(lots.sent).toEqual(few.sent);
    expect(few.sent.filter((op) => op === 'GetAccountAuthorizationDetails')).toHaveLength(4);
  });
});

describe('assume-any-role and admin-inline-policies', () => {
  it('assume-any-role names customer and inline policies allowing sts:AssumeRole on *', async () => {
    const r = await check('assume-any-role', {
      ...SECURE,
      customerPolicies: [
        { name: 'hop-anywhere', document: doc(allow('sts:AssumeRole')), attachments: 2 },
        { name: 'hop-named', document: doc(allow('sts:AssumeRole', arn('role', 'deploy'))) },
      ],
      roles: [{ name: 'ci', trust: trust({ Service: 'codebuild.amazonaws.com' }), inline: { any: doc(allow('sts:*', 'arn:aws:iam::*:role/*')) } }],
    });
    expect(r).toMatchObject({ status: 'fail', severity: 'high', resources: [arn('policy', 'hop-anywhere'), arn('role', 'ci')] });
    expect(r.detail).toBe('hop-anywhere: allows sts:AssumeRole on * (attached 2 times); role ci, inline any: allows sts:AssumeRole on *');
    expect((await check('assume-any-role', SECURE)).status).toBe('pass');
  });

  it('admin-inline-policies names inline * on * of users, groups and roles, and cites CIS 2.14', async () => {
    const r = await check('admin-inline-policies', {
      ...SECURE,
      users: [...SECURE.users!, { name: 'bob', inline: { everything: doc(allow('*')) } }],
      groups: [...SECURE.groups!, { name: 'ops', inline: { all: doc(allow(['*'], ['*'])) } }],
      roles: [{ name: 'narrow', trust: trust({ Service: 'lambda.amazonaws.com' }), inline: { s3: doc(allow('s3:*')) } }],
    });
    expect(r).toMatchObject({ status: 'fail', references: ['CIS 7.0 2.14', 'CIS 5.0 1.15', 'CIS 3.0 1.16'] });
    expect(r.detail).toBe('group ops, inline all: allows * on *; user bob, inline everything: allows * on *');
    expect((await check('admin-inline-policies', SECURE)).status).toBe('pass');
  });
});

describe('role trusts', () => {
  it('service-trust-confused-deputy flags documented services without a source condition, not EC2, Lambda or service-linked roles', async () => {
    const r = await check('service-trust-confused-deputy', {
      ...SECURE,
      roles: [
        { name: 'config-open', trust: trust({ Service: 'config.amazonaws.com' }) },
        { name: 'config-scoped', trust: trust({ Service: 'config.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': ACCOUNT } }) },
        { name: 'trail-if-exists', trust: trust({ Service: ['cloudtrail.amazonaws.com'] }, { StringEqualsIfExists: { 'aws:SourceArn': 'arn:aws:cloudtrail:*' } }) },
        { name: 'lambda-exec', trust: trust({ Service: 'lambda.amazonaws.com' }) },
        { name: 'AWSServiceRoleForConfig', path: '/aws-service-role/config.amazonaws.com/', trust: trust({ Service: 'config.amazonaws.com' }) },
      ],
    });
    expect(r).toMatchObject({ status: 'fail', severity: 'medium', resources: [arn('role', 'config-open'), arn('role', 'trail-if-exists')] });
    expect(r.detail).toBe('config-open: trusts config.amazonaws.com with no aws:SourceAccount or aws:SourceArn; trail-if-exists: trusts cloudtrail.amazonaws.com with no aws:SourceAccount or aws:SourceArn');
    expect((await check('service-trust-confused-deputy', SECURE)).status).toBe('pass');
  });

  it('cross-account-trust names other accounts trusted without an external id or MFA', async () => {
    const roles = [
      { name: 'vendor', trust: trust({ AWS: 'arn:aws:iam::999988887777:root' }) },
      { name: 'vendor-safe', trust: trust({ AWS: '999988887777' }, { StringEquals: { 'sts:ExternalId': 'shared-secret' } }) },
      { name: 'people', trust: trust({ AWS: ['arn:aws:iam::555566667777:user/ann'] }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) },
      { name: 'org-peer', trust: trust({ AWS: 'arn:aws:iam::222222222222:role/ci' }) },
    ];
    const alone = await check('cross-account-trust', { ...SECURE, roles });
    expect(alone).toMatchObject({ status: 'fail', resources: [arn('role', 'vendor'), arn('role', 'org-peer')] });
    expect(alone.detail).toBe('vendor: trusts 999988887777 with no external id or MFA condition; org-peer: trusts 222222222222 with no external id or MFA condition');
    // In the management account, the Organization's accounts are not outside it.
    const management = await check('cross-account-trust', { ...SECURE, roles, organizationRole: 'management', orgAccounts: [{ id: ACCOUNT, state: 'ACTIVE' }, { id: '222222222222', state: 'ACTIVE' }] });
    expect(management.resources).toEqual([arn('role', 'vendor')]);
    // A member cannot list them: the management account is known, the rest is said to be uncertain.
    const member = await check('cross-account-trust', { ...SECURE, roles: [...roles, { name: 'mgmt', trust: trust({ AWS: 'arn:aws:iam::999999999999:root' }) }], organizationRole: 'member' });
    expect(member.resources).toEqual([arn('role', 'vendor'), arn('role', 'org-peer')]);
    expect(member.detail).toMatch(/; audit --org from the management account tells them apart\)$/);
    expect((await check('cross-account-trust', SECURE)).status).toBe('pass');
  });

  it('unused-roles names roles unused beyond 90 days (or --unused-days), never-used ones by creation, not service-linked ones', async () => {
    const roles = [
      { name: 'stale', trust: trust({ Service: 'ec2.amazonaws.com' }), lastUsed: daysAgo(120), created: daysAgo(400) },
      { name: 'fresh', trust: trust({ Service: 'ec2.amazonaws.com' }), lastUsed: daysAgo(60), created: daysAgo(400) },
      { name: 'never', trust: trust({ Service: 'ec2.amazonaws.com' }), created: daysAgo(200) },
      { name: 'new', trust: trust({ Service: 'ec2.amazonaws.com' }), created: daysAgo(3) },
      { name: 'AWSServiceRoleForSupport', path: '/aws-service-role/support.amazonaws.com/', trust: trust({ Service: 'support.amazonaws.com' }), created: daysAgo(900) },
    ];
    const r = await check('unused-roles', { ...SECURE, roles });
    expect(r).toMatchObject({ status: 'fail', severity: 'low', resources: [arn('role', 'stale'), arn('role', 'never')] });
    expect(r.detail).toBe('stale: last used 120 days ago; never: never used, created 200 days ago');
    expect((await check('unused-roles', { ...SECURE, roles }, { unusedDays: '30' })).resources).toEqual([arn('role', 'stale'), arn('role', 'fresh'), arn('role', 'never')]);
    expect((await check('unused-roles', SECURE)).status).toBe('pass');
  });
});

describe('root-signing-certificates', () => {
  it('fails when the summary or the report shows an active certificate', async () => {
    expect(await check('root-signing-certificates', { ...SECURE, summary: { AccountSigningCertificatesPresent: 1 } })).toMatchObject({ status: 'fail', resources: [`arn:aws:iam::${ACCOUNT}:root`] });
    const both = await check('root-signing-certificates', { ...SECURE, rows: [{ ...ROOT, cert_1_active: 'true', cert_2_active: 'true' }] });
    expect(both.detail).toBe('root user has two active signing certificates');
    expect((await check('root-signing-certificates', SECURE)).status).toBe('pass');
  });
});

describe('account-contacts', () => {
  it('fails naming what is missing: the primary contact, its fields, the alternate contacts', async () => {
    expect((await check('account-contacts', { ...SECURE, primaryContact: undefined, alternateContacts: {} })).detail).toBe('no primary contact; no BILLING, OPERATIONS alternate contact');
    const partial = await check('account-contacts', { ...SECURE, primaryContact: { FullName: 'Acme', AddressLine1: '', City: 'Seattle', PostalCode: '98101', CountryCode: 'US', PhoneNumber: '' } });
    expect(partial).toMatchObject({ status: 'fail', detail: 'the primary contact lacks AddressLine1, PhoneNumber', references: ['CIS 7.0 2.2', 'CIS 5.0 1.1', 'CIS 3.0 1.1', 'SSB ACCT.01'] });
  });

  it('fails when every alternate contact is the same inbox, passes when they differ', async () => {
    const one = { email: 'it@example.com', name: 'IT', phone: '+1 206 555 0100', title: 'IT' };
    const same = await check('account-contacts', { ...SECURE, securityContact: one, alternateContacts: { BILLING: one, OPERATIONS: { ...one, email: 'IT@example.com' } } });
    expect(same.detail).toBe('BILLING, OPERATIONS and SECURITY all go to it@example.com: one inbox is one person on holiday');
    expect(await check('account-contacts', SECURE)).toMatchObject({ status: 'pass', detail: 'primary contact complete; alternate contacts BILLING billing@example.com, OPERATIONS ops@example.com, SECURITY security@example.com' });
  });
});

describe('public-access-findings', () => {
  it('lists active findings by resource type and region, and cites CIS 2.21', async () => {
    const r = await check('public-access-findings', {
      ...SECURE,
      findings: {
        'us-east-1': [{ resource: 'arn:aws:s3:::acme-public', resourceType: 'AWS::S3::Bucket', isPublic: true }],
        'eu-west-1': [{ resource: arn('role', 'partner'), resourceType: 'AWS::IAM::Role', isPublic: false, principal: { AWS: '999988887777' } }],
      },
    });
    expect(r).toMatchObject({ status: 'fail', severity: 'high', references: ['CIS 7.0 2.21'], resources: [arn('role', 'partner'), 'arn:aws:s3:::acme-public'] });
    // Regions in the order account:ListRegions gives them (sorted).
    expect(r.detail).toBe('1 IAM role, 1 S3 bucket shared outside the account: IAM role partner (eu-west-1): shared with 999988887777; S3 bucket acme-public (us-east-1): public');
  });

  it('is an error naming the regions without an analyzer, and passes when the analyzers find nothing', async () => {
    const r = await check('public-access-findings', { ...SECURE, analyzers: { 'us-east-1': SECURE.analyzers!['us-east-1']! } });
    expect(r).toMatchObject({ status: 'error', detail: 'no active external-access analyzer in eu-west-1, so what is shared there cannot be read; create one (init --only access-analyzer)' });
    expect(await check('public-access-findings', SECURE)).toMatchObject({ status: 'pass', detail: 'no active finding in 2 region(s)' });
  });

  it('a denied ListFindings makes only this check error, naming the action', async () => {
    expect(await check('public-access-findings', { ...SECURE, denied: ['ListFindings'] })).toMatchObject({ status: 'error', detail: expect.stringMatching(/^missing permission access-analyzer:ListFindings in [a-z0-9-]+ \(AccessDenied\)$/) });
  });
});

describe('organization-guardrails', () => {
  const management: Scenario = { ...SECURE, organizationRole: 'management' };
  const tree = { ous: [{ id: 'ou-prod', parent: 'r-root', scps: ['deny-leave'] }, { id: 'ou-sandbox', parent: 'r-root' }] };

  it('fails naming accounts under FullAWSAccess alone, counting policies inherited from OUs', async () => {
    const r = await check('organization-guardrails', {
      ...management,
      guardrails: { scpEnabled: true, ...tree, accounts: [{ id: ACCOUNT, parent: 'r-root', name: 'management' }, { id: '222222222222', parent: 'ou-prod' }, { id: '333333333333', parent: 'ou-sandbox', name: 'sandbox' }], rcps: ['deny-public-s3'] },
    });
    expect(r).toMatchObject({ status: 'fail', severity: 'medium', references: ['CIS 7.0 2.1.2'], resources: [ACCOUNT, '333333333333'] });
    expect(r.detail).toBe('only FullAWSAccess applies to 111122223333 (management); 333333333333 (sandbox); resource control policies in use: deny-public-s3');
  });

  it('passes when a root policy reaches everyone; fails when SCPs are off; skips outside the management account', async () => {
    const passing = await check('organization-guardrails', { ...management, guardrails: { scpEnabled: true, rootScps: ['baseline'], ...tree, accounts: [{ id: ACCOUNT, parent: 'r-root' }, { id: '333333333333', parent: 'ou-sandbox' }] } });
    expect(passing).toMatchObject({ status: 'pass', detail: 'all 2 account(s) are under a service control policy other than FullAWSAccess; no resource control policy in use' });
    const off = await check('organization-guardrails', { ...management, guardrails: { scpEnabled: false, accounts: [{ id: ACCOUNT, parent: 'r-root' }] } });
    expect(off).toMatchObject({ status: 'fail', detail: "service control policies are not enabled on the Organization's root; no resource control policy in use" });
    expect(await check('organization-guardrails', { ...SECURE, organizationRole: 'member' })).toMatchObject({ status: 'skip' });
  });
});
