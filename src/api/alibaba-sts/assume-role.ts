// AssumeRole (Alibaba STS 2015-04-01): RoleArn `acs:ram::UID:role/name`, RoleSessionName, an optional
// session Policy (at most 1024 characters), DurationSeconds (900 to the role's maximum, 3600 by
// default). Decided by the one engine in RAM terms — `sts:AssumeRole` on `acs:ram::UID:role/<name in
// lower case>`, the form Alibaba shows role ARNs in — with the role's trust policy in the set, so the
// caller's own policies and the trust policy must both allow it. Decisions are recorded for explain.
import type { RoleRecord } from '../../identity/model.js';
import { decide, type Decision, type PolicySet } from '../../policy/decide.js';
import { awsMessage } from '../../policy/messages.js';
import type { AuthzRequest, ContextValue } from '../../policy/request.js';
import { globalContext, recordDecision } from '../../server/authorization.js';
import type { SessionClaims } from '../../sts/session-token.js';
import type { RpcCall } from './call.js';
import { issueAlibabaCredentials } from './credentials.js';
import { AlibabaStsError, wronglyFormed } from './errors.js';
import type { RpcDocument } from './response.js';

export const MIN_DURATION = 900;
export const DEFAULT_DURATION = 3600;
/** A role session assuming another role gets at most an hour. */
export const CHAINED_MAX_DURATION = 3600;
export const MAX_POLICY_LENGTH = 1024;

