import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTakenOverError } from '../../../src/errors.js';
import { nodeFileSystem } from '../../../src/io/file-system.js';
import { isPathLocked, lockPath, socketName } from '../../../src/io/path-lock.js';
import { tempDir } from '../../support/context.js';

describe('secret file reservation', () => {
  it('creates the file empty, mode 0600 whatever the umask, and fills it once', async () => {
    const path = join(tempDir(), 'creds.csv');
    const old = process.umask(0o000);
    try {
      const file = await nodeFileSystem.reserve(path);
      expect(lstatSync(path).size).toBe(0);
      expect(lstatSync(path).mode & 0o777).toBe(0o600);
      await file.fill('secret\n');
      expect(file.filled).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe('secret\n');
      await expect(file.fill('again')).rejects.toThrow(/already filled/);
    } finally {
      process.umask(old);
    }
  });

  it('never follows a symbolic link, dangling or not', async () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    writeFileSync(join(dir, 'target'), 'precious');
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    await expect(nodeFileSystem.reserve(join(dir, 'dangling'))).rejects.toThrow(/symbolic link to a file that does not exist/);
    await expect(nodeFileSystem.reserve(join(dir, 'link'))).rejects.toThrow(/is a symbolic link/);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('precious');
  });

  it('refuses an existing file, even an empty one that is not 0600', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'full'), 'x');
    writeFileSync(join(dir, 'empty'), '');
    chmodSync(join(dir, 'empty'), 0o644);
    await expect(nodeFileSystem.reserve(join(dir, 'full'))).rejects.toThrow(/already exists; files holding secrets are never overwritten/);
    await expect(nodeFileSystem.reserve(join(dir, 'empty'))).rejects.toThrow(/already exists/);
    expect(readFileSync(join(dir, 'full'), 'utf8')).toBe('x');
  });

  it('takes over the empty 0600 reservation a killed run left behind', async () => {
    const path = join(tempDir(), 'alice.otp');
    // What a run killed with SIGKILL after reserving leaves: an empty 0600 file (made here without keeping a
    // handle open, which the garbage collector would otherwise close with a warning).
    closeSync(openSync(path, 'wx', 0o600));
    expect(await nodeFileSystem.inspectTarget(path)).toEqual({ kind: 'leftover' });
    const again = await nodeFileSystem.reserve(path);
    await again.fill('otpauth://');
    expect(readFileSync(path, 'utf8')).toBe('otpauth://');
  });

  it('discard removes the reservation, but not a file someone put at the path since', async () => {
    const dir = tempDir();
    const mine = await nodeFileSystem.reserve(join(dir, 'a'));
    await mine.discard();
    expect(existsSync(join(dir, 'a'))).toBe(false);
    const replaced = await nodeFileSystem.reserve(join(dir, 'b'));
    rmSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b'), 'someone else');
    await replaced.discard();
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('someone else');
  });

  it('says why nothing can be created: no folder, or a path inside a file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    expect(await nodeFileSystem.inspectTarget(join(dir, 'missing', 'x'))).toEqual({ kind: 'blocked', reason: `the folder ${join(dir, 'missing')} does not exist` });
    expect((await nodeFileSystem.inspectTarget(join(dir, 'file', 'x'))).kind).toBe('blocked');
    expect(await nodeFileSystem.inspectTarget(join(dir, 'free'))).toEqual({ kind: 'free' });
  });
});

describe('report files', () => {
  it('writes whole: nothing but the finished file is left in the folder', async () => {
    const dir = tempDir();
    const path = join(dir, 'audit.csv');
    await nodeFileSystem.writeAtomically(path, 'a,b\r\n', false);
    expect(readFileSync(path, 'utf8')).toBe('a,b\r\n');
    expect(readdirSync(dir)).toEqual(['audit.csv']);
  });

  it('without replace, never overwrites a file (even one that appeared after the check); with replace, swaps it whole', async () => {
    const dir = tempDir();
    const path = join(dir, 'audit.html');
    expect(await nodeFileSystem.checkReportTarget(path, false)).toBeUndefined();
    writeFileSync(path, 'keep');
    expect(await nodeFileSystem.checkReportTarget(path, false)).toMatch(/already exists; add --force to replace it/);
    await expect(nodeFileSystem.writeAtomically(path, 'new', false)).rejects.toThrow(/appeared while the audit ran/);
    expect(readFileSync(path, 'utf8')).toBe('keep');
    expect(await nodeFileSystem.checkReportTarget(path, true)).toBeUndefined();
    await nodeFileSystem.writeAtomically(path, 'new', true);
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['audit.html']);
  });

  it('names a missing folder, a folder given as the file, and a folder it cannot write', async () => {
    const dir = tempDir();
    expect(await nodeFileSystem.checkReportTarget(join(dir, 'no', 'a.xml'), false)).toMatch(/the folder .*no does not exist/);
    expect(await nodeFileSystem.checkReportTarget(dir, true)).toMatch(/is a folder/);
    // Root can write anywhere; test/integration/unwritable-folder.test.ts runs this case as the user nobody then.
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o500);
      expect(await nodeFileSystem.checkReportTarget(join(dir, 'a.xml'), false)).toMatch(/is not writable: EACCES/);
      chmodSync(dir, 0o700);
    }
  });
});

