/**
 * `--report html=…`: one self-contained page a person can open offline and print. Inline CSS and SVG only; its
 * Content-Security-Policy forbids loading anything (no script, font, image or style from anywhere), so the file
 * behaves the same on a laptop, in a CI artifact viewer and attached to a ticket. One account: the score at a
 * glance, failures first by severity with detail, resources and fix, then errors, passes and skips. An
 * Organization adds a grid of accounts × checks, coloured by status and sortable by failures without script
 * (radio buttons and CSS `order`), each cell linking to that check's detail.
 */
import { SEVERITIES, type CheckResult, type CheckStatus } from '../../checks/types.js';
import { withdrawnText } from '../../frameworks/catalog.js';
import { summaryCounts, type ComplianceSummary, type RequirementStatus } from '../../frameworks/summary.js';
import { acceptedLines, consoleOnlyNote, label, summaryLine, type AuditDocument } from '../report.js';
import type { AccountAudit, StatusCounts } from '../run-audit.js';

export const HTML_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const SYMBOL: Record<CheckStatus, string> = { pass: '✓', fail: '✗', accepted: '◆', error: '!', skip: '–' };
const STATUS_WORD: Record<CheckStatus, string> = { pass: 'pass', fail: 'fail', accepted: 'accepted', error: 'error', skip: 'skip' };
/** Resources listed in full up to this many; beyond, the list is folded (a 5,000-user account stays printable). */
const OPEN_RESOURCES = 20;

const anchor = (accountId: string, checkId?: string) => (checkId ? `a${accountId}-${checkId}` : `a${accountId}`);

/** Passes out of the checks that could be evaluated: skips do not count, errors count against. */
function score(c: StatusCounts): number | undefined {
  const evaluated = c.pass + c.fail + c.error;
  return evaluated ? Math.round((100 * c.pass) / evaluated) : undefined;
}

/** A ring split by status, drawn with stroke-dasharray on circles of circumference 100. */
function donut(c: StatusCounts): string {
  const total = c.pass + c.fail + c.accepted + c.error + c.skip;
  if (!total) return '';
  let offset = 25; // start at 12 o'clock
  const arcs = (['pass', 'fail', 'accepted', 'error', 'skip'] as const)
    .filter((s) => c[s] > 0)
    .map((s) => {
      const share = (100 * c[s]) / total;
      const arc = `<circle class="ring ${s}" r="15.9155" cx="21" cy="21" stroke-dasharray="${share.toFixed(3)} ${(100 - share).toFixed(3)}" stroke-dashoffset="${offset.toFixed(3)}"/>`;
      offset -= share;
      return arc;
    });
  const pct = score(c);
  return `<svg class="donut" viewBox="0 0 42 42" role="img" aria-label="${htmlEscape(summaryLine(c))}">${arcs.join('')}` +
    `<text x="21" y="23" text-anchor="middle" class="pct">${pct === undefined ? '–' : `${pct}%`}</text></svg>`;
}

function counts(c: StatusCounts): string {
  return (['fail', 'error', 'accepted', 'pass', 'skip'] as const)
    .filter((s) => s !== 'accepted' || c.accepted > 0)
    .map((s) => `<span class="count ${s}"><b>${c[s]}</b> ${s}</span>`)
    .join(' ');
}

function resourcesList(resources: string[]): string {
  if (!resources.length) return '';
  const items = resources.map((r) => `<li><code>${htmlEscape(r)}</code></li>`).join('');
  const title = `${resources.length} resource${resources.length === 1 ? '' : 's'}`;
  return `<details class="resources"${resources.length <= OPEN_RESOURCES ? ' open' : ''}><summary>${title}</summary><ul>${items}</ul></details>`;
}

function checkDetail(a: AccountAudit, c: CheckResult): string {
  return [
    `<article class="check ${c.status} sev-${c.severity}" id="${anchor(a.accountId, c.id)}">`,
    `<h4><span class="badge ${c.status}">${SYMBOL[c.status]} ${STATUS_WORD[c.status]}</span> <span class="sev">${c.severity}</span> ${htmlEscape(c.title)} <code class="id">${htmlEscape(c.id)}</code></h4>`,
    `<p class="detail">${htmlEscape(c.detail)}</p>`,
    resourcesList(c.resources),
    c.remediation ? `<p class="fix"><b>Fix:</b> ${htmlEscape(c.remediation)}</p>` : '',
    ...acceptedLines(c).map((line) => `<p class="accepted-by"><b>Accepted:</b> ${htmlEscape(line.replace(/^accepted /, ''))}</p>`),
    c.references.length ? `<p class="refs">${c.references.map(htmlEscape).join(' · ')}</p>` : '',
    '</article>',
  ].join('');
}

