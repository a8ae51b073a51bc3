import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { CHECK_IDS } from '../../../src/checks/registry.js';
import { AUDIT_CHECK_IDS } from '../../../src/cli.js';
import { ADMIN_ACCESS, auditContext, daysAgo, ROOT, SECURE, userRow, type Scenario } from '../../support/audit-fixture.js';

async function check(id: string, scenario: Scenario, flags: Record<string, string> = {}) {
  const { ctx } = auditContext(scenario);
  const { doc } = await runAudit(ctx, parseAuditFlags({ check: [id], format: 'json', ...flags }, false));
  const result = doc.accounts[0]?.checks[0];
  if (!result) throw new Error('no result');
  return result;
}

const ROOT_WITHOUT_CREDENTIALS = { ...ROOT, password_enabled: 'false', mfa_active: 'false' };
const withRows = (...rows: ReturnType<typeof userRow>[]): Scenario => ({ ...SECURE, rows: [ROOT, ...rows] });

describe('the check list', () => {
  it('is the 44 stable ids, in report order, and --help lists exactly those', () => {
    expect(CHECK_IDS).toHaveLength(44);
    expect(new Set(CHECK_IDS).size).toBe(44);
    expect(AUDIT_CHECK_IDS).toEqual(CHECK_IDS);
  });
});

describe('every check passes on a secured account', () => {
  // These read the Organization, which the secured standalone account is not in.
  const ORGANIZATION_ONLY = ['root-credentials-management', 'identity-center-admin', 'organization-guardrails'];
  it.each(CHECK_IDS.filter((id) => !ORGANIZATION_ONLY.includes(id)))('%s', async (id) => {
    const r = await check(id, SECURE);
    expect(r.status, r.detail).toBe('pass');
    expect(r.remediation).toBe('');
  });

  it('root-credentials-management and organization-guardrails are skipped outside a management account', async () => {
    expect((await check('root-credentials-management', SECURE)).status).toBe('skip');
    expect(await check('organization-guardrails', SECURE)).toMatchObject({ status: 'skip', detail: 'not in an AWS Organization' });
  });

  it('identity-center-admin is skipped outside an Organization, with the reason', async () => {
    expect(await check('identity-center-admin', SECURE)).toMatchObject({
      status: 'skip',
      detail: 'not in an AWS Organization: Identity Center grants access to AWS accounts through an organization instance only',
    });
  });
});

describe('root checks', () => {
  it('root-mfa fails without MFA and names root', async () => {
    const r = await check('root-mfa', { ...SECURE, summary: { AccountMFAEnabled: 0 }, rows: [{ ...ROOT, mfa_active: 'false' }] });
    expect(r).toMatchObject({ status: 'fail', severity: 'critical', references: ['CIS 7.0 2.5', 'CIS 5.0 1.4', 'CIS 3.0 1.5', 'Security Hub IAM.9', 'SSB ACCT.02'], resources: ['arn:aws:iam::111122223333:root'] });
    expect(r.remediation).toMatch(/Console only/);
    // Nothing said whether root has a password: the detail says the report cannot show a removal.
    expect(r.detail).toBe('root user has no MFA (if centralized root access removed root credentials, the report cannot show it here)');
    // The summary says root has one: no such hedge.
    const known = await check('root-mfa', { ...SECURE, summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1 }, rows: [{ ...ROOT, mfa_active: 'false' }] });
    expect(known.detail).toBe('root user has no MFA');
  });

  it('root-mfa passes for a member account whose root credentials were removed (no false positive)', async () => {
    const sc = { ...SECURE, summary: { AccountMFAEnabled: 0 }, rows: [ROOT_WITHOUT_CREDENTIALS] };
    expect(await check('root-mfa', sc)).toMatchObject({ status: 'pass', detail: 'root has no password and no access keys: no credentials to protect' });
    expect((await check('root-hardware-mfa', sc)).status).toBe('pass');
  });

  it('root-hardware-mfa fails for a virtual device and passes for hardware', async () => {
    expect((await check('root-hardware-mfa', { ...SECURE, rootVirtualMfa: true })).detail).toMatch(/virtual MFA device .*root-account-mfa-device/);
    expect((await check('root-hardware-mfa', SECURE)).status).toBe('pass');
  });

  it('root-access-keys fails when the summary or the report shows a key', async () => {
    expect((await check('root-access-keys', { ...SECURE, summary: { AccountAccessKeysPresent: 1 } })).status).toBe('fail');
    const r = await check('root-access-keys', { ...SECURE, rows: [{ ...ROOT, access_key_1_active: 'true', access_key_2_active: 'true' }] });
    expect(r.detail).toBe('root user has 2 access keys');
  });

  it('root-recent-use fails when root signed in within --root-use-days, naming the date', async () => {
    const sc = { ...SECURE, rows: [{ ...ROOT, password_last_used: daysAgo(3) }] };
    expect((await check('root-recent-use', sc)).detail).toMatch(/root password used 2026-05-29 \(3 days ago\)/);
    expect((await check('root-recent-use', sc, { rootUseDays: '2' })).status).toBe('pass');
  });

  it('root-recent-use treats no_information and N/A as never used', async () => {
    const sc = { ...SECURE, rows: [{ ...ROOT, password_last_used: 'no_information', access_key_1_last_used_date: 'N/A' }] };
    expect((await check('root-recent-use', sc)).status).toBe('pass');
  });

  it('mentions the age of an old credential report', async () => {
    const r = await check('root-recent-use', { ...SECURE, reportGeneratedAt: new Date('2026-06-01T09:00:00Z') });
    expect(r.detail).toMatch(/credential report of 2026-06-01 09:00 UTC/);
  });
});

