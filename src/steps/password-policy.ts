/** The account password policy. UpdateAccountPasswordPolicy is not a partial update: always send all of it. */
import { UpdateAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import { currentPasswordPolicy } from '../account/password-policy.js';
import {
  mergePolicy,
  POLICY_FIELDS,
  PRESETS,
  samePolicy,
  type PasswordPolicy,
  type PolicyField,
} from '../lib/password-policy.js';
import { plan, type FieldChange, type Step } from './types.js';

interface PolicyData {
  /** The policy to send (create/update only). */
  policy?: PasswordPolicy;
}

/** The policy in force once this step has run (a password made in this run must satisfy it). */
const inForce = (effectivePasswordPolicy: PasswordPolicy | undefined) => ({ effectivePasswordPolicy });

export const passwordPolicyStep: Step<PolicyData> = {
  id: 'password-policy',
  title: 'Password policy',

  async inspect(ctx) {
    const wanted = ctx.settings.passwordPolicy;
    const current = await currentPasswordPolicy(ctx);
    if (!wanted) return plan(this, 'skip', 'password policy left as it is', {}, [], inForce(current));
    const noOverrides = Object.keys(wanted.explicit).length === 0;
    if (wanted.preset === 'aws-default' && noOverrides) {
      return plan(
        this,
        'unchanged',
        current ? 'existing custom policy kept (it is stronger than AWS default)' : 'AWS default policy in effect',
        {},
        [],
        inForce(current),
      );
    }
    const { policy, kept } = mergePolicy(current, PRESETS[wanted.preset], wanted.explicit);
    if (current && samePolicy(current, policy)) {
      return plan(this, 'unchanged', describe(policy), {}, [], inForce(current));
    }
    const changes: FieldChange[] = POLICY_FIELDS.filter((f) => !current || current[f] !== policy[f]).map((f) => ({
      field: f,
      ...(current ? { from: display(f, current[f]) } : {}),
      to: display(f, policy[f]),
    }));
    for (const f of kept) {
      changes.push({ field: f, from: display(f, current?.[f]), to: display(f, policy[f]), note: 'existing stricter value kept' });
    }
    return plan(this, current ? 'update' : 'create', describe(policy), { policy }, changes, inForce(policy));
  },

  async apply(ctx, p) {
    const policy = p.data.policy;
    if ((p.status !== 'create' && p.status !== 'update') || !policy) return {};
    await ctx.clients.iam.send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: policy.MinimumPasswordLength,
        RequireSymbols: policy.RequireSymbols,
        RequireNumbers: policy.RequireNumbers,
        RequireUppercaseCharacters: policy.RequireUppercaseCharacters,
        RequireLowercaseCharacters: policy.RequireLowercaseCharacters,
        AllowUsersToChangePassword: policy.AllowUsersToChangePassword,
        MaxPasswordAge: policy.MaxPasswordAge,
        PasswordReusePrevention: policy.PasswordReusePrevention,
        HardExpiry: policy.HardExpiry,
      }),
    );
    return {};
  },
};

function display(field: PolicyField, value: unknown): unknown {
  if (value === undefined) return field === 'MaxPasswordAge' ? 'never expires' : 'none';
  return value;
}

function describe(p: PasswordPolicy): string {
  const classes = [
    p.RequireUppercaseCharacters && 'upper',
    p.RequireLowercaseCharacters && 'lower',
    p.RequireNumbers && 'number',
    p.RequireSymbols && 'symbol',
  ].filter(Boolean);
  return [
    `min length ${p.MinimumPasswordLength}`,
    classes.length ? `requires ${classes.join('+')}` : 'no character classes required',
    p.PasswordReusePrevention ? `reuse prevention ${p.PasswordReusePrevention}` : 'no reuse prevention',
    p.MaxPasswordAge ? `expires after ${p.MaxPasswordAge} days${p.HardExpiry ? ' (hard)' : ''}` : 'no expiry',
  ].join(', ');
}
