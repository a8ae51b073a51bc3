/** The note under the table when only what init cannot (or will not, unasked) do is left failing. */
import { describe, expect, it } from 'vitest';
import { consoleOnlyNote, type AuditDocument } from '../../../src/audit/report.js';

const doc = (failing: string[]) => ({ accounts: [{ checks: [...failing.map((id) => ({ id, status: 'fail' })), { id: 'account-alias', status: 'pass' }] }] }) as unknown as AuditDocument;

describe('consoleOnlyNote', () => {
  it.each<[string[], string | undefined]>([
    [['root-mfa', 'root-hardware-mfa'], 'Only console-only root items (root-mfa, root-hardware-mfa), which no API can fix: sign in as the root user fail; follow the fix above.'],
    [['account-contacts'], "Only the account's contacts (account-contacts), which are yours to give fail: follow the fix above."],
    [
      ['root-mfa', 'account-contacts', 'cloudtrail-multi-region', 'guardduty'],
      "Only console-only root items (root-mfa), which no API can fix: sign in as the root user, the account's contacts (account-contacts), which are yours to give, and services that cost money, which init turns on only when asked (cloudtrail-multi-region, guardduty), fail; follow the fix above.",
    ],
    [['guardduty'], 'Only services that cost money, which init turns on only when asked (guardduty) fail: follow the fix above.'],
    [['guardduty', 'ebs-default-encryption'], undefined],
    [[], undefined],
  ])('%o', (failing, note) => {
    expect(consoleOnlyNote(doc(failing))).toBe(note);
  });
});
