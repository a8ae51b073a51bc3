import { describe, expect, it } from 'vitest';
import { AWS_DEFAULT_POLICY, CIS_POLICY, mergePolicy, type PasswordPolicy } from '../../../src/lib/password-policy.js';

const existing = (p: Partial<PasswordPolicy>): PasswordPolicy => ({ ...AWS_DEFAULT_POLICY, ...p });

describe('mergePolicy', () => {
  it('uses the preset when there is no existing policy', () => {
    expect(mergePolicy(undefined, CIS_POLICY, {})).toEqual({ policy: CIS_POLICY, kept: [] });
  });

  it('keeps an existing stronger minimum length over the preset', () => {
    const { policy, kept } = mergePolicy(existing({ MinimumPasswordLength: 20 }), CIS_POLICY, {});
    expect(policy.MinimumPasswordLength).toBe(20);
    expect(kept).toEqual(['MinimumPasswordLength']);
  });

  it('lets an explicit flag relax an existing stricter value', () => {
    const { policy, kept } = mergePolicy(existing({ MinimumPasswordLength: 20 }), CIS_POLICY, { MinimumPasswordLength: 16 });
    expect(policy.MinimumPasswordLength).toBe(16);
    expect(kept).toEqual([]);
  });

  it('keeps an existing password expiry, since never expiring would be weaker', () => {
    const { policy, kept } = mergePolicy(existing({ MaxPasswordAge: 90 }), CIS_POLICY, {});
    expect(policy.MaxPasswordAge).toBe(90);
    expect(kept).toContain('MaxPasswordAge');
  });

  it('replaces a weaker existing value with the preset', () => {
    const { policy } = mergePolicy(existing({ MinimumPasswordLength: 8, PasswordReusePrevention: 5 }), CIS_POLICY, {});
    expect(policy.MinimumPasswordLength).toBe(14);
    expect(policy.PasswordReusePrevention).toBe(24);
  });

  it('keeps required character classes that the preset would drop', () => {
    const { policy } = mergePolicy(existing({ RequireSymbols: true }), AWS_DEFAULT_POLICY, { MinimumPasswordLength: 10 });
    expect(policy.RequireSymbols).toBe(true);
    expect(policy.MinimumPasswordLength).toBe(10);
  });

  it('keeps the shorter of two expiry periods', () => {
    expect(mergePolicy(existing({ MaxPasswordAge: 30 }), { ...CIS_POLICY, MaxPasswordAge: 90 }, {}).policy.MaxPasswordAge).toBe(30);
    expect(mergePolicy(existing({ MaxPasswordAge: 180 }), { ...CIS_POLICY, MaxPasswordAge: 90 }, {}).policy.MaxPasswordAge).toBe(90);
  });
});
