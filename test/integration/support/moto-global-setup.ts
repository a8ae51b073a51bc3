/**
 * Starts one moto_server for the integration tests on a free loopback port. Tests isolate themselves by
 * assuming a role into an account id of their own (moto keeps separate IAM state per account).
 * Without moto_server the tests skip — except under CI=true, where a missing emulator is a failure.
 */
import type { TestProject } from 'vitest/node';
import { hasMoto, startMoto } from '../../../scripts/moto.mjs';

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
  const moto = await startMoto();
  project.provide('motoUrl', moto.url);
  return moto.stop;
}
