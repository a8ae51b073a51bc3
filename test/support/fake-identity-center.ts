/**
 * An in-memory IAM Identity Center for unit tests: one organization instance (or none), its identity store, permission
 * sets and account assignments, with the outcomes moto cannot show (an assignment that FAILED or stays IN_PROGRESS).
 */
import * as ids from '@aws-sdk/client-identitystore';
import * as sso from '@aws-sdk/client-sso-admin';

const notFound = (what: string) => new ids.ResourceNotFoundException({ message: `${what} not found`, $metadata: {} });
const conflict = (what: string) => new ids.ConflictException({ message: `${what} exists`, $metadata: {} });

export interface FakePermissionSet {
  name: string;
  sessionDuration: string;
  managed: Set<string>;
  customerManaged: string[];
  inline?: string;
}

export class FakeIdentityCenter {
  /** The instances ListInstances returns; none until a test adds one (organizationInstance()). */
  instances: sso.InstanceMetadata[] = [];
  readonly groups = new Map<string, string>();
  readonly users = new Map<string, { userName: string; email?: string; givenName?: string; familyName?: string }>();
  readonly memberships = new Set<string>();
  readonly permissionSets = new Map<string, FakePermissionSet>();
  readonly assignments: { account: string; setArn: string; principalType: string; principalId: string }[] = [];
  /** How an assignment on an account ends (default SUCCEEDED at once). */
  readonly assignmentOutcome = new Map<string, { status: 'FAILED' | 'IN_PROGRESS'; reason?: string }>();
  readonly provisioned = new Map<string, Set<string>>();
  private counter = 0;
  private readonly requests = new Map<string, { account: string; status: string; reason?: string }>();

  /** An organization instance owned by `owner` (the management account). */
  organizationInstance(owner: string): sso.InstanceMetadata {
    const instance = { InstanceArn: 'arn:aws:sso:::instance/ssoins-fake1234567890', IdentityStoreId: 'd-1234567890', OwnerAccountId: owner, Status: 'ACTIVE' as const };
    this.instances = [instance];
    return instance;
  }

  addUser(userName: string, email: string): string {
    const id = this.nextId('user');
    this.users.set(id, { userName, email, givenName: 'Old', familyName: 'Name' });
    return id;
  }

  addPermissionSet(name: string, set: Partial<FakePermissionSet> = {}): string {
    const arn = `arn:aws:sso:::permissionSet/ssoins-fake1234567890/ps-${this.nextId('ps')}`;
    this.permissionSets.set(arn, { name, sessionDuration: 'PT1H', managed: new Set(), customerManaged: [], ...set });
    return arn;
  }

  private nextId(kind: string): string {
    this.counter += 1;
    return `${kind}-${String(this.counter).padStart(4, '0')}`;
  }

  private set(arn: string | undefined): FakePermissionSet {
    const s = this.permissionSets.get(arn ?? '');
    if (!s) throw new sso.ResourceNotFoundException({ message: 'no such permission set', $metadata: {} });
    return s;
  }

