// sts:GetSessionToken: temporary credentials for an IAM user (or the account root) with the
// caller's own permissions. No permission is needed; sessions cannot call it.
import type { QueryCall } from '../query/call.js';
import { accessDenied } from '../query/errors.js';
import type { XmlTree } from '../query/xml.js';
import { stsDepsOf } from './deps.js';
import { issueCredentials } from './issue.js';

export const MIN_DURATION = 900;
export const MAX_DURATION = 129600;
export const DEFAULT_DURATION = 43200;
/** The account root's sessions are capped at one hour (silently, as AWS does). */
export const ROOT_MAX_DURATION = 3600;

export function getSessionToken(call: QueryCall): Promise<XmlTree> {
  const deps = stsDepsOf(call);
  const requested = call.params.int('DurationSeconds', MIN_DURATION, MAX_DURATION) ?? DEFAULT_DURATION;
  // MFA is not modelled: the values are checked for shape and otherwise ignored.
  call.params.string('SerialNumber', 9, 256);
  call.params.string('TokenCode', 6, 6);
  const { principal, identity } = call.caller;
  if (
    identity === undefined ||
    identity.sessionToken !== undefined ||
    (principal.type !== 'user' && principal.type !== 'root')
  ) {
    throw accessDenied('Cannot call GetSessionToken with session credentials');
  }
  const root = principal.type === 'root';
  const issued = issueCredentials(deps.tokens, {
    account: principal.account,
    principal: {
      type: 'session-token',
      subjectArn: principal.arn,
      subjectId: identity.userId,
      ...(!root && identity.username !== undefined ? { userName: identity.username } : {}),
    },
    durationSeconds: root ? Math.min(requested, ROOT_MAX_DURATION) : requested,
    now: deps.clock(),
  });
  return Promise.resolve({ Credentials: issued.credentials });
}
