/**
 * init's account defaults beyond IAM over a fake account: every switch in every enabled region, re-runs that change
 * nothing, the safety skips on accounts that are not new, a region that fails, the budget and the trail.
 */
import { describe, expect, it } from 'vitest';
import { runInit } from '../../../src/commands/init/index.js';
import { parseInitFlags, type InitFlags } from '../../../src/commands/init/options.js';
import { describeError, RuntimeError, UsageError } from '../../../src/errors.js';
import { FakeAccount, fakeAws, mutatingCalls } from '../../support/fake-aws.js';
import { ScriptedPrompter } from '../../support/scripted-prompter.js';
import { FakeClock, tempDir, testContext } from '../../support/context.js';

const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2'];
/** The IAM baseline and the admin off: these tests are about the account defaults. */
const IAM_OFF: InitFlags = { yes: true, alias: false, passwordPolicy: false, supportRole: false, accessAnalyzer: false, adminUser: false, securityContactEmail: 'sec@example.com', securityContactPhone: '+1 206 555 0100' };
const DEFAULTS_STEPS = ['s3-block-public-access', 'ebs-encryption', 'snapshot-block-public-access', 'ami-block-public-access', 'imds-defaults', 'budget', 'cloudtrail'];

function account(): FakeAccount {
  const a = new FakeAccount();
  a.regions = REGIONS;
  return a;
}

async function init(a: FakeAccount, flags: InitFlags) {
  const { clients } = fakeAws(a);
  const t = testContext(clients, new ScriptedPrompter([]), { clock: new FakeClock(new Date('2026-06-01T12:00:00Z')) });
  const all = { ...IAM_OFF, ...flags };
  const request = parseInitFlags(all, (n) => all[n] !== undefined);
  a.calls.length = 0;
  const result = await runInit(t.ctx, request, { stdinIsTty: false, cwd: tempDir() });
  const status = Object.fromEntries(result.steps.filter((s) => DEFAULTS_STEPS.includes(s.id)).map((s) => [s.id, s.status]));
  const summary = Object.fromEntries(result.steps.map((s) => [s.id, s.summary]));
  return { result, status, summary, stderr: t.stderr.join('') };
}

