/** The account as others see it: resources shared outside it, who AWS can reach, and the Organization's guardrails. */
import { ALTERNATE_CONTACT_TYPES, PRIMARY_CONTACT_FIELDS } from '../account/contacts.js';
import { fail, failWith, initFix, pass, skip, type Check, type Finding } from './types.js';

/** "AWS::S3::Bucket" → "S3 bucket": details read as words. */
function typeLabel(resourceType: string | undefined): string {
  const [, service = '', kind = ''] = (resourceType ?? 'unknown').split('::');
  return `${service} ${kind.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`.trim() || 'resource';
}

export const exposureChecks: Check[] = [
  {
    id: 'account-contacts',
    title: 'Account contacts are current',
    passesWhen:
      'the primary contact has a name, address, postal code, country and phone, and the BILLING, OPERATIONS and SECURITY alternate contacts are set, not all to the same address',
    severity: 'low',
    mappings: { 'cis-7.0': ['2.2'], 'cis-5.0': ['1.1'], 'cis-3.0': ['1.1'], ssb: ['ACCT.01'] },
    remediation: (fix) =>
      `aws account put-contact-information --contact-information FullName=…,AddressLine1=…,City=…,PostalCode=…,CountryCode=…,PhoneNumber=… and aws account put-alternate-contact --alternate-contact-type BILLING|OPERATIONS --email-address <team list> --name … --phone-number … --title … (${initFix(fix, '--only security-contact')} sets the SECURITY one)`,
    async run(s) {
      const [primary, alternates] = await Promise.all([s.primaryContact(), s.alternateContacts()]);
      const problems: string[] = [];
      if (!primary) problems.push('no primary contact');
      else {
        const missing = PRIMARY_CONTACT_FIELDS.filter((f) => !primary[f]?.trim());
        if (missing.length) problems.push(`the primary contact lacks ${missing.join(', ')}`);
      }
      const unset = ALTERNATE_CONTACT_TYPES.filter((t) => !alternates[t]);
      if (unset.length) problems.push(`no ${unset.join(', ')} alternate contact`);
      const emails = ALTERNATE_CONTACT_TYPES.map((t) => alternates[t]?.email.toLowerCase()).filter((e): e is string => !!e);
      if (emails.length === ALTERNATE_CONTACT_TYPES.length && new Set(emails).size === 1) {
        problems.push(`BILLING, OPERATIONS and SECURITY all go to ${emails[0]}: one inbox is one person on holiday`);
      }
      if (problems.length) return fail(problems.join('; '));
      return pass(`primary contact complete; alternate contacts ${ALTERNATE_CONTACT_TYPES.map((t) => `${t} ${alternates[t]?.email}`).join(', ')}`);
    },
  },
  {
    id: 'public-access-findings',
    title: 'No resource is shared outside the account',
    passesWhen:
      'the external-access analyzer of every enabled region has no ACTIVE finding (a resource shared publicly or with another account); `error` naming the regions without an analyzer',
    severity: 'high',
    mappings: { 'cis-7.0': ['2.21'] },
    remediation:
      'Review each finding in IAM Access Analyzer: remove the public or cross-account statement from the resource\'s policy, or archive the finding when the sharing is intended (an archive rule keeps it from coming back).',
    async run(s) {
      const regions = await s.accessFindings();
      const missing = regions.filter((r) => !r.findings).map((r) => r.region);
      if (missing.length) {
        throw new Error(`no active external-access analyzer in ${missing.join(', ')}, so what is shared there cannot be read; create one (init --only access-analyzer)`);
      }
      const findings: Finding[] = regions.flatMap((r) =>
        (r.findings ?? []).map((f) => ({
          resource: f.resource ?? f.id ?? '',
          text: `${typeLabel(f.resourceType)} ${f.resource?.split(/[:/]/).pop() ?? f.id} (${r.region}): ${f.isPublic ? 'public' : `shared with ${Object.values(f.principal ?? {}).join(', ') || 'another account'}`}`,
        })),
      );
      if (!findings.length) return pass(`no active finding in ${regions.length} region(s)`);
      const byType = new Map<string, number>();
      for (const r of regions) for (const f of r.findings ?? []) byType.set(typeLabel(f.resourceType), (byType.get(typeLabel(f.resourceType)) ?? 0) + 1);
      const summary = [...byType].map(([type, n]) => `${n} ${type}`).join(', ');
      return failWith(findings, { lead: `${summary} shared outside the account: ` });
    },
  },
  {
    id: 'organization-guardrails',
    title: 'Every account is under a service control policy',
    passesWhen:
      'in the management account: service control policies are enabled and every ACTIVE account is under at least one other than `FullAWSAccess` (its own, an OU\'s or the root\'s); the detail says whether resource control policies are in use; elsewhere `skip`',
    severity: 'medium',
    mappings: { 'cis-7.0': ['2.1.2'] },
    remediation:
      'Enable service control policies (aws organizations enable-policy-type --root-id <r-…> --policy-type SERVICE_CONTROL_POLICY), then attach a baseline SCP (deny leaving the Organization, disabling CloudTrail or GuardDuty, root use) to the root or to every OU.',
    async run(s) {
      if (s.account.organization.role !== 'management') {
        return skip(
          s.account.organization.role === 'member'
            ? 'only checked in the management account, which sees every account\'s policies'
            : s.account.organization.role === 'none'
              ? 'not in an AWS Organization'
              : 'Organization role unknown (no organizations:DescribeOrganization permission)',
        );
      }
      const g = await s.guardrails();
      const rcp = g.rcps === undefined ? 'resource control policies could not be listed' : g.rcps.length ? `resource control policies in use: ${g.rcps.join(', ')}` : 'no resource control policy in use';
      if (!g.scpEnabled) return fail(`service control policies are not enabled on the Organization's root; ${rcp}`);
      const bare = g.accounts.filter((a) => !a.scps.length);
      if (!bare.length) return pass(`all ${g.accounts.length} account(s) are under a service control policy other than FullAWSAccess; ${rcp}`);
      return failWith(
        bare.map((a) => ({ resource: a.id, text: `${a.id}${a.name ? ` (${a.name})` : ''}` })),
        { lead: 'only FullAWSAccess applies to ', note: `; ${rcp}` },
      );
    },
  },
];
