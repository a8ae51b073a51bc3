import { BatchImportFindingsCommand, DescribeHubCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { importFindings, toAsff, SecurityHubNotEnabledError } from '../../../src/audit/security-hub.js';
import { countStatuses, type AccountAudit } from '../../../src/audit/run-audit.js';
import type { CheckResult } from '../../../src/checks/types.js';
import { awsError } from '../../support/fake-aws.js';

const check = (id: string, status: CheckResult['status'], over: Partial<CheckResult> = {}): CheckResult => ({
  id,
  status,
  title: `Title of ${id}`,
  severity: 'high',
  detail: `detail of ${id}`,
  resources: [],
  references: ['CIS 1.10', 'IAM.5'],
  remediation: status === 'fail' ? `fix ${id}` : '',
  ...over,
});

function audit(checks: CheckResult[], accountId = '111122223333'): AccountAudit {
  return { accountId, alias: 'prod', error: null, checks, summary: countStatuses(checks) };
}

const TARGET = { accountId: '111122223333', region: 'eu-west-1', partition: 'aws' };
const NOW = new Date('2026-11-23T10:00:00.000Z');

/** A Security Hub that keeps what it is sent, by Id, as the real one does. */
function fakeHub(opts: { enabled?: boolean; refuse?: string[] } = {}) {
  const client = new SecurityHubClient({ region: 'eu-west-1' });
  const store = new Map<string, AwsSecurityFinding>();
  const batches: number[] = [];
  const mock = mockClient(client);
  mock.on(DescribeHubCommand).callsFake(async () => {
    if (opts.enabled === false) throw awsError('InvalidAccessException', 'Account 111122223333 is not subscribed to AWS Security Hub', 401);
    return { HubArn: 'arn:aws:securityhub:eu-west-1:111122223333:hub/default' };
  });
  mock.on(GetFindingsCommand).callsFake(async () => ({ Findings: [...store.values()] }));
  mock.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: AwsSecurityFinding[] }) => {
    batches.push(input.Findings.length);
    const failed = input.Findings.filter((f) => opts.refuse?.includes(f.GeneratorId ?? ''));
    for (const f of input.Findings) if (!failed.includes(f)) store.set(f.Id as string, f);
    return {
      SuccessCount: input.Findings.length - failed.length,
      FailedCount: failed.length,
      FailedFindings: failed.map((f) => ({ Id: f.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' })),
    };
  });
  return { client, store, batches, mock };
}

describe('Security Hub findings (ASFF)', () => {
  it('maps each status and keeps the Id stable, the fields ASFF requires present', () => {
    const f = (status: CheckResult['status']) => toAsff(audit([]), check('console-mfa', status), TARGET, { createdAt: 'c', updatedAt: 'u' });
    expect(f('pass').Compliance?.Status).toBe('PASSED');
    expect(f('fail').Compliance?.Status).toBe('FAILED');
    expect(f('error').Compliance?.Status).toBe('WARNING');
    expect(f('skip').Compliance?.Status).toBe('NOT_AVAILABLE');
    expect(f('fail').Severity?.Label).toBe('HIGH');
    expect(f('pass').Severity?.Label).toBe('INFORMATIONAL');
    expect(f('fail')).toMatchObject({
      SchemaVersion: '2018-10-08',
      Id: 'iam-bootstrap/111122223333/console-mfa',
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      GeneratorId: 'console-mfa',
      AwsAccountId: '111122223333',
      Types: ['Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark'],
      CreatedAt: 'c',
      UpdatedAt: 'u',
      Title: 'Title of console-mfa',
      Description: 'detail of console-mfa',
      Remediation: { Recommendation: { Text: 'fix console-mfa' } },
      Resources: [{ Type: 'AwsAccount', Id: 'AWS::::Account:111122223333', Partition: 'aws', Region: 'eu-west-1' }],
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
    });
  });

  it('stays within ASFF limits: 32 resources, the rest counted in the description', () => {
    const arns = Array.from({ length: 5000 }, (_, i) => `arn:aws:iam::111122223333:user/u${i}`);
    const f = toAsff(audit([]), check('console-mfa', 'fail', { resources: arns, detail: 'x'.repeat(3000) }), TARGET, { createdAt: 'c', updatedAt: 'u' });
    expect(f.Resources).toHaveLength(32);
    expect(f.Resources?.[1]).toMatchObject({ Type: 'AwsIamUser', Id: 'arn:aws:iam::111122223333:user/u0' });
    expect(f.Description?.length).toBeLessThanOrEqual(1024);
    const short = toAsff(audit([]), check('console-mfa', 'fail', { resources: arns }), TARGET, { createdAt: 'c', updatedAt: 'u' });
    expect(short.Description).toContain('(5000 resources in all; the first 31 are listed)');
  });

  it('into an aggregator account: AwsAccountId and product are the aggregator\'s, the audited account is named', () => {
    const f = toAsff(audit([], '222233334444'), check('root-mfa', 'fail'), TARGET, { createdAt: 'c', updatedAt: 'u' });
    expect(f.AwsAccountId).toBe('111122223333');
    expect(f.Id).toBe('iam-bootstrap/222233334444/root-mfa');
    expect(f.Title).toBe('Title of root-mfa (account 222233334444)');
    expect(f.Resources?.[0]?.Id).toBe('AWS::::Account:222233334444');
    expect(f.ProductFields?.['iam-bootstrap/AuditedAccountId']).toBe('222233334444');
  });

  it('imports in batches of 100, and a re-run updates the same findings, keeping CreatedAt', async () => {
    const hub = fakeHub();
    const checks = Array.from({ length: 250 }, (_, i) => check(`c${i}`, i % 2 ? 'pass' : 'fail'));
    const first = await importFindings(audit(checks), { ...TARGET, client: hub.client }, NOW);
    expect(hub.batches).toEqual([100, 100, 50]);
    expect(first).toMatchObject({ imported: 250, created: 250, updated: 0, failed: [] });
    const later = new Date('2026-11-24T10:00:00.000Z');
    const second = await importFindings(audit(checks), { ...TARGET, client: hub.client }, later);
    expect(second).toMatchObject({ imported: 250, created: 0, updated: 250 });
    expect(hub.store.size).toBe(250);
    const one = hub.store.get('iam-bootstrap/111122223333/c0');
    expect(one).toMatchObject({ CreatedAt: NOW.toISOString(), UpdatedAt: later.toISOString() });
  });

  it("reports each batch's refused findings without stopping", async () => {
    const hub = fakeHub({ refuse: ['c3'] });
    const outcome = await importFindings(audit([check('c1', 'pass'), check('c3', 'fail')]), { ...TARGET, client: hub.client }, NOW);
    expect(outcome.imported).toBe(1);
    expect(outcome.failed).toEqual(['iam-bootstrap/111122223333/c3: InvalidInput Finding does not adhere to ASFF']);
  });

  it('Security Hub not enabled: a message with the fix, and nothing sent', async () => {
    const hub = fakeHub({ enabled: false });
    const err = await importFindings(audit([check('c1', 'pass')]), { ...TARGET, client: hub.client }, NOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecurityHubNotEnabledError);
    expect((err as Error).message).toContain('aws securityhub enable-security-hub --region eu-west-1');
    expect(hub.batches).toEqual([]);
  });
});
