/**
 * A whole account for audit tests: every read audit makes, answered by aws-sdk-client-mock from a scenario,
 * with a credential report in AWS's own CSV format. Every command sent is recorded, to prove audit is read-only.
 */
import * as analyzer from '@aws-sdk/client-accessanalyzer';
import * as account from '@aws-sdk/client-account';
import * as identitystore from '@aws-sdk/client-identitystore';
import * as ssoAdmin from '@aws-sdk/client-sso-admin';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import * as iam from '@aws-sdk/client-iam';
import * as org from '@aws-sdk/client-organizations';
import * as sts from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../src/aws/clients.js';
import type { Context } from '../../src/context.js';
import { FakeAccountDefaults } from './fake-account-defaults.js';
import { awsError } from './fake-aws.js';
import type { FakeIdentityCenter } from './fake-identity-center.js';
import { SecretRegistry } from '../../src/lib/secrets.js';
import { captureOutput, FakeClock, fileSystem } from './context.js';
import { ScriptedPrompter } from './scripted-prompter.js';

export const NOW = new Date('2026-06-01T12:00:00Z');
export const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString().replace('.000Z', '+00:00');

const COLUMNS = [
  'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed',
  'password_next_rotation', 'mfa_active', 'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date',
  'access_key_1_last_used_region', 'access_key_1_last_used_service', 'access_key_2_active', 'access_key_2_last_rotated',
  'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service', 'cert_1_active',
  'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
];

export type Row = Partial<Record<(typeof COLUMNS)[number], string>>;

/** Root as AWS reports it for an ordinary account: password fields not_supported, MFA on, no keys. */
export const ROOT: Row = {
  user: '<root_account>', arn: 'arn:aws:iam::111122223333:root', user_creation_time: daysAgo(400),
  password_enabled: 'not_supported', password_last_used: daysAgo(30), password_last_changed: 'not_supported',
  password_next_rotation: 'not_supported', mfa_active: 'true', access_key_1_active: 'false', access_key_2_active: 'false',
  cert_1_active: 'false', cert_2_active: 'false',
};

/** A user row with everything off; override what the test needs. */
export function userRow(name: string, row: Row = {}): Row {
  return {
    user: name, arn: `arn:aws:iam::111122223333:user/${name}`, user_creation_time: daysAgo(100),
    password_enabled: 'false', password_last_used: 'N/A', password_last_changed: 'N/A', password_next_rotation: 'N/A',
    mfa_active: 'false', access_key_1_active: 'false', access_key_1_last_rotated: 'N/A', access_key_1_last_used_date: 'N/A',
    access_key_1_last_used_region: 'N/A', access_key_1_last_used_service: 'N/A', access_key_2_active: 'false',
    access_key_2_last_rotated: 'N/A', access_key_2_last_used_date: 'N/A', access_key_2_last_used_region: 'N/A',
    access_key_2_last_used_service: 'N/A', cert_1_active: 'false', cert_1_last_rotated: 'N/A', cert_2_active: 'false',
    cert_2_last_rotated: 'N/A', ...row,
  };
}

export function reportCsv(rows: Row[]): string {
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => r[c] ?? 'N/A').join(','))].join('\n');
}

