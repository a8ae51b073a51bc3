import { Readable } from 'node:stream';
import { CreateUserCommand, ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createAwsClients, type AwsCallRecord } from '../../../src/aws/clients.js';
import { describeError } from '../../../src/errors.js';

/** A request handler that answers every call with a fixed HTTP response, so the real middleware stack runs. */
function answering(status: number, body: string) {
  return {
    handle: async () => ({
      response: { statusCode: status, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(body)]) },
    }),
  };
}

function clientsWith(status: number, body: string, calls: AwsCallRecord[]) {
  const clients = createAwsClients({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    onCall: (c) => calls.push(c),
  });
  (clients.iam.config as { requestHandler: unknown }).requestHandler = answering(status, body);
  return clients;
}

describe('AWS client instrumentation', () => {
  it('names the failing call on the error, so the message says which call and why', async () => {
    const calls: AwsCallRecord[] = [];
    const clients = clientsWith(
      403,
      '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/x is not authorized to perform: iam:CreateUser</Message></Error><RequestId>1</RequestId></ErrorResponse>',
      calls,
    );
    const err = await clients.iam.send(new CreateUserCommand({ UserName: 'bob' })).catch((e: unknown) => e);
    expect((err as { $awsCall?: string }).$awsCall).toBe('iam:CreateUser');
    expect(describeError(err).message).toMatch(/^Error: iam:CreateUser failed: AccessDenied: User: .* iam:CreateUser/);
    expect(calls).toEqual([expect.objectContaining({ service: 'iam', operation: 'CreateUser', outcome: 'AccessDenied', attempts: 1 })]);
  });

  it('reports service, operation, duration and outcome of successful calls, and nothing of the payload', async () => {
    const calls: AwsCallRecord[] = [];
    const clients = clientsWith(
      200,
      '<ListAccountAliasesResponse><ListAccountAliasesResult><AccountAliases><member>acme</member></AccountAliases><IsTruncated>false</IsTruncated></ListAccountAliasesResult></ListAccountAliasesResponse>',
      calls,
    );
    const out = await clients.iam.send(new ListAccountAliasesCommand({}));
    expect(out.AccountAliases).toEqual(['acme']);
    expect(calls).toHaveLength(1);
    expect(Object.keys(calls[0] as object).sort()).toEqual(['attempts', 'durationMs', 'operation', 'outcome', 'service']);
    expect(calls[0]).toMatchObject({ service: 'iam', operation: 'ListAccountAliases', outcome: 'ok' });
  });
});
