import { describe, expect, it } from 'vitest';
import { runInit } from '../../../../src/commands/init/index.js';
import { parseInitFlags, type InitFlags } from '../../../../src/commands/init/options.js';
import { UsageError } from '../../../../src/errors.js';
import { FakeAccount, fakeAws, mutatingCalls } from '../../../support/fake-aws.js';
import { ScriptedPrompter } from '../../../support/scripted-prompter.js';
import { FakeClock, tempDir, testContext } from '../../../support/context.js';

const parse = (flags: InitFlags) => parseInitFlags(flags, (n) => flags[n] !== undefined);

describe('init --no-admin-user', () => {
  it('with --yes needs no admin user, and plans the account baseline only', async () => {
    const account = new FakeAccount();
    const { clients } = fakeAws(account);
    const t = testContext(clients, new ScriptedPrompter([]), { clock: new FakeClock(new Date('2026-06-01T12:00:00Z')) });
    const request = parse({ yes: true, adminUser: false, alias: 'acme-member' });
    expect(request.adminUser).toBeNull();
    const cwd = tempDir();
    const result = await runInit(t.ctx, request, { stdinIsTty: false, cwd });
    const status = Object.fromEntries(result.steps.map((s) => [s.id, s.status]));
    expect(status).toMatchObject({
      'account-alias': 'create',
      'password-policy': 'create',
      'support-role': 'create',
      'admin-group': 'skip',
      'admin-user': 'skip',
      'console-access': 'skip',
      'access-key': 'skip',
      mfa: 'skip',
    });
    expect(result.steps.find((s) => s.id === 'admin-user')?.summary).toBe('no admin user (--no-admin-user)');
    // Nothing about users, groups, passwords, keys or MFA was read or changed, and no file was written.
    expect(account.calls.filter((c) => /User|Group|LoginProfile|AccessKey|MFA/.test(c) && !/AccountSummary/.test(c))).toEqual([]);
    expect(mutatingCalls(account)).toEqual(expect.arrayContaining(['CreateAccountAlias', 'UpdateAccountPasswordPolicy', 'CreateRole']));
    expect(result.credentialsFile).toBeNull();
    expect(result.nextSteps.map((n) => n.id)).not.toContain('sign-in-as-admin');

    // A re-run changes nothing.
    account.calls.length = 0;
    const again = await runInit(t.ctx, request, { stdinIsTty: false, cwd });
    expect(mutatingCalls(account)).toEqual([]);
    expect(again.steps.every((s) => s.status === 'unchanged' || s.status === 'skip')).toBe(true);
  });

  it.each([
    [{ tag: ['team=ops'] }, '--tag'],
    [{ accessKey: true }, '--access-key'],
    [{ adminGroup: 'Admins' }, '--admin-group'],
    [{ mfaSecretFile: '/tmp/x.otp' }, '--mfa-secret-file'],
    [{ passwordStdin: true }, '--password-stdin'],
    [{ credentialsFile: '/tmp/c.csv' }, '--credentials-file'],
  ] as [InitFlags, string][])('refuses %j beside it: there is no admin user', (flags, name) => {
    expect(() => parse({ adminUser: false, ...flags })).toThrow(UsageError);
    expect(() => parse({ adminUser: false, ...flags })).toThrow(new RegExp(`--no-admin-user: cannot be combined with ${name}`));
  });

  it('--yes still needs --admin-user or --no-admin-user', () => {
    expect(() => parse({ yes: true, mfa: false })).toThrow('--yes: needs --admin-user <name> (or --no-admin-user, or --only without the admin steps)');
  });
});

describe('init --centralize-root-access and --remove-root-credentials: misuse is exit 2 before any call', () => {
  const parseElsewhere = (flags: InitFlags, elsewhere: boolean) => parseInitFlags(flags, (n) => flags[n] !== undefined, elsewhere);

  it('--remove-root-credentials needs --account', () => {
    expect(() => parseElsewhere({ removeRootCredentials: true }, false)).toThrow(UsageError);
    expect(() => parseElsewhere({ removeRootCredentials: true }, false)).toThrow('--remove-root-credentials: needs --account <member account id>');
    expect(parseElsewhere({ removeRootCredentials: true, yes: true, adminUser: false }, true).removeRootCredentials).toBe(true);
  });

  it('--centralize-root-access runs in the management account itself, and not together with a removal', () => {
    expect(() => parseElsewhere({ centralizeRootAccess: true }, true)).toThrow('--centralize-root-access: runs in the management account itself');
    expect(() => parseElsewhere({ centralizeRootAccess: true, removeRootCredentials: true }, true)).toThrow(/--remove-root-credentials: cannot be combined with --centralize-root-access/);
    expect(parseElsewhere({ centralizeRootAccess: true }, false).centralizeRootAccess).toBe(true);
  });
});
