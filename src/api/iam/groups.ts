// IAM groups: CreateGroup, GetGroup (with its members), ListGroups, DeleteGroup, AddUserToGroup,
// RemoveUserFromGroup, ListGroupsForUser.
import { groupArn, noSuchEntity } from '../../identity/model.js';
import { authorizeQuery, iamStoreOf, members, type ActionHandler } from '../query/index.js';
import { entityTarget, groupXml, paginate, pathParam, userXml } from './common.js';

const createGroup: ActionHandler = async (call) => {
  const store = iamStoreOf(call);
  const name = call.params.requiredString('GroupName', 1, 128);
  const path = pathParam(call, 'Path') ?? '/';
  authorizeQuery(call, 'iam:CreateGroup', groupArn(call.account, path, name));
  return { Group: groupXml(await store.createGroup({ account: call.account, name, path })) };
};

const getGroup: ActionHandler = async (call) => {
  const { store, ref } = await entityTarget(call, 'group', 'iam:GetGroup');
  const group = await store.getGroup(call.account, ref.name);
  if (group === null) throw noSuchEntity('group', ref.name);
  const { page, more } = paginate(call, await store.listGroupMembers(call.account, ref.name));
  return { Group: groupXml(group), Users: members(page.map((u) => userXml(u, false))), ...more };
};

const listGroups: ActionHandler = async (call) => {
  const store = iamStoreOf(call);
  const prefix = pathParam(call, 'PathPrefix');
  authorizeQuery(call, 'iam:ListGroups', `arn:aws:iam::${call.account}:group${prefix ?? '/'}`);
  const groups = await store.listGroups(call.account, prefix !== undefined ? { pathPrefix: prefix } : {});
  const { page, more } = paginate(call, groups);
  return { Groups: members(page.map(groupXml)), ...more };
};

const deleteGroup: ActionHandler = async (call) => {
  const { store, ref } = await entityTarget(call, 'group', 'iam:DeleteGroup');
  await store.deleteGroup(call.account, ref.name);
  return undefined;
};

const addUserToGroup: ActionHandler = async (call) => {
  const userName = call.params.requiredString('UserName', 1, 64);
  const { store, ref } = await entityTarget(call, 'group', 'iam:AddUserToGroup');
  if ((await store.getUser(call.account, userName)) === null) throw noSuchEntity('user', userName);
  await store.addUserToGroup(call.account, ref.name, userName);
  return undefined;
};

const removeUserFromGroup: ActionHandler = async (call) => {
  const userName = call.params.requiredString('UserName', 1, 64);
  const { store, ref } = await entityTarget(call, 'group', 'iam:RemoveUserFromGroup');
  if ((await store.getUser(call.account, userName)) === null) throw noSuchEntity('user', userName);
  await store.removeUserFromGroup(call.account, ref.name, userName);
  return undefined;
};

const listGroupsForUser: ActionHandler = async (call) => {
  const { store, ref } = await entityTarget(call, 'user', 'iam:ListGroupsForUser');
  const { page, more } = paginate(call, await store.listGroupsForUser(call.account, ref.name));
  return { Groups: members(page.map(groupXml)), ...more };
};

export const GROUP_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  CreateGroup: createGroup,
  GetGroup: getGroup,
  ListGroups: listGroups,
  DeleteGroup: deleteGroup,
  AddUserToGroup: addUserToGroup,
  RemoveUserFromGroup: removeUserFromGroup,
  ListGroupsForUser: listGroupsForUser,
};
