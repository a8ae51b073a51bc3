/**
 * init's flags → validated settings. Everything here runs before any AWS call that changes anything, and
 * every problem is a UsageError (exit 2) naming the flag and the rule.
 */
import { UsageError } from '../../errors.js';
import type { StdinText } from '../../context.js';
import type { PasswordPolicy, PresetName } from '../../lib/password-policy.js';
import { DEFAULT_ANALYZER_NAME } from '../../steps/access-analyzer.js';
import { DEFAULT_BUDGET_NAME } from '../../steps/budget.js';
import { DEFAULT_TRAIL_NAME } from '../../steps/cloudtrail.js';
import { DEFAULT_SUPPORT_ROLE } from '../../steps/support-role.js';
import {
  ADMIN_PATHS,
  ADMIN_USER_STEPS,
  IDENTITY_CENTER_STEPS,
  isSelected,
  STEP_IDS,
  SWITCH_STEPS,
  type AdminPath,
  type BudgetSettings,
  type CloudTrailSettings,
  type InitSettings,
  type StepId,
  type StepSelection,
  type SwitchMode,
  type SwitchStepId,
} from '../../steps/types.js';
import {
  checkAccountAlias,
  checkAccountId,
  checkAnalyzerName,
  checkBucketName,
  checkBudgetName,
  checkKmsKey,
  checkTrailName,
  parseBudgetAmount,
  checkPermissionSetName,
  checkPersonName,
  checkSsoGroupName,
  checkSsoUserName,
  parseSessionDuration,
  checkContactEmail,
  checkContactPhone,
  checkLength,
  checkRegion,
  checkRoleName,
  checkGroupName,
  checkMfaDeviceName,
  checkPasswordCharacters,
  checkPolicyArn,
  checkUserName,
  parseIntegerInRange,
  parseTag,
  type Tag,
} from '../../lib/rules.js';

export const DEFAULT_ADMIN_GROUP = 'Administrators';
/** IAM's limit of tags on one user. */
export const MAX_USER_TAGS = 50;
/** --password-stdin reads at most this many bytes: an IAM password is at most 128 characters. */
export const STDIN_PASSWORD_LIMIT = 4096;

/** What commander hands us for `init` (strings as typed; `false` for a --no-x flag). */
export interface InitFlags {
  alias?: string | false;
  replaceAlias?: boolean;
  passwordPolicy?: string | false;
  minPasswordLength?: string;
  passwordReusePrevention?: string;
  maxPasswordAge?: string;
  requireSymbols?: boolean;
  requireNumbers?: boolean;
  requireUppercase?: boolean;
  requireLowercase?: boolean;
  allowUsersToChangePassword?: boolean;
  hardExpiry?: boolean;
  securityContact?: boolean;
  securityContactEmail?: string;
  securityContactName?: string;
  securityContactPhone?: string;
  securityContactTitle?: string;
  supportRole?: string | false;
  accessAnalyzer?: boolean;
  accessAnalyzerRegions?: string;
  accessAnalyzerName?: string;
  organizationAnalyzer?: boolean;
  s3BlockPublicAccess?: boolean;
  ebsEncryption?: boolean;
  ebsKmsKey?: string;
  snapshotBlockPublicAccess?: boolean;
  amiBlockPublicAccess?: boolean;
  imdsDefaults?: boolean;
  budget?: boolean;
  budgetAmount?: string;
  budgetEmail?: string;
  budgetName?: string;
  cloudtrail?: boolean;
  cloudtrailName?: string;
  cloudtrailBucket?: string;
  adminGroup?: string;
  adminPolicy?: string[];
  requireMfa?: boolean;
  adminUser?: string | false;
  tag?: string[];
  passwordStdin?: boolean;
  passwordResetRequired?: boolean;
  consoleAccess?: boolean;
  accessKey?: boolean;
  credentialsFile?: string;
  mfa?: boolean;
  mfaDeviceName?: string;
  qrPng?: string;
  mfaSecretFile?: string;
  dryRun?: boolean;
  detailedExitcode?: boolean;
  centralizeRootAccess?: boolean;
  removeRootCredentials?: boolean;
  only?: string[];
  skip?: string[];
  yes?: boolean;
  admin?: string;
  ssoGroup?: string;
  ssoUser?: string;
  ssoEmail?: string;
  ssoGivenName?: string;
  ssoFamilyName?: string;
  permissionSet?: string;
  sessionDuration?: string;
  assignAccounts?: string;
  breakGlassUser?: string;
}

