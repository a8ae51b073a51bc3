import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInit } from '../../../../src/commands/init/index.js';
import { parseInitFlags, type InitFlags } from '../../../../src/commands/init/options.js';
import { AbortError, RuntimeError, UsageError } from '../../../../src/errors.js';
import { codeForStep, timeStepAt } from '../../../../src/lib/totp.js';
import { CSV_HEADER } from '../../../../src/lib/credentials-csv.js';
import { FakeAccount, fakeAws, mutatingCalls, SEED } from '../../../support/fake-aws.js';
import { CTRL_C, ScriptedPrompter, type Answer } from '../../../support/scripted-prompter.js';
import { FakeClock, tempDir, testContext } from '../../../support/context.js';

const clock = () => new FakeClock(NOW);

/** Steps that act only with their own flags, in an Organization (--centralize-root-access, --remove-root-credentials). */
/** Skipped on this path: the Organization's root steps (not asked for) and the Identity Center ones (IAM user admin). */
const ORGANIZATION_STEPS = ['root-access', 'root-credentials', 'sso-admin-group', 'sso-admin-user', 'permission-set', 'account-assignment'];

const NOW = new Date('2026-06-01T12:00:10Z');

function setup(flags: InitFlags, answers: Answer[] = [], opts: { stdin?: string; json?: boolean } = {}) {
  const account = new FakeAccount();
  const { clients } = fakeAws(account);
  const prompt = new ScriptedPrompter(answers);
  const c = clock();
  const t = testContext(clients, prompt, { clock: c, stdin: opts.stdin, json: opts.json });
  const request = parseInitFlags(flags, (n) => flags[n] !== undefined);
  return { account, prompt, clock: c, ...t, request };
}

/** Reads the secret the wizard showed the operator, as a person would from the screen. */
function secretShown(prompt: ScriptedPrompter): string {
  const m = /secret key:\n((?:[ \t]+[A-Z2-7 ]+(?:\n|$))+)/.exec(prompt.shown.join('\n'));
  if (!m?.[1]) throw new Error('no secret shown');
  return m[1].replace(/\s/g, '');
}

/** An answer that types the code an authenticator app shows for the displayed secret, `offset` steps from now. */
const appCode = (prompt: () => ScriptedPrompter, offset: number) => () =>
  codeForStep(secretShown(prompt()), timeStepAt(NOW) + offset);

