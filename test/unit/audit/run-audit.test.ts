import { describe, expect, it } from 'vitest';
import { fetchCredentialReport, parseCredentialReport } from '../../../src/account/credential-report.js';
import { auditExitCode, renderMarkdown } from '../../../src/audit/report.js';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { UsageError } from '../../../src/errors.js';
import { ADMIN_ACCESS, auditClients, auditContext, reportCsv, ROOT, SECURE, userRow, type Scenario } from '../../support/audit-fixture.js';
import { FakeClock } from '../../support/context.js';

const all = (format = 'json') => parseAuditFlags({ format }, false);

describe('audit run', () => {
  it('is read-only: only Get, List, Generate and Describe calls', async () => {
    const { ctx, sent } = auditContext({ ...SECURE, organizationRole: 'management', orgFeatures: [] });
    await runAudit(ctx, all());
    expect(sent.length).toBeGreaterThan(15);
    expect(sent.filter((op) => !/^(Get|List|Generate|Describe)/.test(op))).toEqual([]);
  });

  it('fetches the credential report once however many checks use it', async () => {
    const { ctx, sent } = auditContext(SECURE);
    await runAudit(ctx, all());
    expect(sent.filter((op) => op === 'GetCredentialReport')).toHaveLength(1);
    // Users, groups, roles and customer policies: one account-wide read each, whichever checks need them.
    expect(sent.filter((op) => op === 'GetAccountAuthorizationDetails')).toHaveLength(4);
  });

  it('makes a number of calls that does not grow with users: a constant plus the pages of the authorization details', async () => {
    const callsFor = async (n: number) => {
      const users = Array.from({ length: n }, (_, i) => ({ name: `u${i}`, groups: ['Administrators'] }));
      const { ctx, sent } = auditContext({ ...SECURE, users, rows: [ROOT, ...users.map((u) => userRow(u.name, { mfa_active: 'true' }))] });
      const { doc } = await runAudit(ctx, all());
      expect(doc.accounts[0]?.checks.find((c) => c.id === 'admin-mfa')?.status).toBe('pass');
      return sent.length;
    };
    const [c1, c1000, c2500] = [await callsFor(1), await callsFor(1000), await callsFor(2500)];
    expect(c1000).toBe(c1); // 1,000 users fit one page
    expect(c2500).toBe(c1 + 2); // three pages of users
  });

  it('follows the Marker through pages smaller than MaxItems, and loses no entity', async () => {
    const users = Array.from({ length: 7 }, (_, i) => ({ name: `u${i}`, attached: [ADMIN_ACCESS] }));
    const { ctx, sent } = auditContext({ ...SECURE, pageSize: 3, users, rows: [ROOT, ...users.map((u) => userRow(u.name))] });
    const { doc } = await runAudit(ctx, parseAuditFlags({ check: ['user-direct-policies'], format: 'json' }, false));
    expect(doc.accounts[0]?.checks[0]?.resources).toHaveLength(7);
    expect(sent.filter((op) => op === 'GetAccountAuthorizationDetails')).toHaveLength(3 + 2); // users in 3 pages; groups and customer policies in 1 each
  });

  it('AccessDenied makes only the affected checks error, naming the missing action', async () => {
    const { ctx } = auditContext({ ...SECURE, denied: ['GenerateCredentialReport'] });
    const { doc } = await runAudit(ctx, all());
    const checks = doc.accounts[0]?.checks ?? [];
    const errors = checks.filter((c) => c.status === 'error');
    expect(errors.map((c) => c.id)).toEqual([
      'root-mfa', 'root-hardware-mfa', 'root-access-keys', 'root-recent-use', 'root-signing-certificates', 'admin-path', 'admin-mfa', 'console-mfa',
      'unused-credentials', 'key-rotation', 'single-active-key', 'initial-access-keys',
    ]);
    expect(errors[0]?.detail).toBe('missing permission iam:GenerateCredentialReport (AccessDenied)');
    expect(checks.find((c) => c.id === 'password-length')?.status).toBe('pass');
    expect(auditExitCode(doc, 'low')).toBe(3);
  });

  it('polls the report with growing delays and rides out LimitExceeded', async () => {
    const { clients } = auditClients({ ...SECURE, reportStates: ['STARTED', 'LimitExceeded', 'INPROGRESS'] });
    const clock = new FakeClock();
    const report = await fetchCredentialReport({ clients, clock });
    expect(clock.sleeps).toEqual([250, 500, 1000]);
    expect(report.root?.user).toBe('<root_account>');
  });

  it('gives up on the report after a minute instead of looping forever', async () => {
    const { clients } = auditClients({ ...SECURE, reportStates: Array(100).fill('INPROGRESS') });
    await expect(fetchCredentialReport({ clients, clock: new FakeClock() })).rejects.toThrow(/not ready after 60 seconds/);
  });

  it('prints one JSON document of schema version 1', async () => {
    const { ctx, stdout } = auditContext(SECURE, true);
    await runAudit(ctx, all());
    const doc = JSON.parse(stdout.join(''));
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'generatedAt', 'accounts', 'summary']);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.accounts[0]).toMatchObject({ accountId: '111122223333', alias: 'acme', error: null, summary: { pass: 41, fail: 0, skip: 3, error: 0 } });
    expect(Object.keys(doc.accounts[0].checks[0])).toEqual(['id', 'title', 'severity', 'references', 'mappings', 'status', 'detail', 'resources', 'remediation']);
  });

  it('renders a markdown table for tickets, failures first', async () => {
    const { ctx } = auditContext({ ...SECURE, aliases: [] });
    const { doc } = await runAudit(ctx, all('markdown'));
    const md = renderMarkdown(doc);
    expect(md).toContain('| Status | Severity | Check | Detail | Fix | References |');
    expect(md.split('\n').find((l) => l.startsWith('| ❌'))).toContain('`account-alias`');
  });

  it('the table groups by status with a summary line', async () => {
    const { ctx, stdout } = auditContext({ ...SECURE, aliases: [] });
    await runAudit(ctx, all('table'));
    const text = stdout.join('');
    expect(text.indexOf('FAIL')).toBeLessThan(text.indexOf('PASS'));
    expect(text).toContain('fix: iam-bootstrap init --only account-alias --alias <alias>');
    expect(text).toMatch(/Summary: 40 pass, 1 fail, 0 error, 3 skip/);
  });
});