export interface Scenario {
  accountId?: string;
  /** The partition the account is in (default aws): every ARN the fixture answers with is in it. */
  partition?: string;
  rows?: Row[];
  reportGeneratedAt?: Date;
  /** States GenerateCredentialReport answers with, in order, before COMPLETE. */
  reportStates?: ('STARTED' | 'INPROGRESS' | 'LimitExceeded')[];
  summary?: Record<string, number>;
  aliases?: string[];
  passwordPolicy?: iam.PasswordPolicy;
  users?: { name: string; attached?: string[]; inline?: Record<string, object>; groups?: string[] }[];
  groups?: { name: string; attached?: string[]; inline?: Record<string, object> }[];
  customerPolicies?: { name: string; document: object; attachments?: number }[];
  supportRoles?: string[];
  certificates?: { name: string; expiration: Date }[];
  rootVirtualMfa?: boolean;
  organizationRole?: 'management' | 'member' | 'none';
  orgFeatures?: string[];
  /** ListOrganizationsFeatures fails with this modelled error (e.g. ServiceAccessNotEnabledException). */
  orgFeaturesError?: string;
  /** Operations answering AccessDenied, as IAM would, with the call named as our middleware does. */
  denied?: string[];
  /** For the management account: the Organization's accounts. */
  orgAccounts?: { id: string; state: 'ACTIVE' | 'SUSPENDED' }[];
  /** Account ids whose role cannot be assumed. */
  unassumable?: string[];
  /** Users with a console password, for reads made outside the credential report (users newer than it). */
  loginProfiles?: string[];
  /** MFA devices of users, as ListMFADevices answers (users newer than the report). */
  mfaDevices?: Record<string, string[]>;
  securityContact?: { email: string; name: string; phone: string; title: string };
  /** Regions account:ListRegions reports enabled (default us-east-1 and eu-west-1). */
  regions?: string[];
  /** The account-wide defaults (S3, EC2 switches, budgets, trails, GuardDuty); all on in every region without it. */
  defaults?: FakeAccountDefaults;
  /** Analyzers by region. */
  analyzers?: Record<string, { name: string; type: 'ACCOUNT' | 'ORGANIZATION' | 'ACCOUNT_UNUSED_ACCESS'; status: 'ACTIVE' | 'CREATING' | 'FAILED' | 'DISABLED' }[]>;
  roles?: { name: string; trust: object; path?: string; attached?: string[]; inline?: Record<string, object>; lastUsed?: string; created?: string }[];
  /** Documents of AWS managed policies beyond the built-in ones (AdministratorAccess, IAMFullAccess, …). */
  awsPolicies?: Record<string, object>;
  /** The primary contact (GetContactInformation); none when absent. */
  primaryContact?: Record<string, string>;
  /** BILLING and OPERATIONS alternate contacts (SECURITY is securityContact). */
  alternateContacts?: Partial<Record<'BILLING' | 'OPERATIONS', { email: string; name: string; phone: string; title: string }>>;
  /** ACTIVE Access Analyzer findings by region. */
  findings?: Record<string, { resource: string; resourceType: string; isPublic?: boolean; principal?: Record<string, string> }[]>;
  /** A member's root user as a root session (sts:AssumeRoot) reads it. */
  rootUser?: {
    password: boolean;
    passwordLastUsed?: string;
    accessKeys?: { id: string; lastUsed?: string }[];
    certificates?: string[];
    mfaDevices?: string[];
    /** GetUser and GetAccessKeyLastUsed are outside the task policy. */
    lastUseDenied?: boolean;
  };
  /** These clients are a root session's: IAM calls without a UserName answer for rootUser. */
  rootSession?: boolean;
  /** sts:AssumeRoot is refused (e.g. by a service control policy). */
  assumeRootDenied?: boolean;
  /** The Organization's tree as the management account reads it. */
  guardrails?: {
    scpEnabled: boolean;
    rootScps?: string[];
    ous?: { id: string; parent: string; scps?: string[] }[];
    accounts: { id: string; parent: string; scps?: string[]; name?: string }[];
    rcps?: string[];
  };
  /** Who AWSCloudShellFullAccess is attached to. */
  cloudShell?: { users?: string[]; groups?: string[]; roles?: string[] };
  /** GetAccountAuthorizationDetails page size, below the MaxItems asked for (AWS may return fewer). */
  pageSize?: number;
  /** IAM Identity Center as the account sees it (ListInstances answers no instance without it). */
  identityCenter?: FakeIdentityCenter;
}

export const ADMIN_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** The AWS managed policies the fixtures attach, with the documents that matter to the evaluator. */
const AWS_POLICY_DOCUMENTS: Record<string, object> = {
  AdministratorAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  IAMFullAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'organizations:DescribeOrganization'], Resource: '*' }] },
  ReadOnlyAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 's3:Get*', 's3:List*', 'ec2:Describe*'], Resource: '*' }] },
  AWSSupportAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['support:*'], Resource: '*' }] },
  AWSCloudShellFullAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cloudshell:*'], Resource: '*' }] },
};
const enc = (o: object) => encodeURIComponent(JSON.stringify(o));

