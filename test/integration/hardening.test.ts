/**
 * Regression tests for the hardening issue: each one failed on the code before it (a lost secret, a file
 * problem found after changes, audit calling AWS after its result, inputs accepted that must be exit 2).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateUserCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { accountState, credentialRows, secretsWithoutFile } from './support/converged.js';
import { CLI, cliEnv, freshAccount, iamFor, motoUrl, mutatingCallsIn, noMoto, runCli, workDir } from './support/moto.js';

const scripted = (dir: string, endpoint: string, extra: string[] = []) => [
  'init',
  '--yes',
  '--no-alias',
  '--admin-user',
  'alice',
  '--access-key',
  '--mfa-secret-file',
  join(dir, 'alice.otp'),
  '--endpoint-url',
  endpoint,
  ...extra,
];

/** The full-disk and read-only tests mount a small tmpfs; where mounting is not allowed they are skipped, not passed. */
const canMount = (() => {
  const dir = workDir();
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', dir]).status === 0;
  if (ok) spawnSync('umount', [dir]);
  return ok;
})();

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe.skipIf(noMoto)('no secret is ever lost', () => {
  it('ListAccessKeys failing after CreateAccessKey: the key and the password are both saved, and a re-run converges', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    proxy = await startFaultProxy(motoUrl);
    proxy.add({ operation: 'ListAccessKeys', fault: 'throttle', times: 50, after: 'CreateAccessKey' });
    const r = await runCli(scripted(dir, proxy.url), { env: cliEnv(creds), cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/iam:ListAccessKeys failed: Throttling/);
    const mid = await accountState(iamFor(creds));
    expect(mid.keys).toHaveLength(1);
    // Before the fix, the password was written and the key's secret was gone, its journal tag cleared with the password's.
    expect(secretsWithoutFile(proxy, dir, mid)).toEqual([]);
    // The saved key is marked as saved at once; only strays (none here) are left for the re-run to look for.
    expect(mid.tags).toEqual([{ Key: 'iam-bootstrap:pending-access-key', Value: expect.stringMatching(new RegExp(`^before:none saved:${mid.keys[0]} file:`)) }]);

    proxy.clearRules();
    const creates = () => proxy?.seen.filter((op) => op === 'CreateAccessKey' || op === 'DeleteAccessKey').length;
    const before = creates();
    const again = await runCli(scripted(dir, proxy.url, ['--json']), { env: cliEnv(creds), cwd: dir });
    expect(again.code).toBe(0);
    const s = await accountState(iamFor(creds));
    expect(s).toMatchObject({ users: ['alice'], loginProfile: true, unassigned: [] });
    // The delivered key is kept: the re-run neither revokes it nor makes another (before the fix it replaced it).
    expect(s.keys).toEqual(mid.keys);
    expect(creates()).toBe(before);
    expect(s.mfa).toHaveLength(1);
    expect(s.tags).toEqual([]);
    expect(secretsWithoutFile(proxy, dir, s)).toEqual([]);
  });

  it('DeleteAccessKey denied for a stray key: the delivered key is saved and marked saved, and the re-run deletes only the stray', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    proxy = await startFaultProxy(motoUrl);
    proxy.lose('CreateAccessKey'); // the first attempt's key is a stray nobody has the secret of
    proxy.add({ operation: 'DeleteAccessKey', fault: 'denied', times: 50 });
    const r = await runCli(scripted(dir, proxy.url), { env: cliEnv(creds), cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/iam:DeleteAccessKey failed: AccessDenied/);
    const mid = await accountState(iamFor(creds));
    expect(mid.keys).toHaveLength(2);
    const [delivered] = credentialRows(dir).map((row) => row.keyId);
    expect(mid.keys).toContain(delivered);
    // The journal no longer calls the delivered key pending: it names it saved, so only the stray is left to delete.
    expect(mid.tags).toEqual([{ Key: 'iam-bootstrap:pending-access-key', Value: expect.stringContaining(`saved:${delivered}`) }]);

    proxy.clearRules();
    const again = await runCli(scripted(dir, proxy.url, ['--json']), { env: cliEnv(creds), cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/made by an attempt whose answer was lost: nobody has its secret/);
    const s = await accountState(iamFor(creds));
    expect(s.keys).toEqual([delivered]); // before the fix the re-run revoked the key the operator holds
    expect(s.tags).toEqual([]);
    expect(secretsWithoutFile(proxy, dir, s)).toEqual([]);
    expect(JSON.parse(again.stdout).credentialsFile).toBeNull(); // nothing new to deliver
  });

  it('two lost CreateAccessKey answers (IAM then refuses a third key) converge within the same run', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    proxy = await startFaultProxy(motoUrl);
    proxy.lose('CreateAccessKey', 2);
    const r = await runCli(scripted(dir, proxy.url), { env: cliEnv(creds), cwd: dir });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(proxy.seen.filter((op) => op === 'CreateAccessKey').length).toBeGreaterThanOrEqual(4); // 2 lost, LimitExceeded, 1 kept
    const s = await accountState(iamFor(creds));
    expect(s.keys).toHaveLength(1);
    expect(s.tags).toEqual([]);
    expect(secretsWithoutFile(proxy, dir, s)).toEqual([]);
  });

  it('a run killed after writing the credentials file names that file as stale on the next run', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    proxy = await startFaultProxy(motoUrl);
    const child = spawn(process.execPath, [CLI, ...scripted(dir, proxy.url)], { env: cliEnv(creds), cwd: dir, stdio: 'ignore' });
    const killed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    proxy.holdRequest('UntagUser', () => child.kill('SIGKILL')); // the file is written; the journal is not cleared
    await killed;
    const first = join(dir, `iam-bootstrap-${creds.accountId}-alice-credentials.csv`);
    expect(credentialRows(dir).map((row) => row.file)).toEqual([`iam-bootstrap-${creds.accountId}-alice-credentials.csv`]);

    const again = await runCli(scripted(dir, proxy.url), { env: cliEnv(creds), cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`the password in ${first} stops working`);
    expect(again.stderr).toContain(`the access key in ${first} stops working`);
    const s = await accountState(iamFor(creds));
    expect(secretsWithoutFile(proxy, dir, s)).toEqual([]);
  });

  it('a password that AWS echoes back in an error is never printed', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    proxy = await startFaultProxy(motoUrl);
    proxy.add({ operation: 'CreateLoginProfile', fault: 'denied', echoBody: true });
    const r = await runCli(scripted(dir, proxy.url).filter((a) => a !== '--access-key'), { env: cliEnv(creds), cwd: dir });
    expect(r.code).toBe(3);
    const password = new URLSearchParams(proxy.bodies('CreateLoginProfile')[0]).get('Password') as string;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(r.stderr).toContain('iam:CreateLoginProfile failed: AccessDenied');
    expect(r.stderr).toContain('Password=***');
    expect(r.stderr + r.stdout).not.toContain(password);
  });
});

