/**
 * The administrator in the Identity Center identity store, a member of the administrators group. An existing user
 * of that name is reused, never duplicated or rewritten: where its email differs from the one given, the plan says
 * so. The API cannot set a first password (the user chooses one through "Forgot password" on the access portal) or
 * register MFA (the user does at first sign-in); the summary says both.
 */
import { CreateGroupMembershipCommand, CreateUserCommand } from '@aws-sdk/client-identitystore';
import { ssoGroupId, ssoUser, ssoUserGroupIds } from '../account/identity-center.js';
import { isAwsError, RuntimeError } from '../errors.js';
import { identityCenterOf, requireEarlierStep } from './identity-center.js';
import { plan, type FieldChange, type Step } from './types.js';

interface UserData {
  createUser: boolean;
  addMembership: boolean;
}

export const ssoAdminUserStep: Step<UserData> = {
  id: 'sso-admin-user',
  title: 'Identity Center user',

  async inspect(ctx) {
    const { instance, settings } = identityCenterOf(ctx);
    const { user: wanted, group } = settings;
    const [user, groupId] = await Promise.all([
      ssoUser(ctx, instance.identityStoreId, wanted.userName),
      ssoGroupId(ctx, instance.identityStoreId, group),
    ]);
    if (!groupId) requireEarlierStep(ctx, 'sso-admin-group', `the Identity Center group ${group}`);
    const member = user && groupId ? (await ssoUserGroupIds(ctx, instance.identityStoreId, user.userId)).includes(groupId) : false;
    const changes: FieldChange[] = [];
    if (!user) {
      changes.push({ field: 'user', to: wanted.userName });
      changes.push({ field: 'email', to: wanted.email });
      changes.push({ field: 'name', to: `${wanted.givenName} ${wanted.familyName}` });
    }
    if (!member) changes.push({ field: 'member of', to: group });
    let summary = `${wanted.userName} <${wanted.email}> in group ${group}`;
    if (user && user.email?.toLowerCase() !== wanted.email.toLowerCase()) {
      // Reused as it is: changing a person's email is for the person's own administrator, not a side effect.
      const note = `existing user reused; its email ${user.email ?? '(none)'} is kept, not changed to ${wanted.email}`;
      summary = `${wanted.userName} (existing; email ${user.email ?? 'none'} kept, not ${wanted.email}) in group ${group}`;
      changes.push({ field: 'email', from: user.email ?? '(none)', note });
    }
    const data = { createUser: !user, addMembership: !member };
    if (!user) return plan(this, 'create', summary, data, changes);
    return plan(this, member ? 'unchanged' : 'update', summary, data, changes);
  },

  async apply(ctx, p) {
    const { instance, settings } = identityCenterOf(ctx);
    const { user: wanted, group } = settings;
    const IdentityStoreId = instance.identityStoreId;
    let userId: string | undefined;
    if (p.data.createUser) {
      try {
        userId = (
          await ctx.clients.identityStore.send(
            new CreateUserCommand({
              IdentityStoreId,
              UserName: wanted.userName,
              DisplayName: `${wanted.givenName} ${wanted.familyName}`,
              Name: { GivenName: wanted.givenName, FamilyName: wanted.familyName },
              Emails: [{ Value: wanted.email, Type: 'work', Primary: true }],
            }),
          )
        ).UserId;
      } catch (err) {
        // Made by an earlier attempt whose answer was lost: found below by its name.
        if (!isAwsError(err, 'Conflict')) throw err;
      }
    }
    if (!p.data.addMembership) return {};
    userId ??= (await ssoUser(ctx, IdentityStoreId, wanted.userName))?.userId;
    const groupId = await ssoGroupId(ctx, IdentityStoreId, group);
    if (!userId || !groupId) {
      throw new RuntimeError(`Identity Center: ${userId ? `the group ${group}` : `the user ${wanted.userName}`} is not in identity store ${IdentityStoreId} (deleted while init ran?)`, 'Run init again.');
    }
    try {
      await ctx.clients.identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId, GroupId: groupId, MemberId: { UserId: userId } }));
    } catch (err) {
      if (!isAwsError(err, 'Conflict')) throw err;
    }
    return {};
  },
};
