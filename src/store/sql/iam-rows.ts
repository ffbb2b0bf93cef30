// Conversions between IAM table rows and the records of src/identity/model.ts.
import type { Selectable } from 'kysely';
import {
  groupArn,
  policyArn,
  roleArn,
  userArn,
  type AccessKeyRecord,
  type AccessKeyStatus,
  type GroupRecord,
  type OrgPolicyRecord,
  type OrgPolicyType,
  type RoleRecord,
  type UserRecord,
} from '../../identity/model.js';
import type {
  IamAccessKeysTable,
  IamGroupsTable,
  IamOrgPoliciesTable,
  IamRolesTable,
  IamUsersTable,
} from './iam-schema.js';
import { date, decodeMap, int } from './rows.js';

/** The boundary policy's coordinates, from a left join (all null without a boundary). */
export interface BoundaryColumns {
  b_account: string | null;
  b_path: string | null;
  b_name: string | null;
}

function boundaryArnOf(row: BoundaryColumns): string | null {
  return row.b_account !== null && row.b_path !== null && row.b_name !== null
    ? policyArn(row.b_account, row.b_path, row.b_name)
    : null;
}

export function toUser(row: Selectable<IamUsersTable> & BoundaryColumns): UserRecord {
  return {
    account: row.account,
    name: row.name,
    path: row.path,
    id: row.id,
    arn: userArn(row.account, row.path, row.name),
    createdAt: date(row.created_at),
    tags: decodeMap(row.tags),
    boundaryArn: boundaryArnOf(row),
  };
}

export function toGroup(row: Selectable<IamGroupsTable>): GroupRecord {
  return {
    account: row.account,
    name: row.name,
    path: row.path,
    id: row.id,
    arn: groupArn(row.account, row.path, row.name),
    createdAt: date(row.created_at),
  };
}

export function toRole(row: Selectable<IamRolesTable> & BoundaryColumns): RoleRecord {
  return {
    account: row.account,
    name: row.name,
    path: row.path,
    id: row.id,
    arn: roleArn(row.account, row.path, row.name),
    createdAt: date(row.created_at),
    trustPolicy: row.trust_policy,
    maxSessionDuration: row.max_session_duration,
    tags: decodeMap(row.tags),
    boundaryArn: boundaryArnOf(row),
    description: row.description,
  };
}

export function toAccessKey(row: Selectable<IamAccessKeysTable>, userName: string | null): AccessKeyRecord {
  const lastUsed =
    row.last_used_at === null
      ? null
      : {
          date: date(row.last_used_at),
          service: row.last_used_service ?? '',
          region: row.last_used_region ?? '',
        };
  return {
    accessKeyId: row.access_key_id,
    account: row.account,
    userName,
    status: row.status as AccessKeyStatus,
    createdAt: date(row.created_at),
    lastUsed,
  };
}

export function toOrgPolicy(row: Selectable<IamOrgPoliciesTable>): OrgPolicyRecord {
  return {
    id: row.id,
    type: row.type as OrgPolicyType,
    name: row.name,
    description: row.description,
    document: row.document,
    awsManaged: int(row.aws_managed) !== 0,
  };
}

export function versionId(n: number | string | bigint): string {
  return `v${int(n)}`;
}

/** `v3` → 3; undefined for anything else. */
export function versionNumber(id: string): number | undefined {
  const m = /^v([1-9]\d{0,8})$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

export function byPathPrefix<T extends { path: string }>(rows: T[], prefix: string | undefined): T[] {
  return prefix === undefined || prefix === '/' ? rows : rows.filter((r) => r.path.startsWith(prefix));
}
