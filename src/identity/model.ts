// The IAM model: accounts, users, groups, roles, managed and inline policies, access keys and the
// organization, as records; the typed error every IAM layer throws; and the name, path and ARN
// rules IAM enforces. Policy documents are opaque text here: interpreting them is the policy
// engine's job (src/policy), validating them the job of the layer that accepts them.
import type { Secret } from './secrets.js';

// ---------------------------------------------------------------- errors

/** The AWS IAM error codes the store and the layers above it produce. */
export type IamErrorCode =
  | 'NoSuchEntity'
  | 'EntityAlreadyExists'
  | 'DeleteConflict'
  | 'LimitExceeded'
  | 'InvalidInput'
  | 'MalformedPolicyDocument';

const HTTP_STATUS: Readonly<Record<IamErrorCode, number>> = {
  NoSuchEntity: 404,
  EntityAlreadyExists: 409,
  DeleteConflict: 409,
  LimitExceeded: 409,
  InvalidInput: 400,
  MalformedPolicyDocument: 400,
};

export class IamError extends Error {
  override readonly name = 'IamError';
  /** The HTTP status the IAM Query API answers this error with. */
  readonly httpStatus: number;

  constructor(
    readonly code: IamErrorCode,
    /** The message AWS sends for the same condition (wording copied where AWS documents it). */
    message: string,
  ) {
    super(message);
    this.httpStatus = HTTP_STATUS[code];
  }
}

export function isIamError(e: unknown, code?: IamErrorCode): e is IamError {
  return e instanceof IamError && (code === undefined || e.code === code);
}

// ---------------------------------------------------------------- records

export type Tags = Readonly<Record<string, string>>;

export interface AccountRecord {
  /** 12 digits. */
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
}

export interface UserRecord {
  readonly account: string;
  readonly name: string;
  readonly path: string;
  /** AIDA + 17 characters: aws:userid. */
  readonly id: string;
  readonly arn: string;
  readonly createdAt: Date;
  readonly tags: Tags;
  /** ARN of the managed policy used as permissions boundary, or null. */
  readonly boundaryArn: string | null;
}

export interface GroupRecord {
  readonly account: string;
  readonly name: string;
  readonly path: string;
  /** AGPA + 17 characters. */
  readonly id: string;
  readonly arn: string;
  readonly createdAt: Date;
}

export interface RoleRecord {
  readonly account: string;
  readonly name: string;
  readonly path: string;
  /** AROA + 17 characters. */
  readonly id: string;
  readonly arn: string;
  readonly createdAt: Date;
  /** The trust policy (AssumeRolePolicyDocument), as given. */
  readonly trustPolicy: string;
  /** Seconds, 3600–43200. */
  readonly maxSessionDuration: number;
  readonly tags: Tags;
  readonly boundaryArn: string | null;
  readonly description: string | null;
}

