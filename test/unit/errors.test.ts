import { describe, expect, it } from 'vitest';
import { AbortError, awsFailureReason, describeError, ExitWith, RuntimeError, UsageError } from '../../src/errors.js';

const awsErr = (name: string, message: string, call?: string) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 403 }, ...(call ? { $awsCall: call } : {}) });

describe('describeError', () => {
  it('maps usage errors to exit 2', () => {
    expect(describeError(new UsageError('--alias: bad'))).toEqual({ exitCode: 2, message: 'Error: --alias: bad' });
  });

  it('maps interruption to exit 130', () => {
    expect(describeError(new AbortError()).exitCode).toBe(130);
  });

  it('names the failing call and the action for AccessDenied, without a stack trace', () => {
    const { exitCode, message } = describeError(
      awsErr('AccessDenied', 'User: arn:aws:iam::1:user/x is not authorized to perform: iam:CreateUser', 'iam:CreateUser'),
    );
    expect(exitCode).toBe(3);
    expect(message).toContain('iam:CreateUser failed: AccessDenied: User: arn:aws:iam::1:user/x is not authorized');
    expect(message).toContain('not allowed to perform iam:CreateUser');
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('names an unparseable answer (an HTML error page) by its HTTP status, on one line', () => {
    // What the SDK throws when a 500 answer is not XML: name "Error", its hint appended on a second line.
    const err = Object.assign(
      new Error('@aws-sdk XML parse error: mismatched tags <html> and </title>.\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'),
      { $metadata: { httpStatusCode: 500 }, $awsCall: 'iam:ListOrganizationsFeatures' },
    );
    expect(awsFailureReason(err)).toBe('iam answered HTTP 500 with an answer AWS would not give (a proxy, a firewall, a stopped emulator or a wrong --endpoint-url?)');
    expect(describeError(err)).toEqual({
      exitCode: 3,
      message: 'Error: iam:ListOrganizationsFeatures failed: iam answered HTTP 500 with an answer AWS would not give (a proxy, a firewall, a stopped emulator or a wrong --endpoint-url?)',
    });
  });

  it('says the same of an HTML page whichever protocol the service speaks (JSON parsers throw a SyntaxError)', () => {
    const page = { status: 502, contentType: 'text/html; charset=utf-8', endpoint: 'http://127.0.0.1:4566' };
    const json = Object.assign(new SyntaxError('Unexpected token \'<\', "<html><bod"... is not valid JSON'), {
      $metadata: { httpStatusCode: 502 },
      $awsCall: 'account:ListRegions',
      $awsAnswer: page,
    });
    const query = Object.assign(new Error('Unknown'), { name: 'Unknown', $fault: 'client', $metadata: { httpStatusCode: 502 }, $awsCall: 'iam:ListUsers', $awsAnswer: page });
    const reason = (service: string) => `${service} at http://127.0.0.1:4566 answered HTTP 502 with an HTML page (a proxy, a firewall, a stopped emulator or a wrong --endpoint-url?)`;
    expect(awsFailureReason(json)).toBe(reason('account'));
    expect(awsFailureReason(query)).toBe(reason('iam'));
    expect(describeError(json).message).toBe(`Error: account:ListRegions failed: ${reason('account')}`);
  });

  it('gives credential advice for expired or invalid credentials', () => {
    const { exitCode, message } = describeError(awsErr('ExpiredTokenException', 'The security token included in the request is expired', 'sts:GetCallerIdentity'));
    expect(exitCode).toBe(3);
    expect(message).toMatch(/rejected or have expired/);
    expect(message).toMatch(/aws sso login/);
    expect(message).toMatch(/CloudShell/);
  });

  it('gives credential advice when no credentials are found at all', () => {
    const err = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const { exitCode, message } = describeError(err);
    expect(exitCode).toBe(3);
    expect(message).toMatch(/no AWS credentials found/);
    expect(message).toMatch(/--profile/);
    expect(message).toMatch(/AWS_ACCESS_KEY_ID/);
    expect(describeError(err, { profile: 'prod-admin' }).message).toMatch(/no AWS credentials found for profile "prod-admin"/);
  });

  it('strips the SDK Exception suffix when naming the reason', () => {
    expect(describeError(awsErr('NoSuchEntityException', 'The user with name bob cannot be found.', 'iam:GetUser')).message).toBe(
      'Error: iam:GetUser failed: NoSuchEntity: The user with name bob cannot be found.',
    );
  });

  it('maps runtime errors to exit 3 with their suggestion', () => {
    expect(describeError(new RuntimeError('codes did not match', 'Check the clock.'))).toEqual({
      exitCode: 3,
      message: 'Error: codes did not match\nCheck the clock.',
    });
  });

  it('passes a command result code through silently', () => {
    expect(describeError(new ExitWith(1))).toEqual({ exitCode: 1, message: '' });
  });
});
