/**
 * Organization paths that must always converge or stop cleanly: role flags without a target, root MFA removal
 * whose last delete fails, role sessions whose Expiration a skewed clock makes look short or past, and regions
 * the account has not enabled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { cliEnv, createOrganization, freshAccount, motoUrl, mutatingCallsIn, noMoto, runCli, workDir } from './support/moto.js';

const BASELINE_OFF = [
  '--no-alias', '--no-password-policy', '--no-security-contact', '--no-support-role', '--no-access-analyzer',
  '--no-s3-block-public-access', '--no-ebs-encryption', '--no-snapshot-block-public-access', '--no-ami-block-public-access', '--no-imds-defaults', '--no-budget',
];

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe.skipIf(noMoto)('flags that need a target account', () => {
  it.each([
    [['init', '--yes', '--no-admin-user', '--role-name', 'Admin'], '--role-name: needs --account.'],
    [['audit', '--role-name', 'Admin'], '--role-name: needs --org or --account.'],
    [['init', '--yes', '--no-admin-user', '--external-id', 'abc123'], '--external-id: needs --account or --role-arn.'],
    [['init', '--yes', '--no-admin-user', '--admin-user', 'alice'], '--admin-user and --no-admin-user are both given; give one of them.'],
  ])('%j is exit 2 before any AWS call', async (args, message) => {
    const creds = await freshAccount();
    const r = await runCli([...args, '--verbose', '--endpoint-url', motoUrl], { env: cliEnv(creds), cwd: workDir() });
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/^aws /m);
  });
});

describe.skipIf(noMoto)('--remove-root-credentials when deleting a deactivated root MFA device fails', () => {
  it.each([
    ['denied', { fault: 'denied', times: 1 }],
    ['throttled past retries', { fault: 'throttle', times: 20 }],
  ] as const)('%s: the re-run finds the unassigned device by its tag and deletes it', async (_what, rule) => {
    const management = await freshAccount();
    const [member = ''] = await createOrganization(management, ['member-mfa']);
    const virtual = `arn:aws:iam::${member}:mfa/root-phone`;
    await fetch(`${motoUrl}/__double/root/${member}`, { method: 'POST', body: JSON.stringify({ loginProfile: true, mfaDevices: [virtual] }) });
    proxy = await startFaultProxy(motoUrl);
    const env = cliEnv(management);
    const cli = (args: string[]) => runCli([...args, '--yes', '--no-admin-user', ...BASELINE_OFF, '--verbose', '--endpoint-url', proxy?.url ?? ''], { env, cwd: workDir() });
    expect((await cli(['init', '--centralize-root-access'])).code).toBe(0);

    proxy.add({ operation: 'DeleteVirtualMFADevice', ...rule });
    const first = await cli(['init', '--account', member, '--remove-root-credentials']);
    expect(first.code).toBe(3);
    expect(first.stderr).toMatch(/iam:DeleteVirtualMFADevice failed/);
    const mid = await (await fetch(`${motoUrl}/__double/root/${member}`)).json();
    expect(mid).toMatchObject({ loginProfile: false, mfaDevices: [virtual] }); // deactivated, still there

    proxy.clearRules();
    const again = await cli(['init', '--account', member, '--remove-root-credentials']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`root MFA device: ${virtual} → deleted (deactivated by an earlier run that could not delete it`);
    expect(mutatingCallsIn(again.stderr).map((l) => l.split(' ')[1])).toEqual(['iam:DeleteVirtualMFADevice']);
    expect(await (await fetch(`${motoUrl}/__double/root/${member}`)).json()).toEqual({ loginProfile: false, accessKeys: [], signingCertificates: [], mfaDevices: [] });
    const third = await cli(['init', '--account', member, '--remove-root-credentials']);
    expect(mutatingCallsIn(third.stderr)).toEqual([]);
  });
});

describe.skipIf(noMoto)('role sessions and the clock', () => {
  const expiringIn = (ms: number) => (body: string) =>
    body.replace(/<Expiration>[^<]+<\/Expiration>/, `<Expiration>${new Date(Date.now() + ms).toISOString()}</Expiration>`);

  it('a session that arrives with two minutes left (inside the renewal window) is assumed at most twice in a whole init --account', async () => {
    const management = await freshAccount();
    const [member = ''] = await createOrganization(management, ['member-clock']);
    proxy = await startFaultProxy(motoUrl);
    proxy.rewriteAnswer('AssumeRole', expiringIn(2 * 60_000));
    const r = await runCli(
      ['init', '--account', member, '--yes', '--no-admin-user', '--alias', `clock-${Date.now() % 1e6}`, '--no-access-analyzer', '--endpoint-url', proxy.url],
      { env: cliEnv(management), cwd: workDir() },
    );
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const assumed = proxy.seen.filter((op) => op === 'AssumeRole').length;
    expect(assumed).toBeGreaterThanOrEqual(1);
    expect(assumed).toBeLessThanOrEqual(2); // before the fix: one per call, 29 in this run
  });

  it.each([
    ['in the past', -10 * 60_000],
    ['within a minute of issue', 20_000],
  ])('an Expiration %s is one error naming the clock, after one AssumeRole and no change', async (_what, offset) => {
    const management = await freshAccount();
    const [member = ''] = await createOrganization(management, ['member-skew']);
    proxy = await startFaultProxy(motoUrl);
    proxy.rewriteAnswer('AssumeRole', expiringIn(offset));
    const r = await runCli(['init', '--account', member, '--yes', '--no-admin-user', '--alias', 'skewed-clock-test', '--verbose', '--endpoint-url', proxy.url], {
      env: cliEnv(management),
      cwd: workDir(),
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("this machine's clock is probably wrong");
    expect(r.stderr).toContain('Set the system clock right');
    expect(proxy.seen.filter((op) => op === 'AssumeRole')).toHaveLength(1);
    expect(mutatingCallsIn(r.stderr)).toEqual([]);
  });
});

describe.skipIf(noMoto)('--access-analyzer-regions', () => {
  it('a region the account has not enabled is exit 2 naming it, before any change', async () => {
    const creds = await freshAccount();
    // The test double enables eu-west-1, us-east-1 and us-west-2.
    const r = await runCli(['init', '--yes', '--no-admin-user', '--alias', 'regions-test', '--access-analyzer-regions', 'us-east-1,ap-south-1', '--verbose', '--endpoint-url', motoUrl], {
      env: cliEnv(creds),
      cwd: workDir(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--access-analyzer-regions: ap-south-1 is not enabled in account ${creds.accountId} (enabled: eu-west-1, us-east-1, us-west-2)`);
    expect(mutatingCallsIn(r.stderr)).toEqual([]);
  });
});