export interface ManagedPolicyRecord {
  readonly account: string;
  readonly name: string;
  readonly path: string;
  /** ANPA + 17 characters. */
  readonly id: string;
  /** arn:aws:iam::ACCOUNT:policy/PATH/NAME */
  readonly arn: string;
  /** `v1`, `v2`, ... */
  readonly defaultVersionId: string;
  /** Users, groups and roles it is attached to. */
  readonly attachmentCount: number;
  /** Users and roles that use it as their permissions boundary. */
  readonly boundaryUsageCount: number;
  readonly description: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface PolicyVersionRecord {
  readonly versionId: string;
  readonly document: string;
  readonly isDefault: boolean;
  readonly createdAt: Date;
}

/** What an inline policy or a managed policy attachment belongs to. */
export type EntityKind = 'user' | 'group' | 'role';

export interface EntityRef {
  readonly account: string;
  readonly kind: EntityKind;
  readonly name: string;
}

export interface InlinePolicyRecord {
  readonly name: string;
  readonly document: string;
}

export interface AttachedPolicyRef {
  readonly arn: string;
  readonly name: string;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeyLastUsed {
  readonly date: Date;
  readonly service: string;
  readonly region: string;
}

export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly account: string;
  /** The IAM user the key belongs to; null for the account's root user. */
  readonly userName: string | null;
  readonly status: AccessKeyStatus;
  readonly createdAt: Date;
  readonly lastUsed: AccessKeyLastUsed | null;
}

export interface AccessKeyWithSecret extends AccessKeyRecord {
  readonly secretAccessKey: Secret;
}

// ---- organization

export interface OrganizationRecord {
  /** o- + 10 characters. */
  readonly id: string;
  /** r- + 4 characters: the root of the OU tree. */
  readonly rootId: string;
  /** SCPs and RCPs never apply to the management account; null when there is none. */
  readonly managementAccount: string | null;
  readonly createdAt: Date;
}

export interface OrganizationalUnitRecord {
  /** ou-RRRR-XXXXXXXX */
  readonly id: string;
  /** The root id or another OU's id. */
  readonly parentId: string;
  readonly name: string;
}

export type OrgPolicyType = 'scp' | 'rcp';

export interface OrgPolicyRecord {
  /** p- + 8 characters, or p-FullAWSAccess for the built-in SCP. */
  readonly id: string;
  readonly type: OrgPolicyType;
  readonly name: string;
  readonly description: string | null;
  readonly document: string;
  /** The built-in FullAWSAccess SCP: it cannot be changed or deleted. */
  readonly awsManaged: boolean;
}

export type OrgTargetKind = 'root' | 'ou' | 'account';

/** One level of an account's path through the organization, with what is attached there. */
export interface OrgLevel {
  readonly targetId: string;
  readonly kind: OrgTargetKind;
  readonly scps: readonly OrgPolicyRecord[];
  readonly rcps: readonly OrgPolicyRecord[];
}

/** The levels that apply to one account, root first, the account last. */
export interface OrganizationPath {
  readonly organization: OrganizationRecord;
  readonly levels: readonly OrgLevel[];
}

// ---- consistent snapshots for the resolver

/** A managed policy's default version. */
export interface ManagedPolicyText {
  readonly arn: string;
  readonly versionId: string;
  readonly document: string;
}

export interface GroupAuthorization {
  readonly group: GroupRecord;
  readonly inline: readonly InlinePolicyRecord[];
  readonly attached: readonly ManagedPolicyText[];
}

interface Snapshot {
  /** The store generation this snapshot reflects (read in the same transaction). */
  readonly generation: number;
  /** The account's place in its organization; null when it is in none (or manages it). */
  readonly organization: OrganizationPath | null;
}

export interface UserAuthorization extends Snapshot {
  readonly user: UserRecord;
  readonly inline: readonly InlinePolicyRecord[];
  readonly attached: readonly ManagedPolicyText[];
  readonly groups: readonly GroupAuthorization[];
  readonly boundary: ManagedPolicyText | null;
}

export interface RoleAuthorization extends Snapshot {
  readonly role: RoleRecord;
  readonly inline: readonly InlinePolicyRecord[];
  readonly attached: readonly ManagedPolicyText[];
  readonly boundary: ManagedPolicyText | null;
}

export interface AccountAuthorization extends Snapshot {
  readonly account: AccountRecord;
}

// ---------------------------------------------------------------- limits and rules

/** IAM quotas (default values of the AWS IAM quotas page). */
export const IAM_LIMITS = {
  policyVersions: 5,
  accessKeysPerUser: 2,
  groupsPerUser: 10,
  managedPoliciesPerEntity: 10,
  tagsPerEntity: 50,
  minSessionDuration: 3600,
  maxSessionDuration: 43200,
} as const;

const NAME = /^[\w+=,.@-]+$/;
const NAME_LENGTH: Readonly<Record<'user' | 'group' | 'role' | 'policy', number>> = {
  user: 64,
  group: 128,
  role: 64,
  policy: 128,
};
// IAM: a path is `/` or `/.../` of printable ASCII (U+0021–U+007E), at most 512 characters.
const PATH = /^\/(?:[\u0021-\u007e]*\/)?$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const ACCOUNT_ID = /^\d{12}$/;

function invalid(message: string): IamError {
  return new IamError('InvalidInput', message);
}

/** Throws InvalidInput unless `name` is a valid IAM user/group/role/policy name. */
export function checkName(
  kind: 'user' | 'group' | 'role' | 'policy',
  name: string,
  field = `${kind}Name`,
): void {
  const max = NAME_LENGTH[kind];
  if (name.length < 1 || name.length > max) {
    throw invalid(
      `1 validation error detected: Value '${name}' at '${field}' failed to satisfy constraint: Member must have length between 1 and ${max}`,
    );
  }
  if (!NAME.test(name)) {
    throw invalid(
      `1 validation error detected: Value '${name}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
}

export function checkPath(path: string, field = 'path'): void {
  if (path.length < 1 || path.length > 512 || !PATH.test(path)) {
    throw invalid(
      `The specified value for ${field} is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`,
    );
  }
}

export function checkAccountId(id: string): void {
  if (!ACCOUNT_ID.test(id)) throw invalid(`Account id ${JSON.stringify(id)} must be 12 digits.`);
}

export function checkMaxSessionDuration(seconds: number): void {
  if (
    !Number.isInteger(seconds) ||
    seconds < IAM_LIMITS.minSessionDuration ||
    seconds > IAM_LIMITS.maxSessionDuration
  ) {
    throw invalid(
      `1 validation error detected: Value '${seconds}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between ${IAM_LIMITS.minSessionDuration} and ${IAM_LIMITS.maxSessionDuration}`,
    );
  }
}

export function checkDescription(description: string | null | undefined): void {
  if (description != null && description.length > 1000) {
    throw invalid('1 validation error detected: description must have length less than or equal to 1000');
  }
}

/** AWS access key ids: 16–128 word characters. */
export function checkAccessKeyId(id: string): void {
  if (!/^\w{16,128}$/.test(id))
    throw invalid(`Access key id ${JSON.stringify(id)} must be 16 to 128 letters, digits or underscores.`);
}

export function checkTags(tags: Tags): void {
  const keys = Object.keys(tags);
  if (keys.length > IAM_LIMITS.tagsPerEntity) {
    throw new IamError(
      'LimitExceeded',
      `The number of tags has reached the maximum limit of ${IAM_LIMITS.tagsPerEntity}.`,
    );
  }
  const seen = new Set<string>();
  for (const key of keys) {
    const value = tags[key] as string;
    if (key.length < 1 || key.length > 128 || !TAG_KEY.test(key))
      throw invalid(`The tag key ${JSON.stringify(key)} is invalid.`);
    if (key.toLowerCase().startsWith('aws:'))
      throw invalid(`The tag key ${JSON.stringify(key)} uses the reserved prefix aws:.`);
    if (typeof value !== 'string' || value.length > 256 || !TAG_VALUE.test(value)) {
      throw invalid(`The tag value for key ${JSON.stringify(key)} is invalid.`);
    }
    // IAM tag keys are unique without regard to case.
    const folded = key.toLowerCase();
    if (seen.has(folded))
      throw invalid(`Duplicate tag keys found: ${JSON.stringify(key)}. Tag keys are case insensitive.`);
    seen.add(folded);
  }
}

/**
 * Merges `update` into `current` the way TagUser/TagRole do: a key that matches an existing key
 * without regard to case replaces it (value and spelling).
 */
export function mergeTags(current: Tags, update: Tags): Record<string, string> {
  const out: Record<string, string> = {};
  const incoming = new Set(Object.keys(update).map((k) => k.toLowerCase()));
  for (const [k, v] of Object.entries(current)) if (!incoming.has(k.toLowerCase())) out[k] = v;
  for (const [k, v] of Object.entries(update)) out[k] = v;
  return out;
}

export function removeTags(current: Tags, keys: readonly string[]): Record<string, string> {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(current)) if (!drop.has(k.toLowerCase())) out[k] = v;
  return out;
}

