// Matching a statement's Principal / NotPrincipal against the caller, compiled once per statement.
//
// The answer is not just yes/no: what the Principal element names decides how far an Allow in a
// resource-based policy reaches past implicit denies in the caller's own policies
// (EVALUATION-RULES.md step 5). Reach grows with how specifically the caller is named.
import type { PrincipalSpec } from './model.js';
import { roleNameOf } from './principal-arn.js';
import type { Principal } from './request.js';

export const Reach = {
  /** Not named. */
  None: 0,
  /** Names the caller's account: delegation; within the account the caller's own policies must allow. */
  Account: 1,
  /** Names the role of a session (or the IAM user who federated): bypasses identity policies only. */
  Role: 2,
  /** Names the IAM user: bypasses identity policies and the permissions boundary. */
  User: 3,
  /** Names the session itself, or everyone (`*`): bypasses identity, boundary and session policies. */
  Session: 4,
} as const;
export type Reach = (typeof Reach)[keyof typeof Reach];

export const REACH_NAMES: Record<Reach, string> = {
  0: 'not named',
  1: 'account',
  2: 'role',
  3: 'user',
  4: 'session or everyone',
};

type ValueMatcher = (p: Principal) => Reach;

export type PrincipalMatcher = (p: Principal) => Reach;

const ACCOUNT_ID = /^\d{12}$|^\d{16}$/;
// arn:aws:iam::ACCOUNT:rest  /  acs:ram::ACCOUNT:rest  /  arn:aws:sts::ACCOUNT:rest
const PRINCIPAL_ARN = /^(?:arn:[^:]+|acs):(iam|sts|ram)::([^:]+):(.+)$/;

/** Compiles a Principal element. A NotPrincipal is compiled with `negate`. */
export function compilePrincipal(spec: PrincipalSpec, negate = false): PrincipalMatcher {
  const matchers: ValueMatcher[] = [];
  if (spec === '*') {
    matchers.push(() => Reach.Session);
  } else {
    for (const value of spec.AWS ?? []) matchers.push(compileIdentityValue(value));
    for (const value of spec.RAM ?? []) matchers.push(compileIdentityValue(value));
    for (const value of spec.Service ?? []) {
      matchers.push((p) => (p.type === 'service' && p.service === value ? Reach.Session : Reach.None));
    }
    for (const value of spec.CanonicalUser ?? []) {
      matchers.push((p) => (p.canonicalUser === value ? Reach.User : Reach.None));
    }
    // Federated (SAML / web identity providers) names callers this server does not issue yet.
  }
  const best: PrincipalMatcher = (p) => {
    let reach: Reach = Reach.None;
    for (const m of matchers) {
      const r = m(p);
      if (r > reach) reach = r;
    }
    return reach;
  };
  // NotPrincipal applies to everyone it does not name, like `*` does.
  return negate ? (p) => (best(p) === Reach.None ? Reach.Session : Reach.None) : best;
}

function compileIdentityValue(value: string): ValueMatcher {
  if (value === '*') return () => Reach.Session;
  if (ACCOUNT_ID.test(value)) return accountMatcher(value);
  const m = PRINCIPAL_ARN.exec(value);
  if (!m) return () => Reach.None;
  const [, service, account, resource = ''] = m;
  if (resource === 'root') return accountMatcher(account ?? '');
  if (resource.startsWith('user/')) {
    return (p) => {
      if (p.type === 'user' && p.arn === value) return Reach.User;
      if (p.type === 'federated-user' && p.federatedUserArn === value) return Reach.Role;
      return Reach.None;
    };
  }
  if (resource.startsWith('role/') && service !== 'sts') {
    const parts = resource.split('/');
    if (parts.length >= 3 && service === 'ram') {
      // acs:ram::UID:role/ROLE/SESSION is Alibaba's role-session ARN.
      return (p) => (p.arn === value ? Reach.Session : Reach.None);
    }
    // Role names are unique per account whatever the path, and IAM compares them case-insensitively.
    const roleName = roleNameOf(resource).toLowerCase();
    return (p) =>
      p.roleArn !== undefined && p.account === account && roleNameOf(p.roleArn).toLowerCase() === roleName
        ? Reach.Role
        : Reach.None;
  }
  if (resource.startsWith('assumed-role/') || resource.startsWith('federated-user/')) {
    return (p) => (p.arn === value ? Reach.Session : Reach.None);
  }
  return () => Reach.None;
}

function accountMatcher(account: string): ValueMatcher {
  return (p) => (p.type !== 'anonymous' && p.account === account ? Reach.Account : Reach.None);
}
