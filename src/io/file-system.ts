/**
 * Files that hold secrets. They are reserved before init changes anything (created exclusively, mode 0600, no
 * symbolic link followed), filled once the secret exists, and removed again if the run ends with nothing to
 * put in them. That is what turns every file problem into an exit 2 before the first change.
 */
import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { access, link, lstat, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RuntimeError } from '../errors.js';
import type { FileSystem, ReservedFile, StdinText, TargetState } from '../context.js';

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
 * An empty, mode-0600 regular file of ours: the reservation of a run that was killed (SIGKILL leaves no chance to
 * remove it). It holds nothing, so reusing it overwrites no secret; anything else at the path is refused.
 */
function isLeftoverReservation(s: { isFile(): boolean; size: number; mode: number; uid: number }): boolean {
  const uid = currentUid();
  return s.isFile() && s.size === 0 && (s.mode & 0o777) === 0o600 && (uid === undefined || s.uid === uid);
}

async function inspectTarget(path: string): Promise<TargetState> {
  try {
    const s = await lstat(path);
    if (s.isSymbolicLink()) {
      const dangling = await stat(path).then(() => false, () => true);
      return { kind: 'taken', reason: `${path} is a symbolic link${dangling ? ' to a file that does not exist' : ''}; secrets are written only where nothing exists yet` };
    }
    if (isLeftoverReservation(s)) return { kind: 'leftover' };
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
  return { kind: 'free' };
}

class NodeReservedFile implements ReservedFile {
  private open = true;
  filled = false;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly inode: number,
    readonly reused: boolean,
  ) {}

  async fill(data: string | Uint8Array): Promise<void> {
    if (this.filled || !this.open) throw new Error(`${this.path} was already filled or discarded`);
    try {
      await this.handle.writeFile(data);
      await this.handle.sync();
      await this.close();
      this.filled = true;
    } catch (err) {
      // Half a secret is no secret: never leave a 0-byte or truncated file behind.
      await this.close().catch(() => undefined);
      await this.removeIfOurs();
      throw new RuntimeError(`could not write ${this.path}: ${fileErrorReason(err)}; the file was removed.`);
    }
  }

  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await this.removeIfOurs();
  }

  private async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.handle.close();
  }

  /** Removes the path only while it is still the file we created: never someone else's file put there since. */
  private async removeIfOurs(): Promise<void> {
    const s = await lstat(this.path).catch(() => undefined);
    if (s && !s.isSymbolicLink() && s.ino === this.inode) await unlink(this.path).catch(() => undefined);
  }
}

async function reserve(path: string): Promise<ReservedFile> {
  let handle: FileHandle;
  let reused = false;
  try {
    handle = await open(path, RESERVE_FLAGS, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new RuntimeError(`cannot create ${path}: ${fileErrorReason(err)}`);
    const state = await inspectTarget(path);
    if (state.kind !== 'leftover') throw new RuntimeError(state.kind === 'free' ? `${path} already exists` : state.reason);
    handle = await open(path, REUSE_FLAGS).catch((e: unknown) => {
      throw new RuntimeError(`cannot open ${path}: ${fileErrorReason(e)}`);
    });
    reused = true;
  }
  const s = await handle.stat();
  if (reused && !isLeftoverReservation(s)) {
    await handle.close();
    throw new RuntimeError(`${path} changed while it was being reserved; files holding secrets are never overwritten`);
  }
  // open()'s mode is filtered by the umask; make 0600 exact.
  await handle.chmod(0o600);
  return new NodeReservedFile(path, handle, s.ino, reused);
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
  writeAtomically,
};