/** What --admin identity-center was given; a person's fields left undefined are asked for (or derived from the email). */
export interface IdentityCenterRequest {
  group: string;
  userName?: string;
  email?: string;
  givenName?: string;
  familyName?: string;
  permissionSet: string;
  sessionMinutes?: number;
  assignAccounts: 'this' | 'all' | string[];
}

/**
 * Settings as far as flags determine them. A field left undefined in `ask` was not given and may be
 * prompted for; with --yes it takes its default.
 */
export interface InitRequest {
  dryRun: boolean;
  /** --detailed-exitcode: with --dry-run, exit 4 when the plan changes something (0 when it does not). */
  detailedExitcode: boolean;
  /** --only / --skip. */
  steps: StepSelection;
  centralizeRootAccess: boolean;
  removeRootCredentials: boolean;
  yes: boolean;
  passwordStdin: boolean;
  /** undefined = ask (or, with --yes, leave alone); null = --no-alias */
  alias: string | null | undefined;
  replaceAlias: boolean;
  /** undefined = ask (default cis); null = --no-password-policy */
  preset: PresetName | null | undefined;
  explicitPolicy: Partial<PasswordPolicy>;
  /** null = --no-security-contact; otherwise the fields given (an empty email may still be asked for) */
  securityContact: InitSettings['securityContact'] | null;
  /** null = --no-support-role */
  supportRole: string | null;
  /** null = --no-access-analyzer */
  accessAnalyzer: InitSettings['accessAnalyzer'] | null;
  /** The account-wide switches given on the command line (--x: explicit, --no-x: off). */
  switches: Partial<Record<SwitchStepId, SwitchMode>>;
  ebsKmsKey?: string;
  /** null = --no-budget; an undefined amount may be asked for (with --yes: no new budget). */
  budget: BudgetSettings | null;
  /** --cloudtrail */
  cloudTrail?: CloudTrailSettings;
  adminGroup?: string;
  /** --admin-policy; undefined: AdministratorAccess in the caller's partition (known once the caller is). */
  adminPolicies?: string[];
  requireMfa: boolean;
  /** null: --no-admin-user (the baseline only); undefined: ask. */
  adminUser?: string | null;
  tags: Tag[];
  passwordResetRequired: boolean;
  consoleAccess?: boolean;
  accessKey?: boolean;
  credentialsFile?: string;
  mfa?: boolean;
  mfaDeviceName?: string;
  qrPng?: string;
  mfaSecretFile?: string;
  /** --admin; undefined: ask (the wizard offers identity-center where there is an organization instance). */
  admin?: AdminPath;
  /** With --admin identity-center. */
  identityCenter?: IdentityCenterRequest;
  /** --break-glass-user: the IAM admin user made beside Identity Center (adminUser holds its name). */
  breakGlass: boolean;
}

/** The flags that describe the Identity Center path: they mean nothing without --admin identity-center. */
const IDENTITY_CENTER_FLAGS: [keyof InitFlags, string][] = [
  ['ssoGroup', '--sso-group'],
  ['ssoUser', '--sso-user'],
  ['ssoEmail', '--sso-email'],
  ['ssoGivenName', '--sso-given-name'],
  ['ssoFamilyName', '--sso-family-name'],
  ['permissionSet', '--permission-set'],
  ['sessionDuration', '--session-duration'],
  ['assignAccounts', '--assign-accounts'],
  ['breakGlassUser', '--break-glass-user'],
];

export const DEFAULT_SSO_GROUP = 'Administrators';

const usage = (flag: string, rule: string) => new UsageError(`${flag}: ${rule}`);

function check(flag: string, value: string, rule: (v: string) => string | undefined): string {
  const problem = rule(value);
  if (problem) throw usage(flag, `"${value}" ${problem}.`);
  return value;
}

function integer(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = parseIntegerInRange(text, min, max);
  if (typeof n === 'string') throw usage(flag, `"${text}" ${n}.`);
  return n;
}

