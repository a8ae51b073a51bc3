/**
 * init --admin identity-center as a whole, over an in-memory account: flags (every bad value is exit 2 before any
 * call), the instance check, a scripted run and its re-run, the break-glass user, the wizard, and the summary.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInit } from '../../../../src/commands/init/index.js';
import { namesFromEmail, parseInitFlags, type InitFlags } from '../../../../src/commands/init/options.js';
import { UsageError } from '../../../../src/errors.js';
import { FakeAccount, fakeAws, mutatingCalls } from '../../../support/fake-aws.js';
import { FakeClock, tempDir, testContext } from '../../../support/context.js';
import { ScriptedPrompter, type Answer } from '../../../support/scripted-prompter.js';

const parse = (flags: InitFlags, elsewhere = false) => parseInitFlags(flags, (n) => flags[n] !== undefined, elsewhere);
const BASELINE_OFF: InitFlags = {
  alias: false,
  passwordPolicy: false,
  securityContact: false,
  supportRole: false,
  accessAnalyzer: false,
  s3BlockPublicAccess: false,
  ebsEncryption: false,
  snapshotBlockPublicAccess: false,
  amiBlockPublicAccess: false,
  imdsDefaults: false,
  budget: false,
};
const IC: InitFlags = { admin: 'identity-center', ssoUser: 'ana', ssoEmail: 'ana@example.com' };

function setup(flags: InitFlags, answers: Answer[] = [], opts: { instance?: boolean; organization?: FakeAccount['organization']; json?: boolean } = {}) {
  const account = new FakeAccount();
  account.organization = opts.organization ?? 'management';
  account.orgAccounts = [
    { Id: account.accountId, Status: 'ACTIVE' },
    { Id: '222233334444', Status: 'ACTIVE' },
  ];
  if (opts.instance ?? true) account.identityCenter.organizationInstance(account.organization === 'management' ? account.accountId : '999999999999');
  const { clients } = fakeAws(account);
  const prompt = new ScriptedPrompter(answers);
  const t = testContext(clients, prompt, { clock: new FakeClock(new Date('2026-06-01T12:00:00Z')), json: opts.json });
  return { account, prompt, ...t, request: parse(flags) };
}

describe('init --admin identity-center: flags', () => {
  it.each([
    [{ admin: 'sso' }, '--admin: unknown admin path "sso"; choose iam-user or identity-center.'],
    [{ ssoUser: 'ana' }, '--sso-user: --sso-user belongs to the Identity Center path: add --admin identity-center.'],
    [{ admin: 'iam-user', breakGlassUser: 'bg' }, '--break-glass-user: --break-glass-user belongs to the Identity Center path'],
    [{ ...IC, adminUser: 'alice' }, '--admin-user: with --admin identity-center people sign in through Identity Center; for an IAM user beside it, use --break-glass-user <name>.'],
    [{ ...IC, adminUser: false }, '--no-admin-user: is implied by --admin identity-center'],
    [{ ...IC, yes: true, ssoEmail: undefined }, '--yes: with --admin identity-center needs --sso-user <user name> and --sso-email <email>'],
    [{ ...IC, sessionDuration: '13h' }, '--session-duration: "13h" must be between 1 hour and 12 hours.'],
    [{ ...IC, sessionDuration: '30m' }, '--session-duration: "30m" must be between 1 hour and 12 hours.'],
    [{ ...IC, sessionDuration: 'soon' }, '--session-duration: "soon" is not a duration such as 1h, 90m, 2h30m or PT4H.'],
    [{ ...IC, assignAccounts: '12345' }, '--assign-accounts: "12345" is not an AWS account id (12 digits); give all, or account ids separated by commas.'],
    [{ ...IC, assignAccounts: '111122223333,111122223333' }, '--assign-accounts: an account is given twice.'],
    [{ ...IC, ssoUser: 'Administrator' }, '--sso-user: "Administrator" is reserved by IAM Identity Center.'],
    [{ ...IC, ssoUser: 'ana smith' }, '--sso-user: "ana smith" may contain letters'],
    [{ ...IC, ssoEmail: 'ana' }, '--sso-email: "ana" is not an email address'],
    [{ ...IC, ssoGroup: ' Admins' }, '--sso-group: " Admins" must not start or end with a space.'],
    [{ ...IC, permissionSet: 'AdministratorAccessForEveryoneHere' }, '--permission-set: "AdministratorAccessForEveryoneHere" must be 1 to 32 characters long.'],
    [{ ...IC, tag: ['team=ops'] }, '--admin identity-center: cannot be combined with --tag: it makes no IAM admin user (add --break-glass-user <name> for one beside Identity Center).'],
    [{ ...IC, breakGlassUser: 'bad name' }, '--break-glass-user: "bad name" may contain only letters'],
    [{ ...IC, only: ['password-policy'] }, '--admin identity-center: --only/--skip leave out every Identity Center step'],
  ] as [InitFlags, string][])('%j is a usage error: %s', (flags, message) => {
    expect(() => parse(flags)).toThrow(UsageError);
    expect(() => parse(flags)).toThrow(message);
  });

  it('--account or --role-arn: Identity Center is managed from the management account', () => {
    expect(() => parse(IC, true)).toThrow("--admin identity-center: runs in the Organization's management account");
  });

  it('accepts the durations people write and the API form', () => {
    expect(parse({ ...IC, sessionDuration: '90m' }).identityCenter?.sessionMinutes).toBe(90);
    expect(parse({ ...IC, sessionDuration: 'PT12H' }).identityCenter?.sessionMinutes).toBe(720);
    expect(parse({ ...IC, sessionDuration: '2h30m' }).identityCenter?.sessionMinutes).toBe(150);
  });

  it('--yes without --admin keeps the IAM user path', () => {
    expect(parse({ yes: true, adminUser: false }).admin).toBe('iam-user');
  });

  it('names from the email: two words, one word (the family name from the domain), given names kept', () => {
    expect(namesFromEmail('ana.silva@example.com')).toEqual({ givenName: 'Ana', familyName: 'Silva' });
    expect(namesFromEmail('ana@acme.com')).toEqual({ givenName: 'Ana', familyName: 'Acme' });
    expect(namesFromEmail('jean-luc.van_damme@example.org')).toEqual({ givenName: 'Jean', familyName: 'Luc Van Damme' });
  });
});

describe('init --admin identity-center: where there is no organization instance', () => {
  it.each([
    ['no instance in the management account', { instance: false }, "--admin identity-center: IAM Identity Center has no organization instance in this region. Enable it in the management account's console"],
    ['a standalone account', { organization: 'none' as const, instance: false }, '--admin identity-center: this account is not in an AWS Organization'],
    ['a member account', { organization: 'member' as const, instance: false }, 'Run init in the management account 999999999999'],
  ])('%s: exit 2 before any change, saying what to enable', async (_what, opts, message) => {
    const s = setup({ ...IC, ...BASELINE_OFF, yes: true }, [], opts);
    const failure = await runInit(s.ctx, s.request, { stdinIsTty: false, cwd: tempDir() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UsageError);
    expect((failure as Error).message).toContain(message);
    expect((failure as Error).message).toMatch(/--region <the instance's region>.*--admin iam-user\. Nothing was changed\.$/);
    expect(mutatingCalls(s.account)).toEqual([]);
  });

  it('an account instance does not count: it cannot grant access to AWS accounts', async () => {
    const s = setup({ ...IC, ...BASELINE_OFF, yes: true }, [], { instance: false });
    s.account.identityCenter.instances = [{ InstanceArn: 'arn:aws:sso:::instance/ssoins-acct', IdentityStoreId: 'd-acct', OwnerAccountId: '555566667777', Status: 'ACTIVE' }];
    await expect(runInit(s.ctx, s.request, { stdinIsTty: false, cwd: tempDir() })).rejects.toThrow('this region has only an account instance of IAM Identity Center');
  });
});

describe('init --admin identity-center, scripted', () => {
  it('makes the administrator, says what is left to do, and a re-run changes nothing', async () => {
    const s = setup({ ...IC, ...BASELINE_OFF, yes: true, assignAccounts: 'all' }, [], { json: true });
    const first = await runInit(s.ctx, s.request, { stdinIsTty: false, cwd: tempDir() });
    const status = Object.fromEntries(first.steps.map((st) => [st.id, st.status]));
    expect(status).toMatchObject({ 'sso-admin-group': 'create', 'sso-admin-user': 'create', 'permission-set': 'create', 'account-assignment': 'create', 'admin-user': 'skip', mfa: 'skip' });
    expect(first.steps.find((st) => st.id === 'admin-user')?.summary).toBe('no IAM admin user: people sign in through Identity Center (--break-glass-user adds one)');
    expect(first.identityCenter).toEqual({
      portalUrl: 'https://d-1234567890.awsapps.com/start',
      instanceArn: 'arn:aws:sso:::instance/ssoins-fake1234567890',
      identityStoreId: 'd-1234567890',
      userName: 'ana',
      email: 'ana@example.com',
      group: 'Administrators',
      permissionSet: 'AdministratorAccess',
      accounts: ['111122223333', '222233334444'],
      breakGlassUser: null,
    });
    expect(first.nextSteps.map((n) => n.id).slice(0, 3)).toEqual(['sso-password', 'sso-mfa', 'sso-require-mfa']);
    expect(first.nextSteps[0]?.text).toContain('open https://d-1234567890.awsapps.com/start, enter the user name ana, choose "Forgot password?"');
    // No IAM user, no credentials file.
    expect(s.account.users.size).toBe(0);
    expect(first.credentialsFile).toBeNull();
    expect(JSON.parse(s.stdout.join('')).identityCenter.portalUrl).toBe('https://d-1234567890.awsapps.com/start');

    s.account.calls.length = 0;
    const again = await runInit(s.ctx, s.request, { stdinIsTty: false, cwd: tempDir() });
    expect(mutatingCalls(s.account)).toEqual([]);
    expect(again.steps.every((st) => st.status === 'unchanged' || st.status === 'skip')).toBe(true);
  });

  it('--dry-run reads and changes nothing', async () => {
    const s = setup({ ...IC, ...BASELINE_OFF, yes: true, dryRun: true });
    const result = await runInit(s.ctx, s.request, { stdinIsTty: false, cwd: tempDir() });
    expect(result.steps.filter((st) => st.status === 'create').map((st) => st.id)).toEqual(['sso-admin-group', 'sso-admin-user', 'permission-set', 'account-assignment']);
    expect(mutatingCalls(s.account)).toEqual([]);
    expect(result.nextSteps[0]?.text).toMatch(/^After the run: ana sets a password/);
  });

  it('--break-glass-user adds the IAM admin user, tagged break-glass, and recommends a hardware key for it', async () => {
    const dir = tempDir();
    const s = setup({ ...IC, ...BASELINE_OFF, yes: true, breakGlassUser: 'breakglass', mfaSecretFile: join(dir, 'bg.otp') });
    const result = await runInit(s.ctx, s.request, { stdinIsTty: false, cwd: dir });
    const user = s.account.users.get('breakglass');
    expect(user?.tags).toContainEqual({ Key: 'iam-bootstrap:break-glass', Value: 'true' });
    expect(user?.mfa).toHaveLength(1);
    expect(result.identityCenter?.breakGlassUser).toBe('breakglass');
    expect(result.nextSteps.find((n) => n.id === 'break-glass-key')?.text).toMatch(/^breakglass is the break-glass IAM user .* hardware security key/);
    expect([...s.account.identityCenter.users.values()].map((u) => u.userName)).toEqual(['ana']);
  });
});

describe('init wizard with an organization instance', () => {
  it('offers Identity Center first; the operator gives email and user name: 4 answers in all', async () => {
    const s = setup({ ...BASELINE_OFF, alias: 'acme-root' }, ['identity-center', 'ana.silva@example.com', '', 'apply']);
    const result = await runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() });
    expect(s.prompt.asked).toEqual(['How will administrators sign in?', "Administrator's email", 'Identity Center user name', 'Apply these changes?']);
    // The user name defaulted to the email's local part; the names came from the email.
    expect([...s.account.identityCenter.users.values()]).toEqual([{ userName: 'ana.silva', email: 'ana.silva@example.com', givenName: 'Ana', familyName: 'Silva' }]);
    expect(result.identityCenter?.userName).toBe('ana.silva');
  });

  it('without an organization instance the admin is an IAM user, not asked about', async () => {
    const s = setup({ ...BASELINE_OFF, alias: 'acme-root', mfa: false }, ['alice', 'apply'], { instance: false });
    await runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() });
    expect(s.prompt.asked).toEqual(['Admin user name', 'Apply these changes?']);
    expect(s.account.users.has('alice')).toBe(true);
  });
});

describe('the recap after a stop on the Identity Center path', () => {
  it('repeats the Identity Center flags in the command that finishes, not --admin-user', async () => {
    const { renderInterruptedRecap } = await import('../../../../src/commands/init/report.js');
    const { captureOutput } = await import('../../../support/context.js');
    const plan = (id: string, title: string) => ({ id, title, status: 'create', summary: 's', changes: [], data: undefined }) as never;
    const text = renderInterruptedRecap(captureOutput().out, {
      done: [plan('sso-admin-group', 'Identity Center group')],
      notDone: [plan('account-assignment', 'Account assignment'), plan('mfa', 'MFA device')],
      adminUser: 'breakglass',
      withAdminUser: true,
      target: '',
      adminFlags: ' --admin identity-center --sso-user ana --sso-email ana@example.com --break-glass-user breakglass',
    });
    expect(text).toContain('Finish with: iam-bootstrap init --only account-assignment,mfa --admin identity-center --sso-user ana --sso-email ana@example.com --break-glass-user breakglass');
    expect(text).not.toContain('--admin-user');
  });
});

describe('the wizard, more', () => {
  it('--admin-user given: the IAM user path, Identity Center not offered', async () => {
    const s = setup({ ...BASELINE_OFF, alias: 'acme-root', adminUser: 'alice', mfa: false }, ['apply']);
    await runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() });
    expect(s.prompt.asked).toEqual(['Apply these changes?']);
    expect(s.account.calls).not.toContain('ListInstances');
  });

  it('"Change something" revises the administrator; names follow a changed email', async () => {
    const s = setup({ ...IC, ...BASELINE_OFF, alias: 'acme-root' }, ['change', 'sso-user', 'bea.costa@example.com', 'bea', '', '', 'apply']);
    const result = await runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() });
    expect(s.prompt.asked).toEqual(['Apply these changes?', 'Change which step?', "Administrator's email", 'Identity Center user name', 'Given name', 'Family name', 'Apply these changes?']);
    expect([...s.account.identityCenter.users.values()]).toEqual([{ userName: 'bea', email: 'bea.costa@example.com', givenName: 'Bea', familyName: 'Costa' }]);
    expect(result.identityCenter?.userName).toBe('bea');
  });
});

describe('--only without the user step', () => {
  it('assigns on more accounts without asking about a person, and says nothing about their password', async () => {
    const s = setup({ ...IC, ssoUser: undefined, ssoEmail: undefined, ...BASELINE_OFF, only: ['sso-admin-group', 'permission-set', 'account-assignment'], assignAccounts: 'all' }, ['apply']);
    const result = await runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() });
    expect(s.prompt.asked).toEqual(['Apply these changes?']);
    expect(result.identityCenter).toMatchObject({ userName: null, email: null, accounts: ['111122223333', '222233334444'] });
    expect(result.nextSteps.map((n) => n.id)).not.toContain('sso-password');
    expect(s.account.identityCenter.users.size).toBe(0);
  });
});
