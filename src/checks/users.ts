/** IAM user checks: admins, MFA, and the age and use of passwords and access keys (credential report). */
import { accessKeys, daysBetween, isTrue, reportDate, type ReportRow } from '../account/credential-report.js';
import type { AuditSources, UserPermissions } from '../audit/sources.js';
import { reportAge } from './root.js';
import { fail, listSome, pass, type Check } from './types.js';

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
    id: 'admin-user',
    title: 'An admin IAM user with MFA exists',
    severity: 'high',
    references: ['seed checklist'],
    remediation: 'iam-bootstrap init --admin-user <name>',
    async run(s) {
      const admins = await adminsWithMfa(s);
      const ready = admins.filter((a) => a.mfa);
      const note = newerNote(admins.filter((a) => a.newer).map((a) => a.admin.user.UserName ?? ''));
      if (ready.length) return pass(`${ready.map((a) => a.admin.user.UserName).join(', ')} ${ready.length > 1 ? 'have' : 'has'} administrator access and MFA${note}`);
      if (admins.length) return fail(`administrators without MFA only: ${admins.map((a) => a.admin.user.UserName).join(', ')}${note}`);
      return fail('no IAM user has administrator access: the root user is the only administrator');
    },
  },
  {
    id: 'admin-mfa',
    title: 'Every administrator has MFA',
    severity: 'high',
    references: [],
    remediation: 'iam-bootstrap init --no-alias --no-password-policy --no-console-access --admin-user <user>  (enrols MFA for that user)',
    async run(s) {
      const admins = await adminsWithMfa(s);
      const missing = admins.filter((a) => !a.mfa).map((a) => a.admin);
      const note = newerNote(admins.filter((a) => a.newer).map((a) => a.admin.user.UserName ?? ''));
      if (!admins.length) return pass('no IAM user has administrator access');
      if (!missing.length) return pass(`every administrator has MFA (${listSome(admins.map((a) => a.admin.user.UserName ?? ''))})${note}`);
      const names = missing.map((u) => u.user.UserName ?? '');
      return fail(
        `${listSome(names.map((n) => `${n}: administrator, no MFA`))}${note}`,
        missing.map((u) => u.user.Arn ?? ''),
        names.map((n) => `iam-bootstrap init --no-alias --no-password-policy --no-console-access --admin-user ${n}`).join('\n'),
      );
    },
  },
  {
    id: 'console-mfa',
    title: 'Every user with a console password has MFA',
    severity: 'high',
    references: ['CIS 1.10', 'IAM.5'],
    remediation: 'Each listed user: IAM console → Users → <user> → Security credentials → Assign MFA device.',
    async run(s, settings) {
      const [report, newer] = await Promise.all([s.credentialReport(), s.usersNewerThanReport()]);
      const missing = [
        ...report.users.filter((r) => isTrue(r.password_enabled) && !isTrue(r.mfa_active)).map((r) => ({ name: r.user ?? '', arn: arnOf(r) })),
        ...newer.filter((n) => n.hasPassword && !n.mfa),
      ];
      const age = reportAge(report.generatedAt, settings.now);
      const note = newerNote(newer.filter((n) => n.hasPassword).map((n) => n.name));
      if (!missing.length) return pass(`every console user has MFA${age}${note}`);
      return fail(`${listSome(missing.map((m) => `${m.name}: console password, no MFA`))}${age}${note}`, missing.map((m) => m.arn));
    },
  },
  {
    id: 'unused-credentials',
    title: 'No credentials unused for too long',
    severity: 'medium',
    references: ['CIS 1.12', 'IAM.22'],
    remediation: 'Disable what is not used: aws iam delete-login-profile --user-name <user>; aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive',
    async run(s, settings) {
      const report = await s.credentialReport();
      const problems: string[] = [];
      const resources = new Set<string>();
      for (const r of report.users) {
        if (isTrue(r.password_enabled)) {
          // Never used: count from when the password was set.
          const last = reportDate(r.password_last_used) ?? reportDate(r.password_last_changed) ?? reportDate(r.user_creation_time);
          const days = last ? daysBetween(last, settings.now) : undefined;
          if (days !== undefined && days > settings.unusedDays) {
            problems.push(`${r.user}: console password ${reportDate(r.password_last_used) ? 'unused' : 'never used'} for ${days} days`);
            resources.add(arnOf(r));
          }
        }
        for (const key of accessKeys(r).filter((k) => k.active)) {
          const last = key.lastUsed ?? key.lastRotated;
          const days = last ? daysBetween(last, settings.now) : undefined;
          if (days !== undefined && days > settings.unusedDays) {
            problems.push(`${r.user}: access key ${key.slot} ${key.lastUsed ? 'unused' : 'never used'} for ${days} days`);
            resources.add(arnOf(r));
          }
        }
      }
      const age = reportAge(report.generatedAt, settings.now);
      if (!problems.length) return pass(`no password or active key unused for more than ${settings.unusedDays} days${age}`);
      return fail(`${listSome(problems)}${age}`, [...resources]);
    },
  },
  {
    id: 'key-rotation',
    title: 'Active access keys are rotated',
    severity: 'medium',
    references: ['CIS 1.14', 'IAM.3'],
    remediation: 'Rotate: aws iam create-access-key, move the workload to the new key, then deactivate and delete the old one.',
    async run(s, settings) {
      const report = await s.credentialReport();
      const old = report.users.flatMap((r) =>
        accessKeys(r)
          .filter((k) => k.active && k.lastRotated && daysBetween(k.lastRotated, settings.now) > settings.rotationDays)
          .map((k) => ({ row: r, text: `${r.user}: access key ${k.slot} is ${daysBetween(k.lastRotated as Date, settings.now)} days old` })),
      );
      if (!old.length) return pass(`no active key older than ${settings.rotationDays} days`);
      return fail(listSome(old.map((o) => o.text)), [...new Set(old.map((o) => arnOf(o.row)))]);
    },
  },
  {
    id: 'single-active-key',
    title: 'No user has two active access keys',
    severity: 'medium',
    references: ['CIS 1.13'],
    remediation: 'Deactivate the key no longer used: aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive',
    async run(s) {
      const report = await s.credentialReport();
      const both = report.users.filter((r) => accessKeys(r).every((k) => k.active));
      if (!both.length) return pass('no user has more than one active key');
      return fail(listSome(both.map((r) => `${r.user}: 2 active access keys`)), both.map(arnOf));
    },
  },
  {
    id: 'initial-access-keys',
    title: 'No never-used keys on console users',
    severity: 'low',
    references: ['CIS 1.11'],
    remediation: 'Delete keys created at setup and never used: aws iam delete-access-key --user-name <user> --access-key-id <id>',
    async run(s) {
      const report = await s.credentialReport();
      const found = report.users.flatMap((r) =>
        isTrue(r.password_enabled)
          ? accessKeys(r)
              .filter((k) => k.active && !k.lastUsed)
              .map((k) => ({ row: r, text: `${r.user}: console password and active access key ${k.slot} never used` }))
          : [],
      );
      if (!found.length) return pass('no console user has an active key that was never used');
      return fail(listSome(found.map((f) => f.text)), [...new Set(found.map((f) => arnOf(f.row)))]);
    },
  },
  {
    id: 'user-direct-policies',
    title: 'Permissions come only through groups',
    severity: 'low',
    references: ['CIS 1.15', 'IAM.2'],
    remediation: 'Attach the policies to a group, add the user to it, then detach them from the user (aws iam detach-user-policy / delete-user-policy).',
    async run(s) {
      const direct = (await s.users()).filter((u) => u.attached.length || u.inline.length);
      if (!direct.length) return pass('no policy is attached directly to a user');
      const text = direct.map((u) => {
        const parts = [...u.attached.map((a) => a.split('/').pop()), ...u.inline.map((i) => `${i} (inline)`)];
        return `${u.user.UserName}: ${parts.join(', ')}`;
      });
      return fail(listSome(text), direct.map((u) => u.user.Arn ?? ''));
    },
  },
];
