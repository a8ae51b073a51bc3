/**
 * Where an audit's result goes besides stdout: report files (--report) and AWS Security Hub (--security-hub).
 * File targets are checked before the first AWS call, so a typo in a runbook costs nothing; files are written
 * after the audit, each whole or not at all.
 */
import { arnsIn } from '../account/arns.js';
import { assumeRole } from '../aws/assume-role.js';
import type { AwsClients } from '../aws/clients.js';
import type { AuditRequest, ReportFormat, ReportRequest } from '../commands/audit/options.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { packageVersion } from '../lib/version.js';
import type { AccountIdentity } from '../account/identity.js';
import { renderCsv } from './formats/csv.js';
import { renderHtml } from './formats/html.js';
import { renderJunit } from './formats/junit.js';
import { renderOcsf } from './formats/ocsf.js';
import { renderMarkdown, type AuditDocument } from './report.js';
import type { AccountAudit } from './run-audit.js';
import { describeImportFailure, importFindings, type ImportOutcome, type SecurityHubTarget } from './security-hub.js';

/**
 * Exit 2 naming every report that cannot be written, before anything is read from AWS: two reports to one file
 * (however the paths are spelled: links, `..`, a symlinked folder), a file that exists without --force, a folder
 * that is missing or read-only.
 */
export async function checkReportTargets(ctx: Pick<Context, 'fs'>, reports: ReportRequest[], force: boolean): Promise<void> {
  const problems: string[] = [];
  const seen = new Map<string, ReportRequest>();
  for (const r of reports) {
    const identity = await ctx.fs.fileIdentity(r.path);
    const first = seen.get(identity);
    if (first) problems.push(`--report: ${r.path} is named twice (also as ${first.path}); each report needs its own file.`);
    else seen.set(identity, r);
  }
  for (const r of reports) {
    const reason = await ctx.fs.checkReportTarget(r.path, force);
    if (reason) problems.push(`--report ${r.format}=${r.path}: ${reason}`);
  }
  if (problems.length) throw new UsageError(problems.join('\n'));
}

export interface RenderSettings {
  region: string;
  partition: string;
}

export function renderReport(format: ReportFormat, doc: AuditDocument, settings: RenderSettings): string {
  const toolVersion = packageVersion();
  switch (format) {
    case 'html':
      return renderHtml(doc, toolVersion);
    case 'junit':
      return renderJunit(doc);
    case 'ocsf':
      return renderOcsf(doc, { ...settings, toolVersion });
    case 'csv':
      return renderCsv(doc);
    case 'markdown':
      return `${renderMarkdown(doc)}\n`;
    case 'json':
      return `${JSON.stringify(doc, null, 2)}\n`;
  }
}

/** Writes every report, each whole or not at all; one that fails is named and the others are still written. */
export async function writeReports(ctx: Pick<Context, 'fs' | 'out'>, request: AuditRequest, doc: AuditDocument, settings: RenderSettings): Promise<boolean> {
  let allWritten = true;
  for (const r of request.reports) {
    try {
      await ctx.fs.writeAtomically(r.path, renderReport(r.format, doc, settings), request.force);
      ctx.out.info(`Wrote the ${r.format} report to ${r.path}`);
    } catch (err) {
      allWritten = false;
      ctx.out.warn(`The ${r.format} report was not written: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return allWritten;
}

/**
 * Sends each account's findings as soon as that account is audited (with that account's clients: Security Hub
 * takes a default-product finding only from the account it is about), or all to one aggregator account.
 */
export class SecurityHubDelivery {
  private readonly pending: Promise<ImportOutcome | string>[] = [];
  private aggregator: Promise<SecurityHubTarget> | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly caller: AccountIdentity,
    private readonly region: string,
    private readonly options: { account?: string; roleName: string },
  ) {}

  /** Queues one account's import; failures are collected, never thrown, so the other accounts still go. */
  send(audit: AccountAudit, clients: AwsClients): void {
    if (audit.error) return; // nothing was audited, so nothing is known to report
    const outcome = (async () => {
      const target = this.options.account
        ? await this.aggregatorTarget()
        : { accountId: audit.accountId, region: this.region, partition: this.caller.partition, client: clients.securityHub };
      return importFindings(audit, target, this.ctx.clock.now());
    })().catch((err: unknown) => `account ${audit.accountId}: ${describeImportFailure(err)}`);
    this.pending.push(outcome);
  }

  /** Reports what was imported; true when every import went through. */
  async finish(): Promise<boolean> {
    const outcomes = await Promise.all(this.pending);
    let ok = true;
    for (const o of outcomes) {
      if (typeof o === 'string') {
        ok = false;
        this.ctx.out.warn(`Security Hub: ${o}`);
        continue;
      }
      const where = o.target === o.auditedAccountId ? `account ${o.target}` : `account ${o.target} (findings of ${o.auditedAccountId})`;
      this.ctx.out.info(`Security Hub: ${o.imported} findings imported into ${where}, ${this.region} (${o.created} new, ${o.updated} updated)`);
      if (o.failed.length) {
        ok = false;
        this.ctx.out.warn(`Security Hub refused ${o.failed.length} findings of account ${o.auditedAccountId}:\n  ${o.failed.join('\n  ')}`);
      }
    }
    return ok;
  }

  private aggregatorTarget(): Promise<SecurityHubTarget> {
    const accountId = this.options.account as string;
    this.aggregator ??= (async () => {
      const target = { accountId, region: this.region, partition: this.caller.partition };
      // With --account, the clients act in the audited account; the operator's own are callerClients.
      const own = this.ctx.callerClients ?? this.ctx.clients;
      const ownAccount = this.ctx.actingThrough?.callerArn.split(':')[4] ?? this.caller.accountId;
      if (accountId === this.caller.accountId) return { ...target, client: this.ctx.clients.securityHub };
      if (accountId === ownAccount) return { ...target, client: own.securityHub };
      const roleArn = arnsIn(this.caller.partition).role(accountId, this.options.roleName);
      const credentials = await assumeRole(own.sts, { roleArn, sessionName: 'iam-bootstrap-security-hub', durationSeconds: 900 }, () => this.ctx.clock.now());
      return { ...target, client: this.ctx.clientsFor(credentials, accountId).securityHub };
    })();
    return this.aggregator;
  }
}
