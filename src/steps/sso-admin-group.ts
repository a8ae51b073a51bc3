/** The administrators group in the Identity Center identity store (--sso-group, default Administrators). */
import { CreateGroupCommand } from '@aws-sdk/client-identitystore';
import { ssoGroupId } from '../account/identity-center.js';
import { isAwsError } from '../errors.js';
import { identityCenterOf } from './identity-center.js';
import { plan, type Step } from './types.js';

export const ssoAdminGroupStep: Step<{ create: boolean }> = {
  id: 'sso-admin-group',
  title: 'Identity Center group',

  async inspect(ctx) {
    const { instance, settings } = identityCenterOf(ctx);
    const existing = await ssoGroupId(ctx, instance.identityStoreId, settings.group);
    const summary = `group ${settings.group} in identity store ${instance.identityStoreId}`;
    if (existing) return plan(this, 'unchanged', summary, { create: false });
    return plan(this, 'create', summary, { create: true }, [{ field: 'group', to: settings.group }]);
  },

  async apply(ctx, p) {
    if (!p.data.create) return {};
    const { instance, settings } = identityCenterOf(ctx);
    try {
      await ctx.clients.identityStore.send(
        new CreateGroupCommand({
          IdentityStoreId: instance.identityStoreId,
          DisplayName: settings.group,
          Description: 'Administrators of the AWS accounts (made by iam-bootstrap)',
        }),
      );
    } catch (err) {
      // An earlier attempt whose answer was lost (the SDK retried), or a run beside this one, made it.
      if (!isAwsError(err, 'Conflict')) throw err;
    }
    return {};
  },
};