/** IAM names compare without regard to case: the key under which uniqueness is enforced. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

// ---------------------------------------------------------------- ARNs

export function userArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:user${path}${name}`;
}

export function groupArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:group${path}${name}`;
}

export function roleArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:role${path}${name}`;
}

export function policyArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:policy${path}${name}`;
}

export function rootArn(account: string): string {
  return `arn:aws:iam::${account}:root`;
}

export function assumedRoleArn(account: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}

export function federatedUserArn(account: string, name: string): string {
  return `arn:aws:sts::${account}:federated-user/${name}`;
}

export interface ParsedIamArn {
  readonly account: string;
  readonly type: 'user' | 'group' | 'role' | 'policy';
  readonly path: string;
  readonly name: string;
}

const IAM_ARN = /^arn:aws:iam::(\d{12}):(user|group|role|policy)(\/(?:[\u0021-\u007e]*\/)?)([\w+=,.@-]+)$/;

/** Splits an IAM user/group/role/policy ARN; undefined when it is not one. */
export function parseIamArn(arn: string): ParsedIamArn | undefined {
  const m = IAM_ARN.exec(arn);
  if (m === null) return undefined;
  return {
    account: m[1] as string,
    type: m[2] as ParsedIamArn['type'],
    path: m[3] as string,
    name: m[4] as string,
  };
}

/** The account and name of a customer managed policy ARN, or InvalidInput / NoSuchEntity. */
export function parsePolicyArn(arn: string): ParsedIamArn {
  const parsed = parseIamArn(arn);
  if (parsed !== undefined && parsed.type === 'policy') return parsed;
  if (/^arn:aws:iam::aws:policy\//.test(arn)) {
    // AWS managed policies are not modelled (yet): they exist nowhere, so nothing can attach them.
    throw new IamError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
  }
  throw invalid(`ARN ${arn} is not valid.`);
}

// ---------------------------------------------------------------- AWS messages for common misses

const KIND_WORD: Readonly<Record<EntityKind, string>> = { user: 'user', group: 'group', role: 'role' };

export function noSuchEntity(kind: EntityKind, name: string): IamError {
  return new IamError('NoSuchEntity', `The ${KIND_WORD[kind]} with name ${name} cannot be found.`);
}

export function noSuchPolicy(arn: string): IamError {
  return new IamError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
}

export function noSuchInlinePolicy(kind: EntityKind, name: string): IamError {
  return new IamError('NoSuchEntity', `The ${KIND_WORD[kind]} policy with name ${name} cannot be found.`);
}

export function noSuchAccessKey(id: string): IamError {
  return new IamError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`);
}

export function noSuchAccount(id: string): IamError {
  return new IamError('NoSuchEntity', `The account with id ${id} cannot be found.`);
}

export function entityExists(kind: EntityKind, name: string): IamError {
  const word = kind === 'user' ? 'User' : kind === 'group' ? 'Group' : 'Role';
  return new IamError('EntityAlreadyExists', `${word} with name ${name} already exists.`);
}
