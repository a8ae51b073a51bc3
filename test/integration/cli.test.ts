import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GetLoginProfileCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { CLI, cliEnv, freshAccount, iamFor, motoUrl, noMoto, runCli, workDir } from './support/moto.js';

const RECORDER = resolve(import.meta.dirname, '../support/record-imports.mjs');

function importsOf(args: string[]): { code: number | null; modules: string[]; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', RECORDER, CLI, ...args], { encoding: 'utf8', env: cliEnv(undefined) });
  const modules = r.stderr.split('\n').filter((l) => l.startsWith('[import] ')).map((l) => l.slice(9));
  return { code: r.status, modules, stdout: r.stdout };
}

describe('start-up', () => {
  it.each([['--help'], ['--version'], ['init', '--help']])('%s does not load the AWS SDK or Inquirer', (...args) => {
    const { code, modules, stdout } = importsOf(args);
    expect(code).toBe(0);
    expect(stdout.length).toBeGreaterThan(0);
    expect(modules.some((m) => m.includes('commander'))).toBe(true); // the recorder works
    expect(modules.filter((m) => /@aws-sdk|@smithy|@inquirer/.test(m))).toEqual([]);
  });

  it('documents the exit codes in --help', async () => {
    const r = await runCli(['--help'], { env: cliEnv(undefined) });
    expect(r.stdout).toMatch(/Exit codes:[\s\S]*2 {4}usage error[\s\S]*3 {4}AWS or runtime error[\s\S]*130/);
    const init = await runCli(['init', '--help'], { env: cliEnv(undefined) });
    for (const flag of ['--alias', '--no-alias', '--replace-alias', '--password-policy', '--min-password-length', '--password-reuse-prevention', '--max-password-age', '--require-symbols', '--no-require-symbols', '--hard-expiry', '--admin-group', '--admin-policy', '--no-require-mfa', '--admin-user', '--tag', '--password-stdin', '--password-reset-required', '--no-console-access', '--access-key', '--credentials-file', '--no-mfa', '--mfa-device-name', '--qr-png', '--mfa-secret-file', '--dry-run', '--yes']) {
      expect(init.stdout).toContain(flag);
    }
  });

  it('prints the package version', async () => {
    const r = await runCli(['--version'], { env: cliEnv(undefined) });
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('usage errors exit 2 before anything changes', () => {
  it.each<[string, string[], RegExp]>([
    ['unknown option', ['init', '--bogus'], /unknown option '--bogus'/],
    ['bad alias', ['init', '--yes', '--alias', 'Bad', '--admin-user', 'a', '--no-mfa'], /--alias: "Bad"/],
    ['--yes without --admin-user', ['init', '--yes', '--no-mfa'], /--yes: needs --admin-user/],
    ['--yes without an MFA choice', ['init', '--yes', '--admin-user', 'a'], /--mfa-secret-file <path> for scripted enrolment, or --no-mfa/],
    ['unknown preset', ['init', '--yes', '--admin-user', 'a', '--no-mfa', '--password-policy', 'strong'], /unknown preset "strong"/],
    ['range', ['init', '--yes', '--admin-user', 'a', '--no-mfa', '--max-password-age', '2000'], /--max-password-age: "2000" must be from 1 to 1095/],
    ['no terminal without --yes', ['init', '--admin-user', 'a'], /standard input is not a terminal/],
    ['bad endpoint', ['init', '--yes', '--admin-user', 'a', '--no-mfa', '--endpoint-url', 'localhost:5000'], /--endpoint-url: "localhost:5000" must use http or https/],
  ])('%s', async (_what, args, message) => {
    const r = await runCli(args, { env: cliEnv(undefined) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.skipIf(noMoto)('an existing credentials file is refused, nothing is created, and the file is intact', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    writeFileSync(join(dir, 'creds.csv'), 'precious');
    const r = await runCli(['init', '--yes', '--admin-user', 'alice', '--no-mfa', '--credentials-file', join(dir, 'creds.csv'), '--endpoint-url', motoUrl], {
      env: cliEnv(creds),
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--credentials-file: .*creds.csv already exists/);
    expect((await iamFor(creds).send(new ListUsersCommand({}))).Users).toEqual([]);
  });
});

describe('AWS and credential failures exit 3 with advice, never a stack trace', () => {
  it('explains how to provide credentials when there are none', async () => {
    const r = await runCli(['init', '--yes', '--admin-user', 'a', '--no-mfa', '--endpoint-url', 'http://127.0.0.1:9'], { env: cliEnv(undefined) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no AWS credentials found/);
    expect(r.stderr).toMatch(/--profile/);
    expect(r.stderr).toMatch(/CloudShell/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a named profile that does not exist', async () => {
    const r = await runCli(['--profile', 'nope', 'init', '--yes', '--admin-user', 'a', '--no-mfa', '--endpoint-url', 'http://127.0.0.1:9'], { env: cliEnv(undefined) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/nope/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the call when AWS cannot be reached', async () => {
    const creds = { accountId: '1', accessKeyId: 'AKIDX', secretAccessKey: 'x', sessionToken: 'x' };
    const r = await runCli(['init', '--yes', '--admin-user', 'a', '--no-mfa', '--endpoint-url', 'http://127.0.0.1:9'], { env: cliEnv(creds) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe.skipIf(noMoto)('scripted console password and global options', () => {
  it('reads the password from standard input and accepts global options after the command', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    const password = 'Correct-Horse-Battery-9';
    const r = await runCli(['init', '--yes', '--no-alias', '--admin-user', 'bob', '--no-mfa', '--password-stdin', '--password-reset-required', '--endpoint-url', motoUrl, '--json', '--no-color'], {
      env: cliEnv(creds),
      cwd: dir,
      input: `${password}\n`,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(password);
    expect(r.stderr).not.toContain(password);
    const doc = JSON.parse(r.stdout);
    expect(doc.steps.find((s: { id: string }) => s.id === 'account-alias').status).toBe('skip');
    // The profile exists. (moto ignores PasswordResetRequired; test/unit/steps/console-access.test.ts proves we send it.)
    await expect(iamFor(creds).send(new GetLoginProfileCommand({ UserName: 'bob' }))).resolves.toBeDefined();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(doc.credentialsFile, 'utf8')).toContain(`bob,${password},,,https://${creds.accountId}.signin.aws.amazon.com/console`);
  });

  it('honours AWS_ENDPOINT_URL without --endpoint-url', async () => {
    const creds = await freshAccount();
    const r = await runCli(['init', '--yes', '--admin-user', 'carol', '--no-mfa', '--no-console-access', '--dry-run', '--json'], {
      env: cliEnv(creds, { AWS_ENDPOINT_URL: motoUrl }),
      cwd: workDir(),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).account.id).toBe(creds.accountId);
  });
});