  handlers(): Record<string, (input: never) => unknown> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the handlers are plain closures over this store
    const c = this;
    return {
      ListInstances: () => ({ Instances: c.instances }),
      GetGroupId: (i: ids.GetGroupIdRequest) => {
        const name = (i.AlternateIdentifier as { UniqueAttribute?: { AttributeValue?: string } }).UniqueAttribute?.AttributeValue;
        const found = [...c.groups].find(([, n]) => n === name);
        if (!found) throw notFound('group');
        return { GroupId: found[0], IdentityStoreId: i.IdentityStoreId };
      },
      CreateGroup: (i: ids.CreateGroupRequest) => {
        if ([...c.groups.values()].includes(i.DisplayName ?? '')) throw conflict('group');
        const id = c.nextId('group');
        c.groups.set(id, i.DisplayName ?? '');
        return { GroupId: id, IdentityStoreId: i.IdentityStoreId };
      },
      GetUserId: (i: ids.GetUserIdRequest) => {
        const name = (i.AlternateIdentifier as { UniqueAttribute?: { AttributeValue?: string } }).UniqueAttribute?.AttributeValue;
        const found = [...c.users].find(([, u]) => u.userName === name);
        if (!found) throw notFound('user');
        return { UserId: found[0], IdentityStoreId: i.IdentityStoreId };
      },
      DescribeUser: (i: ids.DescribeUserRequest) => {
        const u = c.users.get(i.UserId ?? '');
        if (!u) throw notFound('user');
        return { UserId: i.UserId, UserName: u.userName, Name: { GivenName: u.givenName, FamilyName: u.familyName }, Emails: u.email ? [{ Value: u.email, Primary: true }] : [], IdentityStoreId: i.IdentityStoreId };
      },
      CreateUser: (i: ids.CreateUserRequest) => {
        if ([...c.users.values()].some((u) => u.userName === i.UserName)) throw conflict('user');
        const id = c.nextId('user');
        c.users.set(id, { userName: i.UserName ?? '', email: i.Emails?.[0]?.Value, givenName: i.Name?.GivenName, familyName: i.Name?.FamilyName });
        return { UserId: id, IdentityStoreId: i.IdentityStoreId };
      },
      ListGroupMembershipsForMember: (i: ids.ListGroupMembershipsForMemberRequest) => {
        const userId = (i.MemberId as { UserId?: string }).UserId;
        const groups = [...c.memberships].filter((m) => m.endsWith(`|${userId}`)).map((m) => m.split('|')[0]);
        return { GroupMemberships: groups.map((GroupId) => ({ GroupId, MemberId: { UserId: userId } })) };
      },
      CreateGroupMembership: (i: ids.CreateGroupMembershipRequest) => {
        const key = `${i.GroupId}|${(i.MemberId as { UserId?: string }).UserId}`;
        if (c.memberships.has(key)) throw conflict('membership');
        c.memberships.add(key);
        return { MembershipId: c.nextId('m') };
      },
      ListPermissionSets: () => ({ PermissionSets: [...c.permissionSets.keys()] }),
      DescribePermissionSet: (i: sso.DescribePermissionSetRequest) => {
        const s = c.set(i.PermissionSetArn);
        return { PermissionSet: { PermissionSetArn: i.PermissionSetArn, Name: s.name, SessionDuration: s.sessionDuration } };
      },
      CreatePermissionSet: (i: sso.CreatePermissionSetRequest) => {
        if ([...c.permissionSets.values()].some((s) => s.name === i.Name)) throw new sso.ConflictException({ message: 'exists', $metadata: {} });
        const arn = c.addPermissionSet(i.Name ?? '', { sessionDuration: i.SessionDuration ?? 'PT1H' });
        return { PermissionSet: { PermissionSetArn: arn, Name: i.Name, SessionDuration: i.SessionDuration } };
      },
      UpdatePermissionSet: (i: sso.UpdatePermissionSetRequest) => {
        c.set(i.PermissionSetArn).sessionDuration = i.SessionDuration ?? 'PT1H';
        return {};
      },
      ListManagedPoliciesInPermissionSet: (i: sso.ListManagedPoliciesInPermissionSetRequest) => ({
        AttachedManagedPolicies: [...c.set(i.PermissionSetArn).managed].map((Arn) => ({ Arn, Name: Arn.split('/').pop() })),
      }),
      ListCustomerManagedPolicyReferencesInPermissionSet: (i: sso.ListCustomerManagedPolicyReferencesInPermissionSetRequest) => ({
        CustomerManagedPolicyReferences: c.set(i.PermissionSetArn).customerManaged.map((Name) => ({ Name, Path: '/' })),
      }),
      GetInlinePolicyForPermissionSet: (i: sso.GetInlinePolicyForPermissionSetRequest) => ({ InlinePolicy: c.set(i.PermissionSetArn).inline ?? '' }),
      AttachManagedPolicyToPermissionSet: (i: sso.AttachManagedPolicyToPermissionSetRequest) => {
        const s = c.set(i.PermissionSetArn);
        if (s.managed.has(i.ManagedPolicyArn ?? '')) throw new sso.ConflictException({ message: 'attached', $metadata: {} });
        s.managed.add(i.ManagedPolicyArn ?? '');
        return {};
      },
      ListAccountsForProvisionedPermissionSet: (i: sso.ListAccountsForProvisionedPermissionSetRequest) => ({ AccountIds: [...(c.provisioned.get(i.PermissionSetArn ?? '') ?? [])] }),
      ProvisionPermissionSet: () => ({ PermissionSetProvisioningStatus: { Status: 'SUCCEEDED', RequestId: c.nextId('prov') } }),
      ListAccountAssignments: (i: sso.ListAccountAssignmentsRequest) => ({
        AccountAssignments: c.assignments
          .filter((a) => a.account === i.AccountId && a.setArn === i.PermissionSetArn)
          .map((a) => ({ AccountId: a.account, PermissionSetArn: a.setArn, PrincipalType: a.principalType, PrincipalId: a.principalId })),
      }),
      CreateAccountAssignment: (i: sso.CreateAccountAssignmentRequest) => {
        const RequestId = c.nextId('req');
        const outcome = c.assignmentOutcome.get(i.TargetId ?? '');
        c.requests.set(RequestId, { account: i.TargetId ?? '', status: outcome?.status ?? 'SUCCEEDED', reason: outcome?.reason });
        if (!outcome) {
          c.assignments.push({ account: i.TargetId ?? '', setArn: i.PermissionSetArn ?? '', principalType: i.PrincipalType ?? '', principalId: i.PrincipalId ?? '' });
          const accounts = c.provisioned.get(i.PermissionSetArn ?? '') ?? new Set<string>();
          c.provisioned.set(i.PermissionSetArn ?? '', accounts.add(i.TargetId ?? ''));
        }
        // Always IN_PROGRESS first, as AWS answers: the outcome comes from the status call.
        return { AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId, TargetId: i.TargetId } };
      },
      DescribeAccountAssignmentCreationStatus: (i: sso.DescribeAccountAssignmentCreationStatusRequest) => {
        const r = c.requests.get(i.AccountAssignmentCreationRequestId ?? '');
        if (!r) throw new sso.ResourceNotFoundException({ message: 'no such request', $metadata: {} });
        return { AccountAssignmentCreationStatus: { Status: r.status, RequestId: i.AccountAssignmentCreationRequestId, TargetId: r.account, ...(r.reason ? { FailureReason: r.reason } : {}) } };
      },
    };
  }
}
