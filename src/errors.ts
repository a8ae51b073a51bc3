/**
 * Every failure the tool can report, and the one mapping from failure to exit code.
 * Commands throw these; only src/index.ts turns them into an exit code.
 */

export const ExitCode = {
  ok: 0,
  /** audit: a check at or above --fail-on failed */
  checksFailed: 1,
  usage: 2,
  runtime: 3,
  /** init --dry-run --detailed-exitcode: the plan would change something (Terraform's plan uses 2, our usage code) */
  changesPending: 4,
  /** 128 + the signal's number, as a shell reports a process the signal ended */
  hangup: 129,
  interrupted: 130,
  terminated: 143,
} as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = ExitCode.usage;
}

/** The operator pressed Ctrl-C or declined the plan. */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly exitCode: number;
  constructor(message = 'Interrupted.', exitCode: number = ExitCode.interrupted) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A runtime failure that is not an AWS API error (a file we could not write, MFA codes rejected). */
export class RuntimeError extends Error {
  override readonly name: string = 'RuntimeError';
  readonly exitCode = ExitCode.runtime;
  constructor(
    message: string,
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

/**
 * A reserved secret file is no longer at its path (deleted, or replaced by another file) when the secret is written:
 * whatever was written went to a file nobody will find. The caller keeps the secret elsewhere and says where.
 */
export class FileTakenOverError extends RuntimeError {
  override readonly name = 'FileTakenOverError';
  constructor(
    readonly path: string,
    /** "was deleted", "was replaced by another file", … */
    readonly how: string,
  ) {
    super(`${path} ${how} while init ran`);
  }
}

/**
 * Not a failure: a command that finished and has a non-zero result to report (audit's exit 1), already
 * printed. Thrown so that the exit code, like every other, is decided in src/index.ts.
 */
export class ExitWith extends Error {
  override readonly name = 'ExitWith';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/**
 * A failure after which cleaning up failed too (e.g. EnableMFADevice denied, then DeleteVirtualMFADevice denied).
 * Both are reported; the original decides the exit code, and the clean-up's hint says what is left to do by hand.
 */
export class CleanupFailedError extends Error {
  override readonly name = 'CleanupFailedError';
  constructor(
    readonly original: unknown,
    readonly failures: { leftBehind: string; error: unknown }[],
  ) {
    super(original instanceof Error ? original.message : String(original));
  }
}

/**
 * Runs every clean-up after `original` failed, whatever each of them does, then throws `original` — or, when a
 * clean-up failed too, a CleanupFailedError carrying both, so the clean-up never hides the first error.
 */
export async function cleanUpAndRethrow(original: unknown, cleanups: { leftBehind: string; run: () => Promise<unknown> }[]): Promise<never> {
  const failures: { leftBehind: string; error: unknown }[] = [];
  for (const c of cleanups) {
    try {
      await c.run();
    } catch (error) {
      failures.push({ leftBehind: c.leftBehind, error });
    }
  }
  if (!failures.length) throw original;
  if (original instanceof CleanupFailedError) throw new CleanupFailedError(original.original, [...original.failures, ...failures]);
  throw new CleanupFailedError(original, failures);
}

export const CREDENTIALS_HELP = [
  'Provide AWS credentials in one of these ways:',
  '  - a named profile:        iam-bootstrap --profile <name> ...   (or AWS_PROFILE=<name>)',
  '  - IAM Identity Center:    aws sso login --profile <name>, then --profile <name>',
  '  - environment variables:  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)',
  '  - AWS CloudShell:         credentials are already there; run the command in CloudShell',
].join('\n');

/** Error codes AWS uses when the credentials themselves are the problem. */
const CREDENTIAL_ERROR_CODES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'TokenRefreshRequired',
]);

/** Shape of an AWS SDK v3 service error (and of our annotation on it). */
interface AwsErrorLike {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
  /** Set by the client middleware in src/aws/clients.ts: "iam:CreateUser". */
  $awsCall?: string;
  /** Set by the same middleware when the answer was not AWS's (an HTML error page): status, type, endpoint. */
  $awsAnswer?: { status?: number; contentType?: string; endpoint?: string };
}

/**
 * The AWS error code of `err` without the SDK's "Exception" suffix, so that
 * `NoSuchEntityException` (modelled) and `AccessDenied` (unmodelled) compare alike.
 */
export function awsErrorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as AwsErrorLike;
  if (!e.$metadata && !e.$fault && !e.Code) return undefined;
  // The SDK's JSON protocols report an answer that is not JSON (an HTML error page) as a SyntaxError: no AWS code.
  if (e.name === 'SyntaxError' && !e.Code) return 'Unknown';
  const raw = e.Code ?? e.name ?? '';
  return raw.endsWith('Exception') ? raw.slice(0, -'Exception'.length) : raw;
}

/** The HTTP status of a failed AWS call (HeadBucket's errors have no body, so no code: only the status says why). */
export function awsErrorStatus(err: unknown): number | undefined {
  return err && typeof err === 'object' ? (err as AwsErrorLike).$metadata?.httpStatusCode : undefined;
}

/**
 * "Code: message" of a failed AWS call, on one line. An answer the SDK could not parse (an emulator's or a
 * proxy's HTML error page) has no AWS code: it is named by its HTTP status, and the SDK's multi-line
 * "Deserialization error" hint is dropped.
 */
