/** The account alias: the readable part of the sign-in URL (https://<alias>.signin.aws.amazon.com/console). */
import { ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import type { AwsClients } from '../aws/clients.js';

export async function currentAlias(ctx: { clients: AwsClients }): Promise<string | undefined> {
  const { AccountAliases } = await ctx.clients.iam.send(new ListAccountAliasesCommand({}));
  return AccountAliases?.[0];
}
