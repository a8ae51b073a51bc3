/**
 * A virtual MFA device for the admin user. The device is created, the operator (or a secret file) proves two
 * consecutive codes, then it is enabled. A device left unassigned by an interrupted run or a lost answer is
 * an orphan: it is found by its name, deleted and replaced.
 */
import { CreateVirtualMFADeviceCommand, DeleteVirtualMFADeviceCommand, EnableMFADeviceCommand, type VirtualMFADevice } from '@aws-sdk/client-iam';
import { currentAlias } from '../account/alias.js';
import { userMfaSerials, virtualMfaDevices } from '../account/users.js';
import { deleted } from '../aws/absent.js';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import { cleanUpAndRethrow, FileTakenOverError, isAwsError, RuntimeError, UsageError } from '../errors.js';
import type { Context, ReservedFile } from '../context.js';
import { decodeSeed, otpauthUri } from '../lib/totp.js';
import { plan, type Step, type StepContext } from './types.js';

interface MfaData {
  orphans: string[];
}

/** Serials end with ":mfa/<path><name>"; ours are created at the root path. */
function namedSerial(serial: string | undefined, deviceName: string): boolean {
  return serial?.endsWith(`:mfa/${deviceName}`) ?? false;
}

async function findOrphans(ctx: Context, deviceName: string): Promise<string[]> {
  return (await virtualMfaDevices(ctx, 'Unassigned'))
    .map((d) => d.SerialNumber)
    .filter((s): s is string => namedSerial(s, deviceName));
}

async function deleteDevices(ctx: Context, serials: string[]): Promise<void> {
  for (const serial of serials) await deleted(ctx.clients.iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })));
}

export const mfaStep: Step<MfaData> = {
  id: 'mfa',
  title: 'MFA device',

  async inspect(ctx) {
    const { adminUser: user, mfa, mfaDeviceName } = ctx.settings;
    if (!mfa) return plan(this, 'skip', 'no MFA enrolment (--no-mfa)', { orphans: [] });
    const serials = await userMfaSerials(ctx, user);
    if (serials.length) {
      return plan(this, 'unchanged', `${user} already has MFA (${serials.join(', ')})`, { orphans: [] }, [], { existingMfaSerial: serials[0] });
    }
    const holder = (await virtualMfaDevices(ctx, 'Assigned')).find((d) => namedSerial(d.SerialNumber, mfaDeviceName));
    if (holder) {
      throw new UsageError(
        `--mfa-device-name: a device named "${mfaDeviceName}" already belongs to ${holder.User?.UserName ?? 'another user'}; choose another name.`,
      );
    }
    const orphans = await findOrphans(ctx, mfaDeviceName);
    const changes = [
      ...orphans.map((s) => ({ field: 'MFA device', from: s, note: 'unassigned device left by an interrupted run; replaced' })),
      { field: 'virtual MFA device', to: mfaDeviceName },
    ];
    return plan(this, 'create', `virtual MFA device ${mfaDeviceName} for ${user}`, { orphans }, changes);
  },

  async apply(ctx, p) {
    if (p.status !== 'create') return {};
    const user = ctx.settings.adminUser;
    await deleteDevices(ctx, p.data.orphans);
    const device = await createDevice(ctx);
    const serial = device.SerialNumber ?? '';
    try {
      await enrol(ctx, device);
    } catch (err) {
      // Nothing half-done: a device that was never enabled is removed, and so are the files holding its seed, so
      // a re-run starts clean. A failing clean-up is reported beside the first error, never instead of it.
      let enabled: boolean | undefined;
      await cleanUpAndRethrow(err, [
        {
          leftBehind: `the unassigned MFA device ${serial} (the next init deletes it; or: aws iam delete-virtual-mfa-device --serial-number ${serial})`,
          run: async () => {
            enabled = (await userMfaSerials(ctx, user)).includes(serial);
            if (!enabled) await deleteDevices(ctx, [serial]);
          },
        },
        {
          leftBehind: `the files holding the seed of ${serial}: ${seedFiles(ctx).join(', ')}`,
          run: async () => {
            // Only once the device is known to be off: otherwise the file may be the only copy of a live seed.
            if (enabled !== false) return;
            await ctx.files.mfaSecret?.discard();
            await ctx.files.qrPng?.discard();
          },
        },
      ]);
    }
    return { mfaSerial: serial };
  },
};

function seedFiles(ctx: StepContext): string[] {
  return [ctx.files.mfaSecret?.path, ctx.files.qrPng?.path].filter((p): p is string => p !== undefined);
}

async function createDevice(ctx: StepContext): Promise<VirtualMFADevice> {
  const { mfaDeviceName: name, adminUser } = ctx.settings;
  const create = async () => {
    const { VirtualMFADevice: device } = await ctx.clients.iam.send(
      new CreateVirtualMFADeviceCommand({
        VirtualMFADeviceName: name,
        Tags: [{ Key: 'iam-bootstrap:user', Value: adminUser }],
      }),
    );
    if (!device?.SerialNumber || !device.Base32StringSeed) throw new Error('CreateVirtualMFADevice returned no device');
    return device;
  };
  try {
    return await create();
  } catch (err) {
    if (!isAwsError(err, 'EntityAlreadyExists')) throw err;
    // Our first attempt succeeded but its answer (and the seed with it) was lost; that device is an orphan.
    await deleteDevices(ctx, await findOrphans(ctx, name));
    return create();
  }
}

/** A seed file that was deleted or replaced since it was reserved: the device is not enabled (and is removed). */
async function saveSeed(file: ReservedFile, data: string | Uint8Array): Promise<void> {
  try {
    await file.fill(data);
  } catch (err) {
    if (!(err instanceof FileTakenOverError)) throw err;
    throw new RuntimeError(`${err.message}, so the MFA seed could not be saved there; the device was not enabled.`, 'Run init again to enrol a new device.');
  }
}

async function enrol(ctx: StepContext, device: VirtualMFADevice): Promise<void> {
  const { adminUser } = ctx.settings;
  const { qrPng, mfaSecret } = ctx.files;
  const serial = device.SerialNumber as string;
  const secret = decodeSeed(device.Base32StringSeed as Uint8Array);
  ctx.secrets.add(secret);
  const label = (await currentAlias(ctx)) ?? ctx.account.accountId;
  const uri = otpauthUri(secret, adminUser, label);
  if (qrPng && device.QRCodePNG) await saveSeed(qrPng, device.QRCodePNG);
  // Saved before enabling: once the device is on, this file is the only other way to produce codes.
  if (mfaSecret) await saveSeed(mfaSecret, `${uri}\n`);
  const { code1, code2 } = await ctx.mfaCodes({ serial, userName: adminUser, secret, uri });
  // A stop signal while the codes were read: the device is not enabled yet, so stopping now leaves nothing half-done.
  ctx.stop.throwIfAborted();
  try {
    await retryWhileNotVisible(ctx.clock, () =>
      ctx.clients.iam.send(
        new EnableMFADeviceCommand({ UserName: adminUser, SerialNumber: serial, AuthenticationCode1: code1, AuthenticationCode2: code2 }),
      ),
    );
  } catch (err) {
    // If an earlier attempt's answer was lost, the retry is refused (codes already used) but the device is on.
    if ((await userMfaSerials(ctx, adminUser)).includes(serial)) return;
    throw err;
  }
}