describe.skipIf(noMoto)('every file problem is exit 2 before the first change', () => {
  const refused = async (args: string[], dir: string, message: RegExp) => {
    const creds = await freshAccount();
    const r = await runCli([...args, '--verbose'], { env: cliEnv(creds), cwd: dir });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(mutatingCallsIn(r.stderr)).toEqual([]);
    return r;
  };

  it.each([['--credentials-file'], ['--mfa-secret-file'], ['--qr-png']])('a dangling symbolic link at %s', async (flag) => {
    const dir = workDir();
    symlinkSync(join(dir, 'nowhere'), join(dir, 'link'));
    // The flag given last wins, so this also replaces scripted()'s own --mfa-secret-file.
    await refused([...scripted(dir, motoUrl), flag, join(dir, 'link')], dir, new RegExp(`${flag}: .*link is a symbolic link to a file that does not exist`));
    expect(readdirSync(dir)).toEqual(['link']);
  });

  it('the same path for two files', async () => {
    const dir = workDir();
    await refused([...scripted(dir, motoUrl), '--qr-png', join(dir, 'alice.otp')], dir, /--mfa-secret-file and --qr-png: both name .*alice\.otp/);
  });

  it.skipIf(!canMount)('a working folder where nothing can be created (the default credentials file goes there)', async () => {
    const dir = workDir();
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]).status).toBe(0);
    try {
      await refused(scripted(dir, motoUrl), ro, /--credentials-file: .*not writable: EROFS/);
    } finally {
      spawnSync('umount', [ro]);
    }
  });

  it('a file created by someone else while the plan was being made', async () => {
    const dir = workDir();
    proxy = await startFaultProxy(motoUrl);
    const target = join(dir, 'alice.otp');
    proxy.beforeAnswer('ListVirtualMFADevices', () => writeFileSync(target, 'not yours'));
    const r = await refused(scripted(dir, proxy.url), dir, /--mfa-secret-file: .*alice\.otp already exists/);
    expect(r.code).toBe(2);
    expect(readFileSync(target, 'utf8')).toBe('not yours');
  });

  it('a file someone creates after the plan: the reservation already holds the path, so the run completes', async () => {
    const dir = workDir();
    const creds = await freshAccount();
    proxy = await startFaultProxy(motoUrl);
    const target = join(dir, 'alice.otp');
    let intruder: string | undefined;
    proxy.beforeAnswer('UpdateAccountPasswordPolicy', () => {
      try {
        writeFileSync(target, 'not yours', { flag: 'wx' });
      } catch (err) {
        intruder = (err as NodeJS.ErrnoException).code;
      }
    });
    const r = await runCli(scripted(dir, proxy.url), { env: cliEnv(creds), cwd: dir });
    // Before the fix the intruder's file won, and init failed after 8 changes with "already exists".
    expect(intruder).toBe('EEXIST');
    expect(r.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toMatch(/^otpauth:\/\//);
  });

  it('--dry-run makes the same checks: an existing target file is exit 2', async () => {
    const dir = workDir();
    writeFileSync(join(dir, 'alice.otp'), 'keep');
    await refused([...scripted(dir, motoUrl), '--dry-run'], dir, /--mfa-secret-file: .*already exists/);
  });

  it.skipIf(!canMount)('a full disk: the message names the path and ENOSPC, no file is left, the unsaved key is deleted, and a re-run converges', async () => {
    const dir = workDir();
    const full = join(dir, 'full');
    mkdirSync(full);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', full]).status).toBe(0);
    try {
      writeFileSync(join(full, 'filler'), Buffer.alloc(4096)); // the one page is used; one more byte does not fit
      const creds = await freshAccount();
      proxy = await startFaultProxy(motoUrl); // no fault: it records what moto applied
      const csv = join(full, 'creds.csv');
      const r = await runCli([...scripted(dir, proxy.url), '--credentials-file', csv], { env: cliEnv(creds), cwd: dir });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`could not write ${csv}: ENOSPC`);
      expect(r.stderr).not.toMatch(/already exists/);
      expect(existsSync(csv)).toBe(false);
      const mid = await accountState(iamFor(creds));
      expect(mid.keys).toEqual([]); // a key whose secret could not be saved is deleted
      expect(mid.tags.map((t) => t.Key)).toContain('iam-bootstrap:pending-password'); // the re-run resets it

      const again = await runCli(scripted(dir, proxy.url), { env: cliEnv(creds), cwd: dir });
      expect(again.code).toBe(0);
      const s = await accountState(iamFor(creds));
      expect(s.keys).toHaveLength(1);
      expect(s.tags).toEqual([]);
      expect(secretsWithoutFile(proxy, dir, s)).toEqual([]);
    } finally {
      spawnSync('umount', [full]);
    }
  });
});

