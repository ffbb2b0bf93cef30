// A small catalogue of the services Portcullis serves (S3, OSS, IAM, STS): which actions exist,
// what kind of resource each acts on, and which condition keys exist and which actions support
// them. Deliberately partial for other services: the linter only suggests there.

export type ResourceKind = 'bucket' | 'object' | 'service' | 'other';
export type KeyType = 'string' | 'arn' | 'ip' | 'date' | 'numeric' | 'bool';

export interface ActionInfo {
  readonly service: string;
  readonly name: string;
  readonly kind: ResourceKind;
  /** Service-specific condition keys (lower case; a trailing `/` is a prefix such as tag keys). */
  readonly keys: readonly string[];
}

export interface KeyInfo {
  /** Canonical spelling, e.g. `aws:SourceIp`, `aws:PrincipalTag/` (prefix keys end with `/`). */
  readonly name: string;
  readonly type: KeyType;
  /** Multi-valued: the key holds a list (ForAllValues/ForAnyValue make sense). */
  readonly multi: boolean;
}

// ---------------------------------------------------------------------------------------------
// Condition keys.

const key = (name: string, type: KeyType = 'string', multi = false): KeyInfo => ({ name, type, multi });

const GLOBAL_AWS: readonly KeyInfo[] = [
  key('aws:SourceIp', 'ip'),
  key('aws:VpcSourceIp', 'ip'),
  key('aws:SecureTransport', 'bool'),
  key('aws:CurrentTime', 'date'),
  key('aws:EpochTime', 'date'),
  key('aws:TokenIssueTime', 'date'),
  key('aws:MultiFactorAuthPresent', 'bool'),
  key('aws:MultiFactorAuthAge', 'numeric'),
  key('aws:UserAgent'),
  key('aws:Referer'),
  key('aws:PrincipalArn', 'arn'),
  key('aws:PrincipalAccount'),
  key('aws:PrincipalType'),
  key('aws:PrincipalOrgID'),
  key('aws:PrincipalOrgPaths', 'string', true),
  key('aws:PrincipalIsAWSService', 'bool'),
  key('aws:PrincipalServiceName'),
  key('aws:PrincipalServiceNamesList', 'string', true),
  key('aws:PrincipalTag/'),
  key('aws:RequestTag/'),
  key('aws:ResourceTag/'),
  key('aws:TagKeys', 'string', true),
  key('aws:username'),
  key('aws:userid'),
  key('aws:FederatedProvider'),
  key('aws:SourceIdentity'),
  key('aws:SourceVpc'),
  key('aws:SourceVpce'),
  key('aws:SourceVpcArn', 'arn'),
  key('aws:SourceAccount'),
  key('aws:SourceArn', 'arn'),
  key('aws:SourceOrgID'),
  key('aws:SourceOrgPaths', 'string', true),
  key('aws:ResourceAccount'),
  key('aws:ResourceOrgID'),
  key('aws:ResourceOrgPaths', 'string', true),
  key('aws:RequestedRegion'),
  key('aws:ViaAWSService', 'bool'),
  key('aws:CalledVia', 'string', true),
  key('aws:CalledViaFirst'),
  key('aws:CalledViaLast'),
  key('aws:VpceAccount'),
  key('aws:VpceOrgID'),
  key('aws:VpceOrgPaths', 'string', true),
  key('aws:Ec2InstanceSourceVpc'),
  key('aws:Ec2InstanceSourcePrivateIPv4', 'ip'),
  key('aws:AssumedRoot', 'bool'),
];

const GLOBAL_ACS: readonly KeyInfo[] = [
  key('acs:SourceIp', 'ip'),
  key('acs:SecureTransport', 'bool'),
  key('acs:CurrentTime', 'date'),
  key('acs:UserAgent'),
  key('acs:MFAPresent', 'bool'),
  key('acs:SourceVpc'),
  key('acs:SourceVpcIp', 'ip'),
  key('acs:AccessId'),
  key('acs:PrincipalARN', 'arn'),
  key('acs:PrincipalAccount'),
  key('acs:PrincipalType'),
  key('acs:Referer'),
  key('acs:RequestTag/'),
  key('acs:ResourceTag/'),
  key('acs:TagKeys', 'string', true),
];