describe('init on a new account: the account defaults', () => {
  it('sets every switch in every enabled region, then a re-run changes nothing', async () => {
    const a = account();
    const first = await init(a, { budgetAmount: '100', cloudtrail: true });
    expect(first.status).toEqual(Object.fromEntries(DEFAULTS_STEPS.map((id) => [id, 'create'])));
    const d = a.defaults;
    expect(d.s3Block).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    for (const region of REGIONS) {
      expect(d.region(region)).toMatchObject({ ebsEncryption: true, ebsKey: 'alias/aws/ebs', snapshotBlock: 'block-all-sharing', imageBlock: 'block-new-sharing', imds: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } });
    }
    // Regional calls: one read per region per switch, one change per region (no call for a region twice).
    expect(a.calls.filter((c) => c === 'EnableEbsEncryptionByDefault')).toHaveLength(3);
    expect(a.calls.filter((c) => c === 'ListRegions')).toHaveLength(1);
    expect(d.budgets.get('iam-bootstrap-monthly')?.notifications.every((n) => n.subscribers[0]?.Address === 'sec@example.com')).toBe(true);

    const again = await init(a, { budgetAmount: '100', cloudtrail: true });
    expect(again.status).toEqual(Object.fromEntries(DEFAULTS_STEPS.map((id) => [id, 'unchanged'])));
    expect(mutatingCalls(a)).toEqual([]);
  });

  it('--dry-run reads every region and changes nothing', async () => {
    const a = account();
    const { status } = await init(a, { budgetAmount: '100', cloudtrail: true, dryRun: true });
    expect(Object.values(status)).toEqual(Array(7).fill('create'));
    expect(mutatingCalls(a)).toEqual([]);
    expect(a.defaults.s3Block).toBeUndefined();
  });

  it('--no-<step> leaves each switch alone without reading it', async () => {
    const a = account();
    const { status, summary } = await init(a, { s3BlockPublicAccess: false, ebsEncryption: false, snapshotBlockPublicAccess: false, amiBlockPublicAccess: false, imdsDefaults: false, budget: false });
    expect(status).toEqual(Object.fromEntries(DEFAULTS_STEPS.map((id) => [id, 'skip'])));
    expect(summary['ebs-encryption']).toBe('left as it is (--no-ebs-encryption)');
    expect(summary.cloudtrail).toMatch(/--cloudtrail creates a multi-region trail \(its bucket storage costs money\)/);
    expect(a.calls.filter((c) => /Ebs|Snapshot|Image|Metadata|PublicAccessBlock|Budget|Trail/.test(c))).toEqual([]);
  });

  it('a region partly set is planned as an update of the regions still off', async () => {
    const a = account();
    a.defaults.region('eu-west-1').ebsEncryption = true;
    a.defaults.region('us-east-1').imds = { HttpTokens: 'required', HttpPutResponseHopLimit: 1 };
    const { result } = await init(a, {});
    const ebs = result.steps.find((s) => s.id === 'ebs-encryption')!;
    expect(ebs).toMatchObject({ status: 'update', summary: 'on (AWS managed key) in 2 of 3 regions (new volumes only)' });
    expect(ebs.changes.map((c) => c.field)).toEqual(['us-east-1', 'us-west-2']);
    // A hop limit of 1 is stricter than 2: kept.
    expect(result.steps.find((s) => s.id === 'imds-defaults')?.changes.map((c) => c.field)).toEqual(['eu-west-1', 'us-west-2']);
    expect(a.defaults.region('us-east-1').imds).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
  });

  it('--ebs-kms-key sets the key before turning encryption on, and a re-run with the key ARN changes nothing', async () => {
    const a = account();
    const key = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    await init(a, { ebsKmsKey: key });
    expect(a.calls.indexOf('ModifyEbsDefaultKmsKeyId')).toBeLessThan(a.calls.indexOf('EnableEbsEncryptionByDefault'));
    expect(a.calls.filter((c) => c === 'ModifyEbsDefaultKmsKeyId')).toHaveLength(3);
    expect(a.defaults.region('us-west-2')).toMatchObject({ ebsEncryption: true, ebsKey: key });
    expect((await init(a, { ebsKmsKey: key })).status['ebs-encryption']).toBe('unchanged');
    // Without --ebs-kms-key the key chosen earlier is kept: not even read.
    a.calls.length = 0;
    expect((await init(a, {})).status['ebs-encryption']).toBe('unchanged');
  });
});

