/** Builds the real Context from the global options. Imported only by commands, never at start-up. */
import { readFileSync } from 'node:fs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { assumeRole, DEFAULT_ROLE_NAME, SessionClockError } from './aws/assume-role.js';
import { createAwsClients, resolveRegion, type AwsCallListener, type AwsClients } from './aws/clients.js';
import { checkRegionKnown, knownRegions } from './aws/known-regions.js';
import { networkSettingsIn } from './aws/network-settings.js';
import { checkProfileExists } from './aws/profiles.js';
import { sdkLogger } from './aws/sdk-logger.js';
import type { GlobalOptions } from './options.js';
import { systemClock, type Context, type SignalSubscriber } from './context.js';
import { awsFailureReason, RuntimeError, UsageError } from './errors.js';
import { nodeFileSystem } from './io/file-system.js';
import { colorEnabled, createOutput, type ColorSetting, type Output } from './io/output.js';
import { createInquirerPrompter } from './io/prompter.js';
import { checkEndpointUrl, checkExternalId, checkRegion, checkRoleArn, checkRoleName } from './lib/rules.js';
import type { SecretRegistry } from './lib/secrets.js';

/** --color <when> / --no-color as a setting; a bad value is exit 2. */
export function colorSetting(flag: string | boolean | undefined): ColorSetting {
  if (flag === undefined || flag === true) return 'auto';
  if (flag === false) return 'never';
  if (flag === 'auto' || flag === 'always' || flag === 'never') return flag;
  throw new UsageError(`--color: "${flag}" is not auto, always or never.`);
}

export function outputFor(globals: GlobalOptions, secrets: SecretRegistry, json = globals.json === true): Output {
  return createOutput({
    json,
    verbose: globals.verbose === true,
    color: colorEnabled(colorSetting(globals.color), process.env, process.stdout.isTTY === true),
    colorAllowed: colorEnabled(colorSetting(globals.color), process.env, true),
    progress: process.stderr.isTTY === true,
    width: { stdout: terminalWidth(process.stdout), stderr: terminalWidth(process.stderr) },
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
  if (globals.account !== undefined && !/^\d{12}$/.test(globals.account)) {
    throw new UsageError(`--account: "${globals.account}" is not a 12-digit account id.`);
  }
  if (globals.roleName !== undefined && checkRoleName(globals.roleName)) {
    throw new UsageError(`--role-name: "${globals.roleName}" is not a valid IAM role name.`);
  }
  if (globals.roleArn !== undefined) {
    const problem = checkRoleArn(globals.roleArn);
    if (problem) throw new UsageError(`--role-arn: "${globals.roleArn}" ${problem}.`);
    if (globals.roleName !== undefined) throw new UsageError('--role-arn: names the role already; leave out --role-name.');
    const inAccount = globals.roleArn.split(':')[4];
    if (globals.account !== undefined && globals.account !== inAccount) {
      throw new UsageError(`--role-arn: the role is in account ${inAccount}, not --account ${globals.account}.`);
    }
  }
  if (globals.externalId !== undefined) {
    const problem = checkExternalId(globals.externalId);
    if (problem) throw new UsageError(`--external-id: ${problem}.`);
    if (globals.account === undefined && globals.roleArn === undefined) throw new UsageError('--external-id: needs --account or --role-arn.');
  }
}

/**
 * --account / --role-arn: the caller's own clients assume the role, and every later call acts in that account.
 * A role that cannot be assumed is exit 3 naming the ARN and what usually causes it.
 */
export async function enterAccount(
  globals: GlobalOptions,
  own: AwsClients,
  clientsFor: Context['clientsFor'],
): Promise<{ clients: AwsClients; actingThrough: NonNullable<Context['actingThrough']> }> {
  const caller = await own.sts.send(new GetCallerIdentityCommand({}));
  const partition = caller.Arn?.split(':')[1] || 'aws';
  const roleArn = globals.roleArn ?? `arn:${partition}:iam::${globals.account}:role/${globals.roleName ?? DEFAULT_ROLE_NAME}`;
  const accountId = roleArn.split(':')[4] as string;
  let credentials;
  try {
    // An hour: the longest a chained role session may last; renewed before it runs out.
    credentials = await assumeRole(own.sts, { roleArn, sessionName: 'iam-bootstrap', externalId: globals.externalId, durationSeconds: 3600 }, () => systemClock.now());
  } catch (err) {
    if (err instanceof SessionClockError) throw err;
    throw new RuntimeError(
      `cannot assume ${roleArn}: ${awsFailureReason(err)}`,
      `Likely causes: the role does not exist in account ${accountId} (accounts invited into an Organization have no ` +
        'OrganizationAccountAccessRole until you create it; --role-name or --role-arn names another); you are not in the ' +
        "management account, or the role's trust policy does not allow your principal" +
        (globals.externalId ? ' with this --external-id' : ' (or it requires --external-id)') +
        '; or a service control policy denies sts:AssumeRole.',
    );
  }
  return { clients: clientsFor(credentials, accountId), actingThrough: { callerArn: caller.Arn ?? '', roleArn, accountId } };
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
  checkProfileExists(globals.profile, process.env, readTextIfExists);
  const region = await resolveRegion(globals.region, globals.profile);
  checkRegionKnown(region, await knownRegions(), globals.region !== undefined ? '--region' : 'region (from AWS_REGION, AWS_DEFAULT_REGION or the profile; --region overrides it)');
  const network = networkSettingsIn(process.env);
  const requestHandler = network.proxy || network.caBundle ? (await import('./aws/network.js')).networkRequestHandler(process.env) : undefined;
  const logger = sdkLogger((line) => out.warn(line));
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
  const settings = { region, endpointUrl: globals.endpointUrl, onCall, logger, requestHandler, ...clientOptions };
  const own = createAwsClients({ ...settings, profile: globals.profile });
  const clientsFor: Context['clientsFor'] = (credentials, account) => createAwsClients({ ...settings, credentials, account });
  const elsewhere = globals.account !== undefined || globals.roleArn !== undefined ? await enterAccount(globals, own, clientsFor) : undefined;
  return {
    clients: elsewhere?.clients ?? own,
    ...(elsewhere ? { actingThrough: elsewhere.actingThrough, callerClients: own } : {}),
    clientsFor,
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

/** A config file's text, or undefined when it does not exist or cannot be read (the SDK would not read it either). */
function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A terminal's columns, or COLUMNS when it is not one (set by a user who wants wrapping in a pipe); else none. */
function terminalWidth(stream: NodeJS.WriteStream): number | undefined {
  if (stream.isTTY && stream.columns) return stream.columns;
  const columns = Number(process.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}
