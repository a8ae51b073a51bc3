/**
 * A lock on a path that the operating system holds for this process and releases when it ends, however it ends
 * (SIGKILL included): a listening local socket whose name is derived from the path. Only one process can listen
 * on a name at a time, and "can I connect to it?" tells whether a live run holds it. This is how a run tells its
 * own reservation from a killed run's leftover and from another run's live reservation of the same file.
 *
 * Linux: an abstract socket (no file, gone with the process). Windows: a named pipe (same). Elsewhere (macOS): a
 * socket file in the temporary folder, where a file nobody listens on any more is a dead run's and is replaced.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, unlinkSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

export interface PathLock {
  /** Lets another run take the path; the process ending does the same. */
  release(): Promise<void>;
}

export type LockNamespace = 'abstract' | 'pipe' | 'file';

function defaultNamespace(): LockNamespace {
  if (process.platform === 'linux') return 'abstract';
  return process.platform === 'win32' ? 'pipe' : 'file';
}

/**
 * The same file, however it is spelled: the real path of its folder (symbolic links and `..` resolved) and its
 * name. A folder that does not exist cannot hold the file either, so its spelling is used as given.
 */
async function canonical(path: string): Promise<string> {
  const folder = await realpath(dirname(path)).catch(() => dirname(path));
  return join(folder, basename(path));
}

/** The socket name that stands for `path`'s lock (exported for tests that hold it from another process). */
export async function socketName(path: string, namespace: LockNamespace = defaultNamespace()): Promise<string> {
  const digest = createHash('sha256').update(await canonical(path)).digest('hex').slice(0, 40);
  if (namespace === 'abstract') return `\0iam-bootstrap/lock/${digest}`;
  if (namespace === 'pipe') return `\\\\.\\pipe\\iam-bootstrap-lock-${digest}`;
  const folder = join(tmpdir(), 'iam-bootstrap-locks');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  return join(folder, `${digest}.sock`);
}

/** Whether something listens on `name`: a live run holds the lock. */
function listening(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection({ path: name });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function listen(name: string): Promise<Server | 'in-use'> {
  return new Promise((resolve, reject) => {
    const server = createServer((connection) => connection.destroy());
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve('in-use') : reject(err)));
    server.listen({ path: name, exclusive: true }, () => {
      // The lock must never keep a finished command alive.
      server.unref();
      resolve(server);
    });
  });
}

/**
 * Takes the lock on `path`, or answers undefined when a live run holds it. Held until `release()` or the end of
 * the process.
 */
export async function lockPath(path: string, namespace = defaultNamespace()): Promise<PathLock | undefined> {
  const name = await socketName(path, namespace);
  let server = await listen(name);
  if (server === 'in-use' && namespace === 'file' && !(await listening(name))) {
    // A socket file left by a run that was killed: nobody listens on it, so it is no lock any more.
    try {
      unlinkSync(name);
    } catch {
      // another run removed it first; listening again decides
    }
    server = await listen(name);
  }
  if (server === 'in-use') return undefined;
  const held = server;
  return {
    release: () =>
      new Promise<void>((resolve) => {
        held.close(() => resolve());
      }),
  };
}

/** Reads only: does a live run hold the lock on `path`? */
export async function isPathLocked(path: string, namespace = defaultNamespace()): Promise<boolean> {
  return listening(await socketName(path, namespace));
}
