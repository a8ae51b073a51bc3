/** IAM user checks: admins, MFA, and the age and use of passwords and access keys (credential report). */
import { accessKeys, daysBetween, isTrue, reportDate, type ReportRow } from '../account/credential-report.js';
import { arnsIn } from '../account/arns.js';
import type { AuditSources, UserPermissions } from '../audit/sources.js';
import { describeRolePath, rolePath } from './admin-path.js';
import { reportAge } from './root.js';
import { fail, failWith, initFix, listSome, pass, skip, type Check, type Finding } from './types.js';

async function rowsByUser(s: AuditSources): Promise<Map<string, ReportRow>> {
  const report = await s.credentialReport();
  return new Map(report.users.map((r) => [r.user ?? '', r]));
}

const arnOf = (row: ReportRow) => row.arn ?? '';

/**
 * Each administrator and whether it has MFA: from its report row, or — for a user created after the report was
 * generated, which has none — from its MFA devices read directly.
 */
async function adminsWithMfa(s: AuditSources): Promise<{ admin: UserPermissions; mfa: boolean; newer: boolean }[]> {
  const [users, rows] = await Promise.all([s.users(), rowsByUser(s)]);
  const admins = users.filter((u) => u.isAdmin);
  const newer = admins.some((a) => !rows.has(a.user.UserName ?? '')) ? await s.usersNewerThanReport() : [];
  return admins.map((admin) => {
    const name = admin.user.UserName ?? '';
    const row = rows.get(name);
    if (row) return { admin, mfa: isTrue(row.mfa_active), newer: false };
    return { admin, mfa: newer.find((n) => n.name === name)?.mfa ?? false, newer: true };
  });
}

/** " (alice is newer than the credential report: judged from the MFA devices it has now)", or "". */
function newerNote(names: string[]): string {
  if (!names.length) return '';
  const who = names.length === 1 ? `${names[0]} is` : `${names.join(', ')} are`;
  return ` (${who} newer than the credential report: judged from the MFA devices now assigned)`;
}