describe.skipIf(noMoto)('inputs refused with exit 2 before any change', () => {
  const usage = async (args: string[], message: RegExp, input?: string) => {
    const creds = await freshAccount();
    const dir = workDir();
    const r = await runCli([...scripted(dir, motoUrl), ...args, '--verbose'], { env: cliEnv(creds), cwd: dir, input });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(mutatingCallsIn(r.stderr)).toEqual([]);
  };

  it.each<[string, string[], RegExp]>([
    ['our own tag prefix', ['--tag', 'iam-bootstrap:pending-password=x'], /--tag: .*reserved for this tool/],
    ['an aws: tag', ['--tag', 'aws:owner=x'], /--tag: .*reserved by AWS/],
    ['51 tags', Array.from({ length: 51 }, (_, i) => ['--tag', `k${i}=v`]).flat(), /--tag: 51 tags given; IAM allows at most 50/],
    ['a region that is no region name', ['--region', 'us-east'], /--region: "us-east" is not an AWS region name/],
    ['an empty region', ['--region', ''], /--region: "" is empty/],
  ])('%s', async (_what, args, message) => usage(args, message));

  it('tags the user already has count against the 50, with the journal tags init needs', async () => {
    const creds = await freshAccount();
    const iam = iamFor(creds);
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new TagUserCommand({ UserName: 'alice', Tags: Array.from({ length: 48 }, (_, i) => ({ Key: `old${i}`, Value: 'v' })) }));
    const dir = workDir();
    const r = await runCli([...scripted(dir, motoUrl), '--tag', 'team=x', '--verbose'], { env: cliEnv(creds), cwd: dir });
    expect(r.stderr).toMatch(/--tag: alice would carry 51 tags \(48 it keeps, 1 from --tag, 2 that init sets/);
    expect(r.code).toBe(2);
    expect(mutatingCallsIn(r.stderr)).toEqual([]);
  });

  it('--password-stdin reads a few KiB of a 200 MB input, then refuses it', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    const child = spawn(process.execPath, [CLI, ...scripted(dir, motoUrl), '--password-stdin', '--verbose'], {
      env: cliEnv(creds),
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let written = 0;
    const chunk = Buffer.alloc(1 << 20, 'a');
    child.stdin.on('error', () => undefined); // EPIPE once the CLI stops reading
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      const pump = () => {
        while (written < 200 * (1 << 20) && !child.stdin.destroyed) {
          written += chunk.length;
          if (!child.stdin.write(chunk)) return void child.stdin.once('drain', pump);
        }
        child.stdin.end();
      };
      pump();
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--password-stdin: standard input is longer than 4096 bytes/);
    expect(written).toBeLessThan(16 * (1 << 20)); // the CLI stopped reading long before 200 MB
    expect(mutatingCallsIn(stderr)).toEqual([]);
  });
});

