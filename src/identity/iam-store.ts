// The IAM store: where accounts, users, groups, roles, policies, access keys and the organization
// live. It stores policy documents as the exact text given and never interprets them; callers
// validate documents (policy-cache.ts `check`) before writing them.
//
// Contract every implementation keeps (test/store/iam-conformance.ts checks it):
// - every write is one transaction: it happens entirely or not at all;
// - every write bumps `generation()`, so caches keyed by it see the change at the next read;
// - names of users, groups, roles, managed and inline policies are unique without regard to case
//   and are looked up without regard to case (the stored spelling is returned);
// - getters return null for a missing entity; writes throw IamError with the AWS code and message.
import type {
  AccessKeyLastUsed,
  AccessKeyRecord,
  AccessKeyStatus,
  AccessKeyWithSecret,
  AccountAuthorization,
  AccountRecord,
  AttachedPolicyRef,
  EntityRef,
  GroupRecord,
  InlinePolicyRecord,
  ManagedPolicyRecord,
  ManagedPolicyText,
  OrganizationalUnitRecord,
  OrganizationPath,
  OrganizationRecord,
  OrgPolicyRecord,
  OrgPolicyType,
  PolicyVersionRecord,
  RoleAuthorization,
  RoleRecord,
  Tags,
  UserAuthorization,
  UserRecord,
} from './model.js';
import type { Secret } from './secrets.js';

export interface CreateUserInput {
  readonly account: string;
  readonly name: string;
  /** Default `/`. */
  readonly path?: string;
  readonly tags?: Tags;
  /** A customer managed policy ARN in the same account. */
  readonly boundaryArn?: string | null;
}

export interface CreateGroupInput {
  readonly account: string;
  readonly name: string;
  readonly path?: string;
}

export interface CreateRoleInput {
  readonly account: string;
  readonly name: string;
  readonly path?: string;
  /** The trust policy text (validated by the caller). */
  readonly trustPolicy: string;
  /** Default 3600. */
  readonly maxSessionDuration?: number;
  readonly tags?: Tags;
  readonly boundaryArn?: string | null;
  readonly description?: string | null;
}

export interface CreatePolicyInput {
  readonly account: string;
  readonly name: string;
  readonly path?: string;
  /** The document of version v1 (validated by the caller). */
  readonly document: string;
  readonly description?: string | null;
}

export interface CreateAccessKeyInput {
  readonly account: string;
  /** The owning IAM user, or null for the account's root user. */
  readonly userName: string | null;
  readonly accessKeyId: string;
  readonly secretAccessKey: Secret;
  /** Default Active. */
  readonly status?: AccessKeyStatus;
  readonly createdAt?: Date;
}

export interface RenameInput {
  readonly newName?: string;
  readonly newPath?: string;
}

export interface ListOptions {
  /** Only entities whose path starts with this. */
  readonly pathPrefix?: string;
}

export interface CreateOrgPolicyInput {
  readonly type: OrgPolicyType;
  readonly name: string;
  readonly document: string;
  readonly description?: string | null;
}

export interface IamStore {
  /**
   * A number that grows with every committed write. Caches remember the generation they loaded
   * at, and reload when it has moved: a change is in force for the very next request.
   */
  generation(): Promise<number>;

  /** Runs `fn` in one transaction: every write inside commits together or not at all. */
  transaction<T>(fn: (store: IamStore) => Promise<T>): Promise<T>;

  // ---- accounts
  createAccount(input: { readonly id: string; readonly name: string }): Promise<AccountRecord>;
  getAccount(id: string): Promise<AccountRecord | null>;
  listAccounts(): Promise<AccountRecord[]>;
  renameAccount(id: string, name: string): Promise<void>;
  /** DeleteConflict while it still holds users, groups, roles, policies or root access keys. */
  deleteAccount(id: string): Promise<void>;

