import type { AccountIdentity, InitSettings, MfaCodeProvider, StepContext } from '../../src/steps/types.js';
import { DEFAULT_ADMIN_POLICY } from '../../src/commands/init-options.js';
import { fakeAws, type FakeAccount } from './fake-aws.js';
import { ScriptedPrompter } from './scripted-prompter.js';
import { testContext } from './context.js';

export const ROOT_IDENTITY: AccountIdentity = {
  accountId: '111122223333',
  callerArn: 'arn:aws:iam::111122223333:root',
  isRoot: true,
  partition: 'aws',
  organization: { role: 'none' },
};

export function settings(overrides: Partial<InitSettings> = {}): InitSettings {
  return {
    alias: 'acme-prod',
    replaceAlias: false,
    passwordPolicy: { preset: 'cis', explicit: {} },
    adminGroup: 'Administrators',
    adminPolicies: [DEFAULT_ADMIN_POLICY],
    requireMfa: true,
    adminUser: 'alice',
    tags: [],
    consoleAccess: true,
    passwordResetRequired: false,
    accessKey: false,
    mfa: true,
    mfaDeviceName: 'alice',
    ...overrides,
  };
}

export function stepContext(account: FakeAccount, overrides: Partial<InitSettings> = {}, mfaCodes?: MfaCodeProvider) {
  const { clients } = fakeAws(account);
  const { ctx } = testContext(clients, new ScriptedPrompter([]));
  const stepCtx: StepContext = {
    ...ctx,
    settings: settings(overrides),
    account: ROOT_IDENTITY,
    mfaCodes: mfaCodes ?? (async () => ({ code1: '123456', code2: '654321' })),
  };
  return stepCtx;
}
