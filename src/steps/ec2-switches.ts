/**
 * The EC2 account defaults init turns on in every enabled region: EBS encryption by default, snapshot and AMI
 * Block Public Access, and instance metadata defaults that require IMDSv2. Each affects only what is created
 * from now on, except the snapshot block, which also makes public snapshots private.
 */
import {
  EnableEbsEncryptionByDefaultCommand,
  EnableImageBlockPublicAccessCommand,
  EnableSnapshotBlockPublicAccessCommand,
  ModifyEbsDefaultKmsKeyIdCommand,
  ModifyInstanceMetadataDefaultsCommand,
} from '@aws-sdk/client-ec2';
import {
  ebsDefaultKmsKey,
  ebsEncryptionByDefault,
  imageBlockPublicAccess,
  imdsV1Instances,
  instanceMetadataDefaults,
  publicImages,
  publicSnapshots,
  snapshotBlockPublicAccess,
  type MetadataDefaults,
} from '../account/ec2-defaults.js';
import { regionalSwitchStep } from './regional-switch.js';

/** The hop limit that lets a container on the instance reach the metadata service with a token. */
export const IMDS_HOP_LIMIT = 2;

/** Whether the key EC2 reports (an ARN) is the one given (an id, alias or ARN). */
export function sameKmsKey(reported: string, given: string): boolean {
  return reported === given || reported.endsWith(`/${given}`) || reported.endsWith(`:${given}`);
}

export const ebsEncryptionStep = regionalSwitchStep<{ enabled: boolean; key?: string }>({
  id: 'ebs-encryption',
  title: 'EBS encryption by default',
  call: 'ec2:EnableEbsEncryptionByDefault',
  async read(ctx, region) {
    const enabled = await ebsEncryptionByDefault(ctx, region);
    // The key is read only when one is asked for: without --ebs-kms-key any key already chosen is kept.
    return ctx.settings.ebsKmsKey ? { enabled, key: await ebsDefaultKmsKey(ctx, region) } : { enabled };
  },
  isOn: (ctx, s) => s.enabled && (!ctx.settings.ebsKmsKey || sameKmsKey(s.key ?? '', ctx.settings.ebsKmsKey)),
  describe: (s) => (s.enabled ? `on${s.key ? ` (${s.key})` : ''}` : 'off'),
  wanted: (ctx) => `on (${ctx.settings.ebsKmsKey ?? 'AWS managed key'})`,
  async set(ctx, region, s) {
    const ec2 = await ctx.clients.ec2(region);
    // The key first: volumes created between the two calls are then encrypted with the key asked for.
    if (ctx.settings.ebsKmsKey && !sameKmsKey(s.key ?? '', ctx.settings.ebsKmsKey)) await ec2.send(new ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: ctx.settings.ebsKmsKey }));
    if (!s.enabled) await ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
  },
  note: 'new volumes only',
});

export const snapshotBlockPublicAccessStep = regionalSwitchStep<string>({
  id: 'snapshot-block-public-access',
  title: 'Snapshot public sharing block',
  call: 'ec2:EnableSnapshotBlockPublicAccess',
  read: (ctx, region) => snapshotBlockPublicAccess(ctx, region),
  isOn: (_ctx, state) => state === 'block-all-sharing',
  describe: (state) => state,
  wanted: () => 'block-all-sharing',
  async set(ctx, region) {
    await (await ctx.clients.ec2(region)).send(new EnableSnapshotBlockPublicAccessCommand({ State: 'block-all-sharing' }));
  },
  breaks: {
    find: (ctx, region) => publicSnapshots(ctx, region),
    reason: (found) => `public snapshots would become private (${found})`,
  },
});

export const amiBlockPublicAccessStep = regionalSwitchStep<string>({
  id: 'ami-block-public-access',
  title: 'AMI public sharing block',
  call: 'ec2:EnableImageBlockPublicAccess',
  read: (ctx, region) => imageBlockPublicAccess(ctx, region),
  isOn: (_ctx, state) => state === 'block-new-sharing',
  describe: (state) => state,
  wanted: () => 'block-new-sharing',
  async set(ctx, region) {
    await (await ctx.clients.ec2(region)).send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing' }));
  },
  breaks: {
    find: (ctx, region) => publicImages(ctx, region),
    // block-new-sharing leaves public AMIs public, but an account that publishes AMIs could publish no more.
    reason: (found) => `the account publishes AMIs (${found}), and the block would stop it making more public (those public now stay public)`,
  },
});

/** The hop limit a region gets: its own when it is already at most 2 (1 is stricter), else 2. */
const hopLimitFor = (s: MetadataDefaults) => (s.hopLimit !== undefined && s.hopLimit <= IMDS_HOP_LIMIT ? s.hopLimit : IMDS_HOP_LIMIT);

export const imdsDefaultsStep = regionalSwitchStep<MetadataDefaults>({
  id: 'imds-defaults',
  title: 'Instance metadata defaults',
  call: 'ec2:ModifyInstanceMetadataDefaults',
  read: (ctx, region) => instanceMetadataDefaults(ctx, region),
  isOn: (_ctx, s) => s.httpTokens === 'required' && s.hopLimit !== undefined && s.hopLimit <= IMDS_HOP_LIMIT,
  describe: (s) => (s.httpTokens ? `tokens ${s.httpTokens}${s.hopLimit ? `, hop limit ${s.hopLimit}` : ''}` : 'no account default'),
  wanted: (_ctx, s) => `IMDSv2 required, hop limit ${hopLimitFor(s)}`,
  async set(ctx, region, s) {
    await (await ctx.clients.ec2(region)).send(new ModifyInstanceMetadataDefaultsCommand({ HttpTokens: 'required', HttpPutResponseHopLimit: hopLimitFor(s) }));
  },
  breaks: {
    find: (ctx, region) => imdsV1Instances(ctx, region),
    reason: (found) => `running instances accept IMDSv1 (${found}); software launched the same way may need it`,
  },
  note: 'new instances only; running ones keep their settings',
});
