/**
 * ARNs in every partition: a caller in AWS GovCloud (aws-us-gov) or China (aws-cn) must see init and audit ask
 * AWS about, and report, ARNs of that partition only — an AWS managed policy spelled arn:aws: does not exist there.
 */
import { describe, expect, it } from 'vitest';
import { runInit } from '../../../src/commands/init/index.js';
import { parseInitFlags, type InitFlags } from '../../../src/commands/init/options.js';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { auditContext, daysAgo, ROOT, SECURE, userRow, type Scenario } from '../../support/audit-fixture.js';
import { FakeClock, tempDir, testContext } from '../../support/context.js';
import { FakeAccount, fakeAws } from '../../support/fake-aws.js';
import { ScriptedPrompter } from '../../support/scripted-prompter.js';
import { join } from 'node:path';

/** Every "arn:<partition>:" in anything, found by walking it as JSON (documents are URL-decoded first). */
function partitionsIn(value: unknown): string[] {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' && v.includes('%22') ? decodeURIComponent(v) : v));
  return [...new Set([...text.matchAll(/arn:([a-z-]*):/g)].map((m) => m[1] as string))];
}

describe.each(['aws-us-gov', 'aws-cn'])('a caller in %s', (partition) => {
  const policy = (name: string) => `arn:${partition}:iam::aws:policy/${name}`;

  function initSetup(flags: InitFlags) {
    const account = new FakeAccount();
    account.callerArn = `arn:${partition}:iam::111122223333:root`;
    account.managedPolicies.add(policy('AdministratorAccess'));
    const { clients } = fakeAws(account);
    const t = testContext(clients, new ScriptedPrompter([]), { clock: new FakeClock(new Date('2026-06-01T12:00:10Z')) });
    return { account, ...t, request: parseInitFlags(flags, (n) => flags[n] !== undefined) };
  }

  const everything = (cwd: string): InitFlags => ({
    yes: true, alias: 'acme-gov', adminUser: 'alice', accessKey: true, securityContactEmail: 'sec@example.com',
    securityContactPhone: '+1 206 555 0100', mfaSecretFile: join(cwd, 'alice.otp'), credentialsFile: join(cwd, 'c.csv'),
  });

  it('init --dry-run asks about AdministratorAccess and every other ARN in this partition only, and plans them', async () => {
    const cwd = tempDir();
    const s = initSetup({ ...everything(cwd), dryRun: true });
    const result = await runInit(s.ctx, s.request, { stdinIsTty: false, cwd });
    expect(s.account.requests.find((r) => r.operation === 'GetPolicy')?.input).toEqual({ PolicyArn: policy('AdministratorAccess') });
    expect(partitionsIn(s.account.requests)).toEqual([partition]);
    // The plan the operator reads: the support role's trust and the admin group's policy.
    expect(partitionsIn(result.steps)).toEqual([partition]);
    expect(JSON.stringify(result.steps)).toContain(`arn:${partition}:iam::111122223333:root, with MFA`);
  });

  it('init sends policies, trust and attachments in this partition only', async () => {
    const cwd = tempDir();
    const s = initSetup(everything(cwd));
    await runInit(s.ctx, s.request, { stdinIsTty: false, cwd });
    const sent = (op: string) => s.account.requests.filter((r) => r.operation === op).map((r) => r.input);
    expect(sent('AttachGroupPolicy')).toEqual([{ GroupName: 'Administrators', PolicyArn: policy('AdministratorAccess') }]);
    expect(sent('AttachRolePolicy')).toEqual([{ RoleName: 'AWSSupportRole', PolicyArn: policy('AWSSupportAccess') }]);
    // The require-MFA policy's resources, and the support role's trusted principal.
    expect(JSON.stringify(sent('PutGroupPolicy'))).toContain(`arn:${partition}:iam::*:user/\${aws:username}`);
    expect(JSON.stringify(sent('CreateRole'))).toContain(`arn:${partition}:iam::111122223333:root`);
    expect(partitionsIn(s.account.requests)).toEqual([partition]);
  });

  it('audit asks about and reports ARNs of this partition only', async () => {
    const gov = (text: string) => text.replace(/arn:aws:/g, `arn:${partition}:`);
    const scenario: Scenario = {
      ...SECURE,
      partition,
      rows: [
        { ...ROOT, arn: gov(ROOT.arn ?? ''), mfa_active: 'false' },
        userRow('alice', { arn: gov(userRow('alice').arn ?? ''), password_enabled: 'true', password_last_used: daysAgo(1), password_last_changed: daysAgo(50), mfa_active: 'true' }),
        // A console user without MFA, so a failing check names a resource.
        userRow('bob', { arn: gov(userRow('bob').arn ?? ''), password_enabled: 'true', password_last_used: daysAgo(1), mfa_active: 'false' }),
      ],
      groups: [{ name: 'Administrators', attached: [policy('AdministratorAccess')] }],
      roles: [{ name: 'AWSSupport', trust: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::111122223333:root` }, Action: 'sts:AssumeRole' }] } }],
      cloudShell: { users: ['bob'] },
      summary: { AccountMFAEnabled: 0 },
    };
    const { ctx, requests } = auditContext(scenario, true);
    // The caller's ARN tells the partition.
    const sts = ctx.clients.sts as unknown as { send: (c: unknown) => Promise<unknown> };
    const original = sts.send.bind(sts);
    sts.send = async (c: unknown) => {
      const answer = (await original(c)) as { Arn?: string };
      return answer.Arn ? { ...answer, Arn: gov(answer.Arn) } : answer;
    };
    const { doc } = await runAudit(ctx, parseAuditFlags({ format: 'json' }, false));
    const entities = requests.filter((r) => r.operation === 'ListEntitiesForPolicy').map((r) => (r.input as { PolicyArn: string }).PolicyArn);
    expect(entities.sort()).toEqual([policy('AWSCloudShellFullAccess'), policy('AWSSupportAccess')]);
    expect(partitionsIn(requests)).toEqual([partition]);
    // What the report says: resources and fixes.
    const checks = doc.accounts[0]?.checks ?? [];
    const byId = (id: string) => checks.find((c) => c.id === id);
    expect(byId('admin-path')?.status).toBe('pass'); // AdministratorAccess of this partition recognised
    expect(byId('cloudshell-full-access')?.resources).toEqual([`arn:${partition}:iam::111122223333:user/bob`]);
    expect(byId('cloudshell-full-access')?.remediation).toContain(policy('AWSCloudShellFullAccess'));
    expect(byId('root-mfa')?.resources).toEqual([`arn:${partition}:iam::111122223333:root`]);
    expect(partitionsIn(doc)).toEqual([partition]);
  });
});
