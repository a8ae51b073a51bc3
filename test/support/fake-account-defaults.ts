/**
 * The account-wide defaults of one fake account (S3 Block Public Access, buckets, the EC2 switches per region,
 * budgets, trails, GuardDuty), kept in memory and answered through real SDK clients by aws-sdk-client-mock. Shared
 * by the init fake (fake-aws.ts) and the audit fixture, so a test can run init and then audit the same state.
 */
import * as budgets from '@aws-sdk/client-budgets';
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as ec2 from '@aws-sdk/client-ec2';
import * as guardduty from '@aws-sdk/client-guardduty';
import * as s3 from '@aws-sdk/client-s3';
import * as s3control from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../src/aws/clients.js';

export interface FakeRegion {
  ebsEncryption: boolean;
  ebsKey: string;
  snapshotBlock: string;
  imageBlock: string;
  imds: { HttpTokens?: string; HttpPutResponseHopLimit?: number };
  publicSnapshots: string[];
  publicImages: string[];
  /** Running instances: their ids and HttpTokens. */
  instances: { id: string; httpTokens: 'optional' | 'required' }[];
  guardDuty?: 'ENABLED' | 'DISABLED';
}

export interface FakeBucket {
  region: string;
  owner: 'self' | 'other';
  publicPolicy?: boolean;
  publicAcl?: boolean;
  blockPublicAccess?: s3.PublicAccessBlockConfiguration;
  encryption?: string;
  versioning?: string;
  policy?: string;
}

export interface FakeTrail {
  Name: string;
  HomeRegion: string;
  IsMultiRegionTrail: boolean;
  LogFileValidationEnabled: boolean;
  S3BucketName: string;
  logging: boolean;
  IsOrganizationTrail?: boolean;
}

export interface FakeBudget {
  budget: budgets.Budget;
  notifications: { notification: budgets.Notification; subscribers: budgets.Subscriber[] }[];
}

type Record_ = (service: string, op: string, input: unknown) => void;

const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

export function offRegion(): FakeRegion {
  return { ebsEncryption: false, ebsKey: 'alias/aws/ebs', snapshotBlock: 'unblocked', imageBlock: 'unblocked', imds: {}, publicSnapshots: [], publicImages: [], instances: [] };
}

export function secureRegion(): FakeRegion {
  return { ...offRegion(), ebsEncryption: true, snapshotBlock: 'block-all-sharing', imageBlock: 'block-new-sharing', imds: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 }, guardDuty: 'ENABLED' };
}

export class FakeAccountDefaults {
  s3Block?: s3control.PublicAccessBlockConfiguration;
  readonly buckets = new Map<string, FakeBucket>();
  readonly regions = new Map<string, FakeRegion>();
  readonly budgets = new Map<string, FakeBudget>();
  trails: FakeTrail[] = [];
  /** `${operation}@${region}` (or the operation alone): answered AccessDenied every time, until removed. */
  readonly denied = new Set<string>();

  /** A new account: everything off. */
  static fresh(): FakeAccountDefaults {
    return new FakeAccountDefaults();
  }