const ROLE_ARN = /^acs:ram::(\d+):role\/([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[A-Za-z0-9.@_-]{2,32}$/;
const INTEGER = /^\d{1,10}$/;

const NO_PERMISSION =
  'No permission perform sts:AssumeRole on this Role. Maybe you are not authorized to perform sts:AssumeRole or the specified role does not trust you';

/** The role ARN as Alibaba writes it (names in lower case), the resource RAM policies name. */
export function ramRoleArn(account: string, roleName: string): string {
  return `acs:ram::${account}:role/${roleName.toLowerCase()}`;
}

export async function assumeRole(call: RpcCall): Promise<RpcDocument> {
  const p = call.params;
  const roleArn = p.required('RoleArn');
  const arn = ROLE_ARN.exec(roleArn);
  if (arn === null)
    throw wronglyFormed('RoleArn', 'A role ARN reads acs:ram::<account id>:role/<role name>.');
  const [, account = '', roleName = ''] = arn;
  const session = p.required('RoleSessionName');
  if (!SESSION_NAME.test(session)) {
    throw wronglyFormed(
      'RoleSessionName',
      '2 to 32 letters, digits, periods, at signs, hyphens or underscores.',
    );
  }
  const requested = p.get('DurationSeconds');
  if (requested !== undefined && !INTEGER.test(requested)) {
    throw new AlibabaStsError(
      'InvalidParameter.DurationSeconds',
      'The parameter DurationSeconds is wrongly formed.',
    );
  }
  const policy = sessionPolicy(call, p.get('Policy'));

  const { principal } = call.caller;
  if (principal.type === 'root') {
    throw new AlibabaStsError('NoPermission', 'Roles may not be assumed by root accounts.', 403);
  }
  const resource = ramRoleArn(account, roleName);
  const role = await call.deps.store.getRole(account, roleName);
  if (role === null) {
    // Only a caller allowed to assume it learns that the role does not exist.
    const { decision, request } = decideAssume(call, resource, account, {});
    if (decision.decision !== 'Allowed') throw noPermission(call, request, decision);
    throw new AlibabaStsError('EntityNotExist.Role', `The specified Role not exists: ${resource}`, 404);
  }
  const trust = call.deps.cache.compileStored(role.trustPolicy, `trust policy of role ${role.name}`, 'trust');
  const { decision, request } = decideAssume(call, resource, role.account, { trust });
  if (decision.decision !== 'Allowed') throw noPermission(call, request, decision);

  const parent = principal.type === 'assumed-role' ? parentSession(call) : undefined;
  const max =
    parent !== undefined ? Math.min(role.maxSessionDuration, CHAINED_MAX_DURATION) : role.maxSessionDuration;
  const seconds = requested === undefined ? Math.min(DEFAULT_DURATION, max) : Number(requested);
  if (seconds < MIN_DURATION || seconds > max) {
    throw new AlibabaStsError(
      'InvalidParameter.DurationSeconds',
      `The Min/Max value of DurationSeconds is 15min/${durationText(max)}.`,
    );
  }
  const credentials = issueAlibabaCredentials(call.deps.tokens, {
    account: role.account,
    principal: { type: 'assumed-role', roleArn: role.arn, roleId: role.id, sessionName: session },
    durationSeconds: seconds,
    now: call.deps.clock(),
    policy,
    chainDepth: parent !== undefined ? parent.chainDepth + 1 : 0,
  });
  return {
    AssumedRoleUser: assumedRoleUser(role, session),
    Credentials: { ...credentials },
  };
}

function assumedRoleUser(role: RoleRecord, session: string): RpcDocument {
  return { Arn: `${ramRoleArn(role.account, role.name)}/${session}`, AssumedRoleId: `${role.id}:${session}` };
}

/** The Policy parameter: at most 1024 characters, and a valid session policy (RAM or AWS form). */
function sessionPolicy(call: RpcCall, text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (text.length > MAX_POLICY_LENGTH) {
    throw new AlibabaStsError(
      'InvalidParameter.PolicyLength',
      `The parameter Policy is too long: ${text.length} characters, at most ${MAX_POLICY_LENGTH}.`,
    );
  }
  const problems = call.deps.cache.check(text, 'session');
  if (problems.length > 0) {
    throw new AlibabaStsError(
      'InvalidParameter.PolicyGrammar',
      'The parameter Policy has not passed grammar check.',
      400,
      problems.map((x) => x.message).join('; '),
    );
  }
  return text;
}

/** Decides sts:AssumeRole on the role with the caller's policies (and the trust policy, when given). */
function decideAssume(
  call: RpcCall,
  resource: string,
  resourceAccount: string,
  extra: Pick<PolicySet, 'trust'>,
): { request: AuthzRequest; decision: Decision } {
  const request: AuthzRequest = {
    principal: call.caller.principal,
    action: 'sts:AssumeRole',
    resource,
    resourceAccount,
    context: requestContext(call),
  };
  const policies: PolicySet = { ...call.caller.policies, resource: null, ...extra };
  const decision = decide(request, policies);
  recordDecision(
    { ctx: call.ctx, caller: call.caller, decisions: call.services.decisions },
    call.action,
    request,
    policies,
    decision,
  );
  return { request, decision };
}

/** The aws: keys every front sets, plus Alibaba's acs: ones and the session name. */
function requestContext(call: RpcCall): Map<string, ContextValue> {
  const ctx = globalContext(call.ctx, call.caller);
  const set = (k: string, v: ContextValue | undefined): void => {
    if (v !== undefined) ctx.set(k.toLowerCase(), v);
  };
  set('acs:SourceIp', call.ctx.sourceIp || undefined);
  set('acs:SecureTransport', call.ctx.secure ? 'true' : 'false');
  set('acs:CurrentTime', call.ctx.startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  set('acs:UserAgent', call.ctx.header('user-agent'));
  set('sts:RoleSessionName', call.params.get('RoleSessionName'));
  return ctx;
}

/** Alibaba's one NoPermission sentence; Recommend says which policy type refused and where to look. */
function noPermission(call: RpcCall, request: AuthzRequest, decision: Decision): AlibabaStsError {
  const why =
    decision.deniedBy === 'trust'
      ? `The trust policy of the role does not allow ${request.principal.arn} to assume it.`
      : awsMessage(request, decision.deniedBy ?? 'identity', decision.explicit);
  return new AlibabaStsError(
    'NoPermission',
    NO_PERMISSION,
    403,
    `${why}${why.endsWith('.') ? '' : '.'} Run \`portcullis explain ${call.ctx.requestId}\` for the decision.`,
  );
}

/** The claims of the calling session when the caller is one (role chaining). */
function parentSession(call: RpcCall): SessionClaims | undefined {
  const token = call.caller.identity?.sessionToken;
  if (token === undefined) return undefined;
  return call.deps.tokens.open(token, {
    accessKeyId: call.caller.identity?.accessKeyId,
    now: call.deps.clock(),
  });
}

/** 3600 → `1hr`, 43200 → `12hr`; anything else in seconds. */
function durationText(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600}hr` : `${seconds}s`;
}
