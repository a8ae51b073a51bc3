/** The account baseline init sets beyond IAM users: the security contact (CIS 1.2) and Access Analyzer (CIS 1.20). */
import { arnsIn } from '../account/arns.js';
import { fail, listSome, pass, type Check } from './types.js';

export const baselineChecks: Check[] = [
  {
    id: 'security-contact',
    title: 'A security contact is set',
    severity: 'medium',
    references: ['CIS 1.2'],
    remediation:
      'iam-bootstrap init --security-contact-email <email> --security-contact-phone <phone> (or: aws account put-alternate-contact --alternate-contact-type SECURITY --email-address <email> --name <name> --phone-number <phone> --title Security)',
    async run(s) {
      const contact = await s.securityContact();
      return contact ? pass(`SECURITY contact ${contact.name} <${contact.email}>`) : fail('no SECURITY alternate contact: AWS has nobody to tell about a security issue but the root email');
    },
  },
  {
    id: 'access-analyzer',
    title: 'IAM Access Analyzer is on in every enabled region',
    severity: 'medium',
    references: ['CIS 1.20', 'IAM.28'],
    remediation: 'iam-bootstrap init creates one in every enabled region (or: aws accessanalyzer create-analyzer --analyzer-name iam-bootstrap --type ACCOUNT --region <region>)',
    async run(s) {
      const coverage = await s.analyzerCoverage();
      const missing = coverage.filter((c) => !c.active).map((c) => c.region);
      if (!missing.length) return pass(`an ACTIVE analyzer in each of ${coverage.length} enabled regions`);
      const arn = (region: string) => arnsIn(s.account.partition).regionAnalyzers(region, s.account.accountId);
      return fail(
        `no ACTIVE analyzer in ${missing.length} of ${coverage.length} enabled regions: ${listSome(missing, 8)}`,
        missing.map(arn),
        missing.map((r) => `aws accessanalyzer create-analyzer --analyzer-name iam-bootstrap --type ACCOUNT --region ${r}`).join('\n'),
      );
    },
  },
];