  /** Every switch on in `regions`, a budget that emails someone, a logging multi-region trail, GuardDuty on. */
  static secure(regionNames: string[]): FakeAccountDefaults {
    const d = new FakeAccountDefaults();
    d.s3Block = { ...ALL_ON };
    for (const r of regionNames) d.regions.set(r, secureRegion());
    d.budgets.set('monthly', {
      budget: { BudgetName: 'monthly', BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: '100.0', Unit: 'USD' } },
      notifications: [{ notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' }, subscribers: [{ SubscriptionType: 'EMAIL', Address: 'sec@example.com' }] }],
    });
    d.trails = [{ Name: 'org-trail', HomeRegion: regionNames[0] ?? 'us-east-1', IsMultiRegionTrail: true, LogFileValidationEnabled: true, S3BucketName: 'trail-logs', logging: true }];
    return d;
  }

  region(name: string): FakeRegion {
    let r = this.regions.get(name);
    if (!r) {
      r = offRegion();
      this.regions.set(name, r);
    }
    return r;
  }

  /** The six clients of the account defaults, answering from this state; `record` is told of every call. */
  clients(accountId: string, toolRegion: string, record: Record_, partition = 'aws'): Pick<AwsClients, 's3Control' | 's3' | 'budgets' | 'ec2' | 'cloudTrail' | 'guardDuty'> {
    const made = new Map<string, unknown>();
    const once = <C>(key: string, make: () => C): Promise<C> => {
      if (!made.has(key)) made.set(key, make());
      return Promise.resolve(made.get(key) as C);
    };
    const wire = <C extends object>(client: C, service: string, module: Record<string, unknown>, region: string, handlers: Record<string, (input: never) => unknown>): C => {
      const mock = mockClient(client as never);
      for (const [op, handler] of Object.entries(handlers)) {
        const Command = module[`${op}Command`];
        if (!Command) throw new Error(`no ${op}Command in ${service}`);
        mock.on(Command as never).callsFake(async (input: unknown) => {
          record(service, op, input);
          if (this.denied.has(op) || this.denied.has(`${op}@${region}`)) {
            throw Object.assign(new Error(`User is not authorized to perform: ${service.replace(/\(.*/, '')}:${op}`), {
              name: 'AccessDenied',
              $fault: 'client',
              $metadata: { httpStatusCode: 403 },
              $awsCall: `${service}:${op}`,
            });
          }
          return handler(input as never);
        });
      }
      return client;
    };
    return {
      s3Control: () => once('s3control', () => wire(new s3control.S3ControlClient({ region: toolRegion }), 's3control', s3control, toolRegion, this.s3ControlHandlers(accountId))),
      s3: () => once('s3', () => wire(new s3.S3Client({ region: toolRegion }), 's3', s3, toolRegion, this.s3Handlers(accountId))),
      budgets: () => once('budgets', () => wire(new budgets.BudgetsClient({ region: 'us-east-1' }), 'budgets', budgets, 'us-east-1', this.budgetHandlers())),
      ec2: (region) => once(`ec2(${region})`, () => wire(new ec2.EC2Client({ region }), `ec2(${region})`, ec2, region, this.ec2Handlers(region))),
      cloudTrail: (region) => once(`cloudtrail(${region})`, () => wire(new cloudtrail.CloudTrailClient({ region }), `cloudtrail(${region})`, cloudtrail, region, this.trailHandlers(accountId, region, partition))),
      guardDuty: (region) => once(`guardduty(${region})`, () => wire(new guardduty.GuardDutyClient({ region }), `guardduty(${region})`, guardduty, region, this.guardDutyHandlers(region))),
    };
  }

  private s3ControlHandlers(accountId: string): Record<string, (input: never) => unknown> {
    return {
      GetPublicAccessBlock: (i: s3control.GetPublicAccessBlockRequest) => {
        if (i.AccountId !== accountId) throw new Error(`GetPublicAccessBlock for ${i.AccountId}, not ${accountId}`);
        if (!this.s3Block) throw Object.assign(new Error('The public access block configuration was not found'), { name: 'NoSuchPublicAccessBlockConfiguration', $fault: 'client', $metadata: { httpStatusCode: 404 } });
        return { PublicAccessBlockConfiguration: this.s3Block };
      },
      PutPublicAccessBlock: (i: s3control.PutPublicAccessBlockRequest) => {
        this.s3Block = { ...i.PublicAccessBlockConfiguration };
        return {};
      },
    };
  }

  private bucket(name: string | undefined): FakeBucket {
    const b = this.buckets.get(name ?? '');
    if (!b) throw Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket', $fault: 'client', $metadata: { httpStatusCode: 404 } });
    return b;
  }

  private s3Handlers(accountId: string): Record<string, (input: never) => unknown> {
    return {
      ListBuckets: () => ({ Buckets: [...this.buckets].filter(([, b]) => b.owner === 'self').map(([Name, b]) => ({ Name, BucketRegion: b.region })) }),
      GetBucketPolicyStatus: (i: s3.GetBucketPolicyStatusRequest) => {
        const b = this.bucket(i.Bucket);
        if (!b.publicPolicy && !b.policy) throw Object.assign(new Error('The bucket policy does not exist'), { name: 'NoSuchBucketPolicy', $fault: 'client', $metadata: { httpStatusCode: 404 } });
        return { PolicyStatus: { IsPublic: b.publicPolicy === true } };
      },
      GetBucketAcl: (i: s3.GetBucketAclRequest) => ({
        Grants: this.bucket(i.Bucket).publicAcl ? [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }] : [],
      }),
      HeadBucket: (i: s3.HeadBucketRequest) => {
        const b = this.buckets.get(i.Bucket ?? '');
        if (!b) throw Object.assign(new Error('NotFound'), { name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } });
        if (b.owner !== 'self' || (i.ExpectedBucketOwner && i.ExpectedBucketOwner !== accountId)) throw Object.assign(new Error('Forbidden'), { name: 'Forbidden', $fault: 'client', $metadata: { httpStatusCode: 403 } });
        return {};
      },
      CreateBucket: (i: s3.CreateBucketRequest) => {
        if (this.buckets.has(i.Bucket ?? '')) throw Object.assign(new Error('yours'), { name: 'BucketAlreadyOwnedByYou', $fault: 'client', $metadata: { httpStatusCode: 409 } });
        this.buckets.set(i.Bucket ?? '', { region: i.CreateBucketConfiguration?.LocationConstraint ?? 'us-east-1', owner: 'self' });
        return {};
      },
      PutPublicAccessBlock: (i: s3.PutPublicAccessBlockRequest) => void (this.bucket(i.Bucket).blockPublicAccess = i.PublicAccessBlockConfiguration),
      GetPublicAccessBlock: (i: s3.GetPublicAccessBlockRequest) => ({ PublicAccessBlockConfiguration: this.bucket(i.Bucket).blockPublicAccess }),
      PutBucketEncryption: (i: s3.PutBucketEncryptionRequest) =>
        void (this.bucket(i.Bucket).encryption = i.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm),
      PutBucketVersioning: (i: s3.PutBucketVersioningRequest) => void (this.bucket(i.Bucket).versioning = i.VersioningConfiguration?.Status),
      PutBucketPolicy: (i: s3.PutBucketPolicyRequest) => void (this.bucket(i.Bucket).policy = i.Policy),
    };
  }

  private ec2Handlers(region: string): Record<string, (input: never) => unknown> {
    const r = () => this.region(region);
    return {
      GetEbsEncryptionByDefault: () => ({ EbsEncryptionByDefault: r().ebsEncryption }),
      EnableEbsEncryptionByDefault: () => ((r().ebsEncryption = true), { EbsEncryptionByDefault: true }),
      GetEbsDefaultKmsKeyId: () => ({ KmsKeyId: r().ebsKey }),
      ModifyEbsDefaultKmsKeyId: (i: ec2.ModifyEbsDefaultKmsKeyIdRequest) => ((r().ebsKey = i.KmsKeyId ?? ''), { KmsKeyId: i.KmsKeyId }),
      GetSnapshotBlockPublicAccessState: () => ({ State: r().snapshotBlock }),
      EnableSnapshotBlockPublicAccess: (i: ec2.EnableSnapshotBlockPublicAccessRequest) => ((r().snapshotBlock = i.State ?? ''), { State: i.State }),
      GetImageBlockPublicAccessState: () => ({ ImageBlockPublicAccessState: r().imageBlock }),
      EnableImageBlockPublicAccess: (i: ec2.EnableImageBlockPublicAccessRequest) => ((r().imageBlock = i.ImageBlockPublicAccessState ?? ''), { ImageBlockPublicAccessState: i.ImageBlockPublicAccessState }),
      GetInstanceMetadataDefaults: () => ({ AccountLevel: r().imds }),
      ModifyInstanceMetadataDefaults: (i: ec2.ModifyInstanceMetadataDefaultsRequest) => {
        r().imds = { HttpTokens: i.HttpTokens, HttpPutResponseHopLimit: i.HttpPutResponseHopLimit };
        return { Return: true };
      },
      DescribeSnapshots: () => ({ Snapshots: r().publicSnapshots.map((SnapshotId) => ({ SnapshotId })) }),
      DescribeImages: () => ({ Images: r().publicImages.map((ImageId) => ({ ImageId, Public: true })) }),
      DescribeInstances: () => ({ Reservations: [{ Instances: r().instances.map((i) => ({ InstanceId: i.id, MetadataOptions: { HttpTokens: i.httpTokens, HttpEndpoint: 'enabled' } })) }] }),
    };
  }

  private budget(name: string | undefined): FakeBudget {
    const b = this.budgets.get(name ?? '');
    if (!b) throw Object.assign(new Error(`budget ${name} not found`), { name: 'NotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    return b;
  }

  private budgetHandlers(): Record<string, (input: never) => unknown> {
    const same = (a: budgets.Notification, b: budgets.Notification | undefined) =>
      a.NotificationType === b?.NotificationType && a.ComparisonOperator === b?.ComparisonOperator && a.Threshold === b?.Threshold && a.ThresholdType === b?.ThresholdType;
    const duplicate = () => Object.assign(new Error('exists'), { name: 'DuplicateRecordException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    return {
      DescribeBudgets: () => {
        if (!this.budgets.size) throw Object.assign(new Error('no budgets'), { name: 'NotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
        return { Budgets: [...this.budgets.values()].map((b) => b.budget) };
      },
      DescribeNotificationsForBudget: (i: budgets.DescribeNotificationsForBudgetRequest) => ({ Notifications: this.budget(i.BudgetName).notifications.map((n) => n.notification) }),
      DescribeSubscribersForNotification: (i: budgets.DescribeSubscribersForNotificationRequest) => ({
        Subscribers: this.budget(i.BudgetName).notifications.find((n) => same(n.notification, i.Notification))?.subscribers ?? [],
      }),
      CreateBudget: (i: budgets.CreateBudgetRequest) => {
        if (this.budgets.has(i.Budget?.BudgetName ?? '')) throw duplicate();
        this.budgets.set(i.Budget?.BudgetName ?? '', {
          budget: { ...(i.Budget as budgets.Budget), BudgetLimit: { Amount: `${i.Budget?.BudgetLimit?.Amount}.0`, Unit: 'USD' } },
          notifications: (i.NotificationsWithSubscribers ?? []).map((n) => ({ notification: n.Notification as budgets.Notification, subscribers: n.Subscribers ?? [] })),
        });
        return {};
      },
      UpdateBudget: (i: budgets.UpdateBudgetRequest) => ((this.budget(i.NewBudget?.BudgetName).budget = { ...(i.NewBudget as budgets.Budget) }), {}),
      CreateNotification: (i: budgets.CreateNotificationRequest) => {
        const b = this.budget(i.BudgetName);
        if (b.notifications.some((n) => same(n.notification, i.Notification))) throw duplicate();
        b.notifications.push({ notification: i.Notification as budgets.Notification, subscribers: i.Subscribers ?? [] });
        return {};
      },
      CreateSubscriber: (i: budgets.CreateSubscriberRequest) => {
        const n = this.budget(i.BudgetName).notifications.find((x) => same(x.notification, i.Notification));
        if (!n) throw Object.assign(new Error('no notification'), { name: 'NotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
        if (n.subscribers.some((s) => s.Address === i.Subscriber?.Address)) throw duplicate();
        n.subscribers.push(i.Subscriber as budgets.Subscriber);
        return {};
      },
    };
  }

  private trailHandlers(accountId: string, region: string, partition: string): Record<string, (input: never) => unknown> {
    const arn = (t: Pick<FakeTrail, 'HomeRegion' | 'Name'>) => `arn:${partition}:cloudtrail:${t.HomeRegion}:${accountId}:trail/${t.Name}`;
    const find = (name: string | undefined) => {
      const t = this.trails.find((x) => x.Name === name || arn(x) === name);
      if (!t) throw Object.assign(new Error('trail not found'), { name: 'TrailNotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
      return t;
    };
    return {
      DescribeTrails: () => ({
        trailList: this.trails
          .filter((t) => t.HomeRegion === region || t.IsMultiRegionTrail)
          .map(({ logging: _l, ...t }) => ({ ...t, TrailARN: arn(t) })),
      }),
      GetTrailStatus: (i: cloudtrail.GetTrailStatusRequest) => ({ IsLogging: find(i.Name).logging }),
      CreateTrail: (i: cloudtrail.CreateTrailRequest) => {
        if (this.trails.some((t) => t.Name === i.Name && t.HomeRegion === region)) throw Object.assign(new Error('exists'), { name: 'TrailAlreadyExistsException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
        if (!this.buckets.has(i.S3BucketName ?? '')) throw Object.assign(new Error('no bucket'), { name: 'S3BucketDoesNotExistException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
        this.trails.push({ Name: i.Name ?? '', HomeRegion: region, IsMultiRegionTrail: i.IsMultiRegionTrail === true, LogFileValidationEnabled: i.EnableLogFileValidation === true, S3BucketName: i.S3BucketName ?? '', logging: false });
        return { Name: i.Name };
      },
      StartLogging: (i: cloudtrail.StartLoggingRequest) => ((find(i.Name).logging = true), {}),
    };
  }

  private guardDutyHandlers(region: string): Record<string, (input: never) => unknown> {
    const state = () => this.region(region).guardDuty;
    return {
      ListDetectors: () => ({ DetectorIds: state() ? [`det-${region}`] : [] }),
      GetDetector: () => ({ Status: state(), ServiceRole: 'x', CreatedAt: '2026-01-01', UpdatedAt: '2026-01-01' }),
    };
  }
}
