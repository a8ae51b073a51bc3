/**
 * Every changing call init makes × every way it can fail, then a re-run without faults (the IAM steps' calls × four
 * faults; the account defaults' calls × a lost answer and a denial, in a matrix of their own). Whatever the first run
 * did, the re-run must converge: one user, one login profile, one key, one assigned MFA device, no unassigned
 * device, no journal tag, and every live secret in a file this tool wrote. Scenarios run concurrently, each in
 * an account of its own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BudgetsClient, DescribeNotificationsForBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import { accountState, secretsWithoutFile } from './support/converged.js';
import { startFaultProxy, type Fault } from './support/fault-proxy.js';
import { cliEnv, freshAccount, iamFor, motoUrl, mutatingCallsIn, noMoto, runCli, workDir } from './support/moto.js';

const CHANGING_CALLS = [
  'CreateAccountAlias',
  'UpdateAccountPasswordPolicy',
  'PutAlternateContact',
  'CreateRole',
  'AttachRolePolicy',
  'CreateAnalyzer',
  'CreateGroup',
  'AttachGroupPolicy',
  'PutGroupPolicy',
  'CreateUser',
  'AddUserToGroup',
  'TagUser',
  'CreateLoginProfile',
  'CreateAccessKey',
  'UntagUser',
  'CreateVirtualMFADevice',
  'EnableMFADevice',
];

/** How many requests in a row get the fault: enough to outlast the SDK's retries where it retries at all. */
const TIMES: Record<Exclude<Fault, 'cut'>, number> = { lost: 1, throttle: 10, denied: 1, reset: 10 };

const scenarios = CHANGING_CALLS.flatMap((operation) => (['lost', 'throttle', 'denied', 'reset'] as const).map((fault) => [operation, fault] as const));

describe.skipIf(noMoto).concurrent('fault matrix: a faulty run, then a clean re-run, converges', () => {
  it.each(scenarios)('%s %s', async (operation, fault) => {
    const creds = await freshAccount();
    const dir = workDir();
    const proxy = await startFaultProxy(motoUrl);
    try {
      const args = [
        'init', '--yes', '--alias', `acme-${Math.floor(Math.random() * 1e9)}`, '--admin-user', 'alice', '--tag', 'team=platform',
        '--access-key', '--security-contact-email', 'security@example.com', '--security-contact-phone', '+1 206 555 0100',
        '--mfa-secret-file', join(dir, 'alice.otp'), '--endpoint-url', proxy.url,
        // The account defaults have their own matrix below.
        '--no-s3-block-public-access', '--no-ebs-encryption', '--no-snapshot-block-public-access', '--no-ami-block-public-access', '--no-imds-defaults', '--no-budget',
      ];
      proxy.add({ operation, fault, times: TIMES[fault] });
      const first = await runCli(args, { env: cliEnv(creds), cwd: dir });
      // The fault fired: a renamed or never-reached operation must fail here, not pass as a clean run.
      expect(proxy.requests.filter((r) => r.operation === operation && r.fault === fault).length).toBeGreaterThan(0);
      expect(first.stderr).not.toMatch(/\n\s+at /); // a message, never a stack trace
      expect([0, 3]).toContain(first.code);
      if (first.code === 3) expect(first.stderr).toMatch(new RegExp(`[\\w()-]+:${operation} failed`));

      proxy.clearRules();
      const again = await runCli(args, { env: cliEnv(creds), cwd: dir });
      expect(again.stderr).not.toMatch(/Error/);
      expect(again.code).toBe(0);

      const s = await accountState(iamFor(creds));
      expect(s.users).toEqual(['alice']);
      expect(s.loginProfile).toBe(true);
      expect(s.keys).toHaveLength(1);
      expect(s.mfa).toEqual([`arn:aws:iam::${creds.accountId}:mfa/alice`]);
      expect(s.unassigned).toEqual([]);
      expect(s.tags).toEqual([{ Key: 'team', Value: 'platform' }]);
      // The baseline converged too: the re-run's plan and a read-only audit of those checks agree.
      const audit = await runCli(['audit', '--json', '--endpoint-url', proxy.url, '--check', 'security-contact', '--check', 'support-role', '--check', 'access-analyzer'], {
        env: cliEnv(creds),
      });
      expect(JSON.parse(audit.stdout).accounts[0].checks.map((c: { status: string }) => c.status)).toEqual(['pass', 'pass', 'pass']);
      expect(secretsWithoutFile(proxy, dir, s)).toEqual([]);
      // The enabled device's seed is the one in the secret file.
      const seeds = proxy.exchanges
        .filter((e) => e.operation === 'CreateVirtualMFADevice' && e.status === 200)
        .map((e) => Buffer.from(/<Base32StringSeed>([^<]+)</.exec(e.response)?.[1] ?? '', 'base64').toString('ascii'));
      expect(readFileSync(join(dir, 'alice.otp'), 'utf8')).toContain(`secret=${seeds.pop()}`);
    } finally {
      await proxy.close();
    }
  });
});

