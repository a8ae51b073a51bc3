/**
 * The one object through which commands and steps reach the outside world. Steps read `clients`, `clock`
 * and `fs`; only commands use `out` and `prompt`. Tests build it from fakes (test/support/context.ts).
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AwsClients } from './aws/clients.js';
import type { Output } from './io/output.js';
import type { Prompter } from './io/prompter.js';

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export interface FileSystem {
  exists(path: string): Promise<boolean>;
  /** Creates `path` with mode 0600; fails if it already exists (secrets are never overwritten). */
  writeSecretFile(path: string, data: string | Uint8Array): Promise<void>;
  /** Removes a file this run created and that is now useless (e.g. the seed of a device that was deleted). */
  removeFile(path: string): Promise<void>;
  /** All of standard input, for --password-stdin. */
  readStdin(): Promise<string>;
}

export interface Context {
  clients: AwsClients;
  /** Clients for another account, with credentials from sts:AssumeRole (audit --org). */
  clientsFor(credentials: AwsCredentialIdentity): AwsClients;
  /** How many AWS calls this process has made so far (audit --verbose reports it). */
  awsCallCount(): number;
  out: Output;
  prompt: Prompter;
  clock: Clock;
  fs: FileSystem;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
