/** The admin user's console password (login profile). New passwords go only to the credentials file. */
import { CreateLoginProfileCommand, UpdateLoginProfileCommand } from '@aws-sdk/client-iam';
import { currentPasswordPolicy } from '../account/password-policy.js';
import { getUser, hasLoginProfile } from '../account/users.js';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import { isAwsError, RuntimeError } from '../errors.js';
import { generatePassword } from '../lib/password.js';
import { markPasswordPending, readPending, staleNote } from '../credentials/journal.js';
import { plan, type Step } from './types.js';

interface ConsoleData {
  /** create: no login profile yet; reset: one exists whose password an interrupted run never delivered */
  action?: 'create' | 'reset';
}

export const consoleAccessStep: Step<ConsoleData> = {
  id: 'console-access',
  title: 'Console access',

  async inspect(ctx) {
    const { adminUser: name, consoleAccess, password, passwordResetRequired } = ctx.settings;
    const exists = await hasLoginProfile(ctx, name);
    if (!consoleAccess) {
      const summary = exists ? 'existing console password left in place (--no-console-access)' : 'no console password (--no-console-access)';
      return plan(this, 'skip', summary, {});
    }
    const source = password ? 'password from standard input' : 'generated password';
    const reset = passwordResetRequired ? ', must be changed at first sign-in' : '';
    if (!exists) {
      return plan(this, 'create', `console password for ${name} (${source}${reset})`, { action: 'create' }, [
        { field: 'console password', to: source },
      ]);
    }
    const pending = readPending((await getUser(ctx, name))?.Tags);
    if (pending.password) {
      return plan(this, 'update', `reset ${name}'s console password`, { action: 'reset' }, [
        { field: 'console password', to: source, note: await staleNote(ctx, pending.passwordFile, 'password') },
      ]);
    }
    return plan(this, 'unchanged', `${name} already has a console password`, {});
  },

  async apply(ctx, p) {
    const action = p.data.action;
    if (!action) return {};
    const { adminUser: name, passwordResetRequired } = ctx.settings;
    const password = ctx.settings.password ?? generatePassword(await currentPasswordPolicy(ctx));
    ctx.secrets.add(password);
    await markPasswordPending(ctx, name, ctx.files.credentials?.path);
    const profile = { UserName: name, Password: password, PasswordResetRequired: passwordResetRequired };
    try {
      if (action === 'create') {
        try {
          await retryWhileNotVisible(ctx.clock, () => ctx.clients.iam.send(new CreateLoginProfileCommand(profile)));
        } catch (err) {
          // A lost answer to our own create: the profile exists with this very password; set it to be sure.
          if (!isAwsError(err, 'EntityAlreadyExists')) throw err;
          await ctx.clients.iam.send(new UpdateLoginProfileCommand(profile));
        }
      } else {
        await ctx.clients.iam.send(new UpdateLoginProfileCommand(profile));
      }
    } catch (err) {
      if (isAwsError(err, 'PasswordPolicyViolation')) {
        throw new RuntimeError(
          `AWS rejected the console password for ${name}: ${(err as Error).message}`,
          'The password must satisfy the account password policy.',
        );
      }
      throw err;
    }
    ctx.vault.keepPassword(password);
    return {};
  },
};
