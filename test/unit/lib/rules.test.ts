import { describe, expect, it } from 'vitest';
import {
  checkAccountAlias,
  checkEndpointUrl,
  checkGroupName,
  checkPolicyArn,
  checkUserName,
  parseIntegerInRange,
  parseTag,
} from '../../../src/lib/rules.js';

describe('account alias rules', () => {
  it.each(['acme', 'acme-prod', 'a1b', 'x'.repeat(63), '123abc'])('accepts %s', (alias) => {
    expect(checkAccountAlias(alias)).toBeUndefined();
  });
  it.each([
    ['ab', /3 to 63/],
    ['x'.repeat(64), /3 to 63/],
    ['Acme', /lowercase/],
    ['-acme', /start and end/],
    ['acme-', /start and end/],
    ['ac--me', /single hyphens/],
    ['acme_prod', /lowercase/],
    ['123456789012', /12-digit/],
  ])('rejects %s', (alias, why) => {
    expect(checkAccountAlias(alias)).toMatch(why);
  });
});

describe('IAM names', () => {
  it('accepts the characters IAM allows in user and group names', () => {
    expect(checkUserName('first.last+ops=1,a@b_c-d')).toBeUndefined();
    expect(checkGroupName('Administrators')).toBeUndefined();
  });
  it('rejects spaces, slashes and over-long names', () => {
    expect(checkUserName('IAM Admin')).toMatch(/only letters/);
    expect(checkUserName('a/b')).toMatch(/only letters/);
    expect(checkUserName('x'.repeat(65))).toMatch(/1 to 64/);
    expect(checkGroupName('x'.repeat(129))).toMatch(/1 to 128/);
    expect(checkUserName('')).toMatch(/1 to 64/);
  });
});

describe('policy ARNs', () => {
  it.each([
    'arn:aws:iam::aws:policy/AdministratorAccess',
    'arn:aws:iam::123456789012:policy/team/Deploy',
    'arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess',
  ])('accepts %s', (arn) => expect(checkPolicyArn(arn)).toBeUndefined());
  it.each(['AdministratorAccess', 'arn:aws:iam::aws:role/x', 'arn:aws:s3:::bucket', 'arn:aws:iam::12345:policy/x'])(
    'rejects %s',
    (arn) => expect(checkPolicyArn(arn)).toMatch(/IAM policy ARN/),
  );
});

describe('tags', () => {
  it('splits on the first equals sign', () => {
    expect(parseTag('team=platform')).toEqual({ Key: 'team', Value: 'platform' });
    expect(parseTag('expr=a=b')).toEqual({ Key: 'expr', Value: 'a=b' });
    expect(parseTag('empty=')).toEqual({ Key: 'empty', Value: '' });
  });
  it.each([
    ['novalue', /key=value/],
    ['=x', /key=value/],
    ['aws:reserved=x', /reserved/],
    ['bad,key=x', /only letters/],
  ])('rejects %s', (text, why) => expect(parseTag(text)).toMatch(why));
});

describe('numbers and URLs', () => {
  it('parses whole numbers within range only', () => {
    expect(parseIntegerInRange('14', 6, 128)).toBe(14);
    expect(parseIntegerInRange('5', 6, 128)).toMatch(/from 6 to 128/);
    expect(parseIntegerInRange('12.5', 6, 128)).toMatch(/whole number/);
    expect(parseIntegerInRange('abc', 6, 128)).toMatch(/whole number/);
  });
  it('accepts http(s) endpoint URLs only', () => {
    expect(checkEndpointUrl('http://127.0.0.1:5000')).toBeUndefined();
    expect(checkEndpointUrl('localhost:5000')).toMatch(/http or https/);
    expect(checkEndpointUrl('not a url')).toMatch(/absolute URL/);
  });
});
