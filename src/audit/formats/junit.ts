/**
 * `--report junit=…`: JUnit XML as GitLab, Jenkins and GitHub test reporters read it — a testsuite per account, a
 * testcase per check (classname the account, name the check id); fail → <failure>, error → <error>, skip → <skipped>.
 */
import type { CheckResult } from '../../checks/types.js';
import { acceptedLines, label, type AuditDocument } from '../report.js';
import type { AccountAudit } from '../run-audit.js';

/** Text and attribute values: the five XML specials escaped, and characters XML 1.0 cannot hold dropped. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function body(c: CheckResult): string {
  const lines = [c.detail];
  if (c.resources.length) lines.push('', 'Resources:', ...c.resources.map((r) => `  ${r}`));
  if (c.remediation) lines.push('', `Fix: ${c.remediation}`);
  for (const line of acceptedLines(c)) lines.push('', line);
  if (c.references.length) lines.push('', `References: ${c.references.join(', ')}`);
  return xmlEscape(lines.join('\n'));
}

function testcase(a: AccountAudit, c: CheckResult): string {
  const open = `    <testcase classname="${xmlEscape(a.accountId)}" name="${xmlEscape(c.id)}" time="0">`;
  const title = xmlEscape(`${c.title} (${c.severity})`);
  switch (c.status) {
    case 'fail':
      return `${open}\n      <failure message="${xmlEscape(c.detail)}" type="${c.severity}">${title}\n${body(c)}</failure>\n    </testcase>`;
    case 'error':
      return `${open}\n      <error message="${xmlEscape(c.detail)}" type="error">${title}\n${body(c)}</error>\n    </testcase>`;
    case 'skip':
      return `${open}\n      <skipped message="${xmlEscape(c.detail)}"/>\n    </testcase>`;
    case 'accepted':
      // Known and accepted until a date: a CI test report shows it as skipped, with why, by whom and until when.
      return `${open}\n      <skipped message="${xmlEscape(acceptedLines(c).join('; '))}">${body(c)}</skipped>\n    </testcase>`;
    default:
      return `${open}\n      <system-out>${xmlEscape(c.detail)}</system-out>\n    </testcase>`;
  }
}

function suite(a: AccountAudit, timestamp: string): string {
  const name = xmlEscape(label(a));
  if (a.error) {
    // The account itself could not be read: one errored testcase keeps it visible in the CI report.
    return [
      `  <testsuite name="${name}" tests="1" failures="0" errors="1" skipped="0" time="0" timestamp="${timestamp}">`,
      `    <testcase classname="${xmlEscape(a.accountId)}" name="audit" time="0">`,
      `      <error message="${xmlEscape(a.error)}" type="error">${xmlEscape(a.error)}</error>`,
      '    </testcase>',
      '  </testsuite>',
    ].join('\n');
  }
  const s = a.summary;
  return [
    `  <testsuite name="${name}" tests="${a.checks.length}" failures="${s.fail}" errors="${s.error}" skipped="${s.skip + s.accepted}" time="0" timestamp="${timestamp}">`,
    ...a.checks.map((c) => testcase(a, c)),
    '  </testsuite>',
  ].join('\n');
}

export function renderJunit(doc: AuditDocument): string {
  // JUnit's timestamp attribute is ISO 8601 without a zone designator (the schema's xs:dateTime pattern); it is UTC.
  const timestamp = doc.generatedAt.replace(/\.\d+Z$|Z$/, '');
  const tests = doc.accounts.reduce((n, a) => n + (a.error ? 1 : a.checks.length), 0);
  const errors = doc.summary.error + doc.summary.accountErrors;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="iam-bootstrap audit" tests="${tests}" failures="${doc.summary.fail}" errors="${errors}" skipped="${doc.summary.skip + doc.summary.accepted}" time="0" timestamp="${timestamp}">`,
    ...doc.accounts.map((a) => suite(a, timestamp)),
    '</testsuites>',
    '',
  ].join('\n');
}