const S3_KEYS: readonly KeyInfo[] = [
  key('s3:authType'),
  key('s3:signatureAge', 'numeric'),
  key('s3:signatureversion'),
  key('s3:x-amz-content-sha256'),
  key('s3:TlsVersion', 'numeric'),
  key('s3:ResourceAccount'),
  key('s3:AccessPointNetworkOrigin'),
  key('s3:DataAccessPointAccount'),
  key('s3:DataAccessPointArn', 'arn'),
  key('s3:prefix'),
  key('s3:delimiter'),
  key('s3:max-keys', 'numeric'),
  key('s3:x-amz-acl'),
  key('s3:x-amz-grant-read'),
  key('s3:x-amz-grant-write'),
  key('s3:x-amz-grant-read-acp'),
  key('s3:x-amz-grant-write-acp'),
  key('s3:x-amz-grant-full-control'),
  key('s3:x-amz-server-side-encryption'),
  key('s3:x-amz-server-side-encryption-aws-kms-key-id', 'arn'),
  key('s3:x-amz-storage-class'),
  key('s3:x-amz-copy-source'),
  key('s3:x-amz-metadata-directive'),
  key('s3:x-amz-website-redirect-location'),
  key('s3:x-amz-object-ownership'),
  key('s3:if-match'),
  key('s3:if-none-match'),
  key('s3:LocationConstraint'),
  key('s3:VersionId'),
  key('s3:ExistingObjectTag/'),
  key('s3:RequestObjectTag/'),
  key('s3:RequestObjectTagKeys', 'string', true),
  key('s3:object-lock-mode'),
  key('s3:object-lock-retain-until-date', 'date'),
  key('s3:object-lock-remaining-retention-days', 'numeric'),
  key('s3:object-lock-legal-hold'),
];

const OSS_KEYS: readonly KeyInfo[] = [
  key('oss:Prefix'),
  key('oss:Delimiter'),
  key('oss:Marker'),
  key('oss:MaxKeys', 'numeric'),
  key('oss:x-oss-object-acl'),
  key('oss:x-oss-forbid-overwrite'),
  key('oss:x-oss-server-side-encryption'),
  key('oss:ExistingObjectTag/'),
  key('oss:RequestObjectTag/'),
];

const IAM_KEYS: readonly KeyInfo[] = [
  key('iam:PassedToService'),
  key('iam:AssociatedResourceArn', 'arn'),
  key('iam:PermissionsBoundary', 'arn'),
  key('iam:PolicyARN', 'arn'),
  key('iam:ResourceTag/'),
  key('iam:AWSServiceName'),
  key('iam:OrganizationsPolicyId'),
];

const STS_KEYS: readonly KeyInfo[] = [
  key('sts:ExternalId'),
  key('sts:RoleSessionName'),
  key('sts:SourceIdentity'),
  key('sts:TransitiveTagKeys', 'string', true),
  key('sts:AWSServiceName', 'string', true),
  key('sts:DurationSeconds', 'numeric'),
];

/** Namespaces whose keys the catalogue knows completely enough to call a key unknown. */
const KEYS_BY_NAMESPACE: ReadonlyMap<string, readonly KeyInfo[]> = new Map([
  ['aws', GLOBAL_AWS],
  ['acs', GLOBAL_ACS],
  ['s3', S3_KEYS],
  ['oss', OSS_KEYS],
  ['iam', IAM_KEYS],
  ['sts', STS_KEYS],
]);

/** Global namespaces: every action supports their keys. */
const GLOBAL_NAMESPACES: ReadonlySet<string> = new Set(['aws', 'acs']);

export function keyNamespace(k: string): string | undefined {
  const colon = k.indexOf(':');
  return colon > 0 ? k.slice(0, colon).toLowerCase() : undefined;
}

