/**
 * What a password policy is, its presets, and the rule for merging a desired policy with the existing one
 * without silently weakening it. Shared by the password-policy step, password generation and audit.
 */

export interface PasswordPolicy {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  /** undefined = passwords never expire */
  MaxPasswordAge?: number;
  /** undefined = no reuse prevention */
  PasswordReusePrevention?: number;
  HardExpiry: boolean;
}

export type PolicyField = keyof PasswordPolicy;

export const POLICY_FIELDS: PolicyField[] = [
  'MinimumPasswordLength',
  'RequireSymbols',
  'RequireNumbers',
  'RequireUppercaseCharacters',
  'RequireLowercaseCharacters',
  'AllowUsersToChangePassword',
  'MaxPasswordAge',
  'PasswordReusePrevention',
  'HardExpiry',
];

export type PresetName = 'cis' | 'aws-default';

/** CIS AWS Foundations v3 1.8/1.9 and Security Hub IAM.7/11–16. */
export const CIS_POLICY: PasswordPolicy = {
  MinimumPasswordLength: 14,
  RequireSymbols: true,
  RequireNumbers: true,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  AllowUsersToChangePassword: true,
  PasswordReusePrevention: 24,
  HardExpiry: false,
};

/**
 * The values the IAM console starts a custom policy from. With no field flags, `aws-default` means
 * "AWS's default applies": it never creates a policy, and an existing one is kept (removing it would weaken it).
 */
export const AWS_DEFAULT_POLICY: PasswordPolicy = {
  MinimumPasswordLength: 8,
  RequireSymbols: false,
  RequireNumbers: false,
  RequireUppercaseCharacters: false,
  RequireLowercaseCharacters: false,
  AllowUsersToChangePassword: true,
  HardExpiry: false,
};

export const PRESETS: Record<PresetName, PasswordPolicy> = { cis: CIS_POLICY, 'aws-default': AWS_DEFAULT_POLICY };

/**
 * When no custom policy exists AWS enforces 8–128 characters with three of the four character classes;
 * a generated password must satisfy that too.
 */
export const IMPLICIT_AWS_RULES = { MinimumPasswordLength: 8, classesRequired: 3 } as const;

/** Is `a` at least as strict as `b` for this field? */
function atLeastAsStrict(field: PolicyField, a: PasswordPolicy[PolicyField], b: PasswordPolicy[PolicyField]): boolean {
  switch (field) {
    case 'MinimumPasswordLength':
      return (a as number) >= (b as number);
    case 'PasswordReusePrevention':
      // remembering more passwords is stricter; none at all is the weakest
      return b === undefined || (a !== undefined && (a as number) >= (b as number));
    case 'MaxPasswordAge':
      // a shorter lifetime is stricter; never expiring is the weakest
      return b === undefined || (a !== undefined && (a as number) <= (b as number));
    default:
      // booleans: requiring (true) is stricter than not
      return a === true || b === false;
  }
}

export interface MergedPolicy {
  policy: PasswordPolicy;
  /** Fields where the existing, stricter value was kept over the preset's. */
  kept: PolicyField[];
}

/**
 * The policy to send: the preset with explicit flags on top, except that an existing stricter value wins over
 * a preset value. An explicit flag always wins — that is how an operator deliberately relaxes a setting.
 */
export function mergePolicy(
  current: PasswordPolicy | undefined,
  preset: PasswordPolicy,
  explicit: Partial<PasswordPolicy>,
): MergedPolicy {
  const policy = { ...preset } as Record<PolicyField, unknown>;
  const kept: PolicyField[] = [];
  for (const field of POLICY_FIELDS) {
    if (field in explicit) {
      policy[field] = explicit[field];
      continue;
    }
    if (current && !atLeastAsStrict(field, preset[field], current[field])) {
      policy[field] = current[field];
      kept.push(field);
    }
  }
  return { policy: policy as unknown as PasswordPolicy, kept };
}

export function samePolicy(a: PasswordPolicy, b: PasswordPolicy): boolean {
  return POLICY_FIELDS.every((f) => a[f] === b[f]);
}

/** The SDK's GetAccountPasswordPolicy answer, normalised (absent numbers = "none"). */
export function fromApi(p: {
  MinimumPasswordLength?: number;
  RequireSymbols?: boolean;
  RequireNumbers?: boolean;
  RequireUppercaseCharacters?: boolean;
  RequireLowercaseCharacters?: boolean;
  AllowUsersToChangePassword?: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}): PasswordPolicy {
  return {
    MinimumPasswordLength: p.MinimumPasswordLength ?? 6,
    RequireSymbols: p.RequireSymbols ?? false,
    RequireNumbers: p.RequireNumbers ?? false,
    RequireUppercaseCharacters: p.RequireUppercaseCharacters ?? false,
    RequireLowercaseCharacters: p.RequireLowercaseCharacters ?? false,
    AllowUsersToChangePassword: p.AllowUsersToChangePassword ?? false,
    MaxPasswordAge: p.MaxPasswordAge || undefined,
    PasswordReusePrevention: p.PasswordReusePrevention || undefined,
    HardExpiry: p.HardExpiry ?? false,
  };
}
