/** Root user checks. Root MFA and access keys cannot be changed by API: remediation is always a console step. */
import { arnsIn } from '../account/arns.js';
import { daysBetween, isTrue, reportDate } from '../account/credential-report.js';
import { judgeRoot } from '../account/root.js';
import { isVirtualMfa, type RootUserState } from '../account/root-credentials.js';
import type { AuditSources } from '../audit/sources.js';
import { fail, initFix, pass, type AuditSettings, type Check } from './types.js';

const NO_ROOT_CREDENTIALS = 'root has no password and no access keys: no credentials to protect';

/** Root as the account summary and the credential report show it, judged as init judges it (src/account/root.ts). */
async function rootState(s: AuditSources) {
  const [summary, report] = await Promise.all([s.summary(), s.credentialReport()]);
  return { summary, root: report.root, ...judgeRoot(summary, report.root) };
}

/** Said of every verdict read from root itself rather than from the credential report. */
const FROM_ROOT = ' (read from the root user through sts:AssumeRoot)';

/**
 * Root itself, where audit --org from the management account opened a root session in this member; undefined
 * elsewhere. A session that should have opened and did not is said in `fallback`, and the report is used.
 */
async function rootUser(s: AuditSources): Promise<{ user?: RootUserState; fallback: string }> {
  const read = await s.rootUser();
  if (!read) return { fallback: '' };
  if ('unavailable' in read) return { fallback: ` (${read.unavailable}; read from the credential report)` };
  return { user: read, fallback: '' };
}

const hasCredentials = (u: RootUserState) => u.password || u.accessKeys.some((k) => k.active);

/** "root password used 2026-05-31 (1 days ago)" for each use within --root-use-days. */
function recentUses(uses: readonly (readonly [string, Date | undefined])[], settings: AuditSettings): string[] {
  return uses
    .filter(([, when]) => when && daysBetween(when, settings.now) < settings.rootUseDays)
    .map(([what, when]) => `root ${what} used ${when?.toISOString().slice(0, 10)} (${daysBetween(when as Date, settings.now)} days ago)`);
}

const rootArn = (s: AuditSources) => arnsIn(s.account.partition).accountRoot(s.account.accountId);
const ROOT_MFA_CONSOLE =
  'Console only (no API can): sign in as the root user → account menu → Security credentials → Assign MFA device.';