export function isCataloguedNamespace(ns: string): boolean {
  return KEYS_BY_NAMESPACE.has(ns);
}

export function isGlobalNamespace(ns: string): boolean {
  return GLOBAL_NAMESPACES.has(ns);
}

/** The catalogue entry for a key (case-insensitive; `aws:PrincipalTag/team` finds the prefix). */
export function findKey(k: string): KeyInfo | undefined {
  const ns = keyNamespace(k);
  const list = ns === undefined ? undefined : KEYS_BY_NAMESPACE.get(ns);
  if (!list) return undefined;
  const lower = k.toLowerCase();
  return list.find((info) => {
    const name = info.name.toLowerCase();
    return name.endsWith('/') ? lower.startsWith(name) && lower.length > name.length : lower === name;
  });
}

/** Every key name of a namespace (for suggestions). */
export function namespaceKeys(ns: string): readonly string[] {
  return (KEYS_BY_NAMESPACE.get(ns) ?? []).map((k) => k.name);
}

/** All catalogued key names (for suggestions across namespaces). */
export function allKeyNames(): readonly string[] {
  return [...KEYS_BY_NAMESPACE.values()].flatMap((list) => list.map((k) => k.name));
}

// ---------------------------------------------------------------------------------------------
// Actions.

const S3_COMMON = [
  's3:authtype',
  's3:signatureage',
  's3:signatureversion',
  's3:x-amz-content-sha256',
  's3:tlsversion',
  's3:resourceaccount',
  's3:accesspointnetworkorigin',
  's3:dataaccesspointaccount',
  's3:dataaccesspointarn',
];
const S3_GRANTS = [
  's3:x-amz-acl',
  's3:x-amz-grant-read',
  's3:x-amz-grant-write',
  's3:x-amz-grant-read-acp',
  's3:x-amz-grant-write-acp',
  's3:x-amz-grant-full-control',
];
const S3_LIST = ['s3:prefix', 's3:delimiter', 's3:max-keys'];
const S3_EXISTING_TAG = ['s3:existingobjecttag/'];
const S3_VERSION = ['s3:versionid', ...S3_EXISTING_TAG];
const S3_PUT = [
  ...S3_GRANTS,
  's3:x-amz-server-side-encryption',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  's3:x-amz-storage-class',
  's3:x-amz-copy-source',
  's3:x-amz-metadata-directive',
  's3:x-amz-website-redirect-location',
  's3:requestobjecttag/',
  's3:requestobjecttagkeys',
  's3:object-lock-mode',
  's3:object-lock-retain-until-date',
  's3:object-lock-remaining-retention-days',
  's3:object-lock-legal-hold',
  's3:if-match',
  's3:if-none-match',
];
const S3_LOCK = [
  's3:object-lock-mode',
  's3:object-lock-retain-until-date',
  's3:object-lock-remaining-retention-days',
];

type Spec = readonly [name: string, kind: ResourceKind, keys?: readonly string[]];

