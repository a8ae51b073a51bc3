/**
 * The checks that look at what an attacker would use, against moto and the test double: escalation paths on real
 * authorization details, trusts, root certificates, contacts, Access Analyzer findings and the Organization's SCPs.
 */
import { AccountClient, PutAlternateContactCommand, PutContactInformationCommand } from '@aws-sdk/client-account';
import { AttachRolePolicyCommand, AttachUserPolicyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand as CreateOrgPolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { cliEnv, createOrganization, freshAccount, iamFor, motoUrl, noMoto, runCli, type Credentials } from './support/moto.js';

interface Result {
  id: string;
  status: string;
  detail: string;
  resources: string[];
}

async function audit(creds: Credentials, checks: string[]) {
  const r = await runCli(['audit', '--json', '--endpoint-url', motoUrl, ...checks.flatMap((c) => ['--check', c])], { env: cliEnv(creds) });
  const doc = r.stdout ? JSON.parse(r.stdout) : undefined;
  const result = (id: string): Result => doc.accounts[0].checks.find((c: Result) => c.id === id);
  return { ...r, doc, result, calls: Number(/audit: (\d+) AWS calls/.exec(r.stderr)?.[1]) };
}

const clientConfig = (creds: Credentials) => ({
  region: 'us-east-1',
  endpoint: motoUrl,
  credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
});
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (Action: unknown, Resource: unknown = '*') => ({ Effect: 'Allow', Action, Resource });
const serviceTrust = (Service: string, Condition?: object) => doc({ Effect: 'Allow', Principal: { Service }, Action: 'sts:AssumeRole', ...(Condition ? { Condition } : {}) });
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

describe.skipIf(noMoto)('attack-surface checks against moto', () => {
  it('privilege-escalation lists exactly the users with a path, and audit reads as many calls for 40 more users', async () => {
    const creds = await freshAccount();
    const iam = iamFor(creds);
    const arn = (kind: string, name: string) => `arn:aws:iam::${creds.accountId}:${kind}/${name}`;
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'policy-editor', PolicyDocument: doc(allow('iam:CreatePolicyVersion')) }));
    await iam.send(new CreateUserCommand({ UserName: 'editor' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'editor', PolicyArn: Policy?.Arn }));
    await iam.send(new CreateRoleCommand({ RoleName: 'lambda-admin', AssumeRolePolicyDocument: serviceTrust('lambda.amazonaws.com') }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'lambda-admin', PolicyArn: ADMIN }));
    await iam.send(new CreateRoleCommand({ RoleName: 'lambda-logs', AssumeRolePolicyDocument: serviceTrust('lambda.amazonaws.com') }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'lambda-logs', PolicyName: 'logs', PolicyDocument: doc(allow('logs:*')) }));
    await iam.send(new CreateUserCommand({ UserName: 'deployer' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'deployer', PolicyName: 'deploy', PolicyDocument: doc(allow('iam:PassRole', arn('role', 'lambda-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])) }));
    await iam.send(new CreateUserCommand({ UserName: 'careful' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'careful', PolicyName: 'deploy', PolicyDocument: doc(allow('iam:PassRole', arn('role', 'lambda-logs')), allow('lambda:*')) }));
    await iam.send(new CreateUserCommand({ UserName: 'boss' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'boss', PolicyArn: ADMIN }));

    const first = await audit(creds, ['privilege-escalation']);
    expect(first.code).toBe(1);
    const r = first.result('privilege-escalation');
    expect(r.status).toBe('fail');
    expect(r.resources).toEqual([arn('user', 'editor'), arn('user', 'deployer')]);
    expect(r.detail).toBe(
      'user editor can become an administrator: iam-001 iam:CreatePolicyVersion on policy policy-editor; ' +
        'user deployer can become an administrator: lambda-001 iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction on role lambda-admin',
    );

    for (let i = 0; i < 40; i += 1) await iam.send(new CreateUserCommand({ UserName: `reader-${i}` }));
    const second = await audit(creds, ['privilege-escalation']);
    expect(second.result('privilege-escalation').resources).toHaveLength(2);
    expect(second.calls).toBe(first.calls);
  });

  it('assume-any-role, admin-inline-policies, service-trust-confused-deputy and cross-account-trust fail on what they look for, pass without it', async () => {
    const checks = ['assume-any-role', 'admin-inline-policies', 'service-trust-confused-deputy', 'cross-account-trust', 'unused-roles'];
    const creds = await freshAccount();
    const clean = await audit(creds, checks);
    expect(Object.fromEntries(checks.map((c) => [c, clean.result(c).status]))).toEqual(Object.fromEntries(checks.map((c) => [c, 'pass'])));

    const iam = iamFor(creds);
    await iam.send(new CreatePolicyCommand({ PolicyName: 'hop', PolicyDocument: doc(allow('sts:AssumeRole')) }));
    await iam.send(new CreateUserCommand({ UserName: 'ops' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'ops', PolicyName: 'all', PolicyDocument: doc(allow('*')) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'config-recorder', AssumeRolePolicyDocument: serviceTrust('config.amazonaws.com') }));
    await iam.send(new CreateRoleCommand({ RoleName: 'config-scoped', AssumeRolePolicyDocument: serviceTrust('config.amazonaws.com', { StringEquals: { 'aws:SourceAccount': creds.accountId } }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'vendor', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' }) }));
    await iam.send(
      new CreateRoleCommand({ RoleName: 'vendor-safe', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: '999988887777' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'agreed' } } }) }),
    );

    const r = await audit(creds, checks);
    expect(r.result('assume-any-role')).toMatchObject({ status: 'fail', detail: 'hop: allows sts:AssumeRole on * (attached 0 times)' });
    expect(r.result('admin-inline-policies')).toMatchObject({ status: 'fail', detail: 'user ops, inline all: allows * on *' });
    expect(r.result('service-trust-confused-deputy')).toMatchObject({ status: 'fail', detail: 'config-recorder: trusts config.amazonaws.com with no aws:SourceAccount or aws:SourceArn' });
    expect(r.result('cross-account-trust')).toMatchObject({ status: 'fail', detail: 'vendor: trusts 999988887777 with no external id or MFA condition' });
    // Roles moto just created were created today.
    expect(r.result('unused-roles').status).toBe('pass');
  });

  it('root-signing-certificates reads root from the account summary and the report the double serves', async () => {
    const creds = await freshAccount();
    expect((await audit(creds, ['root-signing-certificates'])).result('root-signing-certificates').status).toBe('pass');
    await fetch(`${motoUrl}/__double/root/${creds.accountId}`, { method: 'POST', body: JSON.stringify({ loginProfile: true, signingCertificates: ['CERT1'] }) });
    expect((await audit(creds, ['root-signing-certificates'])).result('root-signing-certificates')).toMatchObject({ status: 'fail', detail: 'root user has an active signing certificate' });
  });

  it('account-contacts fails until the primary and all three alternate contacts are set, to different addresses', async () => {
    const creds = await freshAccount();
    expect((await audit(creds, ['account-contacts'])).result('account-contacts')).toMatchObject({ status: 'fail', detail: 'no primary contact; no BILLING, OPERATIONS, SECURITY alternate contact' });
    const account = new AccountClient(clientConfig(creds));
    await account.send(new PutContactInformationCommand({ ContactInformation: { FullName: 'Acme', AddressLine1: '1 Main St', City: 'Seattle', PostalCode: '98101', CountryCode: 'US', PhoneNumber: '+1 206 555 0100', StateOrRegion: 'WA' } }));
    for (const [type, email] of [['BILLING', 'billing@example.com'], ['OPERATIONS', 'ops@example.com'], ['SECURITY', 'security@example.com']] as const) {
      await account.send(new PutAlternateContactCommand({ AlternateContactType: type, EmailAddress: email, Name: type, PhoneNumber: '+1 206 555 0100', Title: type }));
    }
    expect((await audit(creds, ['account-contacts'])).result('account-contacts').status).toBe('pass');
  });

  it('public-access-findings: error without analyzers, pass without findings, fail with the findings a region has', async () => {
    const creds = await freshAccount();
    expect((await audit(creds, ['public-access-findings'])).result('public-access-findings')).toMatchObject({ status: 'error', detail: 'no active external-access analyzer in eu-west-1, us-east-1, us-west-2, so what is shared there cannot be read; create one (init --only access-analyzer)' });
    const init = await runCli(['init', '--yes', '--only', 'access-analyzer', '--endpoint-url', motoUrl], { env: cliEnv(creds) });
    expect(init.code).toBe(0);
    expect((await audit(creds, ['public-access-findings'])).result('public-access-findings')).toMatchObject({ status: 'pass', detail: 'no active finding in 3 region(s)' });
    await fetch(`${motoUrl}/__double/findings/${creds.accountId}/eu-west-1`, {
      method: 'POST',
      body: JSON.stringify([
        { resource: 'arn:aws:s3:::acme-shared', resourceType: 'AWS::S3::Bucket', isPublic: true, principal: { AWS: '*' }, action: ['s3:GetObject'] },
        { resource: 'arn:aws:s3:::old', resourceType: 'AWS::S3::Bucket', isPublic: true, status: 'ARCHIVED' },
      ]),
    });
    const r = (await audit(creds, ['public-access-findings'])).result('public-access-findings');
    expect(r).toMatchObject({ status: 'fail', resources: ['arn:aws:s3:::acme-shared'], detail: '1 S3 bucket shared outside the account: S3 bucket acme-shared (eu-west-1): public' });
  });

  it('organization-guardrails in a management account: fail while a member has only FullAWSAccess, pass once an OU policy reaches it', async () => {
    const creds = await freshAccount();
    const [member] = await createOrganization(creds, ['workloads']);
    const orgs = new OrganizationsClient(clientConfig(creds));
    const off = (await audit(creds, ['organization-guardrails'])).result('organization-guardrails');
    expect(off).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^service control policies are not enabled on the Organization's root/) });

    const { Roots } = await orgs.send(new ListRootsCommand({}));
    const rootId = Roots?.[0]?.Id ?? '';
    await orgs.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    const { OrganizationalUnit } = await orgs.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'workloads' }));
    await orgs.send(new MoveAccountCommand({ AccountId: member, SourceParentId: rootId, DestinationParentId: OrganizationalUnit?.Id }));
    const bare = (await audit(creds, ['organization-guardrails'])).result('organization-guardrails');
    expect(bare).toMatchObject({ status: 'fail' });
    expect(bare.resources.sort()).toEqual([creds.accountId, member].sort());

    const scp = doc({ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' });
    const { Policy } = await orgs.send(new CreateOrgPolicyCommand({ Name: 'deny-leave', Description: 'baseline', Type: 'SERVICE_CONTROL_POLICY', Content: scp }));
    await orgs.send(new AttachPolicyCommand({ PolicyId: Policy?.PolicySummary?.Id, TargetId: OrganizationalUnit?.Id }));
    const partial = (await audit(creds, ['organization-guardrails'])).result('organization-guardrails');
    expect(partial.resources).toEqual([creds.accountId]);
    await orgs.send(new AttachPolicyCommand({ PolicyId: Policy?.PolicySummary?.Id, TargetId: rootId }));
    expect((await audit(creds, ['organization-guardrails'])).result('organization-guardrails')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^all 2 account\(s\) are under a service control policy other than FullAWSAccess; /) });
  });
});

