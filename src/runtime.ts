/** Builds the real Context from the global options. Imported only by commands, never at start-up. */
import { createAwsClients, resolveRegion, type AwsCallListener } from './aws/clients.js';
import type { GlobalOptions } from './cli.js';
import { systemClock, type Context } from './context.js';
import { UsageError } from './errors.js';
import { nodeFileSystem } from './io/file-system.js';
import { colorEnabled, createOutput, type Output } from './io/output.js';
import { createInquirerPrompter } from './io/prompter.js';
import { checkEndpointUrl } from './lib/rules.js';

export function outputFor(globals: GlobalOptions): Output {
  return createOutput({
    json: globals.json === true,
    verbose: globals.verbose === true,
    color: colorEnabled(globals.color !== false, process.env, process.stdout.isTTY === true),
  });
}

/** --verbose: one line per AWS call, no parameters (they can hold secrets). */
export function verboseCallLogger(out: Output): AwsCallListener {
  return (c) =>
    out.debug(
      `aws ${c.service}:${c.operation} ${Math.round(c.durationMs)}ms ${c.outcome}${c.attempts > 1 ? ` (${c.attempts} attempts)` : ''}`,
    );
}

export async function createContext(globals: GlobalOptions, out: Output = outputFor(globals)): Promise<Context> {
  if (globals.endpointUrl !== undefined) {
    const problem = checkEndpointUrl(globals.endpointUrl);
    if (problem) throw new UsageError(`--endpoint-url: "${globals.endpointUrl}" ${problem}.`);
  }
  const region = await resolveRegion(globals.region, globals.profile);
  const clients = createAwsClients({
    region,
    profile: globals.profile,
    endpointUrl: globals.endpointUrl,
    onCall: out.verbose ? verboseCallLogger(out) : undefined,
  });
  return { clients, out, prompt: createInquirerPrompter(), clock: systemClock, fs: nodeFileSystem };
}
