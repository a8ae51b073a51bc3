import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ListRegionsCommand } from '@aws-sdk/client-account';
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

describe("an answer that is not AWS's", () => {
  it('an HTML error page reads the same from a JSON service (Account) as from a query service (IAM): status, page, endpoint', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const clients = createAwsClients({ region: 'us-east-1', endpointUrl: endpoint, maxAttempts: 1, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
      const fromAccount = await clients.account.send(new ListRegionsCommand({})).catch((e: unknown) => e);
      const fromIam = await clients.iam.send(new ListAccountAliasesCommand({})).catch((e: unknown) => e);
      const reason = (service: string) => `${service} at ${endpoint} answered HTTP 502 with an HTML page (a proxy, a firewall, a stopped emulator or a wrong --endpoint-url?)`;
      expect(describeError(fromAccount).message).toBe(`Error: account:ListRegions failed: ${reason('account')}`);
      expect(describeError(fromIam).message).toBe(`Error: iam:ListAccountAliases failed: ${reason('iam')}`);
    } finally {
      server.close();
    }
  });
});
