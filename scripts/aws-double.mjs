// A TEST DOUBLE, never used by the product: a loopback server in front of moto that answers the AWS operations
// moto does not implement — account:ListRegions and IAM Access Analyzer's ListAnalyzers and CreateAnalyzer — in
// AWS's REST-JSON wire format, and forwards every other request to moto unchanged. Analyzers are kept per
// account (asked of moto with the caller's own credentials) and per region (from the request's signature scope).
// Shared by the integration tests and `npm run demo`.
import { createServer, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** The 17 regions AWS enables by default in a new account (opt-in regions are off until enabled). */
export const DEFAULT_REGIONS = [
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2',
  'ca-central-1', 'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1',
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];

const ANALYZER_TYPES = ['ACCOUNT', 'ORGANIZATION', 'ACCOUNT_UNUSED_ACCESS', 'ORGANIZATION_UNUSED_ACCESS', 'ACCOUNT_INTERNAL_ACCESS', 'ORGANIZATION_INTERNAL_ACCESS'];

/** "Credential=AKID/20260101/us-east-1/access-analyzer/aws4_request" → its parts. */
function signatureScope(req) {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '');
  return m ? { accessKeyId: m[1], region: m[2], service: m[3] } : undefined;
}

function answer(res, status, body, errorType) {
  const headers = { 'content-type': 'application/json', 'x-amzn-requestid': `double-${Date.now()}` };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}

/** The operation a request asks for: query protocol (`Action=` in the body), JSON (`X-Amz-Target`), else the path. */
function operationOf(req, body) {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop();
  return /(?:^|&)Action=(\w+)/.exec(body.toString('latin1'))?.[1] ?? `${req.method} ${req.url}`;
}

/**
 * @param {string} motoUrl
 * @param {{ regions?: string[], onForwarded?: (exchange: { operation: string, status: number, started: number, ended: number }) => void }} [options]
 *   onForwarded: told of each request moto answered and how long moto took (`npm run bench` uses it to tell
 *   the emulator's time from ours).
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startAwsDouble(motoUrl, { regions = DEFAULT_REGIONS, onForwarded } = {}) {
  const moto = new URL(motoUrl);
  /** account id → region → analyzers */
  const analyzers = new Map();
  /** access key id → account id */
  const accounts = new Map();
  /** analyzer arn → the client token that created it (CreateAnalyzer is idempotent per token) */
  const tokens = new Map();

  const forward = (req, body, res, headers = req.headers, path = req.url, method = req.method) =>
    new Promise((resolve) => {
      const started = performance.now();
      const upstream = request({ host: moto.hostname, port: moto.port, method, path, headers }, (answerStream) => {
        const parts = [];
        answerStream.on('data', (c) => parts.push(c));
        answerStream.on('end', () => {
          const whole = Buffer.concat(parts);
          onForwarded?.({ operation: operationOf(req, body), status: answerStream.statusCode ?? 0, started, ended: performance.now() });
          if (res) {
            res.writeHead(answerStream.statusCode ?? 500, answerStream.headers);
            res.end(whole);
          }
          resolve({ status: answerStream.statusCode, text: whole.toString() });
        });
      });
      upstream.on('error', () => {
        res?.destroy();
        resolve({ status: 0, text: '' });
      });
      upstream.end(body);
    });

  /** Which account the caller is in: moto knows its credentials, so ask moto's STS with them. */
  async function accountOf(req, scope) {
    if (accounts.has(scope.accessKeyId)) return accounts.get(scope.accessKeyId);
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const headers = {
      ...req.headers,
      authorization: req.headers.authorization.replace(`/${scope.service}/aws4_request`, '/sts/aws4_request'),
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      host: moto.host,
    };
    const r = await forward(req, body, undefined, headers, '/', 'POST');
    const id = /<Account>(\d{12})<\/Account>/.exec(r.text)?.[1];
    if (id) accounts.set(scope.accessKeyId, id);
    return id;
  }

  function regionAnalyzers(account, region) {
    if (!analyzers.has(account)) analyzers.set(account, new Map());
    const byRegion = analyzers.get(account);
    if (!byRegion.has(region)) byRegion.set(region, []);
    return byRegion.get(region);
  }

  function listRegions(body, res) {
    const input = body.length ? JSON.parse(body.toString()) : {};
    const statuses = input.RegionOptStatusContains;
    const all = regions.map((RegionName) => ({ RegionName, RegionOptStatus: 'ENABLED_BY_DEFAULT' })).filter((r) => !statuses || statuses.includes(r.RegionOptStatus));
    const start = Number(input.NextToken ?? 0);
    const size = Math.min(Number(input.MaxResults ?? 20), 50);
    const page = all.slice(start, start + size);
    answer(res, 200, { Regions: page, ...(start + size < all.length ? { NextToken: String(start + size) } : {}) });
  }

  async function accessAnalyzer(req, body, res, scope) {
    const account = await accountOf(req, scope);
    if (!account) return answer(res, 403, { message: 'The security token included in the request is invalid.' }, 'UnrecognizedClientException');
    const url = new URL(req.url, 'http://double');
    const list = regionAnalyzers(account, scope.region);
    if (req.method === 'GET' && url.pathname === '/analyzer') {
      const type = url.searchParams.get('type');
      return answer(res, 200, { analyzers: list.filter((a) => !type || a.type === type) });
    }
    if (req.method === 'PUT' && url.pathname === '/analyzer') {
      const input = JSON.parse(body.toString() || '{}');
      if (!/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/.test(input.analyzerName ?? '') || !ANALYZER_TYPES.includes(input.type)) {
        return answer(res, 400, { message: 'Invalid analyzerName or type', reason: 'fieldValidationFailed' }, 'ValidationException');
      }
      const existing = list.find((a) => a.name === input.analyzerName);
      if (existing) {
        // The same client token is the SDK retrying a request whose answer was lost: idempotent, as AWS is.
        if (input.clientToken && tokens.get(existing.arn) === input.clientToken) return answer(res, 200, { arn: existing.arn });
        return answer(res, 409, { message: `Analyzer ${input.analyzerName} already exists`, resourceId: input.analyzerName, resourceType: 'AWS::AccessAnalyzer::Analyzer' }, 'ConflictException');
      }
      const arn = `arn:aws:access-analyzer:${scope.region}:${account}:analyzer/${input.analyzerName}`;
      // Timestamps are RFC 3339 strings in this API (the SDK refuses epoch numbers).
      list.push({ arn, name: input.analyzerName, type: input.type, createdAt: new Date().toISOString(), status: 'ACTIVE', tags: input.tags ?? {} });
      tokens.set(arn, input.clientToken);
      return answer(res, 200, { arn });
    }
    return answer(res, 501, { message: `the test double does not implement ${req.method} ${url.pathname}` }, 'InternalServerException');
  }

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const scope = signatureScope(req);
      if (scope?.service === 'account' && req.url === '/listRegions') return listRegions(body, res);
      if (scope?.service === 'access-analyzer') {
        return void accessAnalyzer(req, body, res, scope).catch((err) => answer(res, 500, { message: String(err) }, 'InternalServerException'));
      }
      void forward(req, body, res);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
