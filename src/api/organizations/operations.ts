// The AWS Organizations operations over the IAM store's organization (one per installation):
// shapes from botocore's organizations 2016-11-28 model. Only the root user of the management
// account (the account that called CreateOrganization) may manage it; member accounts may describe
// it. Every write bumps the store generation, so an attached SCP or RCP applies at the next request.
import type { IamStore } from '../../identity/iam-store.js';
import type {
  OrganizationRecord,
  OrganizationalUnitRecord,
  OrgPolicyRecord,
  OrgPolicyType,
} from '../../identity/model.js';
import { parsePolicy } from '../../policy/parse.js';
import type { S3Services } from '../../s3/context.js';
import type { Caller } from '../../server/caller.js';
import type { HttpRequestContext } from '../../server/request-context.js';
import {
  accessDenied,
  accountNotFound,
  constraintViolation,
  invalidInput,
  notInUse,
  OrgError,
  parentNotFound,
  policyNotFound,
  storeCall,
  targetNotFound,
} from './errors.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface OrgCall {
  readonly ctx: HttpRequestContext;
  readonly services: S3Services;
  readonly caller: Caller;
  readonly input: JsonObject;
  readonly operation: string;
  readonly store: IamStore;
}

export type OrgOperation = (call: OrgCall) => Promise<JsonObject>;

// ---------------------------------------------------------------- input

function str(call: OrgCall, name: string, required: true, pattern?: RegExp): string;
function str(call: OrgCall, name: string, required: false, pattern?: RegExp): string | undefined;
function str(call: OrgCall, name: string, required: boolean, pattern?: RegExp): string | undefined {
  const v = call.input[name];
  if (v === undefined || v === null) {
    if (required) throw invalidInput(`You must specify a value for ${name}.`, 'INVALID_INPUT');
    return undefined;
  }
  if (typeof v !== 'string') {
    throw new OrgError('SerializationException', `Expected a string for ${name}.`);
  }
  if (pattern !== undefined && !pattern.test(v)) {
    throw invalidInput(`You specified an invalid value for ${name}.`, 'INVALID_PATTERN');
  }
  return v;
}

const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const PARENT_ID = /^(r-[0-9a-z]{4,32})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const ACCOUNT_ID = /^\d{12}$/;
const POLICY_ID = /^p-[0-9a-zA-Z_]{8,128}$/;
const TARGET_ID = /^(r-[0-9a-z]{4,32})$|^(\d{12})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

const POLICY_TYPES: Readonly<Record<string, OrgPolicyType>> = {
  SERVICE_CONTROL_POLICY: 'scp',
  RESOURCE_CONTROL_POLICY: 'rcp',
};
/** Policy types AWS knows but Portcullis does not enforce: listed as empty. */
const OTHER_POLICY_TYPES: ReadonlySet<string> = new Set([
  'TAG_POLICY',
  'BACKUP_POLICY',
  'AISERVICES_OPT_OUT_POLICY',
  'CHATBOT_POLICY',
  'DECLARATIVE_POLICY_EC2',
]);
const TYPE_NAME: Readonly<Record<OrgPolicyType, string>> = {
  scp: 'SERVICE_CONTROL_POLICY',
  rcp: 'RESOURCE_CONTROL_POLICY',
};

function policyTypeFilter(call: OrgCall, name: string): OrgPolicyType | null {
  const raw = str(call, name, true);
  const type = POLICY_TYPES[raw];
  if (type !== undefined) return type;
  if (OTHER_POLICY_TYPES.has(raw)) return null;
  throw invalidInput(`You specified an invalid value for ${name}.`, 'INVALID_ENUM');
}

// ---------------------------------------------------------------- output

const epoch = (d: Date): number => d.getTime() / 1000;

