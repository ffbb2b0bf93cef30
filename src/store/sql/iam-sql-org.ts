// The organization part of the SQL IAM store: root, OUs, account placement, SCPs and RCPs and
// where they are attached. Plain functions over a query handle; SqlIamStore wraps them in its
// transactions. Modelled on AWS Organizations: a target always keeps at least one SCP (new OUs and
// joining accounts get FullAWSAccess), the RCPFullAWSAccess RCP is implied and never stored.
import type { Kysely } from 'kysely';
import {
  IamError,
  checkAccountId,
  noSuchAccount,
  type OrganizationalUnitRecord,
  type OrganizationPath,
  type OrganizationRecord,
  type OrgLevel,
  type OrgPolicyRecord,
  type OrgPolicyType,
  type OrgTargetKind,
} from '../../identity/model.js';
import type { CreateOrgPolicyInput } from '../../identity/iam-store.js';
import { randomLowerAlnum } from '../../sts/credentials.js';
import { toOrgPolicy } from './iam-rows.js';
import { date } from './rows.js';
import type { StoreDatabase } from './schema.js';

type Db = Kysely<StoreDatabase>;

/** AWS's id and name for the SCP every organization starts with. */
export const FULL_AWS_ACCESS_ID = 'p-FullAWSAccess';
const FULL_AWS_ACCESS_DOCUMENT =
  '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "*",\n      "Resource": "*"\n    }\n  ]\n}';
/** AWS Organizations allows five levels of OUs under the root. */
const MAX_OU_DEPTH = 5;

function noOrganization(): IamError {
  return new IamError('NoSuchEntity', 'Your account is not a member of an organization.');
}

function noSuchTarget(id: string): IamError {
  return new IamError(
    'NoSuchEntity',
    `We can't find a root, OU, or account with the ID ${id} that you specified.`,
  );
}

function noSuchOrgPolicy(id: string): IamError {
  return new IamError('NoSuchEntity', `We can't find a policy with the PolicyId ${id} that you specified.`);
}

function checkOrgName(name: string, what: string): void {
  // Control characters (U+0000–U+001F) are not allowed in Organizations names.
  if (name.length < 1 || name.length > 128 || [...name].some((c) => c.charCodeAt(0) < 0x20)) {
    throw new IamError(
      'InvalidInput',
      `The ${what} name must be 1 to 128 characters without control characters.`,
    );
  }
}

export async function getOrganization(q: Db): Promise<OrganizationRecord | null> {
  const row = await q.selectFrom('iam_organization').selectAll().where('id', '=', 1).executeTakeFirst();
  return row === undefined
    ? null
    : {
        id: row.org_id,
        rootId: row.root_id,
        managementAccount: row.management_account,
        createdAt: date(row.created_at),
      };
}

async function requireOrganization(q: Db): Promise<OrganizationRecord> {
  const org = await getOrganization(q);
  if (org === null) throw noOrganization();
  return org;
}

export async function createOrganization(
  q: Db,
  managementAccount: string | null,
): Promise<OrganizationRecord> {
  if ((await getOrganization(q)) !== null) {
    throw new IamError('EntityAlreadyExists', 'An organization already exists.');
  }
  if (managementAccount !== null) {
    checkAccountId(managementAccount);
    const acct = await q
      .selectFrom('iam_accounts')
      .select('id')
      .where('id', '=', managementAccount)
      .executeTakeFirst();
    if (acct === undefined) throw noSuchAccount(managementAccount);
  }
  const now = Date.now();
  const org: OrganizationRecord = {
    id: `o-${randomLowerAlnum(10)}`,
    rootId: `r-${randomLowerAlnum(4)}`,
    managementAccount,
    createdAt: new Date(now),
  };
  await q
    .insertInto('iam_organization')
    .values({
      id: 1,
      org_id: org.id,
      root_id: org.rootId,
      management_account: managementAccount,
      created_at: now,
    })
    .execute();
  const full = await q
    .selectFrom('iam_org_policies')
    .select('id')
    .where('id', '=', FULL_AWS_ACCESS_ID)
    .executeTakeFirst();
  if (full === undefined) {
    await q
      .insertInto('iam_org_policies')
      .values({
        id: FULL_AWS_ACCESS_ID,
        type: 'scp',
        name: 'FullAWSAccess',
        description: 'Allows access to every operation',
        document: FULL_AWS_ACCESS_DOCUMENT,
        aws_managed: 1,
        created_at: now,
      })
      .execute();
  }
  await q
    .insertInto('iam_org_policy_targets')
    .values({ policy_id: FULL_AWS_ACCESS_ID, target_id: org.rootId })
    .execute();
  return org;
}