describe('exit codes', () => {
  const docWith = async (sc: Scenario) => (await runAudit(auditContext(sc).ctx, all())).doc;

  it('1 when a check at or above --fail-on fails, else 0', async () => {
    const doc = await docWith({ ...SECURE, aliases: [] }); // account-alias: low
    expect(auditExitCode(doc, 'low')).toBe(1);
    expect(auditExitCode(doc, 'medium')).toBe(0);
  });

  it('failures take precedence over errors', async () => {
    const doc = await docWith({ ...SECURE, aliases: [], denied: ['ListServerCertificates'] });
    expect(auditExitCode(doc, 'low')).toBe(1);
    expect(auditExitCode(doc, 'critical')).toBe(3);
  });
});

describe('audit options', () => {
  it.each<[Record<string, unknown>, RegExp]>([
    [{ format: 'xml' }, /^--format: unknown format "xml"/],
    [{ failOn: 'severe' }, /^--fail-on: unknown severity "severe"; choose critical, high, medium, low/],
    [{ check: ['root-mfa', 'nope'] }, /^--check: unknown check "nope"/],
    [{ unusedDays: '0' }, /^--unused-days: "0" must be from 1 to 3650/],
    [{ accounts: '123456789012' }, /^--accounts: needs --org/],
    [{ org: true, accounts: '12345' }, /^--accounts: expected 12-digit account ids/],
    [{ org: true, concurrency: '0' }, /^--concurrency: "0" must be from 1 to 64/],
    [{ roleName: 'x' }, /^--role-name: needs --org/],
    [{ json: true, format: 'markdown' }, /^--format markdown and --json: standard output carries one format/],
  ])('rejects %o', (flags, message) => {
    expect(() => parseAuditFlags(flags, false)).toThrow(UsageError);
    expect(() => parseAuditFlags(flags, false)).toThrow(message);
  });
});

describe('credential report parsing', () => {
  it('reads AWS format with the root row, and quoted names containing commas', () => {
    const csv = `${reportCsv([ROOT])}\n"a,b","arn:aws:iam::1:user/a,b",2026-01-01T00:00:00+00:00,true`;
    const report = parseCredentialReport(csv, new Date());
    expect(report.root?.password_enabled).toBe('not_supported');
    expect(report.users.map((u) => u.user)).toEqual(['a,b']);
    expect(report.users[0]?.arn).toBe('arn:aws:iam::1:user/a,b');
    expect(report.users[0]?.password_enabled).toBe('true');
  });
});
