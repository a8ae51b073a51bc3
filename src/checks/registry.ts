/** Every audit check, in report order. */
import { accountDefaultChecks } from './account-defaults.js';
import { baselineChecks } from './baseline.js';
import { escalationChecks } from './escalation.js';
import { exposureChecks } from './exposure.js';
import { accountChecks } from './password.js';
import { policyChecks } from './policies.js';
import { roleChecks } from './roles.js';
import { rootChecks } from './root.js';
import { trustChecks } from './trust.js';
import type { Check } from './types.js';
import { userChecks } from './users.js';

export const ALL_CHECKS: Check[] = [
  ...rootChecks,
  ...accountChecks,
  ...baselineChecks,
  ...accountDefaultChecks,
  ...userChecks,
  ...policyChecks,
  ...roleChecks,
  ...escalationChecks,
  ...trustChecks,
  ...exposureChecks,
];

export const CHECK_IDS = ALL_CHECKS.map((c) => c.id);

/** A check id as a person may write it (an earlier id included) → the check's id, or undefined. */
export function resolveCheckId(id: string): string | undefined {
  return ALL_CHECKS.find((c) => c.id === id || c.aliases?.includes(id))?.id;
}
