/**
 * The controls each check cites, against the team's transcription of the benchmarks (../shared/AWS-NOTES.md,
 * "Audit references", from the CIS PDFs as Prowler's compliance files carry them), and the compliance summary of
 * --framework, requirement by requirement.
 */
import { describe, expect, it } from 'vitest';
import { checkListing, renderCheckListing, runChecksCommand } from '../../../src/commands/checks.js';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { renderMarkdown, renderTable } from '../../../src/audit/report.js';
import { renderHtml } from '../../../src/audit/formats/html.js';
import { FRAMEWORKS } from '../../../src/frameworks/catalog.js';
import { auditContext, ROOT, SECURE, userRow } from '../../support/audit-fixture.js';
import { captureOutput } from '../../support/context.js';

/** AWS-NOTES.md's CIS table: item → [v3.0.0, v5.0.0, v7.0.0] ids ("" where that version has no such item). */
const CIS_TABLE: Record<string, [string, string, string]> = {
  'maintain current contact details': ['1.1', '1.1', '2.2'],
  'security contact registered': ['1.2', '1.2', '2.3'],
  'security questions': ['1.3', '', ''],
  'no root access key': ['1.4', '1.3', '2.4'],
  'root MFA': ['1.5', '1.4', '2.5'],
  'root hardware MFA': ['1.6', '1.5', '2.6'],
  'eliminate root use': ['1.7', '1.6', '2.7'],
  'password length ≥ 14': ['1.8', '1.7', '2.8'],
  'password reuse prevention': ['1.9', '1.8', '2.9'],
  'MFA for console users': ['1.10', '1.9', '2.10'],
  'no access keys at initial user setup': ['1.11', '1.10', ''],
  'credentials unused ≥ 45 days disabled': ['1.12', '1.11', '2.11'],
  'one active access key per user': ['1.13', '1.12', ''],
  'access keys rotated ≤ 90 days': ['1.14', '1.13', '2.12'],
  'permissions only through groups': ['1.15', '1.14', '2.13'],
  'no *:* policies attached': ['1.16', '1.15', '2.14'],
  'support role': ['1.17', '1.16', '2.15'],
  'IAM instance roles': ['1.18', '1.17', '2.16'],
  'expired server certificates removed': ['1.19', '1.18', '2.17'],
  'Access Analyzer in all regions': ['1.20', '1.19', '2.18'],
  'users managed centrally': ['1.21', '1.20', '2.19'],
  'AWSCloudShellFullAccess restricted': ['1.22', '1.21', '2.20'],
  'resource policies: no unrestricted Principal *': ['', '', '2.21'],
  'centralized root access (Organizations)': ['', '', '2.1.1'],
  'authorization guardrails (Organizations)': ['', '', '2.1.2'],
  // Beyond IAM (Prowler's cis_{3.0,5.0,7.0}_aws.json): the account defaults init sets.
  'S3 Block Public Access': ['2.1.4', '2.1.4', '3.1.4'],
  'EBS encryption in all regions': ['2.2.1', '5.1.1', '6.1.1'],
  'CloudTrail in all regions': ['3.1', '3.1', '4.1'],
  'CloudTrail log file validation': ['3.2', '3.2', '4.2'],
};