describe('init on an account that is not new: what a switch would break is shown, and skipped unless asked for', () => {
  function busy(): FakeAccount {
    const a = account();
    a.defaults.buckets.set('public-site', { region: 'eu-west-1', owner: 'self', publicPolicy: true });
    a.defaults.buckets.set('legacy-downloads', { region: 'us-east-1', owner: 'self', publicAcl: true });
    a.defaults.buckets.set('private-data', { region: 'us-east-1', owner: 'self' });
    a.defaults.region('eu-west-1').publicImages = ['ami-0123456789abcdef0'];
    a.defaults.region('us-west-2').instances = [{ id: 'i-0aaa', httpTokens: 'optional' }, { id: 'i-0bbb', httpTokens: 'required' }];
    return a;
  }

  it('--yes skips S3 Block Public Access, the AMI block and the IMDS defaults with the reasons, and applies the rest', async () => {
    const a = busy();
    const { status, summary, stderr } = await init(a, {});
    expect(status).toMatchObject({ 's3-block-public-access': 'skip', 'ami-block-public-access': 'skip', 'imds-defaults': 'skip', 'ebs-encryption': 'create', 'snapshot-block-public-access': 'create' });
    expect(summary['s3-block-public-access']).toBe(
      'skipped: 2 buckets are public and would stop being public: public-site (policy), legacy-downloads (ACL); --s3-block-public-access applies it anyway',
    );
    expect(summary['ami-block-public-access']).toMatch(/^skipped: the account publishes AMIs \(eu-west-1: ami-0123456789abcdef0\), .*; --ami-block-public-access applies it anyway$/);
    expect(summary['imds-defaults']).toMatch(/^skipped: running instances accept IMDSv1 \(us-west-2: i-0aaa\); .*--imds-defaults applies it anyway$/);
    expect(stderr).toContain('--s3-block-public-access applies it anyway');
    expect(a.defaults.s3Block).toBeUndefined();
    expect(REGIONS.map((r) => a.defaults.region(r).imageBlock)).toEqual(['unblocked', 'unblocked', 'unblocked']);
    expect(a.defaults.region('us-west-2').imds).toEqual({});
    expect(mutatingCalls(a).some((c) => /PublicAccessBlock|ImageBlock|MetadataDefaults/.test(c))).toBe(false);
  });

  it('a public snapshot keeps the snapshot block from being applied by default', async () => {
    const a = account();
    a.defaults.region('us-east-1').publicSnapshots = ['snap-0123'];
    const { summary, status } = await init(a, {});
    expect(status['snapshot-block-public-access']).toBe('skip');
    expect(summary['snapshot-block-public-access']).toBe('skipped: public snapshots would become private (us-east-1: snap-0123); --snapshot-block-public-access applies it anyway');
  });

  it('the explicit flags apply them, and the plan says what they break', async () => {
    const a = busy();
    const { status, summary } = await init(a, { s3BlockPublicAccess: true, amiBlockPublicAccess: true, imdsDefaults: true });
    expect(status).toMatchObject({ 's3-block-public-access': 'create', 'ami-block-public-access': 'create', 'imds-defaults': 'create' });
    expect(summary['s3-block-public-access']).toMatch(/; applied although 2 buckets are public and would stop being public: public-site \(policy\), legacy-downloads \(ACL\) \(--s3-block-public-access\)$/);
    expect(a.defaults.s3Block?.RestrictPublicBuckets).toBe(true);
    expect(a.defaults.region('eu-west-1').imageBlock).toBe('block-new-sharing');
    expect(a.defaults.region('us-west-2').imds).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
  });
});