/**
 * `given` names the flags typed on the command line, so defaults can be told apart from choices
 * (commander's getOptionValueSource).
 */
/** `elsewhere`: the global --account or --role-arn was given (init acts in another account). */
/** "--only a,b --only c" → the step ids, each checked. */
function stepList(flag: string, given: string[]): StepId[] {
  const ids = given.flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !(STEP_IDS as readonly string[]).includes(id));
  if (unknown.length) throw usage(flag, `unknown step "${unknown.join('", "')}"; the steps are ${STEP_IDS.join(', ')}.`);
  if (!ids.length) throw usage(flag, `name at least one step (${STEP_IDS.join(', ')}).`);
  return [...new Set(ids)] as StepId[];
}

export function parseInitFlags(flags: InitFlags, given: (name: keyof InitFlags) => boolean, elsewhere = false): InitRequest {
  if (flags.detailedExitcode && !flags.dryRun) throw usage('--detailed-exitcode', 'needs --dry-run: it reports whether the plan would change anything.');
  if (flags.only && flags.skip) throw usage('--only', 'cannot be combined with --skip: name the steps to run, or the steps to leave out.');
  const steps: StepSelection = { ...(flags.only ? { only: stepList('--only', flags.only) } : {}), skip: flags.skip ? stepList('--skip', flags.skip) : [] };
  const selected = (id: StepId) => isSelected(steps, id);
  const adminSelected = ADMIN_USER_STEPS.some(selected);
  if (flags.removeRootCredentials && !elsewhere) {
    throw usage('--remove-root-credentials', "needs --account <member account id>: it removes a member account's root credentials from the management account.");
  }
  if (flags.removeRootCredentials && flags.centralizeRootAccess) {
    throw usage('--remove-root-credentials', 'cannot be combined with --centralize-root-access: enable it in the management account first, then remove credentials with --account.');
  }
  if (flags.centralizeRootAccess && elsewhere) {
    throw usage('--centralize-root-access', 'runs in the management account itself; leave out --account and --role-arn.');
  }
  const alias =
    flags.alias === false ? null : flags.alias === undefined ? undefined : check('--alias', flags.alias, checkAccountAlias);

  let preset: PresetName | null | undefined;
  if (flags.passwordPolicy === false) preset = null;
  else if (flags.passwordPolicy !== undefined) {
    if (flags.passwordPolicy !== 'cis' && flags.passwordPolicy !== 'aws-default') {
      throw usage('--password-policy', `unknown preset "${flags.passwordPolicy}"; choose cis or aws-default.`);
    }
    preset = flags.passwordPolicy;
  }

  const explicitPolicy: Partial<PasswordPolicy> = {};
  const min = integer('--min-password-length', flags.minPasswordLength, 6, 128);
  if (min !== undefined) explicitPolicy.MinimumPasswordLength = min;
  const reuse = integer('--password-reuse-prevention', flags.passwordReusePrevention, 1, 24);
  if (reuse !== undefined) explicitPolicy.PasswordReusePrevention = reuse;
  const age = integer('--max-password-age', flags.maxPasswordAge, 1, 1095);
  if (age !== undefined) explicitPolicy.MaxPasswordAge = age;
  const booleans: [keyof InitFlags, keyof PasswordPolicy][] = [
    ['requireSymbols', 'RequireSymbols'],
    ['requireNumbers', 'RequireNumbers'],
    ['requireUppercase', 'RequireUppercaseCharacters'],
    ['requireLowercase', 'RequireLowercaseCharacters'],
    ['allowUsersToChangePassword', 'AllowUsersToChangePassword'],
    ['hardExpiry', 'HardExpiry'],
  ];
  for (const [flag, field] of booleans) {
    if (typeof flags[flag] === 'boolean') (explicitPolicy as Record<string, unknown>)[field] = flags[flag];
  }
  if (preset === null && Object.keys(explicitPolicy).length) {
    throw usage('--no-password-policy', 'cannot be combined with password policy settings such as --min-password-length.');
  }
  if (explicitPolicy.HardExpiry && !explicitPolicy.MaxPasswordAge) {
    throw usage('--hard-expiry', 'needs --max-password-age <days>: without expiry there is nothing to enforce.');
  }

  const securityContact = parseSecurityContact(flags);
  const supportRole = flags.supportRole === false ? null : check('--support-role', flags.supportRole ?? DEFAULT_SUPPORT_ROLE, checkRoleName);
  const accessAnalyzer = parseAccessAnalyzer(flags);
  const switches = parseSwitches(flags, given);
  const ebsKmsKey = flags.ebsKmsKey === undefined ? undefined : check('--ebs-kms-key', flags.ebsKmsKey, checkKmsKey);
  if (ebsKmsKey && switches['ebs-encryption'] === 'off') throw usage('--no-ebs-encryption', 'cannot be combined with --ebs-kms-key.');
  const budget = parseBudget(flags);
  const cloudTrail = parseCloudTrail(flags);

  const adminGroup = flags.adminGroup === undefined ? undefined : check('--admin-group', flags.adminGroup, checkGroupName);
  const adminPolicies = flags.adminPolicy?.map((arn) => check('--admin-policy', arn, checkPolicyArn));
  const admin = parseAdminPath(flags, elsewhere);
  const identityCenter = admin === 'identity-center' ? parseIdentityCenter(flags, steps) : undefined;
  const breakGlassUser = flags.breakGlassUser === undefined ? undefined : check('--break-glass-user', flags.breakGlassUser, checkUserName);
  // On the Identity Center path the IAM admin user exists only as the break-glass user.
  const noAdminUser = flags.adminUser === false || (admin === 'identity-center' && !breakGlassUser);
  const adminUser = breakGlassUser ?? (typeof flags.adminUser === 'string' ? check('--admin-user', flags.adminUser, checkUserName) : undefined);
  if (admin === 'identity-center' && yes(flags) && selected('sso-admin-user') && (!identityCenter?.userName || !identityCenter.email)) {
    throw usage('--yes', 'with --admin identity-center needs --sso-user <user name> and --sso-email <email>: there is no one to ask.');
  }
  if (noAdminUser) {
    const cause = flags.adminUser === false ? '--no-admin-user' : '--admin identity-center';
    const why = flags.adminUser === false ? 'there is no admin user.' : 'it makes no IAM admin user (add --break-glass-user <name> for one beside Identity Center).';
    // Everything that describes the admin user, its group or its credentials means nothing without one.
    const userFlags: [string, unknown][] = [
      ['--admin-group', flags.adminGroup], ['--admin-policy', flags.adminPolicy], ['--no-require-mfa', flags.requireMfa === false || undefined],
      ['--tag', flags.tag], ['--password-stdin', flags.passwordStdin], ['--password-reset-required', flags.passwordResetRequired],
      ['--console-access / --no-console-access', given('consoleAccess') || undefined], ['--access-key', flags.accessKey],
      ['--credentials-file', flags.credentialsFile], ['--mfa / --no-mfa', given('mfa') || undefined], ['--mfa-device-name', flags.mfaDeviceName],
      ['--qr-png', flags.qrPng], ['--mfa-secret-file', flags.mfaSecretFile],
    ];
    const clash = userFlags.filter(([, v]) => v !== undefined && v !== false).map(([name]) => name);
    if (clash.length) throw usage(cause, `cannot be combined with ${clash.join(', ')}: ${why}`);
  }
  const tags = (flags.tag ?? []).map((text) => {
    const tag = parseTag(text);
    if (typeof tag === 'string') throw usage('--tag', `"${text}" ${tag}.`);
    return tag;
  });
  if (new Set(tags.map((t) => t.Key)).size !== tags.length) throw usage('--tag', 'the same key is given twice.');
  if (tags.length > MAX_USER_TAGS) throw usage('--tag', `${tags.length} tags given; IAM allows at most ${MAX_USER_TAGS} on a user.`);
  const mfaDeviceName =
    flags.mfaDeviceName === undefined ? undefined : check('--mfa-device-name', flags.mfaDeviceName, checkMfaDeviceName);

  const consoleAccess = given('consoleAccess') ? flags.consoleAccess !== false : undefined;
  const mfa = given('mfa') ? flags.mfa !== false : undefined;
  const yes_ = yes(flags);
  const passwordStdin = flags.passwordStdin === true;

  if (passwordStdin && consoleAccess === false) {
    throw usage('--password-stdin', 'cannot be combined with --no-console-access.');
  }
  if (mfa === false && (flags.mfaSecretFile || flags.qrPng || flags.mfaDeviceName)) {
    throw usage('--no-mfa', 'cannot be combined with --mfa-secret-file, --qr-png or --mfa-device-name.');
  }
  if (yes_ && !adminUser && !noAdminUser && adminSelected) {
    throw usage('--yes', 'needs --admin-user <name> (or --no-admin-user, or --only without the admin steps): there is no one to ask.');
  }
  if (yes_ && !noAdminUser && selected('mfa') && mfa !== false && !flags.mfaSecretFile) {
    throw usage(
      '--yes',
      'MFA enrolment needs a person to scan a QR code; pass --mfa-secret-file <path> for scripted enrolment, or --no-mfa.',
    );
  }

  return {
    dryRun: flags.dryRun === true,
    detailedExitcode: flags.detailedExitcode === true,
    steps,
    centralizeRootAccess: flags.centralizeRootAccess === true,
    removeRootCredentials: flags.removeRootCredentials === true,
    yes: yes_,
    passwordStdin,
    alias,
    replaceAlias: flags.replaceAlias === true,
    preset,
    explicitPolicy,
    securityContact,
    supportRole,
    accessAnalyzer,
    switches,
    ...(ebsKmsKey ? { ebsKmsKey } : {}),
    budget,
    ...(cloudTrail ? { cloudTrail } : {}),
    adminGroup,
    adminPolicies,
    requireMfa: flags.requireMfa !== false,
    // No admin step selected: there is no admin user to ask about.
    adminUser: noAdminUser || !adminSelected ? null : adminUser,
    tags,
    passwordResetRequired: flags.passwordResetRequired === true,
    consoleAccess: passwordStdin ? true : consoleAccess,
    accessKey: given('accessKey') ? flags.accessKey === true : undefined,
    credentialsFile: flags.credentialsFile,
    mfa: flags.mfaSecretFile ? true : mfa,
    mfaDeviceName,
    qrPng: flags.qrPng,
    mfaSecretFile: flags.mfaSecretFile,
    // --yes without --admin keeps the IAM user path every existing runbook relies on.
    admin: admin ?? (yes_ ? 'iam-user' : undefined),
    ...(identityCenter ? { identityCenter } : {}),
    breakGlass: breakGlassUser !== undefined,
  };
}

