// What the engine is asked: who (principal), what (action), on what (resource), in which
// circumstances (condition context). The protocol layers build these; the engine never sees HTTP.

/** The kinds of caller the evaluation rules distinguish (EVALUATION-RULES.md step 5). */
export type PrincipalType =
  | 'root'
  | 'user'
  | 'role' // a role ARN used directly as principal (rare: simulations)
  | 'assumed-role' // a role session from sts:AssumeRole
  | 'federated-user' // a session from sts:GetFederationToken
  | 'service'
  | 'anonymous';

export interface Principal {
  type: PrincipalType;
  /** The caller's ARN as shown in messages (`arn:aws:sts::1:assumed-role/R/s`), or `anonymous`. */
  arn: string;
  /** The 12-digit (or RAM numeric) account id; empty for anonymous. */
  account: string;
  /** For assumed-role sessions: the role's ARN (`arn:aws:iam::1:role/path/R`). */
  roleArn?: string;
  /** For federated-user sessions: the ARN of the IAM user who federated, when known. */
  federatedUserArn?: string;
  /** For services: the service principal (`s3.amazonaws.com`). */
  service?: string;
  /** The S3 canonical user id of the caller's account, matched by `CanonicalUser` principals. */
  canonicalUser?: string;
}

/** Condition context: lower-cased key → one value or several. Built once per request. */
export type ContextValue = string | readonly string[];
export type RequestContext = ReadonlyMap<string, ContextValue>;

export interface AuthzRequest {
  principal: Principal;
  /** `s3:GetObject`, `oss:PutObject`, `sts:AssumeRole` ... (matched case-insensitively). */
  action: string;
  /** The resource ARN (`arn:aws:s3:::bucket/key`, `acs:oss:*:123:bucket/key`) or `*`. */
  resource: string;
  /** The account that owns the resource; defaults to the principal's account. */
  resourceAccount?: string;
  context: RequestContext;
}

/** Builds a RequestContext from a plain object, lower-casing keys (condition keys are case-insensitive). */
export function contextFrom(
  values: Record<string, ContextValue | undefined> = {},
): Map<string, ContextValue> {
  const ctx = new Map<string, ContextValue>();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) ctx.set(key.toLowerCase(), value);
  }
  return ctx;
}

/** The value of `aws:PrincipalType` for a caller. */
export function principalTypeKey(p: Principal): string {
  return PRINCIPAL_TYPE_KEYS[p.type];
}

const PRINCIPAL_TYPE_KEYS: Record<PrincipalType, string> = {
  root: 'Account',
  user: 'User',
  role: 'AssumedRole',
  'assumed-role': 'AssumedRole',
  'federated-user': 'FederatedUser',
  service: 'Service',
  anonymous: 'Anonymous',
};
