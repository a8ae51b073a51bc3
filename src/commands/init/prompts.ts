/**
 * init's questions. The wizard asks only what has no safe default — the alias, the admin user's name and the
 * security contact (its email, and the phone number AWS requires with it) — and takes every other choice at its
 * recommended value; the operator sees the plan and may then change any step through `reviseSettings`.
 * With --yes nothing is asked.
 */
import type { Context } from '../../context.js';
import {
  checkAccountAlias,
  checkContactEmail,
  checkContactPhone,
  checkGroupName,
  checkLength,
  checkRegion,
  checkRoleName,
  checkUserName,
} from '../../lib/rules.js';
import type { PresetName } from '../../lib/password-policy.js';
import { DEFAULT_ANALYZER_NAME } from '../../steps/access-analyzer.js';
import type { SecurityContact } from '../../account/contacts.js';
import { defaultContactName } from '../../steps/security-contact.js';
import { DEFAULT_SUPPORT_ROLE } from '../../steps/support-role.js';
import { isSelected, type InitSettings, type StepId } from '../../steps/types.js';
import { DEFAULT_ADMIN_GROUP, type InitRequest } from './options.js';

const asValidator = (rule: (v: string) => string | undefined) => (v: string) => rule(v.trim()) ?? true;
const optional = (rule: (v: string) => string | undefined) => (v: string) => (v.trim() === '' ? true : asValidator(rule)(v));

/** What the account already has, so the wizard does not ask for what is there. */
export interface ExistingState {
  alias?: string;
  contact?: SecurityContact;
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

  // parseInitFlags guarantees an admin user (or --no-admin-user) with --yes.
  const withAdminUser = request.adminUser !== null;
  const adminUser = !withAdminUser
    ? ''
    : (request.adminUser ?? (await prompt.input({ message: 'Admin user name', default: 'admin', validate: asValidator(checkUserName) })).trim());

  let securityContact = request.securityContact ?? undefined;
  if (securityContact && ask && securityContact.email === undefined && !existing.contact && selected('security-contact')) {
    securityContact = await askContact(ctx, securityContact);
  }

  return {
    alias,
    replaceAlias,
    passwordPolicy: request.preset === null ? undefined : { preset: request.preset ?? 'cis', explicit: request.explicitPolicy },
    securityContact,
    supportRole: request.supportRole ?? undefined,
    accessAnalyzer: request.accessAnalyzer ?? undefined,
    adminGroup: request.adminGroup ?? DEFAULT_ADMIN_GROUP,
    adminPolicies: request.adminPolicies,
    requireMfa: request.requireMfa,
    centralizeRootAccess: request.centralizeRootAccess,
    removeRootCredentials: request.removeRootCredentials,
    withAdminUser,
    steps: request.steps,
    adminUser,
    tags: request.tags,
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
  switch (step) {
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
