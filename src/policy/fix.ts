// What would fix a denial: for each policy type that stands in the way, the smallest change that
// lets this one request through without widening anything else, checked by applying it to the
// policy set and deciding again. Pure: no I/O.
//
// The search walks the decision: fix what denied it (remove the Deny, add the missing Allow, or
// correct an Allow that almost matched), decide again, and repeat until the request is allowed
// or nothing more can be suggested. So when a role and its session policy both lack an action,
// both fixes are listed, in the order the evaluation meets them.
import { compilePolicy, compilePolicyText, type CompiledPolicy } from './compile.js';
import { decide, type PolicyLayer, type PolicySet } from './decide.js';
import {
  explain,
  type ConditionTrace,
  type Explanation,
  type PolicyTrace,
  type StatementTrace,
} from './explain.js';
import type { ConditionClause, Dialect, PolicyDocument, PrincipalSpec, Statement } from './model.js';
import type { AuthzRequest, Principal } from './request.js';

/** A policy statement as JSON, the way a user would paste it into a policy document. */
export type StatementJson = Record<string, unknown>;

export interface Fix {
  policyType: PolicyLayer;
  /** The policy to change: its name, ARN or id (or where a new one must be attached). */
  policy: string;
  /** What to do, in one or two sentences. */
  change: string;
  /** The Sid or `Statement[i]` of an existing statement the fix is about. */
  existingStatement?: string;
  /** A statement to add, or (with `existingStatement`) the corrected form of that statement. */
  statement?: StatementJson;
  /**
   * True when the fix was applied to the policy set and the request then decided Allowed
   * (together with the other fixes listed before and after it, when several are needed).
   */
  verified?: true;
}

export interface FixOptions {
  /**
   * For anonymous requests: include a bucket policy statement that grants everyone the action.
   * Off by default: that makes the object public, and signing the request is usually the fix.
   */
  allowPublic?: boolean;
}

/** The most fix rounds: one per policy type that can deny is plenty. */
const MAX_ROUNDS = 8;

interface Step {
  fix: Fix;
  /** The policy set with this fix applied (undefined when the fix is advice that cannot be applied). */
  next?: PolicySet;
}

/** One round's fixes and the policy set with all of them applied (undefined if one is only advice). */
interface Round {
  fixes: Fix[];
  next?: PolicySet;
}

const single = (s: Step): Round => ({ fixes: [s.fix], ...(s.next ? { next: s.next } : {}) });

export function suggestFixes(
  req: AuthzRequest,
  set: PolicySet,
  explanation: Explanation,
  options: FixOptions = {},
): Fix[] {
  const fixes: Fix[] = [];
  let current = set;
  let e = explanation;
  for (let round = 0; round < MAX_ROUNDS && e.decision !== 'Allowed'; round++) {
    const round = roundFor(req, current, e, options);
    if (round.fixes.length === 0) break;
    fixes.push(...round.fixes);
    // Only fixes that can be applied let the walk continue; advice ends it.
    if (round.next === undefined) return fixes;
    current = round.next;
    e = explain(req, current);
  }
  if (fixes.length > 0 && decide(req, current).decision === 'Allowed') {
    for (const f of fixes)
      if (f.statement !== undefined || f.existingStatement !== undefined) f.verified = true;
  }
  return fixes;
}

/** The fixes for what denies the request now (one Step per change). */
function roundFor(req: AuthzRequest, set: PolicySet, e: Explanation, options: FixOptions): Round {
  if (e.explicit) return denyFixes(req, set, e);
  const layer = e.deniedBy;
  if (layer === null) return { fixes: [] };
  const dialect = dialectOf(req);
  if (req.principal.type === 'anonymous' || req.principal.type === 'service') {
    return single(anonymousFix(req, set, dialect, options));
  }
  switch (layer) {
    case 'identity':
    case 'boundary':
    case 'session':
      return single(ownPolicyFix(req, set, e, layer, dialect));
    case 'scp':
      return scpFixes(req, set, e, dialect);
    case 'resource':
      return single(resourcePolicyFix(req, set, e, dialect));
    case 'trust':
      return single(trustFix(req, set, e, dialect));
    case 'rcp':
      return { fixes: [] };
  }
}

// ---------------------------------------------------------------------------------------------
// Explicit denies: name every matching Deny statement; never loosen an Allow.