describe.skipIf(noMoto)('root under centralized root access, against moto and the double', () => {
  it("audit --org reads each member's root itself through AssumeRoot; without root sessions the report decides", async () => {
    const creds = await freshAccount();
    const [member] = await createOrganization(creds, ['root-audit']);
    const env = cliEnv(creds);
    const rootChecks = ['root-mfa', 'root-access-keys', 'root-recent-use', 'root-signing-certificates'];
    const orgAudit = async () => {
      const r = await runCli(['audit', '--org', '--json', '--accounts', member!, '--endpoint-url', motoUrl, ...rootChecks.flatMap((c) => ['--check', c])], { env });
      return Object.fromEntries((JSON.parse(r.stdout).accounts[0].checks as Result[]).map((c) => [c.id, c]));
    };
    const recently = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await fetch(`${motoUrl}/__double/root/${member}`, {
      method: 'POST',
      body: JSON.stringify({ loginProfile: true, passwordLastUsed: recently, accessKeys: ['AKIAROOTKEY'], keysLastUsed: { AKIAROOTKEY: recently }, signingCertificates: ['CERT1'], mfaDevices: [] }),
    });

    const before = await orgAudit();
    expect(before['root-access-keys']).toMatchObject({ status: 'fail', detail: 'root user has 1 access key' });
    expect(before['root-recent-use']?.detail).not.toMatch(/AssumeRoot/);

    const central = await runCli(['init', '--yes', '--only', 'root-access', '--centralize-root-access', '--endpoint-url', motoUrl], { env });
    expect(central.code, central.stderr).toBe(0);
    const from = ' (read from the root user through sts:AssumeRoot)';
    const after = await orgAudit();
    expect(after['root-mfa']).toMatchObject({ status: 'fail', detail: `root user has no MFA${from}` });
    expect(after['root-access-keys']).toMatchObject({ status: 'fail', detail: `root user has 1 access key${from}` });
    expect(after['root-recent-use']).toMatchObject({ status: 'fail', detail: expect.stringMatching(new RegExp(`^root password used \\d{4}-\\d\\d-\\d\\d \\(2 days ago\\); root access key AKIAROOTKEY used .* \\(2 days ago\\)${from.replace(/[()]/g, '\\$&')}$`)) });
    expect(after['root-signing-certificates']).toMatchObject({ status: 'fail', detail: `root user has an active signing certificate${from}` });
  });
});