function passLine(a: AccountAudit, c: CheckResult): string {
  return `<li class="${c.status}" id="${anchor(a.accountId, c.id)}"><span class="badge ${c.status}">${SYMBOL[c.status]}</span> ` +
    `<code class="id">${htmlEscape(c.id)}</code> ${htmlEscape(c.title)} — <span class="detail">${htmlEscape(c.detail)}</span></li>`;
}

/** `glance`: the account's own score ring, left out when the page is about this one account (the summary has it). */
function accountSection(a: AccountAudit, glance: boolean): string {
  const head = `<section class="account" id="${anchor(a.accountId)}"><h2>Account ${htmlEscape(label(a))}</h2>`;
  if (a.error) return `${head}<p class="account-error"><span class="badge error">! error</span> Could not be audited: ${htmlEscape(a.error)}</p></section>`;
  const bySeverity = (x: CheckResult, y: CheckResult) => SEVERITIES.indexOf(x.severity) - SEVERITIES.indexOf(y.severity);
  const of = (s: CheckStatus) => a.checks.filter((c) => c.status === s).sort(bySeverity);
  const failing = of('fail');
  const errors = of('error');
  const accepted = of('accepted');
  const passing = of('pass');
  const skipped = of('skip');
  // Passes are the bulk of a healthy account: one folded line per account keeps an Organization's report readable.
  const quiet = [...passing, ...skipped];
  const quietTitle = [passing.length && `${passing.length} passing`, skipped.length && `${skipped.length} not applicable`].filter(Boolean).join(', ');
  return [
    head,
    glance ? `<div class="glance">${donut(a.summary)}<p>${counts(a.summary)}</p></div>` : '',
    failing.length ? `<h3>Failing (${failing.length})</h3>${failing.map((c) => checkDetail(a, c)).join('')}` : '<p class="all-good">No check fails.</p>',
    errors.length ? `<h3>Could not be evaluated (${errors.length})</h3>${errors.map((c) => checkDetail(a, c)).join('')}` : '',
    accepted.length ? `<h3>Accepted exceptions (${accepted.length})</h3>${accepted.map((c) => checkDetail(a, c)).join('')}` : '',
    quiet.length ? `<details class="quiet"${glance ? '' : ' open'}><summary>${quietTitle}</summary><ul class="plain">${quiet.map((c) => passLine(a, c)).join('')}</ul></details>` : '',
    '</section>',
  ].join('');
}

/** Accounts × checks. Rows carry their rank both ways; a radio button picks which one CSS `order` uses. */
function accountGrid(doc: AuditDocument): string {
  const checkIds = [...new Set(doc.accounts.flatMap((a) => a.checks.map((c) => c.id)))];
  const failures = (a: AccountAudit) => (a.error ? Number.MAX_SAFE_INTEGER : a.summary.fail * 1000 + a.summary.error);
  const byFailures = [...doc.accounts].sort((x, y) => failures(y) - failures(x) || x.accountId.localeCompare(y.accountId));
  const byName = [...doc.accounts].sort((x, y) => label(x).localeCompare(label(y)));
  // Every row is a grid of its own (so CSS `order` can move it): fixed widths, in rem (the header row has a
  // smaller font), keep the rows aligned.
  const columns = `grid-template-columns: 17rem 4.5rem repeat(${checkIds.length}, 1.7rem)`;
  const header = `<div class="row head" style="${columns}"><span>Account</span><span>Failing</span>${checkIds
    .map((id) => `<span class="colhead" title="${htmlEscape(id)}">${htmlEscape(id)}</span>`)
    .join('')}</div>`;
  const rows = doc.accounts.map((a) => {
    const cells = checkIds.map((id) => {
      const c = a.checks.find((x) => x.id === id);
      if (!c) return `<span class="cell none" title="${htmlEscape(id)}: not audited"></span>`;
      return `<a class="cell ${c.status}" href="#${anchor(a.accountId, id)}" title="${htmlEscape(`${id}: ${c.status} — ${c.detail}`)}">${SYMBOL[c.status]}</a>`;
    });
    const failing = a.error ? '<span class="badge error">error</span>' : String(a.summary.fail);
    return `<div class="row" style="${columns}; --by-failures: ${byFailures.indexOf(a)}; --by-name: ${byName.indexOf(a)}">` +
      `<a class="acct" href="#${anchor(a.accountId)}">${htmlEscape(label(a))}</a><span class="nfail">${failing}</span>${cells.join('')}</div>`;
  });
  return [
    '<section class="org"><h2>Accounts at a glance</h2>',
    '<input type="radio" name="sort" id="sort-failures" checked><label for="sort-failures">Most failures first</label> ',
    '<input type="radio" name="sort" id="sort-name"><label for="sort-name">By account</label>',
    `<div class="grid">${header}${rows.join('')}</div>`,
    '<p class="legend"><span class="cell pass">✓</span> pass <span class="cell fail">✗</span> fail <span class="cell accepted">◆</span> accepted exception <span class="cell error">!</span> could not be evaluated <span class="cell skip">–</span> not applicable</p>',
    '</section>',
  ].join('');
}

