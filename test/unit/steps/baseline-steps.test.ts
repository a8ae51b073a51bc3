/** The account-baseline steps: security contact, support role, Access Analyzer. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { accessAnalyzerStep } from '../../../src/steps/access-analyzer.js';
import { securityContactStep } from '../../../src/steps/security-contact.js';
import { supportRoleStep, supportTrustPolicy } from '../../../src/steps/support-role.js';
import { awsError, FakeAccount, mutatingCalls } from '../../support/fake-aws.js';
import { stepContext } from '../../support/step-context.js';

const CONTACT = { email: 'sec@example.com', phone: '+1 206 555 0100' };
const existing = { AlternateContactType: 'SECURITY' as const, EmailAddress: 'old@example.com', Name: 'Old Team', PhoneNumber: '+44 20 7946 0000', Title: 'CISO' };

describe('security-contact step', () => {
  it('creates a contact from the email and phone, naming it after the email and titling it Security', async () => {
    const account = new FakeAccount();
    const ctx = stepContext(account, { securityContact: CONTACT });
    const p = await securityContactStep.inspect(ctx);
    expect(p.status).toBe('create');
    await securityContactStep.apply(ctx, p);
    expect(account.contacts.get('SECURITY')).toMatchObject({ EmailAddress: 'sec@example.com', Name: 'sec', Title: 'Security', PhoneNumber: '+1 206 555 0100' });
  });

  it('is skip without an email, and refuses an email without the phone AWS requires', async () => {
    expect((await securityContactStep.inspect(stepContext(new FakeAccount(), { securityContact: {} }))).status).toBe('skip');
    await expect(securityContactStep.inspect(stepContext(new FakeAccount(), { securityContact: { email: 'a@b.co' } }))).rejects.toThrow(UsageError);
  });

  it('changes an existing contact only by the values given, with a field diff', async () => {
    const account = new FakeAccount();
    account.contacts.set('SECURITY', existing);
    const ctx = stepContext(account, { securityContact: { phone: '+1 206 555 0199' } });
    const p = await securityContactStep.inspect(ctx);
    expect(p.status).toBe('update');
    expect(p.changes).toEqual([{ field: 'phone', from: '+44 20 7946 0000', to: '+1 206 555 0199' }]);
    await securityContactStep.apply(ctx, p);
    expect(account.contacts.get('SECURITY')).toMatchObject({ ...existing, PhoneNumber: '+1 206 555 0199' });
  });

  it('leaves an existing contact unchanged when nothing is given, and alone with --no-security-contact', async () => {
    const account = new FakeAccount();
    account.contacts.set('SECURITY', existing);
    expect((await securityContactStep.inspect(stepContext(account, { securityContact: {} }))).status).toBe('unchanged');
    const off = await securityContactStep.inspect(stepContext(account, { securityContact: undefined }));
    expect(off).toMatchObject({ status: 'skip', summary: 'security contact old@example.com left as it is (--no-security-contact)' });
  });
});

describe('support-role step', () => {
  it('creates the role trusting only this account, only with MFA, with AWSSupportAccess', async () => {
    const account = new FakeAccount();
    const ctx = stepContext(account, { supportRole: 'AWSSupportRole' });
    const p = await supportRoleStep.inspect(ctx);
    expect(p.status).toBe('create');
    await supportRoleStep.apply(ctx, p);
    const role = account.roles.get('AWSSupportRole');
    expect(JSON.parse(role?.trust ?? '')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
    });
    expect([...(role?.attached ?? [])]).toEqual(['arn:aws:iam::aws:policy/AWSSupportAccess']);
    expect((await supportRoleStep.inspect(ctx)).status).toBe('unchanged');
  });

  it('attaches the policy to an existing role but never rewrites a trust policy someone else wrote, and says so', async () => {
    const account = new FakeAccount();
    const theirs = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }] });
    account.roles.set('AWSSupportRole', { trust: theirs, attached: new Set() });
    const ctx = stepContext(account, { supportRole: 'AWSSupportRole' });
    const p = await supportRoleStep.inspect(ctx);
    expect(p.status).toBe('update');
    expect(p.changes).toContainEqual({ field: 'trust policy', note: 'written by someone else: left as it is' });
    await supportRoleStep.apply(ctx, p);
    expect(account.roles.get('AWSSupportRole')?.trust).toBe(theirs);
    expect(mutatingCalls(account)).toEqual(['AttachRolePolicy']);
  });

  it('is skip with --no-support-role', async () => {
    expect((await supportRoleStep.inspect(stepContext(new FakeAccount(), { supportRole: undefined }))).status).toBe('skip');
  });

  it('trusts the partition the account is in', () => {
    expect(JSON.stringify(supportTrustPolicy({ accountId: '123456789012', partition: 'aws-us-gov' }))).toContain('arn:aws-us-gov:iam::123456789012:root');
  });
});

describe('access-analyzer step', () => {
  const wanted = { regions: 'all' as const, name: 'iam-bootstrap', type: 'ACCOUNT' as const };

  it('creates an ACCOUNT analyzer in every enabled region, read by API', async () => {
    const account = new FakeAccount();
    account.regions = ['ap-south-1', 'eu-west-1', 'us-east-1'];
    const ctx = stepContext(account, { accessAnalyzer: wanted });
    const p = await accessAnalyzerStep.inspect(ctx);
    expect(p).toMatchObject({ status: 'create', data: { missing: ['ap-south-1', 'eu-west-1', 'us-east-1'] } });
    await accessAnalyzerStep.apply(ctx, p);
    for (const region of account.regions) expect(account.analyzers.get(region)?.map((a) => [a.name, a.type])).toEqual([['iam-bootstrap', 'ACCOUNT']]);
    expect((await accessAnalyzerStep.inspect(ctx)).status).toBe('unchanged');
  });

  it('a region with an ACTIVE analyzer of the type is unchanged; an unused-access analyzer does not count', async () => {
    const account = new FakeAccount();
    account.analyzers.set('us-east-1', [{ name: 'theirs', type: 'ACCOUNT', status: 'ACTIVE', arn: 'x', createdAt: new Date() }]);
    account.analyzers.set('eu-west-1', [{ name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS', status: 'ACTIVE', arn: 'y', createdAt: new Date() }]);
    const p = await accessAnalyzerStep.inspect(stepContext(account, { accessAnalyzer: wanted }));
    expect(p).toMatchObject({ status: 'update', data: { missing: ['eu-west-1'] } });
  });

  it('creates only in the regions given', async () => {
    const account = new FakeAccount();
    const p = await accessAnalyzerStep.inspect(stepContext(account, { accessAnalyzer: { ...wanted, regions: ['us-east-1'] } }));
    expect(p.data.missing).toEqual(['us-east-1']);
  });

  it('a region given that the account has not enabled is exit 2 naming it, before any change', async () => {
    const account = new FakeAccount(); // enabled: eu-west-1, us-east-1
    const ctx = stepContext(account, { accessAnalyzer: { ...wanted, regions: ['us-east-1', 'ap-east-1', 'me-south-1'] } });
    await expect(accessAnalyzerStep.inspect(ctx)).rejects.toThrow(
      /^--access-analyzer-regions: ap-east-1, me-south-1 are not enabled in account 111122223333 \(enabled: eu-west-1, us-east-1\)/,
    );
    expect(mutatingCalls(account)).toEqual([]);
  });

  it('one failing region is named; the others are created, and a re-run converges', async () => {
    const account = new FakeAccount();
    account.regions = ['eu-west-1', 'us-east-1', 'us-west-2'];
    const ctx = stepContext(account, { accessAnalyzer: wanted });
    const p = await accessAnalyzerStep.inspect(ctx);
    const original = ctx.clients.accessAnalyzer('us-west-2').send.bind(ctx.clients.accessAnalyzer('us-west-2'));
    let denied = true;
    ctx.clients.accessAnalyzer('us-west-2').send = (async (command: never) => {
      if (denied) throw Object.assign(awsError('AccessDeniedException', 'explicit deny in an SCP', 403), { $awsCall: 'access-analyzer(us-west-2):CreateAnalyzer' });
      return original(command);
    }) as never;
    await expect(accessAnalyzerStep.apply(ctx, p)).rejects.toThrow(/CreateAnalyzer failed in 1 of 3 regions: us-west-2: AccessDenied: explicit deny in an SCP/);
    expect([...account.analyzers.keys()].sort()).toEqual(['eu-west-1', 'us-east-1']);
    denied = false;
    const again = await accessAnalyzerStep.inspect(ctx);
    expect(again.data.missing).toEqual(['us-west-2']);
    await accessAnalyzerStep.apply(ctx, again);
    expect(account.analyzers.get('us-west-2')).toHaveLength(1);
  });

  it('an analyzer whose CreateAnalyzer answer was lost is recognised by its name on the retry', async () => {
    const account = new FakeAccount();
    account.regions = ['us-east-1'];
    const ctx = stepContext(account, { accessAnalyzer: wanted });
    const p = await accessAnalyzerStep.inspect(ctx);
    account.onceBefore.set('CreateAnalyzer', () => account.analyzers.set('us-east-1', [{ name: 'iam-bootstrap', type: 'ACCOUNT', status: 'ACTIVE', arn: 'z', createdAt: new Date() }]));
    await expect(accessAnalyzerStep.apply(ctx, p)).resolves.toEqual({});
    expect(account.analyzers.get('us-east-1')).toHaveLength(1);
  });

  it('an ORGANIZATION analyzer outside a management account is exit 2', async () => {
    await expect(accessAnalyzerStep.inspect(stepContext(new FakeAccount(), { accessAnalyzer: { ...wanted, type: 'ORGANIZATION' } }))).rejects.toThrow(
      /--organization-analyzer: .*only be created in the management account/,
    );
  });
});
