/** Every audit check, in report order. */
import { accountChecks } from './password.js';
import { policyChecks } from './policies.js';
import { rootChecks } from './root.js';
import type { Check } from './types.js';
import { userChecks } from './users.js';

export const ALL_CHECKS: Check[] = [...rootChecks, ...accountChecks, ...userChecks, ...policyChecks];

export const CHECK_IDS = ALL_CHECKS.map((c) => c.id);
