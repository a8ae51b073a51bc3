// A TEST DOUBLE, never used by the product: a loopback server in front of moto that answers the AWS operations
// moto does not implement, in AWS's wire formats, and forwards every other request to moto unchanged:
// - account:ListRegions and IAM Access Analyzer's ListAnalyzers and CreateAnalyzer (REST-JSON). Analyzers are kept
//   per account (asked of moto with the caller's own credentials) and per region (from the signature scope).
//   ListFindings answers the findings tests seed at POST /__double/findings/<account id>/<region> (a JSON array of
//   FindingSummary objects) for that region's analyzer.
// - account:GetContactInformation and PutContactInformation (the primary contact), per account.
// - centralized root access (query/XML): iam:ListOrganizationsFeatures, EnableOrganizationsRootCredentialsManagement,
//   EnableOrganizationsRootSessions (per Organization; they need trusted access for IAM, read from moto's
//   Organizations, where moto refuses iam.amazonaws.com as a trusted-access principal: the double accepts that
//   one in organizations:EnableAWSServiceAccess and adds it to ListAWSServiceAccessForOrganization), and sts:AssumeRoot (management account, RootSessions on, a member as target). A root session's
//   credentials are moto's own for the member (an AssumeRole into it), so ordinary calls still go to moto; its IAM
//   calls without UserName act on the member's root user, whose password (and its last use), keys (and theirs),
//   signing certificates and MFA devices the double keeps; GetUser and GetAccessKeyLastUsed answer for root too. Tests seed and read that root state at POST/GET /__double/root/<account id>. The
//   member account's own iam:ListVirtualMFADevices lists root's virtual devices too (assigned to root, or
//   unassigned once deactivated), and TagMFADevice / UntagMFADevice / ListMFADeviceTags work on them.
// - what IAM says of root outside a root session, from that same root state (a new account's root has a password
//   and nothing else): GetAccountSummary's Account* entries and the credential report's <root_account> row.
// - organizations:CreateAccount attaches AdministratorAccess to the new member's OrganizationAccountAccessRole,
//   as AWS does (moto creates the role without a policy).
// - Security Hub: BatchImportFindings keeps an existing finding's Workflow and Note, as AWS does (moto overwrites
//   them), and BatchUpdateFindings (which moto lacks) changes them.
// - EC2's account settings moto lacks (query/XML), per account and region: snapshot and AMI Block Public Access
//   (Get/Enable/Disable) and instance metadata defaults (Get/Modify). DescribeSnapshots with RestorableBy=all
//   answers only the snapshots moto says are public (its createVolumePermission has group all); moto ignores it.
// - S3's GetBucketPolicyStatus: public when a statement allows everyone ("*") without a condition, as S3 judges.
// - AWS Budgets: DescribeSubscribersForNotification and UpdateBudget, from the subscribers the budgets' creating
//   calls named (moto keeps them but cannot list them).
// - `latencyMs`: every answer is held that long first (npm run bench measures init as if AWS were far away);
//   POST /__double/latency/<ms> changes it.
// Shared by the integration tests, `npm run demo` and `npm run bench`.
import { createServer, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { URLSearchParams } from 'node:url';

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

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROOT_FEATURES = ['RootCredentialsManagement', 'RootSessions'];
/** IAM calls that, in a root session and without UserName, act on the root user. */
const ROOT_CREDENTIAL_ACTIONS = ['GetUser', 'GetAccessKeyLastUsed', 'GetLoginProfile', 'DeleteLoginProfile', 'ListAccessKeys', 'DeleteAccessKey', 'ListSigningCertificates', 'DeleteSigningCertificate', 'ListMFADevices', 'DeactivateMFADevice', 'DeleteVirtualMFADevice'];

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
/** EC2's account settings the double keeps (moto has none of them). */
const EC2_SETTING_ACTIONS = [
  'GetSnapshotBlockPublicAccessState', 'EnableSnapshotBlockPublicAccess', 'DisableSnapshotBlockPublicAccess',
  'GetImageBlockPublicAccessState', 'EnableImageBlockPublicAccess', 'DisableImageBlockPublicAccess',
  'GetInstanceMetadataDefaults', 'ModifyInstanceMetadataDefaults',
];

/** An EC2 (query protocol) error: <Response><Errors><Error>…</Error></Errors><RequestID/></Response>. */
function ec2Error(res, status, code, message) {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message.replace(/[<&>]/g, ' ')}</Message></Error></Errors><RequestID>double-${Date.now()}</RequestID></Response>`);
}

const xmlText = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const members = (items, render) => items.map((i) => `<member>${render(i)}</member>`).join('');

/** A query-protocol (IAM, STS) answer: <ActionResponse><ActionResult>…</ActionResult><ResponseMetadata/>. */
function queryAnswer(res, ns, action, result = '') {
  res.writeHead(200, { 'content-type': 'text/xml' });
  res.end(`<${action}Response xmlns="${ns}">${result === null ? '' : `<${action}Result>${result}</${action}Result>`}<ResponseMetadata><RequestId>double-${Date.now()}</RequestId></ResponseMetadata></${action}Response>`);
}

function queryError(res, ns, status, code, message) {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(`<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlText(message)}</Message></Error><RequestId>double-${Date.now()}</RequestId></ErrorResponse>`);
}

/** The operation a request asks for: query protocol (`Action=` in the body), JSON (`X-Amz-Target`), else the path. */
function operationOf(req, body) {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop();
  return /(?:^|&)Action=(\w+)/.exec(body.toString('latin1'))?.[1] ?? `${req.method} ${req.url}`;
}

/**
 * The operation of a REST-protocol request, by method and path, for the services the tool calls that way: AWS
 * Account Management (POST /<operation in lower camel case>), IAM Access Analyzer and Security Hub.
 */
export function restOperation(service, method, url) {
  const path = new URL(url ?? '/', 'http://double').pathname;
  if (service === 'account') return path.slice(1, 2).toUpperCase() + path.slice(2);
  if (service === 'access-analyzer') {
    if (path === '/analyzer') return method === 'PUT' ? 'CreateAnalyzer' : 'ListAnalyzers';
    if (path === '/finding' && method === 'POST') return 'ListFindings';
    return `${method} ${path}`;
  }
  if (service === 'securityhub') {
    const known = { 'GET /accounts': 'DescribeHub', 'POST /findings': 'GetFindings', 'POST /findings/import': 'BatchImportFindings', 'PATCH /findings/batchupdate': 'BatchUpdateFindings' };
    return known[`${method} ${path}`] ?? `${method} ${path}`;
  }
  return `${method} ${path}`;
}

/** The S3 (and S3 Control) IAM action of a path-style request, by method, path and sub-resource. */
function s3Action(method, url) {
  const parsed = new URL(url ?? '/', 'http://double');
  if (parsed.pathname.startsWith('/v20180820/configuration/publicAccessBlock')) return method === 'GET' ? 'GetAccountPublicAccessBlock' : method === 'PUT' ? 'PutAccountPublicAccessBlock' : 'DeleteAccountPublicAccessBlock';
  if (parsed.pathname === '/') return 'ListAllMyBuckets';
  const sub = ['policyStatus', 'publicAccessBlock', 'encryption', 'versioning', 'policy', 'acl'].find((q) => parsed.searchParams.has(q));
  const verb = method === 'GET' ? 'Get' : method === 'PUT' ? 'Put' : 'Delete';
  const names = { policyStatus: 'BucketPolicyStatus', publicAccessBlock: 'BucketPublicAccessBlock', encryption: 'EncryptionConfiguration', versioning: 'BucketVersioning', policy: 'BucketPolicy', acl: 'BucketAcl' };
  if (sub) return `${verb}${names[sub]}`;
  return method === 'HEAD' ? 'ListBucket' : method === 'PUT' ? 'CreateBucket' : `${method} ${parsed.pathname}`;
}

/**
 * The IAM action a request needs: its operation, except where IAM names the permission otherwise (S3's, AWS
 * Budgets' ViewBudget and ModifyBudget, GuardDuty's REST paths).
 */
function operationName(req, body, service) {
  const target = req.headers['x-amz-target'];
  if (service === 's3') return s3Action(req.method, req.url);
  if (typeof target === 'string') {
    const operation = target.split('.').pop();
    if (service === 'budgets') return /^Describe/.test(operation) ? 'ViewBudget' : 'ModifyBudget';
    return operation;
  }
  const action = /(?:^|&)Action=(\w+)/.exec(body.toString('latin1'))?.[1];
  if (action) return action;
  if (service === 'guardduty') {
    const path = new URL(req.url ?? '/', 'http://double').pathname;
    if (path === '/detector') return req.method === 'POST' ? 'CreateDetector' : 'ListDetectors';
    if (/^\/detector\/[^/]+$/.test(path)) return req.method === 'GET' ? 'GetDetector' : 'UpdateDetector';
  }
  return restOperation(service, req.method, req.url);
}

/**
 * @param {string} motoUrl
 * @param {{ regions?: string[], onForwarded?: (exchange: { operation: string, status: number, started: number, ended: number }) => void, onRequest?: (call: { service: string, operation: string, userAgent: string, rootSession: boolean }) => void }} [options]
 *   onForwarded: told of each request moto answered and how long moto took (`npm run bench` uses it to tell
 *   the emulator's time from ours). onRequest: told of every signed request, as the IAM action it needs
 *   (service and operation), with its user agent and whether it came from a root session (the integration
 *   tests check the published IAM policies against the calls the CLI made).
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startAwsDouble(motoUrl, { regions = DEFAULT_REGIONS, onForwarded, onRequest, latencyMs = 0 } = {}) {
  const moto = new URL(motoUrl);
  /** account id → region → analyzers */
  const analyzers = new Map();
  /** access key id → account id */
  const accounts = new Map();
  /** analyzer arn → the client token that created it (CreateAnalyzer is idempotent per token) */
  const tokens = new Map();
  /** `${account}/${region}` → the analyzer findings a test seeded */
  const findings = new Map();
  /** account id → its primary contact (ContactInformation) */
  const contacts = new Map();
  /** How long every answer is held (changed at POST /__double/latency/<ms>). */
  let latency = latencyMs;
  /** `${account}/${region}` → EC2 account settings moto lacks */
  const ec2Settings = new Map();
  /** `${account}/${budget}` → notification key → subscribers, from the calls that created them */
  const budgetSubscribers = new Map();

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

  /** Organizations in which trusted access for IAM is on (moto does not know that service principal). */
  const iamTrustedAccess = new Set();
  /** Organization id → the centralized root access features enabled in it. */
  const rootFeatures = new Map();
  /** Access key id of a root session → the member account it is root of. */
  const rootSessions = new Map();
  /** Account id → its root user's credentials: { loginProfile, accessKeys, signingCertificates, mfaDevices }. */
  const roots = new Map();
  // A new account's root has a password (set at sign-up) and nothing else, until a test seeds other state.
  const rootOf = (account) => {
    if (!roots.has(account)) roots.set(account, { loginProfile: true, accessKeys: [], signingCertificates: [], mfaDevices: [] });
    return roots.get(account);
  };

  /** Asks moto something with the caller's own credentials (re-signed for `service`; moto does not check signatures). */
  async function askMoto(req, scope, service, body, target) {
    const headers = {
      ...req.headers,
      authorization: req.headers.authorization.replace(`/${scope.service}/aws4_request`, `/${service}/aws4_request`),
      'content-type': target ? 'application/x-amz-json-1.1' : 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      host: moto.host,
    };
    delete headers['x-amz-target'];
    if (target) headers['x-amz-target'] = target;
    return forward(req, body, undefined, headers, '/', 'POST');
  }

  /** The caller's Organization as moto knows it, and whether IAM has trusted access in it. */
  async function organizationOf(req, scope) {
    const described = await askMoto(req, scope, 'organizations', '{}', 'AWSOrganizationsV20161128.DescribeOrganization');
    if (described.status !== 200) return undefined;
    const org = JSON.parse(described.text).Organization;
    return { id: org.Id, management: org.MasterAccountId, trustedAccess: iamTrustedAccess.has(org.Id) };
  }

  /** Trusted access for iam.amazonaws.com, which moto's Organizations refuses as an unknown principal. */
  async function iamServiceAccess(req, body, res, scope, operation) {
    const org = await organizationOf(req, scope);
    if (operation === 'EnableAWSServiceAccess') {
      if (!org) return answer(res, 400, { Message: 'Your account is not a member of an organization.' }, 'AWSOrganizationsNotInUseException');
      if (org.management !== (await accountOf(req, scope))) return answer(res, 403, { Message: 'You don\'t have permissions to access this resource.' }, 'AccessDeniedException');
      iamTrustedAccess.add(org.id);
      return answer(res, 200, {});
    }
    // ListAWSServiceAccessForOrganization: moto's list, plus IAM where it is on.
    const listed = await forward(req, body, undefined);
    if (listed.status !== 200 || !org || !iamTrustedAccess.has(org.id)) {
      res.writeHead(listed.status || 500, { 'content-type': 'application/x-amz-json-1.1' });
      return res.end(listed.text);
    }
    const page = JSON.parse(listed.text);
    page.EnabledServicePrincipals = [...(page.EnabledServicePrincipals ?? []), { ServicePrincipal: 'iam.amazonaws.com', DateEnabled: Date.now() / 1000 }];
    return answer(res, 200, page);
  }

  async function organizationsFeatures(req, res, scope, action) {
    const account = await accountOf(req, scope);
    const org = await organizationOf(req, scope);
    if (!org) return queryError(res, IAM_NS, 400, 'OrganizationNotFoundException', 'The request failed because your account is not a member of an organization.');
    if (org.management !== account) {
      return queryError(res, IAM_NS, 400, 'AccountNotManagementOrDelegatedAdministratorException', 'The request was rejected because the account is not the management account or delegated administrator.');
    }
    if (!org.trustedAccess) return queryError(res, IAM_NS, 400, 'ServiceAccessNotEnabledException', 'The request failed because IAM trusted access is not enabled in AWS Organizations.');
    const enabled = rootFeatures.get(org.id) ?? [];
    if (action === 'EnableOrganizationsRootCredentialsManagement' && !enabled.includes('RootCredentialsManagement')) enabled.push('RootCredentialsManagement');
    if (action === 'EnableOrganizationsRootSessions' && !enabled.includes('RootSessions')) enabled.push('RootSessions');
    rootFeatures.set(org.id, enabled);
    const ordered = ROOT_FEATURES.filter((f) => enabled.includes(f));
    return queryAnswer(res, IAM_NS, action, `<OrganizationId>${org.id}</OrganizationId><EnabledFeatures>${members(ordered, (f) => f)}</EnabledFeatures>`);
  }

  async function assumeRoot(req, res, scope, params) {
    const account = await accountOf(req, scope);
    const org = await organizationOf(req, scope);
    const target = params.get('TargetPrincipal') ?? '';
    const task = params.get('TaskPolicyArn.arn') ?? '';
    if (!org || org.management !== account) {
      return queryError(res, STS_NS, 403, 'AccessDenied', `User is not authorized to perform: sts:AssumeRoot (account ${account} is not the management account)`);
    }
    if (!(rootFeatures.get(org.id) ?? []).includes('RootSessions')) {
      return queryError(res, STS_NS, 403, 'AccessDenied', 'Root sessions are not enabled for the organization (iam:EnableOrganizationsRootSessions).');
    }
    if (!/^\d{12}$/.test(target) || target === account) return queryError(res, STS_NS, 400, 'ValidationError', `TargetPrincipal ${target} is not a member account`);
    if (!/^arn:aws[\w-]*:iam::aws:policy\/root-task\/\w+$/.test(task)) return queryError(res, STS_NS, 400, 'ValidationError', `TaskPolicyArn ${task} is not a root task policy`);
    // moto's own credentials for the member, so that anything but the root-credential calls still reaches moto.
    const body = `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(`arn:aws:iam::${target}:role/OrganizationAccountAccessRole`)}&RoleSessionName=root`;
    const assumed = await askMoto(req, scope, 'sts', body);
    const field = (name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(assumed.text)?.[1] ?? '';
    rootSessions.set(field('AccessKeyId'), target);
    const expiration = new Date(Date.now() + Math.min(Number(params.get('DurationSeconds') ?? 900), 900) * 1000).toISOString();
    return queryAnswer(res, STS_NS, 'AssumeRoot', `<Credentials><AccessKeyId>${field('AccessKeyId')}</AccessKeyId><SecretAccessKey>${field('SecretAccessKey')}</SecretAccessKey><SessionToken>${field('SessionToken')}</SessionToken><Expiration>${expiration}</Expiration></Credentials><SourceIdentity></SourceIdentity>`);
  }

  /** An IAM call in a root session, without UserName: it acts on the member's root user. */
  function rootCredentialCall(res, account, action, params) {
    const root = rootOf(account);
    const now = new Date().toISOString();
    const missing = (what) => queryError(res, IAM_NS, 404, 'NoSuchEntity', `The ${what} cannot be found.`);
    switch (action) {
      case 'GetUser':
        return queryAnswer(res, IAM_NS, action, `<User><Path>/</Path><UserName>root</UserName><UserId>${account}</UserId><Arn>arn:aws:iam::${account}:root</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate>${root.passwordLastUsed ? `<PasswordLastUsed>${root.passwordLastUsed}</PasswordLastUsed>` : ''}</User>`);
      case 'GetAccessKeyLastUsed': {
        const id = params.get('AccessKeyId');
        if (!root.accessKeys.includes(id)) return missing(`Access Key with id ${id}`);
        const used = root.keysLastUsed?.[id];
        return queryAnswer(res, IAM_NS, action, `<UserName>root</UserName><AccessKeyLastUsed>${used ? `<LastUsedDate>${used}</LastUsedDate><ServiceName>s3</ServiceName><Region>us-east-1</Region>` : '<ServiceName>N/A</ServiceName><Region>N/A</Region>'}</AccessKeyLastUsed>`);
      }
      case 'GetLoginProfile':
        if (!root.loginProfile) return missing('Login Profile for User root');
        return queryAnswer(res, IAM_NS, action, `<LoginProfile><UserName>root</UserName><CreateDate>${now}</CreateDate></LoginProfile>`);
      case 'DeleteLoginProfile':
        if (!root.loginProfile) return missing('Login Profile for User root');
        root.loginProfile = false;
        return queryAnswer(res, IAM_NS, action, null);
      case 'ListAccessKeys':
        return queryAnswer(res, IAM_NS, action, `<AccessKeyMetadata>${members(root.accessKeys, (id) => `<UserName>root</UserName><AccessKeyId>${id}</AccessKeyId><Status>Active</Status><CreateDate>${now}</CreateDate>`)}</AccessKeyMetadata><IsTruncated>false</IsTruncated>`);
      case 'DeleteAccessKey': {
        const id = params.get('AccessKeyId');
        if (!root.accessKeys.includes(id)) return missing(`Access Key with id ${id}`);
        root.accessKeys = root.accessKeys.filter((k) => k !== id);
        return queryAnswer(res, IAM_NS, action, null);
      }
      case 'ListSigningCertificates':
        return queryAnswer(res, IAM_NS, action, `<Certificates>${members(root.signingCertificates, (id) => `<UserName>root</UserName><CertificateId>${id}</CertificateId><CertificateBody>-----BEGIN CERTIFICATE-----</CertificateBody><Status>Active</Status><UploadDate>${now}</UploadDate>`)}</Certificates><IsTruncated>false</IsTruncated>`);
      case 'DeleteSigningCertificate': {
        const id = params.get('CertificateId');
        if (!root.signingCertificates.includes(id)) return missing(`Signing Certificate with id ${id}`);
        root.signingCertificates = root.signingCertificates.filter((c) => c !== id);
        return queryAnswer(res, IAM_NS, action, null);
      }
      case 'ListMFADevices':
        return queryAnswer(res, IAM_NS, action, `<MFADevices>${members(root.mfaDevices.filter((d) => d.active), (d) => `<UserName>root</UserName><SerialNumber>${d.serial}</SerialNumber><EnableDate>${now}</EnableDate>`)}</MFADevices><IsTruncated>false</IsTruncated>`);
      case 'DeactivateMFADevice': {
        const device = root.mfaDevices.find((d) => d.serial === params.get('SerialNumber') && d.active);
        if (!device) return missing(`MFA Device with serial number ${params.get('SerialNumber')}`);
        device.active = false;
        if (!device.virtual) root.mfaDevices = root.mfaDevices.filter((d) => d !== device);
        return queryAnswer(res, IAM_NS, action, null);
      }
      case 'DeleteVirtualMFADevice': {
        const device = root.mfaDevices.find((d) => d.serial === params.get('SerialNumber') && d.virtual);
        if (!device) return missing(`VirtualMFADevice with serial number ${params.get('SerialNumber')}`);
        if (device.active) return queryError(res, IAM_NS, 409, 'DeleteConflict', 'MFA Device is still in use.');
        root.mfaDevices = root.mfaDevices.filter((d) => d !== device);
        return queryAnswer(res, IAM_NS, action, null);
      }
    }
  }

  /**
   * The member account's own view of root's virtual MFA devices, which moto does not have: ListVirtualMFADevices
   * from moto with root's devices added (assigned ones with root as their user, deactivated ones unassigned), and
   * the tags of root's devices (moto has no MFA device tags).
   */
  async function rootVirtualDevices(req, body, res, scope, action, params) {
    const account = await accountOf(req, scope);
    const root = rootOf(account);
    const virtual = root.mfaDevices.filter((d) => d.virtual);
    const serial = params.get('SerialNumber');
    const device = virtual.find((d) => d.serial === serial);
    if (action === 'TagMFADevice' || action === 'UntagMFADevice' || action === 'ListMFADeviceTags') {
      if (!device) return void forward(req, body, res);
      device.tags ??= [];
      if (action === 'TagMFADevice') {
        for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) {
          const Key = params.get(`Tags.member.${i}.Key`);
          device.tags = [...device.tags.filter((t) => t.Key !== Key), { Key, Value: params.get(`Tags.member.${i}.Value`) ?? '' }];
        }
        return queryAnswer(res, IAM_NS, action, null);
      }
      if (action === 'UntagMFADevice') {
        const keys = [...params.entries()].filter(([k]) => k.startsWith('TagKeys.member.')).map(([, v]) => v);
        device.tags = device.tags.filter((t) => !keys.includes(t.Key));
        return queryAnswer(res, IAM_NS, action, null);
      }
      return queryAnswer(res, IAM_NS, action, `<Tags>${members(device.tags, (t) => `<Key>${xmlText(t.Key)}</Key><Value>${xmlText(t.Value)}</Value>`)}</Tags><IsTruncated>false</IsTruncated>`);
    }
    // ListVirtualMFADevices: moto's list for the account, and root's devices.
    const listed = await forward(req, body, undefined);
    const status = params.get('AssignmentStatus') ?? 'Any';
    const now = new Date().toISOString();
    const mine = virtual.filter((d) => status === 'Any' || (status === 'Assigned') === d.active);
    const entries = mine
      .map((d) => `<member><SerialNumber>${d.serial}</SerialNumber>${d.active ? `<User><Arn>arn:aws:iam::${account}:root</Arn><UserId>${account}</UserId><CreateDate>${now}</CreateDate></User><EnableDate>${now}</EnableDate>` : ''}</member>`)
      .join('');
    res.writeHead(listed.status || 500, { 'content-type': 'text/xml' });
    if (listed.status !== 200 || !entries) return res.end(listed.text);
    const merged = listed.text.includes('<VirtualMFADevices/>')
      ? listed.text.replace('<VirtualMFADevices/>', `<VirtualMFADevices>${entries}</VirtualMFADevices>`)
      : listed.text.replace('</VirtualMFADevices>', `${entries}</VirtualMFADevices>`);
    return res.end(merged);
  }

  /**
   * What IAM says of root outside a root session, which moto cannot know: GetAccountSummary's root entries
   * (AccountPasswordPresent, AccountMFAEnabled, AccountAccessKeysPresent, AccountSigningCertificatesPresent) and
   * the credential report's <root_account> row, both from the root state the double keeps.
   */
  async function rootInAccountViews(req, body, res, scope, action) {
    const account = await accountOf(req, scope);
    const root = rootOf(account);
    const fromMoto = await forward(req, body, undefined);
    res.writeHead(fromMoto.status || 500, { 'content-type': 'text/xml' });
    if (fromMoto.status !== 200) return res.end(fromMoto.text);
    const mfa = root.mfaDevices.some((d) => d.active);
    if (action === 'GetAccountSummary') {
      const values = {
        AccountPasswordPresent: root.loginProfile ? 1 : 0,
        AccountMFAEnabled: mfa ? 1 : 0,
        AccountAccessKeysPresent: root.accessKeys.length ? 1 : 0,
        AccountSigningCertificatesPresent: root.signingCertificates.length ? 1 : 0,
      };
      let text = fromMoto.text;
      for (const [key, value] of Object.entries(values)) {
        const entry = new RegExp(`<entry>\\s*<key>${key}</key>\\s*<value>[^<]*</value>\\s*</entry>`);
        text = entry.test(text) ? text.replace(entry, `<entry><key>${key}</key><value>${value}</value></entry>`) : text.replace('</SummaryMap>', `<entry><key>${key}</key><value>${value}</value></entry></SummaryMap>`);
      }
      return res.end(text);
    }
    // GetCredentialReport: the report moto made, with AWS's root row first (root's password fields say not_supported).
    const content = /<Content>([^<]*)<\/Content>/.exec(fromMoto.text)?.[1];
    if (content === undefined) return res.end(fromMoto.text);
    const [header, ...rows] = Buffer.from(content, 'base64').toString('utf8').split('\n');
    const key = (n) => root.accessKeys[n - 1] !== undefined;
    const row = [
      '<root_account>', `arn:aws:iam::${account}:root`, '2020-01-01T00:00:00+00:00', 'not_supported', 'no_information', 'not_supported',
      'not_supported', String(mfa), String(key(1)), key(1) ? '2020-01-01T00:00:00+00:00' : 'N/A', 'N/A', 'N/A', 'N/A', String(key(2)),
      key(2) ? '2020-01-01T00:00:00+00:00' : 'N/A', 'N/A', 'N/A', 'N/A', String(root.signingCertificates.length > 0), 'N/A',
      String(root.signingCertificates.length > 1), 'N/A',
    ].join(',');
    const report = Buffer.from([header, row, ...rows].join('\n')).toString('base64');
    return res.end(fromMoto.text.replace(/<Content>[^<]*<\/Content>/, `<Content>${report}</Content>`));
  }

  /** A request to moto as someone else (moto reads the account from the access key id alone). */
  function motoAs(credentials, service, body, target) {
    const headers = {
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=double`,
      'x-amz-security-token': credentials.sessionToken,
      'content-type': target ? 'application/x-amz-json-1.1' : 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      host: moto.host,
      ...(target ? { 'x-amz-target': target } : {}),
    };
    return forward({ headers }, body, undefined, headers, '/', 'POST');
  }

  /**
   * organizations:CreateAccount, then what AWS does and moto does not: the new member's
   * OrganizationAccountAccessRole gets AdministratorAccess (moto creates the role with no policy).
   */
  async function createAccount(req, body, res, scope) {
    const created = await forward(req, body, undefined);
    const accountId = created.status === 200 ? JSON.parse(created.text).CreateAccountStatus?.AccountId : undefined;
    if (accountId) {
      const roleName = JSON.parse(body.toString() || '{}').RoleName ?? 'OrganizationAccountAccessRole';
      const assumeBody = `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(`arn:aws:iam::${accountId}:role/${roleName}`)}&RoleSessionName=double`;
      const assumed = await askMoto(req, scope, 'sts', assumeBody);
      const field = (name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(assumed.text)?.[1] ?? '';
      const attach = `Action=AttachRolePolicy&Version=2010-05-08&RoleName=${roleName}&PolicyArn=${encodeURIComponent('arn:aws:iam::aws:policy/AdministratorAccess')}`;
      await motoAs({ accessKeyId: field('AccessKeyId'), sessionToken: field('SessionToken') }, 'iam', attach);
    }
    res.writeHead(created.status || 500, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(created.text);
  }

  /**
   * Security Hub's rule for providers: BatchImportFindings sets Workflow and Note only when it creates a finding;
   * an update keeps the finding's own (moto overwrites them). BatchUpdateFindings (which moto lacks) changes them.
   */
  async function securityHub(req, body, res, scope, operation) {
    const getFindings = async (ids) => {
      const filters = JSON.stringify({ Filters: { Id: ids.map((Value) => ({ Value, Comparison: 'EQUALS' })) }, MaxResults: 100 });
      const listed = await forwardRest(req, '/findings', filters);
      return listed.status === 200 ? JSON.parse(listed.text).Findings ?? [] : [];
    };
    const input = JSON.parse(body.toString() || '{}');
    if (operation === 'BatchImportFindings') {
      const existing = new Map((await getFindings((input.Findings ?? []).map((f) => f.Id))).map((f) => [f.Id, f]));
      for (const f of input.Findings ?? []) {
        const old = existing.get(f.Id);
        if (!old) continue;
        for (const field of ['Workflow', 'Note', 'UserDefinedFields', 'VerificationState']) {
          if (old[field] === undefined) delete f[field];
          else f[field] = old[field];
        }
      }
      const imported = await forwardRest(req, '/findings/import', JSON.stringify(input));
      res.writeHead(imported.status || 500, { 'content-type': 'application/json' });
      return res.end(imported.text);
    }
    // BatchUpdateFindings: the findings as they are, with the workflow and note asked for, imported again.
    const ids = (input.FindingIdentifiers ?? []).map((f) => f.Id);
    const found = await getFindings(ids);
    const updated = found.map((f) => ({
      ...f,
      ...(input.Workflow ? { Workflow: { ...f.Workflow, ...input.Workflow } } : {}),
      ...(input.Note ? { Note: { ...input.Note, UpdatedAt: new Date().toISOString() } } : {}),
    }));
    if (updated.length) await forwardRest(req, '/findings/import', JSON.stringify({ Findings: updated }));
    const known = new Set(found.map((f) => f.Id));
    return answer(res, 200, {
      ProcessedFindings: (input.FindingIdentifiers ?? []).filter((f) => known.has(f.Id)),
      UnprocessedFindings: (input.FindingIdentifiers ?? []).filter((f) => !known.has(f.Id)).map((f) => ({ FindingIdentifier: f, ErrorCode: 'FindingNotFound', ErrorMessage: 'no such finding' })),
    });
  }

  /** A Security Hub (REST-JSON) request to moto at `path`, with the caller's own credentials. */
  function forwardRest(req, path, body) {
    const headers = { ...req.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), host: moto.host };
    return forward(req, body, undefined, headers, path, 'POST');
  }

  /** Test-only control: seed (POST) or read (GET) an account's root credentials. */
  function rootControl(req, body, res, account) {
    if (req.method === 'POST') {
      const input = JSON.parse(body.toString() || '{}');
      const devices = (input.mfaDevices ?? []).map((serial) => ({ serial, active: true, virtual: /^arn:aws[\w-]*:iam::\d{12}:mfa\//.test(serial) }));
      roots.set(account, {
        loginProfile: input.loginProfile === true,
        accessKeys: input.accessKeys ?? [],
        signingCertificates: input.signingCertificates ?? [],
        mfaDevices: devices,
        ...(input.passwordLastUsed ? { passwordLastUsed: input.passwordLastUsed } : {}),
        ...(input.keysLastUsed ? { keysLastUsed: input.keysLastUsed } : {}),
      });
    }
    const root = rootOf(account);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...root, mfaDevices: root.mfaDevices.map((d) => d.serial) }));
  }

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
    if (req.method === 'POST' && url.pathname === '/finding') {
      const input = JSON.parse(body.toString() || '{}');
      if (!list.some((a) => a.arn === input.analyzerArn)) {
        return answer(res, 404, { message: `Analyzer ${input.analyzerArn} not found`, resourceId: input.analyzerArn, resourceType: 'AWS::AccessAnalyzer::Analyzer' }, 'ResourceNotFoundException');
      }
      const statuses = input.filter?.status?.eq;
      const all = (findings.get(`${account}/${scope.region}`) ?? []).filter((f) => !statuses || statuses.includes(f.status));
      const start = Number(input.nextToken ?? 0);
      const size = Math.min(Number(input.maxResults ?? 100), 100);
      return answer(res, 200, { findings: all.slice(start, start + size), ...(start + size < all.length ? { nextToken: String(start + size) } : {}) });
    }
    return answer(res, 501, { message: `the test double does not implement ${req.method} ${url.pathname}` }, 'InternalServerException');
  }

  /** account:GetContactInformation / PutContactInformation: the primary contact (moto has only alternate contacts). */
  async function contactInformation(req, body, res, scope) {
    const account = await accountOf(req, scope);
    if (req.url === '/putContactInformation') {
      const input = JSON.parse(body.toString() || '{}');
      const c = input.ContactInformation ?? {};
      const missing = ['FullName', 'AddressLine1', 'City', 'PostalCode', 'CountryCode', 'PhoneNumber'].filter((f) => !c[f]);
      if (missing.length) return answer(res, 400, { message: `Invalid contact information: ${missing.join(', ')} required` }, 'ValidationException');
      contacts.set(account, c);
      return answer(res, 200, {});
    }
    const c = contacts.get(account);
    if (!c) return answer(res, 404, { message: 'No contact information found for this account.' }, 'ResourceNotFoundException');
    return answer(res, 200, { ContactInformation: c });
  }

  /** EC2's account-level settings moto does not have, per account and region (query protocol, XML answers). */
  async function ec2Setting(req, res, scope, action, params) {
    const account = await accountOf(req, scope);
    const key = `${account}/${scope.region}`;
    if (!ec2Settings.has(key)) ec2Settings.set(key, { snapshot: 'unblocked', image: 'unblocked', metadata: {} });
    const state = ec2Settings.get(key);
    const reply = (body) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(`<${action}Response xmlns="${EC2_NS}"><requestId>double-${Date.now()}</requestId>${body}</${action}Response>`);
    };
    const invalid = (message) => ec2Error(res, 400, 'InvalidParameterValue', message);
    switch (action) {
      case 'GetSnapshotBlockPublicAccessState':
        return reply(`<state>${state.snapshot}</state><managedBy>account</managedBy>`);
      case 'EnableSnapshotBlockPublicAccess': {
        const wanted = params.get('State');
        if (!['block-all-sharing', 'block-new-sharing'].includes(wanted)) return invalid(`Invalid value for State: ${wanted}`);
        state.snapshot = wanted;
        return reply(`<state>${wanted}</state>`);
      }
      case 'DisableSnapshotBlockPublicAccess':
        state.snapshot = 'unblocked';
        return reply('<state>unblocked</state>');
      case 'GetImageBlockPublicAccessState':
        return reply(`<imageBlockPublicAccessState>${state.image}</imageBlockPublicAccessState><managedBy>account</managedBy>`);
      case 'EnableImageBlockPublicAccess': {
        const wanted = params.get('ImageBlockPublicAccessState');
        if (wanted !== 'block-new-sharing') return invalid(`Invalid value for ImageBlockPublicAccessState: ${wanted}`);
        state.image = wanted;
        return reply(`<imageBlockPublicAccessState>${wanted}</imageBlockPublicAccessState>`);
      }
      case 'DisableImageBlockPublicAccess':
        state.image = 'unblocked';
        return reply('<imageBlockPublicAccessState>unblocked</imageBlockPublicAccessState>');
      case 'GetInstanceMetadataDefaults': {
        const m = state.metadata;
        const fields = [['httpTokens', m.httpTokens], ['httpPutResponseHopLimit', m.hopLimit], ['httpEndpoint', m.httpEndpoint], ['instanceMetadataTags', m.tags]]
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `<${k}>${v}</${k}>`)
          .join('');
        return reply(`<accountLevel>${fields}</accountLevel>`);
      }
      default: {
        // ModifyInstanceMetadataDefaults: "no-preference" clears a field; -1 clears the hop limit.
        const tokens = params.get('HttpTokens');
        const hop = params.get('HttpPutResponseHopLimit');
        if (tokens && !['optional', 'required', 'no-preference'].includes(tokens)) return invalid(`Invalid value for HttpTokens: ${tokens}`);
        if (hop && !(Number(hop) === -1 || (Number(hop) >= 1 && Number(hop) <= 64))) return invalid(`Invalid value for HttpPutResponseHopLimit: ${hop}`);
        if (tokens) state.metadata.httpTokens = tokens === 'no-preference' ? undefined : tokens;
        if (hop) state.metadata.hopLimit = Number(hop) === -1 ? undefined : Number(hop);
        return reply('<return>true</return>');
      }
    }
  }

  /**
   * DescribeSnapshots with RestorableBy=all (the public ones), which moto ignores: moto's answer without it, less
   * the snapshots whose createVolumePermission moto does not give to group "all". moto also ignores OwnerIds=self
   * (it lists the snapshots of its built-in AMIs to everyone): those of other owners are left out too.
   */
  async function publicSnapshots(req, body, res, scope) {
    const text = body.toString();
    const account = /(?:^|&)Owner\.\d+=self(?:&|$)/.test(text) ? await accountOf(req, scope) : undefined;
    const withoutFilter = text.replace(/&?RestorableBy(?:UserId)?\.\d+=all/g, '');
    const listed = await askMoto(req, scope, 'ec2', withoutFilter);
    res.writeHead(listed.status || 500, { 'content-type': 'text/xml' });
    if (listed.status !== 200) return res.end(listed.text);
    const items = [...listed.text.matchAll(/<item>\s*<snapshotId>(snap-[0-9a-f]+)<\/snapshotId>[\s\S]*?<\/item>/g)];
    const kept = [];
    for (const [item, id] of items) {
      if (account && !item.includes(`<ownerId>${account}</ownerId>`)) continue;
      const attribute = await askMoto(req, scope, 'ec2', `Action=DescribeSnapshotAttribute&Version=2016-11-15&SnapshotId=${id}&Attribute=createVolumePermission`);
      if (/<group>all<\/group>/.test(attribute.text)) kept.push(item);
    }
    const answer = listed.text.replace(/<snapshotSet>[\s\S]*<\/snapshotSet>/, `<snapshotSet>${kept.join('')}</snapshotSet>`);
    return res.end(answer);
  }

  /** S3 GetBucketPolicyStatus: is the bucket's policy public (an Allow to "*" without a condition)? */
  async function bucketPolicyStatus(req, res) {
    const path = req.url.replace(/\?.*$/, '?policy');
    const headers = { ...req.headers, host: moto.host };
    const policy = await forward(req, '', undefined, headers, path, 'GET');
    if (policy.status !== 200) {
      res.writeHead(policy.status || 500, { 'content-type': 'application/xml' });
      return res.end(policy.text);
    }
    const statements = [JSON.parse(policy.text).Statement ?? []].flat();
    const everyone = (p) => p === '*' || (p && typeof p === 'object' && [p.AWS].flat().includes('*'));
    const isPublic = statements.some((st) => st.Effect === 'Allow' && everyone(st.Principal) && !st.Condition);
    res.writeHead(200, { 'content-type': 'application/xml' });
    return res.end(`<?xml version="1.0" encoding="UTF-8"?><PolicyStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsPublic>${isPublic}</IsPublic></PolicyStatus>`);
  }

  /**
   * AWS Budgets: the subscribers of each notification (moto keeps them but has no DescribeSubscribersForNotification)
   * and UpdateBudget (which moto lacks: the budget is made again with its notifications and their subscribers).
   */
  async function budgets(req, body, res, scope, operation) {
    const input = JSON.parse(body.toString() || '{}');
    const notificationKey = (n) => `${n.NotificationType}/${n.ComparisonOperator}/${Number(n.Threshold)}/${n.ThresholdType ?? 'PERCENTAGE'}`;
    const subscribersOf = (budgetName) => {
      const key = `${input.AccountId}/${budgetName}`;
      if (!budgetSubscribers.has(key)) budgetSubscribers.set(key, new Map());
      return budgetSubscribers.get(key);
    };
    const passOn = async () => {
      const answered = await forward(req, body, undefined);
      res.writeHead(answered.status || 500, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(answered.text);
      return answered.status === 200;
    };
    if (operation === 'CreateBudget') {
      if (await passOn()) {
        const subscribers = subscribersOf(input.Budget?.BudgetName);
        for (const n of input.NotificationsWithSubscribers ?? []) subscribers.set(notificationKey(n.Notification), [...(n.Subscribers ?? [])]);
      }
      return undefined;
    }
    if (operation === 'CreateNotification') {
      if (await passOn()) subscribersOf(input.BudgetName).set(notificationKey(input.Notification), [...(input.Subscribers ?? [])]);
      return undefined;
    }
    if (operation === 'CreateSubscriber') {
      const subscribers = subscribersOf(input.BudgetName);
      const key = notificationKey(input.Notification ?? {});
      if (!subscribers.has(key)) return answer(res, 400, { Message: 'Notification not found' }, 'NotFoundException');
      if (subscribers.get(key).some((x) => x.Address === input.Subscriber?.Address)) return answer(res, 400, { Message: 'Subscriber already exists' }, 'DuplicateRecordException');
      subscribers.get(key).push(input.Subscriber);
      return answer(res, 200, {});
    }
    if (operation === 'DescribeSubscribersForNotification') {
      const described = await askMoto(req, scope, 'budgets', JSON.stringify({ AccountId: input.AccountId, BudgetName: input.BudgetName }), 'AWSBudgetServiceGateway.DescribeBudget');
      if (described.status !== 200) {
        res.writeHead(described.status || 500, { 'content-type': 'application/x-amz-json-1.1' });
        return res.end(described.text);
      }
      const list = subscribersOf(input.BudgetName).get(notificationKey(input.Notification ?? {}));
      if (!list) return answer(res, 400, { Message: 'Notification not found' }, 'NotFoundException');
      return answer(res, 200, { Subscribers: list });
    }
    // UpdateBudget: moto's budget, made again with the new one and the notifications it had.
    const name = input.NewBudget?.BudgetName;
    const target = (op) => `AWSBudgetServiceGateway.${op}`;
    const described = await askMoto(req, scope, 'budgets', JSON.stringify({ AccountId: input.AccountId, BudgetName: name }), target('DescribeBudget'));
    if (described.status !== 200) {
      res.writeHead(described.status || 500, { 'content-type': 'application/x-amz-json-1.1' });
      return res.end(described.text);
    }
    const notified = await askMoto(req, scope, 'budgets', JSON.stringify({ AccountId: input.AccountId, BudgetName: name }), target('DescribeNotificationsForBudget'));
    const notifications = notified.status === 200 ? JSON.parse(notified.text).Notifications ?? [] : [];
    const subscribers = subscribersOf(name);
    await askMoto(req, scope, 'budgets', JSON.stringify({ AccountId: input.AccountId, BudgetName: name }), target('DeleteBudget'));
    const budget = { ...input.NewBudget };
    delete budget.CalculatedSpend; // AWS computes it
    const created = await askMoto(req, scope, 'budgets', JSON.stringify({
      AccountId: input.AccountId,
      Budget: budget,
      NotificationsWithSubscribers: notifications.map((n) => ({ Notification: n, Subscribers: subscribers.get(notificationKey(n)) ?? [] })),
    }), target('CreateBudget'));
    if (created.status !== 200) {
      res.writeHead(created.status || 500, { 'content-type': 'application/x-amz-json-1.1' });
      return res.end(created.text);
    }
    return answer(res, 200, {});
  }

  /** Test-only control: seed the ACTIVE (or other) findings of an account's analyzer in a region. */
  function findingsControl(req, body, res, account, region) {
    const now = new Date().toISOString();
    const seeded = JSON.parse(body.toString() || '[]').map((f, i) => ({ id: `finding-${i}`, status: 'ACTIVE', createdAt: now, analyzedAt: now, updatedAt: now, resourceOwnerAccount: account, condition: {}, ...f }));
    findings.set(`${account}/${region}`, seeded);
    answer(res, 200, { findings: seeded.length });
  }

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => (latency > 0 && !req.url?.startsWith('/__double/') ? setTimeout(handle, latency) : handle()));
    const handle = () => {
      const body = Buffer.concat(chunks);
      const scope = signatureScope(req);
      if (scope && onRequest) {
        const agent = `${req.headers['user-agent'] ?? ''} ${req.headers['x-amz-user-agent'] ?? ''}`;
        onRequest({ service: scope.service, operation: operationName(req, body, scope.service), userAgent: agent, rootSession: rootSessions.has(scope.accessKeyId) });
      }
      const latencyControl = /^\/__double\/latency\/(\d+)$/.exec(req.url ?? '');
      if (latencyControl) {
        latency = Number(latencyControl[1]);
        return answer(res, 200, { latencyMs: latency });
      }
      const control = /^\/__double\/root\/(\d{12})$/.exec(req.url ?? '');
      if (control) return rootControl(req, body, res, control[1]);
      const findingsSeed = /^\/__double\/findings\/(\d{12})\/([a-z0-9-]+)$/.exec(req.url ?? '');
      if (findingsSeed) return findingsControl(req, body, res, findingsSeed[1], findingsSeed[2]);
      if (scope?.service === 'account' && (req.url === '/getContactInformation' || req.url === '/putContactInformation')) {
        return void contactInformation(req, body, res, scope).catch((err) => answer(res, 500, { message: String(err) }, 'InternalServerException'));
      }
      if (scope?.service === 'account' && req.url === '/listRegions') return listRegions(body, res);
      const params = scope && (scope.service === 'iam' || scope.service === 'sts') ? new URLSearchParams(body.toString()) : undefined;
      const action = params?.get('Action');
      const failed = (ns) => (err) => queryError(res, ns, 500, 'InternalFailure', String(err));
      if (scope?.service === 'iam' && ['ListOrganizationsFeatures', 'EnableOrganizationsRootCredentialsManagement', 'EnableOrganizationsRootSessions'].includes(action)) {
        return void organizationsFeatures(req, res, scope, action).catch(failed(IAM_NS));
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      if (scope?.service === 'organizations' && target.endsWith('.ListAWSServiceAccessForOrganization')) {
        return void iamServiceAccess(req, body, res, scope, 'ListAWSServiceAccessForOrganization').catch((err) => answer(res, 500, { Message: String(err) }, 'ServiceException'));
      }
      if (scope?.service === 'organizations' && target.endsWith('.EnableAWSServiceAccess') && JSON.parse(body.toString() || '{}').ServicePrincipal === 'iam.amazonaws.com') {
        return void iamServiceAccess(req, body, res, scope, 'EnableAWSServiceAccess').catch((err) => answer(res, 500, { Message: String(err) }, 'ServiceException'));
      }
      if (scope?.service === 'sts' && action === 'AssumeRoot') return void assumeRoot(req, res, scope, params).catch(failed(STS_NS));
      if (scope?.service === 'iam' && rootSessions.has(scope.accessKeyId) && ROOT_CREDENTIAL_ACTIONS.includes(action) && !params.get('UserName')) {
        return rootCredentialCall(res, rootSessions.get(scope.accessKeyId), action, params);
      }
      if (scope?.service === 'iam' && !rootSessions.has(scope.accessKeyId) && ['ListVirtualMFADevices', 'TagMFADevice', 'UntagMFADevice', 'ListMFADeviceTags'].includes(action)) {
        return void rootVirtualDevices(req, body, res, scope, action, params).catch(failed(IAM_NS));
      }
      if (scope?.service === 'iam' && ['GetAccountSummary', 'GetCredentialReport'].includes(action)) {
        return void rootInAccountViews(req, body, res, scope, action).catch(failed(IAM_NS));
      }
      if (scope?.service === 'organizations' && target.endsWith('.CreateAccount')) {
        return void createAccount(req, body, res, scope).catch((err) => answer(res, 500, { Message: String(err) }, 'ServiceException'));
      }
      const hubOperation = scope?.service === 'securityhub' ? restOperation('securityhub', req.method, req.url) : undefined;
      if (hubOperation === 'BatchImportFindings' || hubOperation === 'BatchUpdateFindings') {
        const operation = hubOperation;
        return void securityHub(req, body, res, scope, operation).catch((err) => answer(res, 500, { message: String(err) }, 'InternalException'));
      }
      if (scope?.service === 'access-analyzer') {
        return void accessAnalyzer(req, body, res, scope).catch((err) => answer(res, 500, { message: String(err) }, 'InternalServerException'));
      }
      if (scope?.service === 'ec2') {
        const ec2Params = new URLSearchParams(body.toString());
        const ec2Action = ec2Params.get('Action');
        const failedEc2 = (err) => ec2Error(res, 500, 'InternalError', String(err));
        if (EC2_SETTING_ACTIONS.includes(ec2Action)) return void ec2Setting(req, res, scope, ec2Action, ec2Params).catch(failedEc2);
        if (ec2Action === 'DescribeSnapshots' && [...ec2Params.entries()].some(([k, v]) => /^RestorableBy(UserId)?\.\d+$/.test(k) && v === 'all')) {
          return void publicSnapshots(req, body, res, scope).catch(failedEc2);
        }
      }
      if (scope?.service === 's3' && req.method === 'GET' && /[?&]policyStatus(=|&|$)/.test(req.url ?? '')) {
        return void bucketPolicyStatus(req, res).catch((err) => answer(res, 500, { message: String(err) }, 'InternalError'));
      }
      const budgetOperation = scope?.service === 'budgets' ? target.split('.').pop() : undefined;
      if (['CreateBudget', 'CreateNotification', 'CreateSubscriber', 'DescribeSubscribersForNotification', 'UpdateBudget'].includes(budgetOperation)) {
        return void budgets(req, body, res, scope, budgetOperation).catch((err) => answer(res, 500, { Message: String(err) }, 'InternalErrorException'));
      }
      void forward(req, body, res);
    };
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
