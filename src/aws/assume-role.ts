/** Acting in another account through sts:AssumeRole: audit --org, --security-hub-account, and the global --account. */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';

/** The role AWS Organizations creates in the accounts it makes, assumable from the management account. */
export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole';

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Refresh an assumed role's credentials this long before they expire, so no call is made with stale ones. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * Credentials that renew themselves: the SDK calls this provider for every request and the role is assumed again
 * when the current session is about to expire, so a run may outlive one session.
 */
export function assumedRoleCredentials(
  assume: () => Promise<RoleCredentials>,
  now: () => Date,
  first: RoleCredentials,
): () => Promise<RoleCredentials> {
  let current = first;
  let renewing: Promise<RoleCredentials> | undefined;
  return async () => {
    const expiresSoon = current.expiration && current.expiration.getTime() - now().getTime() < REFRESH_BEFORE_MS;
    if (!expiresSoon) return current;
    renewing ??= assume().finally(() => (renewing = undefined));
    current = await renewing;
    return current;
  };
}

/**
 * Assumes `roleArn` once now (so a role that cannot be assumed fails at once, where the caller can say so) and
 * returns credentials that renew themselves.
 */
export async function assumeRole(
  sts: STSClient,
  request: { roleArn: string; sessionName: string; externalId?: string; durationSeconds: number },
  now: () => Date,
): Promise<() => Promise<RoleCredentials>> {
  const assume = async (): Promise<RoleCredentials> => {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.sessionName,
        DurationSeconds: request.durationSeconds,
        ...(request.externalId ? { ExternalId: request.externalId } : {}),
      }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`sts:AssumeRole returned no credentials for ${request.roleArn}`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  return assumedRoleCredentials(assume, now, await assume());
}
