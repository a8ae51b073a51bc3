/**
 * Where EnableMFADevice's two codes come from (aws-vault's pattern): the operator at a terminal, or the seed
 * itself for scripted enrolment. Tests supply a third kind.
 */
import type { Clock } from '../context.js';
import { RuntimeError } from '../errors.js';
import type { Output } from '../io/output.js';
import type { Prompter } from '../io/prompter.js';
import { drawQr, qrModules, visibleWidth } from '../io/qr.js';
import { codeForStep, groupSecret, matchCode, MFA_ISSUER, timeStepAt } from '../lib/totp.js';
import type { MfaCodeProvider } from '../steps/types.js';

const TRIES = 3;

/**
 * Scripted enrolment (--mfa-secret-file): the previous and the current code. Both have already been shown
 * by any authenticator app, so AWS sees two consecutive codes without this run waiting for the next step.
 */
export function seedMfaCodes(clock: Clock): MfaCodeProvider {
  return async ({ secret }) => {
    const step = timeStepAt(clock.now());
    return { code1: await codeForStep(secret, step - 1), code2: await codeForStep(secret, step) };
  };
}

/**
 * The QR code with what to do beside it when the terminal is wide enough (so code, secret and prompt fit 80×24),
 * else above it. `colour`: whether colours may be used (not --color never, not NO_COLOR).
 */
export function enrolmentScreen(uri: string, secret: string, userName: string, colour: boolean, columns: number | undefined): string {
  const qr = drawQr(qrModules(uri), colour);
  const width = visibleWidth(qr[0] ?? '');
  const gap = 2;
  const side = [
    'Scan this QR code with an',
    'authenticator app for',
    `${userName}.`,
    '',
    `Or add it by hand: issuer`,
    `"${MFA_ISSUER}", time-based, secret key:`,
    ...groupSecret(secret, 4).split('\n').map((l) => `  ${l}`),
  ];
  const sideWidth = Math.max(...side.map((l) => l.length));
  if (columns !== undefined && width + gap + sideWidth <= columns && side.length <= qr.length) {
    return qr.map((line, i) => `${line}${side[i] !== undefined ? ' '.repeat(gap) + side[i] : ''}`).join('\n');
  }
  return [
    `Scan this QR code with an authenticator app for ${userName}:`,
    ...qr,
    `Or add it by hand: issuer "${MFA_ISSUER}", time-based, secret key:`,
    groupSecret(secret).replace(/^/gm, '  '),
  ].join('\n');
}

/** Interactive enrolment: QR code and grouped secret on the terminal, then two codes checked locally. */
export function terminalMfaCodes(prompt: Prompter, out: Output, clock: Clock, signal?: AbortSignal): MfaCodeProvider {
  return async ({ secret, uri, userName }) => {
    // No blank lines around it: code, secret and the prompt below must fit 24 rows.
    prompt.showSensitive(enrolmentScreen(uri, secret, userName, out.colorAllowed, prompt.terminalSize().columns));
    const first = await askCode(prompt, out, clock, signal, secret, 'First MFA code from the app');
    const second = await askCode(prompt, out, clock, signal, secret, 'Next MFA code (wait for the app to show a new one)', first);
    return { code1: first.code, code2: second.code };
  };
}

async function askCode(
  prompt: Prompter,
  out: Output,
  clock: Clock,
  signal: AbortSignal | undefined,
  secret: string,
  message: string,
  previous?: { code: string; step: number },
): Promise<{ code: string; step: number }> {
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    const code = (
      await prompt.input({
        message: attempt === 1 ? message : `${message} (try ${attempt} of ${TRIES})`,
        validate: (v) => (/^\s*\d{6}\s*$/.test(v) ? true : 'Enter the 6 digits the app shows.'),
        signal,
      })
    ).trim();
    if (previous && code === previous.code) {
      out.warn('That is the same code as before. Wait until the app shows the next one.');
      continue;
    }
    const step = await matchCode(secret, code, clock.now(), previous?.step);
    if (step !== undefined && (!previous || step === previous.step + 1)) return { code, step };
    out.warn(
      previous
        ? 'That is not the code that follows the first one. Enter the next code the app shows.'
        : 'That code is not valid for this device right now. Check that you scanned the new QR code and that the phone clock is right.',
    );
  }
  throw new RuntimeError(
    `the MFA codes did not match after ${TRIES} tries; the MFA device was not enabled and has been removed.`,
    'Check the phone clock (automatic time), then run init again to enrol a new device.',
  );
}
