/**
 * The only module that constructs AWS SDK clients. Everything else receives them through the context,
 * which is what lets tests hand in mocks and lets `--help` start without loading the SDK.
 */
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { AccountClient } from '@aws-sdk/client-account';
import type { BudgetsClient } from '@aws-sdk/client-budgets';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from '@smithy/types';
import { packageVersion } from '../lib/version.js';
import type { networkRequestHandler } from './network.js';

export interface AwsClients {
  /** The tool's region (--region): where regional things the account needs once, such as a trail, are made. */
  region: string;
  iam: IAMClient;
  sts: STSClient;
  organizations: OrganizationsClient;
  /** AWS Account Management: alternate contacts, the account's regions. */
  account: AccountClient;
  /** IAM Access Analyzer is regional: one client per region, made on first use. */
  accessAnalyzer(region: string): AccessAnalyzerClient;
  /** AWS Security Hub in the tool's region: audit --security-hub, the only write audit makes. */
  securityHub: SecurityHubClient;
  /** IAM Identity Center's permission sets and account assignments (regional: the instance's region, --region). */
  ssoAdmin: SSOAdminClient;
  /** IAM Identity Center's identity store: its users, groups and memberships (same region). */
  identityStore: IdentitystoreClient;
  // The clients of the account-wide defaults are loaded on first use: the EC2 client alone takes longer to load
  // than all the others together, and a run that does not touch these settings should not wait for it.
  /** S3 Control: the account-level S3 Block Public Access. */
  s3Control(): Promise<S3ControlClient>;
  /** S3 in the tool's region, following a bucket to its own region. */
  s3(): Promise<S3Client>;
  /** AWS Budgets (global). */
  budgets(): Promise<BudgetsClient>;
  /** EC2 account settings (EBS encryption, snapshot and AMI sharing blocks, metadata defaults), per region. */
  ec2(region: string): Promise<EC2Client>;
  /** CloudTrail, per region (a trail is read through its home region). */
  cloudTrail(region: string): Promise<CloudTrailClient>;
  /** GuardDuty, per region. */
  guardDuty(region: string): Promise<GuardDutyClient>;
}

export interface AwsCallRecord {
  service: string;
  operation: string;
  durationMs: number;
  /** "ok", or the error code */
  outcome: string;
  attempts: number;
  /** The account the call went to, for clients of another account (audit --org). */
  account?: string;
}

export type AwsCallListener = (call: AwsCallRecord) => void;

export interface ClientSettings {
  region: string;
  profile?: string;
  /** Send every call here (an emulator such as moto); the SDK's AWS_ENDPOINT_URL* variables work without it. */
  endpointUrl?: string;
  /** Credentials from sts:AssumeRole (fixed, or a provider that renews them); otherwise the SDK's default chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  onCall?: AwsCallListener;
  /** Attempts per call, retries included (default 5). */
  maxAttempts?: number;
  /** The account these clients act in, when it is not the caller's own (named in --verbose traces). */
  account?: string;
  /** Where the SDK's own warnings go (src/aws/sdk-logger.ts), instead of console.warn. */
  logger?: Logger;
  /** Connections through a proxy or with a CA bundle (src/aws/network.ts); the SDK's own when undefined. */
  requestHandler?: ReturnType<typeof networkRequestHandler>;
}

const DEFAULT_REGION = 'us-east-1';
/** The SDK retries throttling, 5xx and dropped connections; a few more attempts than its default of 3. */
const MAX_ATTEMPTS = 5;
/**
 * audit only reads, and a scheduled audit of a busy account must not end in `error` because IAM throttled it:
 * with 30% of calls throttled, ten attempts leave about one call in 170,000 unanswered.
 */
export const READ_ONLY_MAX_ATTEMPTS = 10;

type InstrumentableClient =
  | IAMClient
  | STSClient
  | OrganizationsClient
  | AccountClient
  | AccessAnalyzerClient
  | SecurityHubClient
  | SSOAdminClient
  | IdentitystoreClient
  | S3ControlClient
  | S3Client
  | BudgetsClient
  | EC2Client
  | CloudTrailClient
  | GuardDutyClient;

type S3ControlModule = { S3ControlClient: typeof S3ControlClient };
type S3Module = { S3Client: typeof S3Client };
type BudgetsModule = { BudgetsClient: typeof BudgetsClient };
type EC2Module = { EC2Client: typeof EC2Client };
type CloudTrailModule = { CloudTrailClient: typeof CloudTrailClient };
type GuardDutyModule = { GuardDutyClient: typeof GuardDutyClient };

