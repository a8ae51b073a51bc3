/**
 * A loopback proxy in front of moto that injects faults per AWS operation, in AWS's own wire format:
 * - lost:     forward, let moto act, then drop the connection: the answer is lost (the SDK retries)
 * - throttle: answer 400 Throttling without forwarding
 * - denied:   answer 403 AccessDenied without forwarding
 * - reset:    drop the connection without forwarding
 * - cut:      forward, then send the headers and half of the body before dropping the connection
 * A rule applies to the next `times` requests of its operation (after skipping `skip` of them, and only once
 * `after` has been answered, when set). It can also hold an answer until the test has killed the client.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type Fault = 'lost' | 'throttle' | 'denied' | 'reset' | 'cut';

export interface FaultRule {
  /** An AWS operation, or "*" for every one. */
  operation: string;
  fault: Fault;
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
  /** Let this many matching requests through first. */
  skip?: number;
  /** Only once this operation has been answered (e.g. ListAccessKeys fails only after CreateAccessKey). */
  after?: string;
  /** Only requests whose body contains this text (e.g. a user name). */
  bodyContains?: string;
  /** Each matching request gets the fault with this probability (a fixed-seed sequence: runs repeat). */
  probability?: number;
  /** Only requests signed for this region (regional services such as Access Analyzer). */
  region?: string;
  /** denied: put the request's parameters in the error message, as some AWS errors echo what they refused. */
  echoBody?: boolean;
}

export interface SeenRequest {
  operation: string;
  at: number;
  fault?: Fault;
}

/** A request moto answered (whether or not the answer reached the client): what was applied. */
export interface Exchange {
  operation: string;
  /** The raw request body (URL-encoded parameters for IAM and STS). */
  request: string;
  status: number;
  response: string;
}

