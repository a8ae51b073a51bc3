/**
 * The command-line contract. This module only declares options and routes; each command is imported when it
 * runs, so `--help` and `--version` never load the AWS SDK.
 */
import { packageVersion } from './lib/version.js';
import { Command, Option } from 'commander';
import { SecretRegistry } from './lib/secrets.js';
import type { GlobalOptions } from './options.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    success (audit: no check at or above --fail-on failed)
  1    audit: a check at or above --fail-on failed
  2    usage error: a bad flag or value, or a target file that already exists (nothing was changed)
  3    AWS or runtime error: missing/expired credentials, a failed AWS call (named in the message);
       audit: nothing failed, but a check or account could not be evaluated
  4    init --dry-run --detailed-exitcode: the plan would change something
  129  init stopped by SIGHUP, 143 by SIGTERM (after a recap of what was done)
  130  interrupted (Ctrl-C) or the plan was declined`;

const collect = (value: string, previous: string[] = []) => [...previous, value];

const REPORT_FORMATS_HELP = `
Report formats (--report <format>=<path>, each file written whole or not at all):
  html      one self-contained page (no script, nothing fetched); an Organization as a grid
  junit     JUnit XML for CI test reporters: a testsuite per account, a testcase per check
  ocsf      OCSF 1.8.0 Compliance Finding (class 2003) objects as JSON Lines, for Security Lake and SIEMs
  json      the same document as --format json
  markdown  the same text as --format markdown
  csv       a row per check and account, RFC 4180, with a header row`;

/** "a, b, c" over as many indented lines as it takes to stay within `width` columns. */
function wrapList(items: string[], indent: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, item] of items.entries()) {
    const word = i < items.length - 1 ? `${item},` : item;
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/** Listed here, not imported from the checks, so that --help loads no check code (and no AWS SDK). */
export const AUDIT_CHECK_IDS = [
  'root-mfa', 'root-hardware-mfa', 'root-access-keys', 'root-recent-use', 'root-signing-certificates', 'account-alias', 'password-policy',
  'password-length', 'password-reuse', 'password-complexity', 'security-contact', 'access-analyzer',
  's3-account-public-access-block', 'ebs-default-encryption', 'snapshot-public-access', 'ami-public-access', 'imds-defaults',
  'budget-alert', 'cloudtrail-multi-region', 'guardduty', 'admin-path',
  'identity-center-admin', 'admin-mfa', 'console-mfa', 'unused-credentials', 'key-rotation', 'single-active-key', 'initial-access-keys',
  'user-direct-policies', 'admin-customer-policies', 'support-role', 'expired-certificates',
  'root-credentials-management', 'cloudshell-full-access', 'role-trust', 'privilege-escalation', 'assume-any-role',
  'admin-inline-policies', 'service-trust-confused-deputy', 'cross-account-trust', 'unused-roles', 'account-contacts',
  'public-access-findings', 'organization-guardrails',
];

const INIT_EXAMPLES = `
Examples:
  iam-bootstrap init                                   the wizard: asks 4 questions, shows the plan, applies it
  iam-bootstrap init --yes --alias acme-prod --admin-user alice --mfa-secret-file ./alice.otpauth
  iam-bootstrap init --dry-run --detailed-exitcode     exit 4 when something would change (drift check)
  iam-bootstrap init --only mfa --admin-user alice     just enrol MFA for alice
  iam-bootstrap init --yes --admin identity-center --sso-user ana --sso-email ana@example.com --assign-accounts all
  iam-bootstrap init --account 111122223333 --yes --no-admin-user   a member account, from the management account`;

const AUDIT_EXAMPLES = `
Examples:
  iam-bootstrap audit                                  every check, failures first
  iam-bootstrap audit --fail-on high --report html=audit.html --report junit=audit.xml
  iam-bootstrap audit --framework cis-7.0              the CIS v7.0.0 view, requirement by requirement
  iam-bootstrap audit --org --format jsonl             every account of the Organization, a line each
  iam-bootstrap audit --format csv > audit.csv         any report format on standard output`;

export function buildProgram(secrets = new SecretRegistry()): Command {
  const program = new Command('iam-bootstrap');
  // Every subcommand's help also lists the global options (inherited by the commands added below).
  program.configureHelp({ showGlobalOptions: true });
  program
    .description('Secure a new AWS account in one run, and audit that it stays secure.')
    .optionsGroup('AWS connection:')
    .option('--profile <name>', 'AWS profile from ~/.aws/config (default: the SDK credential chain)')
    .option('--region <region>', 'region for STS and Organizations; IAM is global (default: env/profile, else us-east-1)')
    .option('--endpoint-url <url>', 'send every AWS call to this URL (e.g. a moto or LocalStack emulator)')
    .option('--account <id>', 'act in this account: assume --role-name in it with your credentials (e.g. from the management account)')
    .option('--role-name <name>', 'with --account, or audit --org: the role to assume (default OrganizationAccountAccessRole)')
    .option('--role-arn <arn>', 'act through this role instead (any account); replaces --account and --role-name')
    .option('--external-id <id>', 'with --account or --role-arn: the external id the role requires')
    .optionsGroup('Output:')
    .option('--json', 'print one JSON document on stdout (an error too); progress goes to stderr')
    .option('--color <when>', 'auto (default: when stdout is a terminal), always or never; NO_COLOR and FORCE_COLOR work too')
    .option('--no-color', 'same as --color never')
    .option('--verbose', "print each AWS call's service, operation, duration and outcome on stderr")
    .optionsGroup('Options:')
    .version(packageVersion(), '-v, --version', 'print the version (-V works too)')
    .helpOption('-h, --help', 'print help')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', EXIT_CODES_HELP);

  program
    .command('init')
    .description(
      'Set the account alias, password policy and security contact, create a support role and Access Analyzers, and an administrator: an IAM admin group and user with MFA, or (--admin identity-center) an IAM Identity Center user, group, permission set and assignment.',
    )
    .optionsGroup('Account baseline:')
    .addOption(new Option('--alias <alias>', 'account alias for the sign-in URL'))
    .addOption(new Option('--no-alias', 'leave the account alias alone'))
    .option('--replace-alias', 'allow replacing a different existing alias (the sign-in URL changes)')
    .addOption(new Option('--password-policy <preset>', 'password policy preset: cis (default) or aws-default'))
    .addOption(new Option('--no-password-policy', 'leave the password policy alone'))
    .option('--min-password-length <n>', 'minimum password length, 6-128 (cis: 14)')
    .option('--password-reuse-prevention <n>', 'number of previous passwords that cannot be reused, 1-24 (cis: 24)')
    .option('--max-password-age <days>', 'days before a password expires, 1-1095 (cis: never)')
    .option('--require-symbols', 'require at least one symbol')
    .option('--no-require-symbols', 'do not require a symbol')
    .option('--require-numbers', 'require at least one number')
    .option('--no-require-numbers', 'do not require a number')
    .option('--require-uppercase', 'require at least one uppercase letter')
    .option('--no-require-uppercase', 'do not require an uppercase letter')
    .option('--require-lowercase', 'require at least one lowercase letter')
    .option('--no-require-lowercase', 'do not require a lowercase letter')
    .option('--allow-users-to-change-password', 'let users change their own password')
    .option('--no-allow-users-to-change-password', 'do not let users change their own password')
    .option('--hard-expiry', 'an expired password can only be reset by an administrator')
    .option('--security-contact-email <email>', "the account's SECURITY alternate contact: email (without it, no contact is added)")
    .option('--security-contact-name <name>', "the security contact's name, 1-64 (default: the email's local part)")
    .option('--security-contact-phone <phone>', "the security contact's phone: digits, spaces, + - ( ), up to 25 (AWS requires one)")
    .option('--security-contact-title <title>', "the security contact's title, 1-50 (default: Security)")
    .addOption(new Option('--no-security-contact', 'leave the security contact alone (and do not ask)'))
    .option('--support-role <name>', 'role for AWS Support, AWSSupportAccess, this account with MFA (default: AWSSupportRole)')
    .addOption(new Option('--no-support-role', 'do not create a support role'))
    .option('--access-analyzer-regions <regions>', "IAM Access Analyzer in these regions: all (default: the account's enabled regions) or r1,r2")
    .option('--access-analyzer-name <name>', 'name of the analyzers created (default: iam-bootstrap)')
    .addOption(new Option('--no-access-analyzer', 'do not create IAM Access Analyzers'))
    .optionsGroup('Account defaults (on by default, in every enabled region):')
    .option('--s3-block-public-access', 'turn on account-wide S3 Block Public Access even where buckets are public (they stop being public)')
    .addOption(new Option('--no-s3-block-public-access', 'leave S3 Block Public Access as it is'))
    .option('--ebs-kms-key <key>', 'encrypt new EBS volumes with this KMS key (id, alias/name or ARN; default: the AWS managed key)')
    .addOption(new Option('--no-ebs-encryption', 'leave EBS encryption by default as it is'))
    .option('--snapshot-block-public-access', 'block public snapshot sharing even where snapshots are public (they become private)')
    .addOption(new Option('--no-snapshot-block-public-access', 'leave snapshot Block Public Access as it is'))
    .option('--ami-block-public-access', 'block new public AMI sharing even where the account publishes AMIs')
    .addOption(new Option('--no-ami-block-public-access', 'leave AMI Block Public Access as it is'))
    .option('--imds-defaults', 'require IMDSv2 for new instances even where running instances accept IMDSv1')
    .addOption(new Option('--no-imds-defaults', 'leave the instance metadata defaults as they are'))
    .option('--budget-amount <usd>', 'monthly cost budget in USD, emailed at 80%/100% of spend and 100% of forecast (no default: the wizard asks)')
    .option('--budget-email <email>', "who the budget emails (default: the security contact's email)")
    .option('--budget-name <name>', 'name of the budget (default: iam-bootstrap-monthly); an existing one is updated')
    .addOption(new Option('--no-budget', 'no budget (and do not ask)'))
    .option('--cloudtrail', 'also create a multi-region trail with log file validation to a new protected bucket (storage costs money)')
    .addOption(new Option('--no-cloudtrail', 'no trail (the default)'))
    .option('--cloudtrail-name <name>', 'name of the trail (default: iam-bootstrap)')
    .option('--cloudtrail-bucket <name>', 'its bucket (default: iam-bootstrap-cloudtrail-<account>-<region>)')
    .optionsGroup('Organizations:')
    .option('--organization-analyzer', 'create ORGANIZATION analyzers (management account only) instead of ACCOUNT ones')
    .option('--centralize-root-access', "management account: let it remove and recover member accounts' root credentials")
    .option('--remove-root-credentials', "with --account: delete that member account's root password, keys, certificates and MFA")
    .optionsGroup('Admin path:')
    .option('--admin <path>', 'how administrators sign in: iam-user (with --yes, the default) or identity-center (IAM Identity Center, temporary credentials)')
    .optionsGroup('Identity Center (--admin identity-center):')
    .option('--sso-user <name>', "the administrator's Identity Center user name (required with --yes); an existing user is reused")
    .option('--sso-email <email>', "the administrator's email (required with --yes)")
    .option('--sso-given-name <name>', 'given name (default: from the email)')
    .option('--sso-family-name <name>', 'family name (default: from the email)')
    .option('--sso-group <name>', 'identity store group for administrators (default: Administrators)')
    .option('--permission-set <name>', 'permission set with AdministratorAccess (default: AdministratorAccess)')
    .option('--session-duration <duration>', "the permission set's session length, 1h to 12h, e.g. 1h, 90m, PT4H (default: 1h for a new set)")
    .option('--assign-accounts <accounts>', 'give the group the set on all ACTIVE accounts of the Organization, or on id,id… (default: this account)')
    .option('--break-glass-user <name>', 'also make an IAM admin user (password, MFA) for the day Identity Center is unreachable, tagged break-glass')
    .optionsGroup('Admin user:')
    .option('--admin-group <name>', 'name of the administrators group (default: Administrators)')
    .option('--admin-policy <arn>', 'managed policy for the group, repeatable (default: AdministratorAccess)', collect)
    .option('--no-require-mfa', 'do not add the inline policy that denies everything without MFA')
    .option('--admin-user <name>', 'name of the admin IAM user (required with --yes)')
    .option('--no-admin-user', 'the account baseline only: no admin group, user, password, key or MFA (e.g. an Organization with central sign-in)')
    .option('--tag <key=value>', 'tag for the admin user, repeatable', collect)
    .option('--password-stdin', 'read the console password from standard input instead of generating one')
    .option('--password-reset-required', 'the user must choose a new password at first sign-in')
    .option('--no-console-access', 'do not give the admin user a console password')
    .option('--access-key', 'also create one access key (off by default: CIS advises none at initial setup)')
    .option('--credentials-file <path>', 'CSV for new secrets (default: ./iam-bootstrap-<account>-<user>-credentials.csv)')
    .optionsGroup('MFA:')
    .option('--mfa-secret-file <path>', 'scripted enrolment: save the otpauth:// URI here and enable MFA from it')
    .option('--mfa-device-name <name>', 'name of the virtual MFA device (default: the user name)')
    .option('--qr-png <path>', "also save AWS's QR code PNG here (it holds the MFA secret)")
    .option('--no-mfa', 'do not enrol an MFA device (the require-MFA policy then blocks the user until one is enrolled)')
    .optionsGroup('Run:')
    .option('--only <steps>', 'run only these steps, comma-separated or repeated (the others are left alone): e.g. --only password-policy', collect)
    .option('--skip <steps>', 'run every step but these, comma-separated or repeated', collect)
    .option('--dry-run', 'print the plan and change nothing')
    .option('--detailed-exitcode', 'with --dry-run: exit 4 when the plan would change something, 0 when not')
    .option('-y, --yes', 'no prompts and no confirmation; a missing required value is an error')
    .addHelpText('after', `${INIT_EXAMPLES}\n${EXIT_CODES_HELP}`)
    .action(async (_opts, command: Command) => {
      const { runInitCommand } = await import('./commands/init/index.js');
      return runInitCommand(command, secrets);
    });

  program
    .command('audit')
    .description('Report, check by check, whether the account (or every account of the Organization) is secure. Read-only.')
    .optionsGroup('What to check:')
    .option('--check <id>', 'run only this check, repeatable or comma-separated (ids are listed below; admin-user selects admin-path)', collect)
    .option('--exclude-check <ids>', 'leave these checks out entirely, comma-separated (unlike --accept, which reports a finding as accepted)', collect)
    .option('--framework <framework>', 'only the checks of cis-7.0, cis-5.0, cis-3.0, security-hub or ssb, with its ids and a requirement-by-requirement summary')
    .option('--accept <file>', 'accepted exceptions (YAML or JSON), repeatable; .iam-bootstrap/accept.yaml is read too when it exists', collect)
    .option('--allow-long-exceptions', 'accept exception entries that expire more than a year ahead')
    .option('--root-use-days <days>', 'root-recent-use: root used within this many days fails (default 7)')
    .option('--unused-days <days>', 'unused-credentials and unused-roles: unused for more than this many days fails (default 45 for credentials, 90 for roles)')
    .option('--rotation-days <days>', 'key-rotation: active keys older than this many days fail (default 90)')
    .optionsGroup('Output and exit code:')
    .option('--format <format>', 'table (default), jsonl (a line per account as it is done), or a report format: json, markdown, csv, html, junit, ocsf')
    .option('--json', 'same as --format json')
    .option('--status <statuses>', 'the table shows only these statuses: fail, error, accepted, pass, skip (comma-separated)', collect)
    .option('--quiet', 'the table is only the summary')
    .option('--report <format>=<path>', 'also write the report to a file (- for standard output), repeatable: html, junit, ocsf, json, markdown or csv', collect)
    .option('--force', 'with --report: replace a report file that already exists')
    .option('--fail-on <severity>', 'exit 1 when a check of this severity or higher fails: critical, high, medium, low (default low)')
    .optionsGroup('Organization:')
    .option('--org', 'audit every ACTIVE account of the Organization (management account or delegated administrator)')
    .option('--accounts <ids>', 'with --org: only these account ids, comma-separated')
    .option('--concurrency <n>', 'with --org: accounts audited at once, 1-64 (default 8)')
    .optionsGroup('Security Hub:')
    .option('--security-hub', "send the findings to AWS Security Hub in the audited account's region (the only write audit makes)")
    .option('--security-hub-account <id>', 'with --security-hub: send every account\'s findings to this one (aggregator) account')
    .addHelpText('after', `\nChecks (iam-bootstrap checks describes them):\n${wrapList(AUDIT_CHECK_IDS, '  ', 80)}\n${REPORT_FORMATS_HELP}\n${AUDIT_EXAMPLES}\n${EXIT_CODES_HELP}`)
    .action(async (_opts, command: Command) => {
      const { runAuditCommand } = await import('./commands/audit/index.js');
      return runAuditCommand(command, secrets);
    });

  program
    .command('checks')
    .description('List every audit check: id, severity, title and the benchmark controls it decides.')
    .option('--json', 'print the list as JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const [{ runChecksCommand }, { outputFor }] = await Promise.all([import('./commands/checks.js'), import('./create-context.js')]);
      runChecksCommand(outputFor(globals, secrets, opts.json === true || globals.json === true));
    });

  program
    .command('completion')
    .description('Print a shell completion script: bash, zsh or fish.')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', `
Install:
  bash  echo 'source <(iam-bootstrap completion bash)' >> ~/.bashrc
  zsh   echo 'source <(iam-bootstrap completion zsh)' >> ~/.zshrc
  fish  iam-bootstrap completion fish > ~/.config/fish/completions/iam-bootstrap.fish`)
    .action(async (shell: string) => {
      const { completionScript } = await import('./commands/completion.js');
      process.stdout.write(completionScript(program, shell));
    });

  return program;
}
