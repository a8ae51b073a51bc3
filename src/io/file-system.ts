/**
 * Files that hold secrets. They are reserved before init changes anything (created exclusively, mode 0600, no
 * symbolic link followed), filled once the secret exists, and removed again if the run ends with nothing to
 * put in them. That is what turns every file problem into an exit 2 before the first change.
 */
import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { access, link, lstat, open, readFile, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FileTakenOverError, RuntimeError } from '../errors.js';
import type { FileSystem, ReservedFile, StdinText, TargetState } from '../context.js';
import { isPathLocked, lockPath, type PathLock } from './path-lock.js';

const RESERVE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const REUSE_FLAGS = constants.O_WRONLY | constants.O_NOFOLLOW;

/** "ENOSPC (no space left on device)" from a Node file-system error. */
export function fileErrorReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const detail = (e?.message ?? String(err)).replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
  return e?.code ? `${e.code} (${detail})` : detail;
}

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/**
 * An empty, mode-0600 regular file of ours: what a reservation looks like before it is filled. It is a killed run's
 * leftover (SIGKILL leaves no chance to remove it) only when no live run holds the path's lock; a live run's
 * reservation looks the same, and taking it over would let two runs write one file.
 */
function looksLikeReservation(s: { isFile(): boolean; size: number; mode: number; uid: number }): boolean {
  const uid = currentUid();
  return s.isFile() && s.size === 0 && (s.mode & 0o777) === 0o600 && (uid === undefined || s.uid === uid);
}

const IN_USE = (path: string) =>
  `${path} is being written by another iam-bootstrap run that is still running; wait for it to finish, or choose another file`;

async function inspectTarget(path: string): Promise<TargetState> {
  try {
    const s = await lstat(path);
    if (s.isSymbolicLink()) {
      const dangling = await stat(path).then(() => false, () => true);
      return { kind: 'taken', reason: `${path} is a symbolic link${dangling ? ' to a file that does not exist' : ''}; secrets are written only where nothing exists yet` };
    }
    if (looksLikeReservation(s)) return (await isPathLocked(path)) ? { kind: 'taken', reason: IN_USE(path) } : { kind: 'leftover' };
    return { kind: 'taken', reason: `${path} already exists; files holding secrets are never overwritten` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { kind: 'blocked', reason: `cannot use ${path}: ${fileErrorReason(err)}` };
  }
  const folder = dirname(path);
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat) return { kind: 'blocked', reason: `the folder ${folder} does not exist` };
  if (!folderStat.isDirectory()) return { kind: 'blocked', reason: `${folder} is not a folder` };
  try {
    await access(folder, constants.W_OK | constants.X_OK);
  } catch (err) {
    return { kind: 'blocked', reason: `the folder ${folder} is not writable: ${fileErrorReason(err)}` };
  }
  if (await isPathLocked(path)) return { kind: 'taken', reason: IN_USE(path) };
  return { kind: 'free' };
}

/** What the path names now, when it is no longer the file that was reserved there: undefined while it still is. */
async function whatReplaced(path: string, identity: { dev: number; ino: number }): Promise<string | undefined> {
  const now = await lstat(path).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : err));
  if (now === undefined) return 'was deleted';
  if (now instanceof Error) return `can no longer be read (${fileErrorReason(now)})`;
  if (now.dev === identity.dev && now.ino === identity.ino) return undefined;
  return now.isSymbolicLink() ? 'was replaced by a symbolic link' : 'was replaced by another file';
}

class NodeReservedFile implements ReservedFile {
  private open = true;
  filled = false;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly identity: { dev: number; ino: number },
    private readonly lock: PathLock,
  ) {}

  async fill(data: string | Uint8Array): Promise<void> {
    if (this.filled || !this.open) throw new Error(`${this.path} was already filled or discarded`);
    // Written only while the path still names the reserved file; a secret written into a deleted or replaced file
    // would be in no file anyone can find.
    const before = await whatReplaced(this.path, this.identity);
    if (before) {
      await this.close();
      throw new FileTakenOverError(this.path, before);
    }
    try {
      await this.handle.writeFile(data);
      await this.handle.sync();
    } catch (err) {
      // Half a secret is no secret: never leave a 0-byte or truncated file behind.
      await this.close().catch(() => undefined);
      await this.removeIfOurs();
      throw new RuntimeError(`could not write ${this.path}: ${fileErrorReason(err)}; the file was removed.`);
    }
    // The path may have changed while the data was written: then the data is not where the operator will look.
    const after = await whatReplaced(this.path, this.identity);
    await this.close();
    if (after) throw new FileTakenOverError(this.path, after);
    this.filled = true;
  }

  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await this.removeIfOurs();
  }

  private async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    try {
      await this.handle.close();
    } finally {
      // A filled file is no longer empty, so nobody mistakes it for a reservation: the lock has done its work.
      await this.lock.release();
    }
  }

  /** Removes the path only while it is still the file we created: never someone else's file put there since. */
  private async removeIfOurs(): Promise<void> {
    if ((await whatReplaced(this.path, this.identity)) === undefined) await unlink(this.path).catch(() => undefined);
  }
}

