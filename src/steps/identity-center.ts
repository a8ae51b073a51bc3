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
