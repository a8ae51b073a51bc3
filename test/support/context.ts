import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsClients } from '../../src/aws/clients.js';
import type { Clock, Context, FileSystem, SignalSubscriber } from '../../src/context.js';
import { createOutput, type Output } from '../../src/io/output.js';
import type { Prompter } from '../../src/io/prompter.js';
import { nodeFileSystem } from '../../src/io/file-system.js';
import { SecretRegistry } from '../../src/lib/secrets.js';

export interface CapturedOutput {
  out: Output;
  stdout: string[];
  stderr: string[];
}

export function captureOutput(json = false): CapturedOutput {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = createOutput(
    { json, verbose: false, color: false },
    { write: (t: string) => stdout.push(t) },
    { write: (t: string) => stderr.push(t) },
  );
  return { out, stdout, stderr };
}

/** A clock frozen at `start` whose sleep only advances it, so backoff costs no real time. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = new Date('2026-01-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.current = new Date(this.current.getTime() + ms);
  }
  set(date: Date): void {
    this.current = date;
  }
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'iam-bootstrap-test-'));
}

export function fileSystem(stdin = ''): FileSystem {
  return {
    ...nodeFileSystem,
    readStdin: async (maxBytes) => ({ text: stdin.slice(0, maxBytes), complete: Buffer.byteLength(stdin) <= maxBytes }),
  };
}

/** Stop signals a test sends by hand: `signals.send('SIGTERM')` runs what init subscribed. */
export class FakeSignals {
  private handlers = new Set<(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => void>();
  readonly subscribe: SignalSubscriber = (handler) => {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  };
  send(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP'): void {
    for (const h of [...this.handlers]) h(signal);
  }
  get subscribed(): number {
    return this.handlers.size;
  }
}

export function testContext(
  clients: AwsClients,
  prompt: Prompter,
  opts: { json?: boolean; stdin?: string; clock?: Clock; fs?: FileSystem; signals?: FakeSignals } = {},
) {
  const captured = captureOutput(opts.json);
  const signals = opts.signals ?? new FakeSignals();
  const ctx: Context = {
    clients,
    clientsFor: () => {
      throw new Error('this test gives no cross-account clients');
    },
    awsCallCount: () => 0,
    awsRetries: () => ({ retried: 0, attempts: 0 }),
    out: captured.out,
    prompt,
    clock: opts.clock ?? new FakeClock(),
    fs: opts.fs ?? fileSystem(opts.stdin),
    secrets: new SecretRegistry(),
    onStopSignal: signals.subscribe,
  };
  return { ctx, signals, ...captured };
}
