// The decision across policy types, exactly per EVALUATION-RULES.md.
//
// One routine (`evaluate`) walks the policy types in rule order and combines their outcomes.
// It is parameterised by a statement scanner: the fast scanner stops at what it needs and records
// nothing; explain.ts passes a recording scanner and asks for a full walk. Both share every line
// of the combination logic, so the trace always agrees with the decision.
import { conditionsHold, resourceMatches, type CompiledPolicy, type CompiledStatement } from './compile.js';
import { Reach } from './principal-match.js';
import type { AuthzRequest } from './request.js';
import type { RuleId } from './rules.js';

export type DecisionKind = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** The policy types a decision can name. `trust` is a role trust policy (sts:AssumeRole). */
export type PolicyLayer = 'scp' | 'rcp' | 'resource' | 'identity' | 'boundary' | 'session' | 'trust';

export interface PolicySet {
  /** The user's and its groups' policies, or the role's (inline and managed). */
  identity?: readonly CompiledPolicy[];
  /** The resource-based policy (bucket policy). */
  resource?: CompiledPolicy | null;
  boundary?: CompiledPolicy | null;
  /** Session policies passed to STS; empty or absent when the caller is not such a session. */
  session?: readonly CompiledPolicy[];
  /** SCP levels of the principal's account, root first: every level must allow. */
  scp?: readonly (readonly CompiledPolicy[])[];
  /** RCP levels of the resource's account: the full-access RCP is implied, so only denies count. */
  rcp?: readonly (readonly CompiledPolicy[])[];
  /** A role trust policy, when the request is to assume that role: it must allow the caller. */
  trust?: CompiledPolicy | null;
}

export interface Decision {
  decision: DecisionKind;
  /** The policy type that denied; null when allowed. */
  deniedBy: PolicyLayer | null;
  explicit: boolean;
  /** The policy type whose statement decided (the denying one, or the one that granted). */
  decidedBy: PolicyLayer | null;
  /** Id of the deciding policy and the deciding statement (Sid or `Statement[i]`), when one decided. */
  policyId: string | null;
  statement: string | null;
  /** Which rule of EVALUATION-RULES.md decided (see rules.ts). */
  rule: RuleId;
  /**
   * True when the caller's session policies do not allow the request, whichever type is named
   * (OSS then answers "Access denied by authorizer's policy.", seed 001).
   */
  sessionDenies: boolean;
}

/**
 * Scans one policy for the request: returns the first matching Deny, else the matching Allow
 * (with `bestReach`, the Allow whose Principal names the caller most specifically), else undefined.
 */
export type Scanner = (
  policy: CompiledPolicy,
  layer: PolicyLayer,
  req: AuthzRequest,
  bestReach: boolean,
) => CompiledStatement | undefined;

export const fastScan: Scanner = (policy, _layer, req, bestReach) => {
  const ctx = req.context;
  let allow: CompiledStatement | undefined;
  let allowReach: number = Reach.None;
  for (const s of policy.statementsFor(req.action)) {
    let reach: number = Reach.Session;
    if (s.principal !== undefined) {
      reach = s.principal(req.principal);
      if (reach === Reach.None) continue;
    }
    if (!resourceMatches(s, req.resource, ctx) || !conditionsHold(s, ctx)) continue;
    if (s.effect === 'Deny') return s;
    if (allow === undefined || (bestReach && reach > allowReach)) {
      allow = s;
      allowReach = reach;
    }
  }
  return allow;
};

/** Decides a request on the fast path: no trace, stops at the first explicit deny. */
export function decide(req: AuthzRequest, set: PolicySet): Decision {
  return evaluate(req, set, fastScan, false);
}

interface Hit {
  layer: PolicyLayer;
  policy: CompiledPolicy;
  statement: CompiledStatement;
}

/**
 * Walks the policy types in rule order. With `full`, every policy is scanned even after an
 * explicit deny is found (for traces); the decision is the same either way.
 */
