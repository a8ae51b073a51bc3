// Starts moto_server (the AWS emulator) on a free loopback port, with AWS-managed policies loaded.
// Shared by `npm run demo`, `npm run bench` and the integration tests' global setup.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAwsDouble } from './aws-double.mjs';

export function hasMoto() {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** @returns {Promise<{ url: string, stop: () => void }>} */
export async function startMoto() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // moto logs every request. Into a file, not a pipe: a caller blocked in spawnSync/execFileSync would not drain
  // a pipe, moto would block writing to it, and the AWS call being waited for would never be answered.
  const logDir = mkdtempSync(join(tmpdir(), 'moto-'));
  const logFile = join(logDir, 'moto.log');
  const logFd = openSync(logFile, 'w');
  const log = () => readFileSync(logFile, 'utf8');
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    // No built-in AMIs: with them, an account's first EC2 call in a region makes some 1,200 snapshots (init's
    // account defaults touch 17 regions: 15 s per new account). Tests register the AMIs they need.
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', MOTO_EC2_LOAD_DEFAULT_AMIS: 'false' },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd); // the child has its own copy
  // The emulator must not keep a finished script alive; callers stop it (on 'exit', or in test teardown).
  child.unref();
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(logDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const text = log();
      stop();
      throw new Error(`moto_server did not answer at ${url} within 30 s:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop };
}

/**
 * moto behind the test double for the operations moto lacks (scripts/aws-double.mjs): `url` is where the CLI and
 * the tests send every AWS call.
 * @param {{ regions?: string[], latencyMs?: number, onForwarded?: (exchange: { operation: string, status: number, started: number, ended: number }) => void, onRequest?: (call: { service: string, operation: string, userAgent: string, rootSession: boolean }) => void }} [options]
 *   (see startAwsDouble)
 * @returns {Promise<{ url: string, motoUrl: string, stop: () => void }>}
 */
export async function startEmulator(options) {
  const moto = await startMoto();
  const double = await startAwsDouble(moto.url, options);
  return {
    url: double.url,
    motoUrl: moto.url,
    stop: () => {
      void double.stop();
      moto.stop();
    },
  };
}
