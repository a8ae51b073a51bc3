import { describe, expect, it } from 'vitest';
import { readIdentity, readRootPosture } from '../../../src/steps/identity.js';
import { fakeAws, FakeAccount } from '../../support/fake-aws.js';

describe('identity', () => {
  it('recognises the root user from its ARN', async () => {
    const account = new FakeAccount();
    const id = await readIdentity(fakeAws(account));
    expect(id).toMatchObject({ accountId: '111122223333', isRoot: true, organization: { role: 'none' } });
  });

  it('does not take an IAM user or assumed role for root', async () => {
    for (const arn of ['arn:aws:iam::111122223333:user/root', 'arn:aws:sts::111122223333:assumed-role/root/x']) {
      const account = new FakeAccount();
      account.callerArn = arn;
      expect((await readIdentity(fakeAws(account))).isRoot).toBe(false);
    }
  });

  it('tells a member account from the management account', async () => {
    const member = new FakeAccount();
    member.organization = 'member';
    expect((await readIdentity(fakeAws(member))).organization).toMatchObject({ role: 'member', managementAccountId: '999999999999' });
    const mgmt = new FakeAccount();
    mgmt.organization = 'member';
    mgmt.accountId = '999999999999';
    expect((await readIdentity(fakeAws(mgmt))).organization.role).toBe('management');
  });

  it('carries on with "unknown" when organizations:DescribeOrganization is denied', async () => {
    const account = new FakeAccount();
    account.organization = 'denied';
    expect((await readIdentity(fakeAws(account))).organization.role).toBe('unknown');
  });

  it("reads root MFA and root access keys from the account summary", async () => {
    const account = new FakeAccount();
    account.rootKeys = true;
    expect(await readRootPosture(fakeAws(account))).toMatchObject({ rootMfaEnabled: false, rootAccessKeysPresent: true, rootHasNoCredentials: false });
  });
});
