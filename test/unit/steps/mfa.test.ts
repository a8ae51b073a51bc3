import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { mfaStep } from '../../../src/steps/mfa.js';
import { awsError, FakeAccount, SEED } from '../../support/fake-aws.js';
import { stepContext } from '../../support/step-context.js';
import { tempDir } from '../../support/context.js';
import { join } from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { MfaEnrolment } from '../../../src/steps/types.js';

function withUser(): FakeAccount {
  const account = new FakeAccount();
  account.users.set('alice', { tags: [], groups: new Set(), keys: [], mfa: [] });
  return account;
}

const serial = 'arn:aws:iam::111122223333:mfa/alice';

describe('mfa step', () => {
  it('creates, enrols with the provided codes and enables the device', async () => {
    const account = withUser();
    const seen: MfaEnrolment[] = [];
    const ctx = stepContext(account, {}, async (e) => {
      seen.push(e);
      return { code1: '111111', code2: '222222' };
    });
    const p = await mfaStep.inspect(ctx);
    expect(p.status).toBe('create');
    const outcome = await mfaStep.apply(ctx, p);
    expect(outcome.mfaSerial).toBe(serial);
    expect(account.users.get('alice')?.mfa).toEqual([serial]);
    expect(seen[0]?.secret).toBe(SEED);
    expect(seen[0]?.uri).toContain(`secret=${SEED}`);
    expect(seen[0]?.uri).toContain('AWS:alice@111122223333'); // no alias: the account id labels it
  });

  it('is unchanged when the user already has an MFA device', async () => {
    const account = withUser();
    account.users.get('alice')?.mfa.push('arn:aws:iam::111122223333:mfa/phone');
    const p = await mfaStep.inspect(stepContext(account));
    expect(p.status).toBe('unchanged');
    expect(p.facts?.existingMfaSerial).toBe('arn:aws:iam::111122223333:mfa/phone');
  });

  it('finds an unassigned device of ours left by an interrupted run and replaces it', async () => {
    const account = withUser();
    account.devices.set(serial, { name: 'alice' });
    const ctx = stepContext(account);
    const p = await mfaStep.inspect(ctx);
    expect(p.data.orphans).toEqual([serial]);
    await mfaStep.apply(ctx, p);
    expect([...account.devices.keys()]).toEqual([serial]);
    expect(account.devices.get(serial)?.user).toBe('alice');
    expect(account.calls).toContain('DeleteVirtualMFADevice');
  });

  it('recovers when the CreateVirtualMFADevice answer was lost (the retry meets EntityAlreadyExists)', async () => {
    const account = withUser();
    const ctx = stepContext(account);
    const p = await mfaStep.inspect(ctx);
    account.onceBefore.set('CreateVirtualMFADevice', () => account.devices.set(serial, { name: 'alice' }));
    await mfaStep.apply(ctx, p);
    expect(account.devices.size).toBe(1);
    expect(account.devices.get(serial)?.user).toBe('alice');
  });

  it('removes the device and its files when enrolment fails, so nothing is half-done', async () => {
    const account = withUser();
    const dir = tempDir();
    const secretFile = join(dir, 'alice.otp');
    const ctx = stepContext(account, { mfaSecretFile: secretFile, qrPng: join(dir, 'qr.png') }, async () => {
      throw new Error('operator gave up');
    });
    await expect(mfaStep.apply(ctx, await mfaStep.inspect(ctx))).rejects.toThrow('operator gave up');
    expect(account.devices.size).toBe(0);
    expect(existsSync(secretFile)).toBe(false);
    expect(existsSync(join(dir, 'qr.png'))).toBe(false);
  });

  it('writes the otpauth URI and the QR PNG with mode 0600 for scripted enrolment', async () => {
    const account = withUser();
    const dir = tempDir();
    const ctx = stepContext(account, { mfaSecretFile: join(dir, 'alice.otp'), qrPng: join(dir, 'qr.png') });
    await mfaStep.apply(ctx, await mfaStep.inspect(ctx));
    expect(readFileSync(join(dir, 'alice.otp'), 'utf8')).toMatch(/^otpauth:\/\/totp\/AWS:alice@/);
    expect(statSync(join(dir, 'alice.otp')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'qr.png')).mode & 0o777).toBe(0o600);
  });

  it('treats a refused EnableMFADevice retry as success when the device is in fact enabled', async () => {
    const account = withUser();
    const ctx = stepContext(account);
    const p = await mfaStep.inspect(ctx);
    account.loseNextAnswer.add('EnableMFADevice');
    await expect(mfaStep.apply(ctx, p)).resolves.toEqual({ mfaSerial: serial });
  });

  it('refuses a device name that already belongs to another user', async () => {
    const account = withUser();
    account.devices.set(serial, { name: 'alice', user: 'bob' });
    await expect(mfaStep.inspect(stepContext(account))).rejects.toThrow(UsageError);
  });

  it('reports an invalid code from AWS with the device removed', async () => {
    const account = withUser();
    const ctx = stepContext(account);
    const p = await mfaStep.inspect(ctx);
    account.failNext.set('EnableMFADevice', awsError('InvalidAuthenticationCodeException', 'Authentication code for the MFA device is not valid', 403));
    await expect(mfaStep.apply(ctx, p)).rejects.toMatchObject({ name: 'InvalidAuthenticationCodeException' });
    expect(account.devices.size).toBe(0);
  });
});
