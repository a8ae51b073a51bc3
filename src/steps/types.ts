/**
 * The one shape every init step has: `inspect` reads AWS (through src/account/) and says what would change;
 * `apply` makes exactly those changes. `init --dry-run` stops after inspect.
 */
import type { IdentityCenterInstance } from '../account/identity-center.js';
import type { AccountIdentity } from '../account/identity.js';
import type { Context, ReservedFile } from '../context.js';
import type { PasswordPolicy, PresetName } from '../lib/password-policy.js';
import type { Tag } from '../lib/rules.js';

/** Every init step, in the order init runs them (src/commands/init/index.ts holds the modules in this order). */
export const STEP_IDS = [
  'account-alias',
  'password-policy',
  'security-contact',
  'support-role',
  'access-analyzer',
  's3-block-public-access',
  'ebs-encryption',
  'snapshot-block-public-access',
  'ami-block-public-access',
  'imds-defaults',
  'budget',
  'cloudtrail',
  'root-access',
  'root-credentials',
  'sso-admin-group',
  'sso-admin-user',
  'permission-set',
  'account-assignment',
  'admin-group',
  'admin-user',
  'console-access',
  'access-key',
  'mfa',
] as const;
export type StepId = (typeof STEP_IDS)[number];

/** The steps about the admin IAM user: all skipped with --no-admin-user. */
export const ADMIN_USER_STEPS: readonly StepId[] = ['admin-group', 'admin-user', 'console-access', 'access-key', 'mfa'];

/** The steps of the Identity Center admin path (--admin identity-center): skipped on the IAM user path. */
export const IDENTITY_CENTER_STEPS: readonly StepId[] = ['sso-admin-group', 'sso-admin-user', 'permission-set', 'account-assignment'];

/** How people administer the account: the seeds' IAM user, or IAM Identity Center with temporary credentials. */
export const ADMIN_PATHS = ['iam-user', 'identity-center'] as const;
export type AdminPath = (typeof ADMIN_PATHS)[number];

/** The tag that marks the IAM admin user made beside Identity Center (--break-glass-user). */
export const BREAK_GLASS_TAG = { Key: 'iam-bootstrap:break-glass', Value: 'true' } as const;

/** --admin identity-center: who gets administrator access through Identity Center, and where. */
export interface IdentityCenterSettings {
  /** The identity store group (--sso-group, default Administrators). */
  group: string;
  /** The person: an existing user of this name is reused, never duplicated. */
  user: { userName: string; email: string; givenName: string; familyName: string };
  /** The permission set's name (--permission-set, default AdministratorAccess). */
  permissionSet: string;
  /** --session-duration in minutes; undefined: 60 for a new set, an existing set's own kept. */
  sessionMinutes?: number;
  /** Where the group gets the set: this account, every ACTIVE account of the Organization, or these ids. */
  assignAccounts: 'this' | 'all' | string[];
}

/**
 * The account-wide switches: each is on by default and --no-<step> leaves it alone. Those that can break something
 * already in the account (a public bucket, a public AMI, an instance that needs IMDSv1) are skipped with the reason
 * when their inspection finds such things, and then applied only when their own flag is given.
 */
export const SWITCH_STEPS = ['s3-block-public-access', 'ebs-encryption', 'snapshot-block-public-access', 'ami-block-public-access', 'imds-defaults'] as const;
export type SwitchStepId = (typeof SWITCH_STEPS)[number];
/** off: --no-<step>; default: on unless the inspection finds what it would break; explicit: --<step>, on regardless. */
export type SwitchMode = 'off' | 'default' | 'explicit';

/** The monthly cost budget (--budget-amount, --budget-email, --budget-name). */
export interface BudgetSettings {
  name: string;
  /** USD a month; undefined: not given, an existing budget keeps its own and none is created. */
  amount?: number;
  /** Who is notified; undefined: the security contact's email. */
  email?: string;
}

/** --cloudtrail: a multi-region trail to a bucket of its own. */
export interface CloudTrailSettings {
  trailName: string;
  /** The bucket; undefined: iam-bootstrap-cloudtrail-<account>-<region>. */
  bucket?: string;
}

/** --only / --skip: which steps this run inspects and applies. */
export interface StepSelection {
  only?: StepId[];
  skip: StepId[];
}

export function isSelected(selection: StepSelection, id: StepId): boolean {
  return selection.only ? selection.only.includes(id) : !selection.skip.includes(id);
}

/** create / update: AWS will be changed; unchanged: already as desired; skip: turned off by an option. */
export type StepStatus = 'create' | 'update' | 'unchanged' | 'skip';

export interface FieldChange {
  field: string;
  from?: unknown;
  to?: unknown;
  /** Why, when it is not obvious: "existing stricter value kept". */
  note?: string;
}

/**
 * What a step's inspection tells init and the other steps, typed: a step's `data` is its own business, these
 * facts are the contract. Each is set by the one step named.
 */
export interface PlanFacts {
  /** password-policy: the policy in force once it has run; undefined while AWS's default applies. */
  effectivePasswordPolicy?: PasswordPolicy;
  /** admin-user: the user's tag keys once it has run (journal tags apart), and the journal tags it carries now. */
  userTags?: { keysAfter: string[]; journalKeys: string[] };
  /** mfa: the MFA device the admin user already has. */
  existingMfaSerial?: string;
  /** account-assignment: the accounts the group will have the permission set on. */
  assignedAccounts?: string[];
}

export interface StepPlan<D = unknown> {
  id: StepId;
  title: string;
  status: StepStatus;
  /** One line for people: "create user alice in group Administrators". */
  summary: string;
  changes: FieldChange[];
  /** What apply needs, computed by inspect; never shown to the operator, never read by anyone else. */
  data: D;
  /** What others may know of this step's inspection. */
  facts?: PlanFacts;
}