const yes = (flags: InitFlags) => flags.yes === true;

/** --admin, checked with what it cannot be combined with. */
function parseAdminPath(flags: InitFlags, elsewhere: boolean): AdminPath | undefined {
  const admin = flags.admin;
  if (admin !== undefined && !(ADMIN_PATHS as readonly string[]).includes(admin)) {
    throw usage('--admin', `unknown admin path "${admin}"; choose iam-user or identity-center.`);
  }
  const given = IDENTITY_CENTER_FLAGS.filter(([key]) => flags[key] !== undefined).map(([, name]) => name);
  if (given.length && admin !== 'identity-center') {
    throw usage(given[0] ?? '', `${given.join(', ')} ${given.length === 1 ? 'belongs' : 'belong'} to the Identity Center path: add --admin identity-center.`);
  }
  if (admin !== 'identity-center') return admin as AdminPath | undefined;
  if (elsewhere) {
    throw usage('--admin identity-center', "runs in the Organization's management account (where Identity Center is managed): leave out --account and --role-arn, and name the accounts with --assign-accounts.");
  }
  if (typeof flags.adminUser === 'string') {
    throw usage('--admin-user', 'with --admin identity-center people sign in through Identity Center; for an IAM user beside it, use --break-glass-user <name>.');
  }
  if (flags.adminUser === false) {
    throw usage('--no-admin-user', 'is implied by --admin identity-center (no IAM admin user is made without --break-glass-user); leave it out.');
  }
  return 'identity-center';
}

