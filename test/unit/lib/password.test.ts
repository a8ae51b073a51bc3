import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generatePassword, passwordViolations } from '../../../src/lib/password.js';
import { CIS_POLICY, type PasswordPolicy } from '../../../src/lib/password-policy.js';
import { checkPasswordCharacters } from '../../../src/lib/rules.js';

function randomPolicy(): PasswordPolicy {
  return {
    MinimumPasswordLength: 6 + randomInt(123),
    RequireSymbols: randomInt(2) === 1,
    RequireNumbers: randomInt(2) === 1,
    RequireUppercaseCharacters: randomInt(2) === 1,
    RequireLowercaseCharacters: randomInt(2) === 1,
    AllowUsersToChangePassword: true,
    HardExpiry: false,
  };
}

describe('generatePassword', () => {
  it('never starts with a character a spreadsheet reads as a formula (= + - @), over 2,000 passwords', () => {
    // Without the rule about 1 in 19 would: the first character is drawn from 77, four of them formula starters.
    for (let i = 0; i < 2000; i++) expect(generatePassword(CIS_POLICY)[0]).not.toMatch(/[=+\-@]/);
  });

  it('always satisfies the policy it was generated for (2,000 random policies)', () => {
    for (let i = 0; i < 2000; i++) {
      const policy = randomPolicy();
      const password = generatePassword(policy);
      expect(passwordViolations(password, policy), `${password} for ${JSON.stringify(policy)}`).toEqual([]);
      expect(checkPasswordCharacters(password)).toBeUndefined();
    }
  });

  it("satisfies AWS's implicit rules when no custom policy exists", () => {
    for (let i = 0; i < 200; i++) expect(passwordViolations(generatePassword(undefined), undefined)).toEqual([]);
  });

  it('is at least 20 characters, longer when the policy asks, and never over 128', () => {
    expect(generatePassword(CIS_POLICY).length).toBe(20);
    expect(generatePassword({ ...CIS_POLICY, MinimumPasswordLength: 40 }).length).toBe(40);
    expect(generatePassword({ ...CIS_POLICY, MinimumPasswordLength: 128 }).length).toBe(128);
  });

  it('differs between calls (it is random, not fixed)', () => {
    const seen = new Set(Array.from({ length: 50 }, () => generatePassword(CIS_POLICY)));
    expect(seen.size).toBe(50);
  });

  it('still contains every character class when the random source always picks the first character', () => {
    const password = generatePassword(CIS_POLICY, () => 0);
    expect(passwordViolations(password, CIS_POLICY)).toEqual([]);
  });
});

describe('passwordViolations', () => {
  it('names each rule a password breaks', () => {
    expect(passwordViolations('short', CIS_POLICY)).toEqual([
      'is shorter than 14 characters',
      'needs an uppercase letter',
      'needs a number',
      'needs a symbol',
    ]);
  });

  it('applies the three-of-four rule when there is no custom policy', () => {
    expect(passwordViolations('alllowercase', undefined)).toEqual([
      'needs three of: uppercase letters, lowercase letters, numbers, symbols',
    ]);
    expect(passwordViolations('Lower1case', undefined)).toEqual([]);
  });
});
