/** The admin IAM user: exists, carries the requested tags, and is a member of the admin group. */
import { AddUserToGroupCommand, CreateUserCommand, TagUserCommand, type Tag } from '@aws-sdk/client-iam';
import { getUser, userGroupNames } from '../account/users.js';
import { retryWhileNotVisible } from '../aws/eventual-consistency.js';
import { isAwsError } from '../errors.js';
import { JOURNAL_TAGS } from '../credentials/journal.js';
import { plan, type FieldChange, type Step } from './types.js';

interface UserData {
  createUser: boolean;
  tags: Tag[];
  addToGroup: boolean;
}

export const adminUserStep: Step<UserData> = {
  id: 'admin-user',
  title: 'Admin user',

  async inspect(ctx) {
    const { adminUser: name, adminGroup, tags } = ctx.settings;
    const user = await getUser(ctx, name);
    const summary = `user ${name} in group ${adminGroup}`;
    if (!user) {
      const changes: FieldChange[] = [{ field: 'user', to: name }, { field: 'group membership', to: adminGroup }];
      for (const t of tags) changes.push({ field: `tag ${t.Key}`, to: t.Value });
      // init checks IAM's 50-tag limit with the tags the user will carry.
      return plan(this, 'create', summary, { createUser: true, tags, addToGroup: true }, changes, { userTags: { keysAfter: tags.map((t) => t.Key), journalKeys: [] } });
    }
    const existing = new Map((user.Tags ?? []).map((t) => [t.Key, t.Value]));
    // Tags we do not mention are left alone: someone else may depend on them.
    const tagChanges = tags.filter((t) => existing.get(t.Key) !== t.Value);
    const addToGroup = !(await userGroupNames(ctx, name)).includes(adminGroup);
    const changes: FieldChange[] = tagChanges.map((t) => ({
      field: `tag ${t.Key}`,
      ...(existing.has(t.Key) ? { from: existing.get(t.Key) } : {}),
      to: t.Value,
    }));
    if (addToGroup) changes.push({ field: 'group membership', to: adminGroup });
    const status = changes.length ? 'update' : 'unchanged';
    const keys = new Set([...existing.keys(), ...tags.map((t) => t.Key)].filter((k): k is string => k !== undefined));
    const userTags = { keysAfter: [...keys].filter((k) => !JOURNAL_TAGS.includes(k)), journalKeys: [...keys].filter((k) => JOURNAL_TAGS.includes(k)) };
    return plan(this, status, summary, { createUser: false, tags: tagChanges, addToGroup }, changes, { userTags });
  },

  async apply(ctx, p) {
    const { adminUser: name, adminGroup } = ctx.settings;
    if (p.data.createUser) {
      try {
        await ctx.clients.iam.send(new CreateUserCommand({ UserName: name, Tags: p.data.tags.length ? p.data.tags : undefined }));
      } catch (err) {
        if (!isAwsError(err, 'EntityAlreadyExists')) throw err;
        // Created by an earlier attempt whose answer was lost; make sure the tags are there anyway.
        if (p.data.tags.length) await ctx.clients.iam.send(new TagUserCommand({ UserName: name, Tags: p.data.tags }));
      }
    } else if (p.data.tags.length) {
      await ctx.clients.iam.send(new TagUserCommand({ UserName: name, Tags: p.data.tags }));
    }
    if (p.data.addToGroup) {
      await retryWhileNotVisible(ctx.clock, () =>
        ctx.clients.iam.send(new AddUserToGroupCommand({ GroupName: adminGroup, UserName: name })),
      );
    }
    return {};
  },
};