export function awsFailureReason(err: unknown): string {
  const e = err as AwsErrorLike;
  const code = awsErrorCode(err) ?? '';
  const status = e.$metadata?.httpStatusCode ?? e.$awsAnswer?.status;
  if ((code === '' || code === 'Error' || code === 'Unknown') && status) {
    // Not AWS's answer: say what came back and from where, never the parser's complaint about it.
    const type = e.$awsAnswer?.contentType?.split(';')[0]?.trim();
    const page = type === 'text/html' ? 'an HTML page' : type ? `a ${type} answer` : 'an answer AWS would not give';
    const service = e.$awsCall?.split(':')[0] ?? 'AWS';
    const at = e.$awsAnswer?.endpoint ? ` at ${e.$awsAnswer.endpoint}` : '';
    return `${service}${at} answered HTTP ${status} with ${page} (a proxy, a firewall, a stopped emulator or a wrong --endpoint-url?)`;
  }
  const message = (e.message ?? '').split('\n')[0]?.trim() ?? '';
  if (!message || message === code) return code || 'unknown error';
  return code ? `${code}: ${message}` : message;
}

export function isAwsError(err: unknown, ...codes: string[]): boolean {
  const code = awsErrorCode(err);
  return code !== undefined && codes.some((c) => c === code || `${c}Exception` === code);
}

function isCredentialsProviderError(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  return name === 'CredentialsProviderError' || name === 'TokenProviderError';
}

export interface ReportedError {
  exitCode: number;
  message: string;
}

export interface ErrorContext {
  /** --profile, so a credentials failure can say which profile it tried. */
  profile?: string;
}

/** The single place that decides what the operator reads and which exit code the process returns. */
export function describeError(err: unknown, context: ErrorContext = {}): ReportedError {
  if (err instanceof CleanupFailedError) {
    const first = describeError(err.original, context);
    const also = err.failures.map(
      (f) => `Clean-up failed too: ${describeError(f.error, context).message.replace(/^Error: /, '')}\nLeft behind: ${f.leftBehind}`,
    );
    return { exitCode: first.exitCode, message: [first.message, ...also].join('\n') };
  }
  if (err instanceof ExitWith) return { exitCode: err.exitCode, message: '' };
  if (err instanceof UsageError) return { exitCode: ExitCode.usage, message: `Error: ${err.message}` };
  if (err instanceof AbortError) return { exitCode: err.exitCode, message: err.message };
  if (err instanceof RuntimeError) {
    const hint = err.suggestion ? `\n${err.suggestion}` : '';
    return { exitCode: ExitCode.runtime, message: `Error: ${err.message}${hint}` };
  }
  if (isCredentialsProviderError(err) && /SSO session .*(expired|invalid)|SSO.*token.*(expired|invalid)|refresh.*sso/i.test((err as Error).message)) {
    const profile = context.profile ?? process.env.AWS_PROFILE;
    const login = profile ? `aws sso login --profile ${profile}` : 'aws sso login --profile <name>';
    return { exitCode: ExitCode.runtime, message: `Error: the IAM Identity Center (SSO) session${profile ? ` of profile "${profile}"` : ''} has expired. Sign in again: ${login}` };
  }
  const tls = untrustedCertificate(err);
  if (tls) {
    const call = (err as AwsErrorLike).$awsCall ?? 'an AWS call';
    return {
      exitCode: ExitCode.runtime,
      message:
        `Error: ${call} failed: the server's TLS certificate is not trusted (${tls}).\n` +
        "Behind a company proxy that inspects TLS, set AWS_CA_BUNDLE to a PEM file with your company's CA certificate (as for the AWS CLI).",
    };
  }
  if (isCredentialsProviderError(err)) {
    const where = context.profile ? ` for profile "${context.profile}"` : '';
    return {
      exitCode: ExitCode.runtime,
      message: `Error: no AWS credentials found${where} (${(err as Error).message}).\n${CREDENTIALS_HELP}`,
    };
  }
  const code = awsErrorCode(err);
  if (code !== undefined) {
    const e = err as AwsErrorLike;
    const call = e.$awsCall ?? 'an AWS call';
    const reason = awsFailureReason(err);
    if (CREDENTIAL_ERROR_CODES.has(code)) {
      return {
        exitCode: ExitCode.runtime,
        message: `Error: ${call} failed: ${reason}\nThe credentials were rejected or have expired.\n${CREDENTIALS_HELP}`,
      };
    }
    const hint = code === 'AccessDenied' || code === 'AccessDeniedException' || code === 'UnauthorizedOperation' ? `\n${accessDeniedHint(e)}` : '';
    return { exitCode: ExitCode.runtime, message: `Error: ${call} failed: ${reason}${hint}` };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: ExitCode.runtime, message: `Error: ${message}` };
}

/** Node's codes for a certificate chain it cannot verify. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** The code of a certificate failure, wherever the SDK put it (the error itself, or its cause). */
function untrustedCertificate(err: unknown): string | undefined {
  for (let e = err as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (e.code && UNTRUSTED_CERTIFICATE_CODES.has(e.code)) return e.code;
  }
  return undefined;
}

/** "ec2(eu-west-1):GetEbsEncryptionByDefault" → "ec2:GetEbsEncryptionByDefault in eu-west-1": the IAM action, and where. */
export function deniedAction(call: string | undefined): string | undefined {
  const m = call ? /^([\w-]+)\(([\w-]+)\):(\w+)$/.exec(call) : null;
  return m ? `${m[1]}:${m[3]} in ${m[2]}` : call;
}

function accessDeniedHint(e: AwsErrorLike): string {
  const action = deniedAction(e.$awsCall) ?? 'this action';
  return `The caller is not allowed to perform ${action}. See "Required IAM permissions" in the README.`;
}
