/** init --only / --skip: a fix that does exactly one thing, planned, dry-run and converging like a whole run. */
import { describe, expect, it } from 'vitest';
import { runInit } from '../../../../src/commands/init/index.js';
import { parseInitFlags, type InitFlags } from '../../../../src/commands/init/options.js';
import { UsageError } from '../../../../src/errors.js';
import { FakeAccount, fakeAws, mutatingCalls } from '../../../support/fake-aws.js';
import { ScriptedPrompter, type Answer } from '../../../support/scripted-prompter.js';
import { FakeClock, tempDir, testContext } from '../../../support/context.js';

const NOW = new Date('2026-06-01T12:00:10Z');

function setup(flags: InitFlags, answers: Answer[] = [], account = new FakeAccount()) {
  const { clients } = fakeAws(account);
  const prompt = new ScriptedPrompter(answers);
  const t = testContext(clients, prompt, { clock: new FakeClock(NOW) });
  const parse = () => parseInitFlags(flags, (n) => flags[n] !== undefined);
  return { account, prompt, ...t, parse, run: () => runInit(t.ctx, parse(), { stdinIsTty: true, cwd: tempDir() }) };
}

const statuses = (steps: { id: string; status: string }[]) => Object.fromEntries(steps.map((s) => [s.id, s.status]));

describe('init --only', () => {
  it('runs just the steps named: no prompt for the others, no --admin-user needed with --yes, and a re-run changes nothing', async () => {
    const s = setup({ only: ['password-policy'], yes: true });
    const first = await s.run();
    expect(mutatingCalls(s.account)).toEqual(['UpdateAccountPasswordPolicy']);
    expect(s.prompt.asked).toEqual([]);
    expect(statuses(first.steps)).toMatchObject({ 'password-policy': 'create', 'account-alias': 'skip', 'admin-user': 'skip', mfa: 'skip', 'access-analyzer': 'skip' });
    expect(first.steps.find((st) => st.id === 'account-alias')?.summary).toBe('not selected (--only)');
    s.account.calls.length = 0;
    const again = await s.run();
    expect(mutatingCalls(s.account)).toEqual([]);
    expect(statuses(again.steps)['password-policy']).toBe('unchanged');
  });

  it('reads nothing for a step it does not run', async () => {
    const s = setup({ only: ['account-alias'], alias: 'acme-prod', yes: true });
    await s.run();
    expect(s.account.calls.filter((c) => /Analyzer|Region|AlternateContact|PasswordPolicy|Group|MFA/.test(c))).toEqual([]);
    expect(mutatingCalls(s.account)).toEqual(['CreateAccountAlias']);
  });

  it('takes several steps, comma-separated or repeated; --dry-run plans them and changes nothing', async () => {
    const s = setup({ only: ['password-policy,account-alias', 'support-role'], alias: 'acme-prod', yes: true, dryRun: true });
    const result = await s.run();
    expect(result.steps.filter((st) => st.status !== 'skip').map((st) => st.id)).toEqual(['account-alias', 'password-policy', 'support-role']);
    expect(mutatingCalls(s.account)).toEqual([]);
  });

  it('asks the wizard\'s questions only for the steps named', async () => {
    const s = setup({ only: ['account-alias'] }, ['acme-prod', 'apply']);
    await s.run();
    expect(s.prompt.asked).toEqual(['Account alias for the sign-in URL (empty: none)', 'Apply these changes?']);
    expect(s.account.alias).toBe('acme-prod');
  });

  it('mfa for an existing user: enrols it and touches nothing else', async () => {
    const account = new FakeAccount();
    account.users.set('alice', { tags: [], groups: new Set(['Administrators']), keys: [], mfa: [] });
    const s = setup({ only: ['mfa'], adminUser: 'alice', mfaSecretFile: `${tempDir()}/alice.otp`, yes: true }, [], account);
    await s.run();
    expect(mutatingCalls(s.account)).toEqual(['CreateVirtualMFADevice', 'EnableMFADevice']);
    expect(s.account.user('alice').mfa).toHaveLength(1);
  });

  it('mfa for a user that does not exist is exit 2 before any change', async () => {
    const s = setup({ only: ['mfa'], adminUser: 'bob', mfaSecretFile: `${tempDir()}/bob.otp`, yes: true });
    await expect(s.run()).rejects.toThrow(new UsageError('--only: the user bob does not exist, and admin-user is not among the steps; add it (--only admin-user,…).'));
    expect(mutatingCalls(s.account)).toEqual([]);
  });
});

describe('init --skip', () => {
  it('runs every step but those named', async () => {
    const s = setup({ skip: ['access-analyzer,support-role'], adminUser: false, alias: 'acme-prod', yes: true });
    const result = await s.run();
    expect(statuses(result.steps)).toMatchObject({ 'access-analyzer': 'skip', 'support-role': 'skip', 'account-alias': 'create', 'password-policy': 'create' });
    expect(result.steps.find((st) => st.id === 'support-role')?.summary).toBe('skipped (--skip)');
    expect(mutatingCalls(s.account).filter((c) => /Analyzer|Role/.test(c))).toEqual([]);
  });
});

describe('--only and --skip are checked before any AWS call', () => {
  it.each([
    [{ only: ['pasword-policy'] }, /^--only: unknown step "pasword-policy"; the steps are account-alias, /],
    [{ skip: ['mfa,nope'] }, /^--skip: unknown step "nope"; the steps are /],
    [{ only: [','] }, /^--only: name at least one step/],
    [{ only: ['mfa'], skip: ['mfa'] }, /^--only: cannot be combined with --skip/],
    [{ only: ['admin-user'], yes: true }, /^--yes: needs --admin-user <name> \(or --no-admin-user, or --only without the admin steps\)/],
  ] as [InitFlags, RegExp][])('%o', (flags, message) => {
    const s = setup(flags);
    expect(() => s.parse()).toThrow(message);
  });
});

describe('--no-mfa with an admin user', () => {
  it('warns, before any change, that the require-MFA policy blocks the user, with the command that enrols MFA later', async () => {
    const s = setup({ yes: true, alias: 'acme-prod', adminUser: 'alice', mfa: false, dryRun: true });
    await s.run();
    expect(s.stderr.join('')).toContain(
      "Warning: --no-mfa: alice gets no MFA device, and the group's require-MFA policy denies alice everything but enrolling one until then. Enrol it later: iam-bootstrap init --only mfa --admin-user alice",
    );
    const without = setup({ yes: true, alias: 'acme-prod', adminUser: 'alice', mfa: false, requireMfa: false, dryRun: true });
    await without.run();
    expect(without.stderr.join('')).not.toContain('--no-mfa:');
  });
});