const ENABLED_TYPES = [
  { Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' },
  { Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' },
];

function mgmt(org: OrganizationRecord): string {
  return org.managementAccount ?? '000000000000';
}

function organizationArn(org: OrganizationRecord): string {
  return `arn:aws:organizations::${mgmt(org)}:organization/${org.id}`;
}

function rootArn(org: OrganizationRecord): string {
  return `arn:aws:organizations::${mgmt(org)}:root/${org.id}/${org.rootId}`;
}

function ouJson(org: OrganizationRecord, ou: OrganizationalUnitRecord): JsonObject {
  return { Id: ou.id, Arn: `arn:aws:organizations::${mgmt(org)}:ou/${org.id}/${ou.id}`, Name: ou.name };
}

function policyArn(org: OrganizationRecord, p: OrgPolicyRecord): string {
  const type = TYPE_NAME[p.type].toLowerCase();
  return p.awsManaged
    ? `arn:aws:organizations::aws:policy/${type}/${p.id}`
    : `arn:aws:organizations::${mgmt(org)}:policy/${org.id}/${type}/${p.id}`;
}

function policySummary(org: OrganizationRecord, p: OrgPolicyRecord): JsonObject {
  return {
    Id: p.id,
    Arn: policyArn(org, p),
    Name: p.name,
    Description: p.description ?? '',
    Type: TYPE_NAME[p.type],
    AwsManaged: p.awsManaged,
  };
}

function accountEmail(id: string): string {
  return `${id}@portcullis.invalid`;
}

function organizationJson(org: OrganizationRecord): JsonObject {
  return {
    Id: org.id,
    Arn: organizationArn(org),
    FeatureSet: 'ALL',
    MasterAccountArn: `arn:aws:organizations::${mgmt(org)}:account/${org.id}/${mgmt(org)}`,
    MasterAccountId: mgmt(org),
    MasterAccountEmail: accountEmail(mgmt(org)),
    AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
  };
}

// ---------------------------------------------------------------- authorization

async function organization(call: OrgCall): Promise<OrganizationRecord> {
  const org = await call.store.getOrganization();
  if (org === null) throw notInUse();
  return org;
}

/** The organization, when the caller is its management account's root user (AccessDenied otherwise). */
async function managed(call: OrgCall): Promise<OrganizationRecord> {
  const org = await organization(call);
  const { principal } = call.caller;
  if (
    principal.type !== 'root' ||
    org.managementAccount === null ||
    principal.account !== org.managementAccount
  ) {
    if ((await placedAccounts(call.store, org)).has(principal.account)) throw accessDenied();
    throw notInUse();
  }
  return org;
}

/** Every account placed in the organization, with its parent. */
async function placedAccounts(store: IamStore, org: OrganizationRecord): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (parent: string, depth: number): Promise<void> => {
    for (const account of await store.listAccountsForParent(parent)) out.set(account, parent);
    if (depth > 6) return;
    for (const ou of await store.listOrganizationalUnits(parent)) await walk(ou.id, depth + 1);
  };
  await walk(org.rootId, 0);
  // The management account is kept under the root without a placement of its own: SCPs and RCPs
  // never apply to it, and the store lets the organization go only once no account is placed.
  if (org.managementAccount !== null && !out.has(org.managementAccount)) {
    out.set(org.managementAccount, org.rootId);
  }
  return out;
}

async function requireParent(
  call: OrgCall,
  org: OrganizationRecord,
  id: string,
  notFound: () => OrgError,
): Promise<void> {
  if (id === org.rootId) return;
  if (OU_ID.test(id) && (await call.store.getOrganizationalUnit(id)) !== null) return;
  throw notFound();
}

async function requirePolicy(call: OrgCall, id: string): Promise<OrgPolicyRecord> {
  const policy = await call.store.getOrgPolicy(id);
  if (policy === null) throw policyNotFound(id);
  return policy;
}

async function requireTarget(call: OrgCall, org: OrganizationRecord, id: string): Promise<void> {
  if (id === org.rootId) return;
  if (OU_ID.test(id) && (await call.store.getOrganizationalUnit(id)) !== null) return;
  if (
    ACCOUNT_ID.test(id) &&
    id !== org.managementAccount &&
    (await placedAccounts(call.store, org)).has(id)
  ) {
    return;
  }
  throw targetNotFound(id);
}

// ---------------------------------------------------------------- operations

const createOrganization: OrgOperation = async (call) => {
  const featureSet = str(call, 'FeatureSet', false);
  if (featureSet !== undefined && featureSet !== 'ALL' && featureSet !== 'CONSOLIDATED_BILLING') {
    throw invalidInput('You specified an invalid value for FeatureSet.', 'INVALID_ENUM');
  }
  if (featureSet === 'CONSOLIDATED_BILLING') {
    throw invalidInput('Portcullis organizations have all features enabled; FeatureSet must be ALL.');
  }
  const { principal } = call.caller;
  if ((await call.store.getOrganization()) !== null) {
    throw new OrgError(
      'AlreadyInOrganizationException',
      'The provided account is already a member of an organization.',
      409,
    );
  }
  if (principal.type !== 'root') {
    // AWS: only the root user (or an IAM principal with organizations:CreateOrganization, which
    // Portcullis does not delegate) creates an organization.
    throw accessDenied();
  }
  // Every account of this installation joins the new organization under its root: Portcullis
  // accounts are created by its administrator (bootstrap), as CreateAccount would.
  const org = await call.store.transaction(async (store) => {
    const created = await storeCall(
      () => store.createOrganization({ managementAccount: principal.account }),
      {
        EntityAlreadyExists: () =>
          new OrgError(
            'AlreadyInOrganizationException',
            'The provided account is already a member of an organization.',
            409,
          ),
      },
    );
    for (const account of await store.listAccounts()) {
      if (account.id !== principal.account) await store.placeAccount(account.id, created.rootId);
    }
    return created;
  });
  return { Organization: organizationJson(org) };
};

const describeOrganization: OrgOperation = async (call) => {
  const org = await organization(call);
  const account = call.caller.principal.account;
  if (account !== org.managementAccount && !(await placedAccounts(call.store, org)).has(account)) {
    throw notInUse();
  }
  return { Organization: organizationJson(org) };
};

const deleteOrganization: OrgOperation = async (call) => {
  const org = await managed(call);
  const accounts = await placedAccounts(call.store, org);
  if ([...accounts.keys()].some((a) => a !== org.managementAccount)) {
    throw new OrgError(
      'OrganizationNotEmptyException',
      'To delete an organization you must first remove all member accounts (except the management account).',
    );
  }
  // OUs and policies go with the organization, as in AWS.
  await call.store.transaction(async (store) => {
    const removeUnder = async (parent: string): Promise<void> => {
      for (const ou of await store.listOrganizationalUnits(parent)) {
        await removeUnder(ou.id);
        await store.deleteOrganizationalUnit(ou.id);
      }
    };
    await removeUnder(org.rootId);
    for (const type of ['scp', 'rcp'] as const) {
      for (const policy of await store.listOrgPolicies(type)) {
        if (policy.awsManaged) continue;
        const onRoot = await store.listOrgPoliciesForTarget(org.rootId, type);
        if (onRoot.some((p) => p.id === policy.id)) {
          if (type === 'scp' && !onRoot.some((p) => p.awsManaged)) {
            await store.attachOrgPolicy('p-FullAWSAccess', org.rootId);
          }
          await store.detachOrgPolicy(policy.id, org.rootId);
        }
        await store.deleteOrgPolicy(policy.id);
      }
    }
    await storeCall(() => store.deleteOrganization(), {
      DeleteConflict: () =>
        new OrgError(
          'OrganizationNotEmptyException',
          'To delete an organization you must first remove all member accounts (except the management account).',
        ),
    });
  });
  return {};
};

const removeAccountFromOrganization: OrgOperation = async (call) => {
  const org = await managed(call);
  const accountId = str(call, 'AccountId', true, ACCOUNT_ID);
  if (!(await placedAccounts(call.store, org)).has(accountId)) throw accountNotFound(accountId);
  if (accountId === org.managementAccount) {
    throw constraintViolation(
      'You cannot remove the management account from the organization; delete the organization instead.',
      'ACCOUNT_CANNOT_LEAVE_ORGANIZATION',
    );
  }
  await storeCall(() => call.store.removeAccountFromOrganization(accountId), {
    NoSuchEntity: () => accountNotFound(accountId),
  });
  return {};
};

const listRoots: OrgOperation = async (call) => {
  const org = await managed(call);
  return { Roots: [{ Id: org.rootId, Arn: rootArn(org), Name: 'Root', PolicyTypes: ENABLED_TYPES }] };
};

const createOrganizationalUnit: OrgOperation = async (call) => {
  const org = await managed(call);
  const parentId = str(call, 'ParentId', true, PARENT_ID);
  const name = str(call, 'Name', true);
  await requireParent(call, org, parentId, () => parentNotFound(parentId));
  const ou = await storeCall(() => call.store.createOrganizationalUnit({ parentId, name }), {
    NoSuchEntity: () => parentNotFound(parentId),
    EntityAlreadyExists: () =>
      new OrgError('DuplicateOrganizationalUnitException', 'An OU with the same name already exists.'),
    LimitExceeded: (message) => constraintViolation(message, 'OU_DEPTH_LIMIT_EXCEEDED'),
  });
  return { OrganizationalUnit: ouJson(org, ou) };
};

const describeOrganizationalUnit: OrgOperation = async (call) => {
  const org = await managed(call);
  const id = str(call, 'OrganizationalUnitId', true, OU_ID);
  const ou = await call.store.getOrganizationalUnit(id);
  if (ou === null) {
    throw new OrgError(
      'OrganizationalUnitNotFoundException',
      `We can't find an OU with the OrganizationalUnitId ${id} that you specified.`,
    );
  }
  return { OrganizationalUnit: ouJson(org, ou) };
};

const deleteOrganizationalUnit: OrgOperation = async (call) => {
  await managed(call);
  const id = str(call, 'OrganizationalUnitId', true, OU_ID);
  await storeCall(() => call.store.deleteOrganizationalUnit(id), {
    NoSuchEntity: () =>
      new OrgError(
        'OrganizationalUnitNotFoundException',
        `We can't find an OU with the OrganizationalUnitId ${id} that you specified.`,
      ),
    DeleteConflict: () =>
      new OrgError(
        'OrganizationalUnitNotEmptyException',
        'The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.',
      ),
  });
  return {};
};

const listOrganizationalUnitsForParent: OrgOperation = async (call) => {
  const org = await managed(call);
  const parentId = str(call, 'ParentId', true, PARENT_ID);
  await requireParent(call, org, parentId, () => parentNotFound(parentId));
  const units = await call.store.listOrganizationalUnits(parentId);
  return { OrganizationalUnits: units.map((ou) => ouJson(org, ou)) };
};

async function accountJson(call: OrgCall, org: OrganizationRecord, id: string): Promise<JsonObject> {
  const record = await call.store.getAccount(id);
  return {
    Id: id,
    Arn: `arn:aws:organizations::${mgmt(org)}:account/${org.id}/${id}`,
    Email: accountEmail(id),
    Name: record?.name ?? id,
    Status: 'ACTIVE',
    State: 'ACTIVE',
    JoinedMethod: id === org.managementAccount ? 'INVITED' : 'CREATED',
    JoinedTimestamp: epoch(org.createdAt),
  };
}

const listAccounts: OrgOperation = async (call) => {
  const org = await managed(call);
  const ids = [...(await placedAccounts(call.store, org)).keys()].sort();
  const accounts: JsonObject[] = [];
  for (const id of ids) accounts.push(await accountJson(call, org, id));
  return { Accounts: accounts };
};

const listAccountsForParent: OrgOperation = async (call) => {
  const org = await managed(call);
  const parentId = str(call, 'ParentId', true, PARENT_ID);
  await requireParent(call, org, parentId, () => parentNotFound(parentId));
  const accounts: JsonObject[] = [];
  for (const id of await call.store.listAccountsForParent(parentId))
    accounts.push(await accountJson(call, org, id));
  return { Accounts: accounts };
};

const describeAccount: OrgOperation = async (call) => {
  const org = await managed(call);
  const id = str(call, 'AccountId', true, ACCOUNT_ID);
  if (!(await placedAccounts(call.store, org)).has(id)) throw accountNotFound(id);
  return { Account: await accountJson(call, org, id) };
};

const listParents: OrgOperation = async (call) => {
  const org = await managed(call);
  const childId = str(call, 'ChildId', true);
  let parent: string | undefined;
  if (ACCOUNT_ID.test(childId)) parent = (await placedAccounts(call.store, org)).get(childId);
  else if (OU_ID.test(childId)) parent = (await call.store.getOrganizationalUnit(childId))?.parentId;
  if (parent === undefined) {
    throw new OrgError(
      'ChildNotFoundException',
      `We can't find an organizational unit (OU) or AWS account with the ChildId ${childId} that you specified.`,
    );
  }
  return { Parents: [{ Id: parent, Type: parent === org.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }] };
};

const moveAccount: OrgOperation = async (call) => {
  const org = await managed(call);
  const accountId = str(call, 'AccountId', true, ACCOUNT_ID);
  const source = str(call, 'SourceParentId', true, PARENT_ID);
  const destination = str(call, 'DestinationParentId', true, PARENT_ID);
  await requireParent(call, org, source, () =>
    parentNotFound(source, 'SourceParentNotFoundException', 'SourceParentId'),
  );
  await requireParent(call, org, destination, () =>
    parentNotFound(destination, 'DestinationParentNotFoundException', 'DestinationParentId'),
  );
  const current = (await placedAccounts(call.store, org)).get(accountId);
  if (current === undefined) throw accountNotFound(accountId);
  if (accountId === org.managementAccount) {
    throw constraintViolation(
      'Portcullis keeps the management account under the root: SCPs and RCPs never apply to it.',
      'ACCOUNT_CANNOT_LEAVE_ORGANIZATION',
    );
  }
  if (current !== source) {
    throw parentNotFound(source, 'SourceParentNotFoundException', 'SourceParentId');
  }
  if (current === destination) {
    throw new OrgError(
      'DuplicateAccountException',
      'That account is already present in the specified destination.',
    );
  }
  await storeCall(() => call.store.placeAccount(accountId, destination));
  return {};
};

function checkContent(content: string, type: OrgPolicyType): void {
  if (content.length > 10240) {
    throw constraintViolation(
      'The provided policy document exceeds the maximum size of 10,240 characters.',
      'POLICY_CONTENT_LIMIT_EXCEEDED',
    );
  }
  const result = parsePolicy(content, { type });
  if (!result.ok) {
    throw new OrgError('MalformedPolicyDocumentException', result.problems.map((p) => p.message).join('; '));
  }
}

const createPolicy: OrgOperation = async (call) => {
  const org = await managed(call);
  const typeName = str(call, 'Type', true);
  const type = POLICY_TYPES[typeName];
  if (type === undefined) {
    if (OTHER_POLICY_TYPES.has(typeName)) {
      throw new OrgError(
        'PolicyTypeNotEnabledException',
        `Portcullis enforces service control and resource control policies only, not ${typeName}.`,
      );
    }
    throw invalidInput('You specified an invalid value for Type.', 'INVALID_ENUM');
  }
  const name = str(call, 'Name', true);
  const description = str(call, 'Description', false) ?? '';
  if (description.length > 512)
    throw invalidInput('The Description must be at most 512 characters.', 'MAX_LENGTH_EXCEEDED');
  const content = str(call, 'Content', true);
  checkContent(content, type);
  const policy = await storeCall(
    () => call.store.createOrgPolicy({ type, name, document: content, description }),
    {
      EntityAlreadyExists: () =>
        new OrgError('DuplicatePolicyException', 'A policy with the same name already exists.'),
    },
  );
  return { Policy: { PolicySummary: policySummary(org, policy), Content: policy.document } };
};

const describePolicy: OrgOperation = async (call) => {
  const org = await managed(call);
  const id = str(call, 'PolicyId', true, POLICY_ID);
  const policy = await requirePolicy(call, id);
  return { Policy: { PolicySummary: policySummary(org, policy), Content: policy.document } };
};

const updatePolicy: OrgOperation = async (call) => {
  const org = await managed(call);
  const id = str(call, 'PolicyId', true, POLICY_ID);
  const current = await requirePolicy(call, id);
  if (current.awsManaged) {
    throw new OrgError(
      'PolicyChangesNotAllowedException',
      'Changes to the specified policy are not allowed.',
    );
  }
  const name = str(call, 'Name', false);
  const description = str(call, 'Description', false);
  const content = str(call, 'Content', false);
  if (content !== undefined) checkContent(content, current.type);
  const policy = await storeCall(
    () =>
      call.store.updateOrgPolicy(id, {
        ...(name !== undefined ? { name } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(content !== undefined ? { document: content } : {}),
      }),
    {
      NoSuchEntity: () => policyNotFound(id),
      EntityAlreadyExists: () =>
        new OrgError('DuplicatePolicyException', 'A policy with the same name already exists.'),
    },
  );
  return { Policy: { PolicySummary: policySummary(org, policy), Content: policy.document } };
};

const listPolicies: OrgOperation = async (call) => {
  const org = await managed(call);
  const type = policyTypeFilter(call, 'Filter');
  const policies = type === null ? [] : await call.store.listOrgPolicies(type);
  return { Policies: policies.map((p) => policySummary(org, p)) };
};

const listPoliciesForTarget: OrgOperation = async (call) => {
  const org = await managed(call);
  const targetId = str(call, 'TargetId', true, TARGET_ID);
  const type = policyTypeFilter(call, 'Filter');
  await requireTarget(call, org, targetId);
  const policies = type === null ? [] : await call.store.listOrgPoliciesForTarget(targetId, type);
  return { Policies: policies.map((p) => policySummary(org, p)) };
};

const listTargetsForPolicy: OrgOperation = async (call) => {
  const org = await managed(call);
  const id = str(call, 'PolicyId', true, POLICY_ID);
  const policy = await requirePolicy(call, id);
  const targets: JsonObject[] = [];
  const has = async (target: string) =>
    (await call.store.listOrgPoliciesForTarget(target, policy.type)).some((p) => p.id === id);
  if (await has(org.rootId)) {
    targets.push({ TargetId: org.rootId, Arn: rootArn(org), Name: 'Root', Type: 'ROOT' });
  }
  const walk = async (parent: string, depth: number): Promise<void> => {
    if (depth > 6) return;
    for (const ou of await call.store.listOrganizationalUnits(parent)) {
      if (await has(ou.id))
        targets.push({ TargetId: ou.id, ...ouJson(org, ou), Type: 'ORGANIZATIONAL_UNIT' });
      await walk(ou.id, depth + 1);
    }
  };
  await walk(org.rootId, 0);
  for (const account of [...(await placedAccounts(call.store, org)).keys()].sort()) {
    if (await has(account)) {
      const json = await accountJson(call, org, account);
      targets.push({
        TargetId: account,
        Arn: json['Arn'] ?? null,
        Name: json['Name'] ?? null,
        Type: 'ACCOUNT',
      });
    }
  }
  return { Targets: targets };
};

const attachPolicy: OrgOperation = async (call) => {
  const org = await managed(call);
  const policyId = str(call, 'PolicyId', true, POLICY_ID);
  const targetId = str(call, 'TargetId', true, TARGET_ID);
  const policy = await requirePolicy(call, policyId);
  await requireTarget(call, org, targetId);
  const attached = await call.store.listOrgPoliciesForTarget(targetId, policy.type);
  if (attached.some((p) => p.id === policyId)) {
    throw new OrgError(
      'DuplicatePolicyAttachmentException',
      'The selected policy is already attached to the specified target.',
    );
  }
  if (attached.length >= 5) {
    throw constraintViolation(
      `You attempted to attach more than 5 policies of type ${TYPE_NAME[policy.type]} to ${targetId}.`,
      'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED',
    );
  }
  await storeCall(() => call.store.attachOrgPolicy(policyId, targetId), {
    NoSuchEntity: () => targetNotFound(targetId),
  });
  return {};
};

const detachPolicy: OrgOperation = async (call) => {
  const org = await managed(call);
  const policyId = str(call, 'PolicyId', true, POLICY_ID);
  const targetId = str(call, 'TargetId', true, TARGET_ID);
  const policy = await requirePolicy(call, policyId);
  await requireTarget(call, org, targetId);
  const attached = await call.store.listOrgPoliciesForTarget(targetId, policy.type);
  if (!attached.some((p) => p.id === policyId)) {
    throw new OrgError(
      'PolicyNotAttachedException',
      "The policy isn't attached to the specified target in the specified root.",
    );
  }
  await call.store.transaction((store) =>
    storeCall(() => store.detachOrgPolicy(policyId, targetId), {
      NoSuchEntity: () =>
        new OrgError(
          'PolicyNotAttachedException',
          "The policy isn't attached to the specified target in the specified root.",
        ),
      LimitExceeded: () =>
        constraintViolation(
          `You attempted to detach the last service control policy from ${targetId}; every root, OU and account must keep one.`,
          'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED',
        ),
    }),
  );
  return {};
};

const deletePolicy: OrgOperation = async (call) => {
  await managed(call);
  const policyId = str(call, 'PolicyId', true, POLICY_ID);
  const policy = await requirePolicy(call, policyId);
  if (policy.awsManaged) {
    throw new OrgError(
      'PolicyChangesNotAllowedException',
      'Changes to the specified policy are not allowed.',
    );
  }
  await storeCall(() => call.store.deleteOrgPolicy(policyId), {
    NoSuchEntity: () => policyNotFound(policyId),
    DeleteConflict: () =>
      new OrgError(
        'PolicyInUseException',
        'The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.',
      ),
  });
  return {};
};

const enablePolicyType: OrgOperation = async (call) => {
  const org = await managed(call);
  const rootId = str(call, 'RootId', true, ROOT_ID);
  if (rootId !== org.rootId)
    throw new OrgError(
      'RootNotFoundException',
      `We can't find a root with the RootId ${rootId} that you specified.`,
    );
  policyTypeFilter(call, 'PolicyType');
  // SCPs and RCPs are always enabled: AWS answers PolicyTypeAlreadyEnabledException.
  throw new OrgError('PolicyTypeAlreadyEnabledException', 'The specified policy type is already enabled.');
};

/** Operation name (the part of X-Amz-Target after the prefix) → handler. */
export const ORGANIZATIONS_OPERATIONS: Readonly<Record<string, OrgOperation>> = {
  CreateOrganization: createOrganization,
  DescribeOrganization: describeOrganization,
  DeleteOrganization: deleteOrganization,
  RemoveAccountFromOrganization: removeAccountFromOrganization,
  ListRoots: listRoots,
  CreateOrganizationalUnit: createOrganizationalUnit,
  DescribeOrganizationalUnit: describeOrganizationalUnit,
  DeleteOrganizationalUnit: deleteOrganizationalUnit,
  ListOrganizationalUnitsForParent: listOrganizationalUnitsForParent,
  ListAccounts: listAccounts,
  ListAccountsForParent: listAccountsForParent,
  DescribeAccount: describeAccount,
  ListParents: listParents,
  MoveAccount: moveAccount,
  CreatePolicy: createPolicy,
  DescribePolicy: describePolicy,
  UpdatePolicy: updatePolicy,
  ListPolicies: listPolicies,
  ListPoliciesForTarget: listPoliciesForTarget,
  ListTargetsForPolicy: listTargetsForPolicy,
  AttachPolicy: attachPolicy,
  DetachPolicy: detachPolicy,
  DeletePolicy: deletePolicy,
  EnablePolicyType: enablePolicyType,
};