/**
 * The SDK's packages are CommonJS. Loaded with `require` they are the same modules `import` gives (the same
 * classes), without the scan of the source `import` makes to find a CommonJS module's exports: for the 2 MB EC2
 * client that scan alone is a quarter of a second.
 */
const load = <M>(name: string): M => createRequire(import.meta.url)(name) as M;

/** Sent with every call, so CloudTrail (and a test double) can tell this tool's calls from others'. */
let userAgent: [string, string] | undefined;

export function createAwsClients(settings: ClientSettings): AwsClients {
  userAgent ??= ['iam-bootstrap', packageVersion()];
  const common = {
    region: settings.region,
    customUserAgent: [userAgent],
    maxAttempts: settings.maxAttempts ?? MAX_ATTEMPTS,
    // Adaptive: on throttling the client also slows its own sending rate, instead of only backing off per call.
    retryMode: 'adaptive',
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(settings.requestHandler ? { requestHandler: settings.requestHandler } : {}),
  };
  const made = new Map<string, Promise<InstrumentableClient>>();
  /** A client made, and instrumented, on its first use; `service` names it in traces ("ec2(eu-west-1)"). */
  const onFirstUse = <C extends InstrumentableClient>(service: string, make: () => Promise<C>): Promise<C> => {
    let client = made.get(service);
    if (!client) {
      client = make().then((c) => {
        instrument(c, service, settings.onCall, settings.account);
        return c;
      });
      made.set(service, client);
    }
    return client as Promise<C>;
  };
  const analyzers = new Map<string, AccessAnalyzerClient>();
  const clients: AwsClients = {
    region: settings.region,
    iam: new IAMClient(common),
    sts: new STSClient(common),
    organizations: new OrganizationsClient(common),
    account: new AccountClient(common),
    securityHub: new SecurityHubClient(common),
    ssoAdmin: new SSOAdminClient(common),
    identityStore: new IdentitystoreClient(common),
    accessAnalyzer(region) {
      let client = analyzers.get(region);
      if (!client) {
        client = new AccessAnalyzerClient({ ...common, region });
        instrument(client, `access-analyzer(${region})`, settings.onCall, settings.account);
        analyzers.set(region, client);
      }
      return client;
    },
    s3Control: () => onFirstUse('s3control', async () => withLiteralIpEndpoint(new (load<S3ControlModule>('@aws-sdk/client-s3-control').S3ControlClient)(common))),
    // A bucket in another region answers with a redirect; the client follows it instead of failing.
    s3: () => onFirstUse('s3', async () => new (load<S3Module>('@aws-sdk/client-s3').S3Client)({ ...common, followRegionRedirects: true })),
    budgets: () => onFirstUse('budgets', async () => new (load<BudgetsModule>('@aws-sdk/client-budgets').BudgetsClient)(common)),
    ec2: (region) => onFirstUse(`ec2(${region})`, async () => new (load<EC2Module>('@aws-sdk/client-ec2').EC2Client)({ ...common, region })),
    cloudTrail: (region) => onFirstUse(`cloudtrail(${region})`, async () => new (load<CloudTrailModule>('@aws-sdk/client-cloudtrail').CloudTrailClient)({ ...common, region })),
    guardDuty: (region) => onFirstUse(`guardduty(${region})`, async () => new (load<GuardDutyModule>('@aws-sdk/client-guardduty').GuardDutyClient)({ ...common, region })),
  };
  instrument(clients.iam, 'iam', settings.onCall, settings.account);
  instrument(clients.sts, 'sts', settings.onCall, settings.account);
  instrument(clients.organizations, 'organizations', settings.onCall, settings.account);
  instrument(clients.account, 'account', settings.onCall, settings.account);
  instrument(clients.securityHub, 'securityhub', settings.onCall, settings.account);
  instrument(clients.ssoAdmin, 'sso-admin', settings.onCall, settings.account);
  instrument(clients.identityStore, 'identitystore', settings.onCall, settings.account);
  return clients;
}

/**
 * S3 Control puts the account id in front of the host name ("<account>.s3-control.<region>.amazonaws.com"). A
 * custom endpoint that is an IP address (a local endpoint: --endpoint-url http://127.0.0.1:4566) cannot take that
 * prefix, so calls go to it as given; every other endpoint keeps the SDK's own rules.
 */
function withLiteralIpEndpoint(client: S3ControlClient): S3ControlClient {
  const config = client.config as unknown as { endpointProvider: (params: { Endpoint?: string }, context?: unknown) => { url: URL } };
  const rules = config.endpointProvider;
  config.endpointProvider = (params, context) => {
    const custom = params.Endpoint ? new URL(params.Endpoint) : undefined;
    return custom && isIP(custom.hostname.replace(/^\[|\]$/g, '')) ? { url: custom } : rules(params, context);
  };
  return client;
}

