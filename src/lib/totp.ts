/**
 * Virtual MFA: AWS's seed bytes, the otpauth URI an authenticator app scans, and the local code checks done
 * before EnableMFADevice (so a typo costs a retry, not an AWS error).
 */
import { generate, verify } from 'otplib';

/** The issuer an authenticator app shows; short, because every byte of the URI grows the QR code. */
export const MFA_ISSUER = 'AWS';
const PERIOD_SECONDS = 30;

/** CreateVirtualMFADevice's Base32StringSeed holds the base32 *text* as bytes, not the raw key. */
export function decodeSeed(seedBytes: Uint8Array): string {
  // latin1, not ascii: ascii would mask the high bit and let binary bytes pass as letters.
  const text = Buffer.from(seedBytes).toString('latin1').replace(/=+$/, '');
  if (!/^[A-Z2-7]+$/.test(text)) throw new Error('the MFA seed AWS returned is not base32 text');
  return text;
}

/**
 * The key URI an authenticator app scans: `otpauth://totp/AWS:<user>@<alias-or-account>?secret=…&issuer=AWS`.
 * AWS's console writes "Amazon Web Services" in full; the short issuer and the label's ":" and "@" left as they
 * are (a path may hold them) keep a typical URI within the QR version that fits an 80×24 terminal.
 */
export function otpauthUri(secret: string, userName: string, accountLabel: string): string {
  const label = encodeURIComponent(`${MFA_ISSUER}:${userName}@${accountLabel}`).replace(/%3A/g, ':').replace(/%40/g, '@');
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(MFA_ISSUER)}`;
}

/** "ABCD EFGH IJKL ..." for typing the secret into an app by hand; eight groups a line fit any terminal. */
export function groupSecret(secret: string, groupsPerLine = 8): string {
  const groups = secret.match(/.{1,4}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += groupsPerLine) lines.push(groups.slice(i, i + groupsPerLine).join(' '));
  return lines.join('\n');
}

export function timeStepAt(date: Date): number {
  return Math.floor(date.getTime() / 1000 / PERIOD_SECONDS);
}

/** The 6-digit code for a given 30-second time step. */
export async function codeForStep(secret: string, step: number, digits = 6): Promise<string> {
  return generate({ secret, epoch: step * PERIOD_SECONDS, digits });
}

/**
 * Checks a code typed at `now`: valid within the current step ±1 (clock drift, slow typing), and when
 * `after` is given only a step after it — the second of two consecutive codes. Returns the matched step.
 */
export async function matchCode(
  secret: string,
  code: string,
  now: Date,
  after?: number,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: PERIOD_SECONDS,
    ...(after !== undefined ? { afterTimeStep: after } : {}),
  });
  // verify() serves HOTP too; for TOTP a valid result carries the matched timeStep.
  return result.valid ? (result as { timeStep?: number }).timeStep : undefined;
}
