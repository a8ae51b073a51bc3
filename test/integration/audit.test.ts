import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { cliEnv, createOrganization, freshAccount, iamFor, motoUrl, noMoto, runCli, workDir, type Credentials } from './support/moto.js';

interface Result {
  id: string;
  status: string;
  detail: string;
}

async function audit(creds: Credentials, args: string[] = []) {
  const r = await runCli(['audit', '--json', '--endpoint-url', motoUrl, ...args], { env: cliEnv(creds) });
  const doc = r.stdout ? JSON.parse(r.stdout) : undefined;
  const statuses = (accountIndex = 0): Record<string, string> =>
    Object.fromEntries((doc?.accounts[accountIndex]?.checks ?? []).map((c: Result) => [c.id, c.status]));
  return { ...r, doc, statuses };
}

describe.skipIf(noMoto)('audit against moto', () => {
  it('a deliberately insecure account fails the right checks and exits 1', async () => {
    const creds = await freshAccount();
    const iam = iamFor(creds);
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'Weak-password-1' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
    const everything = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'Everything', PolicyDocument: everything }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'bob', PolicyArn: Policy?.Arn }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'extra', PolicyDocument: everything }));

    const r = await audit(creds);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.statuses()).toMatchObject({
      'account-alias': 'fail',
      'password-policy': 'fail',
      'password-length': 'fail',
      'password-reuse': 'fail',
      'password-complexity': 'fail',
      'admin-path': 'fail', // bob is an administrator, but without MFA
      'admin-mfa': 'fail',
      'console-mfa': 'fail',
      'single-active-key': 'fail',
      'initial-access-keys': 'fail',
      'user-direct-policies': 'fail',
      'admin-customer-policies': 'fail',
      'support-role': 'fail',
      'root-access-keys': 'pass',
      'key-rotation': 'pass',
      'expired-certificates': 'pass',
      'root-credentials-management': 'skip',
    });
    const detail = (id: string) => r.doc.accounts[0].checks.find((c: Result) => c.id === id).detail;
    expect(detail('console-mfa')).toMatch(/^bob: console password, no MFA/);
    expect(detail('user-direct-policies')).toBe('bob: Everything, extra (inline)');
    expect(detail('admin-customer-policies')).toMatch(/^Everything: allows \* on \*/);
  });

  it('after init, the checks init owns pass and exit 0', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    const init = await runCli(
      ['init', '--yes', '--alias', `audited-${Date.now() % 1e6}`, '--admin-user', 'alice', '--mfa-secret-file', `${dir}/a.otp`, '--endpoint-url', motoUrl],
      { env: cliEnv(creds), cwd: dir },
    );
    expect(init.code).toBe(0);
    // admin-user is admin-path's former id: it still selects it.
    const owned = ['account-alias', 'password-policy', 'password-length', 'password-reuse', 'password-complexity', 'admin-user', 'admin-mfa', 'console-mfa', 'user-direct-policies', 'admin-customer-policies'];
    const r = await audit(creds, owned.flatMap((id) => ['--check', id]));
    expect(r.code).toBe(0);
    expect(r.statuses()).toEqual(Object.fromEntries(owned.map((id) => [id === 'admin-user' ? 'admin-path' : id, 'pass'])));
  });

  it('is read-only: --verbose traces every call', async () => {
    const creds = await freshAccount();
    const iam = iamFor(creds);
    for (const name of ['u1', 'u2', 'u3']) await iam.send(new CreateUserCommand({ UserName: name }));
    const r = await runCli(['audit', '--verbose', '--endpoint-url', motoUrl], { env: cliEnv(creds) });
    const ops = r.stderr.split('\n').filter((l) => l.startsWith('aws ')).map((l) => l.split(' ')[1] as string);
    expect(ops.length).toBeGreaterThan(10);
    const service = String.raw`(iam|sts|organizations|account|s3control|budgets|(access-analyzer|ec2|cloudtrail|guardduty)\([\w-]+\))`;
    expect(ops.filter((op) => !new RegExp(`^${service}:(Get|List|Generate|Describe)`).test(op))).toEqual([]);
    expect(ops.filter((op) => op === 'iam:GetCredentialReport')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`audit: ${ops.length} AWS calls in \\d+ ms; none retried; peak memory \\d+ MB`));
  });

  it('makes as many AWS calls for 40 users as for 1: the reads are account-wide', async () => {
    const callsWith = async (users: number) => {
      const creds = await freshAccount();
      const iam = iamFor(creds);
      for (let i = 0; i < users; i++) await iam.send(new CreateUserCommand({ UserName: `u${i}` }));
      const r = await runCli(['audit', '--json', '--verbose', '--endpoint-url', motoUrl], { env: cliEnv(creds) });
      expect(JSON.parse(r.stdout).accounts[0].checks.find((c: Result) => c.id === 'user-direct-policies').status).toBe('pass');
      return Number(/audit: (\d+) AWS calls/.exec(r.stderr)?.[1]);
    };
    expect(await callsWith(40)).toBe(await callsWith(1));
  });

  it('markdown output is a table for tickets', async () => {
    const creds = await freshAccount();
    const r = await runCli(['audit', '--format', 'markdown', '--endpoint-url', motoUrl], { env: cliEnv(creds) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^# IAM audit — /);
    expect(r.stdout).toContain('| Status | Severity | Check | Detail | Fix | References |');
  });

  it('--org outside an Organization is a usage error, not an empty clean report', async () => {
    const creds = await freshAccount();
    const r = await audit(creds, ['--org']);
    expect(r.code).toBe(2);
    // With --json the failure is a JSON error object on stdout (no report), and the message is on stderr too.
    expect(r.doc).toEqual({ schemaVersion: 1, error: { exitCode: 2, kind: 'usage', message: expect.stringContaining('--org: this account is not in an AWS Organization.') } });
    expect(r.stderr).toContain('--org: this account is not in an AWS Organization.');
  });

  it('an Organization with several member accounts gives one result per account', async () => {
    const creds = await freshAccount();
    await createOrganization(creds, ['member-1', 'member-2', 'member-3']);
    const r = await audit(creds, ['--org', '--concurrency', '2']);
    expect(r.doc.accounts).toHaveLength(4);
    expect(r.doc.accounts.map((a: { accountId: string }) => a.accountId)).toContain(creds.accountId);
    for (const [i, account] of (r.doc.accounts as { error: string | null; checks: Result[] }[]).entries()) {
      expect(account.error).toBeNull();
      expect(account.checks).toHaveLength(44);
      expect(r.statuses(i)['account-alias']).toBe('fail');
    }
    // Only the management account is asked about centralized root access (the test double answers
    // ListOrganizationsFeatures, which moto lacks); the members skip it.
    const mgmt = r.doc.accounts.find((a: { accountId: string }) => a.accountId === creds.accountId);
    expect(mgmt.checks.find((c: Result) => c.id === 'root-credentials-management')).toMatchObject({
      status: 'fail',
      detail: 'trusted access for IAM is not enabled in AWS Organizations, so centralized root access is off',
    });
    const member = r.doc.accounts.find((a: { accountId: string }) => a.accountId !== creds.accountId);
    expect(member.checks.find((c: Result) => c.id === 'root-credentials-management').status).toBe('skip');
    expect(r.doc.summary).toMatchObject({ accounts: 4, accountErrors: 0 });
    expect(r.code).toBe(1);

    // jsonl: a line per account as it is done, then the summary; each line a JSON document of its own.
    const lines = await runCli(['audit', '--org', '--format', 'jsonl', '--concurrency', '2', '--endpoint-url', motoUrl], { env: cliEnv(creds) });
    const docs = lines.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(docs.map((d) => d.type)).toEqual(['account', 'account', 'account', 'account', 'summary']);
    expect(docs[4].summary).toMatchObject({ accounts: 4, accountErrors: 0 });
  });
});