function parseIdentityCenter(flags: InitFlags, steps: StepSelection): IdentityCenterRequest {
  if (!IDENTITY_CENTER_STEPS.some((id) => isSelected(steps, id)) && flags.breakGlassUser === undefined) {
    throw usage('--admin identity-center', '--only/--skip leave out every Identity Center step (sso-admin-group, sso-admin-user, permission-set, account-assignment).');
  }
  const opt = (flag: string, value: string | undefined, rule: (v: string) => string | undefined) => (value === undefined ? undefined : check(flag, value, rule));
  const sessionMinutes = flags.sessionDuration === undefined ? undefined : parseSessionDuration(flags.sessionDuration);
  if (typeof sessionMinutes === 'string') throw usage('--session-duration', `"${flags.sessionDuration}" ${sessionMinutes}.`);
  return {
    group: check('--sso-group', flags.ssoGroup ?? DEFAULT_SSO_GROUP, checkSsoGroupName),
    userName: opt('--sso-user', flags.ssoUser, checkSsoUserName),
    email: opt('--sso-email', flags.ssoEmail, checkContactEmail),
    givenName: opt('--sso-given-name', flags.ssoGivenName, checkPersonName),
    familyName: opt('--sso-family-name', flags.ssoFamilyName, checkPersonName),
    permissionSet: check('--permission-set', flags.permissionSet ?? 'AdministratorAccess', checkPermissionSetName),
    ...(sessionMinutes !== undefined ? { sessionMinutes } : {}),
    assignAccounts: parseAssignAccounts(flags.assignAccounts),
  };
}