export async function deleteOrganization(q: Db): Promise<void> {
  const org = await requireOrganization(q);
  const ou = await q.selectFrom('iam_org_units').select('id').limit(1).executeTakeFirst();
  const acct = await q.selectFrom('iam_org_accounts').select('account').limit(1).executeTakeFirst();
  const pol = await q
    .selectFrom('iam_org_policies')
    .select('id')
    .where('aws_managed', '=', 0)
    .limit(1)
    .executeTakeFirst();
  if (ou !== undefined || acct !== undefined || pol !== undefined) {
    throw new IamError(
      'DeleteConflict',
      'The organization still has organizational units, accounts or policies; remove them first.',
    );
  }
  await q.deleteFrom('iam_org_policy_targets').where('target_id', '=', org.rootId).execute();
  await q.deleteFrom('iam_org_policies').where('id', '=', FULL_AWS_ACCESS_ID).execute();
  await q.deleteFrom('iam_organization').where('id', '=', 1).execute();
}

/** root | ou (existing) | account (placed), or NoSuchEntity. */
async function targetKind(q: Db, org: OrganizationRecord, targetId: string): Promise<OrgTargetKind> {
  if (targetId === org.rootId) return 'root';
  if (targetId.startsWith('ou-')) {
    const ou = await q.selectFrom('iam_org_units').select('id').where('id', '=', targetId).executeTakeFirst();
    if (ou !== undefined) return 'ou';
  } else if (/^\d{12}$/.test(targetId)) {
    const acct = await q
      .selectFrom('iam_org_accounts')
      .select('account')
      .where('account', '=', targetId)
      .executeTakeFirst();
    if (acct !== undefined) return 'account';
  }
  throw noSuchTarget(targetId);
}

/** Parents must be the root or an existing OU. */
async function requireParent(q: Db, org: OrganizationRecord, parentId: string): Promise<void> {
  const kind = await targetKind(q, org, parentId).catch(() => undefined);
  if (kind !== 'root' && kind !== 'ou') {
    throw new IamError(
      'NoSuchEntity',
      `We can't find a root or OU with the ParentId ${parentId} that you specified.`,
    );
  }
}

async function ouDepth(q: Db, org: OrganizationRecord, id: string): Promise<number> {
  let depth = 0;
  let current = id;
  while (current !== org.rootId) {
    const row = await q
      .selectFrom('iam_org_units')
      .select('parent_id')
      .where('id', '=', current)
      .executeTakeFirst();
    if (row === undefined || ++depth > MAX_OU_DEPTH + 1) break;
    current = row.parent_id;
  }
  return depth;
}

function toUnit(row: { id: string; parent_id: string; name: string }): OrganizationalUnitRecord {
  return { id: row.id, parentId: row.parent_id, name: row.name };
}

