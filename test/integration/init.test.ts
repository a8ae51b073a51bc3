import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetAccountPasswordPolicyCommand,
  GetGroupPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListAttachedGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, freshAccount, iamFor, motoUrl, mutatingCallsIn, noMoto, runCli, workDir } from './support/moto.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';

const scripted = (dir: string, endpoint = motoUrl) => [
  'init',
  '--yes',
  '--alias',
  `acme-${Math.floor(Math.random() * 1e6)}`,
  '--admin-user',
  'alice',
  '--tag',
  'team=platform',
  '--access-key',
  '--security-contact-email',
  'security@example.com',
  '--security-contact-phone',
  '+1 206 555 0100',
  '--budget-amount',
  '100',
  '--cloudtrail',
  '--mfa-secret-file',
  join(dir, 'alice.otp'),
  '--endpoint-url',
  endpoint,
];

async function state(iam: IAMClient) {
  const users = (await iam.send(new ListUsersCommand({}))).Users ?? [];
  const alice = users.find((u) => u.UserName === 'alice');
  return {
    users: users.map((u) => u.UserName),
    aliases: (await iam.send(new ListAccountAliasesCommand({}))).AccountAliases ?? [],
    keys: alice ? ((await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))).AccessKeyMetadata ?? []).map((k) => k.AccessKeyId) : [],
    mfa: alice ? ((await iam.send(new ListMFADevicesCommand({ UserName: 'alice' }))).MFADevices ?? []).map((d) => d.SerialNumber) : [],
    unassigned: ((await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }))).VirtualMFADevices ?? []).map((d) => d.SerialNumber),
    tags: alice ? ((await iam.send(new GetUserCommand({ UserName: 'alice' }))).User?.Tags ?? []) : [],
  };
}

/**
 * Each step's status, but for the Organization-only root steps, which act only with their own flags, and the
 * Identity Center ones (--admin identity-center): both skip here.
 */
function statusesOf(doc: { steps: { id: string; status: string }[] }): string[] {
  const organizationOnly = doc.steps.filter((s) => ['root-access', 'root-credentials', 'sso-admin-group', 'sso-admin-user', 'permission-set', 'account-assignment'].includes(s.id));
  expect(organizationOnly.map((s) => s.status)).toEqual(Array(6).fill('skip'));
  return doc.steps.filter((s) => !organizationOnly.includes(s)).map((s) => s.status);
}