/** --assign-accounts all | id,id…; this account when not given. */
function parseAssignAccounts(text: string | undefined): IdentityCenterRequest['assignAccounts'] {
  if (text === undefined) return 'this';
  if (text.trim() === 'all') return 'all';
  const ids = text.split(',').map((t) => t.trim());
  for (const id of ids) {
    const problem = checkAccountId(id);
    if (problem) throw usage('--assign-accounts', `"${id}" ${problem}; give all, or account ids separated by commas.`);
  }
  if (new Set(ids).size !== ids.length) throw usage('--assign-accounts', 'an account is given twice.');
  return ids;
}

/**
 * Given and family names from an email, where they were not given: "ana.silva@example.com" → Ana, Silva. The
 * identity store needs both; a one-word local part takes the family name from the domain ("ana@acme.com" → Ana,
 * Acme), which the plan shows and --sso-given-name / --sso-family-name replace.
 */
export function namesFromEmail(email: string): { givenName: string; familyName: string } {
  const [local = '', domain = ''] = email.split('@');
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const words = local.split(/[._+-]+/).filter(Boolean).map(cap);
  const givenName = words[0] ?? cap(local);
  const familyName = words.length > 1 ? words.slice(1).join(' ') : cap(domain.split('.')[0] ?? '') || givenName;
  return { givenName, familyName };
}

function parseSecurityContact(flags: InitFlags): InitRequest['securityContact'] {
  const given = {
    email: flags.securityContactEmail === undefined ? undefined : check('--security-contact-email', flags.securityContactEmail, checkContactEmail),
    name: flags.securityContactName === undefined ? undefined : check('--security-contact-name', flags.securityContactName, (v) => checkLength(v, 64)),
    phone: flags.securityContactPhone === undefined ? undefined : check('--security-contact-phone', flags.securityContactPhone, checkContactPhone),
    title: flags.securityContactTitle === undefined ? undefined : check('--security-contact-title', flags.securityContactTitle, (v) => checkLength(v, 50)),
  };
  if (flags.securityContact === false) {
    if (Object.values(given).some((v) => v !== undefined)) {
      throw usage('--no-security-contact', 'cannot be combined with --security-contact-email, -name, -phone or -title.');
    }
    return null;
  }
  return given;
}

/** The flag of each account-wide switch: --<step> applies it even where it would break something, --no-<step> leaves it alone. */
const SWITCH_FLAGS: Record<SwitchStepId, keyof InitFlags> = {
  's3-block-public-access': 's3BlockPublicAccess',
  'ebs-encryption': 'ebsEncryption',
  'snapshot-block-public-access': 'snapshotBlockPublicAccess',
  'ami-block-public-access': 'amiBlockPublicAccess',
  'imds-defaults': 'imdsDefaults',
};