  // ---- users
  createUser(input: CreateUserInput): Promise<UserRecord>;
  getUser(account: string, name: string): Promise<UserRecord | null>;
  listUsers(account: string, options?: ListOptions): Promise<UserRecord[]>;
  updateUser(account: string, name: string, update: RenameInput): Promise<UserRecord>;
  /** DeleteConflict while the user has access keys, inline or attached policies, or groups. */
  deleteUser(account: string, name: string): Promise<void>;

  // ---- groups
  createGroup(input: CreateGroupInput): Promise<GroupRecord>;
  getGroup(account: string, name: string): Promise<GroupRecord | null>;
  listGroups(account: string, options?: ListOptions): Promise<GroupRecord[]>;
  updateGroup(account: string, name: string, update: RenameInput): Promise<GroupRecord>;
  /** DeleteConflict while the group has members, inline or attached policies. */
  deleteGroup(account: string, name: string): Promise<void>;
  /** Idempotent. LimitExceeded past 10 groups per user. */
  addUserToGroup(account: string, groupName: string, userName: string): Promise<void>;
  removeUserFromGroup(account: string, groupName: string, userName: string): Promise<void>;
  listGroupMembers(account: string, groupName: string): Promise<UserRecord[]>;
  listGroupsForUser(account: string, userName: string): Promise<GroupRecord[]>;

  // ---- roles
  createRole(input: CreateRoleInput): Promise<RoleRecord>;
  getRole(account: string, name: string): Promise<RoleRecord | null>;
  listRoles(account: string, options?: ListOptions): Promise<RoleRecord[]>;
  updateRole(
    account: string,
    name: string,
    update: { readonly description?: string | null; readonly maxSessionDuration?: number },
  ): Promise<RoleRecord>;
  updateTrustPolicy(account: string, name: string, document: string): Promise<void>;
  /** DeleteConflict while the role has inline or attached policies. */
  deleteRole(account: string, name: string): Promise<void>;

  // ---- tags and boundaries (users and roles)
  tagEntity(ref: EntityRef, tags: Tags): Promise<void>;
  untagEntity(ref: EntityRef, keys: readonly string[]): Promise<void>;
  /** Sets (an ARN) or removes (null) the permissions boundary of a user or role. */
  setPermissionsBoundary(ref: EntityRef, policyArn: string | null): Promise<void>;

  // ---- managed policies
  createPolicy(input: CreatePolicyInput): Promise<ManagedPolicyRecord>;
  getPolicy(arn: string): Promise<ManagedPolicyRecord | null>;
  listPolicies(
    account: string,
    options?: ListOptions & { readonly onlyAttached?: boolean },
  ): Promise<ManagedPolicyRecord[]>;
  /** DeleteConflict while attached, used as a boundary, or holding non-default versions. */
  deletePolicy(arn: string): Promise<void>;
  /** LimitExceeded when the policy already has 5 versions. */
  createPolicyVersion(arn: string, document: string, setAsDefault: boolean): Promise<PolicyVersionRecord>;
  getPolicyVersion(arn: string, versionId: string): Promise<PolicyVersionRecord | null>;
  listPolicyVersions(arn: string): Promise<PolicyVersionRecord[]>;
  /** DeleteConflict for the default version. */
  deletePolicyVersion(arn: string, versionId: string): Promise<void>;
  setDefaultPolicyVersion(arn: string, versionId: string): Promise<void>;
  /** The default version's document, or null when there is no such policy. */
  getPolicyDocument(arn: string): Promise<ManagedPolicyText | null>;

  // ---- attachments
  /** Idempotent. LimitExceeded past 10 managed policies per entity. */
  attachPolicy(ref: EntityRef, policyArn: string): Promise<void>;
  detachPolicy(ref: EntityRef, policyArn: string): Promise<void>;
  listAttachedPolicies(ref: EntityRef): Promise<AttachedPolicyRef[]>;
  listEntitiesForPolicy(policyArn: string): Promise<EntityRef[]>;

  // ---- inline policies
  /** Creates or replaces. */
  putInlinePolicy(ref: EntityRef, policyName: string, document: string): Promise<void>;
  getInlinePolicy(ref: EntityRef, policyName: string): Promise<InlinePolicyRecord | null>;
  listInlinePolicies(ref: EntityRef): Promise<string[]>;
  deleteInlinePolicy(ref: EntityRef, policyName: string): Promise<void>;

