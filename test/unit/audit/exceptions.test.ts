/** Accepted exceptions: parsed strictly, matched per account and resource, and never silent when they lapse. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExceptionSet, parseExceptions, type ExceptionEntry } from '../../../src/audit/exceptions.js';
import { auditExitCode } from '../../../src/audit/report.js';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { ALL_CHECKS } from '../../../src/checks/registry.js';
import { UsageError } from '../../../src/errors.js';
import { ADMIN_ACCESS, auditContext, NOW, ROOT, SECURE, userRow, type Scenario } from '../../support/audit-fixture.js';
import { tempDir } from '../../support/context.js';

const known = { checks: ALL_CHECKS, now: NOW, allowLong: false };
const parse = (text: string, file = 'accept.yaml', opts: Partial<typeof known> = {}) => parseExceptions(file, text, { ...known, ...opts });
const problem = (text: string, file = 'accept.yaml', opts: Partial<typeof known> = {}) => {
  try {
    parse(text, file, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('parsed without error');
};

/** Two admins without MFA (bob, carol) and a root with a virtual MFA device. */
const TWO_ADMINS: Scenario = {
  ...SECURE,
  rows: [ROOT, userRow('alice', { mfa_active: 'true' }), userRow('bob'), userRow('carol')],
  users: [{ name: 'alice', groups: ['Administrators'] }, { name: 'bob', attached: [ADMIN_ACCESS] }, { name: 'carol', attached: [ADMIN_ACCESS] }],
  rootVirtualMfa: true,
};

async function audit(scenario: Scenario, files: Record<string, string>, flags: Record<string, unknown> = {}) {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const context = auditContext(scenario);
  const request = parseAuditFlags({ format: 'json', ...flags }, false);
  const { doc } = await runAudit(context.ctx, request, dir);
  const check = (id: string) => doc.accounts[0]!.checks.find((c) => c.id === id)!;
  return { doc, check, code: auditExitCode(doc, request.failOn), ...context };
}

describe('parseExceptions', () => {
  it('reads YAML, bare or under exceptions:, and JSON; resolves a former check id', () => {
    const yaml = parse(`exceptions:
  - check: admin-user
    account: "111122223333"
    resources: ["arn:aws:iam::*:user/break-glass-*"]
    reason: Break-glass user keeps its MFA in the safe
    owner: security@example.com
    expires: 2026-09-30
`);
    expect(yaml).toEqual([
      {
        source: 'accept.yaml#1', check: 'admin-path', account: '111122223333', resources: ['arn:aws:iam::*:user/break-glass-*'],
        reason: 'Break-glass user keeps its MFA in the safe', owner: 'security@example.com', expires: '2026-09-30',
        expiresAt: new Date('2026-09-30T23:59:59.999Z'),
      },
    ]);
    const bare = parse('- {check: root-hardware-mfa, reason: r, expires: "2026-07-01"}');
    expect(bare[0]).toMatchObject({ check: 'root-hardware-mfa', account: '*', expires: '2026-07-01' });
    const json = parse(JSON.stringify([{ check: 'root-hardware-mfa', reason: 'r', expires: '2026-07-01', resources: 'arn:aws:iam::*:root' }]), 'accept.json');
    expect(json[0]).toMatchObject({ source: 'accept.json#1', resources: ['arn:aws:iam::*:root'] });
  });

  it('a file that does not parse names the file and the parser\'s reason', () => {
    expect(problem('- check: [unclosed')).toMatch(/^--accept accept\.yaml: not valid YAML: /);
    expect(problem('{"check":', 'a.json')).toMatch(/^--accept a\.json: not valid JSON: /);
    expect(problem('check: root-mfa')).toBe('--accept accept.yaml: expected a list of entries (or "exceptions:" holding one).');
  });

  it.each([
    ['an unknown check id', '- {check: root-mfaa, reason: r, expires: "2026-07-01"}', 'entry 1 (check root-mfaa): check "root-mfaa" is not a check id (iam-bootstrap checks lists them)'],
    ['a missing check', '- {reason: r, expires: "2026-07-01"}', 'entry 1: check is missing'],
    ['a missing reason', '- {check: root-mfa, expires: "2026-07-01"}', 'entry 1 (check root-mfa): reason is missing: say why the finding is accepted'],
    ['a blank reason', '- {check: root-mfa, reason: "  ", expires: "2026-07-01"}', 'entry 1 (check root-mfa): reason is missing: say why the finding is accepted'],
    ['a missing expiry', '- {check: root-mfa, reason: r}', 'entry 1 (check root-mfa): expires is missing: an exception must end (YYYY-MM-DD)'],
    ['a date that does not exist', '- {check: root-mfa, reason: r, expires: "2026-02-30"}', 'entry 1 (check root-mfa): expires "2026-02-30" is not a date (YYYY-MM-DD)'],
    ['an unknown field (a typo)', '- {check: root-mfa, reason: r, expires: "2026-07-01", resource: x}', 'entry 1 (check root-mfa): resource is not a field (the fields are check, account, resources, reason, owner, expires)'],
    ['an account that is not 12 digits', '- {check: root-mfa, reason: r, expires: "2026-07-01", account: "12345"}', 'entry 1 (check root-mfa): account "12345" is not a 12-digit account id or "*" (quote it in YAML)'],
    ['an empty resource list', '- {check: root-mfa, reason: r, expires: "2026-07-01", resources: []}', 'entry 1 (check root-mfa): resources must be ARNs or globs (text, * and ?)'],
    ['an entry that is not a mapping', '- root-mfa', 'entry 1: entry is not a mapping of fields'],
  ])('%s is exit 2 naming file, entry and field', (_what, text, message) => {
    expect(problem(text)).toBe(`--accept accept.yaml: ${message}.`);
  });

  it('names the entry by position when an earlier one is fine', () => {
    const text = '- {check: root-mfa, reason: r, expires: "2026-07-01"}\n- {check: root-mfa, reason: r}\n';
    expect(problem(text)).toMatch(/^--accept accept\.yaml: entry 2 \(check root-mfa\): expires is missing/);
  });

  it('an expiry more than a year ahead needs --allow-long-exceptions', () => {
    // NOW is 2026-06-01: 2027-06-01 is within 366 days, 2027-06-03 is not.
    expect(parse('- {check: root-mfa, reason: r, expires: "2027-06-01"}')).toHaveLength(1);
    expect(problem('- {check: root-mfa, reason: r, expires: "2027-06-03"}')).toBe(
      '--accept accept.yaml: entry 1 (check root-mfa): expires 2027-06-03 is more than a year ahead; review exceptions at least yearly, or pass --allow-long-exceptions.',
    );
    expect(parse('- {check: root-mfa, reason: r, expires: "2030-01-01"}', 'accept.yaml', { allowLong: true })).toHaveLength(1);
  });

  it('reads an unquoted YAML date as the same day', () => {
    expect(parse('- {check: root-mfa, reason: r, expires: 2026-07-01}')[0]?.expires).toBe('2026-07-01');
  });
});

