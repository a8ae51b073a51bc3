import { constants } from 'node:fs';
import { access, open, rm } from 'node:fs/promises';
import { RuntimeError } from '../errors.js';
import type { FileSystem } from '../context.js';

export const nodeFileSystem: FileSystem = {
  async exists(path) {
    try {
      await access(path, constants.F_OK);
      return true;
    } catch {
      return false;
    }
  },

  async writeSecretFile(path, data) {
    let handle;
    try {
      // 'wx' = O_CREAT|O_EXCL: never overwrite, and no window in which another process's file is reused.
      handle = await open(path, 'wx', 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new RuntimeError(`${path} already exists; refusing to overwrite a file that may hold secrets.`);
      throw new RuntimeError(`cannot create ${path}: ${(err as Error).message}`);
    }
    try {
      await handle.writeFile(data);
      // open()'s mode is filtered by the umask; make 0600 exact.
      await handle.chmod(0o600);
    } finally {
      await handle.close();
    }
  },

  async removeFile(path) {
    await rm(path, { force: true });
  },

  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};