/**
 * A view of `clients` whose every call is abandoned once `signal` aborts (the SDK's abortSignal option): audit
 * stops the reads nobody waits for any more as soon as its result is known.
 */
export function withAbortSignal(clients: AwsClients, signal: AbortSignal): AwsClients {
  const wrap = <C extends InstrumentableClient>(client: C): C =>
    new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: Parameters<C['send']>[0], options?: object) =>
          (target.send as (c: unknown, o: object) => Promise<unknown>)(command, { ...options, abortSignal: signal });
      },
    });
  return {
    region: clients.region,
    iam: wrap(clients.iam),
    sts: wrap(clients.sts),
    organizations: wrap(clients.organizations),
    account: wrap(clients.account),
    securityHub: wrap(clients.securityHub),
    ssoAdmin: wrap(clients.ssoAdmin),
    identityStore: wrap(clients.identityStore),
    accessAnalyzer: (region) => wrap(clients.accessAnalyzer(region)),
    s3Control: async () => wrap(await clients.s3Control()),
    s3: async () => wrap(await clients.s3()),
    budgets: async () => wrap(await clients.budgets()),
    ec2: async (region) => wrap(await clients.ec2(region)),
    cloudTrail: async (region) => wrap(await clients.cloudTrail(region)),
    guardDuty: async (region) => wrap(await clients.guardDuty(region)),
  };
}

/**
 * `--region`, else what the SDK finds (AWS_REGION, AWS_DEFAULT_REGION, the profile's config), else us-east-1.
 * IAM is global, so a missing region must not stop the tool.
 */
export async function resolveRegion(flag: string | undefined, profile: string | undefined): Promise<string> {
  if (flag) return flag;
  const probe = new STSClient(profile ? { profile } : {});
  try {
    const region = await probe.config.region();
    return region || DEFAULT_REGION;
  } catch {
    return DEFAULT_REGION;
  } finally {
    probe.destroy();
  }
}

/** What an error page said about itself, when the SDK could not read an AWS error from it. */
export interface UnparsableAnswer {
  status?: number;
  contentType?: string;
  endpoint?: string;
}

/**
 * The SDK reports an answer it cannot parse as a SyntaxError (JSON protocols) or as an "Unknown" error with no
 * AWS code (query protocols); either way the raw response is attached.
 */
function unparsableAnswer(e: { name?: string; $response?: unknown; Code?: string } | undefined, context: { endpointV2?: { url?: URL } }): UnparsableAnswer | undefined {
  const response = e?.$response as { statusCode?: number; headers?: Record<string, string> } | undefined;
  if (!response || !(e?.name === 'SyntaxError' || e?.name === 'Unknown' || e?.name === 'Error')) return undefined;
  const contentType = Object.entries(response.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  return { status: response.statusCode, contentType, endpoint: context.endpointV2?.url?.origin };
}

/**
 * Wraps every call once, outside the SDK's retries: the error that escapes carries the call's name
 * ("iam:CreateUser"), and the listener sees service, operation, duration and outcome — never parameters
 * or responses, which can hold secrets.
 */
function instrument(client: InstrumentableClient, service: string, listener: AwsCallListener | undefined, account?: string): void {
  const onCall = listener && account ? (c: AwsCallRecord) => listener({ ...c, account }) : listener;
  // The clients share middleware typing in spirit but not in their generics; this cast is the price.
  (client.middlewareStack as unknown as IAMClient['middlewareStack']).add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      const started = performance.now();
      try {
        const result = await next(args);
        const attempts = (result.output as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
        onCall?.({ service, operation, durationMs: performance.now() - started, outcome: 'ok', attempts });
        return result;
      } catch (err) {
        const e = err as { name?: string; $metadata?: { attempts?: number }; $awsCall?: string; $response?: unknown; $awsAnswer?: unknown };
        if (e && typeof e === 'object' && !e.$awsCall) e.$awsCall = `${service}:${operation}`;
        // An answer that is not AWS's (a proxy's or an emulator's error page): what it was, and from where.
        const answer = unparsableAnswer(e, context as { endpointV2?: { url?: URL } });
        if (answer && e && typeof e === 'object') e.$awsAnswer = answer;
        onCall?.({
          service,
          operation,
          durationMs: performance.now() - started,
          outcome: e?.name ?? 'error',
          attempts: e?.$metadata?.attempts ?? 1,
        });
        throw err;
      }
    },
    { step: 'initialize', name: 'iamBootstrapCallRecorder', priority: 'high' },
  );
}
