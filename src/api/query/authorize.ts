// Authorizing a Query action like any other request: the caller's own policies (identity,
// boundary, session, SCP) decide `iam:CreateUser` on `arn:aws:iam::ACCT:user/x`; the account
// root is allowed in its own account. Every decision is recorded for `portcullis explain`.
import { decide, type Decision, type PolicySet } from '../../policy/decide.js';
import { deniedMessage } from '../../policy/messages.js';
import type { AuthzRequest, ContextValue, Principal } from '../../policy/request.js';
import type { QueryCall } from './call.js';
import { accessDenied } from './errors.js';

function principalType(p: Principal): string {
  switch (p.type) {
    case 'root':
      return 'Account';
    case 'user':
      return 'User';
    case 'assumed-role':
    case 'role':
      return 'AssumedRole';
    case 'federated-user':
      return 'FederatedUser';
    case 'service':
      return 'Service';
    case 'anonymous':
      return 'Anonymous';
  }
}

/** The global condition keys of a Query request. */
export function queryContext(
  call: QueryCall,
  extra: Readonly<Record<string, ContextValue | undefined>> = {},
): Map<string, ContextValue> {
  const ctx = new Map<string, ContextValue>();
  const set = (k: string, v: ContextValue | undefined) => {
    if (v !== undefined) ctx.set(k.toLowerCase(), v);
  };
  const { principal, identity } = call.caller;
  const now = call.ctx.startedAt;
  set('aws:SourceIp', call.ctx.sourceIp || undefined);
  set('aws:SecureTransport', call.ctx.secure ? 'true' : 'false');
  set('aws:CurrentTime', now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  set('aws:EpochTime', String(Math.floor(now.getTime() / 1000)));
  set('aws:UserAgent', call.ctx.header('user-agent'));
  set('aws:RequestedRegion', call.region);
  set('aws:PrincipalType', principalType(principal));
  if (principal.type !== 'anonymous') {
    set('aws:PrincipalArn', principal.roleArn ?? principal.arn);
    set('aws:PrincipalAccount', principal.account);
  }
  set('aws:userid', identity?.userId);
  set('aws:username', principal.type === 'user' ? identity?.username : undefined);
  for (const [k, v] of Object.entries(identity?.tags ?? {})) set(`aws:PrincipalTag/${k}`, v);
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
  call.services.decisions.record(
    call.ctx.requestId,
    call.action,
    {
      request,
      policies,
      decision,
      ...(call.caller.identity ? { caller: { accessKeyId: call.caller.identity.accessKeyId } } : {}),
    },
    call.ctx.startedAt,
  );
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
