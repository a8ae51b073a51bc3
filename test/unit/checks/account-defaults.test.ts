/** audit's checks of the account defaults beyond IAM: what passes, what fails (region by region), what is an error. */
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { auditContext, SECURE, type Scenario } from '../../support/audit-fixture.js';
import { FakeAccountDefaults, offRegion } from '../../support/fake-account-defaults.js';

const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2'];
const DEFAULT_CHECKS = ['s3-account-public-access-block', 'ebs-default-encryption', 'snapshot-public-access', 'ami-public-access', 'imds-defaults', 'budget-alert', 'cloudtrail-multi-region', 'guardduty'];

async function audit(defaults: FakeAccountDefaults, checks = DEFAULT_CHECKS, extra: Partial<Scenario> = {}) {
  const { ctx, sent } = auditContext({ ...SECURE, regions: REGIONS, defaults, ...extra });
  const { doc } = await runAudit(ctx, parseAuditFlags({ check: checks, format: 'json' }, false));
  const results = Object.fromEntries(doc.accounts[0]!.checks.map((c) => [c.id, c]));
  return { results, sent };
}

describe('the account-default checks', () => {
  it('pass on an account with every switch on, a budget that emails someone, a logging multi-region trail and GuardDuty', async () => {
    const { results } = await audit(FakeAccountDefaults.secure(REGIONS));
    for (const id of DEFAULT_CHECKS) expect(results[id]?.status, `${id}: ${results[id]?.detail}`).toBe('pass');
    expect(results['ebs-default-encryption']?.detail).toBe('EBS encryption by default is on in each of 3 enabled regions');
    expect(results['cloudtrail-multi-region']?.detail).toBe('the multi-region trail org-trail (eu-west-1) validates log files and is logging');
  });

  it('fail on a new account, each naming the regions or the setting, with the init command that fixes it', async () => {
    const { results } = await audit(FakeAccountDefaults.fresh());
    for (const id of DEFAULT_CHECKS) expect(results[id]?.status, id).toBe('fail');
    expect(results['s3-account-public-access-block']).toMatchObject({ detail: 'no account-level S3 Block Public Access', severity: 'high', references: ['CIS 7.0 3.1.4', 'CIS 5.0 2.1.4', 'CIS 3.0 2.1.4', 'Security Hub S3.1', 'SSB ACCT.08'] });
    expect(results['ebs-default-encryption']?.detail).toBe('eu-west-1: EBS encryption by default is off; us-east-1: EBS encryption by default is off; us-west-2: EBS encryption by default is off (3 of 3 enabled regions)');
    expect(results['ebs-default-encryption']?.resources).toEqual(REGIONS);
    expect(results['ebs-default-encryption']?.remediation.split('\n')[0]).toBe('iam-bootstrap init --only ebs-encryption');
    expect(results['imds-defaults']?.detail).toMatch(/^eu-west-1: no account default: each launch may allow IMDSv1;/);
    expect(results['budget-alert']?.detail).toBe('no cost budget');
    expect(results['cloudtrail-multi-region']).toMatchObject({ detail: 'no trail', references: ['CIS 7.0 4.1', 'CIS 7.0 4.2', 'CIS 5.0 3.1', 'CIS 5.0 3.2', 'CIS 3.0 3.1', 'CIS 3.0 3.2', 'Security Hub CloudTrail.1', 'Security Hub CloudTrail.4', 'SSB ACCT.07'] });
    expect(results['cloudtrail-multi-region']?.remediation).toMatch(/^iam-bootstrap init --only cloudtrail --cloudtrail/);
    expect(results.guardduty?.remediation.split('\n')).toEqual([
      'aws guardduty create-detector --enable --region eu-west-1',
      'aws guardduty create-detector --enable --region us-east-1',
      'aws guardduty create-detector --enable --region us-west-2',
      '(paid after a 30-day free trial; in an Organization, enable it for all accounts from a delegated administrator)',
    ]);
  });

  it('name only the regions without the setting, and tell block-new-sharing from block-all-sharing', async () => {
    const d = FakeAccountDefaults.secure(REGIONS);
    d.region('us-west-2').ebsEncryption = false;
    d.region('eu-west-1').snapshotBlock = 'block-new-sharing';
    d.region('us-east-1').guardDuty = 'DISABLED';
    d.region('eu-west-1').imds = { HttpTokens: 'optional' };
    d.s3Block = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false };
    const { results } = await audit(d);
    expect(results['ebs-default-encryption']?.detail).toBe('us-west-2: EBS encryption by default is off (1 of 3 enabled regions)');
    expect(results['snapshot-public-access']?.detail).toBe('eu-west-1: block-new-sharing: snapshots public before it stay public (1 of 3 enabled regions)');
    expect(results.guardduty?.detail).toBe('us-east-1: no enabled detector (1 of 3 enabled regions)');
    expect(results['imds-defaults']?.detail).toBe('eu-west-1: metadata tokens optional (1 of 3 enabled regions)');
    expect(results['s3-account-public-access-block']?.detail).toBe('BlockPublicPolicy, RestrictPublicBuckets off');
  });

  it('budget-alert: a budget whose alerts reach nobody fails, naming it', async () => {
    const d = FakeAccountDefaults.secure(REGIONS);
    d.budgets.get('monthly')!.notifications[0]!.subscribers = [];
    const { results } = await audit(d, ['budget-alert']);
    expect(results['budget-alert']?.detail).toBe('the cost budget monthly notifies nobody');
  });

  it('cloudtrail-multi-region: a one-region trail, one without validation, one stopped: each said, with its fix', async () => {
    const d = FakeAccountDefaults.secure(REGIONS);
    d.trails = [
      { Name: 'local', HomeRegion: 'us-east-1', IsMultiRegionTrail: false, LogFileValidationEnabled: true, S3BucketName: 'b', logging: true },
      { Name: 'everywhere', HomeRegion: 'us-east-1', IsMultiRegionTrail: true, LogFileValidationEnabled: false, S3BucketName: 'b', logging: false },
    ];
    const { results } = await audit(d, ['cloudtrail-multi-region']);
    expect(results['cloudtrail-multi-region']?.detail).toBe('local: one region only; everywhere: no log file validation, not logging');
    expect(results['cloudtrail-multi-region']?.remediation.split('\n')).toEqual([
      'iam-bootstrap init --only cloudtrail --cloudtrail',
      'or: aws cloudtrail update-trail --name everywhere --enable-log-file-validation --region us-east-1',
      'or: aws cloudtrail start-logging --name everywhere --region us-east-1',
    ]);
  });

  it('a missing permission makes only that check an error, naming the action and the region', async () => {
    const d = FakeAccountDefaults.secure(REGIONS);
    d.denied.add('GetEbsEncryptionByDefault@us-west-2');
    d.denied.add('DescribeBudgets');
    const { results } = await audit(d);
    expect(results['ebs-default-encryption']).toMatchObject({ status: 'error' });
    expect(results['ebs-default-encryption']?.detail).toBe('missing permission ec2:GetEbsEncryptionByDefault in us-west-2 (AccessDenied)');
    expect(results['ebs-default-encryption']?.detail).toMatch(/AccessDenied/);
    expect(results['budget-alert']?.detail).toMatch(/budgets:DescribeBudgets/);
    for (const id of DEFAULT_CHECKS.filter((c) => c !== 'ebs-default-encryption' && c !== 'budget-alert')) expect(results[id]?.status, id).toBe('pass');
  });

  it('each reads only its own setting: one call per region for the regional ones, nothing about IAM users', async () => {
    const { sent } = await audit(FakeAccountDefaults.secure(REGIONS), ['ebs-default-encryption', 'snapshot-public-access', 'ami-public-access', 'imds-defaults']);
    const count = (op: string) => sent.filter((s) => s === op).length;
    expect(count('GetEbsEncryptionByDefault')).toBe(3);
    expect(count('GetSnapshotBlockPublicAccessState')).toBe(3);
    expect(count('GetImageBlockPublicAccessState')).toBe(3);
    expect(count('GetInstanceMetadataDefaults')).toBe(3);
    expect(sent.filter((s) => /User|Group|Role|CredentialReport|Describe(Snapshots|Images|Instances)|ListBuckets/.test(s))).toEqual([]);
  });

  it('a region the account has not enabled is not read', async () => {
    const d = FakeAccountDefaults.secure(REGIONS);
    d.regions.set('ap-east-1', offRegion());
    const { results } = await audit(d, ['ebs-default-encryption']);
    expect(results['ebs-default-encryption']?.status).toBe('pass');
  });
});
