// Whether an IAM principal may read traces of its account's requests: EXPLAIN_ACTION on `*`,
// decided by the policy engine with the caller's own policies (identity, boundary, session,
// SCPs) like any other request, and recorded under the asking request's id (explain and audit).
import { decide, type PolicySet } from '../../policy/decide.js';
import type { AuthzRequest } from '../../policy/request.js';
import { globalContext, recordDecision } from '../authorization.js';
import type { Caller } from '../caller.js';
import type { DecisionLog } from '../decisions.js';
import type { HttpRequestContext } from '../request-context.js';
import { EXPLAIN_ACTION } from './access.js';

/** The operation name explain requests are recorded under. */
export const EXPLAIN_OPERATION = 'ExplainRequest';

export function iamPrivileged(ctx: HttpRequestContext, caller: Caller, decisions: DecisionLog): boolean {
  const p = caller.principal;
  // Root needs no policy; anonymous callers have none to ask.
  if (p.type === 'root' || p.type === 'anonymous') return false;
  const request: AuthzRequest = {
    principal: p,
    action: EXPLAIN_ACTION,
    resource: '*',
    resourceAccount: p.account,
    context: globalContext(ctx, caller),
  };
  const policies: PolicySet = { ...caller.policies, resource: null };
  const decision = decide(request, policies);
  recordDecision({ ctx, caller, decisions }, EXPLAIN_OPERATION, request, policies, decision);
  return decision.decision === 'Allowed';
}
