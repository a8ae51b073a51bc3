/**
 * A small in-memory IAM/STS/Organizations, wired into real SDK clients with aws-sdk-client-mock. It keeps
 * state between calls, so tests can prove re-runs and resumes without long resolvesOnce chains.
 */
import * as analyzer from '@aws-sdk/client-accessanalyzer';
import * as account_ from '@aws-sdk/client-account';
import * as identitystore from '@aws-sdk/client-identitystore';
import * as ssoAdmin from '@aws-sdk/client-sso-admin';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import * as iam from '@aws-sdk/client-iam';
import * as org from '@aws-sdk/client-organizations';
import * as sts from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../src/aws/clients.js';
import { FakeAccountDefaults } from './fake-account-defaults.js';
import { FakeIdentityCenter } from './fake-identity-center.js';

const { IAMClient } = iam;

export const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

interface FakeUser {
  tags: iam.Tag[];
  groups: Set<string>;
  loginProfile?: { password: string; reset: boolean };
  keys: { id: string; secret: string }[];
  mfa: string[];
}

export function awsError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

const noSuch = (what: string) => new iam.NoSuchEntityException({ message: `${what} not found`, $metadata: {} });
const exists = (what: string) => new iam.EntityAlreadyExistsException({ message: `${what} exists`, $metadata: {} });