describe('ExceptionSet', () => {
  const entry = (over: Partial<ExceptionEntry>): ExceptionEntry => ({
    source: 'a.yaml#1', check: 'admin-mfa', account: '*', reason: 'known', expires: '2026-07-01', expiresAt: new Date('2026-07-01T23:59:59.999Z'), ...over,
  });
  const failing = {
    id: 'admin-mfa', title: 't', severity: 'high' as const, status: 'fail' as const, detail: 'bob: x; carol: x', references: [], mappings: {},
    resources: ['arn:aws:iam::111122223333:user/bob', 'arn:aws:iam::111122223333:user/carol'], remediation: 'fix',
  };
  const findings = [
    { resource: 'arn:aws:iam::111122223333:user/bob', text: 'bob: x' },
    { resource: 'arn:aws:iam::111122223333:user/carol', text: 'carol: x' },
  ];
  const detailOf = (f: { text: string }[]) => f.map((x) => x.text).join('; ');

  it('accepts a whole check, only in the account it names', () => {
    const set = new ExceptionSet([entry({ account: '111122223333' })], NOW);
    expect(set.apply('111122223333', failing, findings, detailOf)).toMatchObject({ status: 'accepted', detail: 'bob: x; carol: x' });
    expect(set.apply('444455556666', failing, findings, detailOf)).toBe(failing);
  });

  it('accepts part of a check by resource glob: the rest still fails, and the accepted part is named', () => {
    const set = new ExceptionSet([entry({ resources: ['arn:aws:iam::*:user/b?b'] })], NOW);
    const r = set.apply('111122223333', failing, findings, detailOf);
    expect(r).toMatchObject({ status: 'fail', detail: 'carol: x', resources: ['arn:aws:iam::111122223333:user/carol'] });
    expect(r.accepted).toEqual([{ entry: 'a.yaml#1', reason: 'known', expires: '2026-07-01', resources: ['arn:aws:iam::111122223333:user/bob'] }]);
  });

  it('leaves passes and other checks alone', () => {
    const set = new ExceptionSet([entry({})], NOW);
    const passing = { ...failing, status: 'pass' as const };
    expect(set.apply('111122223333', passing, undefined, detailOf)).toBe(passing);
    expect(set.apply('111122223333', { ...failing, id: 'console-mfa' }, findings, detailOf).status).toBe('fail');
  });

  it('an expired entry matches nothing and is a warning; a stale one too; one expiring within 14 days is a notice', () => {
    const expired = entry({ source: 'a.yaml#1', expires: '2026-05-31', expiresAt: new Date('2026-05-31T23:59:59.999Z') });
    const stale = entry({ source: 'a.yaml#2', check: 'root-mfa', account: '111122223333' });
    const soon = entry({ source: 'a.yaml#3', expires: '2026-06-10', expiresAt: new Date('2026-06-10T23:59:59.999Z'), owner: 'sec@example.com' });
    const later = entry({ source: 'a.yaml#4', resources: ['arn:aws:iam::*:user/carol'], expires: '2026-12-01', expiresAt: new Date('2026-12-01T23:59:59.999Z') });
    const set = new ExceptionSet([expired, stale, soon, later], NOW);
    const r = set.apply('111122223333', failing, findings, detailOf);
    expect(r.status).toBe('accepted');
    expect(r.accepted?.map((a) => a.entry)).toEqual(['a.yaml#3']); // soon took both; later matched nothing left
    expect(set.notices()).toEqual({
      warnings: [
        'exception a.yaml#1 (admin-mfa) expired on 2026-05-31: the failures it accepted count again; renew it with a new reason, or fix the finding',
        'exception a.yaml#2 (root-mfa, account 111122223333) matched no failure: remove it (stale exceptions are debt), or check its account and resources',
        'exception a.yaml#4 (admin-mfa) matched no failure: remove it (stale exceptions are debt), or check its account and resources',
      ],
      notices: ['exception a.yaml#3 (admin-mfa) expires on 2026-06-10, in 10 days (owner sec@example.com)'],
    });
  });

  it('an entry is live through the whole of its last day (UTC)', () => {
    const today = entry({ expires: '2026-06-01', expiresAt: new Date('2026-06-01T23:59:59.999Z') });
    const set = new ExceptionSet([today], NOW);
    expect(set.apply('111122223333', failing, findings, detailOf).status).toBe('accepted');
    expect(set.notices().notices).toEqual(['exception a.yaml#1 (admin-mfa) expires on 2026-06-01, in 1 day']);
  });
});

