/**
 * A framework's section requirement by requirement: what the audit decided for each (from the checks that map to
 * it), and for what no check decides, what a person must look at. Every requirement of the section is listed.
 */
import type { AccountAudit } from '../audit/run-audit.js';
import type { Check, CheckStatus } from '../checks/types.js';
import { FRAMEWORKS, type Framework, type FrameworkId, type Requirement } from './catalog.js';

export type RequirementStatus = 'fail' | 'error' | 'accepted' | 'pass' | 'not applicable' | 'not checked';

/** Worst first: the order in which one account's (or the Organization's) status is decided. */
const PRECEDENCE: RequirementStatus[] = ['fail', 'error', 'accepted', 'pass', 'not applicable', 'not checked'];

export interface RequirementResult {
  id: string;
  title: string;
  assessment: Requirement['assessment'];
  status: RequirementStatus;
  /** The checks that decide it (empty: no check does). */
  checks: string[];
  /** With several accounts: how many are in each status. */
  accounts: Partial<Record<RequirementStatus, number>>;
  /** What a person must look at: for manual requirements, and those no check (or no selected check) decides. */
  review?: string;
}

export interface ComplianceSummary {
  framework: FrameworkId;
  name: string;
  section: string;
  requirements: RequirementResult[];
  counts: Partial<Record<RequirementStatus, number>>;
  /** Items a later version withdrew that checks still look at: reported for hygiene, not as this framework's. */
  withdrawn: NonNullable<Framework['withdrawn']>;
}

function statusOf(statuses: CheckStatus[]): RequirementStatus {
  if (!statuses.length) return 'not checked';
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('error')) return 'error';
  if (statuses.includes('accepted')) return 'accepted';
  if (statuses.every((s) => s === 'skip')) return 'not applicable';
  return 'pass';
}

export function complianceSummary(framework: FrameworkId, accounts: AccountAudit[], allChecks: readonly Check[]): ComplianceSummary {
  const fw = FRAMEWORKS[framework];
  const audited = accounts.filter((a) => !a.error);
  const requirements = fw.requirements.map((req): RequirementResult => {
    const checks = allChecks.filter((c) => c.mappings[framework]?.includes(req.id)).map((c) => c.id);
    const perAccount = audited.map((a) => statusOf(a.checks.filter((c) => checks.includes(c.id)).map((c) => c.status)));
    const counts: Partial<Record<RequirementStatus, number>> = {};
    for (const s of perAccount) counts[s] = (counts[s] ?? 0) + 1;
    const status = PRECEDENCE.find((s) => perAccount.includes(s)) ?? 'not checked';
    const ran = audited.some((a) => a.checks.some((c) => checks.includes(c.id)));
    const review = !checks.length
      ? req.review ?? 'Not checked by this tool.'
      : !ran
        ? `Not checked in this run (${checks.join(', ')} not selected).${req.review ? ` ${req.review}` : ''}`
        : req.assessment === 'manual' || req.review
          ? req.review
          : undefined;
    return { id: req.id, title: req.title, assessment: req.assessment, status, checks, accounts: counts, ...(review ? { review } : {}) };
  });
  const counts: Partial<Record<RequirementStatus, number>> = {};
  for (const r of requirements) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return { framework, name: fw.name, section: fw.section, requirements, counts, withdrawn: fw.withdrawn ?? [] };
}

/** "24 requirements: 15 pass, 1 fail, 8 not checked". */
export function summaryCounts(s: ComplianceSummary): string {
  const parts = PRECEDENCE.filter((st) => s.counts[st]).map((st) => `${s.counts[st]} ${st}`);
  return `${s.requirements.length} requirements: ${parts.join(', ')}`;
}
