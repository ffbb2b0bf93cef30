// sts:AssumeRole. The role's trust policy must allow the caller AND the caller's own policies must
// allow sts:AssumeRole on the role (one `decide` with `trust` in the policy set). A missing role
// answers the same AccessDenied as a refused one: AWS does not reveal which roles exist.
import { parseIamArn, type RoleRecord } from '../../identity/model.js';
import { decide, type PolicySet } from '../../policy/decide.js';
import type { AuthzRequest, ContextValue } from '../../policy/request.js';
import type { SessionClaims } from '../../sts/session-token.js';
import { queryContext, recordQueryDecision } from '../query/authorize.js';
import type { QueryCall } from '../query/call.js';
import { accessDenied, QueryError } from '../query/errors.js';
import type { XmlTree } from '../query/xml.js';
import { stsDepsOf, type StsDeps } from './deps.js';
import { issueCredentials } from './issue.js';
import { externalId, sessionName, sessionTags } from './params.js';
import { packedPolicySize, readSessionPolicies } from './session-policy.js';

export const MIN_DURATION = 900;
export const MAX_DURATION = 43200;
export const DEFAULT_DURATION = 3600;
/** Role chaining: a role session assuming a role gets at most one hour. */
export const CHAINED_MAX_DURATION = 3600;

