/**
 * init's questions. The wizard asks only what has no safe default — the alias, the admin user's name, the
 * security contact (its email, and the phone number AWS requires with it) and a monthly budget amount (only its
 * owner knows what spend is normal; empty: none) — and takes every other choice at its
 * recommended value; the operator sees the plan and may then change any step through `reviseSettings`.
 * With --yes nothing is asked.
 */
import type { Context } from '../../context.js';
import {
  checkAccountAlias,
  checkSsoUserName,
  checkPersonName,
  checkContactEmail,
  checkContactPhone,
  checkGroupName,
  checkLength,
  checkRegion,
  checkRoleName,
  checkUserName,
  parseBudgetAmount,
} from '../../lib/rules.js';
import type { PresetName } from '../../lib/password-policy.js';
import { DEFAULT_ANALYZER_NAME } from '../../steps/access-analyzer.js';
import type { SecurityContact } from '../../account/contacts.js';
import { defaultContactName } from '../../steps/security-contact.js';
import { DEFAULT_SUPPORT_ROLE } from '../../steps/support-role.js';
import type { IdentityCenterInstance } from '../../account/identity-center.js';
import { DEFAULT_BUDGET_NAME } from '../../steps/budget.js';
import { DEFAULT_TRAIL_NAME } from '../../steps/cloudtrail.js';
import { BREAK_GLASS_TAG, isSelected, SWITCH_STEPS, type AdminPath, type BudgetSettings, type IdentityCenterSettings, type InitSettings, type StepId, type SwitchMode, type SwitchStepId } from '../../steps/types.js';
import { DEFAULT_ADMIN_GROUP, namesFromEmail, type IdentityCenterRequest, type InitRequest } from './options.js';

const asValidator = (rule: (v: string) => string | undefined) => (v: string) => rule(v.trim()) ?? true;
const optional = (rule: (v: string) => string | undefined) => (v: string) => (v.trim() === '' ? true : asValidator(rule)(v));

/** What the account already has, so the wizard does not ask for what is there. */
export interface ExistingState {
  alias?: string;
  contact?: SecurityContact;
  /** The Organization's Identity Center instance, when there is one (read unless --admin iam-user). */
  identityCenter?: IdentityCenterInstance;
}

