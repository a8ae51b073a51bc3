/** The account password policy as it is now. */
import { GetAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import { unlessAbsent } from '../aws/absent.js';
import type { AwsClients } from '../aws/clients.js';
import { fromApi, type PasswordPolicy } from '../lib/password-policy.js';

/** The custom policy, or undefined when AWS's default applies (GetAccountPasswordPolicy → NoSuchEntity). */
export async function currentPasswordPolicy(ctx: { clients: AwsClients }): Promise<PasswordPolicy | undefined> {
  const answer = await unlessAbsent(ctx.clients.iam.send(new GetAccountPasswordPolicyCommand({})));
  return answer?.PasswordPolicy ? fromApi(answer.PasswordPolicy) : undefined;
}