const STYLE = `
:root { --pass:#1a7f37; --fail:#cf222e; --error:#8250df; --accepted:#0969da; --skip:#6e7781; --ink:#1f2328; --muted:#59636e; --line:#d1d9e0; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 72rem; padding: 1.5rem; }
h1 { margin: 0 0 .2rem; font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
h3 { margin: 1.4rem 0 .5rem; } h4 { margin: 0 0 .3rem; font-size: 1rem; }
.meta, .refs, .legend { color: var(--muted); font-size: .85rem; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.glance { display: flex; align-items: center; gap: 1.2rem; }
.donut { width: 7.5rem; height: 7.5rem; flex: none; }
.ring { fill: none; stroke-width: 5; } .ring.pass { stroke: var(--pass); } .ring.fail { stroke: var(--fail); }
.ring.error { stroke: var(--error); } .ring.skip { stroke: var(--skip); } .ring.accepted { stroke: var(--accepted); }
.pct { font-size: .55rem; font-weight: 700; fill: var(--ink); }
.count { margin-right: .8rem; white-space: nowrap; } .count b { font-size: 1.3rem; }
.count.fail b { color: var(--fail); } .count.error b { color: var(--error); } .count.pass b { color: var(--pass); } .count.skip b { color: var(--skip); } .count.accepted b { color: var(--accepted); }
.check { border: 1px solid var(--line); border-left: 5px solid var(--skip); border-radius: 6px; padding: .6rem .9rem; margin: .6rem 0; break-inside: avoid; }
.check.fail { border-left-color: var(--fail); } .check.error { border-left-color: var(--error); } .check.accepted { border-left-color: var(--accepted); border-left-style: double; }
.accepted-by { background: #ddf4ff; padding: .4rem .6rem; border-radius: 4px; }
details.quiet > summary { cursor: pointer; color: var(--muted); margin: 1rem 0 .4rem; }
.check p { margin: .3rem 0; } .fix { background: #f6f8fa; padding: .4rem .6rem; border-radius: 4px; }
.badge { display: inline-block; border-radius: 1em; padding: 0 .55em; color: #fff; font-size: .8rem; font-weight: 600; background: var(--skip); }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); } .badge.error { background: var(--error); } .badge.accepted { background: var(--accepted); }
.sev { text-transform: uppercase; font-size: .72rem; letter-spacing: .04em; color: var(--muted); margin-right: .3rem; }
.sev-critical .sev, .sev-high .sev { color: var(--fail); font-weight: 700; }
.id { color: var(--muted); margin-left: .3rem; }
.resources ul { margin: .3rem 0; padding-left: 1.2rem; columns: 2 28rem; }
ul.plain { list-style: none; padding: 0; } ul.plain li { margin: .25rem 0; }
.all-good { color: var(--pass); font-weight: 600; }
.org input { margin-left: 0; }
.grid { display: flex; flex-direction: column; margin-top: .8rem; overflow-x: auto; }
/* A row as wide as its cells, not the viewport: the sticky account column below is held inside its row. */
.row { display: grid; width: max-content; min-width: 100%; gap: 2px; align-items: center; order: var(--by-failures); }
#sort-name:checked ~ .grid .row { order: var(--by-name); }
.row.head { order: -1 !important; align-items: end; font-weight: 600; font-size: .8rem; }
.colhead { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: 400; color: var(--muted); max-height: 12rem; }
.cell { display: inline-block; width: 1.7rem; height: 1.7rem; line-height: 1.7rem; text-align: center; border-radius: 3px; color: #fff; text-decoration: none; font-weight: 700; background: #eaeef2; }
.cell.pass { background: var(--pass); } .cell.fail { background: var(--fail); } .cell.error { background: var(--error); } .cell.skip { background: var(--skip); } .cell.accepted { background: var(--accepted); }
.acct { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; padding-right: .5rem; } .nfail { text-align: right; padding-right: .6rem; }
/* Scrolled sideways (a phone, many checks), the account column stays in view. */
.row > .acct, .row.head > span:first-child { position: sticky; left: 0; z-index: 1; background: #fff; align-self: stretch; }
.row > .acct { line-height: 1.7rem; } .row.head > span:first-child { display: flex; align-items: flex-end; }
.compliance table { border-collapse: collapse; width: 100%; font-size: .9rem; }
.compliance th, .compliance td { border-bottom: 1px solid var(--line); padding: .3rem .4rem; text-align: left; vertical-align: top; }
.req-status { font-weight: 700; white-space: nowrap; } .req-fail { color: var(--fail); } .req-pass { color: var(--pass); }
.req-error { color: var(--error); } .req-accepted { color: var(--accepted); } .req-review { color: var(--muted); }
.note { border: 1px solid var(--line); background: #fff8c5; padding: .6rem .9rem; border-radius: 6px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .org input, .org label { display: none; }
  .cell, .badge, .ring, .fix, .note { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}`;

