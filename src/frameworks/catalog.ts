/**
 * The benchmarks audit reports against, as data: each requirement of their identity-and-access section (and the
 * account defaults of other sections that audit checks: S3 Block Public Access, CloudTrail, EBS encryption) with its
 * id as the publisher numbers it, its title, and whether the benchmark calls it automated or manual. Checks map to
 * these ids (src/checks/*.ts, `mappings`); a requirement no check maps to is reported as "not checked" with what a
 * person must look at, so nothing of a section is silently missing.
 *
 * Sources: the CIS AWS Foundations Benchmark v3.0.0 (section 1), v5.0.0 (section 1) and v7.0.0 (section 2), as
 * transcribed in Prowler's compliance files (prowler/compliance/aws/cis_{3.0,5.0,7.0}_aws.json); AWS Security Hub
 * CSPM's IAM and Account controls and the day-one controls S3.1, EC2.7, CloudTrail.1, CloudTrail.4, GuardDuty.1 (as
 * Prowler's aws_foundational_security_best_practices_aws.json maps them); the AWS Startup Security Baseline's
 * account controls.
 */

export const FRAMEWORK_IDS = ['cis-7.0', 'cis-5.0', 'cis-3.0', 'security-hub', 'ssb'] as const;
export type FrameworkId = (typeof FRAMEWORK_IDS)[number];

export interface Requirement {
  id: string;
  title: string;
  assessment: 'automated' | 'manual';
  /** CIS profile level. */
  level?: 1 | 2;
  /** For a requirement no check decides (or decides only in part): what a person must look at. */
  review?: string;
}

export interface Framework {
  id: FrameworkId;
  name: string;
  /** How a reference reads in reports: "CIS 7.0 2.5", "Security Hub IAM.9". */
  label: string;
  /** The part of the framework this tool covers, reported whole. */
  section: string;
  requirements: Requirement[];
  /** Items an earlier version had and this one withdrew, which checks still look at for hygiene. */
  withdrawn?: { id: string; title: string; since: string; check: string }[];
}

const auto = (id: string, title: string, level: 1 | 2 = 1, review?: string): Requirement => ({ id, title, assessment: 'automated', level, ...(review ? { review } : {}) });
const manual = (id: string, title: string, level: 1 | 2, review: string): Requirement => ({ id, title, assessment: 'manual', level, review });

const REVIEW = {
  contacts: 'In the console (Account → Contact information), check that the primary and alternate contacts are current and reach a team, not one person.',
  securityQuestions: 'As the root user, Account → Configure security challenge questions: check that they are set and their answers stored safely.',
  instanceRoles: 'Check that EC2 instances reach AWS through instance profiles (IAM roles), not access keys stored on the instance.',
  federation: 'Check that people sign in through IAM Identity Center or another identity provider, and that IAM users exist only where federation cannot serve.',
  resourcePolicies: 'Review the resource policies of S3 buckets, SQS queues, SNS topics, Lambda functions, KMS keys, Secrets Manager secrets and EventBridge buses for "Principal": "*" without a limiting condition (IAM Access Analyzer findings list them).',
  guardrails: 'In AWS Organizations, check that a baseline service control policy (and, where used, resource control policy) applies to every account, through the root, its OUs or the account.',
  managementWorkloads: "Check that the management account runs no workloads and holds no business data: only the Organization's governance.",
  ous: 'Check that accounts sit in organizational units that separate environments (production, non-production) and sensitivity.',
  delegatedPolicies: 'Check that a delegated administrator account, not the management account, manages the Organization\'s policies.',
  delegatedServices: 'Check that security services integrated with Organizations (GuardDuty, Security Hub, IAM Access Analyzer, …) are managed from delegated administrator accounts.',
};

