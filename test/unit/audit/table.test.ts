/** The table on a terminal: failures first, passes folded, filters, the summary once; and what stdout can carry. */
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../../src/audit/report.js';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { createOutput } from '../../../src/io/output.js';
import { auditContext, ROOT, SECURE, userRow } from '../../support/audit-fixture.js';

const WITH_BOB = { ...SECURE, rows: [ROOT, ...SECURE.rows!.slice(1), userRow('bob', { password_enabled: 'true', password_last_used: 'no_information' })] };

async function table(flags: Record<string, unknown>, verbose = false, width?: number) {
  const { ctx } = auditContext(WITH_BOB);
  const request = parseAuditFlags({ format: 'table', ...flags }, false);
  const { doc } = await runAudit(ctx, request);
  const out = createOutput({ json: false, verbose, color: false, ...(width ? { width: { stdout: width } } : {}) }, { write: () => undefined }, { write: () => undefined });
  return renderTable(out, doc, { statuses: request.statuses, quiet: request.quiet });
}

describe('the audit table', () => {
  it('shows failures in full and passes as one folded line, and the summary once', async () => {
    const text = await table({});
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('  FAIL'))).toHaveLength(2); // console-mfa, unused-credentials
    const pass = lines.filter((l) => l.startsWith('  PASS'));
    expect(pass).toHaveLength(1);
    expect(pass[0]).toMatch(/^ {2}PASS {6}39: root-mfa, root-hardware-mfa, /);
    expect(lines.filter((l) => l.startsWith('  SKIP'))).toEqual(['  SKIP      3: identity-center-admin, root-credentials-management, organization-guardrails']);
    expect(text.match(/39 pass, 2 fail, 0 error, 3 skip/g)).toHaveLength(1);
    expect(lines.at(-1)).toBe('Summary: 39 pass, 2 fail, 0 error, 3 skip');
  });

  it('--verbose shows every pass on its own line', async () => {
    expect((await table({}, true)).split('\n').filter((l) => l.startsWith('  PASS'))).toHaveLength(39);
  });

  it('--status shows only the statuses asked for, in full; --quiet only the summary', async () => {
    const onlyPass = await table({ status: ['pass'] });
    expect(onlyPass).not.toMatch(/^ {2}FAIL/m);
    expect(onlyPass.split('\n').filter((l) => l.startsWith('  PASS'))).toHaveLength(39);
    const failAndSkip = await table({ status: ['fail,skip'] });
    expect(failAndSkip.split('\n').filter((l) => /^ {2}(FAIL|SKIP)/.test(l))).toHaveLength(5);
    expect(await table({ quiet: true })).toBe('Summary: 39 pass, 2 fail, 0 error, 3 skip');
  });

  it('wraps at the terminal width on words, a detail continuing under its column', async () => {
    const text = await table({}, false, 70);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(70);
    const fix = text.split('\n').findIndex((l) => l.trimStart().startsWith('fix: Each listed user'));
    expect(text.split('\n')[fix + 1]).toMatch(/^ {17}\S/);
  });

  it('--status and --quiet shape the table only; a bad status is named', () => {
    expect(() => parseAuditFlags({ status: ['fail'], format: 'json' }, false)).toThrow('--status: only shapes the table (--format table); filter json with a tool such as jq.');
    expect(() => parseAuditFlags({ status: ['failed'] }, false)).toThrow('--status: unknown status "failed"; choose from fail, error, accepted, pass, skip.');
    expect(() => parseAuditFlags({ status: ['fail'], quiet: true }, false)).toThrow('--quiet: prints only the summary; leave out --status.');
  });
});

describe('what standard output carries', () => {
  it('--format takes every report format; --report <format>=- is the same', async () => {
    for (const flags of [{ format: 'csv' }, { report: ['csv=-'] }]) {
      const { ctx, stdout } = auditContext(WITH_BOB);
      await runAudit(ctx, parseAuditFlags(flags, false));
      const rows = parseCsv(stdout.join(''), { columns: true }) as { check_id: string; status: string }[];
      expect(rows).toHaveLength(44);
      expect(stdout.join('').endsWith('\r\n')).toBe(true);
    }
    const { ctx, stdout } = auditContext(WITH_BOB);
    await runAudit(ctx, parseAuditFlags({ format: 'html' }, false));
    expect(stdout.join('')).toMatch(/^<!DOCTYPE html>/);
  });

  it('only one format: two on stdout are exit 2, naming both', () => {
    expect(() => parseAuditFlags({ format: 'table', report: ['csv=-'] }, false)).toThrow(
      '--format table and --report csv=-: standard output carries one format; write the others to files (--report <format>=<path>).',
    );
    expect(() => parseAuditFlags({ report: ['csv=-', 'html=-'] }, false)).toThrow(/^--report csv=- and --report html=-: standard output carries one format/);
    expect(() => parseAuditFlags({ format: 'junit' }, true)).toThrow(/^--format junit and --json:/);
    expect(parseAuditFlags({ format: 'json' }, true).format).toBe('json');
    expect(() => parseAuditFlags({ format: 'xml' }, false)).toThrow('--format: unknown format "xml"; choose table, jsonl, html, junit, ocsf, json, markdown, csv.');
  });
});