const REQUIREMENT_CLASS: Record<RequirementStatus, string> = {
  fail: 'req-fail', error: 'req-error', accepted: 'req-accepted', pass: 'req-pass', 'not applicable': 'req-review', 'not checked': 'req-review',
};

/** The framework's section, every requirement with its status and what a person must look at. */
function complianceSection(c: ComplianceSummary): string {
  const rows = c.requirements.map((r) => {
    const counts = Object.entries(r.accounts);
    const across = counts.length > 1 ? ` <span class="meta">(${htmlEscape(counts.map(([k, n]) => `${n} ${k}`).join(', '))})</span>` : '';
    return `<tr><td><code>${htmlEscape(r.id)}</code></td><td class="req-status ${REQUIREMENT_CLASS[r.status]}">${htmlEscape(r.status)}${across}</td>` +
      `<td>${htmlEscape(r.title)}${r.assessment === 'manual' ? ' <span class="meta">(manual)</span>' : ''}</td>` +
      `<td>${r.checks.map((id) => `<code>${htmlEscape(id)}</code>`).join(' ')}</td><td>${htmlEscape(r.review ?? '')}</td></tr>`;
  });
  return [
    `<section class="compliance" id="compliance"><h2>${htmlEscape(`${c.name} — ${c.section}`)}</h2><p class="meta">${htmlEscape(summaryCounts(c))}</p>`,
    `<table><thead><tr><th>Requirement</th><th>Status</th><th>Title</th><th>Checks</th><th>What a person must look at</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    ...c.withdrawn.map((w) => `<p class="meta">${htmlEscape(withdrawnText(c.framework, w))}</p>`),
    '</section>',
  ].join('');
}

export function renderHtml(doc: AuditDocument, toolVersion: string): string {
  const many = doc.accounts.length > 1;
  const s = doc.summary;
  const note = consoleOnlyNote(doc);
  const title = many ? `IAM audit of ${s.accounts} accounts` : `IAM audit of account ${doc.accounts[0] ? label(doc.accounts[0]) : ''}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HTML_CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${htmlEscape(title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<header><h1>${htmlEscape(title)}</h1><p class="meta">Generated ${htmlEscape(doc.generatedAt)} by iam-bootstrap ${htmlEscape(toolVersion)}</p></header>`,
    `<section class="summary" id="summary"><div class="glance">${donut(s)}<div><p class="headline">${htmlEscape(
      `${summaryLine(s)}${many ? ` across ${s.accounts} accounts` : ''}${s.accountErrors ? `; ${s.accountErrors} could not be audited` : ''}`,
    )}</p><p>${counts(s)}</p><p class="meta">Score: checks passing out of those that could be evaluated (not-applicable checks and accepted exceptions left out).</p></div></div>`,
    note ? `<p class="note">${htmlEscape(note)}</p>` : '',
    '</section>',
    many ? accountGrid(doc) : '',
    doc.compliance ? complianceSection(doc.compliance) : '',
    ...doc.accounts.map((a) => accountSection(a, many)),
    '</body></html>',
    '',
  ].join('\n');
}
