/**
 * Every AWS call the CLI made during the integration tests (recorded by the test double, by user agent) is
 * allowed by one of the IAM policies the docs publish (docs/policies/*.json). Runs after the integration project.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { uncoveredActions } from '../support/policies.js';

const file = process.env.IAM_BOOTSTRAP_OBSERVED_CALLS;
const observed = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : undefined;
if (!observed && process.env.CI === 'true') throw new Error('no calls were recorded: the integration tests must run before this one (vitest run)');

describe.skipIf(!observed)('the published IAM policies allow every call the CLI made', () => {
  it('in the integration tests', () => {
    // The whole suite (as CI runs it) makes well over 40 different calls; a handful means the recording broke.
    expect(observed?.length).toBeGreaterThan(process.env.CI === 'true' ? 40 : 0);
    expect(uncoveredActions(observed ?? [])).toEqual([]);
  });
});
