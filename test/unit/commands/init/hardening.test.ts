/** init's guarantees when things go wrong: nothing changes before every check has passed, and nothing is lost. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInit } from '../../../../src/commands/init/index.js';
import { parseInitFlags, type InitFlags } from '../../../../src/commands/init/options.js';
import { AbortError, CleanupFailedError, describeError, UsageError } from '../../../../src/errors.js';
import { nodeFileSystem } from '../../../../src/io/file-system.js';
import type { FileSystem } from '../../../../src/context.js';
import { awsError, FakeAccount, fakeAws, mutatingCalls } from '../../../support/fake-aws.js';
import { ScriptedPrompter, type Answer } from '../../../support/scripted-prompter.js';
import { FakeClock, FakeSignals, fileSystem, tempDir, testContext } from '../../../support/context.js';

function setup(flags: InitFlags, answers: Answer[] = [], opts: { fs?: FileSystem; account?: FakeAccount } = {}) {
  const account = opts.account ?? new FakeAccount();
  const { clients } = fakeAws(account);
  const prompt = new ScriptedPrompter(answers);
  const signals = new FakeSignals();
  const t = testContext(clients, prompt, { clock: new FakeClock(new Date('2026-06-01T12:00:10Z')), fs: opts.fs, signals });
  return { account, prompt, ...t, request: parseInitFlags(flags, (n) => flags[n] !== undefined) };
}

const wizardFlags: InitFlags = { alias: 'acme', adminUser: 'alice', passwordPolicy: 'cis', adminGroup: 'Administrators', accessKey: false, consoleAccess: true, mfa: true, securityContact: false, budget: false };

describe('init refuses before any change', () => {
  it('the wizard cannot show the MFA secret (standard error is not a terminal): exit 2, nothing changed', async () => {
    const s = setup(wizardFlags, ['apply']);
    s.prompt.terminal = false;
    const err = await runInit(s.ctx, s.request, { stdinIsTty: true, cwd: tempDir() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/MFA secret and QR code are shown only on a terminal.*--mfa-secret-file/);
    expect(mutatingCalls(s.account)).toEqual([]);
    expect(s.prompt.asked).not.toContain('Apply these changes?');
  });

  it('a file that appears between the plan and the reservation: exit 2, nothing changed, the others removed again', async () => {
    const dir = tempDir();
    const racing: FileSystem = {
      ...fileSystem(),
      reserve: async (path) => {
        if (path.endsWith('alice.otp')) throw new Error(`${path} already exists; files holding secrets are never overwritten`);
        return nodeFileSystem.reserve(path);
      },
    };
    const s = setup({ yes: true, alias: 'acme', adminUser: 'alice', mfaSecretFile: join(dir, 'alice.otp') }, [], { fs: racing });
    await expect(runInit(s.ctx, s.request, { stdinIsTty: false, cwd: dir })).rejects.toThrow(/^--mfa-secret-file: .*alice\.otp already exists.*Nothing was changed\.$/);
    expect(mutatingCalls(s.account)).toEqual([]);
    expect(existsSync(join(dir, 'iam-bootstrap-111122223333-alice-credentials.csv'))).toBe(false);
  });

  it('more than 50 tags, counting the ones the user has and the journal tags init needs while it saves credentials', async () => {
    const withTags = () => {
      const account = new FakeAccount();
      account.users.set('alice', { tags: Array.from({ length: 47 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })), groups: new Set(), keys: [], mfa: [] });
      return account;
    };
    const flags = (tag: string[]): InitFlags => ({ yes: true, alias: 'acme', adminUser: 'alice', accessKey: true, mfa: false, tag });
    const over = setup(flags(['team=a', 'extra=b']), [], { account: withTags() });
    await expect(runInit(over.ctx, over.request, { stdinIsTty: false, cwd: tempDir() })).rejects.toThrow(
      /--tag: alice would carry 51 tags \(47 it keeps, 2 from --tag, 2 that init sets/,
    );
    expect(mutatingCalls(over.account)).toEqual([]);
    // 47 (k0 replaced, not added) + team + 2 journal tags = 50: allowed.
    const exact = setup(flags(['team=a', 'k0=replaced']), [], { account: withTags() });
    await expect(runInit(exact.ctx, exact.request, { stdinIsTty: false, cwd: tempDir() })).resolves.toBeDefined();
  });
});

describe('init stops cleanly', () => {
  it.each<['SIGTERM' | 'SIGHUP' | 'SIGINT', number]>([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGINT', 130],
  ])('%s at the MFA code prompt removes the device that was not enabled, keeps the saved password, exits %d', async (signal, code) => {
    const cwd = tempDir();
    const s = setup(wizardFlags, ['apply']);
    s.prompt.then(() => {
      s.signals.send(signal);
      return '123456';
    });
    const err = await runInit(s.ctx, s.request, { stdinIsTty: true, cwd }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(describeError(err).exitCode).toBe(code);
    expect(s.account.devices.size).toBe(0);
    expect(s.account.users.get('alice')?.loginProfile).toBeDefined();
    expect(existsSync(join(cwd, 'iam-bootstrap-111122223333-alice-credentials.csv'))).toBe(true);
    expect(s.signals.subscribed).toBe(0); // the handlers are gone once init has returned
  });

  it('a stop mid-run ends with a recap: what was done, where the new password is, what is left, and the command that finishes it', async () => {
    const cwd = tempDir();
    const s = setup(wizardFlags, ['apply']);
    s.prompt.then(() => {
      s.signals.send('SIGTERM');
      return '123456';
    });
    await runInit(s.ctx, s.request, { stdinIsTty: true, cwd }).catch((e: unknown) => e);
    const recap = s.stderr.join('').slice(s.stderr.join('').indexOf('Done before the stop:'));
    const file = join(cwd, 'iam-bootstrap-111122223333-alice-credentials.csv');
    expect(recap).toContain('✓ Account alias: ');
    expect(recap).toContain('✓ Console access: console password for alice');
    expect(recap).toContain(`New credentials are saved in ${file} (mode 0600).`);
    expect(recap).toMatch(/Not done:\n {2}✗ MFA device: virtual MFA device alice for alice/);
    expect(recap).toContain('alice has no MFA yet: the group\'s require-MFA policy denies it everything but enrolling MFA until then.');
    expect(recap).toContain('Finish with: iam-bootstrap init --only mfa --admin-user alice');
    // Nothing secret in the recap.
    expect(recap).not.toMatch(/secret|password:/i);
  });
});

describe('a failed clean-up never hides the first error', () => {
  it('EnableMFADevice denied, then DeleteVirtualMFADevice denied: both are reported, with what is left to do', async () => {
    const dir = tempDir();
    const s = setup({ yes: true, alias: 'acme', adminUser: 'alice', mfaSecretFile: join(dir, 'alice.otp') });
    s.account.failNext.set('EnableMFADevice', Object.assign(awsError('AccessDenied', 'not allowed to enable', 403), { $awsCall: 'iam:EnableMFADevice' }));
    s.account.failNext.set('DeleteVirtualMFADevice', Object.assign(awsError('AccessDenied', 'not allowed to delete', 403), { $awsCall: 'iam:DeleteVirtualMFADevice' }));
    const err = await runInit(s.ctx, s.request, { stdinIsTty: false, cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CleanupFailedError);
    const { exitCode, message } = describeError(err);
    expect(exitCode).toBe(3);
    expect(message).toMatch(/^Error: iam:EnableMFADevice failed: AccessDenied: not allowed to enable/);
    expect(message).toMatch(/Clean-up failed too: iam:DeleteVirtualMFADevice failed: AccessDenied: not allowed to delete/);
    expect(message).toMatch(/Left behind: the unassigned MFA device arn:aws:iam::111122223333:mfa\/alice .*delete-virtual-mfa-device/);
    // The device was never enabled, so its seed is worthless: the file holding it goes (the device goes next run).
    expect(existsSync(join(dir, 'alice.otp'))).toBe(false);
  });
});
