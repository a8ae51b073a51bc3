/**
 * An ACTIVE IAM Access Analyzer for external access in every enabled region (CIS v7.0.0 2.18). Regions are independent:
 * they are inspected and created concurrently, and a region that fails is named while the others still converge.
 * Only the free external-access types (ACCOUNT, ORGANIZATION) are ever created.
 */
import { CreateAnalyzerCommand } from '@aws-sdk/client-accessanalyzer';
import { externalAccessAnalyzers } from '../account/analyzers.js';
import { awsFailureReason, isAwsError, RuntimeError, UsageError } from '../errors.js';
import type { Context } from '../context.js';
import { mapConcurrent } from '../lib/concurrency.js';
import { plan, type Step } from './types.js';

export const DEFAULT_ANALYZER_NAME = 'iam-bootstrap';
export type AnalyzerType = 'ACCOUNT' | 'ORGANIZATION';

interface AnalyzerData {
  missing: string[];
}

export const accessAnalyzerStep: Step<AnalyzerData> = {
  id: 'access-analyzer',
  title: 'Access Analyzer',

  async inspect(ctx) {
    const wanted = ctx.settings.accessAnalyzer;
    if (!wanted) return plan(this, 'skip', 'no Access Analyzer (--no-access-analyzer)', { missing: [] });
    if (wanted.type === 'ORGANIZATION' && ctx.account.organization.role !== 'management') {
      throw new UsageError('--organization-analyzer: an ORGANIZATION analyzer can only be created in the management account of an Organization.');
    }
    const enabled = await ctx.regions();
    const regions = wanted.regions === 'all' ? enabled : wanted.regions;
    // A region the account has not enabled would fail at CreateAnalyzer, after other steps changed things.
    const off = regions.filter((r) => !enabled.includes(r));
    if (off.length) {
      throw new UsageError(
        `--access-analyzer-regions: ${off.join(', ')} ${off.length === 1 ? 'is' : 'are'} not enabled in account ${ctx.account.accountId} ` +
          `(enabled: ${enabled.join(', ')}); leave ${off.length === 1 ? 'it' : 'them'} out, or enable ${off.length === 1 ? 'it' : 'them'} first (console: Account → AWS Regions).`,
      );
    }
    const present = await mapConcurrent(regions, regions.length, async (region) => ({
      region,
      analyzers: (await externalAccessAnalyzers(ctx, region)).filter((a) => a.type === wanted.type),
    }));
    const missing = present.filter((p) => !p.analyzers.length).map((p) => p.region);
    const what = `${wanted.type === 'ORGANIZATION' ? 'organization' : 'account'} analyzer`;
    if (!missing.length) return plan(this, 'unchanged', `an ACTIVE ${what} in each of ${regions.length} regions`, { missing });
    const status = missing.length === regions.length ? 'create' : 'update';
    return plan(this, status, `${what} ${wanted.name} in ${missing.length} of ${regions.length} regions`, { missing }, missing.map((region) => ({ field: region, to: `${wanted.name} (${wanted.type})` })));
  },

  async apply(ctx, p) {
    const wanted = ctx.settings.accessAnalyzer;
    if (!wanted || !p.data.missing.length) return {};
    let done = 0;
    const total = p.data.missing.length;
    ctx.out.progress(`Access Analyzer: 0 of ${total} regions`);
    const results = await Promise.allSettled(
      p.data.missing.map(async (region) => {
        try {
          await createAnalyzer(ctx, region, wanted.name, wanted.type);
        } finally {
          done += 1;
          ctx.out.progress(`Access Analyzer: ${done} of ${total} regions`);
        }
      }),
    );
    ctx.out.progress(undefined);
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${p.data.missing[i]}: ${awsFailureReason(r.reason)}`] : []));
    if (failed.length) {
      throw new RuntimeError(
        `access-analyzer:CreateAnalyzer failed in ${failed.length} of ${p.data.missing.length} regions: ${failed.join('; ')}`,
        'The other regions have their analyzer; run init again once the cause is fixed.',
      );
    }
    return {};
  },
};

async function createAnalyzer(ctx: Context, region: string, analyzerName: string, type: AnalyzerType): Promise<void> {
  try {
    // The SDK adds an idempotency token, so its own retry after a lost answer creates nothing twice.
    await ctx.clients.accessAnalyzer(region).send(new CreateAnalyzerCommand({ analyzerName, type }));
  } catch (err) {
    // Same name already there: ours from an earlier run whose answer was lost, unless it is not of this type.
    if (!isAwsError(err, 'Conflict')) throw err;
    if (!(await externalAccessAnalyzers(ctx, region)).some((a) => a.name === analyzerName && a.type === type)) throw err;
  }
}
