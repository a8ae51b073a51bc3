import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { auditExitCode, renderTable } from '../../../src/audit/report.js';
import { RuntimeError, UsageError, describeError } from '../../../src/errors.js';
import { assumedRoleCredentials } from '../../../src/aws/assume-role.js';
import { ADMIN_ACCESS, auditContext, ROOT, SECURE, userRow, type Scenario } from '../../support/audit-fixture.js';

const MGMT = '111122223333';
const management = {
  ...SECURE,
  organizationRole: 'management' as const,
  orgFeatures: ['RootCredentialsManagement'],
  orgAccounts: [
    { id: MGMT, state: 'ACTIVE' as const },
    { id: '222222222222', state: 'ACTIVE' as const },
    { id: '333333333333', state: 'ACTIVE' as const },
    { id: '444444444444', state: 'SUSPENDED' as const },
  ],
  unassumable: ['333333333333'],
  guardrails: { scpEnabled: true, rootScps: ['baseline-guardrails'], accounts: [{ id: MGMT, parent: 'r-root' }, { id: '222222222222', parent: 'r-root' }, { id: '333333333333', parent: 'r-root' }] },
};
const members = { '222222222222': { ...SECURE, aliases: [] } };

describe('audit --org', () => {
  it('audits every ACTIVE account, the own one with its own credentials, and reports an unreachable one as an error entry', async () => {
    const { ctx, sent, memberCalls } = auditContext(management, true, members);
    const { doc } = await runAudit(ctx, parseAuditFlags({ org: true, format: 'json' }, false));
    expect(doc.accounts.map((a) => a.accountId)).toEqual([MGMT, '222222222222', '333333333333']);
    const [own, member, unreachable] = doc.accounts;
    expect(own?.checks.find((c) => c.id === 'root-credentials-management')?.status).toBe('pass');
    expect(member?.checks.find((c) => c.id === 'account-alias')?.status).toBe('fail');
    expect(member?.checks.find((c) => c.id === 'root-credentials-management')?.status).toBe('skip');
    expect(unreachable).toMatchObject({ checks: [], error: expect.stringMatching(/cannot assume arn:aws:iam::333333333333:role\/OrganizationAccountAccessRole: missing permission sts:AssumeRole/) });
    expect(doc.summary).toMatchObject({ accounts: 3, accountErrors: 1 });
    expect(sent.filter((op) => op === 'AssumeRole')).toHaveLength(2); // not into its own account
    expect(memberCalls['222222222222']?.filter((op) => !/^(Get|List|Generate|Describe)/.test(op))).toEqual([]);
    expect(auditExitCode(doc, 'low')).toBe(1);
  });

  it('audits only --accounts, with the named role', async () => {
    const { ctx, sent } = auditContext(management, true, members);
    const { doc } = await runAudit(ctx, parseAuditFlags({ org: true, format: 'json', accounts: '222222222222', roleName: 'Auditor' }, false));
    expect(doc.accounts.map((a) => a.accountId)).toEqual(['222222222222']);
    expect(sent).toContain('AssumeRole');
  });

  it('refuses --accounts that are not ACTIVE members', async () => {
    const { ctx } = auditContext(management, true, members);
    await expect(runAudit(ctx, parseAuditFlags({ org: true, accounts: '444444444444' }, false))).rejects.toThrow(/--accounts: not ACTIVE accounts of this Organization: 444444444444/);
  });

  it('refuses --org outside an Organization before listing anything (moto answers ListAccounts with an empty list)', async () => {
    const { ctx, sent } = auditContext({ ...SECURE, organizationRole: 'none' });
    const run = runAudit(ctx, parseAuditFlags({ org: true }, false));
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow('--org: this account is not in an AWS Organization.');
    expect(sent).not.toContain('ListAccounts');
  });

  it('from a member account, says to run from the management account or a delegated administrator', async () => {
    const { ctx } = auditContext({ ...SECURE, organizationRole: 'member', denied: ['ListAccounts'] });
    const err = await runAudit(ctx, parseAuditFlags({ org: true }, false)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect(describeError(err).message).toMatch(/organizations:ListAccounts was denied: account 111122223333 is a member account[^]*delegated administrator/);
    expect(describeError(err).exitCode).toBe(3);
  });

  it('never reports an Organization without ACTIVE accounts as a clean audit', async () => {
    const { ctx } = auditContext({ ...management, orgAccounts: [{ id: '444444444444', state: 'SUSPENDED' }] });
    await expect(runAudit(ctx, parseAuditFlags({ org: true }, false))).rejects.toThrow(/ListAccounts returned no ACTIVE account/);
  });

  it('every fix that runs init names the account it is for and only the step that fixes it', async () => {
    // Everything init can fix is broken, in the management account and in a member.
    const broken: Scenario = {
      ...SECURE, aliases: [], passwordPolicy: undefined, supportRoles: [], securityContact: undefined, analyzers: {},
      rows: [ROOT, userRow('bob')], users: [{ name: 'bob', attached: [ADMIN_ACCESS] }], groups: [],
    };
    const { ctx } = auditContext({ ...management, ...broken, organizationRole: 'management' }, true, { '222222222222': broken });
    const { doc } = await runAudit(ctx, parseAuditFlags({ org: true, format: 'json', accounts: `${MGMT},222222222222`, roleName: 'Auditor' }, false));
    const fixes = (accountId: string) =>
      doc.accounts.find((a) => a.accountId === accountId)!.checks.flatMap((c) => c.remediation.split('\n').filter((l) => l.includes('iam-bootstrap init')).map((l) => [c.id, l]));
    const member = fixes('222222222222');
    expect(member.map(([id]) => id)).toEqual(expect.arrayContaining(['account-alias', 'password-policy', 'security-contact', 'support-role', 'access-analyzer', 'admin-path', 'admin-mfa']));
    for (const [id, line] of member) {
      expect(line, id).toMatch(/iam-bootstrap init --only [a-z-]+(,[a-z-]+)* /);
      expect(line, id).toMatch(/ --account 222222222222 --role-name Auditor(\b|$)/);
    }
    // An AWS CLI alternative acts wherever the shell's credentials are: the fix says which account it is for.
    const contact = doc.accounts.find((a) => a.accountId === '222222222222')!.checks.find((c) => c.id === 'security-contact')!;
    expect(contact.remediation).toMatch(/\(or: aws account put-alternate-contact [^\n]*\n\(aws commands: run them with credentials for account 222222222222, not from where this audit ran\.\)$/);
    expect(doc.accounts.find((a) => a.accountId === MGMT)!.checks.find((c) => c.id === 'security-contact')!.remediation).not.toContain('aws commands:');
    // The management account is audited with the operator's own credentials: its fixes act there, with no --account.
    const own = fixes(MGMT);
    expect(own.length).toBe(member.length);
    for (const [id, line] of own) {
      expect(line, id).toMatch(/iam-bootstrap init --only /);
      expect(line, id).not.toMatch(/--account/);
    }
  });

  it('shows an accounts × failing checks table', async () => {
    const { ctx } = auditContext(management, false, members);
    const { doc } = await runAudit(ctx, parseAuditFlags({ org: true, format: 'table' }, false));
    const text = renderTable(ctx.out, doc);
    expect(text).toMatch(/Accounts:\n\s+account\s+result\s+failing checks/);
    expect(text).toMatch(/222222222222\s+40 pass, 1 fail, 0 error, 3 skip\s+account-alias/);
    expect(text).toMatch(/333333333333\s+could not audit\s+cannot assume/);
  });

  it('--format jsonl prints one JSON document per account as it is done, then a summary line', async () => {
    const { ctx, stdout } = auditContext(management, false, members);
    const lines: string[] = [];
    const { doc } = await runAudit(ctx, parseAuditFlags({ org: true, format: 'jsonl' }, false));
    lines.push(...stdout.join('').trimEnd().split('\n'));
    expect(lines).toHaveLength(4); // three ACTIVE accounts, then the summary
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.slice(0, 3).map((p) => p.type)).toEqual(['account', 'account', 'account']);
    expect(parsed.slice(0, 3).map((p) => p.accountId).sort()).toEqual([MGMT, '222222222222', '333333333333']);
    expect(parsed[3]).toEqual({ type: 'summary', schemaVersion: 1, generatedAt: doc.generatedAt, summary: doc.summary });
    expect(parsed.find((p) => p.accountId === '333333333333').error).toMatch(/cannot assume/);
  });

  it('a single account in jsonl: its line, then the summary', async () => {
    const { ctx, stdout } = auditContext(SECURE);
    await runAudit(ctx, parseAuditFlags({ format: 'jsonl' }, false));
    expect(stdout.join('').trimEnd().split('\n').map((l) => JSON.parse(l).type)).toEqual(['account', 'summary']);
  });
});

describe('assumed-role credentials', () => {
  const creds = (n: number, expiresInMin: number, now: Date) => ({
    accessKeyId: `ASIA${n}`,
    secretAccessKey: 's',
    sessionToken: 't',
    expiration: new Date(now.getTime() + expiresInMin * 60_000),
  });

  it('are used as they are until five minutes before they expire, then renewed once however many calls ask', async () => {
    let now = new Date('2026-06-01T12:00:00Z');
    let assumed = 0;
    const assume = async () => creds(++assumed + 1, 15, now);
    const provider = assumedRoleCredentials(assume, () => now, creds(1, 15, now));
    expect((await provider()).accessKeyId).toBe('ASIA1');
    now = new Date(now.getTime() + 9 * 60_000); // 6 minutes left
    expect((await provider()).accessKeyId).toBe('ASIA1');
    now = new Date(now.getTime() + 2 * 60_000); // 4 minutes left: renew
    const [a, b] = await Promise.all([provider(), provider()]);
    expect([a.accessKeyId, b.accessKeyId]).toEqual(['ASIA2', 'ASIA2']);
    expect(assumed).toBe(1);
  });
});

describe('sessions that are short, or whose clock is off', () => {
  const at = (iso: string) => new Date(iso);
  const session = (n: number, expiration: Date) => ({ accessKeyId: `ASIA${n}`, secretAccessKey: 's', sessionToken: 't', expiration });

  it('a session that arrives with less than five minutes left is used for half of that, not renewed on every call', async () => {
    let now = at('2026-06-01T12:00:00Z');
    let assumed = 0;
    // Two minutes left on arrival: the renewal window (five minutes) already covers all of it.
    const assume = async () => session(++assumed + 1, new Date(now.getTime() + 2 * 60_000));
    const provider = assumedRoleCredentials(assume, () => now, session(1, new Date(now.getTime() + 2 * 60_000)));
    for (let i = 0; i < 30; i++) expect((await provider()).accessKeyId).toBe('ASIA1');
    expect(assumed).toBe(0);
    now = new Date(now.getTime() + 59_000); // 61 s left of 120: still in use
    expect((await provider()).accessKeyId).toBe('ASIA1');
    now = new Date(now.getTime() + 2_000); // past halfway: renewed once
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect(assumed).toBe(1);
  });

  it.each([
    ['already expired', -600_000],
    ['expiring within a minute of issue', 30_000],
  ])('a session %s by this clock is one error that names the clock, without another AssumeRole', (_what, offset) => {
    const now = at('2026-06-01T12:00:00Z');
    let assumed = 0;
    const assume = async () => {
      assumed += 1;
      return session(2, now);
    };
    expect(() => assumedRoleCredentials(assume, () => now, session(1, new Date(now.getTime() + offset)), 'arn:aws:iam::111122223333:role/X')).toThrow(
      /arn:aws:iam::111122223333:role\/X returned a session that expires at .* this machine's clock \(2026-06-01T12:00:00\.000Z\): this machine's clock is probably wrong/,
    );
    expect(assumed).toBe(0);
  });
});

describe('audit --org under centralized root access (root sessions on)', () => {
  const withSessions = { ...management, orgFeatures: ['RootCredentialsManagement', 'RootSessions'], unassumable: [] };
  const ROOT_CHECKS = ['root-mfa', 'root-hardware-mfa', 'root-access-keys', 'root-recent-use', 'root-signing-certificates'];
  const run = async (member: Scenario, owner: Scenario = withSessions) => {
    const { ctx, requests, rootSessionCalls, memberCalls } = auditContext(owner, true, { '222222222222': member });
    const { doc } = await runAudit(ctx, parseAuditFlags({ org: true, format: 'json', accounts: '222222222222', check: ROOT_CHECKS }, false));
    const checks = Object.fromEntries(doc.accounts[0]!.checks.map((c) => [c.id, c]));
    return { checks, requests, rootSessionCalls, memberCalls };
  };

  it("decides the member's root checks from root itself, through AssumeRoot with the audit task policy", async () => {
    // The member's credential report says nothing is wrong: the root session's answer is what counts.
    const { checks, requests, rootSessionCalls } = await run({
      ...SECURE,
      rootUser: { password: true, passwordLastUsed: '2026-05-31T08:00:00Z', accessKeys: [{ id: 'AKIAROOT', lastUsed: '2026-05-01T00:00:00Z' }], certificates: ['CERT1'], mfaDevices: ['arn:aws:iam::222222222222:mfa/root'] },
    });
    expect(requests.filter((r) => r.operation === 'AssumeRoot').map((r) => r.input)).toEqual([
      { TargetPrincipal: '222222222222', TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' }, DurationSeconds: 900 },
    ]);
    const from = ' (read from the root user through sts:AssumeRoot)';
    expect(checks['root-mfa']).toMatchObject({ status: 'pass', detail: `root user has MFA${from}` });
    expect(checks['root-hardware-mfa']).toMatchObject({ status: 'fail', detail: `root uses a virtual MFA device (arn:aws:iam::222222222222:mfa/root)${from}` });
    expect(checks['root-access-keys']).toMatchObject({ status: 'fail', detail: `root user has 1 access key${from}` });
    expect(checks['root-recent-use']).toMatchObject({ status: 'fail', detail: `root password used 2026-05-31 (1 days ago)${from}` });
    expect(checks['root-signing-certificates']).toMatchObject({ status: 'fail', detail: `root user has an active signing certificate${from}` });
    // Read-only: the session only reads.
    expect(rootSessionCalls['222222222222']?.filter((op) => !/^(Get|List)/.test(op))).toEqual([]);
  });

  it('a root without credentials passes; its last use outside the task policy falls back to the report, saying so', async () => {
    const { checks } = await run({ ...SECURE, rootUser: { password: false, lastUseDenied: true } });
    expect(checks['root-mfa']).toMatchObject({ status: 'pass', detail: 'root has no password and no access keys: no credentials to protect (read from the root user through sts:AssumeRoot)' });
    expect(checks['root-recent-use']).toMatchObject({ status: 'pass', detail: expect.stringMatching(/its last use is outside the root session's task policy; from the credential report\)$/) });
  });

  it('AssumeRoot refused: the credential report decides, and the detail says why', async () => {
    const { checks } = await run(SECURE, { ...withSessions, assumeRootDenied: true });
    expect(checks['root-mfa']).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^root user has MFA \(sts:AssumeRoot failed: .*; read from the credential report\)$/) });
    for (const id of ROOT_CHECKS) expect(checks[id]?.detail, id).toMatch(/\(sts:AssumeRoot failed: .*explicitly denied by a service control policy.*; read from the credential report\)$/);
  });

  it('without root sessions, nothing changes: no AssumeRoot, the report decides', async () => {
    const { checks, requests } = await run(SECURE, { ...management, unassumable: [] });
    expect(requests.some((r) => r.operation === 'AssumeRoot')).toBe(false);
    expect(checks['root-mfa']).toMatchObject({ status: 'pass', detail: 'root user has MFA' });
  });
});
