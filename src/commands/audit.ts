/** `iam-bootstrap audit`: the account security report, for one account or a whole Organization. Read-only. */
import type { Command } from 'commander';
import { auditOrganization } from '../audit/organization.js';
import { auditDocument, auditExitCode, renderMarkdown, renderTable, type AuditDocument } from '../audit/report.js';
import { auditAccount, type AccountAudit } from '../audit/run-audit.js';
import { ALL_CHECKS } from '../checks/registry.js';
import type { GlobalOptions } from '../cli.js';
import type { Context } from '../context.js';
import { READ_ONLY_MAX_ATTEMPTS } from '../aws/clients.js';
import { ExitCode, ExitWith } from '../errors.js';
import type { SecretRegistry } from '../lib/secrets.js';
import { readIdentity } from '../steps/identity.js';
import { parseAuditFlags, type AuditFlags, type AuditRequest } from './audit-options.js';

export async function runAuditCommand(command: Command, secrets: SecretRegistry): Promise<void> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const request = parseAuditFlags(command.opts<AuditFlags>(), command.parent?.opts<GlobalOptions>().json === true);
  const { createContext, outputFor } = await import('../runtime.js');
  const ctx = await createContext(globals, secrets, outputFor(globals, secrets, request.format === 'json'), {
    maxAttempts: READ_ONLY_MAX_ATTEMPTS,
  });
  const doc = await runAudit(ctx, request);
  const code = auditExitCode(doc, request.failOn);
  if (code !== ExitCode.ok) throw new ExitWith(code);
}

export async function runAudit(ctx: Context, request: AuditRequest): Promise<AuditDocument> {
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
  const onAccount = request.format === 'jsonl' ? (a: AccountAudit) => ctx.out.result(JSON.stringify({ type: 'account', ...a })) : undefined;
  let accounts: AccountAudit[];
  if (request.org) accounts = await auditOrganization(ctx, caller, checks, settings, { ...request, onAccount });
  else {
    accounts = [await auditAccount(ctx, caller, checks, settings)];
    onAccount?.(accounts[0] as AccountAudit);
  }
  const doc = auditDocument(accounts, settings.now);
  const { retried, attempts } = ctx.awsRetries();
  ctx.out.debug(
    `audit: ${ctx.awsCallCount()} AWS calls in ${Math.round(performance.now() - started)} ms` +
      (retried ? `; ${retried} retried (${attempts} attempts in all)` : '; none retried'),
  );
  if (request.format === 'json') ctx.out.document(doc);
  else if (request.format === 'jsonl') {
    ctx.out.result(JSON.stringify({ type: 'summary', schemaVersion: doc.schemaVersion, generatedAt: doc.generatedAt, summary: doc.summary }));
  }
  else if (request.format === 'markdown') ctx.out.result(renderMarkdown(doc));
  else ctx.out.result(renderTable(ctx.out, doc));
  return doc;
}
