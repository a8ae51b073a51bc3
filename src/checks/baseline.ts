/** The account baseline init sets beyond IAM users: the security contact (CIS v7.0.0 2.3) and Access Analyzer (CIS v7.0.0 2.18). */
import { arnsIn } from '../account/arns.js';
import { fail, failWith, initFix, pass, type Check } from './types.js';

export const baselineChecks: Check[] = [
  {
    id: 'security-contact',
    title: 'A security contact is set',
    passesWhen: 'a SECURITY alternate contact is set',
    severity: 'medium',
    mappings: { 'cis-7.0': ['2.3'], 'cis-5.0': ['1.2'], 'cis-3.0': ['1.2'], 'security-hub': ['Account.1'], ssb: ['ACCT.01'] },
    remediation: (fix) =>
      `${initFix(fix, '--only security-contact --security-contact-email <email> --security-contact-phone <phone>')} (or: aws account put-alternate-contact --alternate-contact-type SECURITY --email-address <email> --name <name> --phone-number <phone> --title Security)`,
    async run(s) {
      const contact = await s.securityContact();
      return contact ? pass(`SECURITY contact ${contact.name} <${contact.email}>`) : fail('no SECURITY alternate contact: AWS has nobody to tell about a security issue but the root email');
    },
  },
  {
    id: 'access-analyzer',
    title: 'IAM Access Analyzer is on in every enabled region',
    passesWhen: 'every enabled region has an ACTIVE external-access analyzer (the detail names the regions without one)',
    severity: 'medium',
    mappings: { 'cis-7.0': ['2.18'], 'cis-5.0': ['1.19'], 'cis-3.0': ['1.20'], 'security-hub': ['IAM.28'] },
    remediation: (fix) => `${initFix(fix, '--only access-analyzer')} creates one in every enabled region (or: aws accessanalyzer create-analyzer --analyzer-name iam-bootstrap --type ACCOUNT --region <region>)`,
    async run(s) {
      const coverage = await s.analyzerCoverage();
      const missing = coverage.filter((c) => !c.active).map((c) => c.region);
      if (!missing.length) return pass(`an ACTIVE analyzer in each of ${coverage.length} enabled regions`);
      const arn = (region: string) => arnsIn(s.account.partition).regionAnalyzers(region, s.account.accountId);
      return failWith(
        missing.map((region) => ({ resource: arn(region), text: `${region}: no ACTIVE analyzer` })),
        {
          note: ` (${missing.length} of ${coverage.length} enabled regions)`,
          remediation: [
            initFix(s.fix, `--only access-analyzer --access-analyzer-regions ${missing.join(',')}`),
            ...missing.map((r) => `or: aws accessanalyzer create-analyzer --analyzer-name iam-bootstrap --type ACCOUNT --region ${r}`),
          ].join('\n'),
        },
      );
    },
  },
];
