/** What "converged" means after init, read back from moto: the state and where every live secret is. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { parseCsvLine } from '../../../src/account/credential-report.js';
import type { FaultProxy } from './fault-proxy.js';

export interface AccountState {
  users: string[];
  loginProfile: boolean;
  keys: string[];
  mfa: string[];
  unassigned: string[];
  tags: { Key?: string; Value?: string }[];
}

export async function accountState(iam: IAMClient, user = 'alice'): Promise<AccountState> {
  const users = ((await iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName ?? '');
  const exists = users.includes(user);
  const loginProfile = exists && (await iam.send(new GetLoginProfileCommand({ UserName: user })).then(() => true, () => false));
  return {
    users,
    loginProfile,
    keys: exists ? ((await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? '') : [],
    mfa: exists ? ((await iam.send(new ListMFADevicesCommand({ UserName: user }))).MFADevices ?? []).map((d) => d.SerialNumber ?? '') : [],
    unassigned: ((await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }))).VirtualMFADevices ?? []).map(
      (d) => d.SerialNumber ?? '',
    ),
    tags: exists ? ((await iam.send(new GetUserCommand({ UserName: user }))).User?.Tags ?? []) : [],
  };
}

/** Every row of every credentials CSV in `dir`: [user, password, key id, secret, link]. */
export function credentialRows(dir: string): { file: string; password: string; keyId: string; secret: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((line) => {
          const [, password = '', keyId = '', secret = ''] = parseCsvLine(line);
          return { file: f, password, keyId, secret };
        }),
    );
}

/**
 * The user's live console password and the secrets of its live keys, from what moto applied as recorded by the
 * proxy every run went through (no AWS API returns a secret after creation; moto's own state dump is too slow).
 */
export function liveSecrets(proxy: FaultProxy, keyIds: string[], user = 'alice'): { password?: string; keys: { id: string; secret: string }[] } {
  const applied = proxy.exchanges.filter((e) => e.status === 200 && new URLSearchParams(e.request).get('UserName') === user);
  const password = applied
    .filter((e) => e.operation === 'CreateLoginProfile' || e.operation === 'UpdateLoginProfile')
    .map((e) => new URLSearchParams(e.request).get('Password') ?? undefined)
    .pop();
  const created = applied
    .filter((e) => e.operation === 'CreateAccessKey')
    .map((e) => ({
      id: /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(e.response)?.[1] ?? '',
      secret: /<SecretAccessKey>([^<]+)<\/SecretAccessKey>/.exec(e.response)?.[1] ?? '',
    }));
  return { password, keys: keyIds.map((id) => created.find((k) => k.id === id) ?? { id, secret: '(created outside the proxy)' }) };
}

/**
 * The live password and every live key's secret, each found in a credentials file this tool wrote in `dir`.
 * Returns what is missing (empty when every live secret has a holder).
 */
export function secretsWithoutFile(proxy: FaultProxy, dir: string, state: AccountState, user = 'alice'): string[] {
  const live = liveSecrets(proxy, state.keys, user);
  const rows = credentialRows(dir);
  const missing: string[] = [];
  if (state.loginProfile && !rows.some((r) => r.password === live.password)) missing.push('the console password');
  for (const key of live.keys) if (!rows.some((r) => r.keyId === key.id && r.secret === key.secret)) missing.push(`access key ${key.id}`);
  return missing;
}
