// Access keys: CreateAccessKey (the only response that carries the secret), ListAccessKeys,
// UpdateAccessKey, DeleteAccessKey, GetAccessKeyLastUsed. Without UserName they act on the
// caller's own keys (the root user's keys when root calls).
import {
  noSuchAccessKey,
  rootArn,
  type AccessKeyRecord,
  type AccessKeyStatus,
} from '../../identity/model.js';
import { generateAccessKeyId, generateSecretAccessKey } from '../../sts/credentials.js';
import {
  authorizeQuery,
  iamStoreOf,
  members,
  QueryError,
  type ActionHandler,
  type QueryCall,
  type XmlTree,
} from '../query/index.js';
import { entityTarget, paginate } from './common.js';
import { callerUserName } from './users.js';

/** The key owner (null: root) after authorizing `action` on it. */
async function keyOwner(call: QueryCall, action: string): Promise<string | null> {
  const named = call.params.string('UserName', 1, 128);
  const name = named ?? callerUserName(call);
  if (name === null) {
    authorizeQuery(call, action, rootArn(call.account));
    return null;
  }
  await entityTarget(call, 'user', action, undefined, name);
  return name;
}

function keyXml(k: AccessKeyRecord): XmlTree {
  return {
    UserName: k.userName ?? undefined,
    AccessKeyId: k.accessKeyId,
    Status: k.status,
    CreateDate: k.createdAt,
  };
}

function statusParam(call: QueryCall): AccessKeyStatus {
  const status = call.params.required('Status');
  if (status !== 'Active' && status !== 'Inactive') {
    throw new QueryError(
      'ValidationError',
      `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`,
    );
  }
  return status;
}

/** The caller's key with that id, or NoSuchEntity. */
async function ownedKey(call: QueryCall, owner: string | null, id: string): Promise<void> {
  const keys = await iamStoreOf(call).listAccessKeys(call.account, owner);
  if (!keys.some((k) => k.accessKeyId === id)) throw noSuchAccessKey(id);
}

const createAccessKey: ActionHandler = async (call) => {
  const owner = await keyOwner(call, 'iam:CreateAccessKey');
  const secret = generateSecretAccessKey();
  const key = await iamStoreOf(call).createAccessKey({
    account: call.account,
    userName: owner,
    accessKeyId: generateAccessKeyId('AKIA'),
    secretAccessKey: secret,
  });
  return { AccessKey: { ...keyXml(key), SecretAccessKey: secret.reveal() } };
};

const listAccessKeys: ActionHandler = async (call) => {
  const owner = await keyOwner(call, 'iam:ListAccessKeys');
  const keys = await iamStoreOf(call).listAccessKeys(call.account, owner);
  const { page, more } = paginate(call, keys);
  return { AccessKeyMetadata: members(page.map(keyXml)), ...more };
};

const updateAccessKey: ActionHandler = async (call) => {
  const id = call.params.requiredString('AccessKeyId', 16, 128);
  const status = statusParam(call);
  const owner = await keyOwner(call, 'iam:UpdateAccessKey');
  await ownedKey(call, owner, id);
  await iamStoreOf(call).updateAccessKey(call.account, owner, id, status);
  return undefined;
};

const deleteAccessKey: ActionHandler = async (call) => {
  const id = call.params.requiredString('AccessKeyId', 16, 128);
  const owner = await keyOwner(call, 'iam:DeleteAccessKey');
  await ownedKey(call, owner, id);
  await iamStoreOf(call).deleteAccessKey(call.account, owner, id);
  return undefined;
};

const getAccessKeyLastUsed: ActionHandler = async (call) => {
  const id = call.params.requiredString('AccessKeyId', 16, 128);
  const store = iamStoreOf(call);
  const found = await store.findAccessKey(id);
  // Keys of other accounts do not exist as far as this caller is concerned.
  const key = found !== null && found.account === call.account ? found : null;
  let resource = `arn:aws:iam::${call.account}:user/*`;
  if (key !== null && key.userName === null) resource = rootArn(call.account);
  if (key?.userName != null) {
    resource =
      (await store.getUser(call.account, key.userName))?.arn ??
      `arn:aws:iam::${call.account}:user/${key.userName}`;
  }
  authorizeQuery(call, 'iam:GetAccessKeyLastUsed', resource);
  if (key === null) throw noSuchAccessKey(id);
  const used = key.lastUsed;
  return {
    UserName: key.userName ?? undefined,
    AccessKeyLastUsed:
      used === null
        ? { ServiceName: 'N/A', Region: 'N/A' }
        : { LastUsedDate: used.date, ServiceName: used.service, Region: used.region },
  };
};

export const ACCESS_KEY_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  CreateAccessKey: createAccessKey,
  ListAccessKeys: listAccessKeys,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  GetAccessKeyLastUsed: getAccessKeyLastUsed,
};
