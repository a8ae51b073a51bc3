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

  it('names a profile that does not exist, the files searched and where the name came from: exit 2, no call', async () => {
    const env = cliEnv(undefined);
    writeFileSync(env.AWS_CONFIG_FILE as string, '[default]\nregion = eu-west-1\n[profile prod]\nregion = eu-west-1\n');
    const r = await runCli(['--profile', 'nope', 'init', '--yes', '--admin-user', 'a', '--no-mfa', '--verbose', '--endpoint-url', 'http://127.0.0.1:9'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Error: --profile: profile "nope" not found in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE}. Profiles there: default, prod.`);
    expect(r.stderr).not.toMatch(/^aws /m);
    const fromEnv = await runCli(['audit', '--endpoint-url', 'http://127.0.0.1:9'], { env: { ...env, AWS_PROFILE: 'stage' } });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toMatch(/^Error: AWS_PROFILE: profile "stage" not found in /);
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

describe('the conventions people expect', () => {
  it('-v, -V and --version print the version', async () => {
    for (const flag of ['-v', '-V', '--version']) {
      const r = await runCli([flag], { env: cliEnv(undefined) });
      expect(r.code, flag).toBe(0);
      expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('a misspelt region is exit 2 with a suggestion, before any call', async () => {
    const creds = { accountId: '1', accessKeyId: 'AKIDX', secretAccessKey: 'x', sessionToken: 'x' };
    const r = await runCli(['audit', '--region', 'eu-wset-1', '--verbose', '--endpoint-url', 'http://127.0.0.1:9'], { env: cliEnv(creds) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: --region: "eu-wset-1" is not an AWS region. Did you mean eu-west-1?\n');
    const fromEnv = await runCli(['audit', '--endpoint-url', 'http://127.0.0.1:9'], { env: cliEnv(creds, { AWS_REGION: 'us-est-1' }) });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toMatch(/^Error: region \(from AWS_REGION, AWS_DEFAULT_REGION or the profile; --region overrides it\): "us-est-1" is not an AWS region\. Did you mean us-east-1 or us-west-1\?/);
  });

  it('with --json a failure is also a JSON document on stdout', async () => {
    const usage = await runCli(['audit', '--json', '--bogus'], { env: cliEnv(undefined) });
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({ schemaVersion: 1, error: { exitCode: 2, kind: 'usage', message: "unknown option '--bogus'" } });
    const creds = { accountId: '1', accessKeyId: 'AKIDX', secretAccessKey: 'x', sessionToken: 'x' };
    const runtime = await runCli(['audit', '--json', '--endpoint-url', 'http://127.0.0.1:9'], { env: cliEnv(creds) });
    expect(runtime.code).toBe(3);
    const doc = JSON.parse(runtime.stdout);
    expect(doc.error).toMatchObject({ exitCode: 3, kind: 'runtime' });
    expect(doc.error.message).toMatch(/ECONNREFUSED|failed/);
    expect(runtime.stderr).toMatch(/^Error: /);
  });

  it('bin/ without a build says to build, not a stack trace', async () => {
    const dir = workDir();
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(join(dir, 'bin'));
    copyFileSync(CLI, join(dir, 'bin', 'iam-bootstrap.js'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'iam-bootstrap.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('iam-bootstrap is not built yet: run `npm run build` in its folder (`npm ci` and `npm install` build it too).\n');
  });
});

describe.skipIf(noMoto)('conventions against the emulator', () => {
  it('--dry-run --detailed-exitcode: 4 while changes are pending, 0 once applied; without --dry-run it is exit 2', async () => {
    const creds = await freshAccount();
    const args = ['init', '--yes', '--alias', `drift-${Date.now() % 1e6}`, '--admin-user', 'dora', '--no-mfa', '--no-console-access', '--endpoint-url', motoUrl];
    const env = cliEnv(creds);
    expect((await runCli([...args, '--dry-run', '--detailed-exitcode'], { env, cwd: workDir() })).code).toBe(4);
    expect((await runCli(args, { env, cwd: workDir() })).code).toBe(0);
    expect((await runCli([...args, '--dry-run', '--detailed-exitcode'], { env, cwd: workDir() })).code).toBe(0);
    const wrong = await runCli([...args, '--detailed-exitcode'], { env, cwd: workDir() });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--detailed-exitcode: needs --dry-run');
  });

  it('--report csv=- writes the CSV to standard output', async () => {
    const creds = await freshAccount();
    const r = await runCli(['audit', '--report', 'csv=-', '--check', 'account-alias,password-policy', '--endpoint-url', motoUrl], { env: cliEnv(creds) });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\r\n').filter(Boolean);
    expect(lines[0]).toMatch(/^account_id,account_alias,check_id,/);
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(['account-alias', 'password-policy']);
  });

  it("the SDK's warning about AWS_PROFILE and static keys together is one line of ours", async () => {
    const env = cliEnv(undefined, { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_PROFILE: 'ops' });
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE as string, '[ops]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n');
    const r = await runCli(['audit', '--check', 'account-alias', '--endpoint-url', motoUrl], { env });
    expect(r.stderr).toBe('Warning: both AWS_PROFILE (ops) and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are set; the profile is used. Unset one of them.\n');
  });
});
