import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, renderCsv } from '../../../src/audit/formats/csv.js';
import { HTML_CONTENT_SECURITY_POLICY, renderHtml } from '../../../src/audit/formats/html.js';
import { renderJunit } from '../../../src/audit/formats/junit.js';
import { OCSF_VERSION, renderOcsf } from '../../../src/audit/formats/ocsf.js';
import { auditDocument, renderMarkdown, renderTable } from '../../../src/audit/report.js';
import { countStatuses, type AccountAudit } from '../../../src/audit/run-audit.js';
import type { CheckResult } from '../../../src/checks/types.js';
import { captureOutput } from '../../support/context.js';
import { assertOcsfComplianceFinding } from '../../support/ocsf.js';

const check = (over: Partial<CheckResult> & Pick<CheckResult, 'id' | 'status'>): CheckResult => ({
  title: `Title of ${over.id}`,
  severity: 'medium',
  detail: `detail of ${over.id}`,
  resources: [],
  references: ['CIS 7.0 2.10', 'Security Hub IAM.5'],
  mappings: { 'cis-7.0': ['2.10'], 'security-hub': ['IAM.5'] },
  remediation: over.status === 'fail' ? `fix ${over.id}` : '',
  ...over,
});

function account(accountId: string, checks: CheckResult[], alias: string | null = null): AccountAudit {
  return { accountId, alias, error: null, checks, summary: countStatuses(checks) };
}

// Text a renderer must carry safely: markup, quotes, commas, line breaks, an ampersand, a control character.
const NASTY = 'user <b>"x", y</b> & co\nsecond line\u0007';

const ONE = auditDocument(
  [
    account('111122223333', [
      check({ id: 'console-mfa', status: 'fail', severity: 'high', detail: NASTY, resources: ['arn:aws:iam::111122223333:user/a,b', 'arn:aws:iam::111122223333:user/c'] }),
      check({ id: 'root-mfa', status: 'fail', severity: 'critical' }),
      check({ id: 'access-analyzer', status: 'error', severity: 'low', detail: 'missing permission access-analyzer:ListAnalyzers (AccessDenied)' }),
      check({ id: 'password-policy', status: 'pass' }),
      check({ id: 'user-unused', status: 'skip', detail: 'no users' }),
    ], 'prod-main'),
  ],
  new Date('2026-11-23T10:00:00.000Z'),
);

const ORG = auditDocument(
  [
    ...ONE.accounts,
    account('222233334444', [check({ id: 'console-mfa', status: 'pass' }), check({ id: 'root-mfa', status: 'fail', severity: 'critical' })]),
    { accountId: '333344445555', alias: null, error: 'cannot assume arn:aws:iam::333344445555:role/OrganizationAccountAccessRole: AccessDenied', checks: [], summary: countStatuses([]) },
  ],
  new Date('2026-11-23T10:00:00.000Z'),
);