describe('init wizard', () => {
  it('asks only what has no safe default, shows the plan once, applies, and enrols MFA with codes from the shown secret', async () => {
    const cwd = tempDir();
    const s = setup({}, [
      'acme-prod', // alias
      'alice', // admin user
      'security@example.com', // security contact
      '+1 206 555 0100', // its phone, which AWS requires
      '100', // a monthly budget, emailed to the security contact
      'apply',
    ]);
    s.prompt.then(appCode(() => s.prompt, 0), appCode(() => s.prompt, 1));
    const result = await runInit(s.ctx, s.request, { stdinIsTty: true, cwd });

    // A whole bootstrap in 8 answers; everything else at its recommended value.
    expect(s.prompt.asked).toEqual([
      'Account alias for the sign-in URL (empty: none)',
      'Admin user name',
      'Security contact email, for AWS to reach about security issues (empty: none)',
      'Security contact phone (AWS requires one): digits, spaces, + - ( )',
      'Monthly cost budget in USD, emailed at 80% and 100% of spend and 100% of forecast (empty: none)',
      'Apply these changes?',
      'First MFA code from the app',
      'Next MFA code (wait for the app to show a new one)',
    ]);
    expect(s.account.contacts.get('SECURITY')).toMatchObject({ EmailAddress: 'security@example.com', Name: 'security', Title: 'Security', PhoneNumber: '+1 206 555 0100' });
    expect(s.account.roles.get('AWSSupportRole')?.attached).toEqual(new Set(['arn:aws:iam::aws:policy/AWSSupportAccess']));
    expect([...s.account.analyzers.keys()].sort()).toEqual(['eu-west-1', 'us-east-1']);
    // The account defaults, in every enabled region, without a question; the budget emails the security contact.
    expect(s.account.defaults.s3Block).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    for (const region of ['eu-west-1', 'us-east-1']) {
      expect(s.account.defaults.region(region)).toMatchObject({ ebsEncryption: true, snapshotBlock: 'block-all-sharing', imageBlock: 'block-new-sharing', imds: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } });
    }
    const budget = s.account.defaults.budgets.get('iam-bootstrap-monthly');
    expect(budget?.budget.BudgetLimit?.Amount).toBe('100.0');
    expect(budget?.notifications.map((n) => [n.notification.NotificationType, n.notification.Threshold, n.subscribers[0]?.Address])).toEqual([
      ['ACTUAL', 80, 'security@example.com'],
      ['ACTUAL', 100, 'security@example.com'],
      ['FORECASTED', 100, 'security@example.com'],
    ]);
    // No trail without --cloudtrail: its storage costs money.
    expect(s.account.defaults.trails).toEqual([]);
    expect(s.account.policy?.MinimumPasswordLength).toBe(14);
    expect(s.account.alias).toBe('acme-prod');
    expect(s.account.groups.has('Administrators')).toBe(true);
    expect(s.account.users.get('alice')?.mfa).toEqual(['arn:aws:iam::111122223333:mfa/alice']);
    expect(result.signInUrl).toBe('https://acme-prod.signin.aws.amazon.com/console');
    expect(result.nextSteps.map((n) => n.id)).toEqual(['root-mfa', 'billing-access', 'sign-in-as-admin']);
    // The QR code and the secret went only to the operator's terminal, never to stdout/stderr.
    expect(s.prompt.shown.join('')).toContain('▄');
    const printed = s.stdout.join('') + s.stderr.join('');
    expect(printed).not.toContain(SEED);
    const password = s.account.users.get('alice')?.loginProfile?.password ?? '';
    expect(printed).not.toContain(password);
    // The password went to a 0600 CSV in the console's format.
    const file = join(cwd, 'iam-bootstrap-111122223333-alice-credentials.csv');
    expect(result.credentialsFile).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${CSV_HEADER}\nalice,${csvField(password)},,,https://acme-prod.signin.aws.amazon.com/console\n`);
  });

  it('"change something" lets the operator pick a step, answer its questions, and see the plan again', async () => {
    const s = setup({ alias: 'acme', adminUser: 'alice', mfa: false, securityContact: false, budget: false }, [
      'change',
      'access-key', // which step
      true, // create one
      'change',
      'access-analyzer',
      'us-east-1', // only this region
      'apply',
    ]);
    await runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() });
    expect(s.prompt.asked.filter((q) => q === 'Apply these changes?')).toHaveLength(3);
    expect(s.stderr.join('').match(/^Plan/gm)).toHaveLength(3);
    expect(s.account.users.get('alice')?.keys).toHaveLength(1);
    expect([...s.account.analyzers.keys()]).toEqual(['us-east-1']);
  });

  it('says when an MFA code is wrong, asks again, and enables the device with the right ones', async () => {
    const s = setup({ alias: 'acme', adminUser: 'alice', passwordPolicy: 'cis', adminGroup: 'Administrators', accessKey: false, consoleAccess: false, mfa: true, securityContact: false, budget: false }, ['apply']);
    s.prompt.then(
      '000000',
      appCode(() => s.prompt, 0),
      appCode(() => s.prompt, 0), // the same code again: must wait for the next one
      appCode(() => s.prompt, 1),
    );
    await runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() });
    expect(s.stderr.join('')).toContain('That code is not valid for this device right now');
    expect(s.stderr.join('')).toContain('That is the same code as before');
    expect(s.account.users.get('alice')?.mfa).toHaveLength(1);
  });

  it('gives up after three wrong codes, removes the device and exits with a runtime error', async () => {
    const s = setup({ alias: 'acme', adminUser: 'alice', passwordPolicy: 'cis', adminGroup: 'Administrators', accessKey: false, consoleAccess: false, mfa: true, securityContact: false, budget: false }, [
      'apply',
      '111111',
      '222222',
      '333333',
    ]);
    await expect(runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() })).rejects.toThrow(RuntimeError);
    expect(s.account.devices.size).toBe(0);
    expect(s.account.users.get('alice')?.mfa).toEqual([]);
  });

  it('exits 130 on Ctrl-C at a prompt before the plan, having changed nothing', async () => {
    const s = setup({}, ['acme', CTRL_C]);
    const err = await runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).exitCode).toBe(130);
    expect(mutatingCalls(s.account)).toEqual([]);
  });

  it('exits 130 when the plan is declined, having changed nothing', async () => {
    const s = setup({ alias: 'acme', adminUser: 'alice', passwordPolicy: 'cis', adminGroup: 'Administrators', accessKey: false, mfa: false, consoleAccess: true, securityContact: false, budget: false }, ['cancel']);
    await expect(runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() })).rejects.toThrow(/Cancelled: nothing was changed/);
    expect(mutatingCalls(s.account)).toEqual([]);
  });

  it('removes the half-made MFA device on Ctrl-C at the code prompt; everything else stays done', async () => {
    const s = setup({ alias: 'acme', adminUser: 'alice', passwordPolicy: 'cis', adminGroup: 'Administrators', accessKey: false, consoleAccess: false, mfa: true, securityContact: false, budget: false }, ['apply', CTRL_C]);
    await expect(runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() })).rejects.toBeInstanceOf(AbortError);
    expect(s.account.devices.size).toBe(0);
    expect(s.account.users.has('alice')).toBe(true);
  });

  it('refuses to run without a terminal unless --yes is given', async () => {
    const s = setup({ adminUser: 'alice' });
    await expect(runInit(s.ctx, s.request, { stdinIsTty: false, cwd: tempDir() })).rejects.toThrow(/standard input is not a terminal/);
    expect(s.account.calls).toEqual([]);
  });
});