const S3_ACTIONS: readonly Spec[] = [
  // Objects.
  ['AbortMultipartUpload', 'object'],
  ['BypassGovernanceRetention', 'object', [...S3_LOCK, 's3:object-lock-legal-hold', ...S3_EXISTING_TAG]],
  ['DeleteObject', 'object', S3_EXISTING_TAG],
  ['DeleteObjectTagging', 'object', S3_EXISTING_TAG],
  ['DeleteObjectVersion', 'object', S3_VERSION],
  ['DeleteObjectVersionTagging', 'object', S3_VERSION],
  ['GetObject', 'object', S3_EXISTING_TAG],
  ['GetObjectAcl', 'object', S3_EXISTING_TAG],
  ['GetObjectAttributes', 'object', S3_EXISTING_TAG],
  ['GetObjectLegalHold', 'object', S3_EXISTING_TAG],
  ['GetObjectRetention', 'object', S3_EXISTING_TAG],
  ['GetObjectTagging', 'object', S3_EXISTING_TAG],
  ['GetObjectTorrent', 'object', S3_EXISTING_TAG],
  ['GetObjectVersion', 'object', S3_VERSION],
  ['GetObjectVersionAcl', 'object', S3_VERSION],
  ['GetObjectVersionAttributes', 'object', S3_VERSION],
  ['GetObjectVersionForReplication', 'object', S3_VERSION],
  ['GetObjectVersionTagging', 'object', S3_VERSION],
  ['GetObjectVersionTorrent', 'object', S3_VERSION],
  ['InitiateReplication', 'object'],
  ['ListMultipartUploadParts', 'object'],
  ['ObjectOwnerOverrideToBucketOwner', 'object'],
  ['PutObject', 'object', S3_PUT],
  ['PutObjectAcl', 'object', [...S3_GRANTS, ...S3_EXISTING_TAG]],
  ['PutObjectLegalHold', 'object', ['s3:object-lock-legal-hold', ...S3_EXISTING_TAG]],
  ['PutObjectRetention', 'object', [...S3_LOCK, ...S3_EXISTING_TAG]],
  ['PutObjectTagging', 'object', ['s3:requestobjecttag/', 's3:requestobjecttagkeys', ...S3_EXISTING_TAG]],
  ['PutObjectVersionAcl', 'object', [...S3_GRANTS, ...S3_VERSION]],
  ['PutObjectVersionTagging', 'object', ['s3:requestobjecttag/', 's3:requestobjecttagkeys', ...S3_VERSION]],
  ['ReplicateDelete', 'object'],
  ['ReplicateObject', 'object'],
  ['ReplicateTags', 'object'],
  ['RestoreObject', 'object', S3_EXISTING_TAG],
  // Buckets.
  ['CreateBucket', 'bucket', [...S3_GRANTS, 's3:locationconstraint', 's3:x-amz-object-ownership']],
  ['DeleteBucket', 'bucket'],
  ['DeleteBucketOwnershipControls', 'bucket'],
  ['DeleteBucketPolicy', 'bucket'],
  ['DeleteBucketWebsite', 'bucket'],
  ['GetAccelerateConfiguration', 'bucket'],
  ['GetAnalyticsConfiguration', 'bucket'],
  ['GetBucketAcl', 'bucket'],
  ['GetBucketCORS', 'bucket'],
  ['GetBucketLocation', 'bucket'],
  ['GetBucketLogging', 'bucket'],
  ['GetBucketNotification', 'bucket'],
  ['GetBucketObjectLockConfiguration', 'bucket'],
  ['GetBucketOwnershipControls', 'bucket'],
  ['GetBucketPolicy', 'bucket'],
  ['GetBucketPolicyStatus', 'bucket'],
  ['GetBucketPublicAccessBlock', 'bucket'],
  ['GetBucketRequestPayment', 'bucket'],
  ['GetBucketTagging', 'bucket'],
  ['GetBucketVersioning', 'bucket'],
  ['GetBucketWebsite', 'bucket'],
  ['GetEncryptionConfiguration', 'bucket'],
  ['GetIntelligentTieringConfiguration', 'bucket'],
  ['GetInventoryConfiguration', 'bucket'],
  ['GetLifecycleConfiguration', 'bucket'],
  ['GetMetricsConfiguration', 'bucket'],
  ['GetReplicationConfiguration', 'bucket'],
  ['ListBucket', 'bucket', S3_LIST],
  ['ListBucketMultipartUploads', 'bucket'],
  ['ListBucketVersions', 'bucket', S3_LIST],
  ['PutAccelerateConfiguration', 'bucket'],
  ['PutAnalyticsConfiguration', 'bucket'],
  ['PutBucketAcl', 'bucket', S3_GRANTS],
  ['PutBucketCORS', 'bucket'],
  ['PutBucketLogging', 'bucket'],
  ['PutBucketNotification', 'bucket'],
  ['PutBucketObjectLockConfiguration', 'bucket'],
  ['PutBucketOwnershipControls', 'bucket'],
  ['PutBucketPolicy', 'bucket'],
  ['PutBucketPublicAccessBlock', 'bucket'],
  ['PutBucketRequestPayment', 'bucket'],
  ['PutBucketTagging', 'bucket'],
  ['PutBucketVersioning', 'bucket'],
  ['PutBucketWebsite', 'bucket'],
  ['PutEncryptionConfiguration', 'bucket'],
  ['PutIntelligentTieringConfiguration', 'bucket'],
  ['PutInventoryConfiguration', 'bucket'],
  ['PutLifecycleConfiguration', 'bucket'],
  ['PutMetricsConfiguration', 'bucket'],
  ['PutReplicationConfiguration', 'bucket'],
  // Account level.
  ['CreateJob', 'service'],
  ['GetAccountPublicAccessBlock', 'service'],
  ['ListAccessPoints', 'service'],
  ['ListAllMyBuckets', 'service'],
  ['ListJobs', 'service'],
  ['ListStorageLensConfigurations', 'service'],
  ['PutAccountPublicAccessBlock', 'service'],
];

