import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import type { GlobalOptions } from '../../src/options.js';
import { RuntimeError, UsageError } from '../../src/errors.js';
import { checkGlobalOptions, enterAccount } from '../../src/create-context.js';
import { awsError } from '../support/fake-aws.js';

const globals = (g: Partial<GlobalOptions>): GlobalOptions => ({ color: false, ...g });

describe('--account, --role-name, --role-arn, --external-id', () => {
  it.each([
    [{ account: '1234' }, '--account: "1234" is not a 12-digit account id.'],
    [{ account: '111122223333', roleName: 'bad name' }, '--role-name: "bad name" is not a valid IAM role name.'],
    [{ roleArn: 'arn:aws:iam::1111:role/x' }, '--role-arn: "arn:aws:iam::1111:role/x" is not an IAM role ARN'],
    [{ roleArn: 'arn:aws:iam::111122223333:role/x', roleName: 'y' }, '--role-arn: names the role already; leave out --role-name.'],
    [{ roleArn: 'arn:aws:iam::111122223333:role/x', account: '222233334444' }, '--role-arn: the role is in account 111122223333, not --account 222233334444.'],
    [{ externalId: 'abc' }, '--external-id: needs --account or --role-arn.'],
    [{ account: '111122223333', externalId: 'x' }, '--external-id: must be 2-1224'],
  ])('%j is a usage error before any AWS call', (g, message) => {
    expect(() => checkGlobalOptions(globals(g))).toThrow(UsageError);
    expect(() => checkGlobalOptions(globals(g))).toThrow(message);
  });

  function own() {
    const sts = new STSClient({ region: 'us-east-1' });
    const mock = mockClient(sts);
    mock.on(GetCallerIdentityCommand).resolves({ Account: '999988887777', Arn: 'arn:aws:iam::999988887777:user/ops' });
    return { clients: { sts } as unknown as AwsClients, mock };
  }

  it('assumes OrganizationAccountAccessRole (or --role-name) in --account, with the external id, and says through what', async () => {
    const { clients, mock } = own();
    mock.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) } });
    const made: string[] = [];
    const entered = await enterAccount(globals({ account: '111122223333', externalId: 'ext-42' }), clients, (_c, account) => {
      made.push(account);
      return {} as AwsClients;
    });
    expect(mock.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: 'arn:aws:iam::111122223333:role/OrganizationAccountAccessRole',
      ExternalId: 'ext-42',
      DurationSeconds: 3600,
    });
    expect(made).toEqual(['111122223333']);
    expect(entered.actingThrough).toEqual({
      callerArn: 'arn:aws:iam::999988887777:user/ops',
      roleArn: 'arn:aws:iam::111122223333:role/OrganizationAccountAccessRole',
      accountId: '111122223333',
    });
  });

  it('a role that cannot be assumed: exit 3 naming the ARN and the likely causes', async () => {
    const { clients, mock } = own();
    mock.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 'User: arn:aws:iam::999988887777:user/ops is not authorized to perform: sts:AssumeRole', 403));
    const err = await enterAccount(globals({ roleArn: 'arn:aws:iam::111122223333:role/Auditor' }), clients, () => ({}) as AwsClients).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).message).toMatch(/^cannot assume arn:aws:iam::111122223333:role\/Auditor: AccessDenied/);
    expect((err as RuntimeError).suggestion).toMatch(/the role does not exist in account 111122223333.*management account.*--external-id.*service control policy/s);
  });
});
