/**
 * The README's Organization runbook, run as written: its shell blocks, with the AWS CLI and iam-bootstrap both
 * pointed at moto and the test double by AWS_ENDPOINT_URL (the same variable a user would set for a local
 * emulator). Then the case the runbook's last step does not cover: a member whose root keeps a virtual MFA
 * device, accepted explicitly with an exception file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateDetectorCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { CLI, cliEnv, freshAccount, iamFor, motoUrl, noMoto, runCli, workDir, type Credentials } from './support/moto.js';

const README = resolve(import.meta.dirname, '../../README.md');

/** The numbered shell blocks of one of the README's runbooks, in order. */
function runbookBlocks(heading = '### New account in an Organization'): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(heading);
  expect(start).toBeGreaterThan(-1);
  const rest = text.slice(start + 1);
  const section = rest.slice(0, rest.search(/\n#{2,3} /));
  return [...section.matchAll(/```(?:sh|bash)?\n([^]*?)```/g)].map((m) => m[1] ?? '').filter((b) => /^# \d+\./m.test(b));
}

/**
 * Runs the blocks in one bash, as a person pasting them would, recording each iam-bootstrap's exit code (the
 * runbook's audits are meant to exit 1 at first, which must not stop the rest).
 */
async function runRunbook(blocks: string[], env: NodeJS.ProcessEnv, cwd: string, newOrganization = true): Promise<{ code: number | null; exits: { code: number; args: string }[]; stderr: string }> {
  const log = join(cwd, 'exits.log');
  const prelude = [
    'set -u',
    `iam-bootstrap() { "${process.execPath}" "${CLI}" "$@"; local rc=$?; printf '%s\\t%s\\n' "$rc" "$*" >> "${log}"; return 0; }`,
    // The runbook starts from an Organization's management account.
    ...(newOrganization ? ['aws organizations create-organization --feature-set ALL > /dev/null'] : []),
  ].join('\n');
  writeFileSync(log, '');
  const script = `${prelude}\n${blocks.join('\n')}\n`;
  const result = await new Promise<{ code: number | null; stderr: string }>((done, fail) => {
    const child = spawn('bash', ['-c', script], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr }));
  });
  const exits = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
    const [code, args] = l.split('\t');
    return { code: Number(code), args: args ?? '' };
  });
  return { ...result, exits };
}

const endpointEnv = (creds: Credentials) => cliEnv(creds, { AWS_ENDPOINT_URL: motoUrl, AWS_DEFAULT_REGION: 'us-east-1' });

describe.skipIf(noMoto)("the README's Organization runbook, end to end", () => {
  it('creates the member, applies the baseline, centralizes root access, removes root credentials, and ends green', async () => {
    const blocks = runbookBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const management = await freshAccount();
    const r = await runRunbook(blocks, endpointEnv(management), workDir());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const steps = r.exits.map((e) => [e.args.split(' ').slice(0, 3).join(' '), e.code]);
    expect(steps).toEqual([
      [expect.stringMatching(/^init --account \d{12}$/), 0], // 2. the baseline
      [expect.stringMatching(/^audit --account \d{12}$/), 1], // 3. root-mfa fails while the member's root has a password
      ['init --yes --only', 0], // 4. centralized root access
      [expect.stringMatching(/^init --account \d{12}$/), 0], // 5. dry run
      [expect.stringMatching(/^init --account \d{12}$/), 0], // 5. removal
      [expect.stringMatching(/^audit --account \d{12}$/), 0], // 6. green
    ]);
  });
});

