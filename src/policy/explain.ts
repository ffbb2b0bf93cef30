// Decisions that explain themselves: the same evaluation as decide(), walked in full with a
// recording scanner, so every policy and statement considered appears in the trace with what
// matched, what did not, the context value looked at and why.
import { actionMatches, resourceMatches, type CompiledPolicy, type CompiledStatement } from './compile.js';
import { explainCondition } from './conditions/index.js';
import { evaluate, type Decision, type PolicyLayer, type PolicySet, type Scanner } from './decide.js';
import type { ContextValue, AuthzRequest } from './request.js';
import type { Location } from './model.js';
import { Reach, REACH_NAMES } from './principal-match.js';
import { RULES } from './rules.js';
import { describeUnresolved } from './variables.js';
import { unresolvedPatternVariable } from './wildcard.js';

export interface ConditionTrace {
  operator: string;
  key: string;
  values: string[];
  matched: boolean;
  contextValue?: ContextValue;
  reason?: string;
}

export interface StatementTrace {
  statement: string;
  index: number;
  effect: 'Allow' | 'Deny';
  /** True when every part matched, so the statement applied to the request. */
  matched: boolean;
  action: boolean;
  resource: boolean;
  /** Why the resource did not match, when a policy variable was the cause. */
  resourceReason?: string;
  /** Only for statements with Principal/NotPrincipal: whether and how specifically it names the caller. */
  principal?: { matched: boolean; reach: string };
  conditions: ConditionTrace[];
  location: Location;
}

export interface PolicyTrace {
  type: PolicyLayer;
  id: string;
  /** For SCP/RCP: the level (0 = organization root). */
  level?: number;
  outcome: 'Deny' | 'Allow' | 'NoMatch';
  /** The statement that gave the outcome. */
  decidingStatement: string | null;
  statements: StatementTrace[];
}

export interface Explanation extends Decision {
  principal: string;
  action: string;
  resource: string;
  ruleText: string;
  policies: PolicyTrace[];
}

/** Decides with a full trace. Slower than decide(): call it when someone wants to know why. */
export function explain(req: AuthzRequest, set: PolicySet): Explanation {
  const policies: PolicyTrace[] = [];
  const levels = levelIndex(set);
  const recordingScan: Scanner = (policy, layer, request, bestReach) => {
    const statements = policy.statements.map((s) => traceStatement(s, request));
    const hit = pick(policy.statements, statements, bestReach, request);
    const level = levels.get(policy);
    policies.push({
      type: layer,
      id: policy.id,
      ...(level !== undefined ? { level } : {}),
      outcome: hit === undefined ? 'NoMatch' : hit.effect,
      decidingStatement: hit?.label ?? null,
      statements,
    });
    return hit;
  };
  const decision = evaluate(req, set, recordingScan, true);
  return {
    ...decision,
    principal: req.principal.arn,
    action: req.action,
    resource: req.resource,
    ruleText: RULES[decision.rule],
    policies,
  };
}

function traceStatement(s: CompiledStatement, req: AuthzRequest): StatementTrace {
  const action = actionMatches(s, req.action);
  const resource = resourceMatches(s, req.resource, req.context);
  const resourceReason = resource ? undefined : unresolvedResourceReason(s, req);
  const conditions = s.conditions.map((c): ConditionTrace => {
    const outcome = explainCondition(c, req.context);
    return {
      operator: c.clause.operator,
      key: c.clause.key,
      values: c.clause.values,
      matched: outcome.matched,
      ...(outcome.contextValue !== undefined ? { contextValue: outcome.contextValue } : {}),
      ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
    };
  });
  let principal: StatementTrace['principal'];
  let principalOk = true;
  if (s.principal) {
    const reach = s.principal(req.principal);
    principalOk = reach !== Reach.None;
    principal = { matched: principalOk, reach: REACH_NAMES[reach] };
  }
  return {
    statement: s.label,
    index: s.statement.index,
    effect: s.effect,
    matched: action && resource && principalOk && conditions.every((c) => c.matched),
    action,
    resource,
    ...(resourceReason !== undefined ? { resourceReason } : {}),
    ...(principal ? { principal } : {}),
    conditions,
    location: s.statement.loc,
  };
}

/** When no resource pattern could match because a policy variable has no usable value, say which. */
function unresolvedResourceReason(s: CompiledStatement, req: AuthzRequest): string | undefined {
  for (const pattern of s.resources) {
    const variable = unresolvedPatternVariable(pattern, req.context);
    if (variable !== undefined) return describeUnresolved(variable, req.context);
  }
  return undefined;
}

/** The same choice fastScan makes: first matching Deny, else the (best-reaching) matching Allow. */
function pick(
  compiled: readonly CompiledStatement[],
  traces: readonly StatementTrace[],
  bestReach: boolean,
  req: AuthzRequest,
): CompiledStatement | undefined {
  let allow: CompiledStatement | undefined;
  let allowReach = -1;
  for (let i = 0; i < compiled.length; i++) {
    const s = compiled[i] as CompiledStatement;
    if (!traces[i]?.matched) continue;
    if (s.effect === 'Deny') return s;
    const reach = s.principal ? s.principal(req.principal) : Reach.Session;
    if (allow === undefined || (bestReach && reach > allowReach)) {
      allow = s;
      allowReach = reach;
    }
  }
  return allow;
}

function levelIndex(set: PolicySet): Map<CompiledPolicy, number> {
  const index = new Map<CompiledPolicy, number>();
  for (const levels of [set.scp ?? [], set.rcp ?? []]) {
    levels.forEach((level, i) => level.forEach((p) => index.set(p, i)));
  }
  return index;
}