describe('account and password checks', () => {
  it('account-alias fails without an alias', async () => {
    expect((await check('account-alias', { ...SECURE, aliases: [] })).status).toBe('fail');
  });

  it('password checks fail with AWS default in effect, explaining it', async () => {
    const sc = { ...SECURE, passwordPolicy: undefined };
    expect((await check('password-policy', sc)).detail).toMatch(/AWS default/);
    expect((await check('password-length', sc)).detail).toBe('minimum length 8 (AWS default)');
    expect((await check('password-reuse', sc)).detail).toBe('no password reuse prevention');
    expect((await check('password-complexity', sc)).detail).toBe('not required: uppercase, lowercase, number, symbol');
  });

  it('password-length and password-reuse fail below the CIS values, with the figure', async () => {
    const weak = { ...SECURE, passwordPolicy: { ...SECURE.passwordPolicy, MinimumPasswordLength: 12, PasswordReusePrevention: 5 } };
    expect((await check('password-length', weak)).detail).toBe('minimum length 12');
    expect((await check('password-reuse', weak)).detail).toBe('remembers only 5 passwords');
    expect((await check('password-length', weak)).remediation).toBe('iam-bootstrap init --only password-policy --password-policy cis');
  });
});

describe('user checks', () => {
  it('admin-user fails when no IAM user has administrator access', async () => {
    const r = await check('admin-user', { ...SECURE, users: [{ name: 'alice' }] });
    expect(r.detail).toMatch(/root user is the only administrator/);
  });

  it('admin-mfa names administrators without MFA, whether admin directly, by group or by inline *:*', async () => {
    const sc: Scenario = {
      ...SECURE,
      users: [
        { name: 'alice', groups: ['Administrators'] },
        { name: 'bob', attached: [ADMIN_ACCESS] },
        { name: 'carol', inline: { all: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } } },
        { name: 'dave' },
      ],
      rows: [ROOT, userRow('alice', { mfa_active: 'true' }), userRow('bob'), userRow('carol'), userRow('dave')],
    };
    const r = await check('admin-mfa', sc);
    expect(r.status).toBe('fail');
    expect(r.detail).toBe('bob: administrator, no MFA; carol: administrator, no MFA');
    expect(r.resources).toEqual(['arn:aws:iam::111122223333:user/bob', 'arn:aws:iam::111122223333:user/carol']);
    expect(r.remediation).toBe('iam-bootstrap init --only mfa --admin-user bob\niam-bootstrap init --only mfa --admin-user carol');
  });

  it('treats a group with a customer policy allowing * on * as administrators', async () => {
    const sc: Scenario = {
      ...SECURE,
      customerPolicies: [{ name: 'Everything', document: { Statement: [{ Effect: 'Allow', Action: ['*'], Resource: ['*'] }] } }],
      groups: [{ name: 'Ops', attached: ['arn:aws:iam::111122223333:policy/Everything'] }],
      users: [{ name: 'erin', groups: ['Ops'] }],
      rows: [ROOT, userRow('erin')],
    };
    expect((await check('admin-mfa', sc)).detail).toBe('erin: administrator, no MFA');
  });

  it('console-mfa lists console users without MFA', async () => {
    const r = await check('console-mfa', withRows(userRow('bob', { password_enabled: 'true', password_last_used: 'no_information' })));
    expect(r).toMatchObject({ status: 'fail', detail: 'bob: console password, no MFA', references: ['CIS 7.0 2.10', 'CIS 5.0 1.9', 'CIS 3.0 1.10', 'Security Hub IAM.5', 'Security Hub IAM.19', 'SSB ACCT.05'] });
  });

  it('unused-credentials flags passwords and keys unused beyond --unused-days, counting never-used from creation', async () => {
    const rows = withRows(
      userRow('old', { password_enabled: 'true', password_last_used: daysAgo(60), mfa_active: 'true' }),
      userRow('never', { password_enabled: 'true', password_last_used: 'no_information', password_last_changed: daysAgo(50), mfa_active: 'true' }),
      userRow('keyed', { access_key_1_active: 'true', access_key_1_last_rotated: daysAgo(80), access_key_1_last_used_date: daysAgo(46) }),
      userRow('fresh', { access_key_1_active: 'true', access_key_1_last_rotated: daysAgo(10), access_key_1_last_used_date: 'N/A' }),
    );
    const r = await check('unused-credentials', rows);
    expect(r.detail).toBe(
      'old: console password unused for 60 days; never: console password never used for 50 days; keyed: access key 1 unused for 46 days',
    );
    expect((await check('unused-credentials', rows, { unusedDays: '90' })).status).toBe('pass');
  });

  it('key-rotation flags active keys older than --rotation-days, ignoring inactive ones', async () => {
    const sc = withRows(
      userRow('bob', { access_key_1_active: 'true', access_key_1_last_rotated: daysAgo(120), access_key_1_last_used_date: daysAgo(1) }),
      userRow('old-inactive', { access_key_2_active: 'false', access_key_2_last_rotated: daysAgo(500) }),
    );
    expect((await check('key-rotation', sc)).detail).toBe('bob: access key 1 is 120 days old');
    expect((await check('key-rotation', sc, { rotationDays: '180' })).status).toBe('pass');
  });

  it('single-active-key flags two active keys', async () => {
    const sc = withRows(userRow('bob', { access_key_1_active: 'true', access_key_2_active: 'true', access_key_1_last_rotated: daysAgo(1), access_key_2_last_rotated: daysAgo(1) }));
    expect((await check('single-active-key', sc)).detail).toBe('bob: 2 active access keys');
  });

  it('initial-access-keys flags a never-used key on a console user only', async () => {
    const sc = withRows(
      userRow('bob', { password_enabled: 'true', mfa_active: 'true', access_key_1_active: 'true', access_key_1_last_rotated: daysAgo(1), access_key_1_last_used_date: 'N/A' }),
      userRow('ci', { access_key_1_active: 'true', access_key_1_last_rotated: daysAgo(1), access_key_1_last_used_date: 'N/A' }),
    );
    expect((await check('initial-access-keys', sc)).detail).toBe('bob: console password and active access key 1 never used');
  });

  it('user-direct-policies names managed and inline policies on users', async () => {
    const sc: Scenario = { ...SECURE, users: [{ name: 'bob', attached: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], inline: { extra: {} } }] };
    expect((await check('user-direct-policies', sc)).detail).toBe('bob: ReadOnlyAccess, extra (inline)');
  });
});