export async function assumeRole(call: QueryCall): Promise<XmlTree> {
  const deps = stsDepsOf(call);
  const p = call.params;
  const roleArn = p.requiredString('RoleArn', 20, 2048);
  const session = sessionName(p, 'RoleSessionName', true) as string;
  const duration = p.int('DurationSeconds', MIN_DURATION, MAX_DURATION);
  const policies = readSessionPolicies(p, deps.cache);
  const requested = sessionTags(p);
  const external = externalId(p);
  const sourceIdentity = sessionName(p, 'SourceIdentity', false);
  p.string('SerialNumber', 9, 256);
  p.string('TokenCode', 6, 6);

  const caller = call.caller;
  const principal = caller.principal;
  // AWS refuses root outright, before looking at any policy.
  if (principal.type === 'root') throw accessDenied('Roles may not be assumed by root accounts.');
  const denied = () =>
    accessDenied(
      `User: ${principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );

  // Role chaining: what the calling session carries forward (transitive tags, source identity).
  const parent = parentSession(call, deps);
  const inherited: Record<string, string> = {};
  for (const k of parent?.transitiveTagKeys ?? []) {
    const v = parent?.tags[k];
    if (v !== undefined) inherited[k] = v;
  }
  for (const k of Object.keys(requested.tags)) {
    if (Object.keys(inherited).some((i) => i.toLowerCase() === k.toLowerCase())) {
      throw new QueryError(
        'InvalidParameterValue',
        `The session tag ${k} is transitive from the calling session and cannot be overridden.`,
      );
    }
  }
  if (
    parent?.sourceIdentity !== undefined &&
    sourceIdentity !== undefined &&
    sourceIdentity !== parent.sourceIdentity
  ) {
    throw new QueryError(
      'InvalidParameterValue',
      'The source identity of the calling session cannot be changed.',
    );
  }
  const tags = { ...inherited, ...requested.tags };
  const transitive = [...new Set([...Object.keys(inherited), ...requested.transitiveTagKeys])];
  const packed = packedPolicySize(policies, tags);

  const parsed = parseIamArn(roleArn);
  if (parsed === undefined || parsed.type !== 'role') {
    // Not an ARN at all is the caller's typo; any other ARN simply names no assumable role.
    if (!roleArn.startsWith('arn:')) throw new QueryError('ValidationError', `${roleArn} is invalid`);
    throw denied();
  }
  const role = await deps.store.getRole(parsed.account, parsed.name);
  if (role === null || role.path !== parsed.path) throw denied();

  const context: Record<string, ContextValue | undefined> = {
    'sts:RoleSessionName': session,
    'sts:ExternalId': external,
    'sts:SourceIdentity': sourceIdentity ?? parent?.sourceIdentity,
    'aws:TagKeys': Object.keys(requested.tags).length > 0 ? Object.keys(requested.tags) : undefined,
    'sts:TransitiveTagKeys': requested.transitiveTagKeys.length > 0 ? requested.transitiveTagKeys : undefined,
  };
  for (const [k, v] of Object.entries(requested.tags)) context[`aws:RequestTag/${k}`] = v;
  const trust = deps.cache.compileStored(role.trustPolicy, `trust policy of role ${role.name}`, 'trust');
  const check = (action: string): boolean =>
    allowed(call, action, role, { ...caller.policies, resource: null, trust }, context);
  if (!check('sts:AssumeRole')) throw denied();
  // Passing tags or a source identity needs its own permission, in the trust policy as in AWS.
  if (Object.keys(requested.tags).length > 0 && !check('sts:TagSession')) {
    throw accessDenied(
      `User: ${principal.arn} is not authorized to perform: sts:TagSession on resource: ${roleArn}`,
    );
  }
  if (
    sourceIdentity !== undefined &&
    parent?.sourceIdentity === undefined &&
    !check('sts:SetSourceIdentity')
  ) {
    throw accessDenied(
      `User: ${principal.arn} is not authorized to perform: sts:SetSourceIdentity on resource: ${roleArn}`,
    );
  }

  const chained = principal.type === 'assumed-role';
  const seconds = duration ?? DEFAULT_DURATION;
  if (chained && seconds > CHAINED_MAX_DURATION) {
    throw new QueryError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assuming other roles.',
    );
  }
  if (seconds > role.maxSessionDuration) {
    throw new QueryError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }

  const issued = issueCredentials(deps.tokens, {
    account: role.account,
    principal: { type: 'assumed-role', roleArn: role.arn, roleId: role.id, sessionName: session },
    durationSeconds: seconds,
    now: deps.clock(),
    policies: policies.policy !== undefined ? [policies.policy] : [],
    policyArns: policies.policyArns,
    tags,
    transitiveTagKeys: transitive,
    ...((sourceIdentity ?? parent?.sourceIdentity)
      ? { sourceIdentity: (sourceIdentity ?? parent?.sourceIdentity) as string }
      : {}),
    chainDepth: chained ? (parent?.chainDepth ?? 0) + 1 : 0,
  });
  const result: Record<string, XmlTree | string | number> = {
    Credentials: issued.credentials,
    AssumedRoleUser: {
      AssumedRoleId: `${role.id}:${session}`,
      Arn: `arn:aws:sts::${role.account}:assumed-role/${role.name}/${session}`,
    },
  };
  if (policies.policy !== undefined || policies.policyArns.length > 0 || Object.keys(tags).length > 0) {
    result['PackedPolicySize'] = packed;
  }
  if (issued.claims.sourceIdentity !== undefined) result['SourceIdentity'] = issued.claims.sourceIdentity;
  return result;
}

/** The claims of the calling session, when the caller is one (its token was opened already). */
function parentSession(call: QueryCall, deps: StsDeps): SessionClaims | undefined {
  const identity = call.caller.identity;
  if (identity?.sessionToken === undefined) return undefined;
  return deps.tokens.open(identity.sessionToken, { accessKeyId: identity.accessKeyId, now: deps.clock() });
}

/** Decides `action` on the role with the trust policy in the set, and records it for explain. */
function allowed(
  call: QueryCall,
  action: string,
  role: RoleRecord,
  policies: PolicySet,
  extra: Readonly<Record<string, ContextValue | undefined>>,
): boolean {
  const request: AuthzRequest = {
    principal: call.caller.principal,
    action,
    resource: role.arn,
    resourceAccount: role.account,
    context: queryContext(call, extra),
  };
  const decision = decide(request, policies);
  recordQueryDecision(call, request, policies, decision);
  return decision.decision === 'Allowed';
}
