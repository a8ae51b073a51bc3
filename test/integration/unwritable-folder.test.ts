/**
 * A folder the tool cannot write to must be exit 2 before any AWS call. Root can write anywhere, and CI runs as
 * root: there the CLI itself is run as the unprivileged user nobody (setpriv), so the case runs in every CI run
 * instead of being skipped.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cliEnv, freshAccount, motoUrl, noMoto, workDir, type CliResult } from './support/moto.js';

const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** The CLI as an unprivileged user: nobody when the tests run as root, else the user running them. */
function runUnprivileged(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  const [command, prefix] = asRoot
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', process.execPath, CLI]]
    : [process.execPath, [CLI]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A folder the unprivileged user can enter but not write: root's own 0755 folder, or one's own made 0555. */
function unwritableFolder(): { dir: string; locked: string } {
  const dir = workDir();
  chmodSync(dir, 0o755); // nobody must reach into it
  const locked = join(dir, 'locked');
  mkdirSync(locked);
  chmodSync(locked, asRoot ? 0o755 : 0o555);
  return { dir, locked };
}

describe.skipIf(noMoto)('a folder that cannot be written (as an unprivileged user)', () => {
  it.each([
    ['audit --report', (locked: string) => ['audit', '--report', `csv=${join(locked, 'a.csv')}`], /--report csv=.*a\.csv: the folder .*locked is not writable: EACCES/],
    ['init --credentials-file', (locked: string) => ['init', '--yes', '--admin-user', 'alice', '--no-mfa', '--credentials-file', join(locked, 'c.csv')], /--credentials-file: the folder .*locked is not writable: EACCES/],
  ])('%s: exit 2 naming the folder and EACCES, before any AWS call', async (_what, args, message) => {
    const creds = await freshAccount();
    const { dir, locked } = unwritableFolder();
    const env = { ...cliEnv(creds), HOME: dir };
    const r = await runUnprivileged([...args(locked), '--verbose', '--endpoint-url', motoUrl], env, dir);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/^aws /m);
    expect(readdirSync(locked)).toEqual([]);
    chmodSync(locked, 0o755);
  });
});
