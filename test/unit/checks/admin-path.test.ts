/** admin-path: who besides root administers the account — an IAM user with MFA, or a role people reach. */
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import type { OrganizationMembership } from '../../../src/account/identity.js';
import { rolePath } from '../../../src/checks/admin-path.js';
import { ADMIN_ACCESS, auditContext, ROOT, SECURE, userRow, type Scenario } from '../../support/audit-fixture.js';

async function adminPath(scenario: Scenario, flags: Record<string, unknown> = {}) {
  const { ctx } = auditContext(scenario);
  const { doc } = await runAudit(ctx, parseAuditFlags({ check: ['admin-path'], format: 'json', ...flags }, false));
  return doc.accounts[0]!.checks[0]!;
}

const trust = (statement: object) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });
const IDENTITY_CENTER_TRUST = trust({
  Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE' },
  Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
  Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
});
/** An account with no IAM user at all: only roles can make it pass. */
const NO_USERS: Scenario = { ...SECURE, users: [], groups: [], rows: [ROOT], organizationRole: 'member' };

describe('admin-path passes for each way people administer an account', () => {
  it('an IAM Identity Center permission set with AdministratorAccess', async () => {
    const r = await adminPath({
      ...NO_USERS,
      roles: [
        { name: 'AWSReservedSSO_AdministratorAccess_0123abcd4567ef89', path: '/aws-reserved/sso.amazonaws.com/', trust: IDENTITY_CENTER_TRUST, attached: [ADMIN_ACCESS] },
        // A read-only permission set is a path in, but not an administrator.
        { name: 'AWSReservedSSO_ReadOnly_99aa88bb77cc66dd', path: '/aws-reserved/sso.amazonaws.com/', trust: IDENTITY_CENTER_TRUST, attached: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
      ],
    });
    expect(r.status).toBe('pass');
    expect(r.detail).toBe('AWSReservedSSO_AdministratorAccess_0123abcd4567ef89 (IAM Identity Center, permission set AdministratorAccess)');
  });

  it('a role federated through a SAML identity provider, admin by an inline policy allowing * on *', async () => {
    const r = await adminPath({
      ...NO_USERS,
      roles: [{
        name: 'OktaAdmins',
        trust: trust({ Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/Okta' }, Action: 'sts:AssumeRoleWithSAML' }),
        inline: { everything: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      }],
    });
    expect(r).toMatchObject({ status: 'pass', detail: 'OktaAdmins (SAML identity provider Okta)' });
  });

  it('a role federated through an OIDC provider', async () => {
    const r = await adminPath({
      ...NO_USERS,
      roles: [{ name: 'EntraAdmins', trust: trust({ Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/login.example.com/tenant' }, Action: 'sts:AssumeRoleWithWebIdentity' }), attached: [ADMIN_ACCESS] }],
    });
    expect(r).toMatchObject({ status: 'pass', detail: 'EntraAdmins (OIDC identity provider login.example.com/tenant)' });
  });

  it('OrganizationAccountAccessRole, trusted by the management account of the Organization', async () => {
    const r = await adminPath({
      ...NO_USERS,
      roles: [{ name: 'OrganizationAccountAccessRole', trust: trust({ Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }), attached: [ADMIN_ACCESS] }],
    });
    expect(r).toMatchObject({ status: 'pass', detail: 'OrganizationAccountAccessRole (from the management account 999999999999)' });
  });

  it('a role any account of the Organization may assume (aws:PrincipalOrgID)', async () => {
    const r = await adminPath({
      ...NO_USERS,
      roles: [{ name: 'OrgAdmin', trust: trust({ Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }), attached: [ADMIN_ACCESS] }],
    });
    expect(r).toMatchObject({ status: 'pass', detail: 'OrgAdmin (from any account of the Organization o-abc)' });
  });

  it('an IAM user with MFA, named with every other path', async () => {
    const r = await adminPath({
      ...SECURE,
      organizationRole: 'member',
      roles: [{ name: 'OrganizationAccountAccessRole', trust: trust({ Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }), attached: [ADMIN_ACCESS] }],
    });
    expect(r).toMatchObject({ status: 'pass', detail: 'alice (IAM user with MFA); OrganizationAccountAccessRole (from the management account 999999999999)' });
  });
});

describe('admin-path fails only when root is the only administrator, or every admin user lacks MFA', () => {
  it('root only: no admin user, no admin role; a role trusted by services or an outside account is not counted', async () => {
    const r = await adminPath({
      ...NO_USERS,
      roles: [
        { name: 'ci-deployer', trust: trust({ Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }), attached: [ADMIN_ACCESS] },
        { name: 'vendor', trust: trust({ Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' }), attached: [ADMIN_ACCESS] },
      ],
    });
    expect(r.status).toBe('fail');
    expect(r.detail).toBe(
      'the root user is the only administrator: no IAM user with administrator access and MFA, and no administrator role reached through IAM Identity Center, an identity provider or the Organization (ci-deployer (not counted: trusted by services or this account\'s own principals only); vendor (not counted: trusts 444455556666, not shown to be in this account\'s Organization))',
    );
    expect(r.resources).toEqual(['arn:aws:iam::111122223333:root']);
    expect(r.remediation).toMatch(/^iam-bootstrap init --only admin-group,admin-user,console-access,mfa --admin-user <name> \(or give people administrator access through IAM Identity Center\)$/);
  });

  it('an admin IAM user without MFA is named, with the one-step fix', async () => {
    const r = await adminPath({ ...SECURE, rows: [ROOT, userRow('bob')], users: [{ name: 'bob', attached: [ADMIN_ACCESS] }], roles: [] });
    expect(r).toMatchObject({
      status: 'fail',
      detail: 'bob: administrator without MFA, the only kind there is',
      resources: ['arn:aws:iam::111122223333:user/bob'],
      remediation: 'iam-bootstrap init --only mfa --admin-user bob',
    });
  });

  it('the former id admin-user still selects it', async () => {
    const r = await adminPath({ ...NO_USERS, roles: [] }, { check: ['admin-user'] });
    expect(r).toMatchObject({ id: 'admin-path', status: 'fail' });
  });
});

describe('rolePath', () => {
  const org: OrganizationMembership = { role: 'member', id: 'o-abc', managementAccountId: '999999999999' };
  it('an outside account is counted once the trust requires this Organization', () => {
    const outside = trust({ Principal: { AWS: 'arn:aws:iam::444455556666:role/admin' }, Action: 'sts:AssumeRole' });
    expect(rolePath({ name: 'r', path: '/', trust: outside }, '111122223333', org).kind).toBe('not-a-person-path');
    const scoped = { ...outside, Statement: [{ ...outside.Statement[0], Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }] };
    expect(rolePath({ name: 'r', path: '/', trust: scoped }, '111122223333', org)).toEqual({ kind: 'organization', accounts: ['444455556666'] });
  });

  it('a condition that only applies "IfExists" does not scope the trust to the Organization', () => {
    const loose = trust({ Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc' } } });
    expect(rolePath({ name: 'r', path: '/', trust: loose }, '111122223333', org).kind).toBe('not-a-person-path');
  });

  it('a Deny statement naming the management account is not a path', () => {
    const deny = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }] };
    expect(rolePath({ name: 'r', path: '/', trust: deny }, '111122223333', org).kind).toBe('not-a-person-path');
  });
});
