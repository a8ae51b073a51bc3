/**
 * The account defaults beyond IAM on moto and the test double, through the built CLI: every switch in each enabled
 * region, a re-run that changes nothing, audit's verdicts, the trail's bucket read back, the safety
 * skips on an account that is not new, a region that fails, and bad flags.
 */
import { BudgetsClient, DescribeBudgetsCommand, DescribeNotificationsForBudgetCommand } from '@aws-sdk/client-budgets';
import { EC2Client, GetEbsEncryptionByDefaultCommand, GetImageBlockPublicAccessStateCommand, GetInstanceMetadataDefaultsCommand, GetSnapshotBlockPublicAccessStateCommand, ModifyImageAttributeCommand, RegisterImageCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, GetBucketEncryptionCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { cliEnv, freshAccount, motoUrl, mutatingCallsIn, noMoto, runCli, workDir, type Credentials } from './support/moto.js';

/** The IAM steps off: these runs are about the account defaults (init's IAM steps have their own tests). */
const IAM_OFF = ['--yes', '--no-admin-user', '--no-alias', '--no-password-policy', '--no-support-role', '--no-access-analyzer', '--no-security-contact'];
/** The regions the test double reports enabled (test/integration/support/moto-global-setup.ts; npm run bench uses 17). */
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2'];
const NEW_CHECKS = ['s3-account-public-access-block', 'ebs-default-encryption', 'snapshot-public-access', 'ami-public-access', 'imds-defaults', 'budget-alert', 'cloudtrail-multi-region', 'guardduty'];

const config = (creds: Credentials, region = 'us-east-1', endpoint = motoUrl) => ({
  region,
  endpoint,
  credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
});

interface AuditDoc {
  accounts: { checks: { id: string; status: string; detail: string; remediation: string }[] }[];
}

async function auditNewChecks(creds: Credentials, endpoint = motoUrl) {
  const r = await runCli(['audit', '--json', '--check', NEW_CHECKS.join(','), '--endpoint-url', endpoint], { env: cliEnv(creds) });
  const doc = JSON.parse(r.stdout) as AuditDoc;
  return Object.fromEntries(doc.accounts[0]!.checks.map((c) => [c.id, c]));
}

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe.skipIf(noMoto)('init: the account defaults on a new account', () => {
  it('sets every switch in every enabled region, a re-run changes nothing, and audit passes all but the trail and GuardDuty', async () => {
    const creds = await freshAccount();
    const env = cliEnv(creds);
    const args = [...IAM_OFF, '--budget-amount', '100', '--budget-email', 'finance@example.com', '--endpoint-url', motoUrl];
    const first = await runCli(['init', ...args], { env, cwd: workDir() });
    expect(first.code, first.stderr).toBe(0);

    const s3control = new S3ControlClient(config(creds));
    s3control.config.endpointProvider = () => ({ url: new URL(motoUrl) });
    expect((await s3control.send(new GetAccountBlockCommand({ AccountId: creds.accountId }))).PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const states = await Promise.all(
      REGIONS.map(async (region) => {
        const ec2 = new EC2Client(config(creds, region));
        const [ebs, snapshot, image, imds] = await Promise.all([
          ec2.send(new GetEbsEncryptionByDefaultCommand({})),
          ec2.send(new GetSnapshotBlockPublicAccessStateCommand({})),
          ec2.send(new GetImageBlockPublicAccessStateCommand({})),
          ec2.send(new GetInstanceMetadataDefaultsCommand({})),
        ]);
        return [ebs.EbsEncryptionByDefault, snapshot.State, image.ImageBlockPublicAccessState, imds.AccountLevel?.HttpTokens, imds.AccountLevel?.HttpPutResponseHopLimit];
      }),
    );
    expect(states).toEqual(Array(REGIONS.length).fill([true, 'block-all-sharing', 'block-new-sharing', 'required', 2]));
    const budgets = new BudgetsClient(config(creds));
    const budget = (await budgets.send(new DescribeBudgetsCommand({ AccountId: creds.accountId }))).Budgets?.find((b) => b.BudgetName === 'iam-bootstrap-monthly');
    expect(budget).toMatchObject({ BudgetType: 'COST', TimeUnit: 'MONTHLY' });
    expect(Number(budget?.BudgetLimit?.Amount)).toBe(100);
    const notifications = (await budgets.send(new DescribeNotificationsForBudgetCommand({ AccountId: creds.accountId, BudgetName: 'iam-bootstrap-monthly' }))).Notifications ?? [];
    expect(notifications.map((n) => `${n.NotificationType} ${n.Threshold}`).sort()).toEqual(['ACTUAL 100', 'ACTUAL 80', 'FORECASTED 100']);

    const again = await runCli(['init', ...args, '--verbose'], { env, cwd: workDir() });
    expect(again.code, again.stderr).toBe(0);
    expect(mutatingCallsIn(again.stderr)).toEqual([]);
    expect(again.stderr).toContain('Everything is already in place; nothing to change.');

    // The budget's amount changes only when another is given; its alerts stay.
    const raised = await runCli(['init', ...IAM_OFF, '--only', 'budget', '--budget-amount', '150', '--budget-email', 'finance@example.com', '--verbose', '--endpoint-url', motoUrl], { env, cwd: workDir() });
    expect(mutatingCallsIn(raised.stderr).map((l) => l.split(' ')[1])).toEqual(['budgets:UpdateBudget']);
    const updated = (await budgets.send(new DescribeBudgetsCommand({ AccountId: creds.accountId }))).Budgets?.find((b) => b.BudgetName === 'iam-bootstrap-monthly');
    expect(Number(updated?.BudgetLimit?.Amount)).toBe(150);
    expect((await budgets.send(new DescribeNotificationsForBudgetCommand({ AccountId: creds.accountId, BudgetName: 'iam-bootstrap-monthly' }))).Notifications).toHaveLength(3);

    const checks = await auditNewChecks(creds);
    for (const id of NEW_CHECKS.filter((c) => c !== 'cloudtrail-multi-region' && c !== 'guardduty')) expect(checks[id]?.status, `${id}: ${checks[id]?.detail}`).toBe('pass');
    expect(checks['cloudtrail-multi-region']).toMatchObject({ status: 'fail', detail: 'no trail' });
    expect(checks['cloudtrail-multi-region']?.remediation).toMatch(/iam-bootstrap init --only cloudtrail --cloudtrail/);
    expect(checks.guardduty).toMatchObject({ status: 'fail' });
    expect(checks.guardduty?.detail).toMatch(/\(3 of 3 enabled regions\)$/);
    expect(checks.guardduty?.remediation).toMatch(/aws guardduty create-detector --enable --region us-west-2/);
  });

  it('--cloudtrail: a multi-region trail that audit passes, to a bucket whose protection reads back', async () => {
    const creds = await freshAccount();
    const env = cliEnv(creds);
    const r = await runCli(['init', ...IAM_OFF, '--no-budget', '--cloudtrail', '--endpoint-url', motoUrl], { env, cwd: workDir() });
    expect(r.code, r.stderr).toBe(0);
    const bucket = `iam-bootstrap-cloudtrail-${creds.accountId}-us-east-1`;
    const s3 = new S3Client({ ...config(creds), forcePathStyle: true });
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    expect((await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? '{}') as { Statement: { Effect: string; Principal: unknown; Condition?: Record<string, Record<string, string>> }[] };
    const trailArn = `arn:aws:cloudtrail:us-east-1:${creds.accountId}:trail/iam-bootstrap`;
    expect(policy.Statement.filter((s) => s.Effect === 'Allow').map((s) => [s.Principal, s.Condition?.StringEquals?.['aws:SourceArn']])).toEqual([
      [{ Service: 'cloudtrail.amazonaws.com' }, trailArn],
      [{ Service: 'cloudtrail.amazonaws.com' }, trailArn],
    ]);
    expect(policy.Statement.find((s) => s.Effect === 'Deny')?.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });

    const checks = await auditNewChecks(creds);
    expect(checks['cloudtrail-multi-region']).toMatchObject({ status: 'pass', detail: 'the multi-region trail iam-bootstrap (us-east-1) validates log files and is logging' });

    const again = await runCli(['init', ...IAM_OFF, '--no-budget', '--cloudtrail', '--verbose', '--endpoint-url', motoUrl], { env, cwd: workDir() });
    expect(mutatingCallsIn(again.stderr)).toEqual([]);
  });
});

describe.skipIf(noMoto)('init: an account that is not new', () => {
  it('a public bucket, a public AMI and a running IMDSv1 instance: --yes skips those three steps with the reasons; the explicit flags apply them', async () => {
    const creds = await freshAccount();
    const env = cliEnv(creds);
    const s3 = new S3Client({ ...config(creds), forcePathStyle: true });
    const bucket = `public-site-${creds.accountId}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] }) }));
    const ec2 = new EC2Client(config(creds, 'eu-west-1'));
    const { ImageId } = await ec2.send(new RegisterImageCommand({ Name: 'published', RootDeviceName: '/dev/sda1' }));
    await ec2.send(new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: [{ Group: 'all' }] } }));
    const instance = await ec2.send(new RunInstancesCommand({ ImageId, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', MetadataOptions: { HttpTokens: 'optional' } }));
    const instanceId = instance.Instances?.[0]?.InstanceId ?? '';

    const base = [...IAM_OFF, '--no-budget', '--json', '--endpoint-url', motoUrl];
    const r = await runCli(['init', ...base], { env, cwd: workDir() });
    expect(r.code, r.stderr).toBe(0);
    const steps = Object.fromEntries((JSON.parse(r.stdout) as { steps: { id: string; status: string; summary: string }[] }).steps.map((s) => [s.id, s]));
    expect(steps['s3-block-public-access']).toMatchObject({ status: 'skip', summary: `skipped: a bucket is public and would stop being public: ${bucket} (policy); --s3-block-public-access applies it anyway` });
    expect(steps['ami-block-public-access']?.status).toBe('skip');
    expect(steps['ami-block-public-access']?.summary).toContain(`eu-west-1: ${ImageId}`);
    expect(steps['imds-defaults']?.status).toBe('skip');
    expect(steps['imds-defaults']?.summary).toContain(`eu-west-1: ${instanceId}`);
    // What breaks nothing is applied.
    expect(steps['ebs-encryption']?.status).toBe('create');
    expect(steps['snapshot-block-public-access']?.status).toBe('create');
    const before = await auditNewChecks(creds);
    expect([before['s3-account-public-access-block']?.status, before['ami-public-access']?.status, before['imds-defaults']?.status]).toEqual(['fail', 'fail', 'fail']);

    const explicit = await runCli(['init', ...base, '--s3-block-public-access', '--ami-block-public-access', '--imds-defaults'], { env, cwd: workDir() });
    expect(explicit.code, explicit.stderr).toBe(0);
    const applied = Object.fromEntries((JSON.parse(explicit.stdout) as { steps: { id: string; status: string; summary: string }[] }).steps.map((s) => [s.id, s]));
    expect([applied['s3-block-public-access']?.status, applied['ami-block-public-access']?.status, applied['imds-defaults']?.status]).toEqual(['create', 'create', 'create']);
    expect(applied['s3-block-public-access']?.summary).toMatch(/; applied although a bucket is public/);
    const after = await auditNewChecks(creds);
    expect([after['s3-account-public-access-block']?.status, after['ami-public-access']?.status, after['imds-defaults']?.status]).toEqual(['pass', 'pass', 'pass']);
  });

  it('one region denied: named, the others set; the re-run sets that region alone', async () => {
    const creds = await freshAccount();
    const env = cliEnv(creds);
    proxy = await startFaultProxy(motoUrl);
    proxy.add({ operation: 'EnableEbsEncryptionByDefault', fault: 'denied', region: 'us-west-2', times: Infinity });
    const args = [...IAM_OFF, '--no-budget', '--only', 'ebs-encryption', '--verbose', '--endpoint-url', proxy.url];
    const failed = await runCli(['init', ...args], { env, cwd: workDir() });
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/ec2:EnableEbsEncryptionByDefault failed in 1 of 3 regions: us-west-2: UnauthorizedOperation/);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    proxy.clearRules();
    const again = await runCli(['init', ...args], { env, cwd: workDir() });
    expect(again.code, again.stderr).toBe(0);
    expect(mutatingCallsIn(again.stderr)).toEqual([expect.stringMatching(/^aws ec2\(us-west-2\):EnableEbsEncryptionByDefault /)]);
  });

  it.each([
    ['--budget-amount', '-5'],
    ['--budget-amount', '12.345'],
    ['--budget-email', 'nobody'],
    ['--ebs-kms-key', 'not-a-key'],
    ['--cloudtrail-bucket', 'Not_A_Bucket'],
  ])('%s %s: exit 2, naming the flag, with no changing call', async (flag, value) => {
    const creds = await freshAccount();
    const extra = flag === '--cloudtrail-bucket' ? ['--cloudtrail'] : [];
    const r = await runCli(['init', ...IAM_OFF, flag, value, ...extra, '--verbose', '--endpoint-url', motoUrl], { env: cliEnv(creds), cwd: workDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag}: "${value}"`);
    expect(mutatingCallsIn(r.stderr)).toEqual([]);
  });
});
