/**
 * Every ARN the tool builds, in the caller's partition: `aws` (commercial), `aws-us-gov` (GovCloud), `aws-cn`
 * (China), and the isolated ones. The partition is read from the caller's own ARN (sts:GetCallerIdentity), so a
 * policy AWS manages, a role, a root principal or a Security Hub product is asked for where it exists. Nothing
 * else in src/ spells an ARN out.
 */

/** AWS managed policies the tool attaches or looks for, by name (the same in every partition). */
export const MANAGED_POLICY = {
  administratorAccess: 'AdministratorAccess',
  supportAccess: 'AWSSupportAccess',
  cloudShellFullAccess: 'AWSCloudShellFullAccess',
} as const;

/** The partition of an ARN ("arn:<partition>:…"); the commercial one when the ARN says nothing. */
export function partitionOf(arn: string | undefined): string {
  return arn?.split(':')[1] || 'aws';
}

export interface Arns {
  readonly partition: string;
  /** The account itself as a principal: arn:<p>:iam::<account>:root (the root user, or "this account" in a trust). */
  accountRoot(accountId: string): string;
  /** An AWS managed policy: arn:<p>:iam::aws:policy/<name> (name may carry a path: "root-task/…"). */
  awsManagedPolicy(name: string): string;
  role(accountId: string, name: string): string;
  user(accountId: string, name: string): string;
  group(accountId: string, name: string): string;
  /** In a policy's Resource: this user in any account (`userVariable` is e.g. "${aws:username}"). */
  anyAccountUser(userVariable: string): string;
  /** In a policy's Resource: every MFA device in any account. */
  anyAccountMfaDevices(): string;
  /** Every analyzer of a region: arn:<p>:access-analyzer:<region>:<account>:analyzer/*. */
  regionAnalyzers(region: string, accountId: string): string;
  /** An account's own findings product in Security Hub (its "default" product). */
  securityHubProduct(region: string, accountId: string): string;
  /** An S3 bucket (bucket ARNs name no region or account), or the objects under `key` ("*" for all). */
  bucket(name: string, key?: string): string;
  /** A CloudTrail trail: arn:<p>:cloudtrail:<home region>:<account>:trail/<name>. */
  trail(region: string, accountId: string, name: string): string;
}

export function arnsIn(partition: string): Arns {
  const iam = (account: string, resource: string) => `arn:${partition}:iam::${account}:${resource}`;
  return {
    partition,
    accountRoot: (accountId) => iam(accountId, 'root'),
    awsManagedPolicy: (name) => iam('aws', `policy/${name}`),
    role: (accountId, name) => iam(accountId, `role/${name}`),
    user: (accountId, name) => iam(accountId, `user/${name}`),
    group: (accountId, name) => iam(accountId, `group/${name}`),
    anyAccountUser: (userVariable) => iam('*', `user/${userVariable}`),
    anyAccountMfaDevices: () => iam('*', 'mfa/*'),
    regionAnalyzers: (region, accountId) => `arn:${partition}:access-analyzer:${region}:${accountId}:analyzer/*`,
    securityHubProduct: (region, accountId) => `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`,
    bucket: (name, key) => `arn:${partition}:s3:::${name}${key === undefined ? '' : `/${key}`}`,
    trail: (region, accountId, name) => `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${name}`,
  };
}

/** The ARNs of the partition `arn` (any ARN of the caller's, e.g. its identity) is in. */
export function arnsOf(arn: string | undefined): Arns {
  return arnsIn(partitionOf(arn));
}
