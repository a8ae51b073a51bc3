/**
 * The account-wide switches beyond IAM that every day-one baseline turns on (init sets all but GuardDuty): S3 Block
 * Public Access, EBS encryption by default, the snapshot and AMI sharing blocks, IMDSv2 by default, a budget that
 * alerts someone, a multi-region trail, GuardDuty. Each reads only its own setting; the regional ones read every
 * enabled region at once, one call each.
 */
import { PUBLIC_ACCESS_BLOCK_SETTINGS } from '../account/s3-public-access.js';
import type { ByRegion } from '../audit/sources.js';
import { forAuditedAccount, initFix, type FixContext } from './fix.js';
import { failWith, pass, type Check, type CheckOutcome, type Finding } from './types.js';

/** A regional setting: pass where every enabled region has it, else one finding per region without it. */
function everyRegion<T>(
  states: ByRegion<T>,
  ok: (value: T) => boolean,
  text: (value: T) => string,
  what: string,
  remediation: (regions: string[]) => string,
): CheckOutcome {
  const missing = states.filter((s) => !ok(s.value));
  if (!missing.length) return pass(`${what} in each of ${states.length} enabled regions`);
  const findings: Finding[] = missing.map((s) => ({ resource: s.region, text: `${s.region}: ${text(s.value)}` }));
  return failWith(findings, { note: ` (${missing.length} of ${states.length} enabled regions)`, remediation: remediation(missing.map((s) => s.region)) });
}

/** "--only ebs-encryption", then the AWS CLI for each region. */
const regionalFix = (fix: FixContext, step: string, cli: (region: string) => string) => (regions: string[]) =>
  forAuditedAccount(fix, [initFix(fix, `--only ${step}`), ...regions.map((r) => `or: ${cli(r)}`)].join('\n'));

