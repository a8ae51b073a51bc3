/**
 * What the Identity Center steps share: the instance and the settings they act on, and the error that says a
 * step cannot run because an earlier one (not selected with --only/--skip) has not made what it needs.
 */
import type { IdentityCenterInstance } from '../account/identity-center.js';
import { UsageError } from '../errors.js';
import { isSelected, type IdentityCenterSettings, type StepContext, type StepId } from './types.js';

export interface IdentityCenterTarget {
  instance: IdentityCenterInstance;
  settings: IdentityCenterSettings;
}

/** The instance and settings; init reads the instance before it plans, so their absence is a bug, not input. */
export function identityCenterOf(ctx: StepContext): IdentityCenterTarget {
  const { identityCenter: instance } = ctx;
  const { identityCenter: settings } = ctx.settings;
  if (!instance || !settings) throw new Error('an Identity Center step ran without --admin identity-center');
  return { instance, settings };
}

/**
 * `what` does not exist and the step that makes it does not run this time (--only, --skip): said before any change,
 * since the step that needs it would fail half-way.
 */
export function requireEarlierStep(ctx: StepContext, maker: StepId, what: string): void {
  if (!isSelected(ctx.settings.steps, maker)) {
    throw new UsageError(`--only/--skip: ${what} does not exist and the step ${maker} that makes it does not run; add it (--only ${maker},…).`);
  }
}

/**
 * Identity Center's asynchronous changes (an assignment, a provisioning): the status, polled while IN_PROGRESS with a
 * growing interval, for at most `waitMs`; what it was when the wait ended.
 */
export async function waitWhileInProgress<S extends { Status?: string; RequestId?: string }>(
  ctx: Pick<StepContext, 'clock' | 'stop'>,
  first: S | undefined,
  waitMs: number,
  describe: (requestId: string | undefined) => Promise<S | undefined>,
): Promise<S | undefined> {
  let status = first;
  const deadline = ctx.clock.now().getTime() + waitMs;
  let interval = 1000;
  while (status?.Status === 'IN_PROGRESS' && ctx.clock.now().getTime() < deadline) {
    await ctx.clock.sleep(interval, ctx.stop);
    interval = Math.min(interval * 2, 10_000);
    status = await describe(status.RequestId);
  }
  return status;
}