  // ---- access keys
  /** LimitExceeded past 2 keys per user (or root); EntityAlreadyExists for a taken id. */
  createAccessKey(input: CreateAccessKeyInput): Promise<AccessKeyRecord>;
  /** The key with its secret, whatever its status (the resolver checks it). */
  findAccessKey(accessKeyId: string): Promise<AccessKeyWithSecret | null>;
  listAccessKeys(account: string, userName: string | null): Promise<AccessKeyRecord[]>;
  updateAccessKey(
    account: string,
    userName: string | null,
    accessKeyId: string,
    status: AccessKeyStatus,
  ): Promise<void>;
  deleteAccessKey(account: string, userName: string | null, accessKeyId: string): Promise<void>;
  /** Bookkeeping only: does not bump the generation. */
  recordAccessKeyUse(accessKeyId: string, used: AccessKeyLastUsed): Promise<void>;

  // ---- organization (one per installation)
  /** Creates the organization with its root and the FullAWSAccess SCP attached to the root. */
  createOrganization(input?: { readonly managementAccount?: string | null }): Promise<OrganizationRecord>;
  getOrganization(): Promise<OrganizationRecord | null>;
  /** DeleteConflict while it has OUs, accounts or customer policies. */
  deleteOrganization(): Promise<void>;
  /** New OUs get FullAWSAccess attached, as in AWS. */
  createOrganizationalUnit(input: {
    readonly parentId: string;
    readonly name: string;
  }): Promise<OrganizationalUnitRecord>;
  getOrganizationalUnit(id: string): Promise<OrganizationalUnitRecord | null>;
  listOrganizationalUnits(parentId: string): Promise<OrganizationalUnitRecord[]>;
  renameOrganizationalUnit(id: string, name: string): Promise<void>;
  /** DeleteConflict while it holds OUs or accounts. */
  deleteOrganizationalUnit(id: string): Promise<void>;
  /** Puts an account under the root or an OU (moving it if placed already). A joining account gets FullAWSAccess. */
  placeAccount(account: string, parentId: string): Promise<void>;
  removeAccountFromOrganization(account: string): Promise<void>;
  listAccountsForParent(parentId: string): Promise<string[]>;
  createOrgPolicy(input: CreateOrgPolicyInput): Promise<OrgPolicyRecord>;
  getOrgPolicy(id: string): Promise<OrgPolicyRecord | null>;
  listOrgPolicies(type: OrgPolicyType): Promise<OrgPolicyRecord[]>;
  updateOrgPolicy(
    id: string,
    update: { readonly name?: string; readonly document?: string; readonly description?: string | null },
  ): Promise<OrgPolicyRecord>;
  /** DeleteConflict while attached anywhere. */
  deleteOrgPolicy(id: string): Promise<void>;
  /** Target: the root id, an OU id, or a 12-digit account id placed in the organization. Idempotent. */
  attachOrgPolicy(policyId: string, targetId: string): Promise<void>;
  /** LimitExceeded when it would leave the target without any SCP. */
  detachOrgPolicy(policyId: string, targetId: string): Promise<void>;
  listOrgPoliciesForTarget(targetId: string, type: OrgPolicyType): Promise<OrgPolicyRecord[]>;
  /** The account's levels root → OUs → account, or null when it is in no organization or manages it. */
  organizationPath(account: string): Promise<OrganizationPath | null>;

  // ---- consistent snapshots for authorization (one read transaction each)
  userAuthorization(account: string, userName: string): Promise<UserAuthorization | null>;
  roleAuthorization(account: string, roleName: string): Promise<RoleAuthorization | null>;
  accountAuthorization(account: string): Promise<AccountAuthorization | null>;

  // ---- declarative bootstrap bookkeeping (what the last applied file declared)
  getBootstrapState(): Promise<string | null>;
  setBootstrapState(state: string): Promise<void>;

  close(): Promise<void>;
}