function denyFixes(req: AuthzRequest, set: PolicySet, e: Explanation): Round {
  const fixes: Fix[] = [];
  let next: PolicySet = set;
  for (const p of e.policies) {
    for (const s of p.statements) {
      if (s.effect !== 'Deny' || !s.matched) continue;
      const why = denyReason(req, s);
      const name = `${s.statement} in the ${LAYER_NAMES[p.type]} ${p.id}`;
      const remedy =
        p.type === 'session'
          ? 'The application must request a session policy without this Deny (or with a narrower one) when it calls AssumeRole.'
          : p.type === 'rcp'
            ? 'Remove it from the resource control policy or narrow it (an exception for this principal, action or resource) so it no longer matches.'
            : 'Remove it, or narrow it (its Action, Resource, Principal or Condition) so it no longer matches this request.';
      fixes.push({
        policyType: p.type,
        policy: p.id,
        existingStatement: s.statement,
        change: `The Deny statement ${name} matches: ${why}. ${remedy}`,
      });
      next = withoutStatement(next, p, s.index);
    }
  }
  // Removing them is how we check; the walk continues with whatever implicit deny is left.
  return { fixes, next };
}

function denyReason(req: AuthzRequest, s: StatementTrace): string {
  const parts = [`it denies ${req.action} on ${req.resource}`];
  if (s.principal) parts.push(`its Principal names the caller (${s.principal.reach})`);
  if (s.conditions.length > 0)
    parts.push(`its condition ${s.conditions.map(describeCondition).join(' and ')} holds`);
  return parts.join(', ');
}

function describeCondition(c: ConditionTrace): string {
  const head = `${c.operator} ${c.key} ${JSON.stringify(c.values)}`;
  const value =
    c.contextValue !== undefined
      ? ` (the request has ${c.key} = ${JSON.stringify(c.contextValue)})`
      : c.reason
        ? ` (${c.reason})`
        : ` (the request has no ${c.key})`;
  return `${head}${value}`;
}

// ---------------------------------------------------------------------------------------------
// Implicit denies in the caller's own policies: identity (user/role), boundary, session.

function ownPolicyFix(
  req: AuthzRequest,
  set: PolicySet,
  e: Explanation,
  layer: 'identity' | 'boundary' | 'session',
  dialect: Dialect,
): Step {
  const traces = e.policies.filter((p) => p.type === layer);
  const near = nearMiss(req, set, traces, dialect);
  const subject = ownerPhrase(req.principal, layer);
  if (near !== undefined) {
    const change =
      layer === 'session'
        ? `The application must request a broader session policy when it calls AssumeRole: ${near.change}`
        : `${near.change} (${subject}).`;
    return { fix: { ...near.fix, change }, ...(near.next ? { next: near.next } : {}) };
  }
  const statement = allowStatement(req, dialect);
  const existing = policiesOf(set, layer)[0];
  const policy = existing?.id ?? newPolicyName(req.principal, layer);
  const next = addStatement(set, layer, existing, statement, dialect, policy);
  const what = `a statement allowing ${req.action} on ${req.resource}`;
  const change =
    layer === 'session'
      ? `The application must request a broader session policy when it calls AssumeRole: add ${what} to the Policy parameter (a session policy can only narrow the role, so ${subject} must allow it too).`
      : layer === 'boundary'
        ? `Add ${what} to the permissions boundary ${policy} (${subject}).`
        : `Add ${what} to ${existing ? `the identity-based policy ${policy}` : `a new identity-based policy ${policy}`} (${subject}).`;
  return { fix: { policyType: layer, policy, change, statement }, ...(next ? { next } : {}) };
}

/** Who the policy belongs to, in words: the role for a role session, the user for a user. */
function ownerPhrase(p: Principal, layer: 'identity' | 'boundary' | 'session'): string {
  if (layer === 'session') return p.roleArn ? `the role ${p.roleArn}` : 'the role';
  const owner = ownerArn(p);
  const kind = p.type === 'assumed-role' || p.type === 'role' ? 'role' : 'user';
  const of = layer === 'boundary' ? `the permissions boundary of the ${kind}` : `attached to the ${kind}`;
  return `${of} ${owner}${p.type === 'assumed-role' ? `, not to the session ${p.arn}` : ''}`;
}

function ownerArn(p: Principal): string {
  if (p.type === 'assumed-role') return p.roleArn ?? p.arn;
  if (p.type === 'federated-user') return p.federatedUserArn ?? p.arn;
  return p.arn;
}

function newPolicyName(p: Principal, layer: PolicyLayer): string {
  return layer === 'identity' ? `inline policy of ${ownerArn(p)}` : `${LAYER_NAMES[layer]} of ${ownerArn(p)}`;
}

