/**
 * What OCSF 1.8.0 requires of a Compliance Finding (class 2003), from the published schema
 * (github.com/ocsf/ocsf-schema at v1.8.0: events/base_event.json, events/findings/finding.json,
 * events/findings/compliance_finding.json, objects/metadata.json, objects/product.json (an _entity: name or uid),
 * objects/finding_info.json, objects/compliance.json, profiles/cloud.json, objects/cloud.json), and the enums our
 * values must come from. A test helper: no network in CI, so the schema's facts are written down here.
 */
import { expect } from 'vitest';

const SEVERITY_IDS = [0, 1, 2, 3, 4, 5, 6, 99];
const COMPLIANCE_STATUS_IDS = [0, 1, 2, 3, 99];
const FINDING_STATUS_IDS = [0, 1, 2, 3, 4, 5, 99];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON line, checked field by field below
export function assertOcsfComplianceFinding(f: Record<string, any>): void {
  // base_event: required
  for (const key of ['activity_id', 'category_uid', 'class_uid', 'metadata', 'severity_id', 'time', 'type_uid']) expect(f, key).toHaveProperty(key);
  // finding, compliance_finding: required
  expect(f).toHaveProperty('finding_info');
  expect(f).toHaveProperty('compliance');
  expect(f.class_uid).toBe(2003);
  expect(f.category_uid).toBe(2);
  expect([1, 2, 3, 99]).toContain(f.activity_id);
  expect(f.type_uid).toBe(f.class_uid * 100 + f.activity_id);
  expect(Number.isInteger(f.time) && f.time > 0).toBe(true);
  expect(SEVERITY_IDS).toContain(f.severity_id);
  if (f.status_id !== undefined) expect(FINDING_STATUS_IDS).toContain(f.status_id);
  // metadata: product and version required; product is an _entity (name or uid)
  expect(typeof f.metadata.version).toBe('string');
  expect(f.metadata.version).toMatch(/^1\.\d+\.\d+$/);
  expect(Boolean(f.metadata.product?.name || f.metadata.product?.uid)).toBe(true);
  // finding_info: uid required
  expect(typeof f.finding_info.uid).toBe('string');
  expect(f.finding_info.uid.length).toBeGreaterThan(0);
  // compliance: status_id from its enum; requirements and standards are string arrays
  expect(COMPLIANCE_STATUS_IDS).toContain(f.compliance.status_id);
  if (f.compliance.status_id === 99) expect(typeof f.compliance.status).toBe('string');
  for (const list of ['requirements', 'standards']) {
    if (f.compliance[list] !== undefined) expect(f.compliance[list].every((x: unknown) => typeof x === 'string')).toBe(true);
  }
  // the cloud profile (declared in metadata.profiles) makes `cloud` required, and cloud.provider with it
  if (f.metadata.profiles?.includes('cloud')) expect(typeof f.cloud?.provider).toBe('string');
  // resources: resource_details, each an _entity (name or uid)
  for (const r of f.resources ?? []) expect(Boolean(r.uid || r.name)).toBe(true);
  if (f.remediation !== undefined) expect(typeof f.remediation.desc).toBe('string');
}