describe.skipIf(noMoto)('a member whose root keeps a virtual MFA device, accepted with an exception file', () => {
  it('fails on exactly root-hardware-mfa without the file, and exits 0 with it, the finding shown as accepted', async () => {
    const management = await freshAccount();
    const env = endpointEnv(management);
    const cwd = workDir();
    const aws = (args: string[]) => new Promise<string>((done, fail) => {
      const child = spawn('aws', [...args, '--output', 'text'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', fail);
      child.on('close', (code) => (code === 0 ? done(out.trim()) : fail(new Error(`aws ${args.join(' ')} exited ${code}`))));
    });
    await aws(['organizations', 'create-organization', '--feature-set', 'ALL']);
    const member = await aws(['organizations', 'create-account', '--email', 'aws+keeps-root@acme.example', '--account-name', 'keeps-root', '--query', 'CreateAccountStatus.AccountId']);
    expect(member).toMatch(/^\d{12}$/);
    // The member's root kept its password and has a virtual MFA device (a break-glass decision).
    await fetch(`${motoUrl}/__double/root/${member}`, {
      method: 'POST',
      body: JSON.stringify({ loginProfile: true, mfaDevices: [`arn:aws:iam::${member}:mfa/root-account-mfa-device`] }),
    });
    const init = await runCli(['init', '--account', member, '--yes', '--no-admin-user', '--alias', `keeps-root-${Date.now() % 1e6}`, '--security-contact-email', 'security@acme.example', '--security-contact-phone', '+1 206 555 0100', '--budget-amount', '50', '--cloudtrail'], { env, cwd });
    expect(init.code, init.stderr).toBe(0);
    // GuardDuty on, as the Organization's delegated administrator turns it on for its members.
    const memberCreds = await freshAccount(member);
    for (const region of ['eu-west-1', 'us-east-1', 'us-west-2']) {
      await new GuardDutyClient({ region, endpoint: motoUrl, credentials: { accessKeyId: memberCreds.accessKeyId, secretAccessKey: memberCreds.secretAccessKey, sessionToken: memberCreds.sessionToken } }).send(new CreateDetectorCommand({ Enable: true }));
    }

    const audit = (extra: string[] = []) => runCli(['audit', '--account', member, '--json', ...extra], { env, cwd });
    const failing = (stdout: string) => JSON.parse(stdout).accounts[0].checks.filter((c: { status: string }) => !['pass', 'skip'].includes(c.status)).map((c: { id: string; status: string }) => [c.id, c.status]);

    const without = await audit();
    expect(without.code).toBe(1);
    // account-contacts (low): the billing and operations contacts and the primary contact are the owner's to give.
    expect(failing(without.stdout)).toEqual([['root-hardware-mfa', 'fail'], ['account-contacts', 'fail']]);
    // admin-path passes through the role Organizations made, trusted by the management account.
    const adminPath = JSON.parse(without.stdout).accounts[0].checks.find((c: { id: string }) => c.id === 'admin-path');
    expect(adminPath).toMatchObject({ status: 'pass', detail: `OrganizationAccountAccessRole (from the management account ${management.accountId})` });

    writeFileSync(join(cwd, 'accept.yaml'), [
      'exceptions:',
      '  - check: root-hardware-mfa',
      `    account: "${member}"`,
      '    reason: Break-glass root keeps a virtual MFA device in the safe until the hardware key arrives',
      '    owner: security@acme.example',
      `    expires: ${new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)}`,
      '',
    ].join('\n'));
    const accepted = await audit(['--accept', 'accept.yaml', '--fail-on', 'medium']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(failing(accepted.stdout)).toEqual([['root-hardware-mfa', 'accepted'], ['account-contacts', 'fail']]);
    expect(accepted.stderr).not.toMatch(/Warning/);

    // The same file for another account matches nothing there: a stale-exception warning, and the failure counts.
    const other = await runCli(['audit', '--json', '--accept', 'accept.yaml', '--check', 'root-hardware-mfa'], { env, cwd });
    expect(other.stderr).toContain('Warning: exception accept.yaml#1 (root-hardware-mfa, account');
    expect(other.stderr).toContain('matched no failure');
  });
});

describe.skipIf(noMoto)("the README's Identity Center runbook, end to end", () => {
  it('makes the administrator on every account, and the audit it ends with passes once Identity Center has provisioned its role', async () => {
    const [make, confirm, ...rest] = runbookBlocks('### An Organization with IAM Identity Center');
    expect(rest).toEqual([]);
    const management = await freshAccount();
    const env = endpointEnv(management);
    const cwd = workDir();
    const first = await runRunbook([make ?? ''], env, cwd);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.exits.map((e) => e.code)).toEqual([0]);
    // What Identity Center does after an assignment, and moto does not: the reserved role in the account.
    const iam = iamFor(management);
    const role = 'AWSReservedSSO_AdministratorAccess_5f3e2a1b0c9d8e7f';
    await iam.send(new CreateRoleCommand({ RoleName: role, Path: '/aws-reserved/sso.amazonaws.com/', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${management.accountId}:saml-provider/AWSSSO_5f3e2a1b_DO_NOT_DELETE` }, Action: 'sts:AssumeRoleWithSAML' }] }) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    iam.destroy();
    const second = await runRunbook([confirm ?? '', make ?? ''], env, cwd, false);
    expect(second.exits.map((e) => e.code), second.stderr).toEqual([0, 0]);
  });
});
