// Who may read the trace of an earlier request (the explain endpoint's authorization rule).
//
// A trace shows policies, so it is shown only to the root user of an account that took part in
// the decision: the account of the caller who made the request, or the account that owns the
// resource. Anyone else (another account, an anonymous caller) is refused, whatever they know of
// the request id. When the two accounts differ (a cross-account request), each side sees its own
// policies in full and only the outcome of the other side's: what the other account wrote stays
// with that account.
// IAM users and roles are not admitted yet (see the report: iam:GetAccountAuthorizationDetails).
import type { PolicyLayer } from '../../policy/decide.js';
import type { Principal } from '../../policy/request.js';
import type { RequestDecisions } from '../decisions.js';

/** The policy types that belong to the resource's account; the others travel with the caller. */
const RESOURCE_SIDE: ReadonlySet<PolicyLayer> = new Set<PolicyLayer>(['resource', 'rcp', 'trust']);

export type TraceAccess =
  | { allowed: false; reason: string }
  | {
      allowed: true;
      /** The asker's account is the caller's account of the request: caller-side policies visible. */
      callerSide: boolean;
      /** The asker's account owns the resource: resource-side policies visible. */
      resourceSide: boolean;
    };

export function traceAccess(asker: Principal, record: RequestDecisions): TraceAccess {
  if (asker.type !== 'root') {
    return {
      allowed: false,
      reason:
        asker.type === 'anonymous'
          ? 'Sign the request: explain answers only the root user of an account involved in the request.'
          : 'Only the root user of an account involved in the request can read its trace.',
    };
  }
  let callerSide = false;
  let resourceSide = false;
  for (const d of record.decisions) {
    const callerAccount = d.request.principal.account;
    const resourceAccount = d.request.resourceAccount ?? callerAccount;
    if (callerAccount !== '' && callerAccount === asker.account) callerSide = true;
    if (resourceAccount !== '' && resourceAccount === asker.account) resourceSide = true;
  }
  if (!callerSide && !resourceSide) {
    // Same answer as for an id that exists but is not yours: nothing about the request leaks.
    return {
      allowed: false,
      reason: 'Neither the caller nor the resource of this request is in your account.',
    };
  }
  return { allowed: true, callerSide, resourceSide };
}

/** Whether the asker may see the statements of a policy of this type. */
export function mayShowPolicy(access: TraceAccess, layer: PolicyLayer): boolean {
  if (!access.allowed) return false;
  return RESOURCE_SIDE.has(layer) ? access.resourceSide : access.callerSide;
}