describe('policy, role, certificate and Organization checks', () => {
  it('admin-customer-policies flags a customer policy allowing * on * but not narrower ones', async () => {
    const sc: Scenario = {
      ...SECURE,
      customerPolicies: [
        { name: 'TooBroad', document: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }, attachments: 2 },
        { name: 'S3Only', document: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
        { name: 'DenyAll', document: { Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] } },
      ],
    };
    const r = await check('admin-customer-policies', sc);
    expect(r.detail).toBe('TooBroad: allows * on * (attached 2 times)');
    expect(r.resources).toEqual(['arn:aws:iam::111122223333:policy/TooBroad']);
  });

  it('support-role fails when no role has AWSSupportAccess', async () => {
    expect((await check('support-role', { ...SECURE, supportRoles: [] })).status).toBe('fail');
  });

  it('expired-certificates flags expired certificates only', async () => {
    const sc = { ...SECURE, certificates: [{ name: 'old', expiration: new Date('2026-01-01T00:00:00Z') }, { name: 'new', expiration: new Date('2027-01-01T00:00:00Z') }] };
    expect((await check('expired-certificates', sc)).detail).toBe('old: expired 2026-01-01');
  });

  it('root-credentials-management is checked in the management account', async () => {
    expect((await check('root-credentials-management', { ...SECURE, organizationRole: 'management', orgFeatures: [] })).status).toBe('fail');
    expect((await check('root-credentials-management', { ...SECURE, organizationRole: 'management', orgFeatures: ['RootCredentialsManagement', 'RootSessions'] })).status).toBe('pass');
    expect((await check('root-credentials-management', { ...SECURE, organizationRole: 'member' })).status).toBe('skip');
  });
});