describe.skipIf(noMoto)('stop signals clean up like Ctrl-C', () => {
  it.each<[NodeJS.Signals, number]>([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ])('%s while MFA is being enrolled removes the device that was not enabled and exits %d', async (signal, exitCode) => {
    const creds = await freshAccount();
    const dir = workDir();
    proxy = await startFaultProxy(motoUrl);
    const child = spawn(process.execPath, [CLI, ...scripted(dir, proxy.url), '--verbose'], { env: cliEnv(creds), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    proxy.beforeAnswer('CreateVirtualMFADevice', async () => {
      child.kill(signal);
      await new Promise((r) => setTimeout(r, 100)); // the signal lands before the answer
    });
    expect(await closed).toBe(exitCode);
    expect(stderr).toContain(`${signal}: stopped before finishing`);
    const s = await accountState(iamFor(creds));
    expect(s.mfa).toEqual([]);
    expect(s.unassigned).toEqual([]);
    expect(existsSync(join(dir, 'alice.otp'))).toBe(false);
    expect(proxy.seen).not.toContain('EnableMFADevice');
    expect(secretsWithoutFile(proxy, dir, s)).toEqual([]); // the password and key made it to the file
  });
});

describe.skipIf(noMoto)('audit stops when its result is known', () => {
  it('a read that fails for good abandons the other reads: no AWS call after the result, and the count is exact', async () => {
    const creds = await freshAccount();
    const iam = iamFor(creds);
    for (let i = 0; i < 100; i++) await iam.send(new CreateUserCommand({ UserName: `u-${String(i).padStart(3, '0')}` }));
    proxy = await startFaultProxy(motoUrl);
    // The groups' read fails for good while the other reads are under way. (Before the fix, with per-user reads,
    // one user's denied read left the 99 others going on after the report: 313 requests seen, 51 counted.)
    proxy.add({ operation: 'GetAccountAuthorizationDetails', fault: 'denied', times: Infinity, bodyContains: 'Filter.member.1=Group' });
    const r = await runCli(['audit', '--json', '--verbose', '--endpoint-url', proxy.url], { env: cliEnv(creds) });
    expect(r.code).toBe(1); // a fresh account fails checks; the user checks could not be evaluated
    const doc = JSON.parse(r.stdout);
    expect(doc.accounts[0].checks.find((c: { id: string }) => c.id === 'user-direct-policies').status).toBe('error');
    const counted = Number(/audit: (\d+) AWS calls/.exec(r.stderr)?.[1]);
    // Before the fix the per-user reads went on after the report: the proxy saw many more calls than were counted.
    expect(proxy.requests.length).toBe(counted);
    expect(proxy.requests.filter((q) => q.fault === 'denied')).toHaveLength(1); // a denial is not retried
  });
});

describe.skipIf(noMoto)('audit absorbs throttling', () => {
  it('with 30% of calls throttled every check is still evaluated, with the same verdicts, and --verbose says how many were retried', async () => {
    const creds = await freshAccount();
    const iam = iamFor(creds);
    for (let i = 0; i < 10; i++) await iam.send(new CreateUserCommand({ UserName: `t-${i}` }));
    // Analyzers, so that public-access-findings reads findings (without one it is an error by design).
    expect((await runCli(['init', '--yes', '--only', 'access-analyzer', '--endpoint-url', motoUrl], { env: cliEnv(creds) })).code).toBe(0);
    const clean = await runCli(['audit', '--json', '--endpoint-url', motoUrl], { env: cliEnv(creds) });
    proxy = await startFaultProxy(motoUrl);
    proxy.add({ operation: '*', fault: 'throttle', probability: 0.3, times: Infinity });
    const r = await runCli(['audit', '--json', '--verbose', '--endpoint-url', proxy.url], { env: cliEnv(creds) });
    const verdicts = (out: string) => JSON.parse(out).accounts[0].checks.map((c: { id: string; status: string; detail: string }) => [c.id, c.status, c.detail]);
    expect(proxy.requests.filter((q) => q.fault === 'throttle').length).toBeGreaterThan(3);
    expect(verdicts(r.stdout)).toEqual(verdicts(clean.stdout));
    expect(verdicts(r.stdout).filter(([, status]: string[]) => status === 'error')).toEqual([]);
    const [, calls, retried, attempts] = /audit: (\d+) AWS calls in \d+ ms; (\d+) retried \((\d+) attempts in all\)/.exec(r.stderr) ?? [];
    expect(Number(retried)).toBeGreaterThan(0);
    expect(Number(attempts)).toBe(proxy.requests.length); // every request the proxy saw was an attempt we counted
    expect(Number(calls)).toBeLessThan(Number(attempts));
  });
});