export async function createOrganizationalUnit(
  q: Db,
  parentId: string,
  name: string,
): Promise<OrganizationalUnitRecord> {
  checkOrgName(name, 'organizational unit');
  const org = await requireOrganization(q);
  await requireParent(q, org, parentId);
  if ((await ouDepth(q, org, parentId)) >= MAX_OU_DEPTH) {
    throw new IamError(
      'LimitExceeded',
      `An organization can nest organizational units at most ${MAX_OU_DEPTH} levels deep.`,
    );
  }
  const taken = await q
    .selectFrom('iam_org_units')
    .select('id')
    .where('parent_id', '=', parentId)
    .where('name_key', '=', name.toLowerCase())
    .executeTakeFirst();
  if (taken !== undefined) {
    throw new IamError('EntityAlreadyExists', `An OU with name ${name} already exists under ${parentId}.`);
  }
  const id = `ou-${org.rootId.slice(2)}-${randomLowerAlnum(8)}`;
  await q
    .insertInto('iam_org_units')
    .values({ id, parent_id: parentId, name_key: name.toLowerCase(), name, created_at: Date.now() })
    .execute();
  await q
    .insertInto('iam_org_policy_targets')
    .values({ policy_id: FULL_AWS_ACCESS_ID, target_id: id })
    .execute();
  return { id, parentId, name };
}

export async function getOrganizationalUnit(q: Db, id: string): Promise<OrganizationalUnitRecord | null> {
  const row = await q.selectFrom('iam_org_units').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toUnit(row);
}

export async function listOrganizationalUnits(q: Db, parentId: string): Promise<OrganizationalUnitRecord[]> {
  const rows = await q
    .selectFrom('iam_org_units')
    .selectAll()
    .where('parent_id', '=', parentId)
    .orderBy('name_key')
    .execute();
  return rows.map(toUnit);
}

export async function renameOrganizationalUnit(q: Db, id: string, name: string): Promise<void> {
  checkOrgName(name, 'organizational unit');
  const ou = await getOrganizationalUnit(q, id);
  if (ou === null) throw noSuchTarget(id);
  const taken = await q
    .selectFrom('iam_org_units')
    .select('id')
    .where('parent_id', '=', ou.parentId)
    .where('name_key', '=', name.toLowerCase())
    .where('id', '!=', id)
    .executeTakeFirst();
  if (taken !== undefined) {
    throw new IamError('EntityAlreadyExists', `An OU with name ${name} already exists under ${ou.parentId}.`);
  }
  await q
    .updateTable('iam_org_units')
    .set({ name, name_key: name.toLowerCase() })
    .where('id', '=', id)
    .execute();
}