export function auditClients(sc: Scenario): { clients: AwsClients; sent: string[]; requests: { operation: string; input: unknown }[] } {
  const accountId = sc.accountId ?? '111122223333';
  const partition = sc.partition ?? 'aws';
  const sent: string[] = [];
  /** Every request's input, to prove which ARNs audit asked about. */
  const requests: { operation: string; input: unknown }[] = [];
  const analyzerClients = new Map<string, analyzer.AccessAnalyzerClient>();
  const defaults = sc.defaults ?? FakeAccountDefaults.secure(sc.regions ?? ['eu-west-1', 'us-east-1']);
  for (const op of sc.denied ?? []) defaults.denied.add(op);
  const clients: AwsClients = {
    region: 'us-east-1',
    ...defaults.clients(accountId, 'us-east-1', (_service, op, input) => {
      sent.push(op);
      requests.push({ operation: op, input });
    }, partition),
    iam: new iam.IAMClient({ region: 'us-east-1' }),
    sts: new sts.STSClient({ region: 'us-east-1' }),
    organizations: new org.OrganizationsClient({ region: 'us-east-1' }),
    account: new account.AccountClient({ region: 'us-east-1' }),
    securityHub: new SecurityHubClient({ region: 'us-east-1' }),
    ssoAdmin: new ssoAdmin.SSOAdminClient({ region: 'us-east-1' }),
    identityStore: new identitystore.IdentitystoreClient({ region: 'us-east-1' }),
    accessAnalyzer: (region) => {
      let client = analyzerClients.get(region);
      if (!client) {
        client = new analyzer.AccessAnalyzerClient({ region });
        const mock = mockClient(client);
        // Each operation is recorded, and answers AccessDenied when the scenario denies it, as the others do.
        const answerIn = <I, O>(Command: new (...args: never[]) => unknown, op: string, fn: (input: I) => O) =>
          mock.on(Command as never).callsFake(async (input: I) => {
            sent.push(op);
            requests.push({ operation: op, input });
            if (sc.denied?.includes(op)) {
              throw Object.assign(awsError('AccessDeniedException', 'not authorized', 403), { $awsCall: `access-analyzer(${region}):${op}` });
            }
            return fn(input);
          });
        answerIn(analyzer.ListAnalyzersCommand, 'ListAnalyzers', () => ({
          analyzers: (sc.analyzers?.[region] ?? []).map((a) => ({ ...a, arn: `arn:${partition}:access-analyzer:${region}:${accountId}:analyzer/${a.name}`, createdAt: NOW })),
        }));
        answerIn(analyzer.ListFindingsCommand, 'ListFindings', () => ({
          findings: (sc.findings?.[region] ?? []).map((f, n) => ({ id: `f-${n}`, status: 'ACTIVE', condition: {}, createdAt: NOW, analyzedAt: NOW, updatedAt: NOW, resourceOwnerAccount: accountId, ...f })),
        }));
        analyzerClients.set(region, client);
      }
      return client;
    },
  };
  const accountMock = mockClient(clients.account);
  accountMock.on(account.GetAlternateContactCommand).callsFake(async (i: account.GetAlternateContactRequest) => {
    sent.push('GetAlternateContact');
    if (sc.denied?.includes('GetAlternateContact')) throw Object.assign(awsError('AccessDeniedException', 'not authorized', 403), { $awsCall: 'account:GetAlternateContact' });
    const type = i.AlternateContactType;
    const c = type === 'SECURITY' ? sc.securityContact : type === 'BILLING' || type === 'OPERATIONS' ? sc.alternateContacts?.[type] : undefined;
    if (!c) throw new account.ResourceNotFoundException({ message: 'No contact of the inputted alternate contact type found.', $metadata: {} });
    return { AlternateContact: { AlternateContactType: type, EmailAddress: c.email, Name: c.name, PhoneNumber: c.phone, Title: c.title } };
  });
  accountMock.on(account.GetContactInformationCommand).callsFake(async () => {
    sent.push('GetContactInformation');
    if (sc.denied?.includes('GetContactInformation')) throw Object.assign(awsError('AccessDeniedException', 'not authorized', 403), { $awsCall: 'account:GetContactInformation' });
    if (!sc.primaryContact) throw new account.ResourceNotFoundException({ message: 'No contact information found.', $metadata: {} });
    return { ContactInformation: sc.primaryContact as never };
  });
  accountMock.on(account.ListRegionsCommand).callsFake(async () => {
    sent.push('ListRegions');
    if (sc.denied?.includes('ListRegions')) throw Object.assign(awsError('AccessDeniedException', 'not authorized', 403), { $awsCall: 'account:ListRegions' });
    return { Regions: (sc.regions ?? ['us-east-1', 'eu-west-1']).map((RegionName) => ({ RegionName, RegionOptStatus: 'ENABLED_BY_DEFAULT' })) };
  });
  const m = mockClient(clients.iam);
  const states = [...(sc.reportStates ?? [])];
  const users = sc.users ?? [];
  const groups = sc.groups ?? [];
  const policies = sc.customerPolicies ?? [];
  const answer = <I, O>(Command: new (...args: never[]) => unknown, op: string, fn: (input: I) => O) => {
    m.on(Command as never).callsFake(async (input: I) => {
      sent.push(op);
      requests.push({ operation: op, input });
      if (sc.denied?.includes(op)) {
        throw Object.assign(awsError('AccessDenied', `User is not authorized to perform: iam:${op}`, 403), { $awsCall: `iam:${op}` });
      }
      return fn(input);
    });
  };
  answer(iam.GetAccountSummaryCommand, 'GetAccountSummary', () => ({ SummaryMap: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, ...sc.summary } }));
  answer(iam.GenerateCredentialReportCommand, 'GenerateCredentialReport', () => {
    const next = states.shift();
    if (next === 'LimitExceeded') throw new iam.LimitExceededException({ message: 'slow down', $metadata: {} });
    return { State: next ?? 'COMPLETE' };
  });
  answer(iam.GetCredentialReportCommand, 'GetCredentialReport', () => ({
    Content: new TextEncoder().encode(reportCsv(sc.rows ?? [ROOT])),
    GeneratedTime: sc.reportGeneratedAt ?? NOW,
    ReportFormat: 'text/csv',
  }));
  answer(iam.ListAccountAliasesCommand, 'ListAccountAliases', () => ({ AccountAliases: sc.aliases ?? [] }));
  answer(iam.GetAccountPasswordPolicyCommand, 'GetAccountPasswordPolicy', () => {
    if (!sc.passwordPolicy) throw new iam.NoSuchEntityException({ message: 'no policy', $metadata: {} });
    return { PasswordPolicy: sc.passwordPolicy };
  });
  answer(iam.ListVirtualMFADevicesCommand, 'ListVirtualMFADevices', () => ({
    VirtualMFADevices: sc.rootVirtualMfa
      ? [{ SerialNumber: `arn:${partition}:iam::${accountId}:mfa/root-account-mfa-device`, User: { Arn: `arn:${partition}:iam::${accountId}:root` } }]
      : [],
  }));
  const rootUser = sc.rootSession ? (sc.rootUser ?? { password: false }) : undefined;
  const deniedInRootSession = (op: string) => {
    if (rootUser?.lastUseDenied) throw Object.assign(awsError('AccessDenied', `not authorized to perform iam:${op} (root task policy)`, 403), { $awsCall: `iam:${op}` });
  };
  answer(iam.GetUserCommand, 'GetUser', () => {
    deniedInRootSession('GetUser');
    return { User: { UserName: 'root', UserId: accountId, Arn: `arn:${partition}:iam::${accountId}:root`, Path: '/', CreateDate: NOW, ...(rootUser?.passwordLastUsed ? { PasswordLastUsed: new Date(rootUser.passwordLastUsed) } : {}) } };
  });
  answer(iam.GetAccessKeyLastUsedCommand, 'GetAccessKeyLastUsed', (i: iam.GetAccessKeyLastUsedRequest) => {
    deniedInRootSession('GetAccessKeyLastUsed');
    const used = rootUser?.accessKeys?.find((k) => k.id === i.AccessKeyId)?.lastUsed;
    return { UserName: 'root', AccessKeyLastUsed: used ? { LastUsedDate: new Date(used), ServiceName: 's3', Region: 'us-east-1' } : { ServiceName: 'N/A', Region: 'N/A' } };
  });
  answer(iam.ListAccessKeysCommand, 'ListAccessKeys', () => ({ AccessKeyMetadata: (rootUser?.accessKeys ?? []).map((k) => ({ AccessKeyId: k.id, Status: 'Active', UserName: 'root' })) }));
  answer(iam.ListSigningCertificatesCommand, 'ListSigningCertificates', () => ({
    Certificates: (rootUser?.certificates ?? []).map((CertificateId) => ({ CertificateId, Status: 'Active', UserName: 'root', CertificateBody: 'x' })),
  }));
  answer(iam.GetLoginProfileCommand, 'GetLoginProfile', (i: iam.GetLoginProfileRequest) => {
    if (rootUser && !i.UserName) {
      if (!rootUser.password) throw new iam.NoSuchEntityException({ message: 'no login profile', $metadata: {} });
      return { LoginProfile: { UserName: 'root', CreateDate: NOW } };
    }
    if (!sc.loginProfiles?.includes(i.UserName ?? '')) throw new iam.NoSuchEntityException({ message: 'no login profile', $metadata: {} });
    return { LoginProfile: { UserName: i.UserName, CreateDate: NOW } };
  });
  answer(iam.ListMFADevicesCommand, 'ListMFADevices', (i: iam.ListMFADevicesRequest) => ({
    MFADevices: (rootUser && !i.UserName ? (rootUser.mfaDevices ?? []) : (sc.mfaDevices?.[i.UserName ?? ''] ?? [])).map((SerialNumber) => ({ SerialNumber, UserName: i.UserName, EnableDate: NOW })),
  }));
  answer(iam.ListEntitiesForPolicyCommand, 'ListEntitiesForPolicy', (i: iam.ListEntitiesForPolicyRequest) => {
    if (i.PolicyArn?.endsWith('/AWSCloudShellFullAccess')) {
      const c = sc.cloudShell ?? {};
      return {
        PolicyUsers: (c.users ?? []).map((UserName) => ({ UserName })),
        PolicyGroups: (c.groups ?? []).map((GroupName) => ({ GroupName })),
        PolicyRoles: (c.roles ?? []).map((RoleName) => ({ RoleName })),
      };
    }
    return { PolicyRoles: (sc.supportRoles ?? []).map((RoleName) => ({ RoleName })) };
  });
  answer(iam.GetAccountAuthorizationDetailsCommand, 'GetAccountAuthorizationDetails', (i: iam.GetAccountAuthorizationDetailsRequest) => {
    const filter = i.Filter ?? [];
    const all = [
      ...(filter.includes('User')
        ? users.map((u) => ({
            kind: 'user' as const,
            detail: {
              UserName: u.name,
              Arn: `arn:${partition}:iam::${accountId}:user/${u.name}`,
              GroupList: u.groups ?? [],
              AttachedManagedPolicies: (u.attached ?? []).map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() })),
              UserPolicyList: Object.entries(u.inline ?? {}).map(([PolicyName, doc]) => ({ PolicyName, PolicyDocument: enc(doc) })),
            },
          }))
        : []),
      ...(filter.includes('Group')
        ? groups.map((g) => ({
            kind: 'group' as const,
            detail: {
              GroupName: g.name,
              AttachedManagedPolicies: (g.attached ?? []).map((PolicyArn) => ({ PolicyArn })),
              GroupPolicyList: Object.entries(g.inline ?? {}).map(([PolicyName, doc]) => ({ PolicyName, PolicyDocument: enc(doc) })),
            },
          }))
        : []),
      ...(filter.includes('Role')
        ? (sc.roles ?? []).map((r) => ({
            kind: 'role' as const,
            detail: {
              RoleName: r.name,
              Path: r.path ?? '/',
              Arn: `arn:${partition}:iam::${accountId}:role${r.path ?? '/'}${r.name}`,
              AssumeRolePolicyDocument: enc(r.trust),
              AttachedManagedPolicies: (r.attached ?? []).map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() })),
              RolePolicyList: Object.entries(r.inline ?? {}).map(([PolicyName, doc]) => ({ PolicyName, PolicyDocument: enc(doc) })),
              ...(r.lastUsed ? { RoleLastUsed: { LastUsedDate: new Date(r.lastUsed), Region: 'us-east-1' } } : {}),
              ...(r.created ? { CreateDate: new Date(r.created) } : {}),
            },
          }))
        : []),
      ...(filter.includes('LocalManagedPolicy')
        ? policies.map((p) => ({
            kind: 'policy' as const,
            detail: {
              PolicyName: p.name,
              Arn: `arn:${partition}:iam::${accountId}:policy/${p.name}`,
              DefaultVersionId: 'v2',
              AttachmentCount: p.attachments ?? 0,
              // An older version that allowed nothing: only the default version counts.
              PolicyVersionList: [
                { VersionId: 'v1', IsDefaultVersion: false, Document: enc({ Statement: [] }) },
                { VersionId: 'v2', IsDefaultVersion: true, Document: enc(p.document) },
              ],
            },
          }))
        : []),
    ];
    const start = Number(i.Marker ?? 0);
    const size = Math.min(i.MaxItems ?? 100, sc.pageSize ?? Infinity);
    const page = all.slice(start, start + size);
    const of = <K extends string>(kind: K) => page.filter((e) => e.kind === kind).map((e) => e.detail) as never[];
    return {
      UserDetailList: of('user'),
      GroupDetailList: of('group'),
      RoleDetailList: of('role'),
      Policies: of('policy'),
      IsTruncated: start + size < all.length,
      ...(start + size < all.length ? { Marker: String(start + size) } : {}),
    };
  });
  const awsAttached = () => {
    const arns = [...users.flatMap((u) => u.attached ?? []), ...groups.flatMap((g) => g.attached ?? []), ...(sc.roles ?? []).flatMap((r) => r.attached ?? [])];
    return [...new Set(arns.filter((a) => a.includes(':iam::aws:policy/')))];
  };
  const awsDocument = (arn: string) => {
    const name = arn.split('/').pop() ?? '';
    return sc.awsPolicies?.[name] ?? AWS_POLICY_DOCUMENTS[name] ?? { Version: '2012-10-17', Statement: [] };
  };
  answer(iam.ListPoliciesCommand, 'ListPolicies', (i: iam.ListPoliciesRequest) => ({
    Policies: i.Scope === 'AWS' && i.OnlyAttached ? awsAttached().map((Arn) => ({ Arn, PolicyName: Arn.split('/').pop(), DefaultVersionId: 'v3', AttachmentCount: 1 })) : [],
    IsTruncated: false,
  }));
  answer(iam.GetPolicyVersionCommand, 'GetPolicyVersion', (i: iam.GetPolicyVersionRequest) => ({
    PolicyVersion: { Document: enc(awsDocument(i.PolicyArn ?? '')), VersionId: i.VersionId, IsDefaultVersion: true },
  }));
  answer(iam.ListServerCertificatesCommand, 'ListServerCertificates', () => ({
    ServerCertificateMetadataList: (sc.certificates ?? []).map((c) => ({
      ServerCertificateName: c.name, Arn: `arn:${partition}:iam::${accountId}:server-certificate/${c.name}`, Expiration: c.expiration,
      Path: '/', ServerCertificateId: 'x',
    })),
  }));
  answer(iam.ListOrganizationsFeaturesCommand, 'ListOrganizationsFeatures', () => {
    if (sc.orgFeaturesError) throw awsError(sc.orgFeaturesError, 'as IAM answers it', 400);
    return { EnabledFeatures: sc.orgFeatures ?? [] };
  });

  const stsMock = mockClient(clients.sts);
  stsMock.on(sts.GetCallerIdentityCommand).callsFake(async () => {
    sent.push('GetCallerIdentity');
    return { Account: accountId, Arn: `arn:${partition}:iam::${accountId}:user/auditor` };
  });
  stsMock.on(sts.AssumeRoleCommand).callsFake(async (i: sts.AssumeRoleRequest) => {
    sent.push('AssumeRole');
    requests.push({ operation: 'AssumeRole', input: i });
    const target = i.RoleArn?.split(':')[4] ?? '';
    if (sc.unassumable?.includes(target)) {
      throw Object.assign(awsError('AccessDenied', `not authorized to perform sts:AssumeRole on ${i.RoleArn}`, 403), { $awsCall: 'sts:AssumeRole' });
    }
    // The access key id tells the test's clientsFor which member account these credentials belong to.
    return { Credentials: { AccessKeyId: `ASIA${target}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() } };
  });
  stsMock.on(sts.AssumeRootCommand).callsFake(async (i: sts.AssumeRootRequest) => {
    sent.push('AssumeRoot');
    requests.push({ operation: 'AssumeRoot', input: i });
    if (sc.assumeRootDenied) throw Object.assign(awsError('AccessDenied', 'explicitly denied by a service control policy', 403), { $awsCall: 'sts:AssumeRoot' });
    return { Credentials: { AccessKeyId: `ROOT${i.TargetPrincipal}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(NOW.getTime() + 900_000) } };
  });
  const orgMock = mockClient(clients.organizations);
  orgMock.on(org.DescribeOrganizationCommand).callsFake(async () => {
    sent.push('DescribeOrganization');
    const role = sc.organizationRole ?? 'none';
    if (role === 'none') throw new org.AWSOrganizationsNotInUseException({ message: 'no org', $metadata: {} });
    return { Organization: { Id: 'o-abc', MasterAccountId: role === 'management' ? accountId : '999999999999' } };
  });
  orgMock.on(org.ListAccountsCommand).callsFake(async () => {
    sent.push('ListAccounts');
    if (sc.denied?.includes('ListAccounts')) {
      // Organizations models it as AccessDeniedException; a member account gets it for ListAccounts.
      throw Object.assign(new org.AccessDeniedException({ message: 'You don\'t have permissions to access this resource.', $metadata: {} }), {
        $awsCall: 'organizations:ListAccounts',
      });
    }
    return { Accounts: (sc.orgAccounts ?? []).map((a) => ({ Id: a.id, State: a.state, Status: a.state })) };
  });
  const tree = sc.guardrails;
  const orgOp = <I, O>(Command: new (...args: never[]) => unknown, op: string, fn: (input: I) => O) =>
    orgMock.on(Command as never).callsFake(async (input: I) => {
      sent.push(op);
      requests.push({ operation: op, input });
      if (sc.denied?.includes(op)) throw Object.assign(new org.AccessDeniedException({ message: 'not authorized', $metadata: {} }), { $awsCall: `organizations:${op}` });
      return fn(input);
    });
  const scpList = (names: string[] = []) => ({ Policies: [{ Id: 'p-FullAWSAccess', Name: 'FullAWSAccess' }, ...names.map((Name, n) => ({ Id: `p-${n}${Name}`, Name }))] });
  orgOp(org.ListRootsCommand, 'ListRoots', () => ({
    Roots: [{ Id: 'r-root', Name: 'Root', PolicyTypes: tree?.scpEnabled ? [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] : [] }],
  }));
  orgOp(org.ListOrganizationalUnitsForParentCommand, 'ListOrganizationalUnitsForParent', (i: org.ListOrganizationalUnitsForParentRequest) => ({
    OrganizationalUnits: (tree?.ous ?? []).filter((u) => u.parent === i.ParentId).map((u) => ({ Id: u.id, Name: u.id })),
  }));
  orgOp(org.ListAccountsForParentCommand, 'ListAccountsForParent', (i: org.ListAccountsForParentRequest) => ({
    Accounts: (tree?.accounts ?? []).filter((a) => a.parent === i.ParentId).map((a) => ({ Id: a.id, Name: a.name ?? a.id, State: 'ACTIVE', Status: 'ACTIVE' })),
  }));
  orgOp(org.ListPoliciesForTargetCommand, 'ListPoliciesForTarget', (i: org.ListPoliciesForTargetRequest) => {
    if (i.TargetId === 'r-root') return scpList(tree?.rootScps);
    return scpList([...(tree?.ous ?? []), ...(tree?.accounts ?? [])].find((t) => t.id === i.TargetId)?.scps);
  });
  orgOp(org.ListPoliciesCommand, 'ListPolicies', () => ({ Policies: [{ Id: 'p-RCPFullAWSAccess', Name: 'RCPFullAWSAccess' }, ...(tree?.rcps ?? []).map((Name) => ({ Id: `p-${Name}`, Name }))] }));
  const identityCenterHandlers = sc.identityCenter?.handlers() ?? { ListInstances: () => ({ Instances: [] }) };
  for (const [client, module] of [
    [clients.ssoAdmin, ssoAdmin],
    [clients.identityStore, identitystore],
  ] as const) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one loop over two differently-typed clients
    const mock = mockClient(client as any);
    for (const [op, handler] of Object.entries(identityCenterHandlers)) {
      const Command = (module as Record<string, unknown>)[`${op}Command`];
      if (!Command) continue;
      mock.on(Command as never).callsFake(async (input: unknown) => {
        sent.push(op);
        requests.push({ operation: op, input });
        if (sc.denied?.includes(op)) throw Object.assign(awsError('AccessDeniedException', `not authorized to perform ${op}`, 403), { $awsCall: `sso-admin:${op}` });
        return handler(input as never);
      });
    }
  }
  return { clients, sent, requests };
}

