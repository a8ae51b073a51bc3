import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/errors.js';
import { parseInitFlags, parseStdinPassword, type InitFlags } from '../../../../src/commands/init/options.js';

const scripted: InitFlags = { yes: true, adminUser: 'alice', mfaSecretFile: 'alice.otp' };
const parse = (flags: InitFlags, given: (keyof InitFlags)[] = []) =>
  parseInitFlags(flags, (name) => given.includes(name) || flags[name] !== undefined);

describe('parseInitFlags', () => {
  it('accepts a complete scripted run and fills the defaults', () => {
    const r = parse(scripted);
    expect(r).toMatchObject({ yes: true, adminUser: 'alice', requireMfa: true, mfa: true });
    expect(r.adminPolicies).toBeUndefined(); // AdministratorAccess of the caller's partition, known once the caller is
    expect(r.preset).toBeUndefined();
  });

  it.each<[string, InitFlags, RegExp]>([
    ['bad alias', { alias: 'Bad_Alias' }, /^--alias: "Bad_Alias" may contain only lowercase/],
    ['12-digit alias', { alias: '123456789012' }, /^--alias: .*12-digit/],
    ['unknown preset', { passwordPolicy: 'nist' }, /^--password-policy: unknown preset "nist"; choose cis or aws-default/],
    ['contact email', { securityContactEmail: 'security.example.com' }, /^--security-contact-email: "security.example.com" is not an email address/],
    ['contact name too long', { securityContactName: 'n'.repeat(65) }, /^--security-contact-name: .* must be 1 to 64 characters long/],
    ['contact phone letters', { securityContactPhone: '+1 555 CALL' }, /^--security-contact-phone: "\+1 555 CALL" may contain only digits/],
    ['contact phone too long', { securityContactPhone: '1'.repeat(26) }, /^--security-contact-phone: .* must be 1 to 25 characters long/],
    ['contact title too long', { securityContactTitle: 't'.repeat(51) }, /^--security-contact-title: .* must be 1 to 50 characters long/],
    ['no contact with contact values', { securityContact: false, securityContactEmail: 'a@b.co' }, /^--no-security-contact: cannot be combined/],
    ['support role name', { supportRole: 'Support Role' }, /^--support-role: "Support Role" may contain only letters/],
    ['analyzer region', { accessAnalyzerRegions: 'us-east-1,mars-north-1x' }, /^--access-analyzer-regions: "mars-north-1x" is not an AWS region name/],
    ['analyzer region twice', { accessAnalyzerRegions: 'us-east-1,us-east-1' }, /^--access-analyzer-regions: a region is given twice/],
    ['analyzer name', { accessAnalyzerName: '1st' }, /^--access-analyzer-name: "1st" must start with a letter/],
    ['no analyzer with analyzer values', { accessAnalyzer: false, organizationAnalyzer: true }, /^--no-access-analyzer: cannot be combined/],
    ['length too small', { minPasswordLength: '5' }, /^--min-password-length: "5" must be from 6 to 128/],
    ['length too large', { minPasswordLength: '129' }, /^--min-password-length: "129" must be from 6 to 128/],
    ['reuse out of range', { passwordReusePrevention: '25' }, /^--password-reuse-prevention: "25" must be from 1 to 24/],
    ['max age out of range', { maxPasswordAge: '0' }, /^--max-password-age: "0" must be from 1 to 1095/],
    ['max age not a number', { maxPasswordAge: '90d' }, /^--max-password-age: "90d" must be a whole number/],
    ['hard expiry without age', { hardExpiry: true }, /^--hard-expiry: needs --max-password-age/],
    ['policy flags with --no-password-policy', { passwordPolicy: false, minPasswordLength: '20' }, /^--no-password-policy: cannot be combined/],
    ['bad group name', { adminGroup: 'Admin Group' }, /^--admin-group: "Admin Group" may contain only/],
    ['malformed policy ARN', { adminPolicy: ['AdministratorAccess'] }, /^--admin-policy: "AdministratorAccess" must be an IAM policy ARN/],
    ['bad user name', { adminUser: 'IAM Admin' }, /^--admin-user: "IAM Admin" may contain only/],
    ['malformed tag', { tag: ['team'] }, /^--tag: "team" must look like key=value/],
    ['duplicate tag', { tag: ['a=1', 'a=2'] }, /^--tag: the same key is given twice/],
    ['bad MFA device name', { mfaDeviceName: 'my phone' }, /^--mfa-device-name: "my phone" may contain only/],
  ])('rejects a %s, naming the flag and the rule', (_what, flags, message) => {
    const run = () => parse({ ...scripted, ...flags });
    expect(run).toThrow(UsageError);
    expect(run).toThrow(message);
  });

  it('requires --admin-user with --yes', () => {
    expect(() => parse({ yes: true, mfa: false }, ['mfa'])).toThrow(/^--yes: needs --admin-user/);
  });

  it('requires --mfa-secret-file or --no-mfa with --yes', () => {
    expect(() => parse({ yes: true, adminUser: 'alice' })).toThrow(/^--yes: MFA enrolment needs a person.*--mfa-secret-file.*--no-mfa/);
    expect(parse({ yes: true, adminUser: 'alice', mfa: false }, ['mfa']).mfa).toBe(false);
  });

  it('rejects contradictory MFA and console flags', () => {
    expect(() => parse({ ...scripted, mfaSecretFile: undefined, mfa: false, qrPng: 'x.png' }, ['mfa'])).toThrow(/^--no-mfa: cannot be combined/);
    expect(() => parse({ ...scripted, passwordStdin: true, consoleAccess: false }, ['consoleAccess'])).toThrow(
      /^--password-stdin: cannot be combined with --no-console-access/,
    );
  });

  it('records explicit password settings, including deliberate relaxations', () => {
    const r = parse({ ...scripted, minPasswordLength: '10', requireSymbols: false, maxPasswordAge: '90', hardExpiry: true });
    expect(r.explicitPolicy).toEqual({ MinimumPasswordLength: 10, RequireSymbols: false, MaxPasswordAge: 90, HardExpiry: true });
  });
});

describe('parseStdinPassword', () => {
  it('drops exactly one trailing newline', () => {
    expect(parseStdinPassword({ text: 'Secret-Pass-123\n', complete: true })).toBe('Secret-Pass-123');
    expect(parseStdinPassword({ text: 'Secret-Pass-123\r\n', complete: true })).toBe('Secret-Pass-123');
  });
  it('rejects empty input and characters IAM refuses', () => {
    expect(() => parseStdinPassword({ text: '\n', complete: true })).toThrow(/^--password-stdin: standard input was empty/);
    expect(() => parseStdinPassword({ text: 'pässwörd€', complete: true })).toThrow(/^--password-stdin: the password contains characters/);
  });
});
