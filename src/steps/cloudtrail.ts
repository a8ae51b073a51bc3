/**
 * --cloudtrail: a multi-region trail with log file validation (SSB ACCT.07), delivering to a bucket of its own that
 * has Block Public Access, default encryption and versioning, and a policy that lets only CloudTrail write, only
 * for this trail (aws:SourceArn), and refuses every request without TLS. Opt-in, because the bucket's storage
 * costs money. An account that already has a multi-region trail keeps it, and gets no second one.
 */
import { CreateTrailCommand, StartLoggingCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { arnsIn } from '../account/arns.js';
import { isLogging, trailsSeenIn } from '../account/cloudtrail.js';
import { awsErrorStatus, isAwsError, UsageError } from '../errors.js';
import { plan, type FieldChange, type Step, type StepContext } from './types.js';

export const DEFAULT_TRAIL_NAME = 'iam-bootstrap';

/** iam-bootstrap-cloudtrail-<account>-<region>: at most 52 characters, unique to the account and region. */
export const defaultTrailBucket = (accountId: string, region: string) => `iam-bootstrap-cloudtrail-${accountId}-${region}`;

interface TrailData {
  bucket?: string;
  createBucket?: boolean;
  createTrail?: boolean;
  startLogging?: boolean;
}

/** The bucket policy: CloudTrail may check the ACL and write this trail's logs; nobody may use plain HTTP. */
export function trailBucketPolicy(ctx: StepContext, bucket: string, trailName: string): string {
  const arns = arnsIn(ctx.account.partition);
  const { accountId } = ctx.account;
  const sourceArn = arns.trail(ctx.clients.region, accountId, trailName);
  const cloudTrail = { Service: 'cloudtrail.amazonaws.com' };
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'CloudTrailAclCheck', Effect: 'Allow', Principal: cloudTrail, Action: 's3:GetBucketAcl', Resource: arns.bucket(bucket), Condition: { StringEquals: { 'aws:SourceArn': sourceArn } } },
      {
        Sid: 'CloudTrailWrite',
        Effect: 'Allow',
        Principal: cloudTrail,
        Action: 's3:PutObject',
        Resource: arns.bucket(bucket, `AWSLogs/${accountId}/*`),
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': sourceArn } },
      },
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arns.bucket(bucket), arns.bucket(bucket, '*')], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ],
  });
}

/** Whether the bucket exists and is this account's (true), does not exist (false); someone else's is a usage error. */
async function ownBucket(ctx: StepContext, bucket: string): Promise<boolean> {
  const s3 = await ctx.clients.s3();
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: ctx.account.accountId }));
    return true;
  } catch (err) {
    if (isAwsError(err, 'NotFound', 'NoSuchBucket') || awsErrorStatus(err) === 404) return false;
    if (awsErrorStatus(err) === 403) {
      throw new UsageError(`--cloudtrail-bucket: the bucket ${bucket} exists and belongs to another account; give another name with --cloudtrail-bucket. Nothing was changed.`);
    }
    throw err;
  }
}

export const cloudTrailStep: Step<TrailData> = {
  id: 'cloudtrail',
  title: 'CloudTrail',

  async inspect(ctx) {
    const wanted = ctx.settings.cloudTrail;
    if (!wanted) return plan(this, 'skip', 'no trail: --cloudtrail creates a multi-region trail (its bucket storage costs money)', {});
    const region = ctx.clients.region;
    const trails = await trailsSeenIn(ctx, region);
    const ours = trails.find((t) => t.Name === wanted.trailName && t.HomeRegion === region);
    const other = trails.find((t): t is Trail => t !== ours && t.IsMultiRegionTrail === true);
    if (!ours && other) {
      return plan(this, 'unchanged', `the multi-region trail ${other.Name} (${other.HomeRegion}) already records every region; left as it is`, {});
    }
    if (ours) {
      if (!ours.IsMultiRegionTrail) {
        throw new UsageError(`--cloudtrail-name: the trail ${wanted.trailName} exists in ${region} and records that region only; it is left alone: choose another --cloudtrail-name. Nothing was changed.`);
      }
      if (await isLogging(ctx, ours, region)) return plan(this, 'unchanged', `multi-region trail ${ours.Name} is logging to ${ours.S3BucketName}`, {});
      return plan(this, 'update', `start logging on trail ${ours.Name}`, { startLogging: true }, [{ field: 'logging', from: 'stopped', to: 'on' }]);
    }
    const bucket = wanted.bucket ?? defaultTrailBucket(ctx.account.accountId, region);
    const exists = await ownBucket(ctx, bucket);
    const changes: FieldChange[] = [
      { field: 'bucket', to: `${bucket} (${exists ? 'exists; ' : ''}Block Public Access, encryption, versioning, policy for this trail and TLS only)` },
      { field: 'trail', to: `${wanted.trailName}: every region, log file validation` },
    ];
    return plan(this, 'create', `multi-region trail ${wanted.trailName} to the bucket ${bucket}`, { bucket, createBucket: !exists, createTrail: true, startLogging: true }, changes);
  },

  async apply(ctx, p) {
    const wanted = ctx.settings.cloudTrail;
    if (!wanted) return {};
    const region = ctx.clients.region;
    const { bucket } = p.data;
    if (bucket) {
      const s3 = await ctx.clients.s3();
      if (p.data.createBucket) {
        // us-east-1 is S3's default location and must not be named.
        const location = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
        await s3.send(new CreateBucketCommand({ Bucket: bucket, ...location })).catch((err: unknown) => {
          if (!isAwsError(err, 'BucketAlreadyOwnedByYou')) throw err;
        });
      }
      // Set on an existing bucket too: a run stopped half-way is finished by the next.
      const owner = { Bucket: bucket, ExpectedBucketOwner: ctx.account.accountId };
      await s3.send(new PutPublicAccessBlockCommand({ ...owner, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }));
      await s3.send(new PutBucketEncryptionCommand({ ...owner, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] } }));
      await s3.send(new PutBucketVersioningCommand({ ...owner, VersioningConfiguration: { Status: 'Enabled' } }));
      await s3.send(new PutBucketPolicyCommand({ ...owner, Policy: trailBucketPolicy(ctx, bucket, wanted.trailName) }));
    }
    const trail = await ctx.clients.cloudTrail(region);
    if (p.data.createTrail && bucket) {
      await trail
        .send(new CreateTrailCommand({ Name: wanted.trailName, S3BucketName: bucket, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, EnableLogFileValidation: true }))
        .catch((err: unknown) => {
          if (!isAwsError(err, 'TrailAlreadyExists')) throw err;
        });
    }
    if (p.data.startLogging) await trail.send(new StartLoggingCommand({ Name: wanted.trailName }));
    return {};
  },
};