export function auditContext(sc: Scenario, json = false, members: Record<string, Scenario> = {}) {
  const { clients, sent, requests } = auditClients(sc);
  /** Operations each member account's clients were sent. */
  const memberCalls: Record<string, string[]> = {};
  /** Operations each member's root session was sent. */
  const rootSessionCalls: Record<string, string[]> = {};
  const captured = captureOutput(json);
  const clock = new FakeClock(NOW);
  const ctx: Context = {
    clients,
    clientsFor: (credentials, id) => {
      const member = members[id];
      if (!member) throw new Error(`no member scenario for ${id}`);
      // AssumeRoot's credentials (ROOT<id>) make a root session's clients; AssumeRole's the member's own.
      const asRoot = typeof credentials === 'object' && 'accessKeyId' in credentials && credentials.accessKeyId.startsWith('ROOT');
      const m = auditClients({ ...member, accountId: id, rootSession: asRoot });
      if (asRoot) rootSessionCalls[id] = m.sent;
      else memberCalls[id] = m.sent;
      return m.clients;
    },
    awsCallCount: () => sent.length,
    awsRetries: () => ({ retried: 0, attempts: sent.length }),
    out: captured.out,
    prompt: new ScriptedPrompter([]),
    clock,
    fs: fileSystem(),
    secrets: new SecretRegistry(),
    onStopSignal: () => () => undefined,
  };
  return { ctx, sent, requests, memberCalls, rootSessionCalls, clock, ...captured };
}

