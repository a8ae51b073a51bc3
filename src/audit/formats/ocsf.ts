/**
 * `--report ocsf=…`: OCSF 1.8.0 Compliance Finding events (class_uid 2003, category Findings), one JSON object per
 * check and account per line — what Amazon Security Lake and most SIEMs ingest. Field meanings are the published
 * schema's (github.com/ocsf/ocsf-schema, v1.8.0): compliance.status_id 1 Pass, 2 Warning ("did not yield a result
 * due to missing information", which is what our `error` means), 3 Fail, 99 Other (our `skip`, status "Skipped").
 */
import { arnsIn } from '../../account/arns.js';
import type { CheckResult, CheckStatus, Severity } from '../../checks/types.js';
import { FRAMEWORKS, type FrameworkId } from '../../frameworks/catalog.js';
import { acceptedLines, type AuditDocument } from '../report.js';
import type { AccountAudit } from '../run-audit.js';

export const OCSF_VERSION = '1.8.0';
const CLASS_UID = 2003;
const CATEGORY_UID = 2;
const ACTIVITY_CREATE = 1;

const SEVERITY_ID: Record<Severity, number> = { low: 2, medium: 3, high: 4, critical: 5 };
const COMPLIANCE_STATUS: Record<CheckStatus, { status_id: number; status: string }> = {
  pass: { status_id: 1, status: 'Pass' },
  error: { status_id: 2, status: 'Warning' },
  fail: { status_id: 3, status: 'Fail' },
  // Still a failure against the control; the finding itself is suppressed (below).
  accepted: { status_id: 3, status: 'Fail' },
  skip: { status_id: 99, status: 'Skipped' },
};
/** The finding's own status: New, or Suppressed for a failure an exception accepts (OCSF status_id 3). */
const FINDING_NEW = { status_id: 1, status: 'New' };
const FINDING_SUPPRESSED = { status_id: 3, status: 'Suppressed' };

export interface OcsfSettings {
  region: string;
  partition: string;
  toolVersion: string;
}


/** The resource type an ARN names, e.g. arn:<partition>:iam::123:user/alice → "AWS::IAM::User". */
function resourceType(arn: string): string {
  const m = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:([^/:]+)/.exec(arn);
  if (!m) return 'Other';
  const [, service = '', kind = ''] = m;
  const titled = (s: string) => s.replace(/(^|-)(\w)/g, (_, __, ch: string) => ch.toUpperCase());
  return `AWS::${service.toUpperCase()}::${titled(kind)}`;
}

function finding(doc: AuditDocument, a: AccountAudit, c: CheckResult, settings: OcsfSettings): Record<string, unknown> {
  const time = Date.parse(doc.generatedAt);
  const standards = (Object.keys(c.mappings) as FrameworkId[]).map((f) => FRAMEWORKS[f].name);
  const accountArn = arnsIn(settings.partition).accountRoot(a.accountId);
  const resources = (c.resources.length ? c.resources : [accountArn]).map((uid) => ({
    uid,
    type: uid === accountArn ? 'AWS::::Account' : resourceType(uid),
    name: uid.split(/[/:]/).pop(),
    cloud_partition: settings.partition,
    region: settings.region,
  }));
  return {
    class_uid: CLASS_UID,
    class_name: 'Compliance Finding',
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
    type_name: 'Compliance Finding: Create',
    time,
    severity_id: SEVERITY_ID[c.severity],
    severity: c.severity[0]?.toUpperCase() + c.severity.slice(1),
    ...(c.status === 'accepted' ? FINDING_SUPPRESSED : FINDING_NEW),
    ...(c.accepted?.length ? { status_detail: acceptedLines(c).join('; ') } : {}),
    message: c.detail,
    metadata: {
      version: OCSF_VERSION,
      profiles: ['cloud'],
      product: { name: 'iam-bootstrap', vendor_name: 'iam-bootstrap', version: settings.toolVersion },
      log_name: 'iam-bootstrap audit',
    },
    finding_info: {
      uid: `iam-bootstrap/${a.accountId}/${c.id}`,
      title: c.title,
      desc: c.detail,
      types: ['Software and Configuration Checks'],
      created_time: time,
    },
    compliance: {
      control: c.id,
      ...COMPLIANCE_STATUS[c.status],
      status_detail: c.detail,
      requirements: c.references,
      standards,
    },
    ...(c.remediation ? { remediation: { desc: c.remediation } } : {}),
    resources,
    cloud: {
      provider: 'AWS',
      region: settings.region,
      account: { uid: a.accountId, type: 'AWS Account', type_id: 10, ...(a.alias ? { name: a.alias } : {}) },
    },
  };
}

/** One line per check and account. An account that could not be audited has no findings: its error is the audit's. */
export function renderOcsf(doc: AuditDocument, settings: OcsfSettings): string {
  const lines = doc.accounts.flatMap((a) => a.checks.map((c) => JSON.stringify(finding(doc, a, c, settings))));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
