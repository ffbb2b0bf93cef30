// IAM roles: CreateRole, GetRole, ListRoles, UpdateRole (Description, MaxSessionDuration),
// UpdateAssumeRolePolicy, DeleteRole, and their tags (TagRole, UntagRole, ListRoleTags).
import { IAM_LIMITS, roleArn } from '../../identity/model.js';
import {
  authorizeQuery,
  iamStoreOf,
  members,
  QueryError,
  type ActionHandler,
  type QueryCall,
} from '../query/index.js';
import { policyDocumentParam } from '../query/policy-document.js';
import {
  entityTarget,
  paginate,
  pathParam,
  policyArnParam,
  roleXml,
  tagActions,
  tagContext,
  tagsXml,
} from './common.js';

function maxSessionDuration(call: QueryCall): number | undefined {
  return call.params.int('MaxSessionDuration', IAM_LIMITS.minSessionDuration, IAM_LIMITS.maxSessionDuration);
}

const createRole: ActionHandler = async (call) => {
  const store = iamStoreOf(call);
  const name = call.params.requiredString('RoleName', 1, 64);
  const path = pathParam(call, 'Path') ?? '/';
  const trustPolicy = policyDocumentParam(call, 'AssumeRolePolicyDocument', 'trust');
  const description = call.params.string('Description', 0, 1000);
  const duration = maxSessionDuration(call);
  const tags = call.params.tags();
  const boundary = call.params.has('PermissionsBoundary')
    ? policyArnParam(call, 'PermissionsBoundary').arn
    : undefined;
  const arn = roleArn(call.account, path, name);
  authorizeQuery(call, 'iam:CreateRole', arn, { ...tagContext(tags), 'iam:PermissionsBoundary': boundary });
  if (tags !== undefined) authorizeQuery(call, 'iam:TagRole', arn, tagContext(tags));
  const role = await store.createRole({
    account: call.account,
    name,
    path,
    trustPolicy,
    ...(duration !== undefined ? { maxSessionDuration: duration } : {}),
    ...(tags !== undefined ? { tags } : {}),
    ...(boundary !== undefined ? { boundaryArn: boundary } : {}),
    ...(description !== undefined ? { description } : {}),
  });
  return { Role: roleXml(role) };
};

const getRole: ActionHandler = async (call) => {
  const { store, ref } = await entityTarget(call, 'role', 'iam:GetRole');
  const role = await store.getRole(call.account, ref.name);
  if (role === null)
    throw new QueryError('NoSuchEntity', `The role with name ${ref.name} cannot be found.`, 404);
  return { Role: roleXml(role) };
};

const listRoles: ActionHandler = async (call) => {
  const store = iamStoreOf(call);
  const prefix = pathParam(call, 'PathPrefix');
  authorizeQuery(call, 'iam:ListRoles', `arn:aws:iam::${call.account}:role${prefix ?? '/'}`);
  const roles = await store.listRoles(call.account, prefix !== undefined ? { pathPrefix: prefix } : {});
  const { page, more } = paginate(call, roles);
  return { Roles: members(page.map((r) => roleXml(r, false))), ...more };
};

const updateRole: ActionHandler = async (call) => {
  const description = call.params.string('Description', 0, 1000);
  const duration = maxSessionDuration(call);
  const { store, ref } = await entityTarget(call, 'role', 'iam:UpdateRole');
  await store.updateRole(call.account, ref.name, {
    ...(description !== undefined ? { description } : {}),
    ...(duration !== undefined ? { maxSessionDuration: duration } : {}),
  });
  // UpdateRole answers with an empty result element.
  return {};
};

const updateAssumeRolePolicy: ActionHandler = async (call) => {
  const document = policyDocumentParam(call, 'PolicyDocument', 'trust');
  const { store, ref } = await entityTarget(call, 'role', 'iam:UpdateAssumeRolePolicy');
  await store.updateTrustPolicy(call.account, ref.name, document);
  return undefined;
};

const deleteRole: ActionHandler = async (call) => {
  const { store, ref } = await entityTarget(call, 'role', 'iam:DeleteRole');
  await store.deleteRole(call.account, ref.name);
  return undefined;
};

const { tag: tagRole, untag: untagRole } = tagActions('role');

const listRoleTags: ActionHandler = async (call) => {
  const { store, ref } = await entityTarget(call, 'role', 'iam:ListRoleTags');
  const role = await store.getRole(call.account, ref.name);
  const { page, more } = paginate(call, Object.entries(role?.tags ?? {}));
  return { Tags: tagsXml(Object.fromEntries(page)), ...more };
};

export const ROLE_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  CreateRole: createRole,
  GetRole: getRole,
  ListRoles: listRoles,
  UpdateRole: updateRole,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  DeleteRole: deleteRole,
  TagRole: tagRole,
  UntagRole: untagRole,
  ListRoleTags: listRoleTags,
};
