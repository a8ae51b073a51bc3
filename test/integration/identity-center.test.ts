/**
 * init --admin identity-center on moto, in an Organization's management account: the group, user, membership,
 * permission set and assignments are made, a re-run changes nothing, and audit passes identity-center-admin and
 * admin-path through the role Identity Center provisions (made here the way Identity Center makes it: moto does not).
 */
import { AttachRolePolicyCommand, CreateRoleCommand, CreateSAMLProviderCommand } from '@aws-sdk/client-iam';
import { IdentitystoreClient, ListGroupMembershipsCommand, ListGroupsCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { ListAccountAssignmentsCommand, ListInstancesCommand, ListPermissionSetsCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { describe, expect, it } from 'vitest';
import { cliEnv, createOrganization, freshAccount, iamFor, motoUrl, mutatingCallsIn, noMoto, runCli, workDir, type Credentials } from './support/moto.js';

const clientConfig = (c: Credentials) => ({
  region: 'us-east-1',
  endpoint: motoUrl,
  credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
});

/** What Identity Center provisions in an account for a permission set: a SAML provider and a reserved role. */
async function provisionReservedRole(creds: Credentials, permissionSet: string): Promise<string> {
  const iam = iamFor(creds);
  const metadata = `<?xml version="1.0"?><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://portal.sso.us-east-1.amazonaws.com/saml/metadata/test">${'x'.repeat(1000)}</EntityDescriptor>`;
  const { SAMLProviderArn } = await iam.send(new CreateSAMLProviderCommand({ Name: 'AWSSSO_0123456789abcdef_DO_NOT_DELETE', SAMLMetadataDocument: metadata }));
  const name = `AWSReservedSSO_${permissionSet}_0123456789abcdef`;
  await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      Path: '/aws-reserved/sso.amazonaws.com/',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: SAMLProviderArn }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'], Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }],
      }),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  iam.destroy();
  return name;
}

describe.skipIf(noMoto)('init --admin identity-center in a management account', () => {
  it('makes group, user, membership, permission set and assignment; a re-run changes nothing; audit passes both admin checks', async () => {
    const management = await freshAccount();
    const [member = ''] = await createOrganization(management, ['ic-member']);
    const env = cliEnv(management);
    const cwd = workDir();
    const init = () =>
      runCli(['init', '--admin', 'identity-center', '--sso-user', 'ana', '--sso-email', 'ana@example.com', '--assign-accounts', 'all', '--yes', '--verbose', '--endpoint-url', motoUrl], { env, cwd });

    const first = await init();
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    const changed = mutatingCallsIn(first.stderr).map((l) => l.split(' ')[1] ?? '');
    expect(changed).toEqual(expect.arrayContaining(['identitystore:CreateGroup', 'identitystore:CreateUser', 'identitystore:CreateGroupMembership', 'sso-admin:CreatePermissionSet', 'sso-admin:AttachManagedPolicyToPermissionSet', 'sso-admin:CreateAccountAssignment']));
    expect(changed.filter((c) => c.startsWith('iam:CreateUser') || c.startsWith('iam:CreateLoginProfile'))).toEqual([]);

    const sso = new SSOAdminClient(clientConfig(management));
    const store = new IdentitystoreClient(clientConfig(management));
    const [instance] = (await sso.send(new ListInstancesCommand({}))).Instances ?? [];
    const IdentityStoreId = instance?.IdentityStoreId ?? '';
    expect(first.stdout).toContain(`Access portal:     https://${IdentityStoreId}.awsapps.com/start`);
    const groups = (await store.send(new ListGroupsCommand({ IdentityStoreId }))).Groups ?? [];
    const users = (await store.send(new ListUsersCommand({ IdentityStoreId }))).Users ?? [];
    expect(groups.map((g) => g.DisplayName)).toEqual(['Administrators']);
    expect(users.map((u) => [u.UserName, u.Emails?.[0]?.Value, u.Name?.GivenName, u.Name?.FamilyName])).toEqual([['ana', 'ana@example.com', 'Ana', 'Example']]);
    const members = (await store.send(new ListGroupMembershipsCommand({ IdentityStoreId, GroupId: groups[0]?.GroupId }))).GroupMemberships ?? [];
    expect(members.map((m) => (m.MemberId as { UserId?: string }).UserId)).toEqual([users[0]?.UserId]);
    const [setArn] = (await sso.send(new ListPermissionSetsCommand({ InstanceArn: instance?.InstanceArn }))).PermissionSets ?? [];
    for (const account of [management.accountId, member]) {
      const assignments = (await sso.send(new ListAccountAssignmentsCommand({ InstanceArn: instance?.InstanceArn, AccountId: account, PermissionSetArn: setArn }))).AccountAssignments ?? [];
      expect(assignments.map((a) => [a.PrincipalType, a.PrincipalId])).toEqual([['GROUP', groups[0]?.GroupId]]);
    }

    const again = await init();
    expect(again.code).toBe(0);
    expect(mutatingCallsIn(again.stderr)).toEqual([]);

    const role = await provisionReservedRole(management, 'AdministratorAccess');
    const audit = await runCli(['audit', '--check', 'identity-center-admin,admin-path', '--format', 'json', '--endpoint-url', motoUrl], { env, cwd });
    const checks = Object.fromEntries(JSON.parse(audit.stdout).accounts[0].checks.map((c: { id: string }) => [c.id, c]));
    expect(checks['identity-center-admin']).toMatchObject({ status: 'pass', detail: 'an administrator permission set (AdministratorAccess) is assigned on each of the 2 accounts' });
    expect(checks['admin-path'].status).toBe('pass');
    expect(checks['admin-path'].detail).toContain(`${role} (IAM Identity Center, permission set AdministratorAccess)`);
    expect(audit.code).toBe(0);
    sso.destroy();
    store.destroy();
  });

  it('in a standalone account: exit 2 before any change, naming what to enable', async () => {
    const standalone = await freshAccount();
    const r = await runCli(['init', '--admin', 'identity-center', '--sso-user', 'ana', '--sso-email', 'ana@example.com', '--yes', '--verbose', '--endpoint-url', motoUrl], {
      env: cliEnv(standalone),
      cwd: workDir(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--admin identity-center: this account is not in an AWS Organization');
    expect(r.stderr).toContain('or use --admin iam-user. Nothing was changed.');
    expect(mutatingCallsIn(r.stderr)).toEqual([]);
  });
});
