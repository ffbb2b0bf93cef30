// GetCallerIdentity: who signed the call, in Alibaba's terms (IdentityType Account, RAMUser or
// AssumedRoleUser, acs:ram ARNs). No permission is needed, as on Alibaba Cloud.
import { roleNameOf } from '../../policy/principal-arn.js';
import type { RpcCall } from './call.js';
import type { RpcDocument } from './response.js';

export function getCallerIdentity(call: RpcCall): Promise<RpcDocument> {
  const { principal, identity } = call.caller;
  const account = principal.account;
  const userId = identity?.userId ?? account;
  const base = { AccountId: account, UserId: userId, PrincipalId: userId };
  if (principal.type === 'root') {
    return Promise.resolve({ ...base, IdentityType: 'Account', Arn: `acs:ram::${account}:root` });
  }
  if (principal.type === 'user') {
    const name = identity?.username ?? roleNameOf(principal.arn);
    return Promise.resolve({ ...base, IdentityType: 'RAMUser', Arn: `acs:ram::${account}:user/${name}` });
  }
  if (principal.type === 'assumed-role' && principal.roleArn !== undefined) {
    // aws:userid of a session is ROLEID:session.
    const [roleId = '', session = ''] = splitOnce(userId, ':');
    return Promise.resolve({
      ...base,
      IdentityType: 'AssumedRoleUser',
      RoleId: roleId,
      Arn: `acs:ram::${account}:assumed-role/${roleNameOf(principal.roleArn).toLowerCase()}/${session}`,
    });
  }
  return Promise.resolve({ ...base, IdentityType: 'Unknown', Arn: principal.arn });
}

function splitOnce(value: string, sep: string): [string, string] {
  const i = value.indexOf(sep);
  return i < 0 ? [value, ''] : [value.slice(0, i), value.slice(i + 1)];
}