describe('a region that fails', () => {
  it('is named, the other regions are set, and the next run sets it alone', async () => {
    const a = account();
    a.defaults.denied.add('EnableEbsEncryptionByDefault@us-west-2');
    const err = await init(a, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect(describeError(err).message).toMatch(/ec2:EnableEbsEncryptionByDefault failed in 1 of 3 regions: us-west-2: AccessDenied: User is not authorized to perform: ec2:EnableEbsEncryptionByDefault/);
    expect(describeError(err).message).toMatch(/The other regions are set; run init again/);
    expect(REGIONS.map((r) => a.defaults.region(r).ebsEncryption)).toEqual([true, true, false]);

    a.defaults.denied.clear();
    const again = await init(a, {});
    expect(again.result.steps.find((s) => s.id === 'ebs-encryption')?.changes.map((c) => c.field)).toEqual(['us-west-2']);
    expect(a.calls.filter((c) => c === 'EnableEbsEncryptionByDefault')).toHaveLength(1);
    // The steps after it, stopped by the failure, are done now.
    expect(REGIONS.map((r) => a.defaults.region(r).imds.HttpTokens)).toEqual(['required', 'required', 'required']);
  });

  it('a read denied in one region stops the run before any change, naming the call and the region', async () => {
    const a = account();
    a.defaults.denied.add('GetImageBlockPublicAccessState@eu-west-1');
    const err = await init(a, {}).catch((e: unknown) => e);
    expect(describeError(err).message).toMatch(/^Error: ec2\(eu-west-1\):GetImageBlockPublicAccessState failed: AccessDenied/);
    expect(mutatingCalls(a)).toEqual([]);
  });
});

describe('budget', () => {
  it('without --budget-amount and without a budget, nothing is made and the plan says how', async () => {
    const a = account();
    const { status, summary } = await init(a, {});
    expect(status.budget).toBe('skip');
    expect(summary.budget).toBe('no budget: --budget-amount <USD a month> sets one');
  });

  it('an existing budget of that name: only what was given changes (amount, missing alerts, the email on each)', async () => {
    const a = account();
    a.defaults.budgets.set('iam-bootstrap-monthly', {
      budget: { BudgetName: 'iam-bootstrap-monthly', BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: '50.0', Unit: 'USD' } },
      notifications: [{ notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' }, subscribers: [{ SubscriptionType: 'EMAIL', Address: 'finance@example.com' }] }],
    });
    const { result } = await init(a, { budgetAmount: '100', budgetEmail: 'ops@example.com' });
    const budget = result.steps.find((s) => s.id === 'budget')!;
    expect(budget.status).toBe('update');
    expect(budget.changes).toEqual([
      { field: 'amount', from: '50 USD', to: '100 USD' },
      { field: 'notification', to: 'actual > 100% → ops@example.com' },
      { field: 'notification', to: 'forecasted > 100% → ops@example.com' },
      { field: 'notification', from: 'actual > 80%', to: 'actual > 80% → also ops@example.com' },
    ]);
    const b = a.defaults.budgets.get('iam-bootstrap-monthly')!;
    expect(b.budget.BudgetLimit?.Amount).toBe('100');
    expect(b.notifications.map((n) => n.subscribers.map((x) => x.Address))).toEqual([['finance@example.com', 'ops@example.com'], ['ops@example.com'], ['ops@example.com']]);
    expect((await init(a, { budgetAmount: '100', budgetEmail: 'ops@example.com' })).status.budget).toBe('unchanged');
    // No amount given: the budget's own is kept, and nothing else changes either.
    expect((await init(a, { budgetEmail: 'ops@example.com' })).status.budget).toBe('unchanged');
  });

  it('emails the security contact the account already has; with none, --budget-amount is a usage error before any change', async () => {
    const a = account();
    a.contacts.set('SECURITY', { AlternateContactType: 'SECURITY', EmailAddress: 'team@example.com', Name: 'Team', PhoneNumber: '+1 206 555 0100', Title: 'Security' });
    await init(a, { budgetAmount: '25.50', securityContactEmail: undefined, securityContactPhone: undefined });
    expect(a.defaults.budgets.get('iam-bootstrap-monthly')?.notifications[0]?.subscribers).toEqual([{ SubscriptionType: 'EMAIL', Address: 'team@example.com' }]);
    expect(a.defaults.budgets.get('iam-bootstrap-monthly')?.budget.BudgetLimit?.Amount).toBe('25.5.0');

    const none = account();
    const err = await init(none, { budgetAmount: '100', securityContactEmail: undefined, securityContactPhone: undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/^--budget-email: the budget needs someone to notify/);
    expect(mutatingCalls(none)).toEqual([]);
  });

  it('a budget of that name that is not a monthly cost budget is left alone: a usage error naming --budget-name', async () => {
    const a = account();
    a.defaults.budgets.set('iam-bootstrap-monthly', { budget: { BudgetName: 'iam-bootstrap-monthly', BudgetType: 'USAGE', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: '5', Unit: 'GB' } }, notifications: [] });
    const err = await init(a, { budgetAmount: '100' }).catch((e: unknown) => e);
    expect((err as UsageError).message).toMatch(/^--budget-name: the account's budget iam-bootstrap-monthly is a monthly usage budget/);
    expect(mutatingCalls(a)).toEqual([]);
  });
});

describe('--cloudtrail', () => {
  it('makes the bucket private, encrypted, versioned, admitting only this trail over TLS; the trail is multi-region, validated, logging', async () => {
    const a = account();
    await init(a, { cloudtrail: true });
    const bucket = a.defaults.buckets.get('iam-bootstrap-cloudtrail-111122223333-us-east-1')!;
    expect(bucket).toMatchObject({ encryption: 'AES256', versioning: 'Enabled', blockPublicAccess: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
    const policy = JSON.parse(bucket.policy ?? '{}') as { Statement: { Sid: string; Effect: string; Principal: unknown; Action: string; Condition: Record<string, Record<string, string>> }[] };
    const trailArn = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/iam-bootstrap';
    expect(policy.Statement.map((s) => [s.Sid, s.Effect, s.Action])).toEqual([
      ['CloudTrailAclCheck', 'Allow', 's3:GetBucketAcl'],
      ['CloudTrailWrite', 'Allow', 's3:PutObject'],
      ['DenyInsecureTransport', 'Deny', 's3:*'],
    ]);
    expect(policy.Statement[0]?.Condition.StringEquals?.['aws:SourceArn']).toBe(trailArn);
    expect(policy.Statement[1]?.Condition.StringEquals?.['aws:SourceArn']).toBe(trailArn);
    expect(policy.Statement[2]?.Condition.Bool?.['aws:SecureTransport']).toBe('false');
    expect(a.defaults.trails).toEqual([
      { Name: 'iam-bootstrap', HomeRegion: 'us-east-1', IsMultiRegionTrail: true, LogFileValidationEnabled: true, S3BucketName: 'iam-bootstrap-cloudtrail-111122223333-us-east-1', logging: true },
    ]);
  });

  it('a run stopped after the bucket finishes on the next: the bucket is reused and the trail made', async () => {
    const a = account();
    a.defaults.denied.add('CreateTrail');
    await expect(init(a, { cloudtrail: true })).rejects.toThrow();
    expect(a.defaults.buckets.size).toBe(1);
    a.defaults.denied.clear();
    const again = await init(a, { cloudtrail: true });
    expect(again.result.steps.find((s) => s.id === 'cloudtrail')?.changes[0]?.to).toMatch(/^iam-bootstrap-cloudtrail-111122223333-us-east-1 \(exists; /);
    expect(a.calls).not.toContain('CreateBucket');
    expect(a.defaults.trails[0]?.logging).toBe(true);
  });

  it('an existing multi-region trail is reported and left alone; a trail of ours that stopped logging is started', async () => {
    const a = account();
    a.defaults.trails = [{ Name: 'org-trail', HomeRegion: 'eu-west-1', IsMultiRegionTrail: true, LogFileValidationEnabled: true, S3BucketName: 'logs', logging: true }];
    const { status, summary } = await init(a, { cloudtrail: true });
    expect(status.cloudtrail).toBe('unchanged');
    expect(summary.cloudtrail).toBe('the multi-region trail org-trail (eu-west-1) already records every region; left as it is');
    expect(a.defaults.buckets.size).toBe(0);

    const b = account();
    b.defaults.buckets.set('logs', { region: 'us-east-1', owner: 'self' });
    b.defaults.trails = [{ Name: 'iam-bootstrap', HomeRegion: 'us-east-1', IsMultiRegionTrail: true, LogFileValidationEnabled: true, S3BucketName: 'logs', logging: false }];
    expect((await init(b, { cloudtrail: true })).status.cloudtrail).toBe('update');
    expect(mutatingCalls(b).filter((c) => /Trail|Logging|Bucket/.test(c))).toEqual(['StartLogging']);
  });

  it("another account's bucket of that name is a usage error naming --cloudtrail-bucket, before any change", async () => {
    const a = account();
    a.defaults.buckets.set('taken-name', { region: 'us-east-1', owner: 'other' });
    const err = await init(a, { cloudtrail: true, cloudtrailBucket: 'taken-name' }).catch((e: unknown) => e);
    expect((err as UsageError).message).toMatch(/^--cloudtrail-bucket: the bucket taken-name exists and belongs to another account/);
    expect(mutatingCalls(a)).toEqual([]);
  });
});

describe('flags of the account defaults', () => {
  const given = (flags: InitFlags) => (n: keyof InitFlags) => flags[n] !== undefined;
  it.each<[InitFlags, RegExp]>([
    [{ budgetAmount: 'ten' }, /^--budget-amount: "ten" must be an amount in USD/],
    [{ budgetAmount: '0' }, /^--budget-amount: "0" must be more than 0/],
    [{ budgetAmount: '10.999' }, /at most two decimals/],
    [{ budgetEmail: 'not-an-email' }, /^--budget-email: "not-an-email"/],
    [{ budgetName: 'a:b' }, /^--budget-name: "a:b" must be 1-100 characters without : or \\/],
    [{ budget: false, budgetAmount: '10' }, /^--no-budget: cannot be combined with --budget-amount/],
    [{ ebsKmsKey: 'my-key' }, /^--ebs-kms-key: "my-key" is not a KMS key id/],
    [{ ebsKmsKey: 'alias/aws/s3' }, /names an AWS managed key of another service/],
    [{ ebsEncryption: false, ebsKmsKey: 'alias/ebs' }, /^--no-ebs-encryption: cannot be combined with --ebs-kms-key/],
    [{ cloudtrailName: 'trail' }, /^--cloudtrail-name: needs --cloudtrail/],
    [{ cloudtrail: true, cloudtrailName: 'a..b' }, /^--cloudtrail-name: "a..b"/],
    [{ cloudtrail: true, cloudtrailBucket: 'Bad_Bucket' }, /^--cloudtrail-bucket: "Bad_Bucket" must be 3-63 lowercase/],
    [{ cloudtrail: true, cloudtrailBucket: '192.168.1.1' }, /must not look like an IP address/],
  ])('%o', (flags, message) => {
    expect(() => parseInitFlags(flags, given(flags))).toThrow(UsageError);
    expect(() => parseInitFlags(flags, given(flags))).toThrow(message);
  });
});

describe('the wizard', () => {
  it('asks only the budget amount; "change something" reaches every switch, the budget and the trail', async () => {
    const a = account();
    const { clients } = fakeAws(a);
    const prompt = new ScriptedPrompter([
      '', // no budget for now
      'change',
      'imds-defaults',
      'off',
      'change',
      'budget',
      '50',
      'ops@example.com',
      'change',
      'cloudtrail',
      true,
      'apply',
    ]);
    const t = testContext(clients, prompt, { clock: new FakeClock(new Date('2026-06-01T12:00:00Z')) });
    const flags: InitFlags = { alias: false, passwordPolicy: false, supportRole: false, accessAnalyzer: false, adminUser: false, securityContact: false };
    await runInit(t.ctx, parseInitFlags(flags, (n) => flags[n] !== undefined), { stdinIsTty: true, cwd: tempDir() });
    expect(prompt.asked.filter((q) => !/^(Apply these changes\?|Change which step\?)$/.test(q))).toEqual([
      'Monthly cost budget in USD, emailed at 80% and 100% of spend and 100% of forecast (empty: none)',
      'IMDSv2 by default',
      'Monthly cost budget in USD, emailed at 80% and 100% of spend and 100% of forecast (empty: none)',
      'Budget alerts go to (empty: the security contact)',
      'Create a multi-region trail with log file validation to a new protected bucket? (its storage costs money)',
    ]);
    expect(a.defaults.region('us-east-1').imds).toEqual({});
    expect(a.defaults.region('us-east-1').ebsEncryption).toBe(true);
    expect(a.defaults.budgets.get('iam-bootstrap-monthly')?.notifications[0]?.subscribers[0]?.Address).toBe('ops@example.com');
    expect(a.defaults.trails.map((tr) => tr.Name)).toEqual(['iam-bootstrap']);
  });
});
