/**
 * Starts one moto_server for the integration tests on a free loopback port, behind the test double for the
 * operations moto lacks (scripts/aws-double.mjs); `motoUrl` is the double's address. Tests isolate themselves by
 * assuming a role into an account id of their own (moto keeps separate IAM state per account).
 * Without moto_server the tests skip — except under CI=true, where a missing emulator is a failure.
 *
 * Every call the CLI makes (its user agent says iam-bootstrap) is recorded as the IAM action it needs, for
 * test/policies/ to check against the policies people attach (docs/policies/*.json). Calls in a root session are
 * left out: the AWS task policy grants those.
 */
import type { TestProject } from 'vitest/node';
import { hasMoto, startEmulator } from '../../../scripts/moto.mjs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (!hasMoto()) {
    if (process.env.CI === 'true') {
      throw new Error('moto_server is not installed, and CI=true: integration tests must not be skipped in CI.');
    }
    project.provide('motoUrl', '');
    return;
  }
  // The calls seen so far, kept in a file the policy test (test/policies/, run after this project) reads.
  const actions = new Set<string>();
  const observed = join(tmpdir(), `iam-bootstrap-observed-calls-${process.pid}.json`);
  process.env.IAM_BOOTSTRAP_OBSERVED_CALLS = observed;
  writeFileSync(observed, '[]');
  // Three regions keep Access Analyzer's per-region work small; the double answers what moto lacks.
  const emulator = await startEmulator({
    regions: ['eu-west-1', 'us-east-1', 'us-west-2'],
    onRequest: (call: { service: string; operation: string; userAgent: string; rootSession: boolean }) => {
      const action = `${call.service}:${call.operation}`;
      if (!call.userAgent.includes('iam-bootstrap/') || call.rootSession || actions.has(action)) return;
      actions.add(action);
      writeFileSync(observed, JSON.stringify([...actions].sort()));
    },
  });
  project.provide('motoUrl', emulator.url);
  return emulator.stop;
}