/** A well-secured account: the baseline every check passes on. */
export const SECURE: Scenario = {
  aliases: ['acme'],
  passwordPolicy: {
    MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true,
    RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, PasswordReusePrevention: 24,
  },
  rows: [ROOT, userRow('alice', { password_enabled: 'true', password_last_used: daysAgo(1), password_last_changed: daysAgo(50), mfa_active: 'true' })],
  users: [{ name: 'alice', groups: ['Administrators'] }],
  groups: [{ name: 'Administrators', attached: [ADMIN_ACCESS] }],
  supportRoles: ['AWSSupport'],
  securityContact: { email: 'security@example.com', name: 'Security team', phone: '+1 206 555 0100', title: 'Security' },
  alternateContacts: {
    BILLING: { email: 'billing@example.com', name: 'Finance', phone: '+1 206 555 0101', title: 'Billing' },
    OPERATIONS: { email: 'ops@example.com', name: 'Operations', phone: '+1 206 555 0102', title: 'Operations' },
  },
  primaryContact: { FullName: 'Acme Corp', AddressLine1: '1 Main St', City: 'Seattle', StateOrRegion: 'WA', PostalCode: '98101', CountryCode: 'US', PhoneNumber: '+1 206 555 0100' },
  analyzers: {
    'us-east-1': [{ name: 'iam-bootstrap', type: 'ACCOUNT', status: 'ACTIVE' }],
    'eu-west-1': [{ name: 'org', type: 'ORGANIZATION', status: 'ACTIVE' }],
  },
  roles: [{ name: 'AWSSupport', trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }] } }],
};
