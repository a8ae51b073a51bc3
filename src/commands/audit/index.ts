/** `iam-bootstrap audit`: the account security report, for one account or a whole Organization. Read-only. */
import type { Command } from 'commander';
import { auditOrganization } from '../../audit/organization.js';
import { checkReportTargets, SecurityHubDelivery, writeReports } from '../../audit/outputs.js';
import type { AwsClients } from '../../aws/clients.js';
import { auditDocument, auditExitCode, renderMarkdown, renderTable, type AuditDocument } from '../../audit/report.js';
import { auditAccount, type AccountAudit } from '../../audit/run-audit.js';
import { ALL_CHECKS } from '../../checks/registry.js';
import type { GlobalOptions } from '../../options.js';
import type { Context } from '../../context.js';
import { READ_ONLY_MAX_ATTEMPTS } from '../../aws/clients.js';
import { ExitCode, ExitWith } from '../../errors.js';
import type { SecretRegistry } from '../../lib/secrets.js';
import { readIdentity } from '../../account/identity.js';
import { parseAuditFlags, type AuditFlags, type AuditRequest } from './options.js';

export async function runAuditCommand(command: Command, secrets: SecretRegistry): Promise<void> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  // --role-name and --account are global (init uses them too); audit checks how they combine with --org.
  const flags = { ...command.opts<AuditFlags>(), roleName: globals.roleName, elsewhere: globals.account !== undefined || globals.roleArn !== undefined };
  const request = parseAuditFlags(flags, command.parent?.opts<GlobalOptions>().json === true);
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

export async function runAudit(ctx: Context, request: AuditRequest): Promise<{ doc: AuditDocument; deliveryFailed: boolean; reportsFailed: boolean }> {
  // Report files that cannot be written stop the run here, before any AWS call.
  await checkReportTargets(ctx, request.reports, request.force);
  const started = performance.now();
  const checks = ALL_CHECKS.filter((c) => request.checks.includes(c.id));
  const settings = {
    rootUseDays: request.rootUseDays,
    unusedDays: request.unusedDays,
    rotationDays: request.rotationDays,
    now: ctx.clock.now(),
  };
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
  if (request.org) accounts = await auditOrganization(ctx, caller, checks, settings, { ...request, onAccount });
  else {
    accounts = [await auditAccount(ctx, caller, checks, settings)];
    onAccount(accounts[0] as AccountAudit, ctx.clients);
  }
  const doc = auditDocument(accounts, settings.now);
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
  else if (request.format === 'markdown') ctx.out.result(renderMarkdown(doc));
  else ctx.out.result(renderTable(ctx.out, doc));
  const written = await writeReports(ctx, request, doc, { region, partition: caller.partition });
  const delivered = hub ? await hub.finish() : true;
  return { doc, deliveryFailed: !delivered, reportsFailed: !written };
}
