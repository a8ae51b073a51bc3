/** Helpers for tests against moto: an isolated account, the built CLI as a subprocess, SDK clients to check state. */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { inject } from 'vitest';

/** moto, behind the test double that answers what moto lacks (account:ListRegions, IAM Access Analyzer). */
export const motoUrl = inject('motoUrl');
/** Use as `describe.skipIf(noMoto)`. */
export const noMoto = motoUrl === '';

export const CLI = resolve(import.meta.dirname, '../../../bin/iam-bootstrap.js');

export interface Credentials {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** A brand-new account: moto gives each account id its own IAM state. */
export async function freshAccount(accountId = `4${String(randomInt(10 ** 10)).padStart(11, '0')}`): Promise<Credentials> {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: motoUrl,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto' },
  });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'integration' }),
  );
  sts.destroy();
  return {
    accountId,
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken ?? '',
  };
}

export function iamFor(creds: Credentials): IAMClient {
  return new IAMClient({
    region: 'us-east-1',
    endpoint: motoUrl,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
  });
}

/** Makes the account the management account of a new Organization with these member accounts (moto CreateAccount); their ids. */
export async function createOrganization(creds: Credentials, memberNames: string[]): Promise<string[]> {
  const orgs = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: motoUrl,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
  });
  await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const ids: string[] = [];
  for (const name of memberNames) {
    const { CreateAccountStatus } = await orgs.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    ids.push(CreateAccountStatus?.AccountId ?? '');
  }
  orgs.destroy();
  return ids;
}

export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'iam-bootstrap-it-'));
}

/** An environment with only these credentials: nothing from the developer's own AWS setup leaks in. */
export function cliEnv(creds: Credentials | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = workDir();
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
    ...(creds
      ? { AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_SESSION_TOKEN: creds.sessionToken }
      : {}),
    ...extra,
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; input?: string }): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

const MUTATING = /^aws [\w()-]+:(Create|Update|Put|Attach|Add|Tag|Untag|Delete|Enable|Detach|Remove|Deactivate|Provision|Modify|Start)\w* /m;

/** The mutating operations a --verbose run reports on stderr. */
export function mutatingCallsIn(stderr: string): string[] {
  return stderr.split('\n').filter((line) => MUTATING.test(line));
}