export async function deleteOrganizationalUnit(q: Db, id: string): Promise<void> {
  if ((await getOrganizationalUnit(q, id)) === null) throw noSuchTarget(id);
  const child = await q
    .selectFrom('iam_org_units')
    .select('id')
    .where('parent_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  const acct = await q
    .selectFrom('iam_org_accounts')
    .select('account')
    .where('parent_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (child !== undefined || acct !== undefined) {
    throw new IamError(
      'DeleteConflict',
      'The organizational unit is not empty: move or remove its accounts and OUs first.',
    );
  }
  await q.deleteFrom('iam_org_policy_targets').where('target_id', '=', id).execute();
  await q.deleteFrom('iam_org_units').where('id', '=', id).execute();
}

export async function placeAccount(q: Db, account: string, parentId: string): Promise<void> {
  checkAccountId(account);
  const org = await requireOrganization(q);
  const acct = await q.selectFrom('iam_accounts').select('id').where('id', '=', account).executeTakeFirst();
  if (acct === undefined) throw noSuchAccount(account);
  await requireParent(q, org, parentId);
  const placed = await q
    .selectFrom('iam_org_accounts')
    .select('parent_id')
    .where('account', '=', account)
    .executeTakeFirst();
  if (placed !== undefined) {
    if (placed.parent_id !== parentId) {
      await q
        .updateTable('iam_org_accounts')
        .set({ parent_id: parentId })
        .where('account', '=', account)
        .execute();
    }
    return;
  }
  await q.insertInto('iam_org_accounts').values({ account, parent_id: parentId }).execute();
  await q
    .insertInto('iam_org_policy_targets')
    .values({ policy_id: FULL_AWS_ACCESS_ID, target_id: account })
    .execute();
}

export async function removeAccount(q: Db, account: string): Promise<void> {
  const org = await requireOrganization(q);
  if (org.managementAccount === account) {
    throw new IamError('DeleteConflict', 'The management account cannot leave its organization.');
  }
  const res = await q.deleteFrom('iam_org_accounts').where('account', '=', account).executeTakeFirst();
  if (res.numDeletedRows === 0n) throw noSuchTarget(account);
  await q.deleteFrom('iam_org_policy_targets').where('target_id', '=', account).execute();
}

export async function listAccountsForParent(q: Db, parentId: string): Promise<string[]> {
  const rows = await q
    .selectFrom('iam_org_accounts')
    .select('account')
    .where('parent_id', '=', parentId)
    .orderBy('account')
    .execute();
  return rows.map((r) => r.account);
}

export async function getOrgPolicy(q: Db, id: string): Promise<OrgPolicyRecord | null> {
  const row = await q.selectFrom('iam_org_policies').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toOrgPolicy(row);
}

async function requireCustomPolicy(q: Db, id: string): Promise<OrgPolicyRecord> {
  const policy = await getOrgPolicy(q, id);
  if (policy === null) throw noSuchOrgPolicy(id);
  if (policy.awsManaged)
    throw new IamError('InvalidInput', `The AWS managed policy ${policy.name} cannot be changed or deleted.`);
  return policy;
}

async function requireUniquePolicyName(q: Db, name: string, except?: string): Promise<void> {
  const taken = await q
    .selectFrom('iam_org_policies')
    .select('id')
    .where('name', '=', name)
    .$if(except !== undefined, (b) => b.where('id', '!=', except as string))
    .executeTakeFirst();
  if (taken !== undefined)
    throw new IamError('EntityAlreadyExists', `A policy with the name ${name} already exists.`);
}

export async function createOrgPolicy(q: Db, input: CreateOrgPolicyInput): Promise<OrgPolicyRecord> {
  checkOrgName(input.name, 'policy');
  await requireOrganization(q);
  await requireUniquePolicyName(q, input.name);
  const id = `p-${randomLowerAlnum(8)}`;
  const row = {
    id,
    type: input.type,
    name: input.name,
    description: input.description ?? null,
    document: input.document,
    aws_managed: 0,
    created_at: Date.now(),
  };
  await q.insertInto('iam_org_policies').values(row).execute();
  return toOrgPolicy(row);
}

export async function listOrgPolicies(q: Db, type: OrgPolicyType): Promise<OrgPolicyRecord[]> {
  const rows = await q
    .selectFrom('iam_org_policies')
    .selectAll()
    .where('type', '=', type)
    .orderBy('name')
    .execute();
  return rows.map(toOrgPolicy);
}

export async function updateOrgPolicy(
  q: Db,
  id: string,
  update: { readonly name?: string; readonly document?: string; readonly description?: string | null },
): Promise<OrgPolicyRecord> {
  const current = await requireCustomPolicy(q, id);
  if (update.name !== undefined && update.name !== current.name) {
    checkOrgName(update.name, 'policy');
    await requireUniquePolicyName(q, update.name, id);
  }
  const next = {
    name: update.name ?? current.name,
    document: update.document ?? current.document,
    description: update.description !== undefined ? update.description : current.description,
  };
  await q.updateTable('iam_org_policies').set(next).where('id', '=', id).execute();
  return { ...current, ...next };
}

export async function deleteOrgPolicy(q: Db, id: string): Promise<void> {
  await requireCustomPolicy(q, id);
  const attached = await q
    .selectFrom('iam_org_policy_targets')
    .select('target_id')
    .where('policy_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (attached !== undefined)
    throw new IamError('DeleteConflict', 'The policy is attached to one or more targets; detach it first.');
  await q.deleteFrom('iam_org_policies').where('id', '=', id).execute();
}

export async function attachOrgPolicy(q: Db, policyId: string, targetId: string): Promise<void> {
  const org = await requireOrganization(q);
  if ((await getOrgPolicy(q, policyId)) === null) throw noSuchOrgPolicy(policyId);
  await targetKind(q, org, targetId);
  const existing = await q
    .selectFrom('iam_org_policy_targets')
    .select('policy_id')
    .where('policy_id', '=', policyId)
    .where('target_id', '=', targetId)
    .executeTakeFirst();
  if (existing === undefined)
    await q
      .insertInto('iam_org_policy_targets')
      .values({ policy_id: policyId, target_id: targetId })
      .execute();
}

export async function detachOrgPolicy(q: Db, policyId: string, targetId: string): Promise<void> {
  const policy = await getOrgPolicy(q, policyId);
  if (policy === null) throw noSuchOrgPolicy(policyId);
  const res = await q
    .deleteFrom('iam_org_policy_targets')
    .where('policy_id', '=', policyId)
    .where('target_id', '=', targetId)
    .executeTakeFirst();
  if (res.numDeletedRows === 0n) {
    throw new IamError('NoSuchEntity', `The policy ${policyId} is not attached to the target ${targetId}.`);
  }
  if (policy.type === 'scp') {
    const left = await listForTarget(q, targetId, 'scp');
    // AWS: every root, OU and account keeps at least one SCP (ConstraintViolation).
    if (left.length === 0) {
      throw new IamError(
        'LimitExceeded',
        `You cannot remove the last service control policy from ${targetId}; attach another one first.`,
      );
    }
  }
}

async function listForTarget(q: Db, targetId: string, type: OrgPolicyType): Promise<OrgPolicyRecord[]> {
  const rows = await q
    .selectFrom('iam_org_policy_targets as t')
    .innerJoin('iam_org_policies as p', 'p.id', 't.policy_id')
    .selectAll('p')
    .where('t.target_id', '=', targetId)
    .where('p.type', '=', type)
    .orderBy('p.name')
    .execute();
  return rows.map(toOrgPolicy);
}

export async function listOrgPoliciesForTarget(
  q: Db,
  targetId: string,
  type: OrgPolicyType,
): Promise<OrgPolicyRecord[]> {
  return listForTarget(q, targetId, type);
}

/** The account's levels root → OUs → account, or null outside any organization (or for its manager). */
export async function organizationPath(q: Db, account: string): Promise<OrganizationPath | null> {
  const org = await getOrganization(q);
  if (org === null || org.managementAccount === account) return null;
  const placed = await q
    .selectFrom('iam_org_accounts')
    .select('parent_id')
    .where('account', '=', account)
    .executeTakeFirst();
  if (placed === undefined) return null;
  const chain: { id: string; kind: OrgTargetKind }[] = [{ id: account, kind: 'account' }];
  let parent = placed.parent_id;
  for (let depth = 0; parent !== org.rootId; depth++) {
    const ou = await q
      .selectFrom('iam_org_units')
      .select('parent_id')
      .where('id', '=', parent)
      .executeTakeFirst();
    // A broken chain would silently drop levels; refuse to guess.
    if (ou === undefined || depth > MAX_OU_DEPTH)
      throw new Error(`organization: broken OU chain at ${parent}`);
    chain.push({ id: parent, kind: 'ou' });
    parent = ou.parent_id;
  }
  chain.push({ id: org.rootId, kind: 'root' });
  chain.reverse();
  const rows = await q
    .selectFrom('iam_org_policy_targets as t')
    .innerJoin('iam_org_policies as p', 'p.id', 't.policy_id')
    .selectAll('p')
    .select('t.target_id')
    .where(
      't.target_id',
      'in',
      chain.map((c) => c.id),
    )
    .orderBy('p.name')
    .execute();
  const levels: OrgLevel[] = chain.map(({ id, kind }) => {
    const here = rows.filter((r) => r.target_id === id).map(toOrgPolicy);
    return {
      targetId: id,
      kind,
      scps: here.filter((p) => p.type === 'scp'),
      rcps: here.filter((p) => p.type === 'rcp'),
    };
  });
  return { organization: org, levels };
}