export async function completeSettings(
  ctx: Context,
  request: InitRequest,
  existing: ExistingState,
  password: string | undefined,
): Promise<InitSettings> {
  const ask = !request.yes;
  const { prompt } = ctx;

  const selected = (id: StepId) => isSelected(request.steps, id);
  let alias = request.alias ?? undefined;
  let replaceAlias = request.replaceAlias;
  if (request.alias === undefined && ask && selected('account-alias')) {
    ({ alias, replaceAlias } = await askAlias(ctx, existing.alias, replaceAlias));
  }

  // --admin-user or --no-admin-user already chose the IAM user path.
  const admin = request.admin ?? (ask && request.adminUser === undefined ? await askAdminPath(ctx, existing.identityCenter) : 'iam-user');
  // The person is asked about only when the step that makes them runs.
  const identityCenter = admin === 'identity-center' ? await completeIdentityCenter(ctx, request.identityCenter, ask && selected('sso-admin-user')) : undefined;
  // parseInitFlags guarantees an admin user (or --no-admin-user) with --yes; on the Identity Center path the IAM
  // user is only the break-glass one, named with its flag.
  const withAdminUser = admin === 'identity-center' ? request.breakGlass && request.adminUser !== null : request.adminUser !== null;
  const adminUser = !withAdminUser
    ? ''
    : (request.adminUser ?? (await prompt.input({ message: 'Admin user name', default: 'admin', validate: asValidator(checkUserName) })).trim());
  // The break-glass user says what it is wherever it is seen (and audit tells it from everyday admins).
  const tags = request.breakGlass && !request.tags.some((t) => t.Key === BREAK_GLASS_TAG.Key) ? [...request.tags, { ...BREAK_GLASS_TAG }] : request.tags;

  let securityContact = request.securityContact ?? undefined;
  if (securityContact && ask && securityContact.email === undefined && !existing.contact && selected('security-contact')) {
    securityContact = await askContact(ctx, securityContact);
  }
  let budget = request.budget ?? undefined;
  if (budget && budget.amount === undefined && ask && selected('budget')) budget = await askBudget(ctx, budget);

  return {
    alias,
    replaceAlias,
    passwordPolicy: request.preset === null ? undefined : { preset: request.preset ?? 'cis', explicit: request.explicitPolicy },
    securityContact,
    supportRole: request.supportRole ?? undefined,
    accessAnalyzer: request.accessAnalyzer ?? undefined,
    switches: request.switches,
    ...(request.ebsKmsKey ? { ebsKmsKey: request.ebsKmsKey } : {}),
    ...(budget ? { budget } : {}),
    ...(request.cloudTrail ? { cloudTrail: request.cloudTrail } : {}),
    adminGroup: request.adminGroup ?? DEFAULT_ADMIN_GROUP,
    adminPolicies: request.adminPolicies,
    requireMfa: request.requireMfa,
    centralizeRootAccess: request.centralizeRootAccess,
    removeRootCredentials: request.removeRootCredentials,
    admin,
    ...(identityCenter ? { identityCenter } : {}),
    breakGlass: request.breakGlass,
    withAdminUser,
    steps: request.steps,
    adminUser,
    tags,
    consoleAccess: request.consoleAccess ?? true,
    password,
    passwordResetRequired: request.passwordResetRequired,
    accessKey: request.accessKey ?? false,
    credentialsFile: request.credentialsFile,
    mfa: request.mfa ?? true,
    mfaDeviceName: request.mfaDeviceName ?? adminUser,
    qrPng: request.qrPng,
    mfaSecretFile: request.mfaSecretFile,
  };
}

/**
 * How administrators sign in. Identity Center is offered, and recommended, only where it can grant access to AWS
 * accounts (an organization instance exists); otherwise the IAM user path is the one there is.
 */
async function askAdminPath(ctx: Context, instance: IdentityCenterInstance | undefined): Promise<AdminPath> {
  if (!instance) return 'iam-user';
  return ctx.prompt.select<AdminPath>({
    message: 'How will administrators sign in?',
    choices: [
      { name: `IAM Identity Center (recommended: temporary credentials; portal ${accessPortal(instance)})`, value: 'identity-center' },
      { name: 'An IAM user with a password and MFA', value: 'iam-user' },
    ],
    default: 'identity-center',
  });
}

const accessPortal = (i: IdentityCenterInstance) => `https://${i.identityStoreId}.awsapps.com/start`;

/** The person's email and user name, asked for when not given; given and family names from the email unless given. */
async function completeIdentityCenter(ctx: Context, given: IdentityCenterRequest | undefined, ask: boolean): Promise<IdentityCenterSettings> {
  const request: IdentityCenterRequest = given ?? { group: 'Administrators', permissionSet: 'AdministratorAccess', assignAccounts: 'this' };
  // With --yes, parseInitFlags guarantees both (or that sso-admin-user does not run, where they are not used).
  const email =
    request.email ??
    (ask ? (await ctx.prompt.input({ message: "Administrator's email", validate: asValidator(checkContactEmail) })).trim() : '');
  const suggested = email.split('@')[0] ?? '';
  const userName =
    request.userName ??
    (ask
      ? (await ctx.prompt.input({ message: 'Identity Center user name', default: checkSsoUserName(suggested) ? email : suggested, validate: asValidator(checkSsoUserName) })).trim()
      : '');
  const names = namesFromEmail(email);
  return {
    group: request.group,
    user: { userName, email, givenName: request.givenName ?? names.givenName, familyName: request.familyName ?? names.familyName },
    permissionSet: request.permissionSet,
    ...(request.sessionMinutes !== undefined ? { sessionMinutes: request.sessionMinutes } : {}),
    assignAccounts: request.assignAccounts,
  };
}

