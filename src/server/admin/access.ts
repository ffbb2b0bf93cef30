// Who may read the trace of an earlier request (the explain endpoint's authorization rule, also
// applied to decoded authorization messages).
//
// A trace shows policies, so it is shown only to an account that took part in the decision: the
// account of the caller who made the request, or the account that owns the resource. Within such
// an account, its root user, and IAM users and role sessions that their own policies allow
// EXPLAIN_ACTION (decided by the caller of traceAccess with the policy engine, like any request).
// Anyone else (another account, an anonymous caller) is refused, whatever they know of the
// request id. When the two accounts differ (a cross-account request), each side sees its own
// policies in full and only the outcome of the other side's: what the other account wrote stays
// with that account.
import type { PolicyLayer } from '../../policy/decide.js';
import type { Principal } from '../../policy/request.js';
import type { RequestDecisions } from '../decisions.js';

/**
 * The permission an IAM principal needs to read traces of its account's requests, on `*`. A trace
 * shows the account's policies, which is what this action reads in AWS (IAMReadOnlyAccess and
 * SecurityAudit grant it).
 */
export const EXPLAIN_ACTION = 'iam:GetAccountAuthorizationDetails';

/** The accounts that took part in a decision: the caller's and the resource's. */
export interface DecisionAccounts {
  readonly callerAccount: string;
  readonly resourceAccount: string;
}

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

/** The accounts of each decision of a recorded request. */
export function accountsOf(record: RequestDecisions): DecisionAccounts[] {
  return record.decisions.map((d) => ({
    callerAccount: d.request.principal.account,
    resourceAccount: d.request.resourceAccount ?? d.request.principal.account,
  }));
}

/**
 * Whether `asker` may read the trace of a request (a recorded one, or the accounts of a decoded
 * message). `iamPrivileged`: the engine allowed the asker EXPLAIN_ACTION; root needs no policy.
 */
export function traceAccess(
  asker: Principal,
  request: RequestDecisions | readonly DecisionAccounts[],
  iamPrivileged = false,
): TraceAccess {
  if (asker.type === 'anonymous') {
    return {
      allowed: false,
      reason: 'Sign the request: explain answers only principals of an account involved in the request.',
    };
  }
  if (asker.type !== 'root' && !iamPrivileged) {
    return {
      allowed: false,
      reason: `Only the root user of an account involved in the request, or a principal of that account allowed ${EXPLAIN_ACTION} on "*", can read its trace.`,
    };
  }
  let callerSide = false;
  let resourceSide = false;
  const accounts = 'decisions' in request ? accountsOf(request) : request;
  for (const { callerAccount, resourceAccount } of accounts) {
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