describe('audit --accept', () => {
  const ACCEPT_BOB_AND_CAROL = `exceptions:
  - check: admin-mfa
    resources: ["arn:aws:iam::111122223333:user/bob", "arn:aws:iam::111122223333:user/carol"]
    reason: Break-glass users, MFA kept offline
    owner: security@example.com
    expires: 2026-12-31
  - check: root-hardware-mfa
    reason: Hardware key on order
    expires: 2026-08-31
`;

  it('an accepted failure is accepted, not pass and not hidden, and exit codes and --fail-on ignore it', async () => {
    const without = await audit(TWO_ADMINS, {}, { check: ['admin-mfa', 'root-hardware-mfa'] });
    expect(without.code).toBe(1);
    const r = await audit(TWO_ADMINS, { 'accept.yaml': ACCEPT_BOB_AND_CAROL }, { check: ['admin-mfa', 'root-hardware-mfa'], accept: ['accept.yaml'], failOn: 'low' });
    expect(r.check('admin-mfa')).toMatchObject({
      status: 'accepted',
      detail: 'bob: administrator, no MFA; carol: administrator, no MFA',
      accepted: [{ entry: 'accept.yaml#1', reason: 'Break-glass users, MFA kept offline', owner: 'security@example.com', expires: '2026-12-31' }],
    });
    expect(r.check('root-hardware-mfa').status).toBe('accepted');
    expect(r.doc.accounts[0]!.summary).toMatchObject({ fail: 0, accepted: 2 });
    expect(r.code).toBe(0);
    expect(r.doc.exceptions).toEqual({ entries: 2, warnings: [], notices: [] });
  });

  it('reads .iam-bootstrap/accept.yaml in the working folder without --accept', async () => {
    const r = await audit(TWO_ADMINS, { '.iam-bootstrap/accept.yaml': ACCEPT_BOB_AND_CAROL }, { check: ['admin-mfa'] });
    expect(r.check('admin-mfa').status).toBe('accepted');
    // root-hardware-mfa was not audited, so its entry matched nothing: a warning, on stderr and in the document.
    expect(r.doc.exceptions?.warnings).toEqual([
      'exception .iam-bootstrap/accept.yaml#2 (root-hardware-mfa) matched no failure: remove it (stale exceptions are debt), or check its account and resources',
    ]);
    expect(r.stderr.join('')).toContain('Warning: exception .iam-bootstrap/accept.yaml#2 (root-hardware-mfa) matched no failure');
  });

  it('a missing or wrong file is exit 2 before any AWS call', async () => {
    await expect(audit(TWO_ADMINS, {}, { accept: ['nope.yaml'] })).rejects.toThrow(new UsageError('--accept nope.yaml: no such file.'));
    const context = auditContext(TWO_ADMINS);
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), '- {check: admin-mfa, reason: r}\n');
    await expect(runAudit(context.ctx, parseAuditFlags({ accept: ['bad.yaml'] }, false), dir)).rejects.toThrow(/entry 1 \(check admin-mfa\): expires is missing/);
    expect(context.sent).toEqual([]);
  });

  it('--exclude-check drops a check entirely, unlike accepting its finding', async () => {
    const r = await audit(TWO_ADMINS, {}, { excludeCheck: ['admin-mfa,root-hardware-mfa'] });
    expect(r.doc.accounts[0]!.checks.map((c) => c.id)).not.toContain('admin-mfa');
    expect(r.doc.accounts[0]!.checks.map((c) => c.id)).not.toContain('root-hardware-mfa');
    expect(r.doc.accounts[0]!.checks).toHaveLength(ALL_CHECKS.length - 2);
  });
});
