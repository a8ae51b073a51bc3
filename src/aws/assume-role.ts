/** Acting in another account through sts:AssumeRole: audit --org, --security-hub-account, and the global --account. */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { RuntimeError } from '../errors.js';

/** The role AWS Organizations creates in the accounts it makes, assumable from the management account. */
export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole';

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Renew an assumed role's credentials at most this long before they expire, so no call is made with stale ones. */
const REFRESH_BEFORE_MS = 5 * 60_000;
/** A session with less than twice that left is renewed halfway through the time it had, not at once. */
const SHORT_SESSION_USE = 0.5;
/** By this machine's clock a new session must have at least this long left; less means the clock is wrong. */
const MIN_LIFETIME_MS = 60_000;

/** STS's session ends (by this machine's clock) before it could be used: the clock is wrong, not the role. */
export class SessionClockError extends RuntimeError {
  override readonly name = 'SessionClockError';
  constructor(roleArn: string, expiration: Date, now: Date) {
    const seconds = Math.round((expiration.getTime() - now.getTime()) / 1000);
    super(
      `sts:AssumeRole into ${roleArn} returned a session that expires at ${expiration.toISOString()}, ` +
        `${seconds < 0 ? `${-seconds} s before` : `${seconds} s after`} this machine's clock (${now.toISOString()}): ` +
        "this machine's clock is probably wrong.",
      'Set the system clock right (turn on automatic time / NTP), then run the command again.',
    );
  }
}

/** When a session that arrived at `now` should be renewed: five minutes before it ends, or halfway through a short one. */
function renewalTime(credentials: RoleCredentials, now: Date, roleArn: string): number {
  if (!credentials.expiration) return Number.POSITIVE_INFINITY;
  const left = credentials.expiration.getTime() - now.getTime();
  if (left < MIN_LIFETIME_MS) throw new SessionClockError(roleArn, credentials.expiration, now);
  return now.getTime() + Math.max(left - REFRESH_BEFORE_MS, left * SHORT_SESSION_USE);
}

/**
 * Credentials that renew themselves: the SDK calls this provider for every request and the role is assumed again
 * when the current session is about to expire, so a run may outlive one session. A session is used until it is
 * near its end by the time it had left when it arrived, so a short session (or a clock a few minutes off) does not
 * make every call assume the role again.
 */
export function assumedRoleCredentials(
  assume: () => Promise<RoleCredentials>,
  now: () => Date,
  first: RoleCredentials,
  roleArn = 'the role',
): () => Promise<RoleCredentials> {
  let current = first;
  let renewAt = renewalTime(first, now(), roleArn);
  let renewing: Promise<RoleCredentials> | undefined;
  return async () => {
    if (now().getTime() < renewAt) return current;
    renewing ??= assume()
      .then((fresh) => {
        renewAt = renewalTime(fresh, now(), roleArn);
        current = fresh;
        return fresh;
      })
      .finally(() => (renewing = undefined));
    return renewing;
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
  return assumedRoleCredentials(assume, now, await assume(), request.roleArn);
}
