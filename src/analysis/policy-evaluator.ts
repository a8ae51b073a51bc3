/**
 * What a principal's identity policies allow, decided statically and without AWS calls: Allow and explicit Deny
 * across all of the principal's policies together, Action/NotAction and Resource/NotResource with IAM's wildcards
 * (actions case-insensitive, resources case-sensitive; `*` and `?`), policy variables where the principal decides
 * them, and a permissions boundary that caps the result. A statement with a Condition cannot be decided from the
 * policy alone: what it allows is `conditional`, never definite, and the condition keys are carried along so that a
 * report can name them.
 *
 * Pure: a policy is compiled once and shared by every principal it is attached to, so that evaluating thousands of
 * users costs the distinct policies, not users × policies.
 */
import { SERVICE_ACTIONS } from './iam-actions.generated.js';

export type Decision = 'allow' | 'conditional' | 'deny';

/** A decision and, when conditional, the condition keys it depends on (as written in the policies). */
export interface Verdict {
  decision: Decision;
  conditions: string[];
}

/** "Any resource": for actions that create the resource they act on, whose ARN nobody knows in advance. */
export const ANY_RESOURCE = '*';

interface Matcher {
  /** Patterns as written, lower-cased for actions. */
  patterns: string[];
  test(value: string): boolean;
}

export interface CompiledStatement {
  effect: 'Allow' | 'Deny';
  /** Exactly one of action and notAction is set. */
  action?: Matcher;
  notAction?: Matcher;
  resource?: string[];
  notResource?: string[];
  /** The condition keys of the statement's Condition block; empty when it has none. */
  conditions: string[];
  /** The statement names a variable this evaluator does not know (e.g. ${aws:PrincipalTag/team}). */
  unknownVariables: boolean;
  /** The statement's resource patterns use ${aws:username} and similar: they depend on the principal. */
  usesVariables: boolean;
  /** Cache: the actions of the action universe this statement's Action/NotAction covers. */
  coverage?: Uint32Array;
}

export interface CompiledPolicy {
  /** A name for details: "AdministratorAccess", "inline alice/deploy". */
  name: string;
  statements: CompiledStatement[];
  /** Cache: action → whether some Allow statement of this policy names it (shared by every holder of the policy). */
  namesAction?: Map<string, boolean>;
}

/** The policy variables a principal decides: aws:username for a user, and the account. Lower-case keys. */
export type PolicyVariables = Record<string, string>;

export interface PrincipalPolicies {
  /** Identity policies: inline and managed, the principal's own and (for a user) its groups'. */
  policies: CompiledPolicy[];
  /** The permissions boundary, when one is set. */
  boundary?: CompiledPolicy;
  variables: PolicyVariables;
}

const wildcardCache = new Map<string, RegExp>();

/** IAM's wildcard matching: `*` any run of characters, `?` exactly one; everything else literal. */
function wildcard(pattern: string, flags: string): RegExp {
  const key = `${flags}:${pattern}`;
  let re = wildcardCache.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, flags);
    wildcardCache.set(key, re);
  }
  return re;
}

function actionMatcher(raw: unknown): Matcher {
  const patterns = toList(raw).map((p) => p.toLowerCase());
  const exact = new Set(patterns.filter((p) => !/[*?]/.test(p)));
  const wild = patterns.filter((p) => /[*?]/.test(p));
  const everything = wild.includes('*');
  const res = wild.map((p) => wildcard(p, ''));
  return {
    patterns,
    test: (action) => {
      if (everything) return true;
      const a = action.toLowerCase();
      return exact.has(a) || res.some((re) => re.test(a));
    },
  };
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

const VARIABLE = /\$\{([^}]+)\}/g;

