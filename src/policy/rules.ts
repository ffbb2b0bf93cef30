// The rules of EVALUATION-RULES.md that can decide a request, named so traces can cite them.

export type RuleId =
  | 'explicit-deny'
  | 'scp-no-allow'
  | 'trust-no-allow'
  | 'anonymous-no-allow'
  | 'anonymous-resource-allow'
  | 'root'
  | 'identity-no-allow'
  | 'boundary-no-allow'
  | 'session-no-allow'
  | 'cross-account-resource-no-allow'
  | 'identity-allow'
  | 'resource-allow'
  | 'cross-account-allow';

export const RULES: Record<RuleId, string> = {
  'explicit-deny':
    'Step 2: a matching Deny statement in any applicable policy ends evaluation (explicit deny).',
  'scp-no-allow':
    'Step 4: every level of the service control policies (organization root, OUs, account) must allow the action.',
  'trust-no-allow': "A role's trust policy must explicitly allow the caller to assume the role.",
  'anonymous-no-allow':
    'Step 5: an anonymous request is allowed only by a resource-based policy whose Principal is "*".',
  'anonymous-resource-allow':
    'Step 5: a resource-based policy allows everyone ("*"), anonymous callers included.',
  root: 'Step 1: the account root user is allowed everything in its own account unless an SCP or RCP denies.',
  'identity-no-allow':
    'Step 6: no identity-based policy (user, groups, or role) allows the action, and no resource-based policy Allow names the caller.',
  'boundary-no-allow':
    'Step 7: the permissions boundary does not allow the action (a resource-based policy naming the IAM user or the session would have bypassed it).',
  'session-no-allow':
    'Step 8: the session policies passed to STS do not allow the action; a session policy can only narrow the role, never widen it.',
  'cross-account-resource-no-allow':
    "Across accounts: the resource account's resource-based policy must allow the caller or the caller's account.",
  'identity-allow':
    'Steps 6-9: an identity-based policy allows, and no boundary, session policy or SCP stands in the way.',
  'resource-allow':
    'Step 5: a resource-based policy Allow names the caller specifically enough to stand in for the identity-based policies.',
  'cross-account-allow': "Across accounts: both the caller's account and the resource's account allow.",
};
