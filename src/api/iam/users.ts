// IAM users: CreateUser, GetUser (the caller when UserName is absent), ListUsers, UpdateUser,
// DeleteUser, and their tags (TagUser, UntagUser, ListUserTags).
import { rootArn, userArn } from '../../identity/model.js';
import {
  authorizeQuery,
  iamStoreOf,
  members,
  QueryError,
  type ActionHandler,
  type QueryCall,
} from '../query/index.js';
import {
  entityTarget,
  paginate,
  pathParam,
  policyArnParam,
  tagActions,
  tagContext,
  tagsXml,
  userXml,
} from './common.js';

const createUser: ActionHandler = async (call) => {
  const store = iamStoreOf(call);
  const name = call.params.requiredString('UserName', 1, 64);
  const path = pathParam(call, 'Path') ?? '/';
  const tags = call.params.tags();
  const boundary = call.params.has('PermissionsBoundary')
    ? policyArnParam(call, 'PermissionsBoundary').arn
    : undefined;
  const arn = userArn(call.account, path, name);
  authorizeQuery(call, 'iam:CreateUser', arn, {
    ...tagContext(tags),
    'iam:PermissionsBoundary': boundary,
  });
  // Tagging on create needs iam:TagUser as well, as in AWS.
  if (tags !== undefined) authorizeQuery(call, 'iam:TagUser', arn, tagContext(tags));
  const user = await store.createUser({
    account: call.account,
    name,
    path,
    ...(tags !== undefined ? { tags } : {}),
    ...(boundary !== undefined ? { boundaryArn: boundary } : {}),
  });
  return { User: userXml(user) };
};

const getUser: ActionHandler = async (call) => {
  const store = iamStoreOf(call);
  const name = call.params.string('UserName', 1, 128) ?? callerUserName(call);
  if (name === null) {
    // The root user asking about itself: AWS answers with the account's root identity.
    authorizeQuery(call, 'iam:GetUser', rootArn(call.account));
    const account = await store.getAccount(call.account);
    return {
      User: {
        UserId: call.account,
        Arn: rootArn(call.account),
        CreateDate: account?.createdAt ?? new Date(0),
      },
    };
  }
  await entityTarget(call, 'user', 'iam:GetUser', undefined, name);
  const user = await store.getUser(call.account, name);
  if (user === null) throw new QueryError('NoSuchEntity', `The user with name ${name} cannot be found.`, 404);
  return { User: userXml(user) };
};

/** The caller's own user name for actions whose UserName defaults to the caller; null for root. */
export function callerUserName(call: QueryCall): string | null {
  const p = call.caller.principal;
  if (p.type === 'root') return null;
  const name = call.caller.identity?.username;
  if (p.type === 'user' && name !== undefined) return name;
  throw new QueryError('ValidationError', 'Must specify userName when calling with non-User credentials');
}

const listUsers: ActionHandler = async (call) => {
  const store = iamStoreOf(call);
  const prefix = pathParam(call, 'PathPrefix');
  authorizeQuery(call, 'iam:ListUsers', `arn:aws:iam::${call.account}:user${prefix ?? '/'}`);
  const users = await store.listUsers(call.account, prefix !== undefined ? { pathPrefix: prefix } : {});
  const { page, more } = paginate(call, users);
  return { Users: members(page.map((u) => userXml(u, false))), ...more };
};

const updateUser: ActionHandler = async (call) => {
  const newName = call.params.string('NewUserName', 1, 64);
  const newPath = pathParam(call, 'NewPath');
  const { store, ref } = await entityTarget(call, 'user', 'iam:UpdateUser');
  if (newName !== undefined)
    authorizeQuery(call, 'iam:UpdateUser', userArn(call.account, newPath ?? '/', newName));
  await store.updateUser(call.account, ref.name, {
    ...(newName !== undefined ? { newName } : {}),
    ...(newPath !== undefined ? { newPath } : {}),
  });
  return undefined;
};

const deleteUser: ActionHandler = async (call) => {
  const { store, ref } = await entityTarget(call, 'user', 'iam:DeleteUser');
  await store.deleteUser(call.account, ref.name);
  return undefined;
};

const { tag: tagUser, untag: untagUser } = tagActions('user');

const listUserTags: ActionHandler = async (call) => {
  const { store, ref } = await entityTarget(call, 'user', 'iam:ListUserTags');
  const user = await store.getUser(call.account, ref.name);
  const entries = Object.entries(user?.tags ?? {});
  const { page, more } = paginate(call, entries);
  return { Tags: tagsXml(Object.fromEntries(page)), ...more };
};

export const USER_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  CreateUser: createUser,
  GetUser: getUser,
  ListUsers: listUsers,
  UpdateUser: updateUser,
  DeleteUser: deleteUser,
  TagUser: tagUser,
  UntagUser: untagUser,
  ListUserTags: listUserTags,
};