/** `given`: typed on the command line (a lone --no-x flag makes commander default x to true). */
function parseSwitches(flags: InitFlags, given: (name: keyof InitFlags) => boolean): InitRequest['switches'] {
  const switches: InitRequest['switches'] = {};
  for (const id of SWITCH_STEPS) {
    const value = flags[SWITCH_FLAGS[id]];
    if (value === true && given(SWITCH_FLAGS[id])) switches[id] = 'explicit';
    if (value === false) switches[id] = 'off';
  }
  return switches;
}

function parseBudget(flags: InitFlags): InitRequest['budget'] {
  if (flags.budget === false) {
    if (flags.budgetAmount !== undefined || flags.budgetEmail !== undefined || flags.budgetName !== undefined) {
      throw usage('--no-budget', 'cannot be combined with --budget-amount, --budget-email or --budget-name.');
    }
    return null;
  }
  let amount: number | undefined;
  if (flags.budgetAmount !== undefined) {
    const parsed = parseBudgetAmount(flags.budgetAmount);
    if (typeof parsed === 'string') throw usage('--budget-amount', `"${flags.budgetAmount}" ${parsed}.`);
    amount = parsed;
  }
  return {
    name: check('--budget-name', flags.budgetName ?? DEFAULT_BUDGET_NAME, checkBudgetName),
    ...(amount !== undefined ? { amount } : {}),
    ...(flags.budgetEmail !== undefined ? { email: check('--budget-email', flags.budgetEmail, checkContactEmail) } : {}),
  };
}

function parseCloudTrail(flags: InitFlags): InitRequest['cloudTrail'] {
  if (flags.cloudtrail !== true) {
    const given = [['--cloudtrail-name', flags.cloudtrailName], ['--cloudtrail-bucket', flags.cloudtrailBucket]].filter(([, v]) => v !== undefined).map(([f]) => f);
    if (given.length) throw usage(given[0] ?? '', `needs --cloudtrail: ${given.join(' and ')} describe${given.length === 1 ? 's' : ''} the trail it creates.`);
    return undefined;
  }
  return {
    trailName: check('--cloudtrail-name', flags.cloudtrailName ?? DEFAULT_TRAIL_NAME, checkTrailName),
    ...(flags.cloudtrailBucket !== undefined ? { bucket: check('--cloudtrail-bucket', flags.cloudtrailBucket, checkBucketName) } : {}),
  };
}

function parseAccessAnalyzer(flags: InitFlags): InitRequest['accessAnalyzer'] {
  if (flags.accessAnalyzer === false) {
    if (flags.accessAnalyzerRegions !== undefined || flags.accessAnalyzerName !== undefined || flags.organizationAnalyzer) {
      throw usage('--no-access-analyzer', 'cannot be combined with --access-analyzer-regions, --access-analyzer-name or --organization-analyzer.');
    }
    return null;
  }
  let regions: 'all' | string[] = 'all';
  const text = flags.accessAnalyzerRegions;
  if (text !== undefined && text.trim() !== 'all') {
    regions = text.split(',').map((r) => r.trim());
    for (const region of regions) {
      const problem = checkRegion(region);
      if (problem) throw usage('--access-analyzer-regions', `"${region}" ${problem}; give all, or region names separated by commas.`);
    }
    if (new Set(regions).size !== regions.length) throw usage('--access-analyzer-regions', 'a region is given twice.');
  }
  return {
    regions,
    name: check('--access-analyzer-name', flags.accessAnalyzerName ?? DEFAULT_ANALYZER_NAME, checkAnalyzerName),
    type: flags.organizationAnalyzer ? 'ORGANIZATION' : 'ACCOUNT',
  };
}

/** --password-stdin: the whole of standard input, less one trailing newline (as `echo` or a here-string adds). */
export function parseStdinPassword({ text, complete }: StdinText): string {
  if (!complete) {
    throw usage('--password-stdin', `standard input is longer than ${STDIN_PASSWORD_LIMIT} bytes; a console password is at most 128 characters.`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw usage('--password-stdin', 'standard input was empty.');
  const problem = checkPasswordCharacters(password);
  if (problem) throw usage('--password-stdin', `the password ${problem}.`);
  return password;
}
