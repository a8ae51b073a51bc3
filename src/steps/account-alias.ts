/** The account alias: the readable part of the sign-in URL (https://<alias>.signin.aws.amazon.com/console). */
import { CreateAccountAliasCommand } from '@aws-sdk/client-iam';
import { currentAlias } from '../account/alias.js';
import { isAwsError, RuntimeError, UsageError } from '../errors.js';
import { plan, type Step } from './types.js';

interface AliasData {
  desired?: string;
}

export const accountAliasStep: Step<AliasData> = {
  id: 'account-alias',
  title: 'Account alias',

  async inspect(ctx) {
    const desired = ctx.settings.alias;
    const current = await currentAlias(ctx);
    if (desired === undefined) {
      return plan(this, 'skip', current ? `alias ${current} left as it is (--no-alias)` : 'no alias (--no-alias)', {});
    }
    if (current === desired) return plan(this, 'unchanged', `alias ${current}`, { desired });
    if (!current) {
      return plan(this, 'create', `set alias ${desired}`, { desired }, [{ field: 'alias', to: desired }]);
    }
    if (!ctx.settings.replaceAlias) {
      throw new UsageError(
        `--alias: the account already has the alias "${current}". Pass --replace-alias to replace it with ` +
          `"${desired}" (the sign-in URL changes), or --alias ${current} to keep it.`,
      );
    }
    return plan(this, 'update', `replace alias ${current} with ${desired}`, { desired }, [
      { field: 'alias', from: current, to: desired, note: 'the sign-in URL changes' },
    ]);
  },

  async apply(ctx, p) {
    const desired = p.data.desired;
    if (p.status === 'skip' || p.status === 'unchanged' || !desired) return {};
    try {
      await ctx.clients.iam.send(new CreateAccountAliasCommand({ AccountAlias: desired }));
    } catch (err) {
      if (!isAwsError(err, 'EntityAlreadyExists')) throw err;
      // Either our own earlier attempt succeeded and its answer was lost, or another account owns the alias.
      if ((await currentAlias(ctx)) !== desired) {
        throw new RuntimeError(
          `the alias "${desired}" belongs to another AWS account (aliases are unique across AWS).`,
          'Choose another with --alias <alias>.',
        );
      }
    }
    return {};
  },
};
