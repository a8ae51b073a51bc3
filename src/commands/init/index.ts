/**
 * `iam-bootstrap init`: flags → identity → prompts for what is missing → plan → confirm → apply → summary.
 * The steps do the AWS work; this module only sequences them and talks to the operator.
 */
import type { Command } from 'commander';
import { currentAlias } from '../../account/alias.js';
import { securityContact } from '../../account/contacts.js';
import { accessPortalUrl, organizationInstance, type IdentityCenterInstance } from '../../account/identity-center.js';
import { readIdentity, type AccountIdentity } from '../../account/identity.js';
import { enabledRegions } from '../../account/regions.js';
import { judgeRoot, readAccountSummary } from '../../account/root.js';
import { getUser } from '../../account/users.js';
import type { Context } from '../../context.js';
import { PENDING_ACCESS_KEY_TAG, PENDING_PASSWORD_TAG } from '../../credentials/journal.js';
import { CredentialVault, deliverCredentials } from '../../credentials/vault.js';
import { AbortError, cleanUpAndRethrow, ExitCode, ExitWith, UsageError } from '../../errors.js';
import { signInUrl } from '../../lib/credentials-csv.js';
import { negationConflict } from '../../lib/flags.js';
import { passwordViolations } from '../../lib/password.js';
import type { SecretRegistry } from '../../lib/secrets.js';
import { seedMfaCodes, terminalMfaCodes } from '../../mfa/code-providers.js';
import type { GlobalOptions } from '../../options.js';
import { accessAnalyzerStep } from '../../steps/access-analyzer.js';
import { accessKeyStep } from '../../steps/access-key.js';
import { accountAliasStep } from '../../steps/account-alias.js';
import { accountAssignmentStep } from '../../steps/account-assignment.js';
import { budgetStep } from '../../steps/budget.js';
import { cloudTrailStep } from '../../steps/cloudtrail.js';
import { amiBlockPublicAccessStep, ebsEncryptionStep, imdsDefaultsStep, snapshotBlockPublicAccessStep } from '../../steps/ec2-switches.js';
import { s3BlockPublicAccessStep } from '../../steps/s3-block-public-access.js';
import { adminGroupStep } from '../../steps/admin-group.js';
import { adminUserStep } from '../../steps/admin-user.js';
import { consoleAccessStep } from '../../steps/console-access.js';
import { mfaStep } from '../../steps/mfa.js';
import { passwordPolicyStep } from '../../steps/password-policy.js';
import { permissionSetStep } from '../../steps/permission-set.js';
import { rootAccessStep } from '../../steps/root-access.js';
import { rootCredentialsStep } from '../../steps/root-credentials.js';
import { securityContactStep } from '../../steps/security-contact.js';
import { ssoAdminGroupStep } from '../../steps/sso-admin-group.js';
import { ssoAdminUserStep } from '../../steps/sso-admin-user.js';
import { supportRoleStep } from '../../steps/support-role.js';
import { ADMIN_USER_STEPS, factsOf, IDENTITY_CENTER_STEPS, isSelected, plan, type InitSettings, type PlanFacts, type Step, type StepContext, type StepId, type StepPlan } from '../../steps/types.js';
import { checkTargetFolders, discardUnfilled, planSecretFiles, reserveSecretFiles, type FileTarget, type SecretFileRole } from './files.js';
import { MAX_USER_TAGS, parseInitFlags, parseStdinPassword, STDIN_PASSWORD_LIMIT, type InitFlags, type InitRequest } from './options.js';
import { askPlanChoice, completeSettings, reviseSettings, type ExistingState } from './prompts.js';
import { describeIdentity, identityCenterNextSteps, nextSteps, renderInterruptedRecap, renderPlan, renderSummary, type InitResult } from './report.js';

/** "0.4 s", "12 s": how long a step took, for a person watching. */
const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

/**
 * In the order they must run: a user needs its group, an assignment its group and permission set; MFA comes last so
 * the credentials are saved first.
 */