describe('a reservation is held for the whole run', () => {
  it('a second reservation of the same path (another run) is refused while the first is held, and allowed once it is filled', async () => {
    const path = join(tempDir(), 'creds.csv');
    const alice = await nodeFileSystem.reserve(path);
    // An empty 0600 file of ours, as a killed run's leftover looks, but a live run holds it.
    expect(await nodeFileSystem.inspectTarget(path)).toEqual({ kind: 'taken', reason: `${path} is being written by another iam-bootstrap run that is still running; wait for it to finish, or choose another file` });
    await expect(nodeFileSystem.reserve(path)).rejects.toThrow(/is being written by another iam-bootstrap run/);
    await alice.fill('alice,secret\n');
    expect(readFileSync(path, 'utf8')).toBe('alice,secret\n');
    expect((await nodeFileSystem.inspectTarget(path)).kind).toBe('taken'); // filled: never reused
  });

  it('the same path spelled through a symlinked folder is the same lock', async () => {
    const dir = tempDir();
    symlinkSync(dir, join(dir, 'ln'));
    const file = await nodeFileSystem.reserve(join(dir, 'c.csv'));
    await expect(nodeFileSystem.reserve(join(dir, 'ln', 'c.csv'))).rejects.toThrow(/another iam-bootstrap run/);
    await file.discard();
  });

  it('a run killed with SIGKILL holds nothing: the operating system released its lock, so its empty file is a leftover', async () => {
    const path = join(tempDir(), 'alice.otp');
    closeSync(openSync(path, 'wx', 0o600));
    const name = await socketName(path);
    // Another process holds the path's lock, as a live run does.
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen({ path: ${JSON.stringify(name)} }, () => console.log('held'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    expect((await nodeFileSystem.inspectTarget(path)).kind).toBe('taken');
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    expect(await nodeFileSystem.inspectTarget(path)).toEqual({ kind: 'leftover' });
    const again = await nodeFileSystem.reserve(path);
    await again.fill('otpauth://');
    expect(readFileSync(path, 'utf8')).toBe('otpauth://');
  });

  it.each([
    ['deleted', (p: string) => rmSync(p), 'was deleted'],
    ['renamed over', (p: string) => {
      writeFileSync(`${p}.x`, 'theirs');
      renameSync(`${p}.x`, p);
    }, 'was replaced by another file'],
    ['replaced by a symbolic link', (p: string) => {
      rmSync(p);
      symlinkSync('/dev/null', p);
    }, 'was replaced by a symbolic link'],
  ])('a reservation %s before it is filled: nothing is written anywhere, and the error says what happened', async (_what, takeOver, how) => {
    const path = join(tempDir(), 'creds.csv');
    const file = await nodeFileSystem.reserve(path);
    takeOver(path);
    const err = await file.fill('secret').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileTakenOverError);
    expect((err as FileTakenOverError).message).toBe(`${path} ${how} while init ran`);
    expect(file.filled).toBe(false);
    expect(existsSync(path) && !lstatSync(path).isSymbolicLink() ? readFileSync(path, 'utf8') : '').not.toContain('secret');
    // The lock is released: the path can be reserved again once it is free.
    rmSync(path, { force: true });
    await (await nodeFileSystem.reserve(path)).discard();
  });

  it('off Linux, a socket file stands for the lock; one left by a dead process is replaced', async () => {
    const path = join(tempDir(), 'creds.csv');
    const held = await lockPath(path, 'file');
    expect(held).toBeDefined();
    expect(await lockPath(path, 'file')).toBeUndefined();
    expect(await isPathLocked(path, 'file')).toBe(true);
    await held?.release();
    // A stale socket file: nobody listens on it.
    const name = await socketName(path, 'file');
    writeFileSync(name, '');
    const again = await lockPath(path, 'file');
    expect(again).toBeDefined();
    await again?.release();
  });
});