async function askAlias(ctx: Context, existing: string | undefined, replace: boolean): Promise<{ alias?: string; replaceAlias: boolean }> {
  const answer = (
    await ctx.prompt.input({
      message: `Account alias for the sign-in URL${existing ? '' : ' (empty: none)'}`,
      default: existing ?? '',
      validate: optional(checkAccountAlias),
    })
  ).trim();
  const alias = answer || undefined;
  if (alias && existing && alias !== existing && !replace) {
    const replaceAlias = await ctx.prompt.confirm({
      message: `Replace the alias "${existing}" with "${alias}"? The sign-in URL changes.`,
      default: false,
    });
    return replaceAlias ? { alias, replaceAlias } : { alias: existing, replaceAlias: false };
  }
  return { alias, replaceAlias: replace };
}

/** The email, and the phone number AWS requires with it; name and title keep their defaults unless revised. */
async function askContact(ctx: Context, given: NonNullable<InitSettings['securityContact']>): Promise<InitSettings['securityContact']> {
  const email = (
    await ctx.prompt.input({
      message: 'Security contact email, for AWS to reach about security issues (empty: none)',
      default: given.email ?? '',
      validate: optional(checkContactEmail),
    })
  ).trim();
  if (!email) return { ...given, email: undefined };
  const phone =
    given.phone ??
    (
      await ctx.prompt.input({
        message: 'Security contact phone (AWS requires one): digits, spaces, + - ( )',
        validate: asValidator(checkContactPhone),
      })
    ).trim();
  return { ...given, email, phone };
}

/** The monthly amount (empty: no budget); who is emailed follows the security contact unless --budget-email said. */
async function askBudget(ctx: Context, given: BudgetSettings): Promise<BudgetSettings | undefined> {
  const answer = (
    await ctx.prompt.input({
      message: 'Monthly cost budget in USD, emailed at 80% and 100% of spend and 100% of forecast (empty: none)',
      default: given.amount === undefined ? '' : String(given.amount),
      validate: optional((v) => {
        const n = parseBudgetAmount(v);
        return typeof n === 'string' ? n : undefined;
      }),
    })
  ).trim();
  if (!answer) return undefined;
  return { ...given, amount: parseBudgetAmount(answer) as number };
}

export type PlanChoice = 'apply' | 'change' | 'cancel';

export function askPlanChoice(ctx: Context): Promise<PlanChoice> {
  return ctx.prompt.select<PlanChoice>({
    message: 'Apply these changes?',
    choices: [
      { name: 'Apply', value: 'apply' },
      { name: 'Change something first', value: 'change' },
      { name: 'Cancel (nothing is changed)', value: 'cancel' },
    ],
    default: 'apply',
  });
}

const PRESET_NAME: Record<PresetName, string> = { cis: 'CIS', 'aws-default': 'AWS default' };

const SWITCH_TITLES: Record<SwitchStepId, string> = {
  's3-block-public-access': 'S3 Block Public Access',
  'ebs-encryption': 'EBS encryption by default',
  'snapshot-block-public-access': 'Snapshot public sharing block',
  'ami-block-public-access': 'AMI public sharing block',
  'imds-defaults': 'IMDSv2 by default',
};
const SWITCH_MODE_TEXT: Record<SwitchMode, string> = {
  default: 'on, unless it would break something found in the account',
  explicit: 'on, even if it breaks something found in the account',
  off: 'leave as it is',
};

