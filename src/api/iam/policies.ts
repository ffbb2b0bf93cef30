// Customer managed policies and their versions: CreatePolicy, GetPolicy, ListPolicies,
// DeletePolicy, CreatePolicyVersion (SetAsDefault), GetPolicyVersion, ListPolicyVersions,
// SetDefaultPolicyVersion, DeletePolicyVersion.
import type { IamStore } from '../../identity/iam-store.js';
import {
  IamError,
  noSuchPolicy,
  policyArn,
  type ManagedPolicyRecord,
  type PolicyVersionRecord,
} from '../../identity/model.js';
import {
  authorizeQuery,
  iamStoreOf,
  members,
  QueryError,
  type ActionHandler,
  type QueryCall,
  type XmlTree,
} from '../query/index.js';
import { policyDocumentParam } from '../query/policy-document.js';
import { encodeDocument, paginate, pathParam, policyArnParam, policyXml } from './common.js';

/** The policy named by PolicyArn, after authorizing `action` on it. */
async function policyTarget(
  call: QueryCall,
  action: string,
): Promise<{ store: IamStore; policy: ManagedPolicyRecord }> {
  const store = iamStoreOf(call);
  const { arn, account } = policyArnParam(call);
  authorizeQuery(call, action, arn, undefined, account);
  const policy = await store.getPolicy(arn);
  if (policy === null) throw noSuchPolicy(arn);
  return { store, policy };
}

function versionXml(v: PolicyVersionRecord, withDocument: boolean): XmlTree {
  return {
    Document: withDocument ? encodeDocument(v.document) : undefined,
    VersionId: v.versionId,
    IsDefaultVersion: v.isDefault,
    CreateDate: v.createdAt,
  };
}

const VERSION_ID = /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/;

function versionIdParam(call: QueryCall): string {
  const id = call.params.required('VersionId');
  if (!VERSION_ID.test(id)) {
    throw new QueryError(
      'ValidationError',
      `1 validation error detected: Value '${id}' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?`,
    );
  }
  return id;
}

const createPolicy: ActionHandler = async (call) => {
  const store = iamStoreOf(call);
  const name = call.params.requiredString('PolicyName', 1, 128);
  const path = pathParam(call, 'Path') ?? '/';
  const description = call.params.string('Description', 0, 1000);
  const document = policyDocumentParam(call, 'PolicyDocument', 'identity');
  authorizeQuery(call, 'iam:CreatePolicy', policyArn(call.account, path, name));
  const policy = await store.createPolicy({
    account: call.account,
    name,
    path,
    document,
    ...(description !== undefined ? { description } : {}),
  });
  return { Policy: policyXml(policy) };
};

const getPolicy: ActionHandler = async (call) => {
  const { policy } = await policyTarget(call, 'iam:GetPolicy');
  return { Policy: policyXml(policy) };
};

const listPolicies: ActionHandler = async (call) => {
  const store = iamStoreOf(call);
  const scope = call.params.get('Scope') ?? 'All';
  if (scope !== 'All' && scope !== 'AWS' && scope !== 'Local') {
    throw new QueryError(
      'ValidationError',
      `1 validation error detected: Value '${scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]`,
    );
  }
  const prefix = pathParam(call, 'PathPrefix');
  const onlyAttached = call.params.bool('OnlyAttached') ?? false;
  authorizeQuery(call, 'iam:ListPolicies', `arn:aws:iam::${call.account}:policy${prefix ?? '/'}`);
  // AWS managed policies are not modelled: Scope=AWS lists nothing.
  const policies =
    scope === 'AWS'
      ? []
      : await store.listPolicies(call.account, {
          ...(prefix !== undefined ? { pathPrefix: prefix } : {}),
          onlyAttached,
        });
  const { page, more } = paginate(call, policies);
  return { Policies: members(page.map(policyXml)), ...more };
};

const deletePolicy: ActionHandler = async (call) => {
  const { store, policy } = await policyTarget(call, 'iam:DeletePolicy');
  await store.deletePolicy(policy.arn);
  return undefined;
};

const createPolicyVersion: ActionHandler = async (call) => {
  const document = policyDocumentParam(call, 'PolicyDocument', 'identity');
  const setAsDefault = call.params.bool('SetAsDefault') ?? false;
  const { store, policy } = await policyTarget(call, 'iam:CreatePolicyVersion');
  const version = await store.createPolicyVersion(policy.arn, document, setAsDefault);
  return { PolicyVersion: versionXml(version, false) };
};

const getPolicyVersion: ActionHandler = async (call) => {
  const id = versionIdParam(call);
  const { store, policy } = await policyTarget(call, 'iam:GetPolicyVersion');
  const version = await store.getPolicyVersion(policy.arn, id);
  if (version === null) throw noSuchVersion(policy.arn, id);
  return { PolicyVersion: versionXml(version, true) };
};

const listPolicyVersions: ActionHandler = async (call) => {
  const { store, policy } = await policyTarget(call, 'iam:ListPolicyVersions');
  const { page, more } = paginate(call, await store.listPolicyVersions(policy.arn));
  return { Versions: members(page.map((v) => versionXml(v, false))), ...more };
};

const setDefaultPolicyVersion: ActionHandler = async (call) => {
  const id = versionIdParam(call);
  const { store, policy } = await policyTarget(call, 'iam:SetDefaultPolicyVersion');
  if ((await store.getPolicyVersion(policy.arn, id)) === null) throw noSuchVersion(policy.arn, id);
  await store.setDefaultPolicyVersion(policy.arn, id);
  return undefined;
};

const deletePolicyVersion: ActionHandler = async (call) => {
  const id = versionIdParam(call);
  const { store, policy } = await policyTarget(call, 'iam:DeletePolicyVersion');
  if ((await store.getPolicyVersion(policy.arn, id)) === null) throw noSuchVersion(policy.arn, id);
  await store.deletePolicyVersion(policy.arn, id);
  return undefined;
};

function noSuchVersion(arn: string, id: string): IamError {
  return new IamError('NoSuchEntity', `Policy ${arn} version ${id} does not exist or is not attachable.`);
}

export const POLICY_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  ListPolicies: listPolicies,
  DeletePolicy: deletePolicy,
  CreatePolicyVersion: createPolicyVersion,
  GetPolicyVersion: getPolicyVersion,
  ListPolicyVersions: listPolicyVersions,
  SetDefaultPolicyVersion: setDefaultPolicyVersion,
  DeletePolicyVersion: deletePolicyVersion,
};