const OSS_LIST = ['oss:prefix', 'oss:delimiter', 'oss:marker', 'oss:maxkeys'];
const OSS_TAG = ['oss:existingobjecttag/'];
const OSS_PUT = [
  'oss:x-oss-object-acl',
  'oss:x-oss-forbid-overwrite',
  'oss:x-oss-server-side-encryption',
  'oss:requestobjecttag/',
];

const OSS_ACTIONS: readonly Spec[] = [
  ['ListBuckets', 'service'],
  ['AbortMultipartUpload', 'object'],
  ['AppendObject', 'object', OSS_PUT],
  ['CompleteMultipartUpload', 'object'],
  ['DeleteObject', 'object', OSS_TAG],
  ['DeleteObjectTagging', 'object', OSS_TAG],
  ['DeleteObjectVersion', 'object', OSS_TAG],
  ['GetObject', 'object', OSS_TAG],
  ['GetObjectAcl', 'object', OSS_TAG],
  ['GetObjectMeta', 'object', OSS_TAG],
  ['GetObjectTagging', 'object', OSS_TAG],
  ['GetObjectVersion', 'object', OSS_TAG],
  ['GetObjectVersionAcl', 'object', OSS_TAG],
  ['GetSymlink', 'object'],
  ['InitiateMultipartUpload', 'object', OSS_PUT],
  ['ListParts', 'object'],
  ['PostObject', 'object', OSS_PUT],
  ['PutObject', 'object', OSS_PUT],
  ['PutObjectAcl', 'object', ['oss:x-oss-object-acl', ...OSS_TAG]],
  ['PutObjectTagging', 'object', ['oss:requestobjecttag/', ...OSS_TAG]],
  ['PutObjectVersionAcl', 'object', ['oss:x-oss-object-acl', ...OSS_TAG]],
  ['PutSymlink', 'object'],
  ['RestoreObject', 'object', OSS_TAG],
  ['SelectObject', 'object', OSS_TAG],
  ['UploadPart', 'object'],
  ['UploadPartCopy', 'object'],
  ['DeleteBucket', 'bucket'],
  ['DeleteBucketCors', 'bucket'],
  ['DeleteBucketEncryption', 'bucket'],
  ['DeleteBucketLifecycle', 'bucket'],
  ['DeleteBucketLogging', 'bucket'],
  ['DeleteBucketPolicy', 'bucket'],
  ['DeleteBucketTagging', 'bucket'],
  ['DeleteBucketWebsite', 'bucket'],
  ['GetBucketAcl', 'bucket'],
  ['GetBucketCors', 'bucket'],
  ['GetBucketEncryption', 'bucket'],
  ['GetBucketInfo', 'bucket'],
  ['GetBucketLifecycle', 'bucket'],
  ['GetBucketLocation', 'bucket'],
  ['GetBucketLogging', 'bucket'],
  ['GetBucketPolicy', 'bucket'],
  ['GetBucketReferer', 'bucket'],
  ['GetBucketReplication', 'bucket'],
  ['GetBucketStat', 'bucket'],
  ['GetBucketTagging', 'bucket'],
  ['GetBucketVersioning', 'bucket'],
  ['GetBucketWebsite', 'bucket'],
  ['GetBucketWorm', 'bucket'],
  ['InitiateBucketWorm', 'bucket'],
  ['ListMultipartUploads', 'bucket'],
  ['ListObjects', 'bucket', OSS_LIST],
  ['ListObjectVersions', 'bucket', OSS_LIST],
  ['PutBucket', 'bucket'],
  ['PutBucketAcl', 'bucket'],
  ['PutBucketCors', 'bucket'],
  ['PutBucketEncryption', 'bucket'],
  ['PutBucketLifecycle', 'bucket'],
  ['PutBucketLogging', 'bucket'],
  ['PutBucketPolicy', 'bucket'],
  ['PutBucketReferer', 'bucket'],
  ['PutBucketReplication', 'bucket'],
  ['PutBucketTagging', 'bucket'],
  ['PutBucketVersioning', 'bucket'],
  ['PutBucketWebsite', 'bucket'],
];