/** Compiles a decoded policy document; statements it cannot read are left out (IAM would reject them). */
export function compilePolicy(name: string, document: unknown): CompiledPolicy {
  const raw = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Record<string, unknown>[];
  const statements: CompiledStatement[] = [];
  for (const st of list) {
    if (!st || (st.Effect !== 'Allow' && st.Effect !== 'Deny')) continue;
    if (st.Action === undefined && st.NotAction === undefined) continue;
    const resources = st.Resource !== undefined ? toList(st.Resource) : undefined;
    const notResources = st.NotResource !== undefined ? toList(st.NotResource) : undefined;
    const patterns = [...(resources ?? []), ...(notResources ?? [])];
    const variables = patterns.flatMap((p) => [...p.matchAll(VARIABLE)].map((m) => (m[1] ?? '').toLowerCase()));
    const condition = st.Condition && typeof st.Condition === 'object' ? (st.Condition as Record<string, Record<string, unknown>>) : {};
    const conditions = [...new Set(Object.values(condition).flatMap((block) => Object.keys(block ?? {})))];
    statements.push({
      effect: st.Effect,
      ...(st.Action !== undefined ? { action: actionMatcher(st.Action) } : { notAction: actionMatcher(st.NotAction) }),
      ...(resources ? { resource: resources } : {}),
      ...(notResources ? { notResource: notResources } : {}),
      conditions,
      usesVariables: variables.length > 0,
      unknownVariables: variables.some((v) => !KNOWN_VARIABLES.has(v) && !LITERAL_VARIABLES.has(v)),
    });
  }
  return { name, statements };
}

/** Variables a principal's own identity decides. */
const KNOWN_VARIABLES = new Set(['aws:username', 'aws:principalaccount', 'aws:userid']);
/** ${*}, ${?} and ${$}: the literal characters. */
const LITERAL_VARIABLES = new Set(['*', '?', '$']);

function substitute(pattern: string, vars: PolicyVariables): string | undefined {
  let unresolved = false;
  const out = pattern.replace(VARIABLE, (_, name: string) => {
    const key = name.toLowerCase();
    if (LITERAL_VARIABLES.has(key)) return `\uE000${key}`;
    // A variable the evaluator cannot know (a tag, a date) could be anything: the statement is conditional.
    if (!KNOWN_VARIABLES.has(key)) return '*';
    const value = vars[key];
    // A known variable this principal does not have (aws:username of a role): IAM matches nothing.
    if (value === undefined) unresolved = true;
    return value ?? '';
  });
  return unresolved ? undefined : out;
}

