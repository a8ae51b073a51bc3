import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import type { ReservedFile } from '../../src/context.js';
import { CredentialVault } from '../../src/credentials/vault.js';
import type { AccountIdentity } from '../../src/account/identity.js';
import { enabledRegions } from '../../src/account/regions.js';
import type { InitSettings, MfaCodeProvider, StepContext } from '../../src/steps/types.js';
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
    requireMfa: true,
    admin: 'iam-user',
    breakGlass: false,
    withAdminUser: true,
    steps: { skip: [] },
    centralizeRootAccess: false,
    removeRootCredentials: false,
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

/** A reservation as init makes one (empty, 0600, created exclusively), made synchronously for step tests. */
export function reservedFile(path: string): ReservedFile {
  closeSync(openSync(path, 'wx', 0o600));
  let filled = false;
  return {
    path,
    get filled() {
      return filled;
    },
    async fill(data) {
      writeFileSync(path, data, { mode: 0o600 });
      filled = true;
    },
    async discard() {
      rmSync(path, { force: true });
    },
  };
}

/** A step's context over a fake account; the files the settings name are reserved, as init would. */
export function stepContext(account: FakeAccount, overrides: Partial<InitSettings> = {}, mfaCodes?: MfaCodeProvider) {
  const { clients } = fakeAws(account);
  const { ctx } = testContext(clients, new ScriptedPrompter([]));
  const s = settings(overrides);
  const stepCtx: StepContext & { vault: CredentialVault } = {
    ...ctx,
    settings: s,
    account: ROOT_IDENTITY,
    mfaCodes: mfaCodes ?? (async () => ({ code1: '123456', code2: '654321' })),
    files: {
      credentials: s.credentialsFile ? reservedFile(s.credentialsFile) : undefined,
      mfaSecret: s.mfaSecretFile ? reservedFile(s.mfaSecretFile) : undefined,
      qrPng: s.qrPng ? reservedFile(s.qrPng) : undefined,
    },
    vault: new CredentialVault(ctx.secrets),
    stop: new AbortController().signal,
    regions: () => enabledRegions({ clients }),
  };
  return stepCtx;
}