/** The changing calls of the account defaults (as the fault proxy names them), with --budget-amount and --cloudtrail. */
const DEFAULTS_CHANGING_CALLS = [
  'PutAccountPublicAccessBlock',
  'EnableEbsEncryptionByDefault',
  'EnableSnapshotBlockPublicAccess',
  'EnableImageBlockPublicAccess',
  'ModifyInstanceMetadataDefaults',
  'CreateBudget',
  'CreateBucket',
  'PutBucketPublicAccessBlock',
  'PutBucketEncryption',
  'PutBucketVersioning',
  'PutBucketPolicy',
  'CreateTrail',
  'StartLogging',
];
/**
 * Every call denied; a lost answer where the SDK's retry then meets "already exists" (for the others a retry is the
 * same idempotent request again). Throttling and dropped connections are the SDK's retries, the same for every call:
 * the matrix above has them.
 */
const defaultsScenarios = [
  ...DEFAULTS_CHANGING_CALLS.map((operation) => [operation, 'denied'] as const),
  ...['CreateBudget', 'CreateBucket', 'CreateTrail'].map((operation) => [operation, 'lost'] as const),
];

describe.skipIf(noMoto).concurrent('fault matrix, account defaults: a faulty run, then a clean re-run, converges', () => {
  it.each(defaultsScenarios)('%s %s', async (operation, fault) => {
    const creds = await freshAccount();
    const dir = workDir();
    const proxy = await startFaultProxy(motoUrl);
    try {
      const args = [
        'init', '--yes', '--no-admin-user', '--no-alias', '--no-password-policy', '--no-support-role', '--no-access-analyzer',
        '--security-contact-email', 'security@example.com', '--security-contact-phone', '+1 206 555 0100',
        '--budget-amount', '100', '--cloudtrail', '--endpoint-url', proxy.url,
      ];
      // Every region's call fails (the regional ones are made once per region).
      proxy.add({ operation, fault, times: fault === 'denied' ? Infinity : 1 });
      const first = await runCli(args, { env: cliEnv(creds), cwd: dir });
      expect(proxy.requests.filter((r) => r.operation === operation && r.fault === fault).length).toBeGreaterThan(0);
      expect(first.stderr).not.toMatch(/\n\s+at /);
      expect(first.code).toBe(fault === 'lost' ? 0 : 3);
      if (fault === 'denied') expect(first.stderr).toMatch(new RegExp(`[\\w()-]+:${operation === 'PutAccountPublicAccessBlock' || operation === 'PutBucketPublicAccessBlock' ? 'PutPublicAccessBlock' : operation} failed`));

      proxy.clearRules();
      const again = await runCli([...args, '--verbose'], { env: cliEnv(creds), cwd: dir });
      expect(again.stderr).not.toMatch(/Error/);
      expect(again.code).toBe(0);
      // Converged: a third run finds everything in place (what audit then sees is proven in account-defaults.test.ts).
      const third = await runCli([...args, '--json', '--verbose'], { env: cliEnv(creds), cwd: dir });
      expect(mutatingCallsIn(third.stderr)).toEqual([]);
      const steps = JSON.parse(third.stdout).steps as { id: string; status: string }[];
      const defaults = ['s3-block-public-access', 'ebs-encryption', 'snapshot-block-public-access', 'ami-block-public-access', 'imds-defaults', 'budget', 'cloudtrail'];
      expect(steps.filter((st) => defaults.includes(st.id)).map((st) => st.status)).toEqual(defaults.map(() => 'unchanged'));
      // No duplicates: one trail, one budget with its three alerts.
      const config = { region: 'us-east-1', endpoint: motoUrl, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken } };
      const trails = (await new CloudTrailClient(config).send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
      expect(trails.map((t) => [t.Name, t.IsMultiRegionTrail, t.LogFileValidationEnabled])).toEqual([['iam-bootstrap', true, true]]);
      const budgets = new BudgetsClient(config);
      const notifications = (await budgets.send(new DescribeNotificationsForBudgetCommand({ AccountId: creds.accountId, BudgetName: 'iam-bootstrap-monthly' }))).Notifications ?? [];
      expect(notifications).toHaveLength(3);
    } finally {
      await proxy.close();
    }
  });
});
