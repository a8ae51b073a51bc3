import { describe, expect, it } from 'vitest';
import { readIdentity } from '../../../src/account/identity.js';
import { judgeRoot, readAccountSummary } from '../../../src/account/root.js';
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
    expect(judgeRoot(await readAccountSummary(fakeAws(account)))).toEqual({ mfa: false, accessKeys: true, noCredentials: false });
  });

  it('judges root the same from the summary alone (init) and with the credential report (audit)', () => {
    const noPassword = { AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountMFAEnabled: 0 };
    expect(judgeRoot(noPassword)).toEqual({ mfa: false, accessKeys: false, noCredentials: true });
    // The report's not_supported says nothing; its false does.
    expect(judgeRoot({ AccountAccessKeysPresent: 0 }, { password_enabled: 'not_supported' }).noCredentials).toBe(false);
    expect(judgeRoot({ AccountAccessKeysPresent: 0 }, { password_enabled: 'false' }).noCredentials).toBe(true);
    // A key either source reports is a credential.
    expect(judgeRoot(noPassword, { password_enabled: 'false', access_key_2_active: 'true' })).toEqual({ mfa: false, accessKeys: true, noCredentials: false });
  });
});