interface NearMiss {
  fix: Fix;
  next?: PolicySet;
  change: string;
}

/**
 * An Allow that almost applies: the right action but the wrong resource (seed 004: the bucket ARN
 * where the object ARN is needed), or the right action and resource but a failing condition.
 * Correcting it is a smaller change than adding a statement.
 */
function nearMiss(
  req: AuthzRequest,
  set: PolicySet,
  traces: readonly PolicyTrace[],
  dialect: Dialect,
): NearMiss | undefined {
  for (const p of traces) {
    for (const s of p.statements) {
      if (s.effect !== 'Allow' || !s.action || s.principal?.matched === false) continue;
      const compiled = findPolicy(set, p);
      const stmt = compiled?.document.statements.find((x) => x.index === s.index);
      if (compiled === undefined || stmt === undefined) continue;
      const conditionsHold = s.conditions.every((c) => c.matched);
      if (!s.resource && conditionsHold && stmt.resource !== undefined && s.resourceReason === undefined) {
        const arn = resourceForStatement(req, dialect);
        const corrected: Statement = { ...stmt, resource: [...stmt.resource, arn] };
        const next = replaceStatement(set, p, compiled, corrected);
        const bucketOnly = stmt.resource.find((r) => isBucketOf(r, req.resource));
        const why = bucketOnly
          ? `its Resource names the bucket ${bucketOnly}, but ${req.action} acts on objects, which need the object ARN`
          : `its Resource ${JSON.stringify(stmt.resource)} does not cover ${req.resource}`;
        const change = `statement ${s.statement} of ${p.id} allows ${req.action} but ${why}: add ${arn} to its Resource (or ${objectWildcard(arn)} if every object is meant)`;
        return {
          fix: {
            policyType: p.type,
            policy: p.id,
            existingStatement: s.statement,
            statement: statementJson(corrected),
            change,
          },
          ...(next ? { next } : {}),
          change,
        };
      }
      if (s.resource && !conditionsHold) {
        const failing = s.conditions.filter((c) => !c.matched).map(describeCondition);
        const change = `statement ${s.statement} of ${p.id} allows ${req.action} on ${req.resource} but its condition ${failing.join(' and ')} does not hold: make the request meet it, or correct the condition`;
        return { fix: { policyType: p.type, policy: p.id, existingStatement: s.statement, change }, change };
      }
    }
  }
  return undefined;
}

/** `arn:aws:s3:::b` is the bucket of `arn:aws:s3:::b/key` (same for `acs:oss:*:*:b`). */
function isBucketOf(pattern: string, resource: string): boolean {
  return !pattern.includes('/') && resource.startsWith(`${pattern}/`);
}

function objectWildcard(arn: string): string {
  const slash = arn.indexOf('/');
  return slash < 0 ? arn : `${arn.slice(0, slash)}/*`;
}

// ---------------------------------------------------------------------------------------------
// SCPs: every level must allow; name the levels that do not.

function scpFixes(req: AuthzRequest, set: PolicySet, e: Explanation, dialect: Dialect): Round {
  const fixes: Fix[] = [];
  let next: PolicySet | undefined = set;
  (set.scp ?? []).forEach((level, i) => {
    const allows = e.policies.some((p) => p.type === 'scp' && p.level === i && p.outcome === 'Allow');
    if (allows) return;
    const target = level[0];
    const statement = allowStatement(req, dialect);
    const policy = target?.id ?? `service control policies at level ${i}`;
    if (next) next = addStatement(next, 'scp', target, statement, dialect, policy, i);
    const names = level.map((p) => p.id).join(', ') || '(none attached)';
    fixes.push({
      policyType: 'scp',
      policy,
      change: `No service control policy at level ${i} (${i === 0 ? 'the organization root' : `level ${i}`}: ${names}) allows ${req.action}: add a statement allowing it on ${req.resource} to ${policy}, or attach an SCP that does.`,
      statement,
    });
  });
  return { fixes, ...(next ? { next } : {}) };
}

// ---------------------------------------------------------------------------------------------
// The resource side: across accounts the bucket policy must name the caller.

