/** How init's plan and result read, for people and for --json. No AWS calls, no prompts. */
import type { Output } from '../../io/output.js';
import type { AccountIdentity } from '../../account/identity.js';
import type { RootPosture } from '../../account/root.js';
import { RECOVER_ROOT_TASK, taskPolicyArn } from '../../steps/root-credentials.js';
import type { StepPlan, StepStatus } from '../../steps/types.js';

export interface NextStep {
  id: 'root-mfa' | 'root-access-keys' | 'billing-access' | 'sign-in-as-admin' | 'security-contact' | 'root-recovery';
  text: string;
}

export interface InitResult {
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
    lines.push(colour[p.status](`${MARK[p.status]} ${p.title.padEnd(width)}  ${p.summary}`));
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
  if (result.nextSteps.length) {
    lines.push('', s.bold('Still to do:'));
    result.nextSteps.forEach((n, i) => lines.push(`  ${i + 1}. ${n.text}`));
  }
  return lines.join('\n');
}
