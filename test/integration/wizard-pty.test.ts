import { AccountClient, PutAlternateContactCommand } from '@aws-sdk/client-account';
import { ListMFADevicesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { IdentitystoreClient, ListUsersCommand as ListSsoUsersCommand } from '@aws-sdk/client-identitystore';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { afterEach, describe, expect, it } from 'vitest';
import { codeForStep, timeStepAt } from '../../src/lib/totp.js';
import { CLI, cliEnv, createOrganization, freshAccount, iamFor, motoUrl, noMoto, workDir } from './support/moto.js';
import { captureWithColours, DARK, hasZbar, LIGHT, readQr } from './support/terminal-image.js';
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
    await s.waitFor(/Monthly cost budget in USD/);
    answer('100');
    // Every other choice at its recommended value, in the plan: then one question.
    const plan = await s.waitFor(/Plan[\s\S]*Apply these changes\?/);
    for (const step of ['Password policy', 'Security contact', 'Support role', 'Access Analyzer', 'S3 Block Public Access', 'Cost budget', 'Admin group', 'Admin user', 'Console access', 'MFA device']) {
      expect(plan[0]).toContain(step);
    }
    answer(''); // Apply, the default

    // The secret, as a person types it from beside the code: four groups a line under "secret key:".
    await s.waitFor(/First MFA code from the app/);
    const screen = s.screen();
    const beside = screen.split('\n').map((l) => /▀ {2,}((?:[A-Z2-7]{4} ?){1,4})$/.exec(l.trimEnd())?.[1]).filter(Boolean);
    const secret = beside.join('').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
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

  it('in a management account with Identity Center: the operator picks it and gives email and user name, in at most 6 inputs', async () => {
    const creds = await freshAccount();
    await createOrganization(creds, ['pty-member']);
    const config = { region: 'us-east-1', endpoint: motoUrl, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken } };
    // The account has its security contact already, so the wizard does not ask for one.
    const account = new AccountClient(config);
    await account.send(new PutAlternateContactCommand({ AlternateContactType: 'SECURITY', EmailAddress: 'security@example.com', Name: 'Security', PhoneNumber: '+1 206 555 0100', Title: 'Security' }));
    account.destroy();
    const dir = workDir();
    session = TmuxSession.start(dir, [process.execPath, CLI, 'init', '--endpoint-url', motoUrl], { ...cliEnv(creds), TERM: 'xterm-256color' }, 80);
    const s = session;
    let inputs = 0;
    const answer = (text: string) => {
      inputs += 1;
      s.type(text);
    };

    await s.waitFor(/Account alias for the sign-in URL/);
    answer('pty-org');
    const question = await s.waitFor(/How will administrators sign in\?[\s\S]*An IAM user with a password and MFA/);
    expect(question[0]).toMatch(/IAM Identity Center \(recommended/);
    answer(''); // Identity Center, the default where an organization instance exists
    await s.waitFor(/Administrator's email/);
    answer('ana.silva@example.com');
    await s.waitFor(/Identity Center user name/);
    answer(''); // ana.silva, from the email
    await s.waitFor(/Monthly cost budget in USD/);
    answer(''); // no budget
    const plan = await s.waitFor(/Plan[\s\S]*Apply these changes\?/);
    for (const step of ['Identity Center group', 'Identity Center user', 'Permission set', 'Account assignment']) expect(plan[0]).toContain(step);
    answer('');
    const done = await s.waitFor(/EXIT=(\d+)/, 30_000);
    expect(done[1], s.screen()).toBe('0');
    expect(inputs).toBeLessThanOrEqual(6);
    expect(s.screen()).toMatch(/Access portal: +https:\/\/d-[0-9a-z]+\.awsapps\.com\/start/);

    const sso = new SSOAdminClient(config);
    const store = new IdentitystoreClient(config);
    const IdentityStoreId = (await sso.send(new ListInstancesCommand({}))).Instances?.[0]?.IdentityStoreId;
    const users = (await store.send(new ListSsoUsersCommand({ IdentityStoreId }))).Users ?? [];
    expect(users.map((u) => [u.UserName, u.Emails?.[0]?.Value, u.DisplayName])).toEqual([['ana.silva', 'ana.silva@example.com', 'Ana Silva']]);
    expect((await iamFor(creds).send(new ListUsersCommand({}))).Users).toEqual([]);
    sso.destroy();
    store.destroy();
  });

  it('in an 80×24 terminal the whole QR code and the code prompt are on screen at once, and it scans on dark and light themes', async () => {
    if (!hasZbar && process.env.CI === 'true') throw new Error('zbarimg is missing, and CI=true (.ci/run installs zbar-tools)');
    const creds = await freshAccount();
    const dir = workDir();
    session = TmuxSession.start(
      dir,
      [process.execPath, CLI, 'init', '--alias', 'qr-test', '--admin-user', 'erin', '--no-security-contact', '--no-budget', '--endpoint-url', motoUrl],
      { ...cliEnv(creds), TERM: 'xterm-256color' },
      80,
      24,
    );
    const s = session;
    await s.waitFor(/Apply these changes\?/);
    s.type('');
    await s.waitFor(/First MFA code from the app/);
    const screen = captureWithColours(s.name);
    const rows = screen.replace(/\n$/, '').split('\n');
    expect(rows.length).toBeLessThanOrEqual(24);
    // The whole code is on screen: its quiet zone's top and bottom rows (all half blocks) and the prompt below.
    const qrRows = rows.filter((l) => l.includes('▀'));
    expect(qrRows.length).toBeGreaterThanOrEqual(15);
    // eslint-disable-next-line no-control-regex -- colour codes do not take a column
    const plain = rows.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
    const first = plain.findIndex((l) => l.includes('▀'));
    expect(plain[first]).toMatch(/^▀{43}/);
    expect(plain.findIndex((l) => /First MFA code from the app/.test(l))).toBeGreaterThan(first + qrRows.length - 1);
    expect(Math.max(...plain.map((l) => l.length))).toBeLessThanOrEqual(80);
    if (!hasZbar) return;
    const dark = readQr(screen, DARK, dir);
    const light = readQr(screen, LIGHT, dir);
    expect(dark).toMatch(/^otpauth:\/\/totp\/AWS:erin@qr-test\?secret=[A-Z2-7]{32,}&issuer=AWS$/);
    expect(light).toBe(dark);
    // The secret beside the code is the one in it; enrol with codes from it.
    const secret = /secret=([A-Z2-7]+)/.exec(dark ?? '')?.[1] ?? '';
    expect(plain.join('\n').replace(/[^A-Z2-7\n ]/g, ' ')).toContain(secret.slice(0, 4));
    const step = timeStepAt(new Date());
    s.type(await codeForStep(secret, step - 1));
    await s.waitFor(/Next MFA code/);
    s.type(await codeForStep(secret, step));
    const done = await s.waitFor(/EXIT=(\d+)/, 30_000);
    expect(done[1], s.screen()).toBe('0');
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