export class FakeAccount {
  accountId = '111122223333';
  callerArn = 'arn:aws:iam::111122223333:root';
  /** Every request, operation and input, to prove what was asked (e.g. which partition's ARNs). */
  readonly requests: { operation: string; input: unknown }[] = [];
  /** management: the Organization's management account is this one. */
  organization: 'none' | 'member' | 'management' | 'denied' = 'none';
  /** The Organization's accounts (ListAccounts), this one included when it is in one. */
  orgAccounts: { Id: string; Status: 'ACTIVE' | 'SUSPENDED' }[] = [];
  readonly identityCenter = new FakeIdentityCenter();
  alias?: string;
  policy?: iam.PasswordPolicy;
  readonly managedPolicies = new Set(['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
  readonly groups = new Map<string, { attached: Set<string>; inline: Map<string, string> }>();
  readonly users = new Map<string, FakeUser>();
  readonly devices = new Map<string, { name: string; user?: string }>();
  rootMfa = false;
  rootKeys = false;
  readonly contacts = new Map<string, account_.AlternateContact>();
  readonly roles = new Map<string, { trust: string; attached: Set<string> }>();
  /** The regions account:ListRegions reports as enabled. */
  regions = ['eu-west-1', 'us-east-1'];
  /** S3, the EC2 switches per region, budgets, trails and GuardDuty: a new account's (all off). */
  readonly defaults = new FakeAccountDefaults();
  /** Analyzers by region. */
  readonly analyzers = new Map<string, analyzer.AnalyzerSummary[]>();
  /** Every operation called, in order, e.g. "CreateUser". */
  readonly calls: string[] = [];
  private keyCounter = 0;
  /** Operations that fail once with the given error, before touching state. */
  readonly failNext = new Map<string, Error>();
  /** Operations whose next answer is "lost": state changes, then the caller sees a network error. */
  readonly loseNextAnswer = new Set<string>();
  /** Runs once just before the named operation is handled (e.g. an earlier, lost attempt landing). */
  readonly onceBefore = new Map<string, () => void>();

  user(name: string): FakeUser {
    const u = this.users.get(name);
    if (!u) throw noSuch(`user ${name}`);
    return u;
  }

  private nextKeyId(): string {
    this.keyCounter += 1;
    return `AKIAFAKE${String(this.keyCounter).padStart(12, '0')}`;
  }

  /** The handlers, keyed by SDK command name minus "Command"; regional ones get the client's region. */
  handlers(): Record<string, (input: never, region: string) => unknown> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the handlers are plain closures over this account
    const a = this;
    const partition = () => a.callerArn.split(':')[1];
    const serialOf = (name: string) => `arn:${partition()}:iam::${a.accountId}:mfa/${name}`;
    return {
      GetAlternateContact: (i: account_.GetAlternateContactRequest) => {
        const c = a.contacts.get(i.AlternateContactType ?? '');
        if (!c) throw new account_.ResourceNotFoundException({ message: 'no contact', $metadata: {} });
        return { AlternateContact: c };
      },
      PutAlternateContact: (i: account_.PutAlternateContactRequest) => {
        a.contacts.set(i.AlternateContactType ?? '', {
          AlternateContactType: i.AlternateContactType,
          EmailAddress: i.EmailAddress,
          Name: i.Name,
          PhoneNumber: i.PhoneNumber,
          Title: i.Title,
        });
        return {};
      },
      ListRegions: () => ({ Regions: a.regions.map((RegionName) => ({ RegionName, RegionOptStatus: 'ENABLED_BY_DEFAULT' })) }),
      ListAnalyzers: (_i: analyzer.ListAnalyzersRequest, region: string) => ({ analyzers: a.analyzers.get(region) ?? [] }),
      CreateAnalyzer: (i: analyzer.CreateAnalyzerRequest, region: string) => {
        const list = a.analyzers.get(region) ?? [];
        if (list.some((x) => x.name === i.analyzerName)) throw new analyzer.ConflictException({ message: 'exists', resourceId: i.analyzerName, resourceType: 'Analyzer', $metadata: {} });
        const arn = `arn:${partition()}:access-analyzer:${region}:${a.accountId}:analyzer/${i.analyzerName}`;
        a.analyzers.set(region, [...list, { arn, name: i.analyzerName, type: i.type, status: 'ACTIVE', createdAt: new Date() }]);
        return { arn };
      },
      GetRole: (i: iam.GetRoleRequest) => {
        const r = a.roles.get(i.RoleName ?? '');
        if (!r) throw noSuch(`role ${i.RoleName}`);
        return { Role: { RoleName: i.RoleName, AssumeRolePolicyDocument: encodeURIComponent(r.trust) } };
      },
      CreateRole: (i: iam.CreateRoleRequest) => {
        if (a.roles.has(i.RoleName ?? '')) throw exists('role');
        a.roles.set(i.RoleName ?? '', { trust: i.AssumeRolePolicyDocument ?? '', attached: new Set() });
        return { Role: { RoleName: i.RoleName } };
      },
      ListAttachedRolePolicies: (i: iam.ListAttachedRolePoliciesRequest) => {
        const r = a.roles.get(i.RoleName ?? '');
        if (!r) throw noSuch('role');
        return { AttachedPolicies: [...r.attached].map((PolicyArn) => ({ PolicyArn })), IsTruncated: false };
      },
      AttachRolePolicy: (i: iam.AttachRolePolicyRequest) => {
        const r = a.roles.get(i.RoleName ?? '');
        if (!r) throw noSuch('role');
        r.attached.add(i.PolicyArn ?? '');
        return {};
      },
      GetCallerIdentity: () => ({ Account: a.accountId, Arn: a.callerArn, UserId: 'AIDAFAKE' }),
      DescribeOrganization: () => {
        if (a.organization === 'none') {
          throw new org.AWSOrganizationsNotInUseException({ message: 'not in use', $metadata: {} });
        }
        if (a.organization === 'denied') throw awsError('AccessDeniedException', 'no', 403);
        return { Organization: { Id: 'o-fake', MasterAccountId: a.organization === 'management' ? a.accountId : '999999999999' } };
      },
      ListAccounts: () => ({ Accounts: a.orgAccounts.map((x) => ({ ...x, State: x.Status })) }),
      ListAccountAliases: () => ({ AccountAliases: a.alias ? [a.alias] : [] }),
      CreateAccountAlias: (i: iam.CreateAccountAliasRequest) => {
        if (i.AccountAlias === 'taken-elsewhere') throw exists('alias');
        a.alias = i.AccountAlias;
        return {};
      },
      GetAccountPasswordPolicy: () => {
        if (!a.policy) throw noSuch('password policy');
        return { PasswordPolicy: a.policy };
      },
      UpdateAccountPasswordPolicy: (i: iam.UpdateAccountPasswordPolicyRequest) => {
        a.policy = { ...i, ExpirePasswords: i.MaxPasswordAge !== undefined };
        return {};
      },
      GetAccountSummary: () => ({ SummaryMap: { AccountMFAEnabled: a.rootMfa ? 1 : 0, AccountAccessKeysPresent: a.rootKeys ? 1 : 0 } }),
      GetPolicy: (i: iam.GetPolicyRequest) => {
        if (!a.managedPolicies.has(i.PolicyArn ?? '')) throw noSuch('policy');
        return { Policy: { Arn: i.PolicyArn } };
      },
      GetGroup: (i: iam.GetGroupRequest) => {
        if (!a.groups.has(i.GroupName ?? '')) throw noSuch('group');
        return { Group: { GroupName: i.GroupName }, Users: [] };
      },
      CreateGroup: (i: iam.CreateGroupRequest) => {
        if (a.groups.has(i.GroupName ?? '')) throw exists('group');
        a.groups.set(i.GroupName ?? '', { attached: new Set(), inline: new Map() });
        return { Group: { GroupName: i.GroupName } };
      },
      ListAttachedGroupPolicies: (i: iam.ListAttachedGroupPoliciesRequest) => {
        const g = a.groups.get(i.GroupName ?? '');
        if (!g) throw noSuch('group');
        return { AttachedPolicies: [...g.attached].map((PolicyArn) => ({ PolicyArn })), IsTruncated: false };
      },
      AttachGroupPolicy: (i: iam.AttachGroupPolicyRequest) => {
        const g = a.groups.get(i.GroupName ?? '');
        if (!g) throw noSuch('group');
        g.attached.add(i.PolicyArn ?? '');
        return {};
      },
      GetGroupPolicy: (i: iam.GetGroupPolicyRequest) => {
        const doc = a.groups.get(i.GroupName ?? '')?.inline.get(i.PolicyName ?? '');
        if (!doc) throw noSuch('group policy');
        return { PolicyDocument: encodeURIComponent(doc) };
      },
      PutGroupPolicy: (i: iam.PutGroupPolicyRequest) => {
        const g = a.groups.get(i.GroupName ?? '');
        if (!g) throw noSuch('group');
        g.inline.set(i.PolicyName ?? '', i.PolicyDocument ?? '');
        return {};
      },
      GetUser: (i: iam.GetUserRequest) => ({ User: { UserName: i.UserName, Tags: a.user(i.UserName ?? '').tags } }),
      CreateUser: (i: iam.CreateUserRequest) => {
        if (a.users.has(i.UserName ?? '')) throw exists('user');
        a.users.set(i.UserName ?? '', { tags: [...(i.Tags ?? [])], groups: new Set(), keys: [], mfa: [] });
        return { User: { UserName: i.UserName } };
      },
      TagUser: (i: iam.TagUserRequest) => {
        const u = a.user(i.UserName ?? '');
        for (const t of i.Tags ?? []) u.tags = [...u.tags.filter((x) => x.Key !== t.Key), t];
        return {};
      },
      UntagUser: (i: iam.UntagUserRequest) => {
        const u = a.user(i.UserName ?? '');
        u.tags = u.tags.filter((t) => !(i.TagKeys ?? []).includes(t.Key ?? ''));
        return {};
      },
      ListGroupsForUser: (i: iam.ListGroupsForUserRequest) => ({
        Groups: [...a.user(i.UserName ?? '').groups].map((GroupName) => ({ GroupName })),
        IsTruncated: false,
      }),
      AddUserToGroup: (i: iam.AddUserToGroupRequest) => {
        if (!a.groups.has(i.GroupName ?? '')) throw noSuch('group');
        a.user(i.UserName ?? '').groups.add(i.GroupName ?? '');
        return {};
      },
      GetLoginProfile: (i: iam.GetLoginProfileRequest) => {
        if (!a.user(i.UserName ?? '').loginProfile) throw noSuch('login profile');
        return { LoginProfile: { UserName: i.UserName } };
      },
      CreateLoginProfile: (i: iam.CreateLoginProfileRequest) => {
        const u = a.user(i.UserName ?? '');
        if (u.loginProfile) throw exists('login profile');
        u.loginProfile = { password: i.Password ?? '', reset: i.PasswordResetRequired ?? false };
        return {};
      },
      UpdateLoginProfile: (i: iam.UpdateLoginProfileRequest) => {
        const u = a.user(i.UserName ?? '');
        if (!u.loginProfile) throw noSuch('login profile');
        u.loginProfile = { password: i.Password ?? '', reset: i.PasswordResetRequired ?? false };
        return {};
      },
      ListAccessKeys: (i: iam.ListAccessKeysRequest) => ({
        AccessKeyMetadata: a.user(i.UserName ?? '').keys.map((k) => ({ AccessKeyId: k.id, Status: 'Active' })),
      }),
      CreateAccessKey: (i: iam.CreateAccessKeyRequest) => {
        const u = a.user(i.UserName ?? '');
        if (u.keys.length >= 2) throw new iam.LimitExceededException({ message: 'two keys', $metadata: {} });
        const key = { id: a.nextKeyId(), secret: `secret-${a.keyCounter}` };
        u.keys.push(key);
        return { AccessKey: { UserName: i.UserName, AccessKeyId: key.id, SecretAccessKey: key.secret, Status: 'Active' } };
      },
      DeleteAccessKey: (i: iam.DeleteAccessKeyRequest) => {
        const u = a.user(i.UserName ?? '');
        u.keys = u.keys.filter((k) => k.id !== i.AccessKeyId);
        return {};
      },
      ListMFADevices: (i: iam.ListMFADevicesRequest) => ({
        MFADevices: a.user(i.UserName ?? '').mfa.map((SerialNumber) => ({ SerialNumber, UserName: i.UserName })),
      }),
      ListVirtualMFADevices: (i: iam.ListVirtualMFADevicesRequest) => ({
        VirtualMFADevices: [...a.devices.entries()]
          .filter(([, d]) => (i.AssignmentStatus === 'Assigned' ? d.user : i.AssignmentStatus === 'Unassigned' ? !d.user : true))
          .map(([SerialNumber, d]) => ({ SerialNumber, User: d.user ? { UserName: d.user } : undefined })),
        IsTruncated: false,
      }),
      CreateVirtualMFADevice: (i: iam.CreateVirtualMFADeviceRequest) => {
        const serial = serialOf(i.VirtualMFADeviceName ?? '');
        if (a.devices.has(serial)) throw exists('device');
        a.devices.set(serial, { name: i.VirtualMFADeviceName ?? '' });
        return {
          VirtualMFADevice: {
            SerialNumber: serial,
            Base32StringSeed: new TextEncoder().encode(SEED),
            QRCodePNG: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
          },
        };
      },
      DeleteVirtualMFADevice: (i: iam.DeleteVirtualMFADeviceRequest) => {
        const d = a.devices.get(i.SerialNumber ?? '');
        if (!d) throw noSuch('device');
        if (d.user) throw new iam.DeleteConflictException({ message: 'assigned', $metadata: {} });
        a.devices.delete(i.SerialNumber ?? '');
        return {};
      },
      EnableMFADevice: (i: iam.EnableMFADeviceRequest) => {
        const u = a.user(i.UserName ?? '');
        const d = a.devices.get(i.SerialNumber ?? '');
        if (!d) throw noSuch('device');
        if (d.user) throw exists('device assignment');
        d.user = i.UserName;
        u.mfa.push(i.SerialNumber ?? '');
        return {};
      },
    };
  }
}

export interface FakeAws {
  account: FakeAccount;
  clients: AwsClients;
}

/** Real SDK clients whose `send` is answered by `account`. */
export function fakeAws(fake = new FakeAccount()): FakeAws {
  const account = fake;
  const iamAndOthers = account.handlers();
  // Identity Center's own handlers: its CreateGroup is not IAM's.
  const identityCenter = account.identityCenter.handlers();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one function over differently-typed clients and stubs
  const wire = (client: any, module: Record<string, unknown>, region: string, handlers: Record<string, (input: never, region: string) => unknown> = iamAndOthers) => {
    const mock = mockClient(client);
    for (const [op, handler] of Object.entries(handlers)) {
      const Command = module[`${op}Command`];
      if (!Command) continue;
      mock.on(Command as never).callsFake(async (input: unknown) => {
        account.calls.push(op);
        account.requests.push({ operation: op, input });
        const before = account.onceBefore.get(op);
        if (before) {
          account.onceBefore.delete(op);
          before();
        }
        const failure = account.failNext.get(op);
        if (failure) {
          account.failNext.delete(op);
          throw failure;
        }
        const result = handler(input as never, region);
        if (account.loseNextAnswer.delete(op)) throw awsError('TimeoutError', 'socket hang up', 0);
        return result;
      });
    }
    return client;
  };
  const analyzers = new Map<string, analyzer.AccessAnalyzerClient>();
  const clients: AwsClients = {
    region: 'us-east-1',
    ...account.defaults.clients(account.accountId, 'us-east-1', (_service, op, input) => {
      account.calls.push(op);
      account.requests.push({ operation: op, input });
    }, account.callerArn.split(':')[1]),
    iam: wire(new IAMClient({ region: 'us-east-1' }), iam, 'us-east-1'),
    sts: wire(new sts.STSClient({ region: 'us-east-1' }), sts, 'us-east-1'),
    organizations: wire(new org.OrganizationsClient({ region: 'us-east-1' }), org, 'us-east-1'),
    account: wire(new account_.AccountClient({ region: 'us-east-1' }), account_, 'us-east-1'),
    securityHub: new SecurityHubClient({ region: 'us-east-1' }),
    ssoAdmin: wire(new ssoAdmin.SSOAdminClient({ region: 'us-east-1' }), ssoAdmin, 'us-east-1', identityCenter),
    identityStore: wire(new identitystore.IdentitystoreClient({ region: 'us-east-1' }), identitystore, 'us-east-1', identityCenter),
    accessAnalyzer: (region) => {
      if (!analyzers.has(region)) analyzers.set(region, wire(new analyzer.AccessAnalyzerClient({ region }), analyzer, region));
      return analyzers.get(region) as analyzer.AccessAnalyzerClient;
    },
  };
  return { account, clients };
}

const MUTATING = /^(Create|Update|Put|Attach|Add|Tag|Untag|Delete|Enable|Detach|Remove|Deactivate|Provision|Modify|Start)/;

export function mutatingCalls(account: FakeAccount): string[] {
  return account.calls.filter((c) => MUTATING.test(c));
}
