/** Completes init's settings: flags first, then a prompt for each value they left open (none with --yes). */
import type { Context } from '../context.js';
import { checkAccountAlias, checkUserName, checkGroupName } from '../lib/rules.js';
import type { InitSettings } from '../steps/types.js';
import { DEFAULT_ADMIN_GROUP, type InitRequest } from './init-options.js';

const asValidator = (rule: (v: string) => string | undefined) => (v: string) => rule(v.trim()) ?? true;

export async function completeSettings(
  ctx: Context,
  request: InitRequest,
  existingAlias: string | undefined,
  password: string | undefined,
): Promise<InitSettings> {
  const ask = !request.yes;
  const { prompt } = ctx;

  let alias = request.alias ?? undefined;
  let replaceAlias = request.replaceAlias;
  if (request.alias === undefined && ask) {
    const answer = (
      await prompt.input({
        message: `Account alias for the sign-in URL${existingAlias ? '' : ' (empty: none)'}`,
        default: existingAlias ?? '',
        validate: (v) => (v.trim() === '' ? true : asValidator(checkAccountAlias)(v)),
      })
    ).trim();
    alias = answer || undefined;
    if (alias && existingAlias && alias !== existingAlias && !replaceAlias) {
      replaceAlias = await prompt.confirm({
        message: `Replace the alias "${existingAlias}" with "${alias}"? The sign-in URL changes.`,
        default: false,
      });
      if (!replaceAlias) alias = existingAlias;
    }
  }

  let preset = request.preset;
  if (preset === undefined) {
    preset = ask
      ? await prompt.select<'cis' | 'aws-default' | null>({
          message: 'Password policy',
          choices: [
            { name: 'CIS benchmark (14+ chars, all character classes, remember 24)', value: 'cis' },
            { name: 'AWS default (no custom policy)', value: 'aws-default' },
            { name: 'Leave the current policy alone', value: null },
          ],
          default: 'cis',
        })
      : 'cis';
  }

  const adminGroup =
    request.adminGroup ??
    (ask
      ? (await prompt.input({ message: 'Admin group name', default: DEFAULT_ADMIN_GROUP, validate: asValidator(checkGroupName) })).trim()
      : DEFAULT_ADMIN_GROUP);
  // parseInitFlags guarantees an admin user with --yes.
  const adminUser =
    request.adminUser ??
    (await prompt.input({ message: 'Admin user name', default: 'admin', validate: asValidator(checkUserName) })).trim();
  const consoleAccess =
    request.consoleAccess ??
    (ask ? await prompt.confirm({ message: `Give ${adminUser} a console password?`, default: true }) : true);
  const accessKey =
    request.accessKey ??
    (ask
      ? await prompt.confirm({ message: `Create an access key for ${adminUser}? (CIS advises none at initial setup)`, default: false })
      : false);
  const mfa =
    request.mfa ?? (ask ? await prompt.confirm({ message: `Enrol a virtual MFA device for ${adminUser} now?`, default: true }) : true);

  return {
    alias,
    replaceAlias,
    passwordPolicy: preset ? { preset, explicit: request.explicitPolicy } : undefined,
    adminGroup,
    adminPolicies: request.adminPolicies,
    requireMfa: request.requireMfa,
    adminUser,
    tags: request.tags,
    consoleAccess,
    password,
    passwordResetRequired: request.passwordResetRequired,
    accessKey,
    credentialsFile: request.credentialsFile,
    mfa,
    mfaDeviceName: request.mfaDeviceName ?? adminUser,
    qrPng: request.qrPng,
    mfaSecretFile: request.mfaSecretFile,
  };
}