describe.skipIf(noMoto)('init against moto', () => {
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it('secures a fresh account in one scripted run', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    const args = scripted(dir);
    const alias = args[args.indexOf('--alias') + 1] as string;
    const r = await runCli([...args, '--json'], { env: cliEnv(creds), cwd: dir });
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces
    expect(r.code).toBe(0);

    const doc = JSON.parse(r.stdout);
    expect(doc.account).toMatchObject({ id: creds.accountId, alias, isRoot: false, organization: { role: 'none' } });
    expect(statusesOf(doc)).toEqual(Array(17).fill('create'));
    expect(doc.signInUrl).toBe(`https://${alias}.signin.aws.amazon.com/console`);
    expect(doc.mfaSerial).toBe(`arn:aws:iam::${creds.accountId}:mfa/alice`);

    const iam = iamFor(creds);
    const s = await state(iam);
    expect(s.aliases).toEqual([alias]);
    expect(s.users).toEqual(['alice']);
    expect(s.keys).toHaveLength(1);
    expect(s.mfa).toEqual([doc.mfaSerial]);
    expect(s.unassigned).toEqual([]);
    expect(s.tags).toEqual([{ Key: 'team', Value: 'platform' }]); // journal tags cleared
    const policy = (await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;
    expect(policy).toMatchObject({ MinimumPasswordLength: 14, PasswordReusePrevention: 24, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true });
    const attached = (await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'Administrators' }))).AttachedPolicies;
    expect(attached?.map((p) => p.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    const inline = await iam.send(new GetGroupPolicyCommand({ GroupName: 'Administrators', PolicyName: 'iam-bootstrap-require-mfa' }));
    expect(decodeURIComponent(inline.PolicyDocument ?? '')).toContain('aws:MultiFactorAuthPresent');
    expect((await iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }))).Groups?.map((g) => g.GroupName)).toEqual(['Administrators']);
    await expect(iam.send(new GetLoginProfileCommand({ UserName: 'alice' }))).resolves.toBeDefined();

    // Secrets went to 0600 files, and nowhere else.
    const csvPath = doc.credentialsFile as string;
    expect(statSync(csvPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'alice.otp')).mode & 0o777).toBe(0o600);
    const [header, row] = readFileSync(csvPath, 'utf8').trim().split('\n');
    expect(header).toBe('User name,Password,Access key ID,Secret access key,Console login link');
    const fields = (row as string).split(',');
    expect(fields[2]).toBe(s.keys[0]);
    const seed = /secret=([A-Z2-7]+)/.exec(readFileSync(join(dir, 'alice.otp'), 'utf8'))?.[1] as string;
    for (const secret of [fields[3] as string, seed]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });

  it('re-run with the same flags makes no mutating call and reports every step unchanged', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    const args = scripted(dir);
    expect((await runCli(args, { env: cliEnv(creds), cwd: dir })).code).toBe(0);
    const again = await runCli([...args, '--json', '--verbose'], { env: cliEnv(creds), cwd: dir });
    expect(again.code).toBe(0);
    expect(statusesOf(JSON.parse(again.stdout))).toEqual(Array(17).fill('unchanged'));
    expect(mutatingCallsIn(again.stderr)).toEqual([]);
    expect(again.stderr).toMatch(/^aws iam:ListAccountAliases \d+ms ok$/m); // --verbose did trace the reads
    expect(readdirSync(dir).sort()).toHaveLength(2); // no second credentials file
  });

  it('--dry-run changes nothing and writes no file', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    const r = await runCli([...scripted(dir), '--dry-run', '--json'], { env: cliEnv(creds), cwd: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.dryRun).toBe(true);
    expect(statusesOf(doc)).toEqual(Array(17).fill('create'));
    expect(r.stderr).toContain('+ Admin user');
    const s = await state(iamFor(creds));
    expect(s).toMatchObject({ users: [], aliases: [], unassigned: [] });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('converges when AWS acts but its answers are lost (the SDK retries)', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    proxy = await startFaultProxy(motoUrl);
    for (const op of ['CreateAccountAlias', 'CreateGroup', 'CreateUser', 'CreateLoginProfile', 'CreateAccessKey', 'CreateVirtualMFADevice', 'EnableMFADevice']) {
      proxy.lose(op);
    }
    const r = await runCli(scripted(dir, proxy.url), { env: cliEnv(creds), cwd: dir });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    // Each of those was sent twice: the lost attempt and the SDK's retry.
    expect(proxy.seen.filter((op) => op === 'CreateAccessKey')).toHaveLength(2);
    expect(proxy.seen.filter((op) => op === 'CreateVirtualMFADevice').length).toBeGreaterThanOrEqual(2);
    const s = await state(iamFor(creds));
    expect(s.users).toEqual(['alice']);
    expect(s.keys).toHaveLength(1);
    expect(s.mfa).toHaveLength(1);
    expect(s.unassigned).toEqual([]);
    // The one key left is the one in the credentials file.
    const csv = readFileSync(join(dir, `iam-bootstrap-${creds.accountId}-alice-credentials.csv`), 'utf8');
    expect(csv).toContain(s.keys[0] as string);
  });

  it('a run killed mid-way, re-run, finishes with one user, one login profile, one key and one MFA device', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    proxy = await startFaultProxy(motoUrl);
    const env = cliEnv(creds);
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('./support/moto.js');
    const args = scripted(dir, proxy.url);
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd: dir, stdio: 'ignore' });
    const killed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    // Kill it the moment AWS has created the access key but before the answer reaches the CLI.
    proxy.holdAnswer('CreateAccessKey', () => child.kill('SIGKILL'));
    await killed;
    const mid = await state(iamFor(creds));
    expect(mid.keys).toHaveLength(1); // created, but its secret is lost
    // The file was reserved before the first change; SIGKILL left it empty (no secret in it) for the re-run to reuse.
    const reserved = join(dir, `iam-bootstrap-${creds.accountId}-alice-credentials.csv`);
    expect(readFileSync(reserved, 'utf8')).toBe('');
    expect(statSync(reserved).mode & 0o777).toBe(0o600);

    args[args.indexOf('--endpoint-url') + 1] = motoUrl; // the same flags, straight to AWS this time
    const r = await runCli([...args, '--json'], { env, cwd: dir });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const byId = Object.fromEntries(doc.steps.map((s: { id: string; status: string }) => [s.id, s.status]));
    expect(byId).toMatchObject({ 'admin-user': 'unchanged', 'console-access': 'update', 'access-key': 'update', mfa: 'create' });
    const s = await state(iamFor(creds));
    expect(s.users).toEqual(['alice']);
    expect(s.keys).toHaveLength(1);
    expect(s.keys[0]).not.toBe(mid.keys[0]); // the undelivered key was replaced by one whose secret we have
    expect(s.mfa).toHaveLength(1);
    expect(s.unassigned).toEqual([]);
    expect(s.tags).toEqual([{ Key: 'team', Value: 'platform' }]);
    expect(doc.credentialsFile).toBe(reserved);
    expect(r.stderr).toContain(`reusing the empty ${reserved} left by an interrupted run`);
    const csv = readFileSync(doc.credentialsFile, 'utf8');
    expect(csv).toContain(s.keys[0] as string);
  });
});
