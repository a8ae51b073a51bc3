/** Policy, role and certificate checks. */
import { arnsIn, MANAGED_POLICY } from '../account/arns.js';
import { fail, failWith, initFix, pass, skip, type Check } from './types.js';

export const policyChecks: Check[] = [
  {
    id: 'admin-customer-policies',
    title: 'No customer policy allows * on *',
    passesWhen: 'no customer-managed policy allows `*` on `*`',
    severity: 'high',
    mappings: { 'cis-7.0': ['2.14'], 'cis-5.0': ['1.15'], 'cis-3.0': ['1.16'], 'security-hub': ['IAM.1'], ssb: ['ACCT.04'] },
    remediation: 'Replace "Action": "*" on "Resource": "*" with the actions needed; give real administrators the AWS-managed AdministratorAccess through a group.',
    async run(s) {
      const broad = (await s.customerPolicies()).filter((p) => p.allowsEverything);
      if (!broad.length) return pass('no customer-managed policy allows every action on every resource');
      return failWith(broad.map((p) => ({ resource: p.arn, text: `${p.name}: allows * on * (attached ${p.attachmentCount} times)` })));
    },
  },
  {
    id: 'support-role',
    title: 'A role for AWS Support exists',
    passesWhen: 'some role has `AWSSupportAccess` attached',
    severity: 'low',
    mappings: { 'cis-7.0': ['2.15'], 'cis-5.0': ['1.16'], 'cis-3.0': ['1.17'], 'security-hub': ['IAM.18'] },
    remediation: (fix) =>
      `${initFix(fix, '--only support-role')} (or: aws iam create-role --role-name AWSSupportRole --assume-role-policy-document <trust policy for your admins> && aws iam attach-role-policy --role-name AWSSupportRole --policy-arn ${arnsIn(fix.partition).awsManagedPolicy(MANAGED_POLICY.supportAccess)})`,
    async run(s) {
      const roles = await s.supportRoles();
      return roles.length ? pass(`AWSSupportAccess is attached to ${roles.join(', ')}`) : fail('no role has AWSSupportAccess');
    },
  },
  {
    id: 'expired-certificates',
    title: 'No expired server certificates',
    passesWhen: 'no IAM server certificate has expired',
    severity: 'medium',
    mappings: { 'cis-7.0': ['2.17'], 'cis-5.0': ['1.18'], 'cis-3.0': ['1.19'], 'security-hub': ['IAM.26'] },
    remediation: 'aws iam delete-server-certificate --server-certificate-name <name>',
    async run(s, settings) {
      const certs = await s.serverCertificates();
      const expired = certs.filter((c) => c.Expiration && c.Expiration.getTime() < settings.now.getTime());
      if (!expired.length) return pass(certs.length ? `${certs.length} server certificate(s), none expired` : 'no server certificates');
      return failWith(expired.map((c) => ({ resource: c.Arn ?? '', text: `${c.ServerCertificateName}: expired ${c.Expiration?.toISOString().slice(0, 10)}` })));
    },
  },
  {
    id: 'root-credentials-management',
    title: 'Centralized root access is enabled',
    passesWhen: 'in the management account of an Organization: centralized root access is enabled (trusted access for IAM off, or an Organization without all features, is `fail`); elsewhere `skip`',
    severity: 'medium',
    mappings: { 'cis-7.0': ['2.1.1'] },
    remediation: (fix) =>
      `From the management account: ${initFix(fix, '--only root-access --centralize-root-access')} (trusted access for IAM in Organizations, then aws iam enable-organizations-root-credentials-management and enable-organizations-root-sessions).`,
    async run(s) {
      if (s.account.organization.role !== 'management') {
        return skip(
          s.account.organization.role === 'unknown'
            ? 'Organization role unknown (no organizations:DescribeOrganization permission)'
            : 'only checked in the management account of an Organization',
        );
      }
      const features = await s.organizationsFeatures();
      if ('notEnabled' in features) return fail(features.notEnabled);
      return features.enabled.includes('RootCredentialsManagement')
        ? pass(`enabled features: ${features.enabled.join(', ')}`)
        : fail('root credentials management is not enabled for the Organization');
    },
  },
];
