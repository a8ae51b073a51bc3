/**
 * The one object through which commands and steps reach the outside world. Steps read `clients`, `clock`
 * and `fs`; only commands use `out` and `prompt`. Tests build it from fakes (test/support/context.ts).
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AwsClients } from './aws/clients.js';
import type { Output } from './io/output.js';
import type { Prompter } from './io/prompter.js';
import type { SecretRegistry } from './lib/secrets.js';

export interface Clock {
  now(): Date;
  /** Waits `ms`; rejects with the signal's reason as soon as `signal` is aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** What stands at a path where a secret file is to be created. */
export type TargetState =
  | { kind: 'free' }
  /** An empty 0600 file of ours: the reservation of a killed run, reused rather than refused. */
  | { kind: 'leftover' }
  /** Something is at the path (a file, a link, a folder): a secret is never written over it. */
  | { kind: 'taken'; reason: string }
  /** Nothing can be created there (no such folder, not writable, …). */
  | { kind: 'blocked'; reason: string };

/** A secret file created (empty, 0600) before init changes anything, so that writing it later cannot fail for a reason known now. */
export interface ReservedFile {
  readonly path: string;
  readonly filled: boolean;
  /** Writes the whole content and closes; on failure removes the file and throws a RuntimeError naming the path and reason. */
  fill(data: string | Uint8Array): Promise<void>;
  /** Removes the file, if it is still the one reserved (the run has nothing to put there, or its secret became useless). */
  discard(): Promise<void>;
}

export interface StdinText {
  text: string;
  /** false: standard input was longer than asked for, and reading stopped there */
  complete: boolean;
}

export interface FileSystem {
  /** Reads only: can a new secret file be created at `path`? init's plan and --dry-run use this. */
  inspectTarget(path: string): Promise<TargetState>;
  /** Creates `path` exclusively (or takes over a leftover reservation); throws RuntimeError naming the reason. */
  reserve(path: string): Promise<ReservedFile>;
  /** Standard input, for --password-stdin, reading at most `maxBytes`. */
  readStdin(maxBytes: number): Promise<StdinText>;
  /** Reads only: why a report cannot be written at `path` (exists without `replace`, folder missing or read-only). */
  checkReportTarget(path: string, replace: boolean): Promise<string | undefined>;
  /**
   * Which file `path` names, however it is spelled: the device and inode of an existing file (hard and symbolic
   * links resolved), else the real path of its folder and its name. Two report targets with the same identity
   * would overwrite each other.
   */
  fileIdentity(path: string): Promise<string>;
  /** A small text file (an exception file), or undefined when it does not exist; RuntimeError naming any other reason. */
  readText(path: string): Promise<string | undefined>;
  /** Writes a report whole or not at all (temp file + rename in the same folder); RuntimeError naming the reason. */
  writeAtomically(path: string, data: string, replace: boolean): Promise<void>;
}

/** The signals that stop a run: the handler runs once per signal; the function returned removes it. */
export type SignalSubscriber = (handler: (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => void) => () => void;

export interface Context {
  clients: AwsClients;
  /** Clients for another account, with credentials from sts:AssumeRole (audit --org), or a provider that renews them. */
  clientsFor(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider, accountId: string): AwsClients;
  /** How many AWS calls this process has made so far (audit --verbose reports it). */
  awsCallCount(): number;
  /** Of those, how many needed more than one attempt (throttled, dropped, 5xx), and the attempts in all. */
  awsRetries(): { retried: number; attempts: number };
  out: Output;
  prompt: Prompter;
  clock: Clock;
  fs: FileSystem;
  /** Every secret this process knows; output and error messages replace them with ***. */
  secrets: SecretRegistry;
  /** With --account / --role-arn: the caller's own clients (sts:AssumeRoot must come from the caller's account). */
  callerClients?: AwsClients;
  /** Set with --account / --role-arn: who the caller is, and the role through which `clients` act in `accountId`. */
  actingThrough?: { callerArn: string; roleArn: string; accountId: string };
  /** SIGINT, SIGTERM and SIGHUP, for commands that must clean up before they stop (init's apply). */
  onStopSignal: SignalSubscriber;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