export interface FaultProxy {
  url: string;
  add(rule: FaultRule): void;
  /** Removes every rule: the next run goes through unharmed (and is still recorded). */
  clearRules(): void;
  /** Every request moto answered, in order: the record of what AWS really did. */
  exchanges: Exchange[];
  /** Answers of `operation` lost after moto acted, `times` times (the lossy proxy of earlier tests). */
  lose(operation: string, times?: number): void;
  /** Calls `onRequest` when the operation's answer arrives from moto, and never delivers it. */
  holdAnswer(operation: string, onRequest: () => void): void;
  /** Calls `onRequest` when the operation's request arrives, and neither forwards nor answers it. */
  holdRequest(operation: string, onRequest: () => void): void;
  /** Runs `fn` (once) when the operation's answer arrives from moto, and delivers the answer after it. */
  beforeAnswer(operation: string, fn: () => void | Promise<void>): void;
  /** Every answer of `operation` is delivered as `fn` rewrites its body (e.g. an Expiration from a skewed clock). */
  rewriteAnswer(operation: string, fn: (body: string) => string): void;
  /** The raw bodies of the requests of `operation` (to learn what the client sent; URLSearchParams reads them). */
  bodies(operation: string): string[];
  /** Operations seen, in order. */
  seen: string[];
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** REST-JSON operations (Account Management, Access Analyzer) are named by method and path. */
const REST_OPERATIONS: [RegExp, string][] = [
  [/^POST \/listRegions/, 'ListRegions'],
  [/^POST \/getAlternateContact/, 'GetAlternateContact'],
  [/^POST \/putAlternateContact/, 'PutAlternateContact'],
  [/^POST \/getContactInformation/, 'GetContactInformation'],
  [/^POST \/putContactInformation/, 'PutContactInformation'],
  [/^POST \/finding(\?|$)/, 'ListFindings'],
  [/^GET \/analyzer(\?|$)/, 'ListAnalyzers'],
  [/^PUT \/analyzer(\?|$)/, 'CreateAnalyzer'],
];

/** S3 and S3 Control (REST-XML, path-style here), named by method and sub-resource as IAM names their actions. */
function s3Operation(method: string, url: string): string {
  const parsed = new URL(url, 'http://proxy');
  if (parsed.pathname.startsWith('/v20180820/configuration/publicAccessBlock')) return `${method === 'GET' ? 'Get' : 'Put'}AccountPublicAccessBlock`;
  if (parsed.pathname === '/') return 'ListBuckets';
  const names: Record<string, string> = { policyStatus: 'BucketPolicyStatus', publicAccessBlock: 'BucketPublicAccessBlock', encryption: 'BucketEncryption', versioning: 'BucketVersioning', policy: 'BucketPolicy', acl: 'BucketAcl' };
  const sub = Object.keys(names).find((q) => parsed.searchParams.has(q));
  if (sub) return `${method === 'GET' ? 'Get' : method === 'PUT' ? 'Put' : 'Delete'}${names[sub]}`;
  return method === 'HEAD' ? 'HeadBucket' : method === 'PUT' ? 'CreateBucket' : `${method} ${parsed.pathname}`;
}

const isS3 = (req: IncomingMessage) => /\/s3\/aws4_request/.test(req.headers.authorization ?? '');

function operationOf(req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  if (isS3(req)) return s3Operation(req.method ?? 'GET', req.url ?? '/');
  const rest = REST_OPERATIONS.find(([pattern]) => pattern.test(`${req.method} ${req.url}`));
  if (rest) return rest[1];
  return new URLSearchParams(body).get('Action') ?? 'unknown';
}

/** The error body AWS sends: XML for the query protocol (IAM, STS), JSON for the JSON protocols (Organizations). */
function errorAnswer(req: IncomingMessage, res: ServerResponse, status: number, code: string, text: string): void {
  const message = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const jsonCode = code === 'AccessDenied' ? 'AccessDeniedException' : code === 'Throttling' ? 'ThrottlingException' : code;
  if (req.headers['x-amz-target']) {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fault-proxy' });
    res.end(JSON.stringify({ __type: jsonCode === 'ThrottlingException' ? 'TooManyRequestsException' : jsonCode, message: text }));
    return;
  }
  if (REST_OPERATIONS.some(([pattern]) => pattern.test(`${req.method} ${req.url}`))) {
    // REST-JSON (Account Management, Access Analyzer): the error type travels in a header.
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': 'fault-proxy', 'x-amzn-errortype': jsonCode });
    res.end(JSON.stringify({ message: text }));
    return;
  }
  if (isS3(req)) {
    // S3's REST-XML error: <Error> at the top.
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`);
    return;
  }
  if (/\/ec2\/aws4_request/.test(req.headers.authorization ?? '')) {
    // EC2's query protocol has an error format of its own.
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(`<Response><Errors><Error><Code>${code === 'AccessDenied' ? 'UnauthorizedOperation' : code === 'Throttling' ? 'RequestLimitExceeded' : code}</Code><Message>${message}</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>`);
    return;
  }
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'fault-proxy' });
  res.end(
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
  );
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const rules: (FaultRule & { used: number; skipped: number })[] = [];
  const held = new Map<string, () => void>();
  const heldRequests = new Map<string, () => void>();
  const before = new Map<string, () => void | Promise<void>>();
  const rewrites = new Map<string, (body: string) => string>();
  const bodies: { operation: string; body: string }[] = [];
  const exchanges: Exchange[] = [];
  const answered = new Set<string>();
  const seen: string[] = [];
  const requests: SeenRequest[] = [];

  // A fixed-seed generator (LCG): "30% throttled" throttles the same requests on every run of a test.
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const ruleFor = (op: string, body: string, region: string | undefined) => {
    for (const rule of rules) {
      if (rule.used >= (rule.times ?? 1)) continue;
      if (rule.operation !== op && rule.operation !== '*') continue;
      if (rule.after && !answered.has(rule.after)) continue;
      if (rule.bodyContains && !body.includes(rule.bodyContains)) continue;
      if (rule.region && rule.region !== region) continue;
      if (rule.skipped < (rule.skip ?? 0)) {
        rule.skipped += 1;
        continue;
      }
      if (rule.probability !== undefined && random() >= rule.probability) continue;
      rule.used += 1;
      return rule;
    }
    return undefined;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = operationOf(req, body.toString());
      const decoded = decodeURIComponent(body.toString().replace(/\+/g, ' '));
      bodies.push({ operation: op, body: body.toString() });
      const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
      const rule = ruleFor(op, decoded, region);
      const fault = rule?.fault;
      seen.push(op);
      requests.push({ operation: op, at: Date.now(), ...(fault ? { fault } : {}) });
      const holdRequest = heldRequests.get(op);
      if (holdRequest) {
        heldRequests.delete(op);
        return holdRequest(); // never forwarded: AWS does not act
      }
      if (fault === 'throttle') return errorAnswer(req, res, 400, 'Throttling', 'Rate exceeded');
      if (fault === 'denied') {
        const echo = rule?.echoBody ? ` with ${decoded}` : '';
        return errorAnswer(req, res, 403, 'AccessDenied', `fault proxy: not authorized to perform ${op}${echo}`);
      }
      if (fault === 'reset') return void req.socket.destroy();
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', async () => {
            exchanges.push({ operation: op, request: body.toString(), status: answer.statusCode ?? 0, response: Buffer.concat(parts).toString() });
            const beforeFn = before.get(op);
            if (beforeFn) {
              before.delete(op);
              await beforeFn();
            }
            const hold = held.get(op);
            if (hold) {
              held.delete(op);
              hold();
              return; // never answered: the client is killed meanwhile
            }
            if (fault === 'lost') return void req.socket.destroy(); // moto has acted; the answer is lost
            const rewrite = rewrites.get(op);
            const whole = rewrite ? Buffer.from(rewrite(Buffer.concat(parts).toString())) : Buffer.concat(parts);
            if (fault === 'cut') {
              res.writeHead(answer.statusCode ?? 500, { ...answer.headers, 'content-length': String(whole.length) });
              res.write(whole.subarray(0, Math.floor(whole.length / 2)));
              setTimeout(() => req.socket.destroy(), 20);
              return;
            }
            answered.add(op);
            const headers = { ...answer.headers };
            if (rewrite) {
              delete headers['transfer-encoding'];
              headers['content-length'] = String(whole.length);
            }
            res.writeHead(answer.statusCode ?? 500, headers);
            res.end(whole);
          });
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const add = (rule: FaultRule) => rules.push({ ...rule, used: 0, skipped: 0 });
  return {
    url: `http://127.0.0.1:${port}`,
    add,
    clearRules: () => void rules.splice(0),
    exchanges,
    lose: (operation, times = 1) => add({ operation, fault: 'lost', times }),
    holdAnswer: (operation, onRequest) => held.set(operation, onRequest),
    holdRequest: (operation, onRequest) => heldRequests.set(operation, onRequest),
    beforeAnswer: (operation, fn) => before.set(operation, fn),
    rewriteAnswer: (operation, fn) => rewrites.set(operation, fn),
    bodies: (operation) => bodies.filter((b) => b.operation === operation).map((b) => b.body),
    seen,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
