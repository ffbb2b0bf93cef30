// AccessDenied messages as the clouds word them (EVALUATION-RULES.md "Messages", seeds 002/003).
import type { Decision, PolicyLayer } from './decide.js';
import type { Dialect } from './model.js';
import type { AuthzRequest } from './request.js';

/** How AWS names each policy type in a denial, with its article for "with an explicit deny in a ...". */
const AWS_TYPE_NAMES: Record<PolicyLayer, { name: string; article: string }> = {
  identity: { name: 'identity-based policy', article: 'an' },
  resource: { name: 'resource-based policy', article: 'a' },
  boundary: { name: 'permissions boundary', article: 'a' },
  session: { name: 'session policy', article: 'a' },
  scp: { name: 'service control policy', article: 'a' },
  rcp: { name: 'resource control policy', article: 'a' },
  trust: { name: 'role trust policy', article: 'the' },
};

/** The AccessDenied message for a denied decision in the given dialect; null when allowed. */
export function deniedMessage(dialect: Dialect, req: AuthzRequest, decision: Decision): string | null {
  if (decision.decision === 'Allowed' || decision.deniedBy === null) return null;
  return dialect === 'ram'
    ? ossMessage(req, decision.deniedBy, decision.explicit, decision.sessionDenies)
    : awsMessage(req, decision.deniedBy, decision.explicit);
}

export function awsMessage(req: AuthzRequest, layer: PolicyLayer, explicit: boolean): string {
  const p = req.principal;
  const resourceAccount = req.resourceAccount ?? p.account;
  // AWS says no more than this to anonymous callers and across accounts (the owner can ask `explain`).
  if (p.type === 'anonymous' || p.account !== resourceAccount) return 'Access Denied';
  const type = AWS_TYPE_NAMES[layer];
  // STS quotes no resource; S3 and IAM quote it.
  const resource = req.action.toLowerCase().startsWith('sts:') ? req.resource : `"${req.resource}"`;
  const head = `User: ${p.arn} is not authorized to perform: ${req.action} on resource: ${resource}`;
  return explicit
    ? `${head} with an explicit deny in ${type.article} ${type.name}`
    : `${head} because no ${type.name} allows the ${req.action} action`;
}

/** OSS answers by situation rather than by policy type (seed 002's table). */
export function ossMessage(
  req: AuthzRequest,
  layer: PolicyLayer,
  explicit: boolean,
  sessionDenies = false,
): string {
  // Whenever the STS session policy fails, OSS blames it, even if the role lacks the action too.
  if (layer === 'session' || sessionDenies) return "Access denied by authorizer's policy.";
  if (layer === 'resource' && explicit) return 'Access denied by bucket policy.';
  const action = req.action.slice(req.action.indexOf(':') + 1).toLowerCase();
  if (req.principal.type === 'anonymous' && !OSS_OBJECT_DATA_ACTIONS.has(action)) {
    return 'Anonymous access is forbidden for this operation.';
  }
  if (action === 'listbuckets') return 'You are forbidden to list buckets.';
  if (action === 'putobjectacl') return 'You do not have write acl permission on this object';
  if (action === 'getobjectacl') return 'You do not have read acl permission on this object.';
  if (action.includes('bucket')) return 'The bucket you visit is not belong to you.';
  if (OSS_OBJECT_DATA_ACTIONS.has(action))
    return 'You have no right to access this object because of bucket acl.';
  return 'You have no right to access this object.';
}

/** Operations seed 002 lists under "no right to access this object because of bucket acl". */
const OSS_OBJECT_DATA_ACTIONS = new Set([
  'getobject',
  'putobject',
  'appendobject',
  'deleteobject',
  'postobject',
  'headobject',
  'getobjectmeta',
  'listobjects',
]);
