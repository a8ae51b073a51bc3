/** The checks that meet init's new steps: security contact, Access Analyzer, CloudShell, role trust. */
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { decodePolicyDocument } from '../../../src/account/policy-document.js';
import { trustsEveryone } from '../../../src/checks/roles.js';
import { auditContext, SECURE, type Scenario } from '../../support/audit-fixture.js';

async function check(id: string, scenario: Scenario) {
  const { ctx, sent } = auditContext(scenario);
  const { doc } = await runAudit(ctx, parseAuditFlags({ check: [id], format: 'json' }, false));
  return { ...doc.accounts[0]!.checks[0]!, sent };
}

const trust = (statement: object) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }] });

describe('security-contact (CIS 1.2)', () => {
  it('passes with a SECURITY contact, fails without, and reads only that', async () => {
    const ok = await check('security-contact', SECURE);
    expect(ok).toMatchObject({ status: 'pass', detail: 'SECURITY contact Security team <security@example.com>', references: ['CIS 7.0 2.3', 'CIS 5.0 1.2', 'CIS 3.0 1.2', 'Security Hub Account.1', 'SSB ACCT.01'] });
    expect(ok.sent).toEqual(['GetCallerIdentity', 'DescribeOrganization', 'GetAlternateContact', 'ListAccountAliases']);
    const none = await check('security-contact', { ...SECURE, securityContact: undefined });
    expect(none.status).toBe('fail');
    expect(none.remediation).toMatch(/--security-contact-email/);
  });

  it('is error, naming the action, when it may not be read', async () => {
    expect(await check('security-contact', { ...SECURE, denied: ['GetAlternateContact'] })).toMatchObject({
      status: 'error',
      detail: 'missing permission account:GetAlternateContact (AccessDenied)',
    });
  });
});

describe('access-analyzer (CIS 1.20)', () => {
  it('names the enabled regions without an ACTIVE external-access analyzer', async () => {
    const r = await check('access-analyzer', {
      ...SECURE,
      regions: ['ap-south-1', 'eu-west-1', 'us-east-1'],
      analyzers: {
        'us-east-1': [{ name: 'a', type: 'ACCOUNT', status: 'ACTIVE' }],
        'eu-west-1': [{ name: 'b', type: 'ACCOUNT', status: 'FAILED' }, { name: 'c', type: 'ACCOUNT_UNUSED_ACCESS', status: 'ACTIVE' }],
      },
    });
    expect(r.status).toBe('fail');
    expect(r.detail).toBe('ap-south-1: no ACTIVE analyzer; eu-west-1: no ACTIVE analyzer (2 of 3 enabled regions)');
    expect(r.remediation).toContain('aws accessanalyzer create-analyzer --analyzer-name iam-bootstrap --type ACCOUNT --region ap-south-1');
  });

  it('passes when every enabled region has one (ACCOUNT or ORGANIZATION)', async () => {
    expect(await check('access-analyzer', SECURE)).toMatchObject({ status: 'pass', detail: 'an ACTIVE analyzer in each of 2 enabled regions' });
  });

  it('is error when the regions may not be listed', async () => {
    expect((await check('access-analyzer', { ...SECURE, denied: ['ListRegions'] })).detail).toBe('missing permission account:ListRegions (AccessDenied)');
  });
});

describe('cloudshell-full-access (CIS 1.22)', () => {
  it('names every user, group and role AWSCloudShellFullAccess is attached to', async () => {
    const r = await check('cloudshell-full-access', { ...SECURE, cloudShell: { users: ['bob'], groups: ['Devs'], roles: ['Ops'] } });
    expect(r).toMatchObject({ status: 'fail', severity: 'low', detail: 'AWSCloudShellFullAccess is attached to user bob; group Devs; role Ops' });
    expect(r.resources).toEqual(['arn:aws:iam::111122223333:user/bob', 'arn:aws:iam::111122223333:group/Devs', 'arn:aws:iam::111122223333:role/Ops']);
  });
});

describe('role-trust', () => {
  it('fails for a role every AWS principal may assume, naming it', async () => {
    const r = await check('role-trust', { ...SECURE, roles: [{ name: 'Open', trust: trust({ Principal: { AWS: '*' } }) }, { name: 'Fine', trust: trust({ Principal: { Service: 'ec2.amazonaws.com' } }) }] });
    expect(r).toMatchObject({ status: 'fail', severity: 'critical', detail: 'Open: trusts every AWS principal, with no condition on who', resources: ['arn:aws:iam::111122223333:role/Open'] });
  });

  it.each<[string, object, boolean]>([
    ['"Principal": "*"', { Principal: '*' }, true],
    ['{"AWS": "*"}', { Principal: { AWS: '*' } }, true],
    ['"*" among other principals', { Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'] } }, true],
    ['NotPrincipal in an Allow', { NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }, true],
    ['aws:PrincipalOrgID', { Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }, false],
    ['aws:SourceAccount', { Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }, false],
    ['sts:ExternalId', { Principal: { AWS: '*' }, Condition: { StringEquals: { 'sts:ExternalId': 'x7' } } }, false],
    ['a condition key in another case', { Principal: { AWS: '*' }, Condition: { StringEquals: { 'AWS:PrincipalOrgId': 'o-abc123' } } }, false],
    ['…IfExists, which an absent key passes', { Principal: { AWS: '*' }, Condition: { StringEqualsIfExists: { 'sts:ExternalId': 'x7' } } }, true],
    ['a wildcard value', { Principal: { AWS: '*' }, Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } }, true],
    ['a condition on when, not who', { Principal: { AWS: '*' }, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }, true],
    ['a named account', { Principal: { AWS: 'arn:aws:iam::222233334444:root' } }, false],
    ['a service', { Principal: { Service: 'lambda.amazonaws.com' } }, false],
  ])('%s → trusts everyone: %s', (_what, statement, expected) => {
    expect(trustsEveryone(trust(statement))).toBe(expected);
  });

  it('a Deny for "*" is not an opening', () => {
    expect(trustsEveryone({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }] })).toBe(false);
  });
});

describe('decodePolicyDocument', () => {
  it('reads the URL-encoded documents IAM returns, and plain JSON as it is', () => {
    const doc = { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a%b/*' }] };
    expect(decodePolicyDocument(encodeURIComponent(JSON.stringify(doc)))).toEqual(doc);
    expect(decodePolicyDocument(JSON.stringify(doc))).toEqual(doc); // a literal % in it must not break decoding
    expect(decodePolicyDocument('%7Bnot json')).toBeUndefined();
    expect(decodePolicyDocument(undefined)).toBeUndefined();
  });
});