/**
 * Takes the path's lock, then creates the file exclusively (or takes over a killed run's empty reservation, which
 * no live run holds: the lock says so). The lock is held until the file is filled or discarded, or the process ends.
 */
async function reserve(path: string): Promise<ReservedFile> {
  const lock = await lockPath(path);
  if (!lock) throw new RuntimeError(IN_USE(path));
  try {
    let handle: FileHandle;
    let reused = false;
    try {
      handle = await open(path, RESERVE_FLAGS, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new RuntimeError(`cannot create ${path}: ${fileErrorReason(err)}`);
      const existing = await lstat(path).catch(() => undefined);
      if (!existing || existing.isSymbolicLink() || !looksLikeReservation(existing)) {
        const state = await inspectTarget(path);
        throw new RuntimeError(state.kind === 'taken' || state.kind === 'blocked' ? state.reason : `${path} already exists`);
      }
      handle = await open(path, REUSE_FLAGS).catch((e: unknown) => {
        throw new RuntimeError(`cannot open ${path}: ${fileErrorReason(e)}`);
      });
      reused = true;
    }
    const s = await handle.stat();
    if (reused && !looksLikeReservation(s)) {
      await handle.close();
      throw new RuntimeError(`${path} changed while it was being reserved; files holding secrets are never overwritten`);
    }
    // open()'s mode is filtered by the umask; make 0600 exact.
    await handle.chmod(0o600);
    return new NodeReservedFile(path, handle, { dev: s.dev, ino: s.ino }, lock);
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/**
 * Standard input up to `maxBytes` (plus one, to tell "exactly that much" from "more"). Reading stops there, so a
 * runaway producer cannot make the process hold hundreds of megabytes.
 */
async function readStdin(maxBytes: number): Promise<StdinText> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      process.stdin.destroy();
      return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), complete: false };
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), complete: true };
}

/** Can a report be written at `path`? The reason it cannot, or undefined. Reads only. */
async function checkReportTarget(path: string, replace: boolean): Promise<string | undefined> {
  const existing = await lstat(path).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : err));
  if (existing instanceof Error) return `cannot use ${path}: ${fileErrorReason(existing)}`;
  if (existing?.isDirectory()) return `${path} is a folder`;
  if (existing && !replace) return `${path} already exists; add --force to replace it`;
  const folder = dirname(path);
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat) return `the folder ${folder} does not exist`;
  if (!folderStat.isDirectory()) return `${folder} is not a folder`;
  try {
    await access(folder, constants.W_OK | constants.X_OK);
  } catch (err) {
    return `the folder ${folder} is not writable: ${fileErrorReason(err)}`;
  }
  return undefined;
}

/** Exception files are small; a larger one is a mistake (the wrong path), not a list of exceptions. */
const MAX_TEXT_BYTES = 1 << 20;

async function readText(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new RuntimeError(`${path} is a folder`);
    if (s.size > MAX_TEXT_BYTES) throw new RuntimeError(`${path} is larger than 1 MiB`);
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof RuntimeError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RuntimeError(`cannot read ${path}: ${fileErrorReason(err)}`);
  }
}

async function fileIdentity(path: string): Promise<string> {
  const existing = await stat(path).catch(() => undefined);
  if (existing) return `inode ${existing.dev}:${existing.ino}`;
  const folder = await realpath(dirname(path)).catch(() => resolve(dirname(path)));
  return `path ${join(folder, basename(path))}`;
}

/**
 * Writes `path` whole or not at all: the data goes to a new file beside it, is flushed, then takes the name —
 * rename() when replacing, link() otherwise, which fails rather than replace a file that appeared meanwhile.
 */
async function writeAtomically(path: string, data: string, replace: boolean): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, RESERVE_FLAGS, 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (replace) await rename(temp, path);
    else await link(temp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RuntimeError(code === 'EEXIST' && !replace ? `${path} appeared while the audit ran; add --force to replace it` : `cannot write ${path}: ${fileErrorReason(err)}`);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

export const nodeFileSystem: FileSystem = {
  inspectTarget,
  reserve,
  readStdin,
  checkReportTarget,
  readText,
  fileIdentity,
  writeAtomically,
};
