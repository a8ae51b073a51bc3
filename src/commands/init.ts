/**
 * `iam-bootstrap init`: flags → identity → prompts for what is missing → plan → confirm → apply → summary.
 * The steps do the AWS work; this module only sequences them and talks to the operator.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { GlobalOptions } from '../cli.js';
import type { Context } from '../context.js';
import { AbortError, UsageError } from '../errors.js';
import { credentialsCsv, signInUrl } from '../lib/credentials-csv.js';
import { passwordViolations } from '../lib/password.js';
import { seedMfaCodes, terminalMfaCodes } from '../mfa/code-providers.js';
import { accessKeyStep } from '../steps/access-key.js';
import { accountAliasStep, currentAlias } from '../steps/account-alias.js';
import { adminGroupStep } from '../steps/admin-group.js';
import { adminUserStep } from '../steps/admin-user.js';
import { consoleAccessStep } from '../steps/console-access.js';
import { readIdentity, readRootPosture } from '../steps/identity.js';
import { mfaStep } from '../steps/mfa.js';
import { passwordPolicyStep } from '../steps/password-policy.js';
import { clearPending } from '../steps/secret-journal.js';
import type { AccountIdentity, Step, StepContext, StepOutcome, StepPlan } from '../steps/types.js';
import { checkTargetFolder, checkTargetFree, parseInitFlags, parseStdinPassword, type InitFlags, type InitRequest } from './init-options.js';
import { completeSettings } from './init-prompts.js';
import { describeIdentity, nextSteps, renderPlan, renderSummary, type InitResult } from './init-report.js';

/** In the order they must run: the user needs the group; MFA comes last so the credentials are saved first. */
export const INIT_STEPS: Step[] = [
  accountAliasStep,
  passwordPolicyStep,
  adminGroupStep,
  adminUserStep,
  consoleAccessStep,
  accessKeyStep,
  mfaStep,
] as Step[];

const SECRET_STEPS = new Set(['console-access', 'access-key']);

export interface InitEnvironment {
  /** Whether standard input is a terminal the operator can answer prompts on. */
  stdinIsTty: boolean;
  cwd: string;
}

/** commander's action: flags are checked before anything else, including building AWS clients. */
export async function runInitCommand(command: Command): Promise<void> {
  const flags = command.opts<InitFlags>();
  const globals = command.optsWithGlobals<GlobalOptions>();
  const request = parseInitFlags(flags, (name) => command.getOptionValueSource(name) === 'cli');
  const { createContext } = await import('../runtime.js');
  const ctx = await createContext(globals);
  await runInit(ctx, request, { stdinIsTty: process.stdin.isTTY === true, cwd: process.cwd() });
}

export async function runInit(ctx: Context, request: InitRequest, env: InitEnvironment): Promise<InitResult> {
  const { out } = ctx;
  if (!request.yes && !env.stdinIsTty) {
    throw new UsageError(
      'standard input is not a terminal, so nobody can answer prompts: pass --yes with --admin-user and ' +
        '--mfa-secret-file (or --no-mfa).',
    );
  }
  const folderOf = (flag: string, path: string | undefined) => (path ? checkTargetFolder(flag, path, env.cwd) : undefined);
  const files = {
    credentialsFile: await folderOf('--credentials-file', request.credentialsFile),
    mfaSecretFile: await folderOf('--mfa-secret-file', request.mfaSecretFile),
    qrPng: await folderOf('--qr-png', request.qrPng),
  };
  const password = request.passwordStdin ? parseStdinPassword(await ctx.fs.readStdin()) : undefined;

  const account = await readIdentity(ctx);
  out.info(describeIdentity(out, account));
  const existingAlias = await currentAlias(ctx);
  const settings = await completeSettings(ctx, { ...request, ...files }, existingAlias, password);
  const mfaCodes = settings.mfaSecretFile ? seedMfaCodes(ctx.clock) : terminalMfaCodes(ctx.prompt, out, ctx.clock);
  const stepCtx: StepContext = { ...ctx, settings, account, mfaCodes };

  // Inspections only read, so they run together.
  const plans = await Promise.all(INIT_STEPS.map((step) => step.inspect(stepCtx)));
  const byId = (id: string) => plans.find((p) => p.id === id) as StepPlan;
  await checkPlannedSecrets(stepCtx, plans, byId);
  const credentialsFile = secretsPlanned(plans)
    ? settings.credentialsFile ?? resolve(env.cwd, `iam-bootstrap-${account.accountId}-${settings.adminUser}-credentials.csv`)
    : undefined;
  await checkFilesToWrite(stepCtx, credentialsFile, byId('mfa'));

  out.info(`\n${renderPlan(out, plans)}`);
  const changing = plans.some((p) => p.status === 'create' || p.status === 'update');
  if (request.dryRun) {
    const plannedAlias = byId('account-alias').status === 'skip' ? existingAlias : settings.alias ?? existingAlias;
    return report(stepCtx, plans, { dryRun: true, alias: plannedAlias, credentialsFile: undefined, mfaSerial: undefined });
  }
  if (!changing) out.info('\nEverything is already in place; nothing to change.');
  else if (!request.yes) {
    const go = await ctx.prompt.confirm({ message: 'Apply these changes?', default: true });
    if (!go) throw new AbortError('Cancelled: nothing was changed.');
  }

  const outcomes = await applyAll(stepCtx, plans, credentialsFile);
  return report(stepCtx, plans, {
    dryRun: false,
    alias: await currentAlias(ctx),
    credentialsFile: outcomes.credentialsFile,
    mfaSerial: outcomes.mfaSerial ?? (byId('mfa').data as { existing?: string }).existing,
  });
}

