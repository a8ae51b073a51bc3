/**
 * Starts one moto_server for the integration tests on a free loopback port. Tests isolate themselves by
 * assuming a role into an account id of their own (moto keeps separate IAM state per account).
 * Without moto_server the tests skip — except under CI=true, where a missing emulator is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer at ${url} within 30 s:\n${log()}`);
}

export default async function setup(project: TestProject) {
  const found = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  if (found.error || found.status !== 0) {
    if (process.env.CI === 'true') {
      throw new Error('moto_server is not installed, and CI=true: integration tests must not be skipped in CI.');
    }
    project.provide('motoUrl', '');
    return;
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitUntilReady(url, child, () => output);
  project.provide('motoUrl', url);
  return () => {
    child.kill('SIGTERM');
  };
}
