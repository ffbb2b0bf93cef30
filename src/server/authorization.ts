// What every protocol front shares when it asks the policy engine: the global condition keys of
// a request (aws:SourceIp, aws:PrincipalArn...), and keeping each decision for `portcullis explain`
// and the audit trail.
import type { Decision, PolicySet } from '../policy/decide.js';
import { principalTypeKey, type AuthzRequest, type ContextValue } from '../policy/request.js';
import type { Caller } from './caller.js';
import type { DecisionLog } from './decisions.js';
import type { HttpRequestContext } from './request-context.js';

/** The global `aws:` keys of a request; a front adds its own service keys on top. */
export function globalContext(ctx: HttpRequestContext, caller: Caller): Map<string, ContextValue> {
  const out = new Map<string, ContextValue>();
  const set = (k: string, v: ContextValue | undefined) => {
    if (v !== undefined) out.set(k.toLowerCase(), v);
  };
  const { principal, identity } = caller;
  const now = ctx.startedAt;
  set('aws:SourceIp', ctx.sourceIp || undefined);
  set('aws:SecureTransport', ctx.secure ? 'true' : 'false');
  set('aws:CurrentTime', now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  set('aws:EpochTime', String(Math.floor(now.getTime() / 1000)));
  set('aws:UserAgent', ctx.header('user-agent'));
  set('aws:Referer', ctx.header('referer'));
  set('aws:PrincipalType', principalTypeKey(principal));
  if (principal.type !== 'anonymous') {
    set('aws:PrincipalArn', principal.roleArn ?? principal.arn);
    set('aws:PrincipalAccount', principal.account);
  }
  set('aws:userid', identity?.userId ?? (principal.type === 'anonymous' ? 'anonymous' : undefined));
  set('aws:username', principal.type === 'user' ? identity?.username : undefined);
  for (const [k, v] of Object.entries(identity?.tags ?? {})) set(`aws:PrincipalTag/${k}`, v);
  return out;
}

/** Keeps a decision under the request's id, with the key the caller signed with. */
export function recordDecision(
  where: { readonly ctx: HttpRequestContext; readonly caller: Caller; readonly decisions: DecisionLog },
  operation: string,
  request: AuthzRequest,
  policies: PolicySet,
  decision: Decision,
): void {
  const { identity } = where.caller;
  where.decisions.record(
    where.ctx.requestId,
    operation,
    { request, policies, decision, ...(identity ? { caller: { accessKeyId: identity.accessKeyId } } : {}) },
    where.ctx.startedAt,
  );
}