async function checkFilesToWrite(ctx: StepContext, credentialsFile: string | undefined, mfaPlan: StepPlan): Promise<void> {
  if (credentialsFile) await checkTargetFree(ctx.fs, '--credentials-file', credentialsFile);
  if (mfaPlan.status !== 'create') return;
  if (ctx.settings.mfaSecretFile) await checkTargetFree(ctx.fs, '--mfa-secret-file', ctx.settings.mfaSecretFile);
  if (ctx.settings.qrPng) await checkTargetFree(ctx.fs, '--qr-png', ctx.settings.qrPng);
}

function secretsPlanned(plans: StepPlan[]): boolean {
  return plans.some((p) => SECRET_STEPS.has(p.id) && (p.status === 'create' || p.status === 'update'));
}

/** A password from standard input must satisfy the policy that will be in force, checked before any change. */
async function checkPlannedSecrets(ctx: StepContext, plans: StepPlan[], byId: (id: string) => StepPlan): Promise<void> {
  const { password } = ctx.settings;
  if (!password || !secretsPlanned(plans)) return;
  const effective = (byId('password-policy').data as { effective?: Parameters<typeof passwordViolations>[1] }).effective;
  const problems = passwordViolations(password, effective);
  if (problems.length) {
    throw new UsageError(`--password-stdin: the password ${problems.join(', ')} (account password policy).`);
  }
}

async function applyAll(
  ctx: StepContext,
  plans: StepPlan[],
  credentialsFile: string | undefined,
): Promise<{ credentialsFile?: string; mfaSerial?: string }> {
  const { out } = ctx;
  const secrets: StepOutcome = {};
  let delivered: string | undefined;
  let mfaSerial: string | undefined;
  const deliver = async () => {
    if (delivered || (!secrets.password && !secrets.accessKey) || !credentialsFile) return;
    const alias = await currentAlias(ctx);
    await ctx.fs.writeSecretFile(
      credentialsFile,
      credentialsCsv({
        userName: ctx.settings.adminUser,
        password: secrets.password,
        accessKeyId: secrets.accessKey?.id,
        secretAccessKey: secrets.accessKey?.secret,
        consoleLoginLink: signInUrl(ctx.account.accountId, alias),
      }),
    );
    delivered = credentialsFile;
    out.info(`  saved new credentials to ${credentialsFile} (mode 0600)`);
    await clearPending(ctx, ctx.settings.adminUser);
  };

  try {
    for (const [i, step] of INIT_STEPS.entries()) {
      const p = plans[i] as StepPlan;
      if (step.id === 'mfa') await deliver(); // secrets are on disk before the operator starts on MFA
      if (p.status !== 'create' && p.status !== 'update') continue;
      out.info(`${out.style.cyan('→')} ${p.title}: ${p.summary}`);
      const outcome = await step.apply(ctx, p);
      if (outcome.password) secrets.password = outcome.password;
      if (outcome.accessKey) secrets.accessKey = outcome.accessKey;
      if (outcome.mfaSerial) mfaSerial = outcome.mfaSerial;
    }
    await deliver();
  } catch (err) {
    // A later step failed: whatever secret already exists must still reach the file, or it is lost.
    await deliver().catch((e: Error) => out.warn(`could not save the new credentials: ${e.message}`));
    throw err;
  }
  return { credentialsFile: delivered, mfaSerial };
}

async function report(
  ctx: StepContext,
  plans: StepPlan[],
  r: { dryRun: boolean; alias: string | undefined; credentialsFile: string | undefined; mfaSerial: string | undefined },
): Promise<InitResult> {
  const { out, account, settings } = ctx;
  const posture = await readRootPosture(ctx);
  const result: InitResult = {
    account: accountJson(account, r.alias),
    dryRun: r.dryRun,
    steps: plans.map((p) => ({ id: p.id, status: p.status, summary: p.summary, changes: p.changes })),
    signInUrl: signInUrl(account.accountId, r.alias),
    credentialsFile: r.credentialsFile ?? null,
    mfaSerial: r.mfaSerial ?? null,
    nextSteps: nextSteps(account, posture, settings.adminUser, settings.consoleAccess),
  };
  if (out.json) out.document(result);
  else out.result(renderSummary(out, result));
  return result;
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