/** "Change something": the operator picks a step, answers its questions, and sees the plan again. */
export async function reviseSettings(ctx: Context, s: InitSettings, existing: ExistingState): Promise<InitSettings> {
  const { prompt } = ctx;
  const onOff = (on: boolean) => (on ? 'yes' : 'no');
  const step = await prompt.select<string>({
    message: 'Change which step?',
    choices: [
      { name: `Account alias (${s.alias ?? 'none'})`, value: 'alias' },
      { name: `Password policy (${s.passwordPolicy ? PRESET_NAME[s.passwordPolicy.preset] : 'left alone'})`, value: 'password-policy' },
      { name: `Security contact (${s.securityContact?.email ?? (s.securityContact ? 'none' : 'left alone')})`, value: 'security-contact' },
      { name: `Support role (${s.supportRole ?? 'none'})`, value: 'support-role' },
      { name: `Access Analyzer (${s.accessAnalyzer ? (s.accessAnalyzer.regions === 'all' ? 'every enabled region' : s.accessAnalyzer.regions.join(', ')) : 'none'})`, value: 'access-analyzer' },
      ...SWITCH_STEPS.map((id) => ({ name: `${SWITCH_TITLES[id]} (${SWITCH_MODE_TEXT[s.switches?.[id] ?? 'default']})`, value: id })),
      { name: `Cost budget (${s.budget?.amount !== undefined ? `${s.budget.amount} USD a month` : 'none'})`, value: 'budget' },
      { name: `CloudTrail (${s.cloudTrail ? `trail ${s.cloudTrail.trailName}` : 'none'})`, value: 'cloudtrail' },
      ...(s.identityCenter
        ? [{ name: `Identity Center administrator (${s.identityCenter.user.userName} <${s.identityCenter.user.email}>, ${s.identityCenter.user.givenName} ${s.identityCenter.user.familyName})`, value: 'sso-user' }]
        : []),
      // --no-admin-user: there is no admin to change anything about.
      ...(s.withAdminUser
        ? [
            { name: `Admin group (${s.adminGroup})`, value: 'admin-group' },
            { name: `Admin user (${s.adminUser})`, value: 'admin-user' },
            { name: `Console password for the admin (${onOff(s.consoleAccess)})`, value: 'console-access' },
            { name: `Access key for the admin (${onOff(s.accessKey)})`, value: 'access-key' },
            { name: `MFA device for the admin (${onOff(s.mfa)})`, value: 'mfa' },
          ]
        : []),
    ],
  });
  if ((SWITCH_STEPS as readonly string[]).includes(step)) {
    const id = step as SwitchStepId;
    const mode = await prompt.select<SwitchMode>({
      message: SWITCH_TITLES[id],
      choices: (['default', 'explicit', 'off'] as const).map((value) => ({ name: SWITCH_MODE_TEXT[value], value })),
      default: s.switches?.[id] ?? 'default',
    });
    return { ...s, switches: { ...s.switches, [id]: mode } };
  }
  switch (step) {
    case 'budget': {
      const budget = await askBudget(ctx, s.budget ?? { name: DEFAULT_BUDGET_NAME });
      if (!budget) return { ...s, budget: undefined };
      const email = (await prompt.input({ message: 'Budget alerts go to (empty: the security contact)', default: budget.email ?? '', validate: optional(checkContactEmail) })).trim();
      return { ...s, budget: { name: budget.name, ...(budget.amount !== undefined ? { amount: budget.amount } : {}), ...(email ? { email } : {}) } };
    }
    case 'cloudtrail': {
      const on = await prompt.confirm({ message: 'Create a multi-region trail with log file validation to a new protected bucket? (its storage costs money)', default: s.cloudTrail !== undefined });
      return { ...s, cloudTrail: on ? (s.cloudTrail ?? { trailName: DEFAULT_TRAIL_NAME }) : undefined };
    }
    case 'alias':
      return { ...s, ...(await askAlias(ctx, existing.alias, s.replaceAlias)) };
    case 'password-policy': {
      const preset = await prompt.select<PresetName | null>({
        message: 'Password policy',
        choices: [
          { name: 'CIS benchmark (14+ chars, all character classes, remember 24)', value: 'cis' },
          { name: 'AWS default (no custom policy)', value: 'aws-default' },
          { name: 'Leave the current policy alone', value: null },
        ],
        default: s.passwordPolicy?.preset ?? 'cis',
      });
      return { ...s, passwordPolicy: preset ? { preset, explicit: s.passwordPolicy?.explicit ?? {} } : undefined };
    }
    case 'security-contact': {
      const contact = await askContact(ctx, { ...s.securityContact, phone: undefined });
      if (!contact?.email) return { ...s, securityContact: {} };
      const name = (await prompt.input({ message: 'Security contact name', default: contact.name ?? defaultContactName(contact.email), validate: asValidator((v) => checkLength(v, 64)) })).trim();
      const title = (await prompt.input({ message: 'Security contact title', default: contact.title ?? 'Security', validate: asValidator((v) => checkLength(v, 50)) })).trim();
      return { ...s, securityContact: { ...contact, name, title } };
    }
    case 'support-role': {
      const name = (await prompt.input({ message: 'Support role name (empty: none)', default: s.supportRole ?? DEFAULT_SUPPORT_ROLE, validate: optional(checkRoleName) })).trim();
      return { ...s, supportRole: name || undefined };
    }
    case 'access-analyzer': {
      const current = s.accessAnalyzer ? (s.accessAnalyzer.regions === 'all' ? 'all' : s.accessAnalyzer.regions.join(',')) : 'all';
      const text = (
        await prompt.input({
          message: 'Access Analyzer regions: all, or names separated by commas (empty: none)',
          default: current,
          validate: optional((v) => (v === 'all' ? undefined : v.split(',').map((r) => checkRegion(r.trim())).find(Boolean))),
        })
      ).trim();
      if (!text) return { ...s, accessAnalyzer: undefined };
      const regions = text === 'all' ? 'all' : [...new Set(text.split(',').map((r) => r.trim()))];
      return { ...s, accessAnalyzer: { name: DEFAULT_ANALYZER_NAME, type: 'ACCOUNT', ...s.accessAnalyzer, regions } };
    }
    case 'sso-user': {
      const ic = s.identityCenter as IdentityCenterSettings;
      const input = async (message: string, value: string, rule: (v: string) => string | undefined) =>
        (await prompt.input({ message, default: value, validate: asValidator(rule) })).trim();
      const email = await input("Administrator's email", ic.user.email, checkContactEmail);
      const userName = await input('Identity Center user name', ic.user.userName, checkSsoUserName);
      // Names follow a changed email unless they were set apart from it.
      const derived = namesFromEmail(ic.user.email);
      const fromEmail = ic.user.givenName === derived.givenName && ic.user.familyName === derived.familyName;
      const names = fromEmail ? namesFromEmail(email) : ic.user;
      const givenName = await input('Given name', names.givenName, checkPersonName);
      const familyName = await input('Family name', names.familyName, checkPersonName);
      return { ...s, identityCenter: { ...ic, user: { userName, email, givenName, familyName } } };
    }
    case 'admin-group':
      return { ...s, adminGroup: (await prompt.input({ message: 'Admin group name', default: s.adminGroup, validate: asValidator(checkGroupName) })).trim() };
    case 'admin-user': {
      const adminUser = (await prompt.input({ message: 'Admin user name', default: s.adminUser, validate: asValidator(checkUserName) })).trim();
      // The device name follows the user name unless it was set on its own.
      return { ...s, adminUser, mfaDeviceName: s.mfaDeviceName === s.adminUser ? adminUser : s.mfaDeviceName };
    }
    case 'console-access':
      return { ...s, consoleAccess: await prompt.confirm({ message: `Give ${s.adminUser} a console password?`, default: s.consoleAccess }) };
    case 'access-key':
      return { ...s, accessKey: await prompt.confirm({ message: `Create an access key for ${s.adminUser}? (CIS advises none at initial setup)`, default: s.accessKey }) };
    default:
      return { ...s, mfa: await prompt.confirm({ message: `Enrol a virtual MFA device for ${s.adminUser} now?`, default: s.mfa }) };
  }
}
