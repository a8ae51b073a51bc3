/**
 * Verdicts that must hold on real AWS credential reports and API answers, which moto cannot produce: each case
 * states the exact report row or answer it is about.
 */
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { FRAMEWORKS, type FrameworkId } from '../../../src/frameworks/catalog.js';
import { ALL_CHECKS } from '../../../src/checks/registry.js';
import { auditContext, daysAgo, ROOT, SECURE, userRow, type Scenario } from '../../support/audit-fixture.js';

async function check(id: string, scenario: Scenario) {
  const { ctx } = auditContext(scenario);
  const { doc } = await runAudit(ctx, parseAuditFlags({ check: [id], format: 'json' }, false));
  return doc.accounts[0]!.checks[0]!;
}

describe('root-credentials-management in a management account', () => {
  const management: Scenario = { ...SECURE, organizationRole: 'management' };

  it.each([
    ['ServiceAccessNotEnabledException', /trusted access for IAM is not enabled/],
    ['OrganizationNotInAllFeaturesModeException', /does not have all features enabled/],
  ])('ListOrganizationsFeatures answering %s is the answer: fail, with the fix', async (error, detail) => {
    const r = await check('root-credentials-management', { ...management, orgFeaturesError: error });
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(detail);
    expect(r.remediation).toMatch(/iam-bootstrap init --only root-access --centralize-root-access/);
  });

  it('AccessDenied is a real inability to read: error, naming the action', async () => {
    const r = await check('root-credentials-management', { ...management, denied: ['ListOrganizationsFeatures'] });
    expect(r).toMatchObject({ status: 'error', detail: 'missing permission iam:ListOrganizationsFeatures (AccessDenied)' });
  });
});

describe('users created after the credential report was generated', () => {
  // alice is an administrator (group Administrators) with no row in the report: it was generated before she existed.
  const newer = (over: Scenario = {}): Scenario => ({ ...SECURE, rows: [ROOT], ...over });

  it('an admin with an assigned MFA device is never reported as "no MFA"', async () => {
    const sc = newer({ loginProfiles: ['alice'], mfaDevices: { alice: ['arn:aws:iam::111122223333:mfa/alice'] } });
    for (const id of ['admin-mfa', 'admin-user', 'console-mfa']) {
      const r = await check(id, sc);
      expect(r.status, `${id}: ${r.detail}`).toBe('pass');
      expect(r.detail).toMatch(/alice is newer than the credential report/);
    }
  });

  it('an admin without MFA fails, and the detail says the verdict comes from a direct read', async () => {
    const sc = newer({ loginProfiles: ['alice'] });
    expect(await check('admin-mfa', sc)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^alice: administrator, no MFA \(alice is newer/) });
    expect(await check('admin-user', sc)).toMatchObject({ status: 'fail' });
    expect(await check('console-mfa', sc)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^alice: console password, no MFA/) });
  });

  it('a newer user without a console password does not count for console-mfa', async () => {
    const r = await check('console-mfa', newer({ users: [{ name: 'bot' }] }));
    expect(r).toMatchObject({ status: 'pass', detail: 'every console user has MFA' });
  });
});

describe('root without a password has no credentials to protect', () => {
  const noPassword = 'root has no password and no access keys: no credentials to protect';

  it.each<[string, Scenario]>([
    [
      'GetAccountSummary AccountPasswordPresent 0, the report writing not_supported',
      { ...SECURE, summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 0 }, rows: [{ ...ROOT, mfa_active: 'false', password_enabled: 'not_supported' }] },
    ],
    [
      "the report's password_enabled false, the summary silent about the password",
      { ...SECURE, summary: { AccountMFAEnabled: 0 }, rows: [{ ...ROOT, mfa_active: 'false', password_enabled: 'false' }] },
    ],
  ])('%s: root-mfa and root-hardware-mfa pass', async (_what, sc) => {
    expect(await check('root-mfa', sc)).toMatchObject({ status: 'pass', detail: noPassword });
    expect(await check('root-hardware-mfa', sc)).toMatchObject({ status: 'pass', detail: noPassword });
  });

  it('a password (AccountPasswordPresent 1) without MFA still fails, whatever the report writes', async () => {
    const sc = { ...SECURE, summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1 }, rows: [{ ...ROOT, mfa_active: 'false' }] };
    expect((await check('root-mfa', sc)).status).toBe('fail');
  });

  it('no password but an access key: the key is a credential, root-mfa fails', async () => {
    const sc = {
      ...SECURE,
      summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 1 },
      rows: [{ ...ROOT, mfa_active: 'false', access_key_1_active: 'true' }],
    };
    expect((await check('root-mfa', sc)).status).toBe('fail');
  });
});

describe('a report without the <root_account> row', () => {
  it('root-recent-use is error, never a silent pass', async () => {
    const r = await check('root-recent-use', { ...SECURE, rows: [userRow('alice', { password_enabled: 'true', mfa_active: 'true', password_last_used: daysAgo(1) })] });
    expect(r.status).toBe('error');
    expect(r.detail).toMatch(/the credential report has no root row/);
  });
});

describe('mappings claim only what a check implements', () => {
  it('password-policy (a custom policy exists) does not cite Security Hub IAM.7, whose rule demands values', () => {
    expect(ALL_CHECKS.find((c) => c.id === 'password-policy')?.mappings['security-hub']).toBeUndefined();
  });

  it('every mapped id is a requirement of that framework\'s catalogue', () => {
    for (const c of ALL_CHECKS) {
      for (const [framework, ids] of Object.entries(c.mappings)) {
        const known = FRAMEWORKS[framework as FrameworkId].requirements.map((r) => r.id);
        for (const id of ids ?? []) expect(known, `${c.id} → ${framework} ${id}`).toContain(id);
      }
    }
  });
});


