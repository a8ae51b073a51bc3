/** `iam-bootstrap audit`: the account security report, for one account or a whole Organization. Read-only. */
import type { Command } from 'commander';
import { auditOrganization } from '../../audit/organization.js';
import { checkReportTargets, renderReport, SecurityHubDelivery, writeReports } from '../../audit/outputs.js';
import type { AwsClients } from '../../aws/clients.js';
import { auditDocument, auditExitCode, renderTable, type AuditDocument } from '../../audit/report.js';
import { auditAccount, type AccountAudit, type RunOptions } from '../../audit/run-audit.js';
import { ALL_CHECKS } from '../../checks/registry.js';
import type { GlobalOptions } from '../../options.js';
import type { Context } from '../../context.js';
import { READ_ONLY_MAX_ATTEMPTS } from '../../aws/clients.js';
import { ExitCode, ExitWith } from '../../errors.js';
import type { SecretRegistry } from '../../lib/secrets.js';
import { readIdentity } from '../../account/identity.js';
import { loadExceptions } from '../../audit/exceptions.js';
import { FRAMEWORK_IDS } from '../../frameworks/catalog.js';
import { complianceSummary } from '../../frameworks/summary.js';
import { parseAuditFlags, type AuditFlags, type AuditRequest } from './options.js';

export async function runAuditCommand(command: Command, secrets: SecretRegistry): Promise<void> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  // --role-name and --account are global (init uses them too); audit checks how they combine with --org.
  const flags = { ...command.opts<AuditFlags>(), roleName: globals.roleName, elsewhere: globals.account !== undefined || globals.roleArn !== undefined };
  const request = { ...parseAuditFlags(flags, command.parent?.opts<GlobalOptions>().json === true), initTarget: initTarget(globals) };
  const { createContext, outputFor } = await import('../../create-context.js');
  const ctx = await createContext(globals, secrets, outputFor(globals, secrets, request.format === 'json'), {
    maxAttempts: READ_ONLY_MAX_ATTEMPTS,
  });
  const { doc, deliveryFailed, reportsFailed } = await runAudit(ctx, request);
  // A Security Hub import or a report file that did not happen is a runtime failure even when checks failed too:
  // the operator asked for it and must not mistake "findings" for "findings delivered".
  const code = deliveryFailed || reportsFailed ? ExitCode.runtime : auditExitCode(doc, request.failOn);
  if (code !== ExitCode.ok) throw new ExitWith(code);
}

/**
 * How a fix's `iam-bootstrap init` reaches the account audited with --account or --role-arn: the same flags, so a
 * pasted fix never acts on the operator's own account instead.
 */
export function initTarget(globals: Pick<GlobalOptions, 'account' | 'roleName' | 'roleArn' | 'externalId'>): string {
  if (globals.roleArn) return ` --role-arn ${globals.roleArn}${globals.externalId ? ` --external-id ${globals.externalId}` : ''}`;
  if (!globals.account) return '';
  return ` --account ${globals.account}${globals.roleName ? ` --role-name ${globals.roleName}` : ''}${globals.externalId ? ` --external-id ${globals.externalId}` : ''}`;
}

export async function runAudit(
  ctx: Context,
  request: AuditRequest & { initTarget?: string },
  cwd = process.cwd(),
): Promise<{ doc: AuditDocument; deliveryFailed: boolean; reportsFailed: boolean }> {
  // Report files that cannot be written and exception files that are wrong stop the run here, before any AWS call.
  await checkReportTargets(ctx, request.reports, request.force);
  const now = ctx.clock.now();
  const exceptions = await loadExceptions(ctx, request, cwd, { checks: ALL_CHECKS, now });
  const started = performance.now();
  const checks = ALL_CHECKS.filter((c) => request.checks.includes(c.id));
  const settings = {
    rootUseDays: request.rootUseDays,
    unusedDays: request.unusedDays,
    unusedRoleDays: request.unusedRoleDays,
    rotationDays: request.rotationDays,
    now,
  };
  const frameworks = request.framework ? [request.framework] : FRAMEWORK_IDS;
  const run: RunOptions = { settings, frameworks, exceptions, target: request.initTarget ?? '' };
  const caller = await readIdentity(ctx);
  // jsonl: each account's document is printed the moment it is done, so a long --org audit shows results at once
  // and a crash loses nothing already printed.
  const region = await ctx.clients.iam.config.region();
  const hub = request.securityHub ? new SecurityHubDelivery(ctx, caller, region, { ...request.securityHub, roleName: request.roleName }) : undefined;
  const onAccount = (a: AccountAudit, clients: AwsClients) => {
    if (request.format === 'jsonl') ctx.out.result(JSON.stringify({ type: 'account', ...a }));
    hub?.send(a, clients);
  };
  let accounts: AccountAudit[];
  if (request.org) accounts = await auditOrganization(ctx, caller, checks, run, { ...request, onAccount });
  else {
    accounts = [await auditAccount(ctx, caller, checks, run)];
    onAccount(accounts[0] as AccountAudit, ctx.clients);
  }
  const notices = exceptions?.notices();
  for (const w of notices?.warnings ?? []) ctx.out.warn(`Warning: ${w}`);
  for (const n of notices?.notices ?? []) ctx.out.info(`Notice: ${n}`);
  const doc = auditDocument(accounts, now, {
    framework: request.framework,
    compliance: request.framework ? complianceSummary(request.framework, accounts, ALL_CHECKS) : undefined,
    exceptions: exceptions && notices ? { entries: exceptions.entries.length, ...notices } : undefined,
  });
  const { retried, attempts } = ctx.awsRetries();
  ctx.out.debug(
    `audit: ${ctx.awsCallCount()} AWS calls in ${Math.round(performance.now() - started)} ms` +
      (retried ? `; ${retried} retried (${attempts} attempts in all)` : '; none retried') +
      // The process's peak resident memory so far (maxRSS is in KiB): what a CI runner or CloudShell must allow.
      `; peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
  if (request.format === 'json') ctx.out.document(doc);
  else if (request.format === 'jsonl') {
    ctx.out.result(JSON.stringify({ type: 'summary', schemaVersion: doc.schemaVersion, generatedAt: doc.generatedAt, summary: doc.summary }));
  }
  else if (request.format === 'table') ctx.out.result(renderTable(ctx.out, doc, { statuses: request.statuses, quiet: request.quiet }));
  else ctx.out.raw(renderReport(request.format, doc, { region, partition: caller.partition }));
  const written = await writeReports(ctx, request, doc, { region, partition: caller.partition });
  const delivered = hub ? await hub.finish() : true;
  return { doc, deliveryFailed: !delivered, reportsFailed: !written };
}
