/** How init's plan and result read, for people and for --json. No AWS calls, no prompts. */
import type { Output } from '../../io/output.js';
import { wrapLine } from '../../io/wrap.js';
import type { AccountIdentity } from '../../account/identity.js';
import type { RootPosture } from '../../account/root.js';
import { RECOVER_ROOT_TASK, taskPolicyArn } from '../../steps/root-credentials.js';
import type { StepPlan, StepStatus } from '../../steps/types.js';

export interface NextStep {
  id:
    | 'root-mfa'
    | 'root-access-keys'
    | 'billing-access'
    | 'sign-in-as-admin'
    | 'security-contact'
    | 'root-recovery'
    | 'sso-password'
    | 'sso-mfa'
    | 'sso-require-mfa'
    | 'break-glass-key';
  text: string;
}

/** --admin identity-center: where people sign in, and who was given what where. */
export interface IdentityCenterResult {
  /** The access portal (https://<identity store id>.awsapps.com/start, unless an alias was set in the console). */
  portalUrl: string;
  instanceArn: string;
  identityStoreId: string;
  /** null when this run did not name one (--only without sso-admin-user). */
  userName: string | null;
  email: string | null;
  group: string;
  permissionSet: string;
  /** The accounts the group has the permission set on. */
  accounts: string[];
  /** --break-glass-user: the IAM admin user kept for the day Identity Center is unreachable. */
  breakGlassUser: string | null;
}

export interface InitResult {
  /** The document's shape, as audit's carries it: bumped only when a field changes meaning or goes away. */
  schemaVersion: 1;
  account: {
    id: string;
    alias: string | null;
    callerArn: string;
    isRoot: boolean;
    organization: AccountIdentity['organization'];
  };
  dryRun: boolean;
  steps: { id: string; status: StepStatus; summary: string; changes: StepPlan['changes'] }[];
  signInUrl: string;
  credentialsFile: string | null;
  mfaSerial: string | null;
  /** null on the IAM user path. */
  identityCenter: IdentityCenterResult | null;
  nextSteps: NextStep[];
}

const MARK: Record<StepStatus, string> = { create: '+', update: '~', unchanged: '=', skip: '-' };

/** `through`: with --account / --role-arn, who the operator really is and the role init acts through. */
export function describeIdentity(out: Output, account: AccountIdentity, through?: { callerArn: string; roleArn: string }): string {
  const s = out.style;
  const who = through ? `${through.callerArn}, acting through ${through.roleArn}` : account.isRoot ? s.yellow('root user') : account.callerArn;
  const org = {
    management: `management account of Organization ${account.organization.id ?? ''}`.trim(),
    member: `member of Organization ${account.organization.id ?? ''} (management account ${account.organization.managementAccountId ?? 'unknown'})`,
    none: 'not in an AWS Organization',
    unknown: 'Organization membership unknown (no organizations:DescribeOrganization permission)',
  }[account.organization.role];
  return `Account ${s.bold(account.accountId)} — signed in as ${who}\n  ${org}`;
}

