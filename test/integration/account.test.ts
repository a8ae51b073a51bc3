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