describe('csv report', () => {
  it('quotes as RFC 4180 says and round-trips through a CSV parser', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    const text = renderCsv(ORG);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...CSV_COLUMNS]);
    // 5 + 2 checks, and one row for the account that could not be audited.
    expect(rows).toHaveLength(8);
    const nasty = rows.find((r) => r.check_id === 'console-mfa' && r.account_id === '111122223333');
    expect(nasty).toMatchObject({ detail: NASTY, status: 'fail', severity: 'high', account_alias: 'prod-main', references: 'CIS 7.0 2.10 Security Hub IAM.5' });
    expect(nasty?.resources?.split(' ')).toEqual(['arn:aws:iam::111122223333:user/a,b', 'arn:aws:iam::111122223333:user/c']);
    expect(rows.at(-1)).toMatchObject({ account_id: '333344445555', status: 'error', detail: expect.stringContaining('cannot assume') });
  });

  it('writes exactly the text a person would, checked against text written by hand', () => {
    const doc = auditDocument(
      [account('111122223333', [check({ id: 'console-mfa', status: 'fail', severity: 'high', detail: 'bob, "ops": no MFA\nsee IAM', resources: ['arn:aws:iam::111122223333:user/bob'], references: ['CIS 7.0 2.10'], remediation: 'enable MFA' })])],
      new Date('2026-11-23T10:00:00.000Z'),
    );
    expect(renderCsv(doc)).toBe(
      'account_id,account_alias,check_id,title,severity,status,detail,resources,references,remediation,accepted_reason,accepted_owner,accepted_until,accepted_by,generated_at\r\n' +
        '111122223333,,console-mfa,Title of console-mfa,high,fail,"bob, ""ops"": no MFA\nsee IAM",arn:aws:iam::111122223333:user/bob,CIS 7.0 2.10,enable MFA,,,,,2026-11-23T10:00:00.000Z\r\n',
    );
  });

  it.each(['=', '+', '-', '@', '\t', '\r'])('neutralises a cell that starts with %j, and a CSV parser reads it back as text', (lead) => {
    const detail = `${lead}1+2: console password, no MFA`;
    const doc = auditDocument([account('111122223333', [check({ id: 'console-mfa', status: 'fail', detail, resources: [`arn:aws:iam::111122223333:user/${lead}x`] })])], new Date('2026-11-23T10:00:00.000Z'));
    const text = renderCsv(doc);
    expect(text).toContain(`,"'${lead}1+2: console password, no MFA",`); // quoted for its comma
    const [row] = parseCsv(text, { columns: true }) as Record<string, string>[];
    expect(row?.detail).toBe(`'${detail}`);
    // Only a leading character matters: an ARN with = inside stays as it is.
    expect(row?.resources).toBe(`arn:aws:iam::111122223333:user/${lead}x`);
  });
});

describe('junit report', () => {
  const xml = renderJunit(ORG);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml);

  it('is well-formed XML with a testsuite per account and a testcase per check', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const suites = parsed.testsuites.testsuite as { name: string; tests: string; failures: string; errors: string; skipped: string; testcase: { classname: string; name: string }[] }[];
    expect(suites.map((s) => s.name)).toEqual(['111122223333 (prod-main)', '222233334444', '333344445555']);
    expect(suites[0]).toMatchObject({ tests: '5', failures: '2', errors: '1', skipped: '1' });
    expect(suites[0]?.testcase.map((t) => [t.classname, t.name])).toContainEqual(['111122223333', 'console-mfa']);
    // The account that could not be audited stays visible as an errored testcase.
    expect(suites[2]).toMatchObject({ tests: '1', errors: '1' });
  });

  it('counts failures like the JSON document, and carries detail and fix in <failure>', () => {
    expect(Number(parsed.testsuites.failures)).toBe(ORG.summary.fail);
    expect(Number(parsed.testsuites.errors)).toBe(ORG.summary.error + ORG.summary.accountErrors);
    const cases = (parsed.testsuites.testsuite[0].testcase as { name: string; failure?: { '#text': string; message: string } }[]);
    const mfa = cases.find((c) => c.name === 'console-mfa');
    // The control character is dropped (XML 1.0 cannot hold it); the rest survives escaping intact.
    expect(mfa?.failure?.message).toBe(NASTY.replace('\u0007', ''));
    expect(mfa?.failure?.['#text']).toContain('Fix: fix console-mfa');
    expect(mfa?.failure?.['#text']).toContain('arn:aws:iam::111122223333:user/c');
    expect(cases.find((c) => c.name === 'user-unused')).toHaveProperty('skipped');
    expect(cases.find((c) => c.name === 'access-analyzer')).toHaveProperty('error');
  });
});