function resourcePolicyFix(req: AuthzRequest, set: PolicySet, e: Explanation, dialect: Dialect): Step {
  const p = req.principal;
  const named = p.type === 'assumed-role' && p.roleArn ? p.roleArn : p.arn;
  const statement = allowStatement(req, dialect, principalSpec(named, dialect));
  const existing = set.resource ?? undefined;
  const policy = existing?.id ?? e.policies.find((t) => t.type === 'resource')?.id ?? 'the bucket policy';
  const next = addStatement(set, 'resource', existing, statement, dialect, policy);
  const owner = req.resourceAccount ?? '';
  return {
    fix: {
      policyType: 'resource',
      policy,
      change: `The caller is in account ${p.account} and the resource in account ${owner}: the resource account's bucket policy must allow the caller too. Add a statement allowing ${named} (not "*") ${req.action} on ${req.resource} to ${policy}.`,
      statement,
    },
    ...(next ? { next } : {}),
  };
}

function anonymousFix(req: AuthzRequest, set: PolicySet, dialect: Dialect, options: FixOptions): Step {
  const policy = set.resource?.id ?? 'the bucket policy';
  const advice = `The request was not signed, and no bucket policy grants everyone ${req.action}. Sign it with the credentials of a user or role allowed ${req.action} on ${req.resource} (aws-cli, an SDK, or a presigned URL).`;
  if (!options.allowPublic) {
    return {
      fix: {
        policyType: 'resource',
        policy,
        change: `${advice} Only if ${req.resource} is meant to be public: a bucket policy statement with Principal "*" would allow it, and makes it readable by anyone.`,
      },
    };
  }
  const statement = allowStatement(req, dialect, '*');
  const next = addStatement(set, 'resource', set.resource ?? undefined, statement, dialect, policy);
  return {
    fix: {
      policyType: 'resource',
      policy,
      change: `${advice} To make ${req.resource} public instead, add this statement to ${policy}: it allows anyone on the network, without credentials, ${req.action} on it.`,
      statement,
    },
    ...(next ? { next } : {}),
  };
}