/** One line per step; the field diff only for updates, where "from → to" is what the operator must judge. */
export function renderPlan(out: Output, plans: StepPlan[]): string {
  const s = out.style;
  const colour: Record<StepStatus, (t: string) => string> = { create: s.green, update: s.yellow, unchanged: s.dim, skip: s.dim };
  const width = Math.max(...plans.map((p) => p.title.length));
  const lines = [s.bold('Plan') + s.dim('  (+ create  ~ update  = unchanged  - skip)')];
  for (const p of plans) {
    // A long summary continues under the summary column, not under the step's title.
    lines.push(colour[p.status](wrapLine(`${MARK[p.status]} ${p.title.padEnd(width)}  ${p.summary}`, out.infoWidth, width + 4)));
    if (p.status !== 'update') continue;
    for (const c of p.changes) {
      const arrow = c.from !== undefined && c.to !== undefined ? `${show(c.from)} → ${show(c.to)}` : show(c.to ?? c.from);
      lines.push(`    ${c.field}: ${arrow}${c.note ? s.dim(` (${c.note})`) : ''}`);
    }
  }
  return lines.join('\n');
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * What the API cannot do for the Identity Center admin, in the order it is done: the user's first password and MFA
 * registration, the instance's MFA setting (console only), and a hardware key for the break-glass user.
 */
export function identityCenterNextSteps(ic: IdentityCenterResult | null, dryRun: boolean): NextStep[] {
  if (!ic) return [];
  const person: NextStep[] = !ic.userName ? [] : [
    {
      id: 'sso-password',
      text: `${ic.userName} sets a password (no API can): open ${ic.portalUrl}, enter the user name ${ic.userName}, choose "Forgot password?" and follow the email sent to ${ic.email} (or, in the console, IAM Identity Center → Users → ${ic.userName} → "Send email verification link").`,
    },
    {
      id: 'sso-mfa',
      text: `At the first sign-in, ${ic.userName} registers an MFA device when asked (a security key or authenticator app), then chooses ${ic.permissionSet} on the account in the portal.`,
    },
  ];
  const steps: NextStep[] = [
    ...person,
    {
      id: 'sso-require-mfa',
      text: 'Require MFA at every sign-in (console only, unverified by this tool): IAM Identity Center → Settings → Authentication → Multi-factor authentication → Configure → "Every time they sign in", and "Require them to register an MFA device at sign in".',
    },
  ];
  if (ic.breakGlassUser) {
    steps.push({
      id: 'break-glass-key',
      text: `${ic.breakGlassUser} is the break-glass IAM user for the day Identity Center is unreachable: give it a hardware security key (FIDO2) as its MFA, keep its credentials offline, and alert on its use.`,
    });
  }
  // A dry run made nobody: the steps read as what will be to do.
  return dryRun ? steps.map((s) => ({ ...s, text: `After the run: ${s.text}` })) : steps;
}

export function nextSteps(
  account: AccountIdentity,
  posture: RootPosture,
  adminUser: string,
  adminHasConsole: boolean,
  noSecurityContact = false,
  rootCredentialsRemoved = false,
): NextStep[] {
  const steps: NextStep[] = [];
  if (rootCredentialsRemoved) {
    steps.push({
      id: 'root-recovery',
      text:
        `The root user of ${account.accountId} has no credentials now. To recover root access later, from the management account: ` +
        'the console\'s IAM → Root access management → the account → "Allow password recovery", or ' +
        `aws sts assume-root --target-principal ${account.accountId} --task-policy-arn arn=${taskPolicyArn(account.partition, RECOVER_ROOT_TASK)} ` +
        'and then, with those credentials, aws iam create-login-profile.',
    });
  }
  if (noSecurityContact) {
    steps.push({
      id: 'security-contact',
      text: 'Add a security contact, so AWS can reach someone about a security issue (CIS 2.3): iam-bootstrap init --only security-contact --security-contact-email <email> --security-contact-phone <phone>, or the console: account menu → Account → Alternate contacts.',
    });
  }
  // A root without password or keys cannot sign in: there is nothing to protect with MFA (CIS, Security Hub IAM.9).
  if (!posture.mfa && !posture.noCredentials && !rootCredentialsRemoved) {
    steps.push({
      id: 'root-mfa',
      text: 'Enable MFA for the root user (no API can): sign in as root → account menu → Security credentials → Assign MFA device.',
    });
  }
  if (posture.accessKeys) {
    steps.push({
      id: 'root-access-keys',
      text: 'Delete the root user\'s access keys: sign in as root → Security credentials → Access keys → Delete.',
    });
  }
  if (account.isRoot) {
    steps.push({
      id: 'billing-access',
      text: 'Allow IAM users to see billing (console only, root only): account menu → Account → "IAM user and role access to Billing information" → Edit → Activate.',
    });
    if (adminHasConsole) {
      steps.push({
        id: 'sign-in-as-admin',
        text: `Sign out of the root user and sign in as ${adminUser} at the sign-in URL; keep root for the few tasks that need it.`,
      });
    }
  }
  return steps;
}

export function renderSummary(out: Output, result: InitResult): string {
  const s = out.style;
  const lines = [
    '',
    s.bold(result.dryRun ? 'Dry run: nothing was changed.' : 'Done.'),
    `  Sign-in URL:       ${result.signInUrl}`,
  ];
  if (result.credentialsFile) lines.push(`  Credentials file:  ${result.credentialsFile} (mode 0600; store it safely, then delete it)`);
  if (result.mfaSerial) lines.push(`  MFA device:        ${result.mfaSerial}`);
  if (result.identityCenter) {
    const ic = result.identityCenter;
    lines.push(`  Access portal:     ${ic.portalUrl}`);
    const where = ic.accounts.length === 1 ? `account ${ic.accounts[0]}` : `${ic.accounts.length} accounts`;
    const who = ic.userName ? `${ic.userName} <${ic.email}>, group ${ic.group}` : `group ${ic.group}`;
    lines.push(wrapLine(`  Administrators:    ${who}, ${ic.permissionSet} on ${where}`, out.width, 21));
  }
  if (result.nextSteps.length) {
    lines.push('', s.bold('Still to do:'));
    result.nextSteps.forEach((n, i) => lines.push(wrapLine(`  ${i + 1}. ${n.text}`, out.width, 5)));
  }
  return lines.join('\n');
}

/** What an interrupted run had done, and what it had not, for the recap. */
export interface InterruptedRun {
  done: StepPlan[];
  notDone: StepPlan[];
  credentialsFile?: string;
  adminUser: string;
  withAdminUser: boolean;
  /** " --role-arn <arn>" when init acted through a role, else "". */
  target: string;
  /** The Identity Center flags that repeat this run's choices (they name the break-glass user too). */
  adminFlags?: string;
}

/**
 * After Ctrl-C or a stop signal mid-run: what was done, where each new secret went, what is left half-way (an
 * admin with a password and no MFA yet is locked out by the require-MFA policy), and the command that finishes it.
 */
export function renderInterruptedRecap(out: Output, run: InterruptedRun): string {
  const s = out.style;
  const lines: string[] = [''];
  if (run.done.length) {
    lines.push(s.bold('Done before the stop:'));
    for (const p of run.done) lines.push(`  ${s.green('✓')} ${p.title}: ${p.summary}`);
  } else lines.push(s.bold('Nothing was changed before the stop.'));
  if (run.credentialsFile) lines.push(`  New credentials are saved in ${run.credentialsFile} (mode 0600).`);
  if (run.notDone.length) {
    lines.push(s.bold('Not done:'));
    for (const p of run.notDone) lines.push(`  ${s.yellow('✗')} ${p.title}: ${p.summary}`);
  }
  const ids = (list: StepPlan[]) => new Set(list.map((p) => p.id));
  const done = ids(run.done);
  const pending = ids(run.notDone);
  if (pending.has('mfa') && (done.has('console-access') || done.has('admin-user'))) {
    lines.push(
      s.yellow(`  ${run.adminUser} has no MFA yet: the group's require-MFA policy denies it everything but enrolling MFA until then.`),
    );
  }
  if (run.notDone.length) {
    const adminSteps = run.notDone.some((p) => ['sso-admin-group', 'sso-admin-user', 'permission-set', 'account-assignment', 'admin-group', 'admin-user', 'console-access', 'access-key', 'mfa'].includes(p.id));
    const adminFlags = adminSteps ? (run.adminFlags ?? '') : '';
    const needsUser = !run.adminFlags && run.withAdminUser && run.notDone.some((p) => ['admin-group', 'admin-user', 'console-access', 'access-key', 'mfa'].includes(p.id));
    const command = `iam-bootstrap init --only ${run.notDone.map((p) => p.id).join(',')}${needsUser ? ` --admin-user ${run.adminUser}` : ''}${adminFlags}${run.target}`;
    lines.push('', `Finish with: ${s.bold(command)}`, s.dim('  (or run the same command again: every step converges, and what is done stays done)'));
  }
  return lines.join('\n');
}
