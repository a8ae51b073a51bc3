import { describe, expect, it } from 'vitest';
import { codeForStep, decodeSeed, groupSecret, matchCode, otpauthUri, timeStepAt } from '../../../src/lib/totp.js';

// RFC 6238 appendix B uses the ASCII key "12345678901234567890"; this is its base32 form.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP codes', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC 6238 SHA-1 vector at T=%i', async (t, expected) => {
    expect(await codeForStep(RFC_SECRET, Math.floor(t / 30), 8)).toBe(expected);
  });

  it('accepts the current step and one step either side, and reports which matched', async () => {
    const now = new Date(1111111109 * 1000);
    const step = timeStepAt(now);
    for (const offset of [-1, 0, 1]) {
      const code = await codeForStep(RFC_SECRET, step + offset);
      expect(await matchCode(RFC_SECRET, code, now)).toBe(step + offset);
    }
  });

  it('rejects codes two steps away, malformed codes and wrong codes', async () => {
    const now = new Date(1111111109 * 1000);
    const step = timeStepAt(now);
    expect(await matchCode(RFC_SECRET, await codeForStep(RFC_SECRET, step - 2), now)).toBeUndefined();
    expect(await matchCode(RFC_SECRET, await codeForStep(RFC_SECRET, step + 2), now)).toBeUndefined();
    expect(await matchCode(RFC_SECRET, '12345', now)).toBeUndefined();
    expect(await matchCode(RFC_SECRET, 'abcdef', now)).toBeUndefined();
    const right = await codeForStep(RFC_SECRET, step);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(await matchCode(RFC_SECRET, wrong, now)).toBeUndefined();
  });

  it('accepts a second code only from a step after the first', async () => {
    const now = new Date(1111111109 * 1000);
    const step = timeStepAt(now);
    const same = await codeForStep(RFC_SECRET, step);
    expect(await matchCode(RFC_SECRET, same, now, step)).toBeUndefined();
    const next = await codeForStep(RFC_SECRET, step + 1);
    expect(await matchCode(RFC_SECRET, next, now, step)).toBe(step + 1);
  });
});

describe('virtual MFA seed and URI', () => {
  it('decodes the seed bytes as base32 text, not as a raw key', () => {
    expect(decodeSeed(new TextEncoder().encode(RFC_SECRET))).toBe(RFC_SECRET);
    expect(decodeSeed(new TextEncoder().encode(`${RFC_SECRET}====`))).toBe(RFC_SECRET);
  });

  it('refuses seed bytes that are not base32 text', () => {
    expect(() => decodeSeed(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toThrow(/not base32/);
  });

  it('builds a key URI as short as apps accept: issuer AWS, the label\'s ":" and "@" as they are, the rest encoded', () => {
    expect(otpauthUri('ABCDEFGH', 'alice', 'acme-prod')).toBe('otpauth://totp/AWS:alice@acme-prod?secret=ABCDEFGH&issuer=AWS');
    // IAM user names may hold + = , which an app could misread unencoded.
    expect(otpauthUri('ABCDEFGH', 'a+b=c,d', '111122223333')).toBe('otpauth://totp/AWS:a%2Bb%3Dc%2Cd@111122223333?secret=ABCDEFGH&issuer=AWS');
    const url = new URL(otpauthUri('ABCDEFGH', 'alice', 'acme-prod'));
    expect([url.protocol, url.host, decodeURIComponent(url.pathname), url.searchParams.get('secret'), url.searchParams.get('issuer')]).toEqual(['otpauth:', 'totp', '/AWS:alice@acme-prod', 'ABCDEFGH', 'AWS']);
  });

  it('groups the secret in fours for typing, eight groups a line', () => {
    expect(groupSecret('ABCDEFGHIJKLMN')).toBe('ABCD EFGH IJKL MN');
    expect(groupSecret('A'.repeat(64)).split('\n')).toEqual(['AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA', 'AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA']);
  });
});
