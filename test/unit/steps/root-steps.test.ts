/** Centralized root access and the removal of a member's root credentials: every branch, with mocked clients. */
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteVirtualMFADeviceCommand,
  EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListOrganizationsFeaturesCommand,
  ListMFADeviceTagsCommand,
  ListSigningCertificatesCommand,
  ListVirtualMFADevicesCommand,
  TagMFADeviceCommand,
} from '@aws-sdk/client-iam';
import { EnableAWSServiceAccessCommand, ListAWSServiceAccessForOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/clients.js';
import { RuntimeError, UsageError } from '../../../src/errors.js';
import { rootAccessStep } from '../../../src/steps/root-access.js';
import { rootCredentialsStep } from '../../../src/steps/root-credentials.js';
import type { AccountIdentity } from '../../../src/account/identity.js';
import type { StepContext } from '../../../src/steps/types.js';
import { awsError, FakeAccount } from '../../support/fake-aws.js';
import { stepContext } from '../../support/step-context.js';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';

function identity(role: AccountIdentity['organization']['role'], accountId = MANAGEMENT): AccountIdentity {
  return { accountId, callerArn: `arn:aws:iam::${accountId}:user/ops`, isRoot: false, partition: 'aws', organization: { role, id: 'o-abc', managementAccountId: MANAGEMENT } };
}

/** An Organization's view of centralized root access: what is on, and every changing call made. */
function managementAccount(state: { trusted: boolean; features: string[] }) {
  const calls: string[] = [];
  const iam = new IAMClient({ region: 'us-east-1' });
  const organizations = new OrganizationsClient({ region: 'us-east-1' });
  mockClient(organizations)
    .on(ListAWSServiceAccessForOrganizationCommand)
    .callsFake(async () => ({ EnabledServicePrincipals: state.trusted ? [{ ServicePrincipal: 'iam.amazonaws.com' }] : [{ ServicePrincipal: 'config.amazonaws.com' }] }))
    .on(EnableAWSServiceAccessCommand)
    .callsFake(async () => {
      calls.push('EnableAWSServiceAccess');
      state.trusted = true;
      return {};
    });
  mockClient(iam)
    .on(ListOrganizationsFeaturesCommand)
    .callsFake(async () => {
      if (!state.trusted) throw awsError('ServiceAccessNotEnabledException', 'trusted access is not enabled');
      return { OrganizationId: 'o-abc', EnabledFeatures: state.features };
    })
    .on(EnableOrganizationsRootCredentialsManagementCommand)
    .callsFake(async () => {
      calls.push('EnableOrganizationsRootCredentialsManagement');
      state.features.push('RootCredentialsManagement');
      return {};
    })
    .on(EnableOrganizationsRootSessionsCommand)
    .callsFake(async () => {
      calls.push('EnableOrganizationsRootSessions');
      state.features.push('RootSessions');
      return {};
    });
  return { clients: { iam, organizations } as unknown as AwsClients, calls };
}

function rootAccessContext(role: AccountIdentity['organization']['role'], clients: AwsClients): StepContext {
  return { ...stepContext(new FakeAccount(), { centralizeRootAccess: true }), clients, account: identity(role) };
}

describe('root-access step (--centralize-root-access)', () => {
  it('from nothing: trusted access, then both features, in that order; a re-run is unchanged and calls nothing', async () => {
    const m = managementAccount({ trusted: false, features: [] });
    const ctx = rootAccessContext('management', m.clients);
    const p = await rootAccessStep.inspect(ctx);
    expect(p.status).toBe('create');
    expect(p.changes.map((c) => c.field)).toEqual(['trusted access for IAM in Organizations', 'root credentials management', 'privileged root sessions (sts:AssumeRoot)']);
    await rootAccessStep.apply(ctx, p);
    expect(m.calls).toEqual(['EnableAWSServiceAccess', 'EnableOrganizationsRootCredentialsManagement', 'EnableOrganizationsRootSessions']);
    m.calls.length = 0;
    const again = await rootAccessStep.inspect(ctx);
    expect(again.status).toBe('unchanged');
    await rootAccessStep.apply(ctx, again);
    expect(m.calls).toEqual([]);
  });

  it('half on: enables only what is missing', async () => {
    const m = managementAccount({ trusted: true, features: ['RootCredentialsManagement'] });
    const ctx = rootAccessContext('management', m.clients);
    const p = await rootAccessStep.inspect(ctx);
    expect(p.status).toBe('update');
    await rootAccessStep.apply(ctx, p);
    expect(m.calls).toEqual(['EnableOrganizationsRootSessions']);
  });

  it.each([
    ['member', /account 111111111111 is a member account \(the management account is 111111111111\); run it from the management account/],
    ['none', /is not in an AWS Organization/],
    ['unknown', /organizations:DescribeOrganization was denied/],
  ] as const)('refused in a %s account (exit 2) before any call', async (role, message) => {
    const m = managementAccount({ trusted: false, features: [] });
    const err = await rootAccessStep.inspect(rootAccessContext(role, m.clients)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect(m.calls).toEqual([]);
  });

  it('is skip without the flag', async () => {
    const m = managementAccount({ trusted: false, features: [] });
    const ctx = { ...rootAccessContext('management', m.clients), settings: { ...rootAccessContext('management', m.clients).settings, centralizeRootAccess: false } };
    expect((await rootAccessStep.inspect(ctx)).status).toBe('skip');
  });
});

interface Root {
  loginProfile: boolean;
  keys: string[];
  certificates: string[];
  /** Devices assigned to root. */
  mfa: string[];
  /** Root's virtual devices an earlier run deactivated but could not delete: unassigned now. */
  deactivated?: string[];
  /** Tags on MFA devices, by serial. */
  tags?: Record<string, { Key: string; Value: string }[]>;
}

const isVirtual = (serial: string) => serial.startsWith('arn:');
/** An unassigned virtual device of someone else's: never root's, never touched. */
const STRANGER = `arn:aws:iam::${MEMBER}:mfa/bobs-old-phone`;

/** The management account's STS (AssumeRoot) and the member's root session, which holds `root`. */
function memberRoot(root: Root, assumeRoot: 'ok' | Error = 'ok') {
  const calls: string[] = [];
  const sts = new STSClient({ region: 'us-east-1' });
  mockClient(sts)
    .on(AssumeRootCommand)
    .callsFake(async (input) => {
      calls.push(`AssumeRoot ${input.TargetPrincipal} ${input.TaskPolicyArn?.arn} ${input.DurationSeconds}`);
      if (assumeRoot !== 'ok') throw assumeRoot;
      return { Credentials: { AccessKeyId: 'ASIAROOT', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 900_000) } };
    });
  const iam = new IAMClient({ region: 'us-east-1' });
  const noUser = (input: { UserName?: string }) => {
    // In a root session every call must leave UserName out: that is what makes it act on root.
    if (input.UserName !== undefined) throw new Error('UserName given in a root session');
  };
  mockClient(iam)
    .on(GetLoginProfileCommand)
    .callsFake(async (input) => {
      noUser(input);
      if (!root.loginProfile) throw awsError('NoSuchEntityException', 'no login profile for root');
      return { LoginProfile: { UserName: 'root', CreateDate: new Date() } };
    })
    .on(ListAccessKeysCommand)
    .callsFake(async (input) => (noUser(input), { AccessKeyMetadata: root.keys.map((AccessKeyId) => ({ AccessKeyId })) }))
    .on(ListSigningCertificatesCommand)
    .callsFake(async (input) => (noUser(input), { Certificates: root.certificates.map((CertificateId) => ({ CertificateId, UserName: 'root', CertificateBody: 'x', Status: 'Active' as const })) }))
    .on(ListMFADevicesCommand)
    .callsFake(async (input) => (noUser(input), { MFADevices: root.mfa.map((SerialNumber) => ({ SerialNumber, UserName: 'root', EnableDate: new Date() })) }))
    .on(DeleteLoginProfileCommand)
    .callsFake(async (input) => {
      noUser(input);
      calls.push('DeleteLoginProfile');
      root.loginProfile = false;
      return {};
    })
    .on(DeleteAccessKeyCommand)
    .callsFake(async (input) => {
      calls.push(`DeleteAccessKey ${input.AccessKeyId}`);
      if (!root.keys.includes(input.AccessKeyId ?? '')) throw awsError('NoSuchEntityException', `no access key ${input.AccessKeyId}`, 404);
      root.keys = root.keys.filter((k) => k !== input.AccessKeyId);
      return {};
    })
    .on(DeleteSigningCertificateCommand)
    .callsFake(async (input) => {
      calls.push(`DeleteSigningCertificate ${input.CertificateId}`);
      root.certificates = root.certificates.filter((c) => c !== input.CertificateId);
      return {};
    })
    .on(DeactivateMFADeviceCommand)
    .callsFake(async (input) => {
      noUser(input);
      calls.push(`DeactivateMFADevice ${input.SerialNumber}`);
      const serial = input.SerialNumber ?? '';
      if (!root.mfa.includes(serial)) throw awsError('NoSuchEntityException', `no device ${serial}`, 404);
      root.mfa = root.mfa.filter((m) => m !== serial);
      // A deactivated virtual device still exists, unassigned; a hardware one is simply no longer root's.
      if (isVirtual(serial)) root.deactivated = [...(root.deactivated ?? []), serial];
      return {};
    })
    .on(DeleteVirtualMFADeviceCommand)
    .callsFake(async (input) => {
      const serial = input.SerialNumber ?? '';
      // IAM refuses to delete a virtual device that is still active.
      if (root.mfa.includes(serial)) throw awsError('DeleteConflictException', 'MFA device is still in use', 409);
      if (deleteDenied) throw awsError('AccessDenied', 'explicit deny', 403);
      if (!(root.deactivated ?? []).includes(serial)) throw awsError('NoSuchEntityException', `no device ${serial}`, 404);
      calls.push(`DeleteVirtualMFADevice ${serial}`);
      root.deactivated = (root.deactivated ?? []).filter((m) => m !== serial);
      return {};
    });
  // The member account's own role: lists virtual devices (root's among them) and tags them.
  const memberIam = new IAMClient({ region: 'us-east-1' });
  mockClient(memberIam)
    .on(ListVirtualMFADevicesCommand)
    .callsFake(async () => ({
      VirtualMFADevices: [
        ...root.mfa.filter(isVirtual).map((SerialNumber) => ({ SerialNumber, User: { Arn: `arn:aws:iam::${MEMBER}:root`, UserId: MEMBER, Path: '/', UserName: '', CreateDate: new Date() } })),
        ...(root.deactivated ?? []).map((SerialNumber) => ({ SerialNumber })),
        { SerialNumber: STRANGER },
      ],
      IsTruncated: false,
    }))
    .on(ListMFADeviceTagsCommand)
    .callsFake(async (input) => ({ Tags: root.tags?.[input.SerialNumber ?? ''] ?? [] }))
    .on(TagMFADeviceCommand)
    .callsFake(async (input) => {
      calls.push(`TagMFADevice ${input.SerialNumber} ${input.Tags?.map((t: { Key?: string; Value?: string }) => `${t.Key}=${t.Value}`).join(',')}`);
      root.tags = { ...root.tags, [input.SerialNumber ?? '']: input.Tags as { Key: string; Value: string }[] };
      return {};
    });
  let deleteDenied = false;
  return { sts, iam, memberIam, calls, root, denyDeletes: (on: boolean) => (deleteDenied = on) };
}

function removalContext(m: ReturnType<typeof memberRoot>, over: { role?: AccountIdentity['organization']['role']; target?: string; acting?: boolean } = {}): StepContext {
  const base = stepContext(new FakeAccount(), { removeRootCredentials: true, withAdminUser: false });
  const target = over.target ?? MEMBER;
  return {
    ...base,
    clients: { ...base.clients, iam: m.memberIam },
    account: identity(over.role ?? 'member', target),
    callerClients: { sts: m.sts } as unknown as AwsClients,
    clientsFor: () => ({ iam: m.iam }) as unknown as AwsClients,
    ...(over.acting === false ? {} : { actingThrough: { callerArn: `arn:aws:iam::${MANAGEMENT}:user/ops`, roleArn: `arn:aws:iam::${target}:role/OrganizationAccountAccessRole`, accountId: target } }),
  };
}

const EVERYTHING: Root = {
  loginProfile: true,
  keys: ['AKIAROOT1', 'AKIAROOT2'],
  certificates: ['CERT1'],
  mfa: [`arn:aws:iam::${MEMBER}:mfa/root-account-mfa-device`, 'GAHT12345678'],
};

describe('root-credentials step (--account <member> --remove-root-credentials)', () => {
  it('everything to delete: shown in the plan, deleted, each MFA device deactivated before a virtual one is deleted', async () => {
    const m = memberRoot(structuredClone(EVERYTHING));
    const ctx = removalContext(m);
    const p = await rootCredentialsStep.inspect(ctx);
    expect(p.status).toBe('update');
    expect(p.changes).toEqual([
      { field: 'root console password', from: 'set', to: 'deleted' },
      { field: 'root access key', from: 'AKIAROOT1', to: 'deleted' },
      { field: 'root access key', from: 'AKIAROOT2', to: 'deleted' },
      { field: 'root signing certificate', from: 'CERT1', to: 'deleted' },
      { field: 'root MFA device', from: `arn:aws:iam::${MEMBER}:mfa/root-account-mfa-device`, to: 'deactivated, deleted' },
      { field: 'root MFA device', from: 'GAHT12345678', to: 'deactivated' },
    ]);
    expect(m.calls).toEqual([`AssumeRoot ${MEMBER} arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials 900`]);
    await rootCredentialsStep.apply(ctx, p);
    expect(m.calls.slice(1)).toEqual([
      `AssumeRoot ${MEMBER} arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials 900`,
      'DeleteLoginProfile',
      'DeleteAccessKey AKIAROOT1',
      'DeleteAccessKey AKIAROOT2',
      'DeleteSigningCertificate CERT1',
      `TagMFADevice arn:aws:iam::${MEMBER}:mfa/root-account-mfa-device iam-bootstrap:deactivated-root-mfa=${MEMBER}`,
      `DeactivateMFADevice arn:aws:iam::${MEMBER}:mfa/root-account-mfa-device`,
      `DeleteVirtualMFADevice arn:aws:iam::${MEMBER}:mfa/root-account-mfa-device`,
      'DeactivateMFADevice GAHT12345678',
    ]);
    expect(m.root).toMatchObject({ loginProfile: false, keys: [], certificates: [], mfa: [], deactivated: [] });
  });

  it('a virtual device whose delete failed after it was deactivated is found on the re-run and deleted; a stranger\'s unassigned device is not', async () => {
    const root = `arn:aws:iam::${MEMBER}:mfa/root-account-mfa-device`;
    const m = memberRoot({ loginProfile: false, keys: [], certificates: [], mfa: [root] });
    const ctx = removalContext(m);
    m.denyDeletes(true);
    await expect(rootCredentialsStep.apply(ctx, await rootCredentialsStep.inspect(ctx))).rejects.toThrow(/explicit deny/);
    expect(m.root).toMatchObject({ mfa: [], deactivated: [root] }); // off, but still holding root's old seed
    m.denyDeletes(false);
    const again = await rootCredentialsStep.inspect(ctx);
    expect(again.status).toBe('update');
    expect(again.changes).toEqual([{ field: 'root MFA device', from: root, to: 'deleted', note: 'deactivated by an earlier run that could not delete it; it still holds the old seed' }]);
    await rootCredentialsStep.apply(ctx, again);
    expect(m.root.deactivated).toEqual([]);
    expect(m.calls).not.toContain(`DeleteVirtualMFADevice ${STRANGER}`);
    expect((await rootCredentialsStep.inspect(ctx)).status).toBe('unchanged');
  });

  it('nothing to delete: unchanged, and apply makes no call', async () => {
    const m = memberRoot({ loginProfile: false, keys: [], certificates: [], mfa: [] });
    const ctx = removalContext(m);
    const p = await rootCredentialsStep.inspect(ctx);
    expect(p.status).toBe('unchanged');
    expect(p.summary).toBe(`root of ${MEMBER} has no password, access key, signing certificate or MFA device`);
  });

  it('converges when something is already gone by the time it is deleted', async () => {
    const m = memberRoot(structuredClone(EVERYTHING));
    const ctx = removalContext(m);
    const p = await rootCredentialsStep.inspect(ctx);
    m.root.keys = []; // deleted by someone else between plan and apply: IAM answers NoSuchEntity
    await expect(rootCredentialsStep.apply(ctx, p)).resolves.toEqual({});
    expect(m.root).toMatchObject({ loginProfile: false, keys: [], certificates: [], mfa: [], deactivated: [] });
  });

  it('AccessDenied from a service control policy: exit 3 naming sts:AssumeRoot and the likely causes', async () => {
    const m = memberRoot(structuredClone(EVERYTHING), awsError('AccessDenied', 'explicit deny in a service control policy', 403));
    const err = await rootCredentialsStep.inspect(removalContext(m)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).message).toBe(`sts:AssumeRoot into account ${MEMBER} failed: AccessDenied: explicit deny in a service control policy`);
    expect((err as RuntimeError).suggestion).toMatch(/centralized root access is not enabled.*--centralize-root-access.*service control policy/s);
  });

  it('a member whose Organization has not enabled the feature: the same message, pointing at --centralize-root-access', async () => {
    const notEnabled = awsError('AccessDenied', 'Root sessions are not enabled for the organization', 403);
    const m = memberRoot(structuredClone(EVERYTHING), notEnabled);
    const err = await rootCredentialsStep.inspect(removalContext(m)).catch((e: unknown) => e);
    expect((err as RuntimeError).message).toContain('Root sessions are not enabled');
    expect((err as RuntimeError).suggestion).toContain('iam-bootstrap init --only root-access --centralize-root-access');
  });

  it('refused without --account, in the management account and outside an Organization: exit 2, no call', async () => {
    const m = memberRoot(structuredClone(EVERYTHING));
    await expect(rootCredentialsStep.inspect(removalContext(m, { acting: false }))).rejects.toThrow('--remove-root-credentials: needs --account');
    await expect(rootCredentialsStep.inspect(removalContext(m, { target: MANAGEMENT, role: 'management' }))).rejects.toThrow(
      `account ${MANAGEMENT} is the management account`,
    );
    await expect(rootCredentialsStep.inspect(removalContext(m, { role: 'none' }))).rejects.toThrow('is not a member of an AWS Organization');
    expect(m.calls).toEqual([]);
  });

  it('is skip without the flag, and never assumes root', async () => {
    const m = memberRoot(structuredClone(EVERYTHING));
    const ctx = removalContext(m);
    const p = await rootCredentialsStep.inspect({ ...ctx, settings: { ...ctx.settings, removeRootCredentials: false } });
    expect(p.status).toBe('skip');
    expect(m.calls).toEqual([]);
  });
});