export const INIT_STEPS: Step[] = [
  accountAliasStep,
  passwordPolicyStep,
  securityContactStep,
  supportRoleStep,
  accessAnalyzerStep,
  s3BlockPublicAccessStep,
  ebsEncryptionStep,
  snapshotBlockPublicAccessStep,
  amiBlockPublicAccessStep,
  imdsDefaultsStep,
  budgetStep,
  cloudTrailStep,
  rootAccessStep,
  rootCredentialsStep,
  ssoAdminGroupStep,
  ssoAdminUserStep,
  permissionSetStep,
  accountAssignmentStep,
  adminGroupStep,
  adminUserStep,
  consoleAccessStep,
  accessKeyStep,
  mfaStep,
] as Step[];

const SECRET_STEPS = new Set(['console-access', 'access-key']);

/** How a stop signal ends init: the exit code a shell reports for a process that signal ended. */
const STOP_EXIT_CODE = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated, SIGHUP: ExitCode.hangup } as const;

export interface InitEnvironment {
  /** Whether standard input is a terminal the operator can answer prompts on. */
  stdinIsTty: boolean;
  cwd: string;
}

/** commander's action: flags are checked before anything else, including building AWS clients. */
export async function runInitCommand(command: Command, secrets: SecretRegistry): Promise<void> {
  const flags = command.opts<InitFlags>();
  const globals = command.optsWithGlobals<GlobalOptions>();
  // commander keeps the raw arguments on the program but does not type them.
  const conflict = negationConflict(command.options, (command.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? []);
  if (conflict) throw new UsageError(conflict);
  // Without --account the role flags would be ignored, and the baseline applied to the caller's own account.
  if (globals.roleName !== undefined && globals.account === undefined && globals.roleArn === undefined) {
    throw new UsageError('--role-name: needs --account.');
  }
  const request = parseInitFlags(flags, (name) => command.getOptionValueSource(name) === 'cli', globals.account !== undefined || globals.roleArn !== undefined);
  const { createContext } = await import('../../create-context.js');
  const ctx = await createContext(globals, secrets);
  const result = await runInit(ctx, request, { stdinIsTty: process.stdin.isTTY === true, cwd: process.cwd() });
  if (request.detailedExitcode && result.steps.some(changes)) throw new ExitWith(ExitCode.changesPending);
}

const changes = (p: Pick<StepPlan, 'status'>) => p.status === 'create' || p.status === 'update';

export async function runInit(ctx: Context, request: InitRequest, env: InitEnvironment): Promise<InitResult> {
  const { out } = ctx;
  if (!request.yes && !env.stdinIsTty) {
    throw new UsageError(
      'standard input is not a terminal, so nobody can answer prompts: pass --yes with --admin-user and ' +
        '--mfa-secret-file (or --no-mfa).',
    );
  }
  const paths = await checkTargetFolders(
    ctx,
    { credentials: request.credentialsFile, mfaSecret: request.mfaSecretFile, qrPng: request.qrPng },
    env.cwd,
  );
  const password = request.passwordStdin ? parseStdinPassword(await ctx.fs.readStdin(STDIN_PASSWORD_LIMIT)) : undefined;
  ctx.secrets.add(password);

  const account = await readIdentity(ctx);
  out.info(describeIdentity(out, account, ctx.actingThrough));
  const instance = await identityCenterFor(ctx, request, account);
  const existing: ExistingState = { alias: await currentAlias(ctx), contact: await contactToAskAbout(ctx, request), ...(instance ? { identityCenter: instance } : {}) };
  const withAbsolutePaths = { ...request, credentialsFile: paths.credentials, mfaSecretFile: paths.mfaSecret, qrPng: paths.qrPng };
  const settings = await completeSettings(ctx, withAbsolutePaths, existing, password);
  const stop = new AbortController();
  const mfaCodes = settings.mfaSecretFile ? seedMfaCodes(ctx.clock) : terminalMfaCodes(ctx.prompt, out, ctx.clock, stop.signal);
  const vault = new CredentialVault(ctx.secrets);
  let regions: Promise<string[]> | undefined;
  const stepCtx: StepContext = {
    ...ctx,
    settings,
    account,
    mfaCodes,
    files: {},
    vault,
    stop: stop.signal,
    // Read once for the run; a failed read is not kept, so planning again (the wizard) asks again.
    regions: () => (regions ??= enabledRegions(ctx).catch((err: unknown) => ((regions = undefined), Promise.reject(err)))),
    ...(instance ? { identityCenter: instance } : {}),
  };

  // Plan, show, and (in the wizard) let the operator change any step and plan again, until applied or cancelled.
  let planned: Planned;
  for (;;) {
    planned = await planAll(stepCtx, paths, env, existing.alias);
    out.info(`\n${renderPlan(out, planned.plans)}`);
    warnNoMfa(ctx, stepCtx.settings, planned.facts);
    if (request.dryRun) {
      return report(stepCtx, planned.plans, { dryRun: true, alias: planned.alias, credentialsFile: undefined, mfaSerial: undefined });
    }
    if (!planned.plans.some(changes)) {
      out.info('\nEverything is already in place; nothing to change.');
      break;
    }
    if (request.yes) break;
    const choice = await askPlanChoice(ctx);
    if (choice === 'apply') break;
    if (choice === 'cancel') throw new AbortError('Cancelled: nothing was changed.');
    stepCtx.settings = await reviseSettings(ctx, stepCtx.settings, existing);
  }
  const { plans, targets, facts } = planned;

  stepCtx.files = await reserveSecretFiles(ctx, targets);
  // From here on a stop signal lets the current AWS call finish, then cleans up as Ctrl-C at a prompt does;
  // a second signal ends the process at once.
  const unsubscribe = ctx.onStopSignal((signal) => {
    unsubscribe();
    stop.abort(new AbortError(`${signal}: stopped before finishing; run init again to complete.`, STOP_EXIT_CODE[signal]));
  });
  let outcomes;
  try {
    outcomes = await applyAll(stepCtx, plans, vault, planned.alias);
  } finally {
    unsubscribe();
    await discardUnfilled(stepCtx.files);
  }
  return report(stepCtx, plans, {
    dryRun: false,
    alias: await currentAlias(ctx),
    credentialsFile: outcomes.credentialsFile,
    mfaSerial: outcomes.mfaSerial ?? facts.existingMfaSerial,
  });
}

/**
 * The Organization's Identity Center instance. With --admin identity-center its absence is a usage error, said
 * before any change with what to enable; for the wizard (no --admin) it only decides whether Identity Center is
 * offered, so a caller who may not read it is simply not offered it.
 */
async function identityCenterFor(ctx: Context, request: InitRequest, account: AccountIdentity): Promise<IdentityCenterInstance | undefined> {
  if (request.admin === 'iam-user' || (request.admin === undefined && (request.yes || request.adminUser !== undefined))) return undefined;
  if (request.admin === undefined) {
    if (account.organization.role !== 'management' || ctx.actingThrough) return undefined;
    try {
      const found = await organizationInstance(ctx, account.organization);
      return 'instance' in found ? found.instance : undefined;
    } catch {
      return undefined;
    }
  }
  const found = await organizationInstance(ctx, account.organization);
  if ('instance' in found) return found.instance;
  const where =
    account.organization.role === 'member'
      ? ` Run init in the management account ${account.organization.managementAccountId ?? ''} (or Identity Center's delegated administrator account),`
      : " Enable it in the management account's console (IAM Identity Center → Enable, with AWS Organizations),";
  throw new UsageError(`--admin identity-center: ${found.absent}.${where} give --region <the instance's region> if it is elsewhere, or use --admin iam-user. Nothing was changed.`);
}

/**
 * --no-mfa for an admin who has no device: the group's require-MFA policy denies that user everything but
 * enrolling one, so the run "works" and the user cannot. Said before any change, with the command that fixes it.
 */
function warnNoMfa(ctx: Context, settings: InitSettings, facts: PlanFacts): void {
  if (!settings.withAdminUser || settings.mfa || !settings.requireMfa || facts.existingMfaSerial) return;
  if (!isSelected(settings.steps, 'admin-group') && !isSelected(settings.steps, 'admin-user')) return;
  ctx.out.warn(
    `Warning: --no-mfa: ${settings.adminUser} gets no MFA device, and the group's require-MFA policy denies ${settings.adminUser} ` +
      `everything but enrolling one until then. Enrol it later: iam-bootstrap init --only mfa --admin-user ${settings.adminUser} ` +
      '(or add --no-require-mfa now, for a user that will never have MFA, such as a break-glass account kept elsewhere).',
  );
}

/** One step's plan: every step is planned, skipped ones included. */
function planOf(plans: StepPlan[], id: StepId): StepPlan {
  const found = plans.find((p) => p.id === id);
  if (!found) throw new Error(`step ${id} was not planned`);
  return found;
}

interface Planned {
  plans: StepPlan[];
  /** What the inspections told: typed, read by the checks below and the summary. */
  facts: PlanFacts;
  targets: FileTarget[];
  /** The alias the account will have: the sign-in URL in the credentials file and the summary. */
  alias: string | undefined;
}

/** Inspects every step and makes every check a real run makes before its first change (--dry-run stops after it). */
async function planAll(ctx: StepContext, paths: Partial<Record<SecretFileRole, string>>, env: InitEnvironment, existingAlias: string | undefined): Promise<Planned> {
  const { settings, account } = ctx;
  // Inspections only read, so they run together. A step not selected (--only, --skip), or an admin step with
  // --no-admin-user, is not even inspected.
  const plans = await Promise.all(INIT_STEPS.map((step) => notRun(settings, step) ?? step.inspect(ctx)));
  await checkAdminUserExists(ctx, plans);
  const facts = factsOf(plans);
  checkPlannedSecrets(ctx, plans, facts);
  checkTagLimit(ctx, facts, { password: planOf(plans, 'console-access'), accessKey: planOf(plans, 'access-key') });
  const mfaPlanned = planOf(plans, 'mfa').status === 'create';
  if (mfaPlanned && !settings.mfaSecretFile && !ctx.prompt.canShowSensitive()) {
    throw new UsageError(
      'the MFA secret and QR code are shown only on a terminal, and standard error is not one: use ' +
        '--mfa-secret-file <path> for scripted enrolment, or --no-mfa. Nothing was changed.',
    );
  }
  const targets = await planSecretFiles(
    ctx,
    paths,
    { credentials: secretsPlanned(plans), mfa: mfaPlanned },
    { cwd: env.cwd, accountId: account.accountId, user: settings.adminUser },
  );
  const alias = planOf(plans, 'account-alias').status === 'skip' ? existingAlias : settings.alias ?? existingAlias;
  return { plans, facts, targets, alias };
}

/**
 * The existing security contact, read only when the wizard would otherwise ask for an email: an account that has
 * one is not asked again (the step still shows and keeps it).
 */
async function contactToAskAbout(ctx: Context, request: InitRequest) {
  if (request.yes || !request.securityContact || request.securityContact.email !== undefined) return undefined;
  if (!isSelected(request.steps, 'security-contact')) return undefined;
  return securityContact(ctx);
}

/** The plan of a step this run does not inspect, or undefined when it runs. */
function notRun(settings: InitSettings, step: { id: StepId; title: string }): StepPlan | undefined {
  if (!isSelected(settings.steps, step.id)) return plan(step, 'skip', settings.steps.only ? 'not selected (--only)' : 'skipped (--skip)', undefined);
  if (settings.admin !== 'identity-center' && IDENTITY_CENTER_STEPS.includes(step.id)) return plan(step, 'skip', 'admin is an IAM user (--admin identity-center for Identity Center)', undefined);
  if (!settings.withAdminUser && ADMIN_USER_STEPS.includes(step.id)) {
    const why = settings.admin === 'identity-center' ? 'no IAM admin user: people sign in through Identity Center (--break-glass-user adds one)' : 'no admin user (--no-admin-user)';
    return plan(step, 'skip', why, undefined);
  }
  return undefined;
}

/**
 * --only mfa (or console-access, access-key) for a user the run does not create: the user must exist, or the
 * first change would fail half-way. Said before any change.
 */
async function checkAdminUserExists(ctx: StepContext, plans: StepPlan[]): Promise<void> {
  const { settings } = ctx;
  const needsUser = plans.some((p) => ['console-access', 'access-key', 'mfa'].includes(p.id) && p.status !== 'skip');
  if (!settings.withAdminUser || !needsUser || isSelected(settings.steps, 'admin-user')) return;
  if (!(await getUser(ctx, settings.adminUser))) {
    throw new UsageError(`--only: the user ${settings.adminUser} does not exist, and admin-user is not among the steps; add it (--only admin-user,…).`);
  }
}

function secretsPlanned(plans: StepPlan[]): boolean {
  return plans.some((p) => SECRET_STEPS.has(p.id) && changes(p));
}

/** A password from standard input must satisfy the policy that will be in force, checked before any change. */
function checkPlannedSecrets(ctx: StepContext, plans: StepPlan[], facts: PlanFacts): void {
  const { password } = ctx.settings;
  if (!password || !secretsPlanned(plans)) return;
  const problems = passwordViolations(password, facts.effectivePasswordPolicy);
  if (problems.length) {
    throw new UsageError(`--password-stdin: the password ${problems.join(', ')} (account password policy).`);
  }
}

/**
 * IAM allows 50 tags on a user, and while it saves new credentials init adds a journal tag of its own for each.
 * Counted before any change, with the tags the user already has: a TagUser refused half-way would strand secrets.
 */
function checkTagLimit(ctx: StepContext, facts: PlanFacts, secrets: { password: StepPlan; accessKey: StepPlan }): void {
  const user = facts.userTags ?? { keysAfter: [], journalKeys: [] };
  const journal = new Set(user.journalKeys);
  if (changes(secrets.password)) journal.add(PENDING_PASSWORD_TAG);
  if (changes(secrets.accessKey)) journal.add(PENDING_ACCESS_KEY_TAG);
  const total = user.keysAfter.length + journal.size;
  if (total <= MAX_USER_TAGS) return;
  const given = ctx.settings.tags.length;
  throw new UsageError(
    `--tag: ${ctx.settings.adminUser} would carry ${total} tags (${user.keysAfter.length - given} it keeps, ${given} from --tag, ` +
      `${journal.size} that init sets while it saves new credentials); IAM allows ${MAX_USER_TAGS}. Give fewer --tag values or remove some of the user's tags.`,
  );
}

async function applyAll(
  ctx: StepContext,
  plans: StepPlan[],
  vault: CredentialVault,
  alias: string | undefined,
): Promise<{ credentialsFile?: string; mfaSerial?: string }> {
  const { out } = ctx;
  let credentialsFile: string | undefined;
  let mfaSerial: string | undefined;
  const done: StepPlan[] = [];
  const deliver = async () => {
    credentialsFile = (await deliverCredentials(ctx, vault, alias)) ?? credentialsFile;
  };
  try {
    for (const step of INIT_STEPS) {
      ctx.stop.throwIfAborted();
      const p = planOf(plans, step.id);
      if (step.id === 'mfa') await deliver(); // secrets are on disk before the operator starts on MFA
      if (!changes(p)) continue;
      out.info(`${out.style.cyan('→')} ${p.title}: ${p.summary}`);
      const started = ctx.clock.now().getTime();
      const outcome = await step.apply(ctx, p);
      done.push(p);
      out.status(`  ${out.style.green('✓')} ${out.style.dim(`${p.title} done in ${seconds(ctx.clock.now().getTime() - started)}`)}`);
      if (outcome.mfaSerial) mfaSerial = outcome.mfaSerial;
    }
    await deliver();
  } catch (err) {
    // A later step failed or the run was stopped: whatever secret already exists must still reach the file.
    try {
      await cleanUpAndRethrow(err, [{ leftBehind: 'the new credentials of this run (the next run replaces them)', run: deliver }]);
    } catch (final) {
      if (final instanceof AbortError) {
        const notDone = plans.filter((p) => changes(p) && !done.includes(p));
        const target = ctx.actingThrough ? ` --role-arn ${ctx.actingThrough.roleArn}` : '';
        const { adminUser, withAdminUser } = ctx.settings;
        out.info(renderInterruptedRecap(out, { done, notDone, credentialsFile, adminUser, withAdminUser, target, adminFlags: identityCenterFlags(ctx.settings) }));
      }
      throw final;
    }
  }
  return { credentialsFile, mfaSerial };
}

/** The flags that repeat this run's Identity Center choices in a command that finishes it (undefined on the IAM user path). */
function identityCenterFlags(settings: InitSettings): string | undefined {
  const ic = settings.identityCenter;
  if (settings.admin !== 'identity-center' || !ic) return undefined;
  const flags = [`--admin identity-center --sso-user ${ic.user.userName} --sso-email ${ic.user.email}`];
  if (ic.group !== 'Administrators') flags.push(`--sso-group '${ic.group}'`);
  if (ic.permissionSet !== 'AdministratorAccess') flags.push(`--permission-set ${ic.permissionSet}`);
  if (ic.assignAccounts !== 'this') flags.push(`--assign-accounts ${ic.assignAccounts === 'all' ? 'all' : ic.assignAccounts.join(',')}`);
  if (settings.breakGlass) flags.push(`--break-glass-user ${settings.adminUser}`);
  return ` ${flags.join(' ')}`;
}

async function report(
  ctx: StepContext,
  plans: StepPlan[],
  r: { dryRun: boolean; alias: string | undefined; credentialsFile: string | undefined; mfaSerial: string | undefined },
): Promise<InitResult> {
  const { out, account, settings } = ctx;
  const posture = judgeRoot(await readAccountSummary(ctx));
  const identityCenter = identityCenterResult(ctx, plans);
  const result: InitResult = {
    schemaVersion: 1,
    account: accountJson(account, r.alias),
    dryRun: r.dryRun,
    steps: plans.map((p) => ({ id: p.id, status: p.status, summary: p.summary, changes: p.changes })),
    signInUrl: signInUrl(account.accountId, r.alias),
    credentialsFile: r.credentialsFile ?? null,
    mfaSerial: r.mfaSerial ?? null,
    identityCenter,
    nextSteps: [
      ...identityCenterNextSteps(identityCenter, r.dryRun),
      ...nextSteps(
        account,
        posture,
        settings.adminUser,
        settings.withAdminUser && settings.consoleAccess,
        settings.securityContact !== undefined && plans.find((p) => p.id === 'security-contact')?.status === 'skip',
        // Said after the real run only: a dry run removed nothing.
        !r.dryRun && settings.removeRootCredentials,
      ),
    ],
  };
  if (out.json) out.document(result);
  else out.result(renderSummary(out, result));
  return result;
}

function identityCenterResult(ctx: StepContext, plans: StepPlan[]): InitResult['identityCenter'] {
  const { identityCenter: instance } = ctx;
  const ic = ctx.settings.identityCenter;
  if (ctx.settings.admin !== 'identity-center' || !instance || !ic) return null;
  return {
    portalUrl: accessPortalUrl(instance.identityStoreId),
    instanceArn: instance.instanceArn,
    identityStoreId: instance.identityStoreId,
    userName: ic.user.userName || null,
    email: ic.user.email || null,
    group: ic.group,
    permissionSet: ic.permissionSet,
    accounts: factsOf(plans).assignedAccounts ?? [],
    breakGlassUser: ctx.settings.breakGlass ? ctx.settings.adminUser : null,
  };
}

function accountJson(account: AccountIdentity, alias: string | undefined): InitResult['account'] {
  return {
    id: account.accountId,
    alias: alias ?? null,
    callerArn: account.callerArn,
    isRoot: account.isRoot,
    organization: account.organization,
  };
}
