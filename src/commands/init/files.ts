/**
 * The files init writes secrets to (credentials CSV, MFA secret, QR PNG). Their folders are checked before any
 * AWS call; the files themselves once the plan says they will be written (a re-run that writes nothing is not
 * refused); and they are reserved before the first change, so that no file problem can surface half-way.
 */
import { dirname, resolve } from 'node:path';
import type { Context, ReservedFile } from '../../context.js';
import { UsageError } from '../../errors.js';
import type { SecretFiles } from '../../steps/types.js';

export type SecretFileRole = keyof SecretFiles;

export const FLAG_OF: Record<SecretFileRole, string> = {
  credentials: '--credentials-file',
  mfaSecret: '--mfa-secret-file',
  qrPng: '--qr-png',
};

export interface FileTarget {
  role: SecretFileRole;
  path: string;
  /** An empty 0600 file left by a killed run's reservation, which this run takes over. */
  reuse: boolean;
}

/** How often a taken default credentials file name gets a "-2", "-3", … before we give up and ask for a path. */
const DEFAULT_NAME_TRIES = 50;

/**
 * Resolves the paths given by flags, refuses the same path for two of them and a folder where nothing can be
 * created, before any AWS call. What is at the path itself is judged later, against the plan.
 */
export async function checkTargetFolders(
  ctx: Pick<Context, 'fs'>,
  given: Partial<Record<SecretFileRole, string>>,
  cwd: string,
): Promise<Partial<Record<SecretFileRole, string>>> {
  const absolute: Partial<Record<SecretFileRole, string>> = {};
  for (const [role, path] of Object.entries(given) as [SecretFileRole, string | undefined][]) {
    if (path === undefined) continue;
    if (path === '') throw new UsageError(`${FLAG_OF[role]}: the path is empty.`);
    absolute[role] = resolve(cwd, path);
    const state = await ctx.fs.inspectTarget(absolute[role]);
    if (state.kind === 'blocked') throw new UsageError(`${FLAG_OF[role]}: ${state.reason}.`);
  }
  assertDistinct(Object.entries(absolute) as [SecretFileRole, string][]);
  return absolute;
}

function assertDistinct(paths: [SecretFileRole, string][]): void {
  for (const [i, [role, path]] of paths.entries()) {
    const twin = paths.slice(i + 1).find(([, other]) => other === path);
    if (twin) throw new UsageError(`${FLAG_OF[role]} and ${FLAG_OF[twin[0]]}: both name ${path}; each secret needs a file of its own.`);
  }
}

async function checkTarget(ctx: Pick<Context, 'fs'>, role: SecretFileRole, path: string): Promise<FileTarget> {
  const state = await ctx.fs.inspectTarget(path);
  if (state.kind === 'taken' || state.kind === 'blocked') throw new UsageError(`${FLAG_OF[role]}: ${state.reason}.`);
  return { role, path, reuse: state.kind === 'leftover' };
}

/**
 * The default credentials file, in the working folder: its name gets "-2", "-3", … when taken, so a re-run that
 * owes new secrets (say, after an interrupted run wrote the first file) never stops on an earlier file.
 */
async function defaultCredentialsTarget(ctx: Pick<Context, 'fs'>, cwd: string, accountId: string, user: string): Promise<FileTarget> {
  const base = resolve(cwd, `iam-bootstrap-${accountId}-${user}-credentials`);
  for (let n = 1; n <= DEFAULT_NAME_TRIES; n++) {
    const path = `${base}${n === 1 ? '' : `-${n}`}.csv`;
    const state = await ctx.fs.inspectTarget(path);
    if (state.kind === 'free' || state.kind === 'leftover') return { role: 'credentials', path, reuse: state.kind === 'leftover' };
    if (state.kind === 'blocked') {
      throw new UsageError(`--credentials-file: ${state.reason} (the default location is the working folder ${dirname(path)}); pass --credentials-file <path>.`);
    }
  }
  throw new UsageError(`--credentials-file: ${base}.csv and ${DEFAULT_NAME_TRIES - 1} numbered variants exist; pass --credentials-file <path>.`);
}

export interface FileNeeds {
  /** A password or access key will be created. */
  credentials: boolean;
  /** An MFA device will be created (its seed goes to --mfa-secret-file and --qr-png). */
  mfa: boolean;
}

/** The files this run will write, each checked as the real write would find it. --dry-run stops here. */
export async function planSecretFiles(
  ctx: Pick<Context, 'fs'>,
  paths: Partial<Record<SecretFileRole, string>>,
  needs: FileNeeds,
  defaults: { cwd: string; accountId: string; user: string },
): Promise<FileTarget[]> {
  const targets: FileTarget[] = [];
  if (needs.credentials) {
    targets.push(
      paths.credentials
        ? await checkTarget(ctx, 'credentials', paths.credentials)
        : await defaultCredentialsTarget(ctx, defaults.cwd, defaults.accountId, defaults.user),
    );
  }
  if (needs.mfa && paths.mfaSecret) targets.push(await checkTarget(ctx, 'mfaSecret', paths.mfaSecret));
  if (needs.mfa && paths.qrPng) targets.push(await checkTarget(ctx, 'qrPng', paths.qrPng));
  assertDistinct(targets.map((t) => [t.role, t.path]));
  return targets;
}

/**
 * Creates every planned file, empty and 0600, before the first change. If one cannot be created (someone
 * created the file since the plan, the disk is read-only, …) the others are removed again and nothing changes.
 */
export async function reserveSecretFiles(ctx: Pick<Context, 'fs' | 'out'>, targets: FileTarget[]): Promise<SecretFiles> {
  const files: SecretFiles = {};
  for (const target of targets) {
    let file: ReservedFile;
    try {
      file = await ctx.fs.reserve(target.path);
    } catch (err) {
      await discardUnfilled(files);
      throw new UsageError(`${FLAG_OF[target.role]}: ${(err as Error).message.replace(/\.$/, '')}. Nothing was changed.`);
    }
    if (target.reuse) ctx.out.info(`  reusing the empty ${target.path} left by an interrupted run`);
    files[target.role] = file;
  }
  return files;
}

/** Removes the reserved files the run had nothing to put in. */
export async function discardUnfilled(files: SecretFiles): Promise<void> {
  for (const file of Object.values(files)) if (file && !file.filled) await file.discard();
}
