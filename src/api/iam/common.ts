// What every IAM action shares: loading the named entity and authorizing the action on its ARN
// (before saying whether it exists, as AWS does), policy document validation, pagination, and the
// XML shapes of users, groups, roles, policies and tags.
import type { IamStore } from '../../identity/iam-store.js';
import {
  groupArn,
  noSuchEntity,
  parsePolicyArn,
  roleArn,
  userArn,
  type EntityKind,
  type EntityRef,
  type GroupRecord,
  type ManagedPolicyRecord,
  type RoleRecord,
  type Tags,
  type UserRecord,
} from '../../identity/model.js';
import { parsePolicy } from '../../policy/parse.js';
import type { ContextValue } from '../../policy/request.js';
import {
  authorizeQuery,
  iamStoreOf,
  members,
  missingParameter,
  QueryError,
  type ActionHandler,
  type QueryCall,
  type XmlTree,
} from '../query/index.js';

export const IAM_VERSION = '2010-05-08';

export interface EntityTarget {
  readonly store: IamStore;
  readonly ref: EntityRef;
  readonly arn: string;
}

const NAME_PARAM: Readonly<Record<EntityKind, string>> = {
  user: 'UserName',
  group: 'GroupName',
  role: 'RoleName',
};
const NAME_MAX: Readonly<Record<EntityKind, number>> = { user: 64, group: 128, role: 64 };

export function nameParam(kind: EntityKind): string {
  return NAME_PARAM[kind];
}

export function entityArn(kind: EntityKind, account: string, path: string, name: string): string {
  return kind === 'user'
    ? userArn(account, path, name)
    : kind === 'group'
      ? groupArn(account, path, name)
      : roleArn(account, path, name);
}

async function lookup(
  store: IamStore,
  kind: EntityKind,
  account: string,
  name: string,
): Promise<{ arn: string } | null> {
  if (kind === 'user') return store.getUser(account, name);
  if (kind === 'group') return store.getGroup(account, name);
  return store.getRole(account, name);
}

/**
 * The user, group or role named by the request (UserName/GroupName/RoleName), after `action` is
 * authorized on its ARN. A missing entity is authorized under its path-less ARN first, so callers
 * without permission learn nothing about what exists.
 */
export async function entityTarget(
  call: QueryCall,
  kind: EntityKind,
  action: string,
  context?: Readonly<Record<string, ContextValue | undefined>>,
  name: string = call.params.requiredString(NAME_PARAM[kind], 1, NAME_MAX[kind]),
): Promise<EntityTarget> {
  const store = iamStoreOf(call);
  const found = await lookup(store, kind, call.account, name);
  const arn = found?.arn ?? entityArn(kind, call.account, '/', name);
  authorizeQuery(call, action, arn, context);
  if (found === null) throw noSuchEntity(kind, name);
  return { store, ref: { account: call.account, kind, name }, arn };
}

/** PolicyArn-style parameters: a customer managed policy ARN (InvalidInput otherwise). */
export function policyArnParam(call: QueryCall, name = 'PolicyArn'): { arn: string; account: string } {
  const arn = call.params.requiredString(name, 20, 2048);
  return { arn, account: parsePolicyArn(arn).account };
}

/** Throws MalformedPolicyDocument with the parser's words unless `text` is a valid policy of `type`. */
export function checkDocument(text: string, type: 'identity' | 'trust' | 'boundary'): void {
  const result = parsePolicy(text, { type });
  if (!result.ok)
    throw new QueryError('MalformedPolicyDocument', result.problems.map((p) => p.message).join('; '));
}

/** A policy document parameter (1–131072 characters, as in the IAM model), validated. */
export function documentParam(
  call: QueryCall,
  name: string,
  type: 'identity' | 'trust' | 'boundary',
): string {
  const text = call.params.requiredString(name, 1, 131072);
  checkDocument(text, type);
  return text;
}

/** Documents travel URL-encoded in IAM responses. */
export function encodeDocument(text: string): string {
  return encodeURIComponent(text);
}