function trustFix(req: AuthzRequest, set: PolicySet, e: Explanation, dialect: Dialect): Step {
  const statement: StatementJson = {
    Effect: 'Allow',
    Principal: principalSpec(ownerArn(req.principal), dialect),
    Action: req.action,
  };
  const policy =
    set.trust?.id ?? e.policies.find((t) => t.type === 'trust')?.id ?? `the trust policy of ${req.resource}`;
  const next = addStatement(set, 'trust', set.trust ?? undefined, statement, dialect, policy);
  return {
    fix: {
      policyType: 'trust',
      policy,
      change: `The trust policy of ${req.resource} does not allow ${ownerArn(req.principal)} to assume it: add a statement allowing that principal ${req.action}.`,
      statement,
    },
    ...(next ? { next } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Statements and policy sets.

function dialectOf(req: AuthzRequest): Dialect {
  return req.resource.startsWith('acs:') || req.action.toLowerCase().startsWith('oss:') ? 'ram' : 'aws';
}

/** The resource ARN to put in a statement: exactly the request's (RAM: region and account `*`). */
function resourceForStatement(req: AuthzRequest, dialect: Dialect): string {
  if (dialect !== 'ram') return req.resource;
  const m = /^acs:oss:[^:]*:[^:]*:(.*)$/.exec(req.resource);
  return m ? `acs:oss:*:*:${m[1]}` : req.resource;
}

function principalSpec(arn: string, dialect: Dialect): unknown {
  return dialect === 'ram' ? [arn] : { AWS: arn };
}

function allowStatement(req: AuthzRequest, dialect: Dialect, principal?: unknown): StatementJson {
  return {
    Effect: 'Allow',
    ...(principal !== undefined ? { Principal: principal } : {}),
    Action: req.action,
    Resource: resourceForStatement(req, dialect),
  };
}

/** A parsed statement back to JSON (Sid, Effect, Principal, Action, Resource, Condition). */
export function statementJson(s: Statement): StatementJson {
  const out: StatementJson = {};
  if (s.sid !== undefined) out['Sid'] = s.sid;
  out['Effect'] = s.effect;
  if (s.principal !== undefined) out['Principal'] = principalJson(s.principal);
  if (s.notPrincipal !== undefined) out['NotPrincipal'] = principalJson(s.notPrincipal);
  if (s.action !== undefined) out['Action'] = one(s.action);
  if (s.notAction !== undefined) out['NotAction'] = one(s.notAction);
  if (s.resource !== undefined) out['Resource'] = one(s.resource);
  if (s.notResource !== undefined) out['NotResource'] = one(s.notResource);
  if (s.conditions.length > 0) out['Condition'] = conditionJson(s.conditions);
  return out;
}

function one(values: readonly string[]): string | string[] {
  return values.length === 1 ? (values[0] as string) : [...values];
}

function principalJson(p: PrincipalSpec): unknown {
  if (p === '*') return '*';
  const out: Record<string, string | string[]> = {};
  for (const [kind, values] of Object.entries(p)) if (values) out[kind] = one(values);
  return out;
}

function conditionJson(
  clauses: readonly ConditionClause[],
): Record<string, Record<string, string | string[]>> {
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const c of clauses) (out[c.operator] ??= {})[c.key] = one(c.values);
  return out;
}

function policiesOf(set: PolicySet, layer: PolicyLayer, level?: number): readonly CompiledPolicy[] {
  switch (layer) {
    case 'identity':
      return set.identity ?? [];
    case 'session':
      return set.session ?? [];
    case 'resource':
      return set.resource ? [set.resource] : [];
    case 'boundary':
      return set.boundary ? [set.boundary] : [];
    case 'trust':
      return set.trust ? [set.trust] : [];
    case 'scp':
    case 'rcp':
      return (
        level === undefined ? (set[layer] ?? []).flat() : (set[layer]?.[level] ?? [])
      ) as readonly CompiledPolicy[];
  }
}

function findPolicy(set: PolicySet, trace: PolicyTrace): CompiledPolicy | undefined {
  return policiesOf(set, trace.type, trace.level).find((p) => p.id === trace.id);
}

/** The set with `old` replaced by `next` (or, with no `old`, `next` added to the layer). */
function withPolicy(
  set: PolicySet,
  layer: PolicyLayer,
  old: CompiledPolicy | undefined,
  next: CompiledPolicy,
  level = 0,
): PolicySet {
  const swap = (list: readonly CompiledPolicy[]) =>
    old ? list.map((p) => (p === old ? next : p)) : [...list, next];
  switch (layer) {
    case 'identity':
      return { ...set, identity: swap(set.identity ?? []) };
    case 'session':
      return { ...set, session: swap(set.session ?? []) };
    case 'resource':
      return { ...set, resource: next };
    case 'boundary':
      return { ...set, boundary: next };
    case 'trust':
      return { ...set, trust: next };
    case 'scp':
    case 'rcp': {
      const levels = (set[layer] ?? []).map((l) => [...l]);
      while (levels.length <= level) levels.push([]);
      levels[level] = swap(levels[level] ?? []);
      return { ...set, [layer]: levels };
    }
  }
}

/** Adds a statement to a policy (or a new policy) and returns the set; undefined if it does not compile. */
function addStatement(
  set: PolicySet,
  layer: PolicyLayer,
  existing: CompiledPolicy | undefined,
  statement: StatementJson,
  dialect: Dialect,
  id: string,
  level = 0,
): PolicySet | undefined {
  const type = existing?.type ?? (layer === 'trust' ? 'trust' : layer);
  const version = dialect === 'ram' ? '1' : '2012-10-17';
  const parsed = compilePolicyText({ Version: version, Statement: [statement] }, { id, type }, { dialect });
  if (!parsed.ok) return undefined;
  const added = parsed.policy.document.statements[0] as Statement;
  const doc: PolicyDocument = existing
    ? {
        ...existing.document,
        statements: [
          ...existing.document.statements,
          { ...added, index: existing.document.statements.length },
        ],
      }
    : parsed.policy.document;
  return withPolicy(set, layer, existing, compilePolicy(doc, { id, type }), level);
}

function replaceStatement(
  set: PolicySet,
  trace: PolicyTrace,
  policy: CompiledPolicy,
  corrected: Statement,
): PolicySet | undefined {
  const doc: PolicyDocument = {
    ...policy.document,
    statements: policy.document.statements.map((s) => (s.index === corrected.index ? corrected : s)),
  };
  return withPolicy(
    set,
    trace.type,
    policy,
    compilePolicy(doc, { id: policy.id, type: policy.type }),
    trace.level,
  );
}

function withoutStatement(set: PolicySet, trace: PolicyTrace, index: number): PolicySet {
  const policy = findPolicy(set, trace);
  if (policy === undefined) return set;
  const doc: PolicyDocument = {
    ...policy.document,
    statements: policy.document.statements.filter((s) => s.index !== index),
  };
  return withPolicy(
    set,
    trace.type,
    policy,
    compilePolicy(doc, { id: policy.id, type: policy.type }),
    trace.level,
  );
}

const LAYER_NAMES: Record<PolicyLayer, string> = {
  scp: 'service control policy',
  rcp: 'resource control policy',
  resource: 'resource-based policy',
  identity: 'identity-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  trust: 'role trust policy',
};