export const accountDefaultChecks: Check[] = [
  {
    id: 's3-account-public-access-block',
    title: 'S3 Block Public Access is on for the whole account',
    passesWhen: 'the account-level S3 Block Public Access has all four settings on (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets)',
    severity: 'high',
    mappings: { 'cis-7.0': ['3.1.4'], 'cis-5.0': ['2.1.4'], 'cis-3.0': ['2.1.4'], 'security-hub': ['S3.1'], ssb: ['ACCT.08'] },
    remediation: (fix) =>
      forAuditedAccount(fix, `${initFix(fix, '--only s3-block-public-access')} (it names any bucket that would stop being public first)\nor: aws s3control put-public-access-block --account-id ${fix.accountId} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`),
    async run(s) {
      const block = await s.s3AccountBlock();
      const off = PUBLIC_ACCESS_BLOCK_SETTINGS.filter((k) => !block[k]);
      if (!off.length) return pass('all four settings are on for the account');
      return failWith([{ resource: s.account.accountId, text: off.length === 4 ? 'no account-level S3 Block Public Access' : `${off.join(', ')} off` }]);
    },
  },
  {
    id: 'ebs-default-encryption',
    title: 'New EBS volumes are encrypted in every enabled region',
    passesWhen: 'EBS encryption by default is on in every enabled region (the detail names the regions without it)',
    severity: 'medium',
    mappings: { 'cis-7.0': ['6.1.1'], 'cis-5.0': ['5.1.1'], 'cis-3.0': ['2.2.1'], 'security-hub': ['EC2.7'] },
    remediation: (fix) => `${initFix(fix, '--only ebs-encryption')} (or: aws ec2 enable-ebs-encryption-by-default --region <region>)`,
    async run(s) {
      return everyRegion(await s.ebsEncryption(), (on) => on, () => 'EBS encryption by default is off', 'EBS encryption by default is on',
        regionalFix(s.fix, 'ebs-encryption', (r) => `aws ec2 enable-ebs-encryption-by-default --region ${r}`));
    },
  },
  {
    id: 'snapshot-public-access',
    title: 'EBS snapshots cannot be shared publicly',
    passesWhen: 'snapshot Block Public Access is block-all-sharing in every enabled region (block-new-sharing leaves snapshots already public, public)',
    severity: 'medium',
    mappings: {},
    remediation: (fix) => `${initFix(fix, '--only snapshot-block-public-access')} (or: aws ec2 enable-snapshot-block-public-access --state block-all-sharing --region <region>)`,
    async run(s) {
      return everyRegion(await s.snapshotBlock(), (state) => state === 'block-all-sharing', (state) => (state === 'block-new-sharing' ? 'block-new-sharing: snapshots public before it stay public' : 'snapshots can be shared publicly (unblocked)'), 'snapshot Block Public Access is block-all-sharing',
        regionalFix(s.fix, 'snapshot-block-public-access', (r) => `aws ec2 enable-snapshot-block-public-access --state block-all-sharing --region ${r}`));
    },
  },
  {
    id: 'ami-public-access',
    title: 'AMIs cannot be made public',
    passesWhen: 'AMI Block Public Access is on (block-new-sharing) in every enabled region',
    severity: 'medium',
    mappings: {},
    remediation: (fix) => `${initFix(fix, '--only ami-block-public-access')} (or: aws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing --region <region>)`,
    async run(s) {
      return everyRegion(await s.imageBlock(), (state) => state === 'block-new-sharing', () => 'AMIs can be made public (unblocked)', 'AMI Block Public Access is on',
        regionalFix(s.fix, 'ami-block-public-access', (r) => `aws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing --region ${r}`));
    },
  },
  {
    id: 'imds-defaults',
    title: 'New instances require IMDSv2 by default',
    passesWhen: "the account's instance metadata defaults require tokens (IMDSv2) in every enabled region; they apply to instances launched from then on",
    severity: 'medium',
    mappings: {},
    remediation: (fix) => `${initFix(fix, '--only imds-defaults')} (or: aws ec2 modify-instance-metadata-defaults --http-tokens required --http-put-response-hop-limit 2 --region <region>)`,
    async run(s) {
      return everyRegion(await s.metadataDefaults(), (d) => d.httpTokens === 'required', (d) => (d.httpTokens ? `metadata tokens ${d.httpTokens}` : 'no account default: each launch may allow IMDSv1'), 'IMDSv2 is required by default',
        regionalFix(s.fix, 'imds-defaults', (r) => `aws ec2 modify-instance-metadata-defaults --http-tokens required --http-put-response-hop-limit 2 --region ${r}`));
    },
  },
  {
    id: 'budget-alert',
    title: 'A cost budget alerts someone',
    passesWhen: 'a cost budget has at least one notification with a subscriber (an email address or an SNS topic)',
    severity: 'low',
    mappings: { ssb: ['ACCT.10'] },
    remediation: (fix) => `${initFix(fix, '--only budget --budget-amount <USD a month> --budget-email <address>')} (alerts at 80% and 100% of spend and 100% of forecast)`,
    async run(s) {
      const budgets = await s.budgetAlerts();
      const alerting = budgets.find((b) => b.notifies);
      if (alerting) return pass(`the cost budget ${alerting.name} notifies someone`);
      const text = budgets.length === 0 ? 'no cost budget' : budgets.length === 1 ? `the cost budget ${budgets[0]?.name} notifies nobody` : `${budgets.length} cost budgets (${budgets.map((b) => b.name).join(', ')}) notify nobody`;
      return failWith([{ resource: s.account.accountId, text }]);
    },
  },
  {
    id: 'cloudtrail-multi-region',
    title: 'A multi-region trail with log file validation is logging',
    passesWhen: 'an enabled multi-region trail (its own, or the Organization\'s) has log file validation on and is logging',
    severity: 'high',
    mappings: { 'cis-7.0': ['4.1', '4.2'], 'cis-5.0': ['3.1', '3.2'], 'cis-3.0': ['3.1', '3.2'], 'security-hub': ['CloudTrail.1', 'CloudTrail.4'], ssb: ['ACCT.07'] },
    remediation: (fix) => `${initFix(fix, '--only cloudtrail --cloudtrail')} creates one, with a protected bucket (its storage costs money)`,
    async run(s) {
      const trails = await s.trails();
      const good = trails.find((t) => t.trail.IsMultiRegionTrail && t.trail.LogFileValidationEnabled && t.logging);
      if (good) return pass(`the multi-region trail ${good.trail.Name} (${good.trail.HomeRegion}) validates log files and is logging`);
      if (!trails.length) return failWith([{ resource: s.account.accountId, text: 'no trail' }]);
      return failWith(
        trails.map(({ trail, logging }) => ({
          resource: trail.TrailARN ?? trail.Name ?? '',
          text: `${trail.Name}: ${[!trail.IsMultiRegionTrail && 'one region only', !trail.LogFileValidationEnabled && 'no log file validation', trail.IsMultiRegionTrail && !logging && 'not logging'].filter(Boolean).join(', ')}`,
        })),
        {
          remediation: [
            initFix(s.fix, '--only cloudtrail --cloudtrail'),
            ...trails.flatMap(({ trail, logging }) =>
              trail.IsMultiRegionTrail
                ? [
                    ...(!trail.LogFileValidationEnabled ? [`or: aws cloudtrail update-trail --name ${trail.Name} --enable-log-file-validation --region ${trail.HomeRegion}`] : []),
                    ...(!logging ? [`or: aws cloudtrail start-logging --name ${trail.Name} --region ${trail.HomeRegion}`] : []),
                  ]
                : [],
            ),
          ].join('\n'),
        },
      );
    },
  },
  {
    id: 'guardduty',
    title: 'GuardDuty is on in every enabled region',
    passesWhen: 'every enabled region has an ENABLED GuardDuty detector (init does not enable it: it costs money after a 30-day trial)',
    severity: 'medium',
    mappings: { 'security-hub': ['GuardDuty.1'], ssb: ['ACCT.11'] },
    remediation: 'aws guardduty create-detector --enable --region <region>, in every enabled region (paid after a 30-day free trial; in an Organization, enable it for all accounts from a delegated administrator)',
    async run(s) {
      return everyRegion(await s.guardDuty(), (on) => on, () => 'no enabled detector', 'GuardDuty is on', (regions) =>
        forAuditedAccount(s.fix, [...regions.map((r) => `aws guardduty create-detector --enable --region ${r}`), '(paid after a 30-day free trial; in an Organization, enable it for all accounts from a delegated administrator)'].join('\n')));
    },
  },
];
