/** The IAM policies the docs publish (docs/policies/*.json), as the actions they allow. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const POLICY_DIR = resolve(import.meta.dirname, '../../docs/policies');

interface PolicyDocument {
  Version: string;
  Statement: { Effect: string; Action: string | string[]; Resource: string | string[] }[];
}

export function publishedPolicies(): Record<string, PolicyDocument> {
  return Object.fromEntries(
    readdirSync(POLICY_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, JSON.parse(readFileSync(join(POLICY_DIR, f), 'utf8')) as PolicyDocument]),
  );
}

/** Every action some published policy allows ("service:Action", wildcards as IAM reads them). */
export function allowedActions(): string[] {
  return Object.values(publishedPolicies()).flatMap((p) =>
    p.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
  );
}

/** The actions no published policy allows (IAM compares action names case-insensitively). */
export function uncoveredActions(called: string[]): string[] {
  const patterns = allowedActions().map((a) => new RegExp(`^${a.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'));
  return [...new Set(called)].filter((c) => !patterns.some((p) => p.test(c))).sort();
}