const IAM_TAG = ['iam:resourcetag/'];
const IAM_BOUNDARY = ['iam:permissionsboundary', ...IAM_TAG];
const IAM_ATTACH = ['iam:policyarn', ...IAM_BOUNDARY];
const iam = (names: string, keys: readonly string[] = IAM_TAG): Spec[] =>
  names.split(' ').map((n) => [n, 'other', keys] as const);

const IAM_ACTIONS: readonly Spec[] = [
  ...iam('PassRole', ['iam:passedtoservice', 'iam:associatedresourcearn', ...IAM_TAG]),
  ...iam('CreateUser CreateRole PutUserPermissionsBoundary PutRolePermissionsBoundary', IAM_BOUNDARY),
  ...iam(
    'DeleteUserPermissionsBoundary DeleteRolePermissionsBoundary PutUserPolicy PutRolePolicy',
    IAM_BOUNDARY,
  ),
  ...iam('DeleteUserPolicy DeleteRolePolicy', IAM_BOUNDARY),
  ...iam('AttachUserPolicy AttachRolePolicy DetachUserPolicy DetachRolePolicy', IAM_ATTACH),
  ...iam('AttachGroupPolicy DetachGroupPolicy', ['iam:policyarn']),
  ...iam('CreateServiceLinkedRole DeleteServiceLinkedRole', ['iam:awsservicename', ...IAM_TAG]),
  ...iam(
    'DeleteUser GetUser ListUsers UpdateUser CreateAccessKey DeleteAccessKey ListAccessKeys UpdateAccessKey ' +
      'GetAccessKeyLastUsed CreateGroup DeleteGroup GetGroup ListGroups AddUserToGroup RemoveUserFromGroup ' +
      'ListGroupsForUser DeleteRole GetRole ListRoles UpdateRole UpdateRoleDescription UpdateAssumeRolePolicy ' +
      'CreatePolicy DeletePolicy GetPolicy ListPolicies CreatePolicyVersion DeletePolicyVersion GetPolicyVersion ' +
      'ListPolicyVersions SetDefaultPolicyVersion GetUserPolicy ListUserPolicies PutGroupPolicy GetGroupPolicy ' +
      'DeleteGroupPolicy ListGroupPolicies GetRolePolicy ListRolePolicies ListAttachedUserPolicies ' +
      'ListAttachedGroupPolicies ListAttachedRolePolicies ListEntitiesForPolicy TagUser UntagUser ListUserTags ' +
      'TagRole UntagRole ListRoleTags TagPolicy UntagPolicy ListPolicyTags CreateLoginProfile DeleteLoginProfile ' +
      'GetLoginProfile UpdateLoginProfile ChangePassword GetAccountSummary GetAccountAuthorizationDetails ' +
      'ListInstanceProfiles ListInstanceProfilesForRole CreateInstanceProfile DeleteInstanceProfile ' +
      'GetInstanceProfile AddRoleToInstanceProfile RemoveRoleFromInstanceProfile SimulatePrincipalPolicy ' +
      'SimulateCustomPolicy GetContextKeysForPrincipalPolicy GetContextKeysForCustomPolicy ListAccountAliases ' +
      'CreateAccountAlias DeleteAccountAlias GetAccountPasswordPolicy UpdateAccountPasswordPolicy ' +
      'DeleteAccountPasswordPolicy CreateVirtualMFADevice DeleteVirtualMFADevice EnableMFADevice ' +
      'DeactivateMFADevice ResyncMFADevice ListMFADevices ListVirtualMFADevices GenerateCredentialReport ' +
      'GetCredentialReport GenerateServiceLastAccessedDetails GetServiceLastAccessedDetails ' +
      'CreateOpenIDConnectProvider GetOpenIDConnectProvider ListOpenIDConnectProviders DeleteOpenIDConnectProvider ' +
      'CreateSAMLProvider GetSAMLProvider ListSAMLProviders DeleteSAMLProvider UploadServerCertificate ' +
      'UploadSSHPublicKey UploadSigningCertificate ListSSHPublicKeys ListSigningCertificates ListServerCertificates',
  ),
];