/** Path and PathPrefix parameters (1–512). */
export function pathParam(call: QueryCall, name: string): string | undefined {
  return call.params.string(name, 1, 512);
}

/** Condition keys describing tags in the request (aws:RequestTag/k, aws:TagKeys). */
export function tagContext(tags: Tags | undefined): Record<string, ContextValue | undefined> {
  if (tags === undefined) return {};
  const out: Record<string, ContextValue | undefined> = { 'aws:TagKeys': Object.keys(tags) };
  for (const [k, v] of Object.entries(tags)) out[`aws:RequestTag/${k}`] = v;
  return out;
}

// ---------------------------------------------------------------- pagination

/** MaxItems/Marker over a fully loaded list: the marker is the next index, opaque to clients. */
export function paginate<T>(call: QueryCall, items: readonly T[]): { page: T[]; more: XmlTree } {
  const max = call.params.int('MaxItems', 1, 1000) ?? 100;
  const marker = call.params.string('Marker', 1, 320);
  let start = 0;
  if (marker !== undefined) {
    const decoded = Number(Buffer.from(marker, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(decoded) || decoded < 0)
      throw new QueryError('InvalidInput', 'Invalid Marker.');
    start = decoded;
  }
  const page = items.slice(start, start + max);
  const next = start + page.length;
  if (next < items.length) {
    return { page, more: { IsTruncated: true, Marker: Buffer.from(String(next)).toString('base64url') } };
  }
  return { page, more: { IsTruncated: false } };
}

// ---------------------------------------------------------------- XML shapes

export function tagsXml(tags: Tags): XmlTree {
  return members(Object.entries(tags).map(([Key, Value]) => ({ Key, Value })));
}

function boundaryXml(arn: string | null): XmlTree | undefined {
  return arn === null
    ? undefined
    : { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn };
}

export function userXml(u: UserRecord, full = true): XmlTree {
  return {
    Path: u.path,
    UserName: u.name,
    UserId: u.id,
    Arn: u.arn,
    CreateDate: u.createdAt,
    // GetUser shows the boundary and tags; ListUsers leaves them out, as AWS does.
    PermissionsBoundary: full ? boundaryXml(u.boundaryArn) : undefined,
    Tags: full && Object.keys(u.tags).length > 0 ? tagsXml(u.tags) : undefined,
  };
}

export function groupXml(g: GroupRecord): XmlTree {
  return { Path: g.path, GroupName: g.name, GroupId: g.id, Arn: g.arn, CreateDate: g.createdAt };
}

export function roleXml(r: RoleRecord, full = true): XmlTree {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: r.createdAt,
    AssumeRolePolicyDocument: encodeDocument(r.trustPolicy),
    Description: r.description ?? undefined,
    MaxSessionDuration: r.maxSessionDuration,
    PermissionsBoundary: full ? boundaryXml(r.boundaryArn) : undefined,
    Tags: full && Object.keys(r.tags).length > 0 ? tagsXml(r.tags) : undefined,
  };
}

export function policyXml(p: ManagedPolicyRecord): XmlTree {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: p.attachmentCount,
    PermissionsBoundaryUsageCount: p.boundaryUsageCount,
    IsAttachable: true,
    Description: p.description ?? undefined,
    CreateDate: p.createdAt,
    UpdateDate: p.updatedAt,
  };
}

/** TagUser/UntagUser and TagRole/UntagRole: the same calls on a different kind of entity. */
export function tagActions(kind: 'user' | 'role'): { tag: ActionHandler; untag: ActionHandler } {
  const Kind = kind === 'user' ? 'User' : 'Role';
  return {
    async tag(call) {
      const tags = call.params.tags();
      if (tags === undefined) throw missingParameter('Tags');
      const { store, ref } = await entityTarget(call, kind, `iam:Tag${Kind}`, tagContext(tags));
      await store.tagEntity(ref, tags);
      return undefined;
    },
    async untag(call) {
      const keys = call.params.list('TagKeys');
      const { store, ref } = await entityTarget(call, kind, `iam:Untag${Kind}`, { 'aws:TagKeys': keys });
      await store.untagEntity(ref, keys);
      return undefined;
    },
  };
}