export const FRAMEWORKS: Record<FrameworkId, Framework> = {
  'cis-7.0': {
    id: 'cis-7.0',
    name: 'CIS AWS Foundations Benchmark v7.0.0',
    label: 'CIS 7.0',
    section: '2 Identity and Access Management, and the account defaults 3.1.4, 4.1, 4.2, 6.1.1',
    requirements: [
      manual('2.1.1', 'Ensure centralized root access in AWS Organizations', 2, 'Checked in the management account (root-credentials-management); in a member account, audit the management account.'),
      manual('2.1.2', 'Ensure authorization guardrails for all AWS Organization accounts', 2, `Checked in the management account (organization-guardrails): a service control policy other than FullAWSAccess reaches every account. ${REVIEW.guardrails}`),
      manual('2.1.3', 'Ensure Organizations management account is not used for workloads', 2, REVIEW.managementWorkloads),
      manual('2.1.4', 'Ensure Organizational Units are structured by environment and sensitivity', 2, REVIEW.ous),
      manual('2.1.5', 'Ensure delegated admin manages AWS Organizations policies', 2, REVIEW.delegatedPolicies),
      manual('2.1.6', 'Ensure delegated admins manage AWS Organizations-integrated services', 2, REVIEW.delegatedServices),
      manual('2.2', 'Maintain current AWS account contact details', 1, `Checked (account-contacts): the primary contact is complete and the three alternate contacts are set. ${REVIEW.contacts}`),
      manual('2.3', 'Ensure security contact information is registered', 1, 'Checked (security-contact): the SECURITY alternate contact exists; check that it reaches a team.'),
      auto('2.4', "Ensure no 'root' user account access key exists"),
      auto('2.5', "Ensure MFA is enabled for the 'root' user account"),
      manual('2.6', "Ensure hardware MFA is enabled for the 'root' user account", 2, 'Checked (root-hardware-mfa) as far as the API shows it: a virtual device fails.'),
      manual('2.7', "Eliminate use of the 'root' user for administrative and daily tasks", 1, 'Checked (root-recent-use) from the credential report; review root activity in CloudTrail for the rest.'),
      auto('2.8', 'Ensure IAM password policy requires minimum length of 14 or greater'),
      auto('2.9', 'Ensure IAM password policy prevents password reuse'),
      auto('2.10', 'Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password'),
      auto('2.11', 'Ensure credentials unused for 45 days or more are disabled'),
      auto('2.12', 'Ensure access keys are rotated every 90 days or less'),
      auto('2.13', 'Ensure IAM users receive permissions only through groups'),
      auto('2.14', 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached'),
      auto('2.15', 'Ensure a support role has been created to manage incidents with AWS Support'),
      auto('2.16', 'Ensure IAM instance roles are used for AWS resource access from instances', 2, REVIEW.instanceRoles),
      auto('2.17', 'Ensure that all expired SSL/TLS certificates stored in AWS IAM are removed'),
      auto('2.18', 'Ensure that IAM External Access Analyzer is enabled for all regions'),
      manual('2.19', 'Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments', 2, REVIEW.federation),
      manual('2.20', 'Ensure access to AWSCloudShellFullAccess is restricted', 1, 'Checked (cloudshell-full-access): the policy is attached to nobody.'),
      manual('2.21', "Ensure AWS resource policies do not allow unrestricted access using 'Principal': '*'", 1, `Checked for role trust policies (role-trust) and for what IAM Access Analyzer finds shared outside the account (public-access-findings), which covers the resource types the analyzer supports. ${REVIEW.resourcePolicies}`),
      auto('3.1.4', "Ensure that S3 is configured with 'Block Public Access' enabled"),
      manual('4.1', 'Ensure CloudTrail is enabled in all regions', 1, 'Checked (cloudtrail-multi-region): an enabled multi-region trail is logging; check that it records management events (read and write).'),
      auto('4.2', 'Ensure CloudTrail log file validation is enabled', 2),
      auto('6.1.1', 'Ensure EBS volume encryption is enabled in all regions'),
    ],
    withdrawn: [
      { id: '1.10 (v5.0.0)', title: 'Do not create access keys during initial setup for IAM users with a console password', since: 'v7.0.0', check: 'initial-access-keys' },
      { id: '1.12 (v5.0.0)', title: 'Ensure there is only one active access key for any single IAM user', since: 'v7.0.0', check: 'single-active-key' },
    ],
  },
  'cis-5.0': {
    id: 'cis-5.0',
    name: 'CIS AWS Foundations Benchmark v5.0.0',
    label: 'CIS 5.0',
    section: '1 Identity and Access Management, and the account defaults 2.1.4, 3.1, 3.2, 5.1.1',
    requirements: [
      manual('1.1', 'Maintain current contact details', 1, `Checked (account-contacts): the primary contact is complete and the three alternate contacts are set. ${REVIEW.contacts}`),
      manual('1.2', 'Ensure security contact information is registered', 1, 'Checked (security-contact): the SECURITY alternate contact exists; check that it reaches a team.'),
      auto('1.3', "Ensure no 'root' user account access key exists"),
      auto('1.4', "Ensure MFA is enabled for the 'root' user account"),
      manual('1.5', "Ensure hardware MFA is enabled for the 'root' user account", 2, 'Checked (root-hardware-mfa) as far as the API shows it: a virtual device fails.'),
      manual('1.6', "Eliminate use of the 'root' user for administrative and daily tasks", 1, 'Checked (root-recent-use) from the credential report; review root activity in CloudTrail for the rest.'),
      auto('1.7', 'Ensure IAM password policy requires minimum length of 14 or greater'),
      auto('1.8', 'Ensure IAM password policy prevents password reuse'),
      auto('1.9', 'Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password'),
      manual('1.10', 'Do not create access keys during initial setup for IAM users with a console password', 1, 'Checked (initial-access-keys): no console user has an active key that was never used.'),
      auto('1.11', 'Ensure credentials unused for 45 days or more are disabled'),
      auto('1.12', 'Ensure there is only one active access key for any single IAM user'),
      auto('1.13', 'Ensure access keys are rotated every 90 days or less'),
      auto('1.14', 'Ensure IAM users receive permissions only through groups'),
      auto('1.15', 'Ensure IAM policies that allow full *:* administrative privileges are not attached'),
      auto('1.16', 'Ensure a support role has been created to manage incidents with AWS Support'),
      auto('1.17', 'Ensure IAM instance roles are used for AWS resource access from instances', 2, REVIEW.instanceRoles),
      auto('1.18', 'Ensure that all expired SSL/TLS certificates stored in AWS IAM are removed'),
      auto('1.19', 'Ensure that IAM External Access Analyzer is enabled for all regions'),
      manual('1.20', 'Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments', 2, REVIEW.federation),
      manual('1.21', 'Ensure access to AWSCloudShellFullAccess is restricted', 1, 'Checked (cloudshell-full-access): the policy is attached to nobody.'),
      auto('2.1.4', "Ensure that S3 is configured with 'Block Public Access' enabled"),
      manual('3.1', 'Ensure CloudTrail is enabled in all regions', 1, 'Checked (cloudtrail-multi-region): an enabled multi-region trail is logging; check that it records management events (read and write).'),
      auto('3.2', 'Ensure CloudTrail log file validation is enabled', 2),
      auto('5.1.1', 'Ensure EBS volume encryption is enabled in all regions'),
    ],
  },
  'cis-3.0': {
    id: 'cis-3.0',
    name: 'CIS AWS Foundations Benchmark v3.0.0',
    label: 'CIS 3.0',
    section: '1 Identity and Access Management, and the account defaults 2.1.4, 2.2.1, 3.1, 3.2',
    requirements: [
      manual('1.1', 'Maintain current contact details', 1, `Checked (account-contacts): the primary contact is complete and the three alternate contacts are set. ${REVIEW.contacts}`),
      manual('1.2', 'Ensure security contact information is registered', 1, 'Checked (security-contact): the SECURITY alternate contact exists; check that it reaches a team.'),
      manual('1.3', 'Ensure security questions are registered in the AWS account', 1, REVIEW.securityQuestions),
      auto('1.4', "Ensure no 'root' user account access key exists"),
      auto('1.5', "Ensure MFA is enabled for the 'root' user account"),
      auto('1.6', "Ensure hardware MFA is enabled for the 'root' user account", 2),
      auto('1.7', "Eliminate use of the 'root' user for administrative and daily tasks"),
      auto('1.8', 'Ensure IAM password policy requires minimum length of 14 or greater'),
      auto('1.9', 'Ensure IAM password policy prevents password reuse'),
      auto('1.10', 'Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password'),
      auto('1.11', 'Do not setup access keys during initial user setup for all IAM users that have a console password'),
      auto('1.12', 'Ensure credentials unused for 45 days or greater are disabled'),
      auto('1.13', 'Ensure there is only one active access key available for any single IAM user'),
      auto('1.14', 'Ensure access keys are rotated every 90 days or less'),
      auto('1.15', 'Ensure IAM Users Receive Permissions Only Through Groups'),
      auto('1.16', 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached'),
      auto('1.17', 'Ensure a support role has been created to manage incidents with AWS Support'),
      manual('1.18', 'Ensure IAM instance roles are used for AWS resource access from instances', 2, REVIEW.instanceRoles),
      auto('1.19', 'Ensure that all the expired SSL/TLS certificates stored in AWS IAM are removed'),
      auto('1.20', 'Ensure that IAM Access analyzer is enabled for all regions'),
      manual('1.21', 'Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments', 2, REVIEW.federation),
      manual('1.22', 'Ensure access to AWSCloudShellFullAccess is restricted', 1, 'Checked (cloudshell-full-access): the policy is attached to nobody.'),
      auto('2.1.4', "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'", 1, 'Checked at the account level (s3-account-public-access-block), which covers every bucket.'),
      auto('2.2.1', 'Ensure EBS Volume Encryption is Enabled in all Regions'),
      auto('3.1', 'Ensure CloudTrail is enabled in all regions'),
      auto('3.2', 'Ensure CloudTrail log file validation is enabled', 2),
    ],
  },
  'security-hub': {
    id: 'security-hub',
    name: 'AWS Security Hub CSPM controls (IAM and Account)',
    label: 'Security Hub',
    section: 'IAM and Account controls, and the day-one controls S3.1, EC2.7, CloudTrail.1, CloudTrail.4, GuardDuty.1',
    requirements: [
      auto('Account.1', 'Security contact information should be provided for an AWS account'),
      auto('Account.2', 'AWS accounts should be part of an AWS Organizations organization', 1, 'Not checked: the identity line of audit and init names the Organization the account is in.'),
      auto('IAM.1', 'IAM policies should not allow full "*" administrative privileges'),
      auto('IAM.2', 'IAM users should not have IAM policies attached'),
      auto('IAM.3', "IAM users' access keys should be rotated every 90 days or less"),
      auto('IAM.4', 'IAM root user access key should not exist'),
      auto('IAM.5', 'MFA should be enabled for all IAM users that have a console password'),
      auto('IAM.6', 'Hardware MFA should be enabled for the root user'),
      auto('IAM.7', 'Password policies for IAM users should have strong configurations'),
      auto('IAM.8', 'Unused IAM user credentials should be removed (90 days)'),
      auto('IAM.9', 'MFA should be enabled for the root user'),
      auto('IAM.10', 'Password policies for IAM users should have strong configurations (PCI DSS)', 1, 'Not checked: it asks for passwords that expire within 90 days, which this tool does not require (NIST SP 800-63B advises against forced expiry).'),
      auto('IAM.11', 'Ensure IAM password policy requires at least one uppercase letter'),
      auto('IAM.12', 'Ensure IAM password policy requires at least one lowercase letter'),
      auto('IAM.13', 'Ensure IAM password policy requires at least one symbol'),
      auto('IAM.14', 'Ensure IAM password policy requires at least one number'),
      auto('IAM.15', 'Ensure IAM password policy requires minimum password length of 14 or greater'),
      auto('IAM.16', 'Ensure IAM password policy prevents password reuse'),
      auto('IAM.17', 'Ensure IAM password policy expires passwords within 90 days or less', 1, 'Not checked, on purpose: forced expiry is no longer advised (NIST SP 800-63B; CIS removed it).'),
      auto('IAM.18', 'Ensure a support role has been created to manage incidents with AWS Support'),
      auto('IAM.19', 'MFA should be enabled for all IAM users', 1, 'Checked for users with a console password (console-mfa); users with access keys only have no MFA requirement here.'),
      auto('IAM.21', 'IAM customer managed policies that you create should not allow wildcard actions for services', 1, 'Not checked: review customer policies for actions such as "s3:*".'),
      auto('IAM.22', 'IAM user credentials unused for 45 days should be removed'),
      auto('IAM.26', 'Expired SSL/TLS certificates managed in IAM should be removed'),
      auto('IAM.27', 'IAM identities should not have the AWSCloudShellFullAccess policy attached'),
      auto('IAM.28', 'IAM Access Analyzer external access analyzer should be enabled'),
      auto('S3.1', 'S3 general purpose buckets should have block public access settings enabled (account level)'),
      auto('EC2.7', 'EBS default encryption should be enabled'),
      auto('CloudTrail.1', 'CloudTrail should be enabled and configured with at least one multi-Region trail'),
      auto('CloudTrail.4', 'CloudTrail log file validation should be enabled'),
      auto('GuardDuty.1', 'GuardDuty should be enabled'),
    ],
  },
  ssb: {
    id: 'ssb',
    name: 'AWS Startup Security Baseline (account controls)',
    label: 'SSB',
    section: 'Account controls',
    requirements: [
      manual('ACCT.01', 'Set account-level contacts to valid email distribution lists', 1, 'Checked (security-contact, account-contacts): the three alternate contacts are set and not one address; check that they are distribution lists.'),
      manual('ACCT.02', 'Restrict use of the root user', 1, 'Checked (root MFA, root access keys, root use); keep root credentials locked away.'),
      manual('ACCT.03', 'Configure console access for each user', 1, 'Checked (admin-path, console-mfa): each person signs in with their own identity, not a shared one.'),
      manual('ACCT.04', 'Assign permissions to users through groups or roles', 1, 'Checked (user-direct-policies, admin-customer-policies); review that permissions are least privilege.'),
      manual('ACCT.05', 'Require multi-factor authentication (MFA) to sign in', 1, 'Checked for IAM users (console-mfa, admin-mfa); for Identity Center, require MFA in its settings (console only).'),
      manual('ACCT.06', 'Enforce a password policy', 1, 'Checked (password-policy, password-length, password-reuse, password-complexity).'),
      manual('ACCT.07', 'Deliver CloudTrail logs to a protected S3 bucket', 1, 'Checked (cloudtrail-multi-region): a multi-region trail with log file validation is logging; check that its bucket is private, versioned and admits only CloudTrail (init --cloudtrail makes it so).'),
      auto('ACCT.08', 'Prevent public access to private S3 buckets'),
      manual('ACCT.09', 'Delete unused VPCs, subnets, and security groups', 1, 'Not checked: review default VPCs and security groups in every region.'),
      auto('ACCT.10', 'Configure AWS Budgets to monitor your spending'),
      manual('ACCT.11', 'Enable and respond to GuardDuty notifications', 1, 'Checked (guardduty): a detector is enabled in every enabled region; check that someone receives and acts on its findings.'),
      manual('ACCT.12', 'Monitor for and resolve high-risk issues by using Trusted Advisor', 1, 'Not checked: review Trusted Advisor\'s security checks.'),
    ],
  },
};

/** "CIS 7.0 2.5": how a requirement is cited in reports. */
export function citation(framework: FrameworkId, requirementId: string): string {
  return `${FRAMEWORKS[framework].label} ${requirementId}`;
}

type Withdrawn = NonNullable<Framework['withdrawn']>[number];

/** How a withdrawn item reads under its framework's summary: not the framework's, and how to still run it. */
export function withdrawnText(framework: FrameworkId, w: Withdrawn): string {
  return `Withdrawn in ${w.since}: ${w.id} ${w.title}. Not part of ${FRAMEWORKS[framework].name}; the ${w.check} check keeps looking at it for hygiene (--check ${w.check}).`;
}

/** For a check that looks at an item a benchmark withdrew: "kept for hygiene: withdrawn in CIS v7.0.0". */
export function hygieneNote(checkId: string): string | undefined {
  const from = FRAMEWORK_IDS.filter((f) => FRAMEWORKS[f].withdrawn?.some((w) => w.check === checkId));
  return from.length ? `kept for hygiene: withdrawn in ${from.map((f) => FRAMEWORKS[f].name).join(', ')}` : undefined;
}
