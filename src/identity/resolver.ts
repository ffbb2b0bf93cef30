// How the server learns who holds an access key. The default account's root user is all there
// is today; IAM users, roles and STS sessions (a later issue) plug in behind the same interface.
import type { PolicySet } from '../policy/decide.js';
import type { Principal } from '../policy/request.js';

/** The policies that travel with the caller (the resource's own policies come from the resource). */
export type PrincipalPolicies = Pick<PolicySet, 'identity' | 'boundary' | 'session' | 'scp'>;

export interface ResolvedIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** For temporary credentials: the session token the request must carry. */
  readonly sessionToken?: string;
  readonly principal: Principal;
  readonly policies: PrincipalPolicies;
  /** aws:userid: the account id for root, AIDA... for users, AROA...:session for role sessions. */
  readonly userId: string;
  /** aws:username: IAM users only. */
  readonly username?: string;
  /** aws:PrincipalTag/<key>. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface IdentityResolver {
  /**
   * The identity an access key id belongs to, or undefined when no such (active) key exists.
   * Temporary keys need the request's session token; a bad one throws SessionTokenError.
   */
  resolveAccessKey(accessKeyId: string, sessionToken?: string): Promise<ResolvedIdentity | undefined>;
  /**
   * Resource control policies of an account (levels root first), when it is in an organization,
   * as last loaded: synchronous because authorization is.
   */
  resourceControlPolicies?(accountId: string): PolicySet['rcp'];
  /** The same, loaded at the current IAM generation: await it before authorizing a request. */
  resourceControlPoliciesFor?(accountId: string): Promise<PolicySet['rcp']>;
  /**
   * Notes that a request signed with this key verified (for GetAccessKeyLastUsed). Never waits
   * and never fails the request: bookkeeping, throttled by the implementation.
   */
  recordKeyUse?(accessKeyId: string, service: string, region: string): void;
}

/** The caller without credentials. */
export const ANONYMOUS: Principal = Object.freeze({ type: 'anonymous', arn: 'anonymous', account: '' });
