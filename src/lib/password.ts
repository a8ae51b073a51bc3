import { randomInt } from 'node:crypto';
import { IMPLICIT_AWS_RULES, type PasswordPolicy } from './password-policy.js';

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
/** The non-alphanumeric characters IAM counts as symbols for RequireSymbols. */
const SYMBOLS = "!@#$%^&*()_+-=[]{}|'";
const CLASSES = [UPPER, LOWER, DIGITS, SYMBOLS];
const ALL = CLASSES.join('');
const FORMULA_START = ['=', '+', '-', '@'];

/** Generated passwords are at least this long even when the policy asks for less. */
const GENERATED_MIN_LENGTH = 20;

export type RandomInt = (maxExclusive: number) => number;

/**
 * A crypto-random password that satisfies `policy` (or AWS's implicit rules when there is no custom policy):
 * every character class is always present, so any combination of Require* flags holds.
 * Look-alike characters (0/O, 1/l/I) are left out because people copy it from a CSV by eye.
 */
export function generatePassword(policy: PasswordPolicy | undefined, random: RandomInt = randomInt): string {
  const minLength = policy?.MinimumPasswordLength ?? IMPLICIT_AWS_RULES.MinimumPasswordLength;
  const length = Math.min(128, Math.max(GENERATED_MIN_LENGTH, minLength));
  const chars = CLASSES.map((set) => set[random(set.length)] as string);
  while (chars.length < length) chars.push(ALL[random(ALL.length)] as string);
  // Fisher–Yates, so the guaranteed characters are not always at the front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  // A spreadsheet reads a cell starting with = + - @ as a formula (the CSV is often opened in one): swap such a
  // first character with the first one that is safe.
  if (FORMULA_START.includes(chars[0] as string)) {
    const safe = chars.findIndex((c) => !FORMULA_START.includes(c));
    [chars[0], chars[safe]] = [chars[safe] as string, chars[0] as string];
  }
  return chars.join('');
}

/** Why `password` would be rejected under `policy` (empty when it is acceptable). */
export function passwordViolations(password: string, policy: PasswordPolicy | undefined): string[] {
  const problems: string[] = [];
  const has = {
    upper: /[A-Z]/.test(password),
    lower: /[a-z]/.test(password),
    number: /[0-9]/.test(password),
    symbol: /[^A-Za-z0-9]/.test(password),
  };
  if (!policy) {
    if (password.length < IMPLICIT_AWS_RULES.MinimumPasswordLength) {
      problems.push(`is shorter than ${IMPLICIT_AWS_RULES.MinimumPasswordLength} characters`);
    }
    const classes = Object.values(has).filter(Boolean).length;
    if (classes < IMPLICIT_AWS_RULES.classesRequired) {
      problems.push('needs three of: uppercase letters, lowercase letters, numbers, symbols');
    }
    return problems;
  }
  if (password.length < policy.MinimumPasswordLength) {
    problems.push(`is shorter than ${policy.MinimumPasswordLength} characters`);
  }
  if (policy.RequireUppercaseCharacters && !has.upper) problems.push('needs an uppercase letter');
  if (policy.RequireLowercaseCharacters && !has.lower) problems.push('needs a lowercase letter');
  if (policy.RequireNumbers && !has.number) problems.push('needs a number');
  if (policy.RequireSymbols && !has.symbol) problems.push('needs a symbol');
  return problems;
}
