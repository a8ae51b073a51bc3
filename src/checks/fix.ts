/** Where a check's fix acts, and the init command that makes it. Kept apart from the check contract, which audit's sources use too. */

/** Where a fix acts: the audited account, and how `iam-bootstrap init` reaches it from where the audit ran. */
export interface FixContext {
  accountId: string;
  partition: string;
  /** " --account <id>" (and the role flags the audit used) when the account was reached through a role; else "". */
  target: string;
}

/** The init command that fixes a check: exactly the steps named, in the audited account. */
export function initFix(fix: FixContext, args: string): string {
  return `iam-bootstrap init ${args}${fix.target}`;
}

/** An AWS CLI command in a fix: "aws iam …", "aws account …". */
const AWS_CLI = /\baws [a-z0-9-]+ [a-z0-9-]+/;

/**
 * A fix for an account reached through a role (--org, --account): its init commands carry --account already, but
 * an AWS CLI command acts wherever the shell's credentials are, so the fix says which account it is meant for.
 */
export function forAuditedAccount(fix: FixContext, remediation: string): string {
  if (!fix.target || !AWS_CLI.test(remediation)) return remediation;
  return `${remediation}\n(aws commands: run them with credentials for account ${fix.accountId}, not from where this audit ran.)`;
}
