/** Account alias and password policy checks: the same thresholds init's `cis` preset applies. */
import { CIS_POLICY } from '../lib/password-policy.js';
import { fail, initFix, pass, type Check, type FixContext } from './types.js';

const FIX = (fix: FixContext) => initFix(fix, '--only password-policy --password-policy cis');

export const accountChecks: Check[] = [
  {
    id: 'account-alias',
    title: 'Account alias is set',
    passesWhen: 'an account alias is set',
    severity: 'low',
    mappings: {},
    remediation: (fix) => initFix(fix, '--only account-alias --alias <alias>'),
    async run(s) {
      const alias = await s.alias();
      return alias ? pass(`alias ${alias}`) : fail('no account alias: the sign-in URL shows the account id');
    },
  },
  {
    id: 'password-policy',
    title: 'Custom password policy exists',
    passesWhen: 'a custom password policy exists (its values are the next three checks)',
    severity: 'medium',
    // Not Security Hub IAM.7: its rule also demands specific values, which password-length/-reuse/-complexity check.
    mappings: { ssb: ['ACCT.06'] },
    remediation: FIX,
    async run(s) {
      return (await s.passwordPolicy()) ? pass('a custom password policy exists') : fail('no custom password policy: AWS default (8 characters) applies');
    },
  },
  {
    id: 'password-length',
    title: `Minimum password length ≥ ${CIS_POLICY.MinimumPasswordLength}`,
    passesWhen: 'minimum password length ≥ 14',
    severity: 'medium',
    mappings: { 'cis-7.0': ['2.8'], 'cis-5.0': ['1.7'], 'cis-3.0': ['1.8'], 'security-hub': ['IAM.15', 'IAM.7'], ssb: ['ACCT.06'] },
    remediation: FIX,
    async run(s) {
      const p = await s.passwordPolicy();
      const length = p?.MinimumPasswordLength ?? 8;
      const text = `minimum length ${length}${p ? '' : ' (AWS default)'}`;
      return length >= CIS_POLICY.MinimumPasswordLength ? pass(text) : fail(text);
    },
  },
  {
    id: 'password-reuse',
    title: `Password reuse prevention = ${CIS_POLICY.PasswordReusePrevention}`,
    passesWhen: 'password reuse prevention = 24',
    severity: 'medium',
    mappings: { 'cis-7.0': ['2.9'], 'cis-5.0': ['1.8'], 'cis-3.0': ['1.9'], 'security-hub': ['IAM.16'], ssb: ['ACCT.06'] },
    remediation: FIX,
    async run(s) {
      const reuse = (await s.passwordPolicy())?.PasswordReusePrevention;
      const wanted = CIS_POLICY.PasswordReusePrevention ?? 24;
      if (reuse !== undefined && reuse >= wanted) return pass(`remembers ${reuse} passwords`);
      return fail(reuse ? `remembers only ${reuse} passwords` : 'no password reuse prevention');
    },
  },
  {
    id: 'password-complexity',
    title: 'Passwords need upper, lower, number and symbol',
    passesWhen: 'upper, lower, number and symbol required',
    severity: 'low',
    mappings: { 'security-hub': ['IAM.11', 'IAM.12', 'IAM.13', 'IAM.14', 'IAM.7'], ssb: ['ACCT.06'] },
    remediation: FIX,
    async run(s) {
      const p = await s.passwordPolicy();
      const missing = [
        !p?.RequireUppercaseCharacters && 'uppercase',
        !p?.RequireLowercaseCharacters && 'lowercase',
        !p?.RequireNumbers && 'number',
        !p?.RequireSymbols && 'symbol',
      ].filter((m): m is string => Boolean(m));
      return missing.length ? fail(`not required: ${missing.join(', ')}`) : pass('all four character classes required');
    },
  },
];