const STS_ASSUME = [
  'sts:rolesessionname',
  'sts:sourceidentity',
  'sts:transitivetagkeys',
  'sts:durationseconds',
];
const STS_ACTIONS: readonly Spec[] = [
  ['AssumeRole', 'other', ['sts:externalid', ...STS_ASSUME]],
  ['AssumeRoleWithSAML', 'other', STS_ASSUME],
  ['AssumeRoleWithWebIdentity', 'other', STS_ASSUME],
  ['AssumeRoot', 'other'],
  ['DecodeAuthorizationMessage', 'service'],
  ['GetAccessKeyInfo', 'service'],
  ['GetCallerIdentity', 'service'],
  ['GetFederationToken', 'service', ['sts:durationseconds']],
  ['GetServiceBearerToken', 'service', ['sts:awsservicename']],
  ['GetSessionToken', 'service', ['sts:durationseconds']],
  ['SetContext', 'other'],
  ['SetSourceIdentity', 'other', ['sts:sourceidentity']],
  ['TagSession', 'other', ['sts:transitivetagkeys']],
];

function build(service: string, specs: readonly Spec[], common: readonly string[] = []): ActionInfo[] {
  return specs.map(([name, kind, keys]) => ({ service, name, kind, keys: [...common, ...(keys ?? [])] }));
}

const ACTIONS: ReadonlyMap<string, readonly ActionInfo[]> = new Map([
  ['s3', build('s3', S3_ACTIONS, S3_COMMON)],
  ['oss', build('oss', OSS_ACTIONS)],
  ['iam', build('iam', IAM_ACTIONS)],
  ['sts', build('sts', STS_ACTIONS)],
]);

export const CATALOGUED_SERVICES: readonly string[] = [...ACTIONS.keys()];

export function isCataloguedService(service: string): boolean {
  return ACTIONS.has(service.toLowerCase());
}

export function serviceActions(service: string): readonly ActionInfo[] {
  return ACTIONS.get(service.toLowerCase()) ?? [];
}

/** The action `service:name`, case-insensitively. */
export function findAction(service: string, name: string): ActionInfo | undefined {
  const lower = name.toLowerCase();
  return serviceActions(service).find((a) => a.name.toLowerCase() === lower);
}

export function actionName(a: ActionInfo): string {
  return `${a.service}:${a.name}`;
}

/** Does the action support `key` (any case)? Global keys are supported everywhere. */
export function actionSupportsKey(a: ActionInfo, k: string): boolean {
  const lower = k.toLowerCase();
  return a.keys.some((s) => (s.endsWith('/') ? lower.startsWith(s) : lower === s));
}
