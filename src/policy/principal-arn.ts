// Turns a caller ARN (AWS or Alibaba RAM form) into the Principal the evaluation rules reason about.
import type { Principal } from './request.js';

export type PrincipalParse = { ok: true; principal: Principal } | { ok: false; message: string };

// arn:aws:iam::111122223333:user/path/name     arn:aws:sts::111122223333:assumed-role/Role/session
// acs:ram::1894000000722283:user/name           acs:ram::1894000000722283:role/role-name/session
const ARN = /^(arn|acs):([^:]*):([^:]*):([^:]*):([^:]*):(.+)$/;
const ALIBABA = /^acs:([^:]*):([^:]*):([^:]*):(.+)$/;

export function principalFromArn(arn: string): PrincipalParse {
  if (arn === 'anonymous' || arn === '*')
    return { ok: true, principal: { type: 'anonymous', arn: 'anonymous', account: '' } };
  if (arn.startsWith('acs:')) return fromAlibabaArn(arn);
  const m = ARN.exec(arn);
  if (!m)
    return {
      ok: false,
      message: `"${arn}" is not an IAM principal ARN (arn:aws:iam::ACCOUNT:user/NAME, ...)`,
    };
  const [, , partition, service, , account = '', resource = ''] = m;
  if (!/^\d{12}$/.test(account))
    return { ok: false, message: `"${arn}" does not name a 12-digit account id` };
  if (service === 'iam') {
    if (resource === 'root') return { ok: true, principal: { type: 'root', arn, account } };
    if (resource.startsWith('user/')) return { ok: true, principal: { type: 'user', arn, account } };
    if (resource.startsWith('role/'))
      return { ok: true, principal: { type: 'role', arn, account, roleArn: arn } };
  }
  if (service === 'sts') {
    const parts = resource.split('/');
    if (parts[0] === 'assumed-role' && parts.length >= 3) {
      const roleArn = `arn:${partition}:iam::${account}:role/${parts[1]}`;
      return { ok: true, principal: { type: 'assumed-role', arn, account, roleArn } };
    }
    if (parts[0] === 'federated-user' && parts.length >= 2) {
      return { ok: true, principal: { type: 'federated-user', arn, account } };
    }
  }
  return {
    ok: false,
    message: `"${arn}" is not a user, role, assumed-role, federated-user or root ARN`,
  };
}

function fromAlibabaArn(arn: string): PrincipalParse {
  const m = ALIBABA.exec(arn);
  if (!m) return { ok: false, message: `"${arn}" is not a RAM principal ARN (acs:ram::UID:user/NAME, ...)` };
  const [, service, , account = '', resource = ''] = m;
  if (!/^\d+$/.test(account)) return { ok: false, message: `"${arn}" does not name a numeric account id` };
  if (service !== 'ram' && service !== 'sts')
    return { ok: false, message: `"${arn}" is not a RAM principal ARN` };
  if (resource === 'root') return { ok: true, principal: { type: 'root', arn, account } };
  if (resource.startsWith('user/')) return { ok: true, principal: { type: 'user', arn, account } };
  const parts = resource.split('/');
  // Alibaba STS names a role session acs:ram::UID:role/ROLE/SESSION (seed 001); sts: form too.
  if ((parts[0] === 'role' || parts[0] === 'assumed-role') && parts.length >= 3) {
    const roleArn = `acs:ram::${account}:role/${parts[1]}`;
    return { ok: true, principal: { type: 'assumed-role', arn, account, roleArn } };
  }
  if (parts[0] === 'role' && parts.length === 2) {
    return { ok: true, principal: { type: 'role', arn, account, roleArn: arn } };
  }
  return { ok: false, message: `"${arn}" is not a user, role, role session or root ARN` };
}

/** The role name of a role ARN (`arn:aws:iam::1:role/path/Name` → `Name`), compared case-insensitively by IAM. */
export function roleNameOf(roleArn: string): string {
  const slash = roleArn.lastIndexOf('/');
  return slash < 0 ? roleArn : roleArn.slice(slash + 1);
}
