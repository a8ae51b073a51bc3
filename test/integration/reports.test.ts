import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateLoginProfileCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { EnableSecurityHubCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { assertOcsfComplianceFinding } from '../support/ocsf.js';
import { cliEnv, freshAccount, iamFor, motoUrl, noMoto, runCli, workDir, type Credentials } from './support/moto.js';

const audit = (creds: Credentials, args: string[]) => runCli(['audit', '--endpoint-url', motoUrl, ...args], { env: cliEnv(creds) });

function securityHubFor(creds: Credentials): SecurityHubClient {
  return new SecurityHubClient({
    region: 'us-east-1',
    endpoint: motoUrl,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
  });
}

async function ourFindings(creds: Credentials): Promise<AwsSecurityFinding[]> {
  const { Findings = [] } = await securityHubFor(creds).send(new GetFindingsCommand({}));
  return Findings.filter((f) => f.Id?.startsWith(`iam-bootstrap/${creds.accountId}/`));
}

describe.skipIf(noMoto)('audit reports and Security Hub, against moto', () => {
  it('one run writes html, junit, ocsf and csv beside the JSON on stdout, each readable by a standard parser', async () => {
    const creds = await freshAccount();
    const iam = iamFor(creds);
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'Weak-password-1' }));
    const dir = workDir();
    const path = (name: string) => join(dir, name);
    const r = await audit(creds, ['--json', '--report', `html=${path('a.html')}`, '--report', `junit=${path('a.xml')}`, '--report', `ocsf=${path('a.ocsf.jsonl')}`, '--report', `csv=${path('a.csv')}`]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(r.stderr).toContain(`Wrote the junit report to ${path('a.xml')}`);

    const xml = readFileSync(path('a.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'testcase'].includes(n) }).parse(xml);
    const cases = junit.testsuites.testsuite.flatMap((s: { testcase: object[] }) => s.testcase) as { failure?: unknown }[];
    expect(cases.filter((c) => c.failure !== undefined)).toHaveLength(doc.summary.fail);
    expect(Number(junit.testsuites.failures)).toBe(doc.summary.fail);
    expect(cases).toHaveLength(44);

    const ocsf = readFileSync(path('a.ocsf.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(ocsf).toHaveLength(44);
    for (const finding of ocsf) assertOcsfComplianceFinding(finding);
    expect(ocsf.every((f) => f.cloud.account.uid === creds.accountId)).toBe(true);

    const rows = parseCsv(readFileSync(path('a.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(44);
    expect(rows.find((row) => row.check_id === 'console-mfa')).toMatchObject({ status: 'fail', account_id: creds.accountId });

    const html = readFileSync(path('a.html'), 'utf8');
    expect(html).toContain(`IAM audit of account ${creds.accountId}`);
    // Nothing half-written or left over beside them.
    expect(readFileSync(path('a.csv'), 'utf8').endsWith('\r\n')).toBe(true);
  });

  it('refuses an existing file without --force, a missing folder and an unknown format: exit 2, no AWS call', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    const taken = join(dir, 'taken.csv');
    writeFileSync(taken, 'keep me');
    const cases: [string[], RegExp][] = [
      [['--report', `csv=${taken}`], /--report csv=.*taken\.csv: .*already exists; add --force to replace it/],
      [['--report', `html=${join(dir, 'nope', 'a.html')}`], /--report html=.*: the folder .*nope does not exist/],
      [['--report', `pdf=${join(dir, 'a.pdf')}`], /--report: unknown format "pdf"/],
      [['--report', `csv=${join(dir, 'x.csv')}`, '--report', `junit=${join(dir, 'x.csv')}`], /is named twice/],
      [['--force'], /--force: needs --report/],
      [['--security-hub-account', '123'], /--security-hub-account: needs --security-hub/],
    ];
    for (const [args, message] of cases) {
      const r = await audit(creds, ['--verbose', ...args]);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/^aws /m);
    }
    expect(readFileSync(taken, 'utf8')).toBe('keep me');

    // With --force the file is replaced, whole.
    const r = await audit(creds, ['--check', 'account-alias', '--report', `csv=${taken}`, '--force']);
    expect(r.code).toBe(1);
    expect(readFileSync(taken, 'utf8')).toMatch(/^account_id,/);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('--security-hub imports one finding per check; a re-run keeps the count and updates UpdatedAt', async () => {
    const creds = await freshAccount();
    await securityHubFor(creds).send(new EnableSecurityHubCommand({}));
    const first = await audit(creds, ['--security-hub']);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(`Security Hub: 44 findings imported into account ${creds.accountId}, us-east-1 (44 new, 0 updated)`);
    const before = await ourFindings(creds);
    expect(before).toHaveLength(44);
    expect(new Set(before.map((f) => f.GeneratorId)).size).toBe(44);
    expect(before.find((f) => f.GeneratorId === 'account-alias')?.Compliance?.Status).toBe('FAILED');

    await new Promise((r) => setTimeout(r, 1100)); // UpdatedAt has millisecond precision; make the change plain
    const second = await audit(creds, ['--security-hub']);
    expect(second.stderr).toContain('(0 new, 44 updated)');
    const after = await ourFindings(creds);
    expect(after).toHaveLength(44);
    const pick = (fs: AwsSecurityFinding[]) => fs.find((f) => f.GeneratorId === 'account-alias');
    expect(pick(after)?.UpdatedAt).not.toBe(pick(before)?.UpdatedAt);
    expect(pick(after)?.CreatedAt).toBe(pick(before)?.CreatedAt);
  });

  it('--security-hub where Security Hub is not enabled: the fix named, exit 3, the report still printed', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    mkdirSync(join(dir, 'out'));
    const r = await audit(creds, ['--security-hub', '--format', 'markdown', '--report', `junit=${join(dir, 'out', 'a.xml')}`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`Security Hub is not enabled in account ${creds.accountId}, region us-east-1: enable it (aws securityhub enable-security-hub --region us-east-1`);
    expect(r.stdout).toContain('# IAM audit');
    expect(readFileSync(join(dir, 'out', 'a.xml'), 'utf8')).toContain('<testsuites');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
