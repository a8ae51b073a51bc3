import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, DescribeHubCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
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
  references: ['CIS 7.0 2.10', 'Security Hub IAM.5'],
  mappings: { 'cis-7.0': ['2.10'], 'security-hub': ['IAM.5'] },
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
  /** BatchUpdateFindings calls: the workflow status asked for, and the finding ids. */
  const updates: { status?: string; note?: string; ids: string[] }[] = [];
  mock.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: AwsSecurityFinding[] }) => {
    batches.push(input.Findings.length);
    const failed = input.Findings.filter((f) => opts.refuse?.includes(f.GeneratorId ?? ''));
    for (const f of input.Findings) {
      if (failed.includes(f)) continue;
      // As Security Hub does: a provider's Workflow and Note count only when the finding is created.
      const old = store.get(f.Id as string);
      store.set(f.Id as string, old ? { ...f, Workflow: old.Workflow, Note: old.Note } : f);
    }
    return {
      SuccessCount: input.Findings.length - failed.length,
      FailedCount: failed.length,
      FailedFindings: failed.map((f) => ({ Id: f.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' })),
    };
  });
  mock.on(BatchUpdateFindingsCommand).callsFake(async (input: { FindingIdentifiers: { Id: string }[]; Workflow?: { Status: string }; Note?: { Text: string; UpdatedBy: string } }) => {
    updates.push({ status: input.Workflow?.Status, note: input.Note?.Text, ids: input.FindingIdentifiers.map((f) => f.Id) });
    for (const { Id } of input.FindingIdentifiers) {
      const f = store.get(Id);
      if (f) store.set(Id, { ...f, ...(input.Workflow ? { Workflow: input.Workflow as never } : {}), ...(input.Note ? { Note: { ...input.Note, UpdatedAt: 'now' } } : {}) });
    }
    return { ProcessedFindings: input.FindingIdentifiers, UnprocessedFindings: [] };
  });
  return { client, store, batches, updates, mock };
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

  it('an accepted finding is FAILED with its workflow SUPPRESSED and the reason in a note, and follows the exceptions on re-runs', async () => {
    const hub = fakeHub();
    const acceptedBy = [{ entry: 'accept.yaml#1', reason: 'Hardware key on order', owner: 'sec@example.com', expires: '2026-12-31', resources: [] }];
    const accepted = check('root-hardware-mfa', 'accepted', { accepted: acceptedBy });
    const id = 'iam-bootstrap/111122223333/root-hardware-mfa';
    // Created accepted: the workflow and note come with the import.
    await importFindings(audit([accepted, check('console-mfa', 'fail')]), { ...TARGET, client: hub.client }, NOW);
    expect(hub.store.get(id)).toMatchObject({
      Compliance: { Status: 'FAILED' },
      Severity: { Label: 'HIGH' },
      Workflow: { Status: 'SUPPRESSED' },
      Note: { Text: 'accepted until 2026-12-31 by sec@example.com (accept.yaml#1): Hardware key on order', UpdatedBy: 'iam-bootstrap' },
    });
    expect(hub.updates).toEqual([]);
    // The exception is gone: the finding we suppressed is NEW again; a finding accepted now is suppressed.
    const outcome = await importFindings(audit([check('root-hardware-mfa', 'fail'), check('console-mfa', 'accepted', { accepted: acceptedBy })]), { ...TARGET, client: hub.client }, NOW);
    expect(hub.updates).toEqual([
      { status: 'NEW', note: 'No exception accepts this finding any more.', ids: [id] },
      { status: 'SUPPRESSED', note: 'accepted until 2026-12-31 by sec@example.com (accept.yaml#1): Hardware key on order', ids: ['iam-bootstrap/111122223333/console-mfa'] },
    ]);
    expect(outcome.workflowsUpdated).toBe(2);
    expect(hub.store.get(id)?.Workflow?.Status).toBe('NEW');
    // Nothing changed: no update at all.
    hub.updates.length = 0;
    await importFindings(audit([check('root-hardware-mfa', 'fail'), check('console-mfa', 'accepted', { accepted: acceptedBy })]), { ...TARGET, client: hub.client }, NOW);
    expect(hub.updates).toEqual([]);
  });

  it('a finding a person suppressed in Security Hub stays suppressed', async () => {
    const hub = fakeHub();
    await importFindings(audit([check('console-mfa', 'fail')]), { ...TARGET, client: hub.client }, NOW);
    const id = 'iam-bootstrap/111122223333/console-mfa';
    hub.store.set(id, { ...hub.store.get(id)!, Workflow: { Status: 'SUPPRESSED' }, Note: { Text: 'risk accepted', UpdatedBy: 'arn:aws:iam::111122223333:user/alice', UpdatedAt: 'x' } });
    await importFindings(audit([check('console-mfa', 'fail')]), { ...TARGET, client: hub.client }, NOW);
    expect(hub.updates).toEqual([]);
    expect(hub.store.get(id)?.Workflow?.Status).toBe('SUPPRESSED');
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
