/** Report files: which paths name one file, and a failed report that does not stop the others. */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReportTargets } from '../../../src/audit/outputs.js';
import { runAudit } from '../../../src/commands/audit/index.js';
import { parseAuditFlags } from '../../../src/commands/audit/options.js';
import { UsageError } from '../../../src/errors.js';
import { nodeFileSystem } from '../../../src/io/file-system.js';
import { auditContext, SECURE } from '../../support/audit-fixture.js';
import { tempDir } from '../../support/context.js';

const ctx = { fs: nodeFileSystem };

describe('report targets', () => {
  it('two spellings of one file are refused before any AWS call: a symlinked folder, "..", a hard link', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    symlinkSync(dir, join(dir, 'ln'));
    const twice = async (a: string, b: string) =>
      checkReportTargets(ctx, [{ format: 'html', path: a }, { format: 'csv', path: b }], true).then(() => 'accepted', (e: Error) => e);
    const viaLink = await twice(join(dir, 'r.html'), join(dir, 'ln', 'r.html'));
    expect(viaLink).toBeInstanceOf(UsageError);
    expect((viaLink as Error).message).toBe(`--report: ${join(dir, 'ln', 'r.html')} is named twice (also as ${join(dir, 'r.html')}); each report needs its own file.`);
    expect(await twice(join(dir, 'r.html'), join(dir, 'sub', '..', 'r.html'))).toBeInstanceOf(UsageError);
    writeFileSync(join(dir, 'a.csv'), 'old');
    linkSync(join(dir, 'a.csv'), join(dir, 'b.csv'));
    expect(await twice(join(dir, 'a.csv'), join(dir, 'b.csv'))).toBeInstanceOf(UsageError);
    expect(await twice(join(dir, 'r.html'), join(dir, 'r.csv'))).toBe('accepted');
  });

  it('every report is attempted when one fails; the failure is named and the audit says it with exit 3', async () => {
    const dir = tempDir();
    const { ctx: auditCtx, stderr } = auditContext(SECURE);
    const html = join(dir, 'a.html');
    const csv = join(dir, 'b.csv');
    const junit = join(dir, 'c.xml');
    const request = parseAuditFlags({ report: [`html=${html}`, `csv=${csv}`, `junit=${junit}`], format: 'json' }, false);
    // The CSV file appears while the audit runs: that report fails (it is never overwritten), the others are written.
    const fs = { ...auditCtx.fs, writeAtomically: async (path: string, data: string, replace: boolean) => {
      if (path === csv) writeFileSync(csv, 'someone else');
      return nodeFileSystem.writeAtomically(path, data, replace);
    } };
    const result = await runAudit({ ...auditCtx, fs }, request);
    expect(result.reportsFailed).toBe(true);
    expect(readFileSync(csv, 'utf8')).toBe('someone else');
    expect(existsSync(html) && existsSync(junit)).toBe(true);
    expect(stderr.join('')).toContain(`The csv report was not written: ${csv} appeared while the audit ran; add --force to replace it`);
  });
});