describe('init, scripted', () => {
  const flags = (dir: string): InitFlags => ({
    yes: true,
    alias: 'acme-prod',
    adminUser: 'alice',
    accessKey: true,
    mfaSecretFile: join(dir, 'alice.otp'),
    securityContactEmail: 'security@example.com',
    securityContactPhone: '+1 206 555 0100',
    budgetAmount: '100',
    cloudtrail: true,
  });

  it('does everything without prompting, and a re-run with the same flags changes nothing', async () => {
    const dir = tempDir();
    const s = setup(flags(dir));
    const first = await runInit(s.ctx, s.request, { stdinIsTty: false, cwd: dir });
    // Everything but the Organization-only root steps, which need their own flags.
    expect(first.steps.filter((st) => !ORGANIZATION_STEPS.includes(st.id)).every((st) => st.status === 'create')).toBe(true);
    expect(first.steps.filter((st) => ORGANIZATION_STEPS.includes(st.id)).map((st) => st.status)).toEqual(Array(6).fill('skip'));
    expect(s.prompt.asked).toEqual([]);
    // Two consecutive codes from the seed: the previous and the current step.
    expect(readFileSync(join(dir, 'alice.otp'), 'utf8')).toContain(`secret=${SEED}`);

    s.account.calls.length = 0;
    const again = await runInit(s.ctx, parseInitFlags(flags(dir), (n) => flags(dir)[n] !== undefined), { stdinIsTty: false, cwd: dir });
    expect(again.steps.filter((st) => !ORGANIZATION_STEPS.includes(st.id)).map((st) => st.status)).toEqual(Array(17).fill('unchanged'));
    expect(mutatingCalls(s.account)).toEqual([]);
    expect(again.mfaSerial).toBe('arn:aws:iam::111122223333:mfa/alice');
  });

  it('with --yes and no security contact email the step is skip, and the next steps say how to add one', async () => {
    const dir = tempDir();
    const noContact = { ...flags(dir), securityContactEmail: undefined, securityContactPhone: undefined, budgetAmount: undefined };
    const s = setup(noContact);
    const result = await runInit(s.ctx, s.request, { stdinIsTty: false, cwd: dir });
    expect(result.steps.find((st) => st.id === 'security-contact')?.status).toBe('skip');
    expect(result.nextSteps.find((n) => n.id === 'security-contact')?.text).toMatch(/--security-contact-email <email> --security-contact-phone <phone>/);
    expect(s.stdout.join('')).toContain('Add a security contact');
    // --no-security-contact is a choice, not an omission: nothing to remind of.
    const offDir = tempDir();
    const off = setup({ ...flags(offDir), securityContactEmail: undefined, securityContactPhone: undefined, securityContact: false, budgetAmount: undefined });
    expect((await runInit(off.ctx, off.request, { stdinIsTty: false, cwd: offDir })).nextSteps.map((n) => n.id)).not.toContain('security-contact');
  });

  it('--dry-run makes no mutating call and writes no file', async () => {
    const dir = tempDir();
    const s = setup({ ...flags(dir), dryRun: true });
    const result = await runInit(s.ctx, s.request, { stdinIsTty: false, cwd: dir });
    expect(result.dryRun).toBe(true);
    expect(result.steps.filter((st) => !ORGANIZATION_STEPS.includes(st.id)).map((st) => st.status)).toEqual(Array(17).fill('create'));
    expect(mutatingCalls(s.account)).toEqual([]);
    expect(existsSync(join(dir, 'alice.otp'))).toBe(false);
    expect(existsSync(join(dir, 'iam-bootstrap-111122223333-alice-credentials.csv'))).toBe(false);
  });

  it('prints one JSON document on stdout with --json, and no secret in it', async () => {
    const dir = tempDir();
    const s = setup(flags(dir), [], { json: true });
    await runInit(s.ctx, s.request, { stdinIsTty: false, cwd: dir });
    const doc = JSON.parse(s.stdout.join(''));
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'account', 'dryRun', 'steps', 'signInUrl', 'credentialsFile', 'mfaSerial', 'identityCenter', 'nextSteps']);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.account).toMatchObject({ id: '111122223333', alias: 'acme-prod', isRoot: true, organization: { role: 'none' } });
    const secret = s.account.users.get('alice')?.keys[0]?.secret as string;
    expect(s.stdout.join('')).not.toContain(secret);
    expect(s.stdout.join('') + s.stderr.join('')).not.toContain(SEED);
  });

  it('refuses to overwrite an existing credentials file before changing anything', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'creds.csv'), 'keep me');
    const s = setup({ ...flags(dir), credentialsFile: join(dir, 'creds.csv') });
    await expect(runInit(s.ctx, s.request, { stdinIsTty: false, cwd: dir })).rejects.toThrow(UsageError);
    expect(mutatingCalls(s.account)).toEqual([]);
    expect(readFileSync(join(dir, 'creds.csv'), 'utf8')).toBe('keep me');
  });

  it('checks a password from standard input against the policy before changing anything', async () => {
    const dir = tempDir();
    const s = setup({ ...flags(dir), passwordStdin: true }, [], { stdin: 'short\n' });
    await expect(runInit(s.ctx, s.request, { stdinIsTty: false, cwd: dir })).rejects.toThrow(/--password-stdin: the password is shorter than 14/);
    expect(mutatingCalls(s.account)).toEqual([]);
  });

  it('still saves a created password when a later step fails, and a re-run finishes the job', async () => {
    const dir = tempDir();
    const s = setup(flags(dir));
    s.account.failNext.set('CreateAccessKey', Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: {} }));
    await expect(runInit(s.ctx, s.request, { stdinIsTty: false, cwd: dir })).rejects.toThrow('Rate exceeded');
    const file = join(dir, 'iam-bootstrap-111122223333-alice-credentials.csv');
    expect(readFileSync(file, 'utf8')).toContain(s.account.users.get('alice')?.loginProfile?.password as string);

    // The re-run needs a new file name for the key it still owes.
    const rerunFlags = { ...flags(dir), credentialsFile: join(dir, 'key.csv') };
    const again = await runInit(s.ctx, parseInitFlags(rerunFlags, (n) => rerunFlags[n] !== undefined), { stdinIsTty: false, cwd: dir });
    expect(again.steps.find((st) => st.id === 'console-access')?.status).toBe('unchanged');
    const alice = s.account.users.get('alice');
    expect(alice?.keys).toHaveLength(1);
    expect(alice?.mfa).toHaveLength(1);
    expect(readFileSync(join(dir, 'key.csv'), 'utf8')).toContain(alice?.keys[0]?.id as string);
    expect(alice?.tags).toEqual([]); // the journal is clear
  });
});

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
