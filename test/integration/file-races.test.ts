/**
 * The reserved credentials file, raced: deleted or renamed over while init runs, and one path used by two runs at
 * once. In every case each live secret must be in a file the tool names (the fault proxy's record of what moto
 * applied is the oracle), and a re-run converges.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accountState, credentialRows, secretsWithoutFile } from './support/converged.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { CLI, cliEnv, freshAccount, iamFor, motoUrl, mutatingCallsIn, noMoto, runCli, workDir, type CliResult } from './support/moto.js';

const run = (dir: string, endpoint: string, user: string, extra: string[] = []) => [
  'init', '--yes', '--no-alias', '--no-security-contact', '--no-support-role', '--no-access-analyzer', '--admin-user', user,
  '--access-key', '--credentials-file', join(dir, 'creds.csv'), '--mfa-secret-file', join(dir, `${user}.otp`), '--endpoint-url', endpoint,
  ...extra,
];

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe.skipIf(noMoto)('a reserved credentials file that is taken over during the run', () => {
  it.each([
    ['deleted', (path: string) => rmSync(path)],
    ['renamed over', (path: string) => {
      writeFileSync(`${path}.other`, 'somebody else\'s notes\n');
      renameSync(`${path}.other`, path);
    }],
  ] as const)('%s: the secrets go to a new file beside it, the run exits 3 saying where, the journal stays, and a re-run converges', async (what, takeOver) => {
    const creds = await freshAccount();
    const dir = workDir();
    const csv = join(dir, 'creds.csv');
    proxy = await startFaultProxy(motoUrl);
    // The file is reserved before the first change; it is taken over while the password is being set.
    proxy.beforeAnswer('CreateLoginProfile', () => takeOver(csv));
    const first = await runCli(run(dir, proxy.url, 'alice'), { env: cliEnv(creds), cwd: dir });
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(3);
    const rescued = join(dir, 'creds-recovered.csv');
    expect(first.stderr).toContain(`${csv} ${what === 'deleted' ? 'was deleted' : 'was replaced by another file'} while init ran`);
    expect(first.stderr).toContain(`they were saved to ${rescued} (mode 0600) instead`);
    expect(first.stderr).not.toMatch(/saved new credentials to/);
    if (what === 'renamed over') expect(readFileSync(csv, 'utf8')).toBe('somebody else\'s notes\n');
    else expect(existsSync(csv)).toBe(false);

    // No secret lost: the live password and key are in the file the message names.
    const mid = await accountState(iamFor(creds));
    expect(mid.keys).toHaveLength(1);
    expect(secretsWithoutFile(proxy, dir, mid)).toEqual([]);
    expect(credentialRows(dir).map((r) => r.file)).toEqual(['creds-recovered.csv']);
    // The journal stays, naming the file the secrets are in, so the re-run knows what it makes stale.
    expect(mid.tags.map((t) => t.Key).sort()).toEqual(['iam-bootstrap:pending-access-key', 'iam-bootstrap:pending-password']);
    expect(mid.tags.every((t) => t.Value?.endsWith(`file:${rescued}`))).toBe(true);

    // The re-run replaces them (the operator may not have taken them), into a new file, and converges.
    if (what === 'renamed over') rmSync(csv);
    const again = await runCli(run(dir, proxy.url, 'alice'), { env: cliEnv(creds), cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`the password in ${rescued} stops working`);
    const s = await accountState(iamFor(creds));
    expect(s).toMatchObject({ users: ['alice'], loginProfile: true, tags: [], unassigned: [] });
    expect(s.keys).toHaveLength(1);
    expect(s.mfa).toHaveLength(1);
    expect(secretsWithoutFile(proxy, dir, s)).toEqual([]);
  });
});

describe.skipIf(noMoto)('two runs with the same --credentials-file at once', () => {
  it('the second run is refused before any change while the first holds the file; the first saves its secrets', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    proxy = await startFaultProxy(motoUrl);
    const env = cliEnv(creds);
    // Alice's run reserves creds.csv, then waits in its first changing call until Bob's run has been tried.
    let bob: CliResult | undefined;
    proxy.beforeAnswer('CreateGroup', async () => {
      bob = await runCli([...run(dir, proxy?.url ?? '', 'bob'), '--verbose'], { env, cwd: dir });
    });
    const alice = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...run(dir, proxy?.url ?? '', 'alice')], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(bob?.code).toBe(2);
    expect(bob?.stderr).toContain(`${join(dir, 'creds.csv')} is being written by another iam-bootstrap run that is still running`);
    expect(bob?.stderr).not.toMatch(/reusing the empty/);
    expect(mutatingCallsIn(bob?.stderr ?? '')).toEqual([]);

    expect(alice.stderr).not.toMatch(/Error/);
    expect(alice.code).toBe(0);
    const rows = credentialRows(dir);
    expect(rows).toHaveLength(1);
    expect(readFileSync(join(dir, 'creds.csv'), 'utf8')).toMatch(/^User name,.*\nalice,/);
    const s = await accountState(iamFor(creds));
    expect(s.users).toEqual(['alice']);
    expect(secretsWithoutFile(proxy, dir, s)).toEqual([]);
  });
});
