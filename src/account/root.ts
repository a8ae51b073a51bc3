/**
 * The root user's state, and the one judgement of whether it has any credential to protect: init's advice and
 * audit's verdicts both come from here, so they cannot disagree.
 */
import { GetAccountSummaryCommand } from '@aws-sdk/client-iam';
import type { AwsClients } from '../aws/clients.js';
import { isTrue, type ReportRow } from './credential-report.js';

/** GetAccountSummary's SummaryMap: the only API view of root's MFA, password and access keys besides the report. */
export type AccountSummary = Record<string, number>;

export async function readAccountSummary(ctx: { clients: AwsClients }): Promise<AccountSummary> {
  const { SummaryMap } = await ctx.clients.iam.send(new GetAccountSummaryCommand({}));
  return (SummaryMap ?? {}) as AccountSummary;
}

export interface RootPosture {
  mfa: boolean;
  accessKeys: boolean;
  /**
   * No password and no access keys (e.g. removed through centralized root access): root cannot sign in or call
   * AWS, so it has nothing to protect with MFA (CIS, Security Hub IAM.6/IAM.9).
   */
  noCredentials: boolean;
}

/**
 * What root has, from the account summary and, when it was read, the credential report's `<root_account>` row. No
 * password: the summary's AccountPasswordPresent is 0, or the report says `false` (many reports write
 * `not_supported` there, which alone says nothing). Access keys: either source saying so.
 */
export function judgeRoot(summary: AccountSummary, report?: ReportRow): RootPosture {
  const noPassword = summary.AccountPasswordPresent === 0 || report?.password_enabled === 'false';
  const accessKeys = (summary.AccountAccessKeysPresent ?? 0) > 0 || isTrue(report?.access_key_1_active) || isTrue(report?.access_key_2_active);
  return {
    mfa: (summary.AccountMFAEnabled ?? 0) > 0 || isTrue(report?.mfa_active),
    accessKeys,
    noCredentials: noPassword && !accessKeys,
  };
}
