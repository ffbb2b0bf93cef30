// Every lint check: a stable id (CI scripts and suppressions depend on it), its severity and
// what it looks for. `error` means the document is invalid (the APIs reject it); `warning` means
// it is valid but almost certainly not what was meant; `suggestion` is style or hardening advice.

export type Severity = 'error' | 'warning' | 'suggestion';

export interface CheckInfo {
  readonly severity: Severity;
  readonly description: string;
}

const error = (description: string): CheckInfo => ({ severity: 'error', description });
const warning = (description: string): CheckInfo => ({ severity: 'warning', description });
const suggestion = (description: string): CheckInfo => ({ severity: 'suggestion', description });

export const CHECKS = {
  // Document structure (mostly reported by the parser; see parse-problems.ts).
  'json-syntax': error('the file is not valid JSON'),
  'json-duplicate-key': error('a key appears twice in one JSON object (only the last one counts)'),
  'element-unknown': error('an unknown top-level or statement element (names are case-sensitive)'),
  'element-missing': error('a required element (Statement, Effect, Action, Resource, Principal) is missing'),
  'element-type': error('an element has the wrong JSON type (e.g. a number where a string is needed)'),
  'element-conflict': error('a statement has both X and NotX (Action/NotAction …)'),
  'policy-too-large': error('the document exceeds the size limit for its policy type'),
  'policy-invalid': error('any other reason the parser rejects the document'),
  'version-invalid': error('Version is not 2012-10-17/2008-10-17 (AWS) or "1" (RAM)'),
  'version-missing': warning('no Version: AWS assumes 2008-10-17, which disables policy variables'),
  'version-old': suggestion('Version 2008-10-17: use 2012-10-17'),
  'statement-list-empty': warning('Statement is an empty list: the policy grants and denies nothing'),
  'sid-duplicate': error('two statements share a Sid'),
  'sid-invalid': error('a Sid with characters other than letters and digits in an IAM identity policy'),
  'sid-characters': suggestion('a Sid with characters IAM identity policies reject (spaces, dashes …)'),
  'sid-empty': suggestion('an empty Sid says nothing; remove it or name the statement'),
  // Effect.
  'effect-invalid': error('Effect is not exactly "Allow" or "Deny" (wrong case, stray spaces …)'),
  // Actions.
  'action-whitespace': error('an action contains whitespace ("Oss: GetObject")'),
  'action-no-prefix': error('an action has no service prefix ("GetObject")'),
  'action-invalid': error('an action has characters no action name can have'),
  'action-case': suggestion(
    'an action matches only case-insensitively; write it as the service documents it',
  ),
  'action-unknown': warning('the service is known but it has no such action (misspelling?)'),
  'action-service-unknown': suggestion(
    'the service is outside the catalogue, so the action cannot be checked',
  ),
  'action-wildcard-matches-nothing': warning('an action wildcard matches no action of its service'),
  'action-dialect-mismatch': warning('an S3 action in a RAM policy or an OSS action in an AWS policy'),
  'action-duplicate': suggestion('an action is listed twice or is already covered by a wildcard in the list'),
  'trust-action-invalid': error('a role trust policy allows an action other than the sts:AssumeRole family'),
  'not-action-allow': warning('Allow with NotAction grants every other action, including future ones'),
  'admin-access': warning('Allow "*" on "*": full administrator access'),
  'service-wildcard-all-resources': warning('Allow "s3:*" (any whole service) on every resource'),
  // Resources.
  'resource-not-arn': error('a resource is not an ARN of the dialect or "*"'),
  'resource-wildcard-crosses-segment': error(
    'a wildcard is expected to span ARN ":" segments, which it never does',
  ),
  'resource-whitespace': warning('a resource has leading or trailing whitespace, so it never matches'),
  'resource-duplicate': suggestion(
    'a resource is listed twice or is already covered by a wildcard in the list',
  ),
  'not-resource-allow': warning('Allow with NotResource grants access to every other resource'),
  'object-action-on-bucket-arn': warning('object actions (GetObject …) with only bucket ARNs: never matches'),
  'bucket-action-on-object-arn': warning(
    'bucket actions (ListBucket …) with only object ARNs: never matches',
  ),
  's3-arn-region-account': warning('an S3 ARN with a region or account: S3 bucket/object ARNs have neither'),
  's3-bucket-name-invalid': warning('an S3/OSS ARN names a bucket that cannot exist (uppercase, "_" …)'),
  'resource-service-mismatch': warning("no resource belongs to the service of the statement's actions"),
  'resource-wildcard-broad': suggestion('specific S3/OSS actions on Resource "*": name the bucket'),
  // Principals.
  'principal-not-allowed': error('a principal in a policy type that cannot name one'),
  'principal-invalid': error('a principal value or principal type the service rejects'),
  'rcp-shape': error('a resource control policy statement that is not a Deny for Principal "*"'),
  'principal-service-invalid': warning('a Service principal that is not a service host name'),
  'allow-not-principal': warning(
    'Allow with NotPrincipal grants access to everyone else, anonymous included',
  ),
  'deny-not-principal': warning(
    'Deny with NotPrincipal: fragile (sessions need their own ARNs); prefer conditions',
  ),
  'public-access': warning('Principal "*" with no condition: anyone on the internet has access'),
  'public-write': warning('Principal "*" with no condition may write or delete: anyone can change the data'),
  'trust-public': warning('a trust policy lets any principal assume the role without conditions'),
  'trust-external-id': suggestion('a trust policy trusts a whole other account without sts:ExternalId'),
  // Conditions.
  'condition-operator-unknown': error('an unknown condition operator (misspelt, wrong case …)'),
  'condition-qualifier-unknown': error('a set qualifier other than ForAllValues/ForAnyValue'),
  'condition-null-ifexists': error('Null combined with IfExists (Null already tests presence)'),
  'condition-null-value': warning('a Null value that is neither "true" nor "false"'),
  'condition-empty': warning('an empty Condition or operator block (it has no effect)'),
  'condition-key-unknown': warning('a condition key in a known namespace that does not exist (misspelling?)'),
  'condition-key-not-for-action': warning('a service condition key none of the statement actions supports'),
  'condition-key-case-duplicate': warning(
    'two keys in one operator block differ only in case (keys ignore case)',
  ),
  'condition-set-single-valued': warning('ForAllValues/ForAnyValue on a single-valued key'),
  'condition-forallvalues-allow': warning('Allow with ForAllValues also matches when the key is missing'),
  'condition-operator-key-type': warning(
    'the operator does not fit the type of the key (IpAddress on a date …)',
  ),
  'condition-arn-non-arn-key': warning('an Arn* operator on a key whose values are not ARNs'),
  'condition-date-invalid': warning('a Date* value that is not a date: it never matches'),
  'condition-numeric-invalid': warning('a Numeric* value that is not a number: it never matches'),
  'condition-ip-invalid': warning('an IpAddress value that is not an IP address or CIDR: it never matches'),
  'condition-bool-invalid': warning('a Bool value that is neither true nor false: it never matches'),
  'condition-like-no-wildcard': suggestion(
    'StringLike/ArnLike without a wildcard: use StringEquals/ArnEquals',
  ),
  'condition-equals-wildcard': warning(
    'StringEquals/ArnEquals with "*" or "?": they match literally (StringLike?)',
  ),
  'condition-ip-private': warning('aws:SourceIp with a private range: it holds the public address'),
  'secure-transport-false-allow': warning('Allow when aws:SecureTransport is false: allows plain HTTP'),
  // Policy variables.
  'variables-old-version': warning('policy variables with Version 2008-10-17 (or none): taken literally'),
  'variable-unknown': warning('a policy variable names a key that does not exist'),
  'variable-malformed': warning('"${" that does not form a policy variable'),
  'variable-unsupported-element': warning('a policy variable in Action or Principal, where none is resolved'),
  // Statements as a whole.
  'statement-duplicate': warning('two statements are identical'),
  'statement-redundant': warning('a statement is fully covered by another statement with the same effect'),
  'deny-shadows-allow': warning('an unconditional Deny covers an Allow of the same policy: it never applies'),
  // IAM and STS.
  'passrole-wildcard': warning('iam:PassRole on "*": lets the holder give any role to any service'),
  'iam-privilege-escalation': warning('IAM write actions on "*" that let the holder grant itself more'),
  'assume-role-wildcard': suggestion('sts:AssumeRole on "*": name the roles'),
} as const satisfies Record<string, CheckInfo>;

export type CheckId = keyof typeof CHECKS;

export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];