export const rootChecks: Check[] = [
  {
    id: 'root-mfa',
    title: 'Root user has MFA',
    passesWhen: 'the root user has MFA, or has no password and no access keys (nothing to protect)',
    severity: 'critical',
    mappings: { 'cis-7.0': ['2.5'], 'cis-5.0': ['1.4'], 'cis-3.0': ['1.5'], 'security-hub': ['IAM.9'], ssb: ['ACCT.02'] },
    remediation: ROOT_MFA_CONSOLE,
    async run(s) {
      const { user, fallback } = await rootUser(s);
      if (user) {
        if (!hasCredentials(user)) return pass(`${NO_ROOT_CREDENTIALS}${FROM_ROOT}`);
        return user.mfaDevices.length ? pass(`root user has MFA${FROM_ROOT}`) : fail(`root user has no MFA${FROM_ROOT}`, [rootArn(s)]);
      }
      const r = await rootState(s);
      if (r.noCredentials) return pass(`${NO_ROOT_CREDENTIALS}${fallback}`);
      if (r.mfa) return pass(`root user has MFA${fallback}`);
      // Only when nothing says whether root has a password: the summary's AccountPasswordPresent does, when present.
      const unknown =
        r.summary.AccountPasswordPresent === undefined && r.root?.password_enabled === 'not_supported'
          ? ' (if centralized root access removed root credentials, the report cannot show it here)'
          : '';
      return fail(`root user has no MFA${unknown}${fallback}`, [rootArn(s)]);
    },
  },
  {
    id: 'root-hardware-mfa',
    title: 'Root MFA is a hardware device',
    passesWhen: 'root\'s MFA is not a virtual device (or root has no password and no access keys)',
    severity: 'medium',
    mappings: { 'cis-7.0': ['2.6'], 'cis-5.0': ['1.5'], 'cis-3.0': ['1.6'], 'security-hub': ['IAM.6'], ssb: ['ACCT.02'] },
    remediation: 'Console only: as root, Security credentials → Assign MFA device → a security key or hardware TOTP token; then remove the virtual device.',
    async run(s) {
      const { user, fallback } = await rootUser(s);
      if (user) {
        if (!hasCredentials(user)) return pass(`${NO_ROOT_CREDENTIALS}${FROM_ROOT}`);
        if (!user.mfaDevices.length) return fail(`root user has no MFA device at all${FROM_ROOT}`, [rootArn(s)]);
        const virtualDevice = user.mfaDevices.find(isVirtualMfa);
        if (virtualDevice) return fail(`root uses a virtual MFA device (${virtualDevice})${FROM_ROOT}`, [rootArn(s)]);
        return pass(`root MFA is a hardware device or security key${FROM_ROOT}`);
      }
      const r = await rootState(s);
      if (r.noCredentials) return pass(`${NO_ROOT_CREDENTIALS}${fallback}`);
      if (!r.mfa) return fail(`root user has no MFA device at all${fallback}`, [rootArn(s)]);
      const virtual = (await s.assignedVirtualMfa()).find((d) => d.User?.Arn?.endsWith(':root') || d.SerialNumber?.endsWith(':mfa/root-account-mfa-device'));
      if (virtual) return fail(`root uses a virtual MFA device (${virtual.SerialNumber})${fallback}`, [rootArn(s)]);
      return pass(`root MFA is a hardware device or security key${fallback}`);
    },
  },
  {
    id: 'root-access-keys',
    title: 'Root user has no access keys',
    passesWhen: 'the root user has no access keys',
    severity: 'critical',
    mappings: { 'cis-7.0': ['2.4'], 'cis-5.0': ['1.3'], 'cis-3.0': ['1.4'], 'security-hub': ['IAM.4'], ssb: ['ACCT.02'] },
    remediation: 'Console only: sign in as the root user → Security credentials → Access keys → Delete each key.',
    async run(s) {
      const { user, fallback } = await rootUser(s);
      if (user) {
        const active = user.accessKeys.filter((k) => k.active).length;
        if (active) return fail(`root user has ${active} access key${active > 1 ? 's' : ''}${FROM_ROOT}`, [rootArn(s)]);
        return pass(`root user has no access keys${FROM_ROOT}`);
      }
      const r = await rootState(s);
      const inReport = [1, 2].filter((n) => isTrue(r.root?.[`access_key_${n}_active`]));
      if (r.accessKeys) {
        return fail(`root user has ${inReport.length || 'at least one'} access key${inReport.length > 1 ? 's' : ''}${fallback}`, [rootArn(s)]);
      }
      return pass(`root user has no access keys${fallback}`);
    },
  },
  {
    id: 'root-recent-use',
    title: 'Root user not used recently',
    passesWhen: 'root\'s password and keys were not used in the last `--root-use-days` (7); `error` when the credential report has no root row',
    severity: 'high',
    mappings: { 'cis-7.0': ['2.7'], 'cis-5.0': ['1.6'], 'cis-3.0': ['1.7'], ssb: ['ACCT.02'] },
    remediation: (fix) =>
      `Administer through IAM Identity Center or an admin user instead (${initFix(fix, '--only admin-group,admin-user,console-access,mfa --admin-user <name>')}); review the root activity in CloudTrail.`,
    async run(s, settings) {
      const { user, fallback } = await rootUser(s);
      if (user?.lastUseKnown) {
        const recent = recentUses([['password', user.passwordLastUsed], ...user.accessKeys.map((k) => [`access key ${k.id}`, k.lastUsed] as const)], settings);
        if (recent.length) return fail(`${recent.join('; ')}${FROM_ROOT}`, [rootArn(s)]);
        return pass(`root not used in the last ${settings.rootUseDays} days${FROM_ROOT}`);
      }
      const note = user ? ' (its last use is outside the root session\'s task policy; from the credential report)' : fallback;
      const { root } = await rootState(s);
      const report = await s.credentialReport();
      // Without the row nothing says when root was last used: a silent pass would be a false statement.
      if (!root) throw new Error('the credential report has no root row (<root_account>), so root\'s last use cannot be read');
      const uses = [
        ['password', reportDate(root?.password_last_used)],
        ['access key 1', reportDate(root?.access_key_1_last_used_date)],
        ['access key 2', reportDate(root?.access_key_2_last_used_date)],
      ] as const;
      const recent = recentUses(uses, settings);
      const age = reportAge(report.generatedAt, settings.now);
      if (recent.length) return fail(`${recent.join('; ')}${age}${note}`, [rootArn(s)]);
      return pass(`root not used in the last ${settings.rootUseDays} days${age}${note}`);
    },
  },
  {
    id: 'root-signing-certificates',
    title: 'Root user has no signing certificates',
    passesWhen: 'the root user has no active X.509 signing certificate (account summary, or the credential report\'s `cert_1_active`/`cert_2_active`)',
    severity: 'medium',
    mappings: {},
    remediation: 'Console only: sign in as the root user → Security credentials → X.509 certificates → deactivate and delete each (or, under centralized root access, aws iam delete-signing-certificate in a root session).',
    async run(s) {
      const { user, fallback } = await rootUser(s);
      if (user) {
        const certificates = user.signingCertificates.filter((c) => c.active).length;
        if (certificates) return fail(`root user has ${certificates > 1 ? `${certificates} active signing certificates` : 'an active signing certificate'}${FROM_ROOT}`, [rootArn(s)]);
        return pass(`root user has no signing certificates${FROM_ROOT}`);
      }
      const [summary, report] = await Promise.all([s.summary(), s.credentialReport()]);
      const active = [1, 2].filter((n) => isTrue(report.root?.[`cert_${n}_active`]));
      if ((summary.AccountSigningCertificatesPresent ?? 0) > 0 || active.length) {
        return fail(`root user has ${active.length > 1 ? 'two active signing certificates' : 'an active signing certificate'}${fallback}`, [rootArn(s)]);
      }
      return pass(`root user has no signing certificates${fallback}`);
    },
  },
];

/**
 * " (credential report of …)" when the report is old enough for that to matter, else "". AWS regenerates the
 * report at most every four hours, so "used" and "MFA" facts can lag behind reality by that much.
 */
export function reportAge(generatedAt: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - generatedAt.getTime()) / 60_000);
  if (minutes < 15) return '';
  return ` (credential report of ${generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
}