export const userChecks: Check[] = [
  {
    id: 'admin-path',
    // Formerly admin-user, which counted IAM users only; the old id still selects it (--check, exception files).
    aliases: ['admin-user'],
    title: 'Someone other than root can administer the account',
    passesWhen: 'someone other than root can administer the account: an IAM user with administrator access and MFA, **or** a role with administrator access that people reach through IAM Identity Center (`AWSReservedSSO_*`), a SAML or OIDC identity provider, or another account of the Organization (e.g. `OrganizationAccountAccessRole`, trusted by the management account or by `aws:PrincipalOrgID`). The detail names each path and how it is reached; it fails only when root is the only administrator, or when every admin IAM user lacks MFA',
    severity: 'high',
    mappings: { ssb: ['ACCT.03'] },
    remediation: (fix) =>
      `${initFix(fix, '--only admin-group,admin-user,console-access,mfa --admin-user <name>')} (or give people administrator access through IAM Identity Center)`,
    async run(s) {
      const [admins, roles] = await Promise.all([adminsWithMfa(s), s.roles()]);
      const { accountId, organization } = s.account;
      const users = admins.filter((a) => a.mfa).map((a) => `${a.admin.user.UserName} (IAM user with MFA)`);
      const adminRoles = roles.filter((r) => r.isAdmin).map((r) => ({ role: r, path: rolePath(r, accountId, organization) }));
      const rolePaths = adminRoles.filter((r) => r.path.kind !== 'not-a-person-path');
      const notCounted = adminRoles.filter((r) => r.path.kind === 'not-a-person-path').map((r) => describeRolePath(r.role.name, r.path, organization));
      const note = newerNote(admins.filter((a) => a.newer).map((a) => a.admin.user.UserName ?? ''));
      const paths = [...users, ...rolePaths.map((r) => describeRolePath(r.role.name, r.path, organization))];
      if (paths.length) return pass(`${listSome(paths)}${notCounted.length ? `; ${listSome(notCounted, 3)}` : ''}${note}`);
      const withoutMfa = admins.filter((a) => !a.mfa).map((a) => a.admin);
      if (withoutMfa.length) {
        return failWith(
          withoutMfa.map((u) => ({ resource: u.user.Arn ?? '', text: `${u.user.UserName}: administrator without MFA, the only kind there is` })),
          { note, remediation: withoutMfa.map((u) => initFix(s.fix, `--only mfa --admin-user ${u.user.UserName}`)).join('\n') },
        );
      }
      const also = notCounted.length ? ` (${listSome(notCounted, 3)})` : '';
      return fail(
        `the root user is the only administrator: no IAM user with administrator access and MFA, and no administrator role reached through IAM Identity Center, an identity provider or the Organization${also}`,
        [arnsIn(s.account.partition).accountRoot(accountId)],
      );
    },
  },
  {
    id: 'identity-center-admin',
    title: 'Every account of the Organization has an administrator through Identity Center',
    passesWhen:
      "in the management account with an organization instance of IAM Identity Center: on every ACTIVE account of the Organization, at least one group or user has a permission set granting administrator access (AWS's `AdministratorAccess`, or an inline policy allowing `*` on `*`). Skipped outside an Organization, in member accounts, and where there is no organization instance",
    severity: 'medium',
    mappings: {},
    remediation: (fix) => `${initFix(fix, '--admin identity-center --only sso-admin-group,permission-set,account-assignment --assign-accounts all')}`,
    async run(s) {
      const coverage = await s.identityCenterCoverage();
      if ('skip' in coverage) return skip(coverage.skip);
      if (!coverage.adminSets.length) {
        return fail('no permission set of the Identity Center instance grants administrator access', [coverage.instanceArn]);
      }
      const sets = coverage.adminSets.join(', ');
      const without = coverage.accounts.filter((a) => a.administrators === 0);
      if (!without.length) return pass(`an administrator permission set (${sets}) is assigned on each of the ${coverage.accounts.length} accounts`);
      return failWith(
        without.map((a) => ({ resource: a.id, text: `${a.id}${a.name ? ` (${a.name})` : ''}: no group or user has ${sets}` })),
        { lead: 'no administrator through Identity Center on ', remediation: initFix(s.fix, `--admin identity-center --only account-assignment --assign-accounts ${without.map((a) => a.id).join(',')}`) },
      );
    },
  },
  {
    id: 'admin-mfa',
    title: 'Every administrator IAM user has MFA',
    passesWhen: 'every user with administrator access (directly, through a group, or through a policy allowing `*` on `*`) has MFA',
    severity: 'high',
    mappings: { ssb: ['ACCT.05'] },
    remediation: (fix) => initFix(fix, '--only mfa --admin-user <user>'),
    async run(s) {
      const admins = await adminsWithMfa(s);
      const missing = admins.filter((a) => !a.mfa).map((a) => a.admin);
      const note = newerNote(admins.filter((a) => a.newer).map((a) => a.admin.user.UserName ?? ''));
      if (!admins.length) return pass('no IAM user has administrator access');
      if (!missing.length) return pass(`every administrator has MFA (${listSome(admins.map((a) => a.admin.user.UserName ?? ''))})${note}`);
      return failWith(
        missing.map((u) => ({ resource: u.user.Arn ?? '', text: `${u.user.UserName}: administrator, no MFA` })),
        { note, remediation: missing.map((u) => initFix(s.fix, `--only mfa --admin-user ${u.user.UserName}`)).join('\n') },
      );
    },
  },
  {
    id: 'console-mfa',
    title: 'Every user with a console password has MFA',
    passesWhen: 'every user with a console password has MFA',
    severity: 'high',
    mappings: { 'cis-7.0': ['2.10'], 'cis-5.0': ['1.9'], 'cis-3.0': ['1.10'], 'security-hub': ['IAM.5', 'IAM.19'], ssb: ['ACCT.05'] },
    remediation: 'Each listed user: IAM console → Users → <user> → Security credentials → Assign MFA device (or, for an administrator: iam-bootstrap init --only mfa --admin-user <user>).',
    async run(s, settings) {
      const [report, newer] = await Promise.all([s.credentialReport(), s.usersNewerThanReport()]);
      const missing = [
        ...report.users.filter((r) => isTrue(r.password_enabled) && !isTrue(r.mfa_active)).map((r) => ({ name: r.user ?? '', arn: arnOf(r) })),
        ...newer.filter((n) => n.hasPassword && !n.mfa),
      ];
      const age = reportAge(report.generatedAt, settings.now);
      const note = newerNote(newer.filter((n) => n.hasPassword).map((n) => n.name));
      if (!missing.length) return pass(`every console user has MFA${age}${note}`);
      return failWith(missing.map((m) => ({ resource: m.arn, text: `${m.name}: console password, no MFA` })), { note: `${age}${note}` });
    },
  },
  {
    id: 'unused-credentials',
    title: 'No credentials unused for too long',
    passesWhen: 'no console password or active access key unused for more than `--unused-days` (45); never used counts from when it was set',
    severity: 'medium',
    mappings: { 'cis-7.0': ['2.11'], 'cis-5.0': ['1.11'], 'cis-3.0': ['1.12'], 'security-hub': ['IAM.22', 'IAM.8'] },
    remediation: 'Disable what is not used: aws iam delete-login-profile --user-name <user>; aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive',
    async run(s, settings) {
      const report = await s.credentialReport();
      const findings: Finding[] = [];
      for (const r of report.users) {
        if (isTrue(r.password_enabled)) {
          // Never used: count from when the password was set.
          const last = reportDate(r.password_last_used) ?? reportDate(r.password_last_changed) ?? reportDate(r.user_creation_time);
          const days = last ? daysBetween(last, settings.now) : undefined;
          if (days !== undefined && days > settings.unusedDays) {
            findings.push({ resource: arnOf(r), text: `${r.user}: console password ${reportDate(r.password_last_used) ? 'unused' : 'never used'} for ${days} days` });
          }
        }
        for (const key of accessKeys(r).filter((k) => k.active)) {
          const last = key.lastUsed ?? key.lastRotated;
          const days = last ? daysBetween(last, settings.now) : undefined;
          if (days !== undefined && days > settings.unusedDays) {
            findings.push({ resource: arnOf(r), text: `${r.user}: access key ${key.slot} ${key.lastUsed ? 'unused' : 'never used'} for ${days} days` });
          }
        }
      }
      const age = reportAge(report.generatedAt, settings.now);
      if (!findings.length) return pass(`no password or active key unused for more than ${settings.unusedDays} days${age}`);
      return failWith(findings, { note: age });
    },
  },
  {
    id: 'key-rotation',
    title: 'Active access keys are rotated',
    passesWhen: 'active access keys are at most `--rotation-days` (90) old',
    severity: 'medium',
    mappings: { 'cis-7.0': ['2.12'], 'cis-5.0': ['1.13'], 'cis-3.0': ['1.14'], 'security-hub': ['IAM.3'] },
    remediation: 'Rotate: aws iam create-access-key, move the workload to the new key, then deactivate and delete the old one.',
    async run(s, settings) {
      const report = await s.credentialReport();
      const old = report.users.flatMap((r) =>
        accessKeys(r)
          .filter((k) => k.active && k.lastRotated && daysBetween(k.lastRotated, settings.now) > settings.rotationDays)
          .map((k) => ({ resource: arnOf(r), text: `${r.user}: access key ${k.slot} is ${daysBetween(k.lastRotated as Date, settings.now)} days old` })),
      );
      if (!old.length) return pass(`no active key older than ${settings.rotationDays} days`);
      return failWith(old);
    },
  },
  {
    id: 'single-active-key',
    title: 'No user has two active access keys',
    passesWhen: 'no user has more than one active access key',
    severity: 'medium',
    // CIS v7.0.0 withdrew this item; kept for hygiene (a second key is usually one nobody rotates).
    mappings: { 'cis-5.0': ['1.12'], 'cis-3.0': ['1.13'] },
    remediation: 'Deactivate the key no longer used: aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive',
    async run(s) {
      const report = await s.credentialReport();
      const both = report.users.filter((r) => accessKeys(r).every((k) => k.active));
      if (!both.length) return pass('no user has more than one active key');
      return failWith(both.map((r) => ({ resource: arnOf(r), text: `${r.user}: 2 active access keys` })));
    },
  },
  {
    id: 'initial-access-keys',
    title: 'No never-used keys on console users',
    passesWhen: 'no user with a console password has an active key that was never used',
    severity: 'low',
    // CIS v7.0.0 withdrew this item; kept for hygiene (a key made "just in case" at setup is a credential nobody uses).
    mappings: { 'cis-5.0': ['1.10'], 'cis-3.0': ['1.11'] },
    remediation: 'Delete keys created at setup and never used: aws iam delete-access-key --user-name <user> --access-key-id <id>',
    async run(s) {
      const report = await s.credentialReport();
      const found = report.users.flatMap((r) =>
        isTrue(r.password_enabled)
          ? accessKeys(r)
              .filter((k) => k.active && !k.lastUsed)
              .map((k) => ({ resource: arnOf(r), text: `${r.user}: console password and active access key ${k.slot} never used` }))
          : [],
      );
      if (!found.length) return pass('no console user has an active key that was never used');
      return failWith(found);
    },
  },
  {
    id: 'user-direct-policies',
    title: 'Permissions come only through groups',
    passesWhen: 'no managed or inline policy is attached directly to a user',
    severity: 'low',
    mappings: { 'cis-7.0': ['2.13'], 'cis-5.0': ['1.14'], 'cis-3.0': ['1.15'], 'security-hub': ['IAM.2'], ssb: ['ACCT.04'] },
    remediation: 'Attach the policies to a group, add the user to it, then detach them from the user (aws iam detach-user-policy / delete-user-policy).',
    async run(s) {
      const direct = (await s.users()).filter((u) => u.attached.length || u.inline.length);
      if (!direct.length) return pass('no policy is attached directly to a user');
      return failWith(
        direct.map((u) => {
          const parts = [...u.attached.map((a) => a.split('/').pop()), ...u.inline.map((i) => `${i} (inline)`)];
          return { resource: u.user.Arn ?? '', text: `${u.user.UserName}: ${parts.join(', ')}` };
        }),
      );
    },
  },
];
