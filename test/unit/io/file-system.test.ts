import { chmodSync, closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileSystem } from '../../../src/io/file-system.js';
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
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o500);
      expect(await nodeFileSystem.checkReportTarget(join(dir, 'a.xml'), false)).toMatch(/is not writable: EACCES/);
      chmodSync(dir, 0o700);
    }
  });
});
