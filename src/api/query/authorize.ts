// Authorizing a Query action like any other request: the caller's own policies (identity,
// boundary, session, SCP) decide `iam:CreateUser` on `arn:aws:iam::ACCT:user/x`; the account
// root is allowed in its own account. Every decision is recorded for `portcullis explain`.
import { decide, type Decision, type PolicySet } from '../../policy/decide.js';
import { deniedMessage } from '../../policy/messages.js';
import type { AuthzRequest, ContextValue } from '../../policy/request.js';
import { globalContext, recordDecision } from '../../server/authorization.js';
import type { QueryCall } from './call.js';
import { accessDenied } from './errors.js';

/** The global condition keys of a Query request. */
export function queryContext(
  call: QueryCall,
  extra: Readonly<Record<string, ContextValue | undefined>> = {},
): Map<string, ContextValue> {
  const ctx = globalContext(call.ctx, call.caller);
  const set = (k: string, v: ContextValue | undefined) => {
    if (v !== undefined) ctx.set(k.toLowerCase(), v);
  };
  set('aws:RequestedRegion', call.region);
  for (const [k, v] of Object.entries(extra)) set(k, v);
  return ctx;
}

/** Decides `action` on `resource` (owned by the caller's account unless said otherwise) and records it. */
export function checkQuery(
  call: QueryCall,
  action: string,
  resource: string,
  context?: Readonly<Record<string, ContextValue | undefined>>,
  resourceAccount: string = call.account,
): { request: AuthzRequest; decision: Decision } {
  const request: AuthzRequest = {
    principal: call.caller.principal,
    action,
    resource,
    resourceAccount,
    context: queryContext(call, context),
  };
  const policies: PolicySet = { ...call.caller.policies, resource: null };
  const decision = decide(request, policies);
  recordQueryDecision(call, request, policies, decision);
  return { request, decision };
}

/** Throws 403 AccessDenied in AWS's words unless the caller may perform `action` on `resource`. */
export function authorizeQuery(
  call: QueryCall,
  action: string,
  resource: string,
  context?: Readonly<Record<string, ContextValue | undefined>>,
  resourceAccount: string = call.account,
): void {
  const { request, decision } = checkQuery(call, action, resource, context, resourceAccount);
  if (decision.decision !== 'Allowed') {
    throw accessDenied(deniedMessage('aws', request, decision) ?? 'Access Denied');
  }
}

/** Keeps a Query action's decision for explain and the audit trail. */
export function recordQueryDecision(
  call: QueryCall,
  request: AuthzRequest,
  policies: PolicySet,
  decision: Decision,
): void {
  recordDecision(
    { ctx: call.ctx, caller: call.caller, decisions: call.services.decisions },
    call.action,
    request,
    policies,
    decision,
  );
}
