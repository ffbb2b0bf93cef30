// Row types of the IAM tables, as Kysely sees them. Times are epoch milliseconds; tag maps are JSON
// text. Entities are referenced by their unique id (AIDA/AGPA/AROA/ANPA...), so a rename touches
// one row; `name_key` (the lower-cased name) carries the case-insensitive uniqueness IAM has.
import type { Int64 } from './schema.js';

export interface IamGenerationTable {
  id: number;
  value: Int64;
}

export interface IamAccountsTable {
  id: string;
  name: string;
  created_at: Int64;
}

export interface IamUsersTable {
  id: string;
  account: string;
  name_key: string;
  name: string;
  path: string;
  created_at: Int64;
  tags: string;
  boundary_policy_id: string | null;
}

export interface IamGroupsTable {
  id: string;
  account: string;
  name_key: string;
  name: string;
  path: string;
  created_at: Int64;
}

export interface IamGroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface IamRolesTable {
  id: string;
  account: string;
  name_key: string;
  name: string;
  path: string;
  created_at: Int64;
  trust_policy: string;
  max_session_duration: number;
  tags: string;
  boundary_policy_id: string | null;
  description: string | null;
}

export interface IamPoliciesTable {
  id: string;
  account: string;
  name_key: string;
  name: string;
  path: string;
  default_version: number;
  /** The number the next version gets (versions are never renumbered, as in IAM). */
  next_version: number;
  description: string | null;
  created_at: Int64;
  updated_at: Int64;
}

export interface IamPolicyVersionsTable {
  policy_id: string;
  version: number;
  document: string;
  created_at: Int64;
}

/** entity_kind: 'user' | 'group' | 'role'; entity_id: that entity's unique id. */
export interface IamAttachmentsTable {
  entity_kind: string;
  entity_id: string;
  policy_id: string;
}

export interface IamInlinePoliciesTable {
  entity_kind: string;
  entity_id: string;
  name_key: string;
  name: string;
  document: string;
}

export interface IamAccessKeysTable {
  access_key_id: string;
  account: string;
  /** Null for the account root's keys. */
  user_id: string | null;
  /** SecretBox-sealed secret access key (base64). */
  secret: string;
  status: string;
  created_at: Int64;
  last_used_at: Int64 | null;
  last_used_service: string | null;
  last_used_region: string | null;
}

/** At most one row (id = 1). */
export interface IamOrganizationTable {
  id: number;
  org_id: string;
  root_id: string;
  management_account: string | null;
  created_at: Int64;
}

export interface IamOrgUnitsTable {
  id: string;
  parent_id: string;
  name_key: string;
  name: string;
  created_at: Int64;
}

export interface IamOrgAccountsTable {
  account: string;
  parent_id: string;
}

export interface IamOrgPoliciesTable {
  id: string;
  type: string;
  name: string;
  description: string | null;
  document: string;
  aws_managed: number;
  created_at: Int64;
}

export interface IamOrgPolicyTargetsTable {
  policy_id: string;
  target_id: string;
}

/** At most one row (id = 1): what the last applied bootstrap file declared. */
export interface IamBootstrapTable {
  id: number;
  state: string;
  applied_at: Int64;
}

export interface IamDatabase {
  iam_generation: IamGenerationTable;
  iam_accounts: IamAccountsTable;
  iam_users: IamUsersTable;
  iam_groups: IamGroupsTable;
  iam_group_members: IamGroupMembersTable;
  iam_roles: IamRolesTable;
  iam_policies: IamPoliciesTable;
  iam_policy_versions: IamPolicyVersionsTable;
  iam_attachments: IamAttachmentsTable;
  iam_inline_policies: IamInlinePoliciesTable;
  iam_access_keys: IamAccessKeysTable;
  iam_organization: IamOrganizationTable;
  iam_org_units: IamOrgUnitsTable;
  iam_org_accounts: IamOrgAccountsTable;
  iam_org_policies: IamOrgPoliciesTable;
  iam_org_policy_targets: IamOrgPolicyTargetsTable;
  iam_bootstrap: IamBootstrapTable;
}
