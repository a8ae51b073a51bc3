import { ListMFADevicesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { codeForStep, timeStepAt } from '../../src/lib/totp.js';
import { CLI, cliEnv, freshAccount, iamFor, motoUrl, noMoto, workDir } from './support/moto.js';
import { hasTmux, TmuxSession } from './support/tmux.js';

if (!hasTmux && process.env.CI === 'true') throw new Error('tmux is missing, and CI=true: the terminal test must not be skipped in CI.');

describe.skipIf(noMoto || !hasTmux)('the interactive wizard in a real terminal', () => {
  let session: TmuxSession | undefined;
  afterEach(() => session?.kill());

  it('walks through the prompts, draws a QR code that fits 80 columns, and enrols MFA with codes from the shown secret', async () => {
    const creds = await freshAccount();
    const dir = workDir();
    session = TmuxSession.start(dir, [process.execPath, CLI, 'init', '--endpoint-url', motoUrl], { ...cliEnv(creds), TERM: 'xterm-256color' }, 80);
    const s = session;

    await s.waitFor(/Account alias for the sign-in URL/);
    s.type('pty-test');
    await s.waitFor(/Password policy/);
    s.type(''); // the default: CIS
    await s.waitFor(/Admin group name/);
    s.type('');
    await s.waitFor(/Admin user name/);
    s.type('dave');
    await s.waitFor(/Give dave a console password\?/);
    s.type('');
    await s.waitFor(/Create an access key for dave\?/);
    s.type('');
    await s.waitFor(/Enrol a virtual MFA device for dave now\?/);
    s.type('');
    await s.waitFor(/Plan[\s\S]*Apply these changes\?/);
    s.type('');

    const [, grouped] = await s.waitFor(/secret key:\n((?:\s+[A-Z2-7 ]+\n)+)/);
    const secret = (grouped as string).replace(/\s/g, '');
    const screen = s.screen();
    const qrLines = screen.split('\n').filter((l) => /[█▀▄]/.test(l));
    expect(qrLines.length).toBeGreaterThan(10);
    expect(Math.max(...qrLines.map((l) => l.length))).toBeLessThanOrEqual(80);

    await s.waitFor(/First MFA code from the app/);
    s.type('000000'); // a typo first
    await s.waitFor(/That code is not valid for this device right now/);
    const step = timeStepAt(new Date());
    s.type(await codeForStep(secret, step - 1));
    await s.waitFor(/Next MFA code/);
    s.type(await codeForStep(secret, step));

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
