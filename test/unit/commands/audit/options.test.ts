import { describe, expect, it } from 'vitest';
import { parseAuditFlags } from '../../../../src/commands/audit/options.js';
import { UsageError } from '../../../../src/errors.js';

const parse = (flags: Parameters<typeof parseAuditFlags>[0]) => parseAuditFlags(flags, false);

describe('audit --report, --force and --security-hub flags', () => {
  it('reads <format>=<path>, a path that itself holds "=" included', () => {
    const r = parse({ report: ['html=out/a.html', 'csv=out/x=y.csv'] });
    expect(r.reports).toEqual([{ format: 'html', path: 'out/a.html' }, { format: 'csv', path: 'out/x=y.csv' }]);
    expect(r.force).toBe(false);
    expect(r.securityHub).toBeUndefined();
  });

  it.each([
    [{ report: ['pdf=a.pdf'] }, '--report: unknown format "pdf" in "pdf=a.pdf"; write <format>=<path> with a format of html, junit, ocsf, json, markdown, csv.'],
    [{ report: ['html'] }, '--report: "html" names no file; write html=<path>.'],
    [{ report: ['html='] }, '--report: "html=" names no file; write html=<path>.'],
    [{ force: true }, '--force: needs --report'],
    [{ securityHubAccount: '111122223333' }, '--security-hub-account: needs --security-hub.'],
    [{ securityHub: true, securityHubAccount: '1111' }, '--security-hub-account: "1111" is not a 12-digit account id.'],
  ])('%j is a usage error', (flags, message) => {
    expect(() => parse(flags)).toThrow(UsageError);
    expect(() => parse(flags)).toThrow(message);
  });

  it('--security-hub, with or without an aggregator account', () => {
    expect(parse({ securityHub: true }).securityHub).toEqual({});
    expect(parse({ securityHub: true, securityHubAccount: '111122223333' }).securityHub).toEqual({ account: '111122223333' });
  });
});
