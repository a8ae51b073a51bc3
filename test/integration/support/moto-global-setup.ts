/**
 * Starts one moto_server for the integration tests on a free loopback port, behind the test double for the
 * operations moto lacks (scripts/aws-double.mjs); `motoUrl` is the double's address. Tests isolate themselves by
 * assuming a role into an account id of their own (moto keeps separate IAM state per account).
 * Without moto_server the tests skip — except under CI=true, where a missing emulator is a failure.
 */
import type { TestProject } from 'vitest/node';
import { hasMoto, startEmulator } from '../../../scripts/moto.mjs';

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
  // Three regions keep Access Analyzer's per-region work small; the double answers what moto lacks.
  const emulator = await startEmulator({ regions: ['eu-west-1', 'us-east-1', 'us-west-2'] });
  project.provide('motoUrl', emulator.url);
  return emulator.stop;
}