/** What apply hands back for the summary. Secrets never travel this way: they go to the vault the moment they exist. */
export interface StepOutcome {
  mfaSerial?: string;
}

/**
 * Where this run's secrets go: files reserved before the first change (none for --dry-run, which applies nothing).
 */
export interface SecretFiles {
  credentials?: ReservedFile;
  mfaSecret?: ReservedFile;
  qrPng?: ReservedFile;
}

/**
 * Secrets created by this run, kept from the moment AWS returns them until they are in the credentials file, so
 * that a failure in the very next call cannot lose them (src/steps/credentials-file.ts).
 */
export interface CredentialKeeper {
  keepPassword(password: string): void;
  /** `before`: the user's key ids before this one was created (the journal tells strays apart by them). */
  keepAccessKey(key: { id: string; secret: string }, before: string[]): void;
  /** No key created by this run is left whose secret is not kept, so the key's journal tag can go once it is saved. */
  accessKeyAccountedFor(): void;
}

/** init's validated options: every flag and prompt answer, checked before any AWS call that changes anything. */
export interface InitSettings {
  /** undefined: --no-alias */
  alias?: string;
  replaceAlias: boolean;
  /** undefined: --no-password-policy */
  passwordPolicy?: { preset: PresetName; explicit: Partial<PasswordPolicy> };
  /** undefined: --no-security-contact; fields left undefined were not given (an existing contact keeps them). */
  securityContact?: Partial<{ email: string; name: string; phone: string; title: string }>;
  /** The support role's name; undefined: --no-support-role */
  supportRole?: string;
  /** undefined: --no-access-analyzer */
  accessAnalyzer?: { regions: 'all' | string[]; name: string; type: 'ACCOUNT' | 'ORGANIZATION' };
  /** The account-wide switches (see SWITCH_STEPS); a missing one is 'default'. */
  switches?: Partial<Record<SwitchStepId, SwitchMode>>;
  /** --ebs-kms-key: new volumes are encrypted with this key instead of the AWS managed key. */
  ebsKmsKey?: string;
  /** undefined: --no-budget */
  budget?: BudgetSettings;
  /** undefined: no trail (--cloudtrail asks for one). */
  cloudTrail?: CloudTrailSettings;
  adminGroup: string;
  /** --admin-policy ARNs; undefined: AdministratorAccess in the caller's partition. */
  adminPolicies?: string[];
  requireMfa: boolean;
  /** --centralize-root-access: the Organization's centralized root access (management account only). */
  centralizeRootAccess: boolean;
  /** --remove-root-credentials: delete the member account's root password, keys, certificates and MFA. */
  removeRootCredentials: boolean;
  /** --admin: iam-user (the admin IAM user steps) or identity-center (the Identity Center steps). */
  admin: AdminPath;
  /** With --admin identity-center. */
  identityCenter?: IdentityCenterSettings;
  /** --break-glass-user: the admin IAM user is made beside Identity Center, tagged as break-glass. */
  breakGlass: boolean;
  /**
   * false with --no-admin-user, or identity-center without --break-glass-user: the admin group, user, console
   * password, key and MFA steps are skipped.
   */
  withAdminUser: boolean;
  /** --only / --skip: the steps this run inspects and applies (the others are skipped without a call). */
  steps: StepSelection;
  adminUser: string;
  tags: Tag[];
  consoleAccess: boolean;
  /** From --password-stdin; otherwise one is generated. */
  password?: string;
  passwordResetRequired: boolean;
  accessKey: boolean;
  credentialsFile?: string;
  mfa: boolean;
  mfaDeviceName: string;
  qrPng?: string;
  mfaSecretFile?: string;
}

export interface MfaEnrolment {
  serial: string;
  userName: string;
  /** base32 seed: a secret, never printed except to the operator's own terminal */
  secret: string;
  uri: string;
}

export interface MfaCodes {
  code1: string;
  code2: string;
}

/** Where the two MFA codes come from: the operator at a terminal, a secret file, or a test. */
export type MfaCodeProvider = (enrolment: MfaEnrolment) => Promise<MfaCodes>;

export interface StepContext extends Context {
  settings: InitSettings;
  account: AccountIdentity;
  mfaCodes: MfaCodeProvider;
  files: SecretFiles;
  vault: CredentialKeeper;
  /** Aborted by SIGINT, SIGTERM or SIGHUP: steps stop at the next point where nothing is half-done. */
  stop: AbortSignal;
  /** The account's enabled regions, read once per run whichever step asks first. */
  regions: () => Promise<string[]>;
  /** The Organization's Identity Center instance, read before planning with --admin identity-center. */
  identityCenter?: IdentityCenterInstance;
}

export interface Step<D = unknown> {
  id: StepId;
  title: string;
  inspect(ctx: StepContext): Promise<StepPlan<D>>;
  apply(ctx: StepContext, plan: StepPlan<D>): Promise<StepOutcome>;
}

export function plan<D>(
  step: { id: StepId; title: string },
  status: StepStatus,
  summary: string,
  data: D,
  changes: FieldChange[] = [],
  facts?: PlanFacts,
): StepPlan<D> {
  return { id: step.id, title: step.title, status, summary, changes, data, ...(facts ? { facts } : {}) };
}

/** Every fact the inspections set, in one typed object (each step sets only its own). */
export function factsOf(plans: StepPlan[]): PlanFacts {
  const facts: PlanFacts = {};
  for (const p of plans) Object.assign(facts, p.facts);
  return facts;
}