/** Does a resource pattern (variables substituted) match the resource? "Any resource" matches every pattern. */
function resourcePatternMatches(pattern: string, resource: string, vars: PolicyVariables): boolean {
  const p = substitute(pattern, vars);
  if (p === undefined) return false;
  if (resource === ANY_RESOURCE) return true;
  if (!p.includes('\uE000')) return p === '*' || p === resource || wildcard(p, '').test(resource);
  // Escaped literals: match the rest as wildcards and the escaped characters as themselves.
  const body = p
    .split(/(\uE000[*?$])/)
    .map((part) => (part.startsWith('\uE000') ? `\\${part.slice(1)}` : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')))
    .join('');
  return new RegExp(`^${body}$`).test(resource);
}

/** A pattern that matches every resource, whoever the principal is: only a bare "*". */
const coversAll = (patterns: string[]) => patterns.includes('*');

function actionApplies(st: CompiledStatement, action: string): boolean {
  return st.action ? st.action.test(action) : !st.notAction?.test(action);
}

/**
 * Does an Allow statement grant the resource? With "any resource", an Allow that names some resource grants some
 * resource; a Deny blocks "any resource" only when it covers every resource.
 */
function resourceApplies(st: CompiledStatement, resource: string, vars: PolicyVariables): boolean {
  const any = resource === ANY_RESOURCE;
  if (st.resource) {
    if (any && st.effect === 'Deny') return coversAll(st.resource);
    return st.resource.some((p) => resourcePatternMatches(p, resource, vars));
  }
  if (st.notResource) {
    if (any) return st.effect === 'Allow' ? !coversAll(st.notResource) : false;
    return !st.notResource.some((p) => resourcePatternMatches(p, resource, vars));
  }
  return false;
}

const ALLOW: Verdict = { decision: 'allow', conditions: [] };
const DENY: Verdict = { decision: 'deny', conditions: [] };

/** One set of policies on its own: the best Allow, lowered by any Deny that matches. */
function decide(policies: CompiledPolicy[], action: string, resource: string, vars: PolicyVariables): Verdict {
  let allow: Verdict = DENY;
  const denyConditions: string[] = [];
  for (const policy of policies) {
    for (const st of policy.statements) {
      if (!actionApplies(st, action) || !resourceApplies(st, resource, vars)) continue;
      const conditional = st.conditions.length > 0 || st.unknownVariables;
      if (st.effect === 'Deny') {
        if (!conditional) return DENY;
        denyConditions.push(...st.conditions);
      } else if (!conditional) {
        allow = ALLOW;
      } else if (allow.decision === 'deny') {
        allow = { decision: 'conditional', conditions: [...st.conditions] };
      } else if (allow.decision === 'conditional') {
        allow = { decision: 'conditional', conditions: [...allow.conditions, ...st.conditions] };
      }
    }
  }
  if (allow.decision === 'deny' || !denyConditions.length) return allow;
  return { decision: 'conditional', conditions: [...new Set([...allow.conditions, ...denyConditions])] };
}

/** The weaker of two verdicts: deny < conditional < allow. */
export function weaker(a: Verdict, b: Verdict): Verdict {
  if (a.decision === 'deny' || b.decision === 'deny') return DENY;
  if (a.decision === 'allow') return b;
  if (b.decision === 'allow') return a;
  return { decision: 'conditional', conditions: [...new Set([...a.conditions, ...b.conditions])] };
}

/** Is the action allowed on the resource (an ARN, or ANY_RESOURCE)? */
export function evaluate(principal: PrincipalPolicies, action: string, resource: string): Verdict {
  const identity = decide(principal.policies, action, resource, principal.variables);
  if (identity.decision === 'deny' || !principal.boundary) return identity;
  return weaker(identity, decide([principal.boundary], action, resource, principal.variables));
}

// ---------------------------------------------------------------------------------------------------------------
// Every action: "administrator" means every action there is, on every resource, with nothing denied.

interface ActionUniverse {
  /** "service:action", lower case, sorted by service. */
  actions: string[];
  /** Each service's first index and count in `actions`. */
  services: Map<string, { start: number; count: number }>;
}

let universe: ActionUniverse | undefined;

/** Every IAM action of the shipped service reference (about 22,000), lower case. */
export function actionUniverse(): ActionUniverse {
  if (universe) return universe;
  const actions: string[] = [];
  const services = new Map<string, { start: number; count: number }>();
  for (const [service, names] of Object.entries(SERVICE_ACTIONS)) {
    const list = names.split(' ').filter(Boolean);
    services.set(service, { start: actions.length, count: list.length });
    for (const name of list) actions.push(`${service}:${name.toLowerCase()}`);
  }
  universe = { actions, services };
  return universe;
}

/** The actions of a wildcard pattern ("iam:Put*", "s3:*", "*"), in their published spelling. */
export function expandAction(pattern: string): string[] {
  const u = actionUniverse();
  const m = actionMatcher(pattern);
  const [service] = pattern.toLowerCase().split(':');
  const range = service && !/[*?]/.test(service) ? u.services.get(service) : undefined;
  const candidates = range ? u.actions.slice(range.start, range.start + range.count) : u.actions;
  return candidates.filter((a) => m.test(a)).map((a) => spelled(a));
}

/** "iam:createpolicyversion" → "iam:CreatePolicyVersion". */
function spelled(lower: string): string {
  const [service = '', name] = lower.split(':');
  const found = (SERVICE_ACTIONS[service] ?? '').split(' ').find((n) => n.toLowerCase() === name);
  return `${service}:${found ?? name}`;
}

/** Bit i set: the statement's Action/NotAction covers action i of the universe. Computed once per statement. */
function coverage(st: CompiledStatement): Uint32Array {
  if (st.coverage) return st.coverage;
  const u = actionUniverse();
  const bits = new Uint32Array(Math.ceil(u.actions.length / 32));
  const set = (i: number) => (bits[i >> 5] = (bits[i >> 5] ?? 0) | (1 << (i & 31)));
  const matcher = st.action ?? st.notAction;
  const negate = !st.action;
  const patterns = matcher?.patterns ?? [];
  if (!negate && patterns.includes('*')) {
    bits.fill(0xffffffff);
  } else {
    // Patterns with a literal service only touch that service's range; a wildcard service scans everything.
    const scanAll = negate || patterns.some((p) => /[*?]/.test(p.split(':')[0] ?? ''));
    const ranges = scanAll
      ? [{ start: 0, count: u.actions.length }]
      : patterns.map((p) => u.services.get(p.split(':')[0] ?? '')).filter((r): r is { start: number; count: number } => !!r);
    for (const r of ranges) {
      for (let i = r.start; i < r.start + r.count; i++) {
        const hit = matcher?.test(u.actions[i] ?? '') ?? false;
        if (hit !== negate) set(i);
      }
    }
  }
  st.coverage = bits;
  return bits;
}

/**
 * Condition keys AWS documents as narrowing when, how or from where a request is made, never what it may do: an
 * MFA session, the office network, a region, TLS. Lower case.
 */
export const NARROWING_KEYS = new Set([
  'aws:multifactorauthpresent',
  'aws:multifactorauthage',
  'aws:sourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:requestedregion',
  'aws:currenttime',
  'aws:epochtime',
  'aws:securetransport',
  'aws:viaawsservice',
  'aws:calledvia',
  'iam:passedtoservice',
]);

/** A few actions of unrelated services: any principal without all of them is no administrator. */
const SENTINELS = ['iam:CreateUser', 'iam:AttachRolePolicy', 'ec2:RunInstances', 's3:PutBucketPolicy', 'kms:ScheduleKeyDeletion', 'organizations:LeaveOrganization'];

/** Does the statement's condition only narrow when or from where (or is there none)? */
const onlyNarrows = (st: CompiledStatement) => !st.unknownVariables && st.conditions.every((k) => NARROWING_KEYS.has(k.toLowerCase()));

function coversEveryAction(policies: CompiledPolicy[]): boolean {
  const u = actionUniverse();
  const words = Math.ceil(u.actions.length / 32);
  const union = new Uint32Array(words);
  for (const policy of policies) {
    for (const st of policy.statements) {
      // An Allow of every resource counts, unconditional or behind a condition that only narrows when (MFA, network).
      if (st.effect !== 'Allow' || !onlyNarrows(st) || !st.resource || !coversAll(st.resource)) continue;
      const bits = coverage(st);
      for (let w = 0; w < words; w++) union[w] = (union[w] ?? 0) | (bits[w] ?? 0);
    }
  }
  const tail = u.actions.length % 32;
  for (let w = 0; w < words; w++) {
    const full = w === words - 1 && tail ? (2 ** tail - 1) >>> 0 : 0xffffffff;
    if (((union[w] ?? 0) & full) >>> 0 !== full) return false;
  }
  return true;
}

/**
 * Administrator access: every action of every service allowed on every resource (unconditionally, or behind a
 * condition that only narrows when: "with MFA"), no Deny that takes any of it away whatever the request (the
 * usual "deny everything without MFA" narrows when and is not one), and a boundary (if any) that allows the same.
 * A principal with `*` on `*` and a Deny of some actions is not an administrator here: an escalation path can
 * still make it one.
 */
export function isAdministrator(principal: PrincipalPolicies): boolean {
  // Cheap first: an administrator can at least do these, whatever else; most principals cannot, and stop here.
  if (!SENTINELS.every((a) => mayAllow(principal, a))) return false;
  const sets = [principal.policies, ...(principal.boundary ? [[principal.boundary]] : [])];
  const takesAway = (p: CompiledPolicy) => p.statements.some((st) => st.effect === 'Deny' && !(st.conditions.length && onlyNarrows(st)));
  if (sets.flat().some(takesAway)) return false;
  return sets.every(coversEveryAction);
}

function policyNamesAction(policy: CompiledPolicy, action: string): boolean {
  policy.namesAction ??= new Map();
  let named = policy.namesAction.get(action);
  if (named === undefined) {
    named = policy.statements.some((st) => st.effect === 'Allow' && actionApplies(st, action));
    policy.namesAction.set(action, named);
  }
  return named;
}

/**
 * Does some Allow statement in the policies mention the action at all? A cheap filter before resource-level work,
 * remembered per policy: a managed policy held by thousands is asked once per action.
 */
export function mayAllow(principal: PrincipalPolicies, action: string): boolean {
  return principal.policies.some((p) => policyNamesAction(p, action));
}
