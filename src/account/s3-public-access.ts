/** S3 Block Public Access at the account level, and the buckets it would make private. */
import { GetBucketAclCommand, GetBucketPolicyStatusCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand, type PublicAccessBlockConfiguration } from '@aws-sdk/client-s3-control';
import type { AwsClients } from '../aws/clients.js';
import { allPages } from '../aws/pagination.js';
import { isAwsError } from '../errors.js';
import { mapConcurrent } from '../lib/concurrency.js';

/** The four settings, in the console's order; the account is protected when every one is on. */
export const PUBLIC_ACCESS_BLOCK_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
export type PublicAccessBlock = Record<(typeof PUBLIC_ACCESS_BLOCK_SETTINGS)[number], boolean>;

/** The grantees that make an ACL public: everyone, and every AWS account. */
const PUBLIC_GRANTEES = new Set(['http://acs.amazonaws.com/groups/global/AllUsers', 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers']);
/** Buckets read at once while looking for public ones. */
const BUCKET_CONCURRENCY = 8;

/** The account's S3 Block Public Access; every setting off when it has none. */
export async function accountPublicAccessBlock(ctx: { clients: AwsClients }, accountId: string): Promise<PublicAccessBlock> {
  const client = await ctx.clients.s3Control();
  let config: PublicAccessBlockConfiguration | undefined;
  try {
    config = (await client.send(new GetPublicAccessBlockCommand({ AccountId: accountId }))).PublicAccessBlockConfiguration;
  } catch (err) {
    if (!isAwsError(err, 'NoSuchPublicAccessBlockConfiguration')) throw err;
  }
  return Object.fromEntries(PUBLIC_ACCESS_BLOCK_SETTINGS.map((s) => [s, config?.[s] === true])) as PublicAccessBlock;
}

export interface PublicBucket {
  name: string;
  /** What makes it public: its bucket policy, its ACL, or both. */
  through: ('policy' | 'ACL')[];
}

/** The account's buckets whose policy (as S3 judges it) or ACL grants access to everyone. */
export async function publicBuckets(ctx: { clients: AwsClients }): Promise<PublicBucket[]> {
  const client = await ctx.clients.s3();
  const buckets = await allPages(async (ContinuationToken) => {
    const page = await client.send(new ListBucketsCommand({ ContinuationToken, MaxBuckets: 1000 }));
    return { items: page.Buckets ?? [], next: page.ContinuationToken };
  });
  const judged = await mapConcurrent(buckets, BUCKET_CONCURRENCY, async ({ Name }): Promise<PublicBucket | undefined> => {
    if (!Name) return undefined;
    const [policy, acl] = await Promise.all([
      client.send(new GetBucketPolicyStatusCommand({ Bucket: Name })).then(
        (r) => r.PolicyStatus?.IsPublic === true,
        (err: unknown) => (isAwsError(err, 'NoSuchBucketPolicy') ? false : Promise.reject(err)),
      ),
      client.send(new GetBucketAclCommand({ Bucket: Name })).then((r) => (r.Grants ?? []).some((g) => PUBLIC_GRANTEES.has(g.Grantee?.URI ?? ''))),
    ]);
    const through = [...(policy ? ['policy' as const] : []), ...(acl ? ['ACL' as const] : [])];
    return through.length ? { name: Name, through } : undefined;
  });
  return judged.filter((b): b is PublicBucket => b !== undefined);
}
