import { ListMFADevicesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { codeForStep, timeStepAt } from '../../src/lib/totp.js';
import { CLI, cliEnv, freshAccount, iamFor, motoUrl, noMoto, workDir } from './support/moto.js';
import { hasTmux, TmuxSession } from './support/tmux.js';

if (!hasTmux && process.env.CI === 'true') throw new Error('tmux is missing, and CI=true: the terminal test must not be skipped in CI.');

describe.skipIf(noMoto || !hasTmux)('the interactive wizard in a real terminal', () => {
  let session: TmuxSession | undefined;
  afterEach(() => session?.kill());

  it('asks only what has no safe default: a whole bootstrap in at most 8 inputs, with a QR code that fits 80 columns', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    session = TmuxSession.start(dir, [process.execPath, CLI, 'init', '--endpoint-url', motoUrl], { ...cliEnv(creds), TERM: 'xterm-256color' }, 80);
    const s = session;
    let inputs = 0;
    const answer = (text: string) => {
      inputs += 1;
      s.type(text);
    };

    await s.waitFor(/Account alias for the sign-in URL/);
    answer('pty-test');
    await s.waitFor(/Admin user name/);
    answer('dave');
    await s.waitFor(/Security contact email/);
    answer('security@example.com');
    await s.waitFor(/Security contact phone/);
    answer('+1 206 555 0100');
    // Every other choice at its recommended value, in the plan: then one question.
    const plan = await s.waitFor(/Plan[\s\S]*Apply these changes\?/);
    for (const step of ['Password policy', 'Security contact', 'Support role', 'Access Analyzer', 'Admin group', 'Admin user', 'Console access', 'MFA device']) {
      expect(plan[0]).toContain(step);
    }
    answer(''); // Apply, the default

    const [, grouped] = await s.waitFor(/secret key:\n((?:\s+[A-Z2-7 ]+\n)+)/);
    const secret = (grouped as string).replace(/\s/g, '');
    const screen = s.screen();
    const qrLines = screen.split('\n').filter((l) => /[█▀▄]/.test(l));
    expect(qrLines.length).toBeGreaterThan(10);
    expect(Math.max(...qrLines.map((l) => l.length))).toBeLessThanOrEqual(80);

    await s.waitFor(/First MFA code from the app/);
    const step = timeStepAt(new Date());
    answer(await codeForStep(secret, step - 1));
    await s.waitFor(/Next MFA code/);
    answer(await codeForStep(secret, step));
    expect(inputs).toBeLessThanOrEqual(8);

    const done = await s.waitFor(/EXIT=(\d+)/, 30_000);
    expect(done[1], s.screen()).toBe('0');
    expect(s.screen()).toContain('https://pty-test.signin.aws.amazon.com/console');

    const iam = iamFor(creds);
    expect((await iam.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName)).toEqual(['dave']);
    expect((await iam.send(new ListMFADevicesCommand({ UserName: 'dave' }))).MFADevices).toHaveLength(1);
  });

  it('exits 130 on Ctrl-C at a prompt, having changed nothing', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    session = TmuxSession.start(dir, [process.execPath, CLI, 'init', '--endpoint-url', motoUrl], { ...cliEnv(creds), TERM: 'xterm-256color' });
    await session.waitFor(/Account alias for the sign-in URL/);
    const { execFileSync } = await import('node:child_process');
    execFileSync('tmux', ['send-keys', '-t', session.name, 'C-c']);
    const done = await session.waitFor(/EXIT=(\d+)/);
    expect(done[1]).toBe('130');
    expect((await iamFor(creds).send(new ListUsersCommand({}))).Users).toEqual([]);
  });
});
