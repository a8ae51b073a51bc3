/** `iam-bootstrap checks`: every audit check with its id, severity, title and the controls it decides. No AWS call. */
import { ALL_CHECKS } from '../checks/registry.js';
import { citation, FRAMEWORK_IDS, FRAMEWORKS, hygieneNote } from '../frameworks/catalog.js';
import type { Output } from '../io/output.js';

export interface CheckListing {
  id: string;
  aliases: string[];
  severity: string;
  title: string;
  /** framework id → requirement ids, e.g. { "cis-7.0": ["2.5"], "security-hub": ["IAM.9"] } */
  mappings: Record<string, string[]>;
  /** For a check of an item a benchmark withdrew: it is kept for hygiene, not as that benchmark's control. */
  note?: string;
}

export function checkListing(): CheckListing[] {
  return ALL_CHECKS.map((c) => ({
    id: c.id,
    aliases: c.aliases ?? [],
    severity: c.severity,
    title: c.title,
    mappings: Object.fromEntries(FRAMEWORK_IDS.filter((f) => c.mappings[f]).map((f) => [f, c.mappings[f] as string[]])),
    ...(hygieneNote(c.id) ? { note: hygieneNote(c.id) } : {}),
  }));
}

/** The listing as text: a line per check, its controls on the next line. */
export function renderCheckListing(list: CheckListing[]): string {
  const idWidth = Math.max(...list.map((c) => c.id.length));
  const lines: string[] = [];
  for (const c of list) {
    lines.push(`${c.id.padEnd(idWidth)}  ${c.severity.padEnd(8)}  ${c.title}${c.aliases.length ? ` (was: ${c.aliases.join(', ')})` : ''}`);
    const refs = FRAMEWORK_IDS.flatMap((f) => (c.mappings[f] ?? []).map((id) => citation(f, id)));
    const controls = refs.length ? refs.join(' · ') : 'no benchmark control (kept as good practice)';
    lines.push(`${' '.repeat(idWidth + 12)}${controls}${c.note ? ` (${c.note})` : ''}`);
  }
  lines.push('', `Frameworks: ${FRAMEWORK_IDS.map((f) => `${f} (${FRAMEWORKS[f].name})`).join('; ')}.`);
  return lines.join('\n');
}

/** The listing on `out`: JSON (`{ schemaVersion, checks }`) with --json, else text. */
export function runChecksCommand(out: Output): void {
  const list = checkListing();
  if (out.json) out.document({ schemaVersion: 1, checks: list });
  else out.result(renderCheckListing(list));
}