/** Which check decides which items, and its Security Hub controls (AWS-NOTES.md's Security Hub list). */
const CHECK_ITEMS: Record<string, { item?: string; items?: string[]; securityHub: string[] }> = {
  'root-mfa': { item: 'root MFA', securityHub: ['IAM.9'] },
  'root-hardware-mfa': { item: 'root hardware MFA', securityHub: ['IAM.6'] },
  'root-access-keys': { item: 'no root access key', securityHub: ['IAM.4'] },
  'root-recent-use': { item: 'eliminate root use', securityHub: [] },
  'account-alias': { securityHub: [] },
  'password-policy': { securityHub: [] },
  'password-length': { item: 'password length ≥ 14', securityHub: ['IAM.15', 'IAM.7'] },
  'password-reuse': { item: 'password reuse prevention', securityHub: ['IAM.16'] },
  'password-complexity': { securityHub: ['IAM.11', 'IAM.12', 'IAM.13', 'IAM.14', 'IAM.7'] },
  'security-contact': { item: 'security contact registered', securityHub: ['Account.1'] },
  'access-analyzer': { item: 'Access Analyzer in all regions', securityHub: ['IAM.28'] },
  'admin-path': { securityHub: [] },
  'identity-center-admin': { securityHub: [] },
  'admin-mfa': { securityHub: [] },
  'console-mfa': { item: 'MFA for console users', securityHub: ['IAM.5', 'IAM.19'] },
  'unused-credentials': { item: 'credentials unused ≥ 45 days disabled', securityHub: ['IAM.22', 'IAM.8'] },
  'key-rotation': { item: 'access keys rotated ≤ 90 days', securityHub: ['IAM.3'] },
  'single-active-key': { item: 'one active access key per user', securityHub: [] },
  'initial-access-keys': { item: 'no access keys at initial user setup', securityHub: [] },
  'user-direct-policies': { item: 'permissions only through groups', securityHub: ['IAM.2'] },
  'admin-customer-policies': { item: 'no *:* policies attached', securityHub: ['IAM.1'] },
  'support-role': { item: 'support role', securityHub: ['IAM.18'] },
  'expired-certificates': { item: 'expired server certificates removed', securityHub: ['IAM.26'] },
  'root-credentials-management': { item: 'centralized root access (Organizations)', securityHub: [] },
  'cloudshell-full-access': { item: 'AWSCloudShellFullAccess restricted', securityHub: ['IAM.27'] },
  'role-trust': { item: 'resource policies: no unrestricted Principal *', securityHub: [] },
  'root-signing-certificates': { securityHub: [] },
  'privilege-escalation': { securityHub: [] },
  'assume-any-role': { securityHub: [] },
  'admin-inline-policies': { item: 'no *:* policies attached', securityHub: [] },
  'service-trust-confused-deputy': { securityHub: [] },
  'cross-account-trust': { securityHub: [] },
  'unused-roles': { securityHub: [] },
  'account-contacts': { item: 'maintain current contact details', securityHub: [] },
  'public-access-findings': { item: 'resource policies: no unrestricted Principal *', securityHub: [] },
  'organization-guardrails': { item: 'authorization guardrails (Organizations)', securityHub: [] },
  's3-account-public-access-block': { item: 'S3 Block Public Access', securityHub: ['S3.1'] },
  'ebs-default-encryption': { item: 'EBS encryption in all regions', securityHub: ['EC2.7'] },
  'snapshot-public-access': { securityHub: [] },
  'ami-public-access': { securityHub: [] },
  'imds-defaults': { securityHub: [] },
  'budget-alert': { securityHub: [] },
  'cloudtrail-multi-region': { items: ['CloudTrail in all regions', 'CloudTrail log file validation'], securityHub: ['CloudTrail.1', 'CloudTrail.4'] },
  'guardduty': { securityHub: ['GuardDuty.1'] },
};

describe('iam-bootstrap checks', () => {
  it('lists every check with CIS v3/v5/v7 and Security Hub ids that agree with AWS-NOTES.md', () => {
    const listing = checkListing();
    expect(listing.map((c) => c.id).sort()).toEqual(Object.keys(CHECK_ITEMS).sort());
    for (const c of listing) {
      const expected = CHECK_ITEMS[c.id]!;
      const rows = (expected.items ?? (expected.item ? [expected.item] : [])).map((item) => CIS_TABLE[item]!);
      const cis = { 'cis-3.0': 0, 'cis-5.0': 1, 'cis-7.0': 2 };
      for (const [framework, column] of Object.entries(cis)) expect(c.mappings[framework] ?? [], `${c.id} ${framework}`).toEqual(rows.map((r) => r[column]).filter(Boolean));
      expect(c.mappings['security-hub'] ?? [], `${c.id} security-hub`).toEqual(expected.securityHub);
    }
  });

  it('every id a check cites is a requirement of that framework', () => {
    for (const c of checkListing()) {
      for (const [framework, ids] of Object.entries(c.mappings)) {
        const known = FRAMEWORKS[framework as keyof typeof FRAMEWORKS].requirements.map((r) => r.id);
        for (const id of ids) expect(known, `${c.id} cites ${framework} ${id}`).toContain(id);
      }
    }
  });

  it('--json prints the listing as a document; the text says what a withdrawn item is kept for', () => {
    const json = captureOutput(true);
    runChecksCommand(json.out);
    expect(JSON.parse(json.stdout.join(''))).toEqual({ schemaVersion: 1, checks: checkListing() });
    const text = renderCheckListing(checkListing());
    expect(text).toMatch(/single-active-key +medium +No user has two active access keys\n +CIS 5\.0 1\.12 · CIS 3\.0 1\.13 \(kept for hygiene: withdrawn in CIS AWS Foundations Benchmark v7\.0\.0\)/);
    expect(text).toMatch(/admin-path +high +Someone other than root can administer the account \(was: admin-user\)/);
  });
});

const byIdOf = (doc: { compliance?: { requirements: { id: string }[] } | null }) => Object.fromEntries((doc.compliance?.requirements ?? []).map((r) => [r.id, r]));

