// sts:GetCallerIdentity: who the credentials belong to. No permission is needed: AWS answers it
// even when a policy explicitly denies the action.
import type { QueryCall } from '../query/call.js';
import type { XmlTree } from '../query/xml.js';

export function getCallerIdentity(call: QueryCall): Promise<XmlTree> {
  const { principal, identity } = call.caller;
  return Promise.resolve({
    UserId: identity?.userId ?? principal.account,
    Account: principal.account,
    Arn: principal.arn,
  });
}