export function evaluate(req: AuthzRequest, set: PolicySet, scan: Scanner, full: boolean): Decision {
  const p = req.principal;
  const resourceAccount = req.resourceAccount ?? p.account;
  const callerHasNoAccount = p.type === 'anonymous' || p.type === 'service';
  const sameAccount = !callerHasNoAccount && p.account === resourceAccount;
  const hasOwnPolicies = !callerHasNoAccount && p.type !== 'root';
  let deny: Hit | undefined;

  // One policy: remember the first explicit deny; report whether it allowed.
  const check = (
    layer: PolicyLayer,
    policy: CompiledPolicy,
    bestReach = false,
  ): CompiledStatement | undefined => {
    const s = scan(policy, layer, req, bestReach);
    if (s === undefined) return undefined;
    if (s.effect === 'Deny') {
      deny ??= { layer, policy, statement: s };
      return undefined;
    }
    return s;
  };
  const denied = () => deny !== undefined && !full;

  // Step 3: RCPs of the resource's account. The implied full-access RCP means only denies matter.
  for (const level of set.rcp ?? []) {
    for (const policy of level) if (check('rcp', policy) === undefined && denied()) return explicitDeny(deny);
  }

  // Step 4: SCPs of the principal's account: every level must allow.
  let scpGap = -1;
  if (!callerHasNoAccount) {
    const levels = set.scp ?? [];
    for (let i = 0; i < levels.length; i++) {
      let allowed = false;
      for (const policy of levels[i] ?? []) {
        if (check('scp', policy) !== undefined) allowed = true;
        else if (denied()) return explicitDeny(deny);
      }
      if (!allowed && scpGap < 0) scpGap = i;
    }
  }

  // Step 5: the resource-based policy, and how far its Allow reaches for this caller.
  let resourceAllow: Hit | undefined;
  let reach: number = Reach.None;
  if (set.resource) {
    const s = check('resource', set.resource, true);
    if (s !== undefined) {
      resourceAllow = { layer: 'resource', policy: set.resource, statement: s };
      reach = s.principal ? s.principal(p) : Reach.None;
    } else if (denied()) return explicitDeny(deny);
  }

  // Role trust policy: must name the caller explicitly (it never delegates to identity alone).
  let trustAllow: Hit | undefined;
  if (set.trust) {
    const s = check('trust', set.trust, true);
    if (s !== undefined) trustAllow = { layer: 'trust', policy: set.trust, statement: s };
    else if (denied()) return explicitDeny(deny);
  }

  // Steps 6-8: the caller's own policies.
  let identityAllow: Hit | undefined;
  let boundaryAllows = false;
  let sessionAllows = false;
  const hasBoundary = hasOwnPolicies && set.boundary != null;
  const hasSession = hasOwnPolicies && set.session !== undefined && set.session.length > 0;
  if (hasOwnPolicies) {
    for (const policy of set.identity ?? []) {
      const s = check('identity', policy);
      if (s !== undefined) identityAllow ??= { layer: 'identity', policy, statement: s };
      else if (denied()) return explicitDeny(deny);
    }
    if (hasBoundary && set.boundary) {
      if (check('boundary', set.boundary) !== undefined) boundaryAllows = true;
      else if (denied()) return explicitDeny(deny);
    }
    for (const policy of set.session ?? []) {
      if (check('session', policy) !== undefined) sessionAllows = true;
      else if (denied()) return explicitDeny(deny);
    }
  }

  // Step 2: an explicit deny anywhere ends it.
  if (deny !== undefined) return explicitDeny(deny);
  const sessionDenies = hasSession && !sessionAllows && reach < Reach.Session;
  const implicitDeny = (layer: PolicyLayer, rule: RuleId): Decision => ({
    decision: 'ImplicitlyDenied',
    deniedBy: layer,
    explicit: false,
    decidedBy: layer,
    policyId: null,
    statement: null,
    rule,
    sessionDenies,
  });
  if (scpGap >= 0) return implicitDeny('scp', 'scp-no-allow');
  if (set.trust && trustAllow === undefined) return implicitDeny('trust', 'trust-no-allow');

  if (callerHasNoAccount) {
    return resourceAllow
      ? allowed(resourceAllow, 'anonymous-resource-allow')
      : implicitDeny('resource', 'anonymous-no-allow');
  }
  if (p.type === 'root') {
    if (sameAccount) return allowedWithout('root');
    return resourceAllow
      ? allowed(resourceAllow, 'cross-account-allow')
      : implicitDeny('resource', 'cross-account-resource-no-allow');
  }

  if (sameAccount) {
    // Within one account identity and resource policies are a union; the resource policy's reach
    // decides which of the caller's own implicit denies it overrides.
    if (identityAllow === undefined && reach < Reach.Role)
      return implicitDeny('identity', 'identity-no-allow');
    if (hasBoundary && !boundaryAllows && reach < Reach.User)
      return implicitDeny('boundary', 'boundary-no-allow');
    if (sessionDenies) return implicitDeny('session', 'session-no-allow');
    if (identityAllow) return allowed(identityAllow, 'identity-allow');
    // Only reachable through a resource Allow that names the caller (reach >= Role).
    return allowed(resourceAllow as Hit, 'resource-allow');
  }

  // Across accounts both sides must allow, and the resource policy must name the caller or its
  // account. For sts:AssumeRole the role's trust policy is that resource-side policy.
  if (identityAllow === undefined) return implicitDeny('identity', 'identity-no-allow');
  if (hasBoundary && !boundaryAllows) return implicitDeny('boundary', 'boundary-no-allow');
  if (hasSession && !sessionAllows) return implicitDeny('session', 'session-no-allow');
  if (resourceAllow === undefined && trustAllow === undefined) {
    return implicitDeny('resource', 'cross-account-resource-no-allow');
  }
  return allowed(identityAllow, 'cross-account-allow');
}

function explicitDeny(hit: Hit | undefined): Decision {
  const h = hit as Hit;
  return {
    decision: 'ExplicitlyDenied',
    deniedBy: h.layer,
    explicit: true,
    decidedBy: h.layer,
    policyId: h.policy.id,
    statement: h.statement.label,
    rule: 'explicit-deny',
    sessionDenies: h.layer === 'session',
  };
}

function allowed(hit: Hit, rule: RuleId): Decision {
  return {
    decision: 'Allowed',
    deniedBy: null,
    explicit: false,
    decidedBy: hit.layer,
    policyId: hit.policy.id,
    statement: hit.statement.label,
    rule,
    sessionDenies: false,
  };
}

function allowedWithout(rule: RuleId): Decision {
  return {
    decision: 'Allowed',
    deniedBy: null,
    explicit: false,
    decidedBy: null,
    policyId: null,
    statement: null,
    rule,
    sessionDenies: false,
  };
}