describe('audit --framework cis-7.0', () => {
  const V7_SECTION_2 = [
    '2.1.1', '2.1.2', '2.1.3', '2.1.4', '2.1.5', '2.1.6',
    ...Array.from({ length: 20 }, (_, i) => `2.${i + 2}`),
    // The account defaults beyond section 2 that audit checks.
    '3.1.4', '4.1', '4.2', '6.1.1',
  ];

  async function run(format: string) {
    // A console user without MFA (fails 2.10); everything else as on a secured account.
    const { ctx, stdout } = auditContext({ ...SECURE, rows: [...SECURE.rows!, userRow('bob', { password_enabled: 'true', password_last_used: 'no_information' })] }, format === 'json');
    const request = parseAuditFlags({ framework: 'cis-7.0', format }, false);
    const { doc } = await runAudit(ctx, request);
    return { doc, stdout: stdout.join(''), request, ctx };
  }

  it('runs only the checks that map to it, citing v7 ids only', async () => {
    const { doc, request } = await run('json');
    expect(request.checks).not.toContain('single-active-key');
    expect(request.checks).not.toContain('account-alias');
    const console = doc.accounts[0]!.checks.find((c) => c.id === 'console-mfa')!;
    expect(console.references).toEqual(['CIS 7.0 2.10']);
    expect(console.mappings).toEqual({ 'cis-7.0': ['2.10'] });
  });

  it('json: every requirement of section 2, in order, decided, failed or left to a person', async () => {
    const { doc } = await run('json');
    const summary = doc.compliance!;
    expect(summary).toMatchObject({ framework: 'cis-7.0', name: 'CIS AWS Foundations Benchmark v7.0.0', section: '2 Identity and Access Management, and the account defaults 3.1.4, 4.1, 4.2, 6.1.1' });
    expect(summary.requirements.map((r) => r.id)).toEqual(V7_SECTION_2);
    const byId = Object.fromEntries(summary.requirements.map((r) => [r.id, r]));
    expect(byId['2.10']).toMatchObject({ status: 'fail', checks: ['console-mfa'], assessment: 'automated' });
    expect(byId['2.5']).toMatchObject({ status: 'pass', checks: ['root-mfa'] });
    expect(byId['2.1.1']).toMatchObject({ status: 'not applicable', checks: ['root-credentials-management'] }); // not a management account
    expect(byId['2.1.2']).toMatchObject({ status: 'not applicable', checks: ['organization-guardrails'], assessment: 'manual' }); // not a management account
    expect(byId['2.1.2']?.review).toMatch(/service control policy/);
    expect(byId['2.21']).toMatchObject({ status: 'pass', checks: ['role-trust', 'public-access-findings'] });
    expect(byId['2.16']).toMatchObject({ status: 'not checked', review: expect.stringMatching(/instance profiles/) });
    // Manual items a check decides still say what a person must look at.
    expect(byId['2.6']).toMatchObject({ status: 'pass', assessment: 'manual', review: expect.stringMatching(/virtual device fails/) });
    expect(summary.withdrawn.map((w) => w.check)).toEqual(['initial-access-keys', 'single-active-key']);
  });

  it('table, markdown and html: the whole section, and the withdrawn items labelled as not CIS', async () => {
    const { doc, ctx } = await run('table');
    const text = renderTable(ctx.out, doc);
    for (const id of V7_SECTION_2) expect(text).toMatch(new RegExp(`\\n  (PASS|FAIL|N/A|REVIEW|ERROR|ACCEPTED) +${id.replace(/\./g, '\\.')} `));
    expect(text).toContain('CIS AWS Foundations Benchmark v7.0.0 — 2 Identity and Access Management, and the account defaults 3.1.4, 4.1, 4.2, 6.1.1: 30 requirements:');
    expect(byIdOf(doc)['4.1']).toMatchObject({ status: 'pass', checks: ['cloudtrail-multi-region'], assessment: 'manual' });
    expect(text).toContain('Withdrawn in v7.0.0: 1.12 (v5.0.0) Ensure there is only one active access key for any single IAM user. Not part of CIS AWS Foundations Benchmark v7.0.0; the single-active-key check keeps looking at it for hygiene (--check single-active-key).');
    const markdown = renderMarkdown(doc);
    for (const id of V7_SECTION_2) expect(markdown).toContain(`| ${id} |`);
    const html = renderHtml(doc, '9.9.9');
    for (const id of V7_SECTION_2) expect(html).toContain(`<td><code>${id}</code></td>`);
    expect(html).toContain('Not part of CIS AWS Foundations Benchmark v7.0.0');
  });

  it('without --framework: every check, CIS v7.0.0 ids first', async () => {
    const { ctx } = auditContext({ ...SECURE, rows: [ROOT] });
    const { doc } = await runAudit(ctx, parseAuditFlags({ format: 'json' }, false));
    expect(doc.compliance).toBeUndefined();
    expect(doc.accounts[0]!.checks).toHaveLength(checkListing().length);
    const root = doc.accounts[0]!.checks.find((c) => c.id === 'root-mfa')!;
    expect(root.references).toEqual(['CIS 7.0 2.5', 'CIS 5.0 1.4', 'CIS 3.0 1.5', 'Security Hub IAM.9', 'SSB ACCT.02']);
  });
});
