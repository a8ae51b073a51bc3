/** Builds the real Context from the global options. Imported only by commands, never at start-up. */
import { createAwsClients, resolveRegion, type AwsCallListener } from './aws/clients.js';
import type { GlobalOptions } from './cli.js';
import { systemClock, type Context, type SignalSubscriber } from './context.js';
import { UsageError } from './errors.js';
import { nodeFileSystem } from './io/file-system.js';
import { colorEnabled, createOutput, type Output } from './io/output.js';
import { createInquirerPrompter } from './io/prompter.js';
import { checkEndpointUrl, checkRegion } from './lib/rules.js';
import type { SecretRegistry } from './lib/secrets.js';

export function outputFor(globals: GlobalOptions, secrets: SecretRegistry, json = globals.json === true): Output {
  return createOutput({
    json,
    verbose: globals.verbose === true,
    color: colorEnabled(globals.color !== false, process.env, process.stdout.isTTY === true),
    progress: process.stderr.isTTY === true,
    redact: (text) => secrets.redact(text),
  });
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Process signals, subscribed only while a command needs to clean up before it stops. */
export const processStopSignals: SignalSubscriber = (handler) => {
  const listeners = STOP_SIGNALS.map((signal) => [signal, () => handler(signal)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
};

/** Global options checked before anything else: a bad one is exit 2 before any AWS call. */
export function checkGlobalOptions(globals: GlobalOptions): void {
  if (globals.endpointUrl !== undefined) {
    const problem = checkEndpointUrl(globals.endpointUrl);
    if (problem) throw new UsageError(`--endpoint-url: "${globals.endpointUrl}" ${problem}.`);
  }
  if (globals.region !== undefined) {
    const problem = checkRegion(globals.region);
    if (problem) throw new UsageError(`--region: "${globals.region}" ${problem}.`);
  }
}

/** --verbose: one line per AWS call, no parameters (they can hold secrets). */
export function verboseCallLogger(out: Output): AwsCallListener {
  return (c) =>
    out.debug(
      `aws ${c.service}:${c.operation} ${Math.round(c.durationMs)}ms ${c.outcome}${c.attempts > 1 ? ` (${c.attempts} attempts)` : ''}` +
        (c.account ? ` [account ${c.account}]` : ''),
    );
}

export async function createContext(
  globals: GlobalOptions,
  secrets: SecretRegistry,
  out: Output = outputFor(globals, secrets),
  clientOptions: { maxAttempts?: number } = {},
): Promise<Context> {
  checkGlobalOptions(globals);
  const region = await resolveRegion(globals.region, globals.profile);
  let calls = 0;
  let retried = 0;
  let attempts = 0;
  const log = out.verbose ? verboseCallLogger(out) : undefined;
  const onCall: AwsCallListener = (c) => {
    calls += 1;
    attempts += c.attempts;
    if (c.attempts > 1) retried += 1;
    log?.(c);
  };
  const settings = { region, endpointUrl: globals.endpointUrl, onCall, ...clientOptions };
  return {
    clients: createAwsClients({ ...settings, profile: globals.profile }),
    clientsFor: (credentials, account) => createAwsClients({ ...settings, credentials, account }),
    awsCallCount: () => calls,
    awsRetries: () => ({ retried, attempts }),
    out,
    prompt: createInquirerPrompter(),
    clock: systemClock,
    fs: nodeFileSystem,
    secrets,
    onStopSignal: processStopSignals,
  };
}
