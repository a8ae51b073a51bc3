import { GetAccountPasswordPolicyCommand, GetRoleCommand, ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { cliEnv, createOrganization, freshAccount, iamFor, motoUrl, mutatingCallsIn, noMoto, runCli, workDir } from './support/moto.js';

describe.skipIf(noMoto)('--account: onboarding a member account from the management account', () => {
  it('init --account --no-admin-user sets up the member only, converges, and audit --account sees it', async () => {
    const management = await freshAccount();
    const [member = ''] = await createOrganization(management, ['member-onboard']);
    expect(member).toMatch(/^\d{12}$/);
    const alias = `member-${Date.now() % 1e6}`;
    const env = cliEnv(management);
    const dir = workDir();
    const init = ['init', '--account', member, '--yes', '--no-admin-user', '--alias', alias, '--no-access-analyzer', '--verbose', '--endpoint-url', motoUrl];

    const first = await runCli(init, { env, cwd: dir });
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(0);
    // The identity line says who the operator is and where init acts.
    expect(first.stderr).toMatch(
      new RegExp(`Account ${member} — signed in as arn:aws:sts::${management.accountId}:assumed-role/\\S+, acting through arn:aws:iam::${member}:role/OrganizationAccountAccessRole`),
    );

    // The member has the baseline; the management account is untouched.
    const memberIam = iamFor(await freshAccount(member));
    expect((await memberIam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([alias]);
    expect((await memberIam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy?.MinimumPasswordLength).toBe(14);
    expect((await memberIam.send(new GetRoleCommand({ RoleName: 'AWSSupportRole' }))).Role?.RoleName).toBe('AWSSupportRole');
    const managementIam = iamFor(management);
    expect((await managementIam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([]);
    await expect(managementIam.send(new GetAccountPasswordPolicyCommand({}))).rejects.toThrow();
    await expect(managementIam.send(new GetRoleCommand({ RoleName: 'AWSSupportRole' }))).rejects.toThrow();

    // A re-run makes no changing call.
    const again = await runCli(init, { env, cwd: dir });
    expect(again.code).toBe(0);
    expect(mutatingCallsIn(again.stderr)).toEqual([]);

    const audit = await runCli(['audit', '--account', member, '--json', '--check', 'account-alias', '--endpoint-url', motoUrl], { env });
    expect(audit.code).toBe(0);
    const doc = JSON.parse(audit.stdout);
    expect(doc.accounts[0]).toMatchObject({ accountId: member, alias });
  });

  it('--account with --org, and --external-id alone, are usage errors before any AWS call', async () => {
    const creds = await freshAccount();
    for (const args of [['audit', '--org', '--account', '111122223333'], ['audit', '--external-id', 'abc123']]) {
      const r = await runCli([...args, '--verbose', '--endpoint-url', motoUrl], { env: cliEnv(creds) });
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/^aws /m);
    }
  });
});

describe.skipIf(noMoto)('centralized root access, through the test double (moto has neither AssumeRoot nor the feature)', () => {
  const BASELINE_OFF = [
  '--no-alias', '--no-password-policy', '--no-security-contact', '--no-support-role', '--no-access-analyzer',
  '--no-s3-block-public-access', '--no-ebs-encryption', '--no-snapshot-block-public-access', '--no-ami-block-public-access', '--no-imds-defaults', '--no-budget',
];
  const rootState = async (account: string) => (await fetch(`${motoUrl}/__double/root/${account}`)).json();

  it('--centralize-root-access in the management account, then --remove-root-credentials in a member: planned, removed, converged', async () => {
    const management = await freshAccount();
    const [member = ''] = await createOrganization(management, ['member-root']);
    const virtual = `arn:aws:iam::${member}:mfa/root-account-mfa-device`;
    await fetch(`${motoUrl}/__double/root/${member}`, {
      method: 'POST',
      body: JSON.stringify({ loginProfile: true, accessKeys: ['AKIAROOTKEY1'], signingCertificates: ['CERTROOT1'], mfaDevices: [virtual] }),
    });
    const env = cliEnv(management);
    const cli = (args: string[]) => runCli([...args, '--yes', '--no-admin-user', ...BASELINE_OFF, '--verbose', '--endpoint-url', motoUrl], { env, cwd: workDir() });
    const remove = ['init', '--account', member, '--remove-root-credentials'];

    // Before the feature is on, AssumeRoot is refused: exit 3, the likely cause named, nothing changed.
    const early = await cli(remove);
    expect(early.code).toBe(3);
    expect(early.stderr).toContain(`sts:AssumeRoot into account ${member} failed: AccessDenied`);
    expect(early.stderr).toContain('iam-bootstrap init --only root-access --centralize-root-access');
    expect(mutatingCallsIn(early.stderr)).toEqual([]);

    const enable = await cli(['init', '--centralize-root-access']);
    expect(enable.code).toBe(0);
    expect(mutatingCallsIn(enable.stderr).map((l) => l.split(' ')[1])).toEqual([
      'organizations:EnableAWSServiceAccess',
      'iam:EnableOrganizationsRootCredentialsManagement',
      'iam:EnableOrganizationsRootSessions',
    ]);
    const enabledAgain = await cli(['init', '--centralize-root-access']);
    expect(enabledAgain.code).toBe(0);
    expect(mutatingCallsIn(enabledAgain.stderr)).toEqual([]);
    // audit agrees: the management account's check now passes.
    const audited = await runCli(['audit', '--json', '--check', 'root-credentials-management', '--endpoint-url', motoUrl], { env });
    expect(audited.code).toBe(0);
    expect(JSON.parse(audited.stdout).accounts[0].checks[0]).toMatchObject({ status: 'pass', detail: 'enabled features: RootCredentialsManagement, RootSessions' });

    // --dry-run shows what would go and removes nothing.
    const dry = await cli([...remove, '--dry-run']);
    expect(dry.code).toBe(0);
    for (const item of ['root console password', 'AKIAROOTKEY1', 'CERTROOT1', virtual]) expect(dry.stderr).toContain(item);
    expect((await rootState(member)).accessKeys).toEqual(['AKIAROOTKEY1']);

    const removed = await cli(remove);
    expect(removed.code).toBe(0);
    expect(await rootState(member)).toEqual({ loginProfile: false, accessKeys: [], signingCertificates: [], mfaDevices: [] });
    const order = mutatingCallsIn(removed.stderr).map((l) => l.split(' ')[1]);
    expect(order).toEqual(['iam:DeleteLoginProfile', 'iam:DeleteAccessKey', 'iam:DeleteSigningCertificate', 'iam:TagMFADevice', 'iam:DeactivateMFADevice', 'iam:DeleteVirtualMFADevice']);
    expect(removed.stdout).toContain('IAMCreateRootUserPassword');

    const again = await cli(remove);
    expect(again.code).toBe(0);
    expect(mutatingCallsIn(again.stderr)).toEqual([]);
    expect(again.stderr).toContain(`root of ${member} has no password, access key, signing certificate or MFA device`);

    // Misuse: the management account itself, no --account, the feature from a member or from an account outside
    // any Organization — exit 2, nothing changed.
    const standalone = await freshAccount();
    const outside = await runCli(['init', '--centralize-root-access', '--yes', '--no-admin-user', ...BASELINE_OFF, '--verbose', '--endpoint-url', motoUrl], { env: cliEnv(standalone), cwd: workDir() });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain(`--centralize-root-access: account ${standalone.accountId} is not in an AWS Organization; run it from the management account.`);
    expect(mutatingCallsIn(outside.stderr)).toEqual([]);
    for (const args of [
      ['init', '--account', management.accountId, '--remove-root-credentials'],
      ['init', '--remove-root-credentials'],
      ['init', '--account', member, '--centralize-root-access'],
    ]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(mutatingCallsIn(r.stderr)).toEqual([]);
    }
  });
});