describe('ocsf report', () => {
  const settings = { region: 'eu-west-1', partition: 'aws', toolVersion: '9.9.9' };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON lines, read field by field
  const lines = renderOcsf(ORG, settings).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

  it('is one Compliance Finding per check and account, each with the schema\'s required fields', () => {
    expect(lines).toHaveLength(7);
    for (const finding of lines) assertOcsfComplianceFinding(finding);
    expect(lines[0]?.metadata.version).toBe(OCSF_VERSION);
  });

  it('maps status, severity, requirements, resources and the account honestly', () => {
    const byId = (acct: string, id: string) => lines.find((l) => l.cloud.account.uid === acct && l.compliance.control === id);
    const mfa = byId('111122223333', 'console-mfa');
    expect(mfa).toMatchObject({
      class_uid: 2003,
      type_uid: 200301,
      severity_id: 4,
      time: Date.parse('2026-11-23T10:00:00.000Z'),
      compliance: { status_id: 3, status: 'Fail', requirements: ['CIS 7.0 2.10', 'Security Hub IAM.5'], standards: ['CIS AWS Foundations Benchmark v7.0.0', 'AWS Security Hub CSPM controls (IAM and Account)'] },
      remediation: { desc: 'fix console-mfa' },
      cloud: { provider: 'AWS', region: 'eu-west-1', account: { uid: '111122223333', name: 'prod-main' } },
    });
    expect(mfa?.resources.map((r: { uid: string; type: string }) => [r.uid, r.type])).toEqual([
      ['arn:aws:iam::111122223333:user/a,b', 'AWS::IAM::User'],
      ['arn:aws:iam::111122223333:user/c', 'AWS::IAM::User'],
    ]);
    expect(byId('111122223333', 'root-mfa')?.severity_id).toBe(5);
    expect(byId('111122223333', 'access-analyzer')?.compliance).toMatchObject({ status_id: 2, status: 'Warning' });
    expect(byId('111122223333', 'password-policy')?.compliance).toMatchObject({ status_id: 1, status: 'Pass' });
    expect(byId('111122223333', 'user-unused')?.compliance).toMatchObject({ status_id: 99, status: 'Skipped' });
    // A check about the account itself names the account as its resource.
    expect(byId('111122223333', 'root-mfa')?.resources).toEqual([expect.objectContaining({ uid: 'arn:aws:iam::111122223333:root', type: 'AWS::::Account' })]);
  });
});

