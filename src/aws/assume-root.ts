/**
 * Privileged root sessions (centralized root access): sts:AssumeRoot from the management account (or IAM's
 * delegated administrator) into a member account, limited to one root task policy; IAM calls without a UserName
 * then act on that member's root user. Sessions last at most 15 minutes.
 */
import { AssumeRootCommand, type STSClient } from '@aws-sdk/client-sts';
import { arnsIn } from '../account/arns.js';
import type { RoleCredentials } from './assume-role.js';

/** The root task policies the tool uses. */
export const ROOT_TASK = {
  /** Read-only: the root user's password, access keys, signing certificates and MFA devices. */
  audit: 'IAMAuditRootUserCredentials',
  deleteCredentials: 'IAMDeleteRootUserCredentials',
  createPassword: 'IAMCreateRootUserPassword',
} as const;

const ROOT_SESSION_SECONDS = 900;

/** A root task policy's ARN in the partition: arn:<p>:iam::aws:policy/root-task/<task>. */
export const taskPolicyArn = (partition: string, task: string) => arnsIn(partition).awsManagedPolicy(`root-task/${task}`);

/** Credentials of a root session in `accountId`, for `task`; AssumeRoot's own error when it is refused. */
export async function assumeRoot(sts: STSClient, accountId: string, partition: string, task: string): Promise<RoleCredentials> {
  const answer = await sts.send(new AssumeRootCommand({ TargetPrincipal: accountId, TaskPolicyArn: { arn: taskPolicyArn(partition, task) }, DurationSeconds: ROOT_SESSION_SECONDS }));
  const c = answer.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`sts:AssumeRoot returned no credentials for account ${accountId}`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
}
