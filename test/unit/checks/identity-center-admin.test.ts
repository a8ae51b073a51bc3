/** identity-center-admin: in the management account, every ACTIVE account has an administrator through Identity Center. */
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { auditContext, SECURE, type Scenario } from '../../support/audit-fixture.js';
import { FakeIdentityCenter } from '../../support/fake-identity-center.js';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const OWN = '111122223333';
const MEMBER = '222233334444';

async function check(scenario: Scenario) {
  const { ctx, sent } = auditContext(scenario);
  const { doc } = await runAudit(ctx, parseAuditFlags({ check: ['identity-center-admin'], format: 'json' }, false));
  const result = doc.accounts[0]?.checks[0];
  if (!result) throw new Error('no result');
  return { result, sent };
}

/** A management account whose instance has `sets`; `assigned` lists the accounts a group has the first set on. */
function management(sets: { name: string; managed?: string[]; inline?: object }[], assigned: string[]): Scenario {
  const ic = new FakeIdentityCenter();
  ic.organizationInstance(OWN);
  const arns = sets.map((s) => ic.addPermissionSet(s.name, { managed: new Set(s.managed ?? []), ...(s.inline ? { inline: JSON.stringify(s.inline) } : {}) }));
  for (const account of assigned) ic.assignments.push({ account, setArn: arns[0] ?? '', principalType: 'GROUP', principalId: 'group-1' });
  return {
    ...SECURE,
    organizationRole: 'management',
    orgAccounts: [
      { id: OWN, state: 'ACTIVE' },
      { id: MEMBER, state: 'ACTIVE' },
      { id: '333344445555', state: 'SUSPENDED' },
    ],
    identityCenter: ic,
  };
}

describe('identity-center-admin', () => {
  it('passes when an administrator set is assigned on every ACTIVE account', async () => {
    const { result } = await check(management([{ name: 'AdministratorAccess', managed: [ADMIN] }], [OWN, MEMBER]));
    expect(result).toMatchObject({ status: 'pass', detail: 'an administrator permission set (AdministratorAccess) is assigned on each of the 2 accounts' });
  });

  it('counts an inline policy allowing * on * as administrator access', async () => {
    const inline = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const { result } = await check(management([{ name: 'Custom', inline }], [OWN, MEMBER]));
    expect(result.status).toBe('pass');
  });

  it('fails naming each account without an administrator, with the init command that assigns it', async () => {
    const { result } = await check(management([{ name: 'AdministratorAccess', managed: [ADMIN] }], [OWN]));
    expect(result).toMatchObject({ status: 'fail', resources: [MEMBER], detail: `no administrator through Identity Center on ${MEMBER}: no group or user has AdministratorAccess` });
    expect(result.remediation).toBe(`iam-bootstrap init --admin identity-center --only account-assignment --assign-accounts ${MEMBER}`);
  });

  it('fails when no permission set grants administrator access', async () => {
    const { result } = await check(management([{ name: 'ReadOnly', managed: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }], [OWN, MEMBER]));
    expect(result).toMatchObject({ status: 'fail', detail: 'no permission set of the Identity Center instance grants administrator access' });
  });

  it.each([
    ['a standalone account', { ...SECURE }, 'not in an AWS Organization: Identity Center grants access to AWS accounts through an organization instance only'],
    ['a member account', { ...SECURE, organizationRole: 'member' as const }, "a member account: Identity Center's assignments are read in the management account 999999999999"],
    ['a management account without an instance', { ...SECURE, organizationRole: 'management' as const }, 'IAM Identity Center has no organization instance in this region'],
  ])('is skipped in %s, with the reason', async (_what, scenario, detail) => {
    const { result, sent } = await check(scenario);
    expect(result).toMatchObject({ status: 'skip', detail });
    expect(sent.filter((op) => op === 'ListPermissionSets')).toEqual([]);
  });
});
