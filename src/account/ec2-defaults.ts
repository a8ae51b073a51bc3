/**
 * EC2's account-level defaults, per region: EBS encryption by default, the snapshot and AMI public sharing
 * blocks, and instance metadata defaults; and what in the region those switches would break.
 */
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  GetEbsDefaultKmsKeyIdCommand,
  GetEbsEncryptionByDefaultCommand,
  GetImageBlockPublicAccessStateCommand,
  GetInstanceMetadataDefaultsCommand,
  GetSnapshotBlockPublicAccessStateCommand,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../aws/clients.js';
import { allPages } from '../aws/pagination.js';

type Ctx = { clients: AwsClients };

export async function ebsEncryptionByDefault(ctx: Ctx, region: string): Promise<boolean> {
  const ec2 = await ctx.clients.ec2(region);
  return (await ec2.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault === true;
}

/** The KMS key new volumes are encrypted with: "alias/aws/ebs" (the AWS managed key) or a key's ARN. */
export async function ebsDefaultKmsKey(ctx: Ctx, region: string): Promise<string> {
  const ec2 = await ctx.clients.ec2(region);
  return (await ec2.send(new GetEbsDefaultKmsKeyIdCommand({}))).KmsKeyId ?? 'alias/aws/ebs';
}

/** unblocked, block-all-sharing or block-new-sharing. */
export async function snapshotBlockPublicAccess(ctx: Ctx, region: string): Promise<string> {
  const ec2 = await ctx.clients.ec2(region);
  return (await ec2.send(new GetSnapshotBlockPublicAccessStateCommand({}))).State ?? 'unblocked';
}

/** unblocked or block-new-sharing. */
export async function imageBlockPublicAccess(ctx: Ctx, region: string): Promise<string> {
  const ec2 = await ctx.clients.ec2(region);
  return (await ec2.send(new GetImageBlockPublicAccessStateCommand({}))).ImageBlockPublicAccessState ?? 'unblocked';
}

export interface MetadataDefaults {
  /** "required" (IMDSv2 only), "optional", or undefined: no account default (each launch decides). */
  httpTokens?: string;
  hopLimit?: number;
}

export async function instanceMetadataDefaults(ctx: Ctx, region: string): Promise<MetadataDefaults> {
  const ec2 = await ctx.clients.ec2(region);
  const level = (await ec2.send(new GetInstanceMetadataDefaultsCommand({}))).AccountLevel;
  return { ...(level?.HttpTokens ? { httpTokens: level.HttpTokens } : {}), ...(level?.HttpPutResponseHopLimit ? { hopLimit: level.HttpPutResponseHopLimit } : {}) };
}

/** The region's snapshots of this account that anyone can restore. */
export async function publicSnapshots(ctx: Ctx, region: string): Promise<string[]> {
  const ec2 = await ctx.clients.ec2(region);
  const snapshots = await allPages(async (NextToken) => {
    const page = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], RestorableByUserIds: ['all'], MaxResults: 1000, NextToken }));
    return { items: page.Snapshots ?? [], next: page.NextToken };
  });
  return snapshots.flatMap((s) => (s.SnapshotId ? [s.SnapshotId] : []));
}

/** The region's AMIs of this account that are public. */
export async function publicImages(ctx: Ctx, region: string): Promise<string[]> {
  const ec2 = await ctx.clients.ec2(region);
  const images = await allPages(async (NextToken) => {
    const page = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'is-public', Values: ['true'] }], MaxResults: 1000, NextToken }));
    return { items: page.Images ?? [], next: page.NextToken };
  });
  return images.flatMap((i) => (i.ImageId && i.Public !== false ? [i.ImageId] : []));
}

/** The region's running instances that still accept IMDSv1 (metadata without a session token). */
export async function imdsV1Instances(ctx: Ctx, region: string): Promise<string[]> {
  const ec2 = await ctx.clients.ec2(region);
  const reservations = await allPages(async (NextToken) => {
    const page = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }], MaxResults: 1000, NextToken }));
    return { items: page.Reservations ?? [], next: page.NextToken };
  });
  return reservations
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.MetadataOptions?.HttpTokens !== 'required' && i.MetadataOptions?.HttpEndpoint !== 'disabled')
    .flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
}