describe('html report', () => {
  it('is self-contained: a CSP that loads nothing, no script, no external reference', () => {
    const html = renderHtml(ORG, '9.9.9');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${HTML_CONTENT_SECURITY_POLICY}">`);
    expect(HTML_CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|https?:\/\//i);
  });

  it('escapes every text it shows', () => {
    const html = renderHtml(ONE, '9.9.9');
    expect(html).not.toContain('<b>"x"');
    expect(html).toContain('user &lt;b&gt;&quot;x&quot;, y&lt;/b&gt; &amp; co');
  });

  it('one account: the score, failures first by severity (critical before high), then errors, passes and skips', () => {
    const html = renderHtml(ONE, '9.9.9');
    // 1 pass out of 4 evaluated (the skip does not count).
    expect(html).toContain('>25%</text>');
    const at = (s: string) => html.indexOf(s);
    expect(at('id="a111122223333-root-mfa"')).toBeLessThan(at('id="a111122223333-console-mfa"'));
    expect(at('id="a111122223333-console-mfa"')).toBeLessThan(at('id="a111122223333-access-analyzer"'));
    expect(at('id="a111122223333-access-analyzer"')).toBeLessThan(at('id="a111122223333-password-policy"'));
    expect(at('id="a111122223333-password-policy"')).toBeLessThan(at('id="a111122223333-user-unused"'));
    expect(html).toContain('fix console-mfa');
    expect(html).not.toContain('Accounts at a glance');
  });

  it('an Organization: a grid whose cells link to their detail, ranked by failures and by name', () => {
    const html = renderHtml(ORG, '9.9.9');
    expect(html).toContain('Accounts at a glance');
    expect(html).toContain('href="#a222233334444-root-mfa"');
    expect(html).toContain('id="a222233334444-root-mfa"');
    // The account that could not be audited ranks first by failures; the rest by their failure count.
    expect(html).toMatch(/--by-failures: 0; --by-name: 2"><a class="acct" href="#a333344445555"/);
    expect(html).toMatch(/--by-failures: 1; --by-name: 0"><a class="acct" href="#a111122223333"/);
    expect(html).toContain('Could not be audited: cannot assume');
  });
});

describe('markdown report', () => {
  // Free text an attacker or an accident can put in front of the report: a contact's name, an AWS message, an error.
  const HOSTILE = [
    '<img src=x onerror=alert(1)>',
    'Bob \\| x | y',
    '`code` *em* _em_ **strong** ~~gone~~',
    '[link](https://evil.example) ![img](x.png)',
    '<root_account> & &amp; \\<b\\>',
    '# not a heading',
    'line one\nline two',
  ].join(' ');
  const doc = auditDocument(
    [
      account('111122223333', [check({ id: 'security-contact', status: 'pass', detail: `SECURITY contact ${HOSTILE}` }), check({ id: 'console-mfa', status: 'fail', detail: HOSTILE, remediation: HOSTILE })], `acme`),
      { accountId: '222233334444', alias: null, error: `cannot assume: ${HOSTILE}`, checks: [], summary: countStatuses([]) },
    ],
    new Date('2026-11-23T10:00:00.000Z'),
  );
  // HTML on, as GitHub and most renderers allow inline HTML.
  const md = new MarkdownIt({ html: true });
  const tokens = md.parse(renderMarkdown(doc), {});

  it('renders only the report\'s own headings, tables, code and emphasis: no element from the text it carries', () => {
    const BLOCKS = /^(heading|paragraph|table|thead|tbody|tr|th|td)_(open|close)$|^inline$/;
    expect(tokens.filter((t) => !BLOCKS.test(t.type)).map((t) => t.type)).toEqual([]);
    const inline = tokens.flatMap((t) => t.children ?? []);
    expect([...new Set(inline.map((t) => t.type))].sort()).toEqual(['code_inline', 'html_inline', 'strong_close', 'strong_open', 'text']);
    // The only inline HTML is the report's own line break; the code spans are the check ids.
    expect([...new Set(inline.filter((t) => t.type === 'html_inline').map((t) => t.content))]).toEqual(['<br>']);
    expect(inline.filter((t) => t.type === 'code_inline').map((t) => t.content)).toEqual(['console-mfa', 'security-contact']);
    const html = md.render(renderMarkdown(doc));
    expect(html).not.toMatch(/<img|<a |<em>|<s>|<root_account>|<h1>[^<]*not a heading/);
    // The hostile text survives as text, character for character.
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; Bob \\| x | y `code` *em* _em_ **strong** ~~gone~~');
    expect(html).toContain('&lt;root_account&gt; &amp; &amp;amp; \\&lt;b\\&gt;');
  });

  it('gives every table row the header\'s number of columns, and escapes the account heading', () => {
    const rows: { header: boolean; cells: number }[] = [];
    for (const t of tokens) {
      if (t.type === 'tr_open') rows.push({ header: false, cells: 0 });
      const row = rows.at(-1);
      if (row && (t.type === 'th_open' || t.type === 'td_open')) {
        row.cells += 1;
        row.header ||= t.type === 'th_open';
      }
    }
    // Two tables: the account's checks (6 columns) and the Organization's accounts (3); each body row as its header.
    let width = 0;
    for (const r of rows) {
      if (r.header) width = r.cells;
      else expect(r.cells).toBe(width);
    }
    expect(rows.filter((r) => r.header).map((r) => r.cells)).toEqual([6, 3]);
    expect(rows.filter((r) => !r.header)).toHaveLength(4);
    const headings = tokens.filter((t, i) => tokens[i - 1]?.type === 'heading_open').map((t) => t.content);
    expect(headings).toContain('Account 111122223333 (acme)');
  });
});

describe('an accepted finding is shown as accepted in every format', () => {
  const BREAK_GLASS = { entry: 'accept.yaml#1', reason: 'Break-glass user, MFA in the safe', owner: 'security@example.com', expires: '2027-03-31', resources: ['arn:aws:iam::111122223333:user/break-glass'] };
  const HARDWARE = { entry: 'accept.yaml#2', reason: 'Hardware key on order', expires: '2027-01-15', resources: [] };
  const doc = auditDocument(
    [
      account('111122223333', [
        check({ id: 'root-hardware-mfa', status: 'accepted', severity: 'medium', detail: 'root uses a virtual MFA device', remediation: 'console', accepted: [HARDWARE] }),
        // Partly accepted: break-glass is accepted, carol still fails.
        check({ id: 'console-mfa', status: 'fail', severity: 'high', detail: 'carol: console password, no MFA', resources: ['arn:aws:iam::111122223333:user/carol'], accepted: [BREAK_GLASS] }),
        check({ id: 'password-policy', status: 'pass' }),
      ], 'prod-main'),
    ],
    new Date('2026-11-23T10:00:00.000Z'),
  );
  const HARDWARE_LINE = 'accepted until 2027-01-15 (accept.yaml#2): Hardware key on order';
  const BREAK_GLASS_LINE = 'accepted arn:aws:iam::111122223333:user/break-glass until 2027-03-31 by security@example.com (accept.yaml#1): Break-glass user, MFA in the safe';

  it('json: status accepted with who, why and until when; counted apart from fail', () => {
    const json = JSON.parse(JSON.stringify(doc));
    expect(json.accounts[0].checks[0]).toMatchObject({ status: 'accepted', accepted: [HARDWARE] });
    expect(json.accounts[0].checks[1]).toMatchObject({ status: 'fail', accepted: [BREAK_GLASS] });
    expect(json.summary).toMatchObject({ fail: 1, accepted: 1, pass: 1 });
  });

  it('table: an accepted status and the exception under the check', () => {
    const text = renderTable(captureOutput().out, doc);
    expect(text).toMatch(/ACCEPTED\s+medium\s+root-hardware-mfa/);
    expect(text).toContain(HARDWARE_LINE);
    expect(text).toContain(BREAK_GLASS_LINE);
    expect(text).toContain('1 pass, 1 fail, 1 accepted, 0 error, 0 skip');
  });

  it('markdown: an accepted status with the exception in the detail', () => {
    const html = new MarkdownIt({ html: true }).render(renderMarkdown(doc));
    expect(html).toMatch(/🔷 accepted<\/td>\s*<td>medium<\/td>\s*<td><code>root-hardware-mfa<\/code>/);
    expect(html).toContain(HARDWARE_LINE);
    expect(html).toContain('carol: console password, no MFA<br>accepted arn:aws:iam::111122223333:user/break-glass until 2027-03-31');
  });

  it('csv: the status, and the reason, owner, expiry and entry in their own columns', () => {
    const records = parseCsv(renderCsv(doc), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.check_id, r.status, r.accepted_reason, r.accepted_owner, r.accepted_until, r.accepted_by])).toEqual([
      ['root-hardware-mfa', 'accepted', 'Hardware key on order', '', '2027-01-15', 'accept.yaml#2'],
      ['console-mfa', 'fail', 'Break-glass user, MFA in the safe', 'security@example.com', '2027-03-31', 'accept.yaml#1'],
      ['password-policy', 'pass', '', '', '', ''],
    ]);
  });

  it('junit: a skipped testcase whose message is the exception; not a failure', () => {
    const xml = renderJunit(doc);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml);
    const suite = parsed.testsuites.testsuite[0];
    expect(suite).toMatchObject({ tests: '3', failures: '1', skipped: '1' });
    const hardware = suite.testcase.find((t: { name: string }) => t.name === 'root-hardware-mfa');
    expect(hardware).not.toHaveProperty('failure');
    expect(hardware.skipped.message).toBe(HARDWARE_LINE);
  });

  it('ocsf: compliance Fail, finding status Suppressed with the exception as status_detail, valid against the schema', () => {
    const lines = renderOcsf(doc, { region: 'eu-west-1', partition: 'aws', toolVersion: '9.9.9' }).trimEnd().split('\n').map((l) => JSON.parse(l));
    for (const f of lines) assertOcsfComplianceFinding(f);
    expect(lines[0]).toMatchObject({ compliance: { status_id: 3, status: 'Fail' }, status_id: 3, status: 'Suppressed', status_detail: HARDWARE_LINE });
    // The partly accepted check is still a new failure; the accepted part is in its detail.
    expect(lines[1]).toMatchObject({ compliance: { status_id: 3 }, status_id: 1, status: 'New', status_detail: BREAK_GLASS_LINE });
  });

  it('html: an accepted badge and the exception, distinct from fail and pass', () => {
    const html = renderHtml(doc, '9.9.9');
    expect(html).toMatch(/<article class="check accepted sev-medium" id="a111122223333-root-hardware-mfa"><h4><span class="badge accepted">◆ accepted<\/span>/);
    expect(html).toContain('Accepted exceptions (1)');
    expect(html).toContain(`<b>Accepted:</b> ${HARDWARE_LINE.replace(/^accepted /, '')}`);
  });
});
