// IamStore over Kysely, shared by SQLite and PostgreSQL (the same queries, like SqlMetadataStore).
//
// Concurrency: every write transaction first increments the single generation row. On PostgreSQL
// that row lock serialises IAM writes (they are rare and small), so each write's existence checks
// see every earlier write — READ COMMITTED takes a fresh snapshot per statement after the lock is
// granted; SQLite serialises transactions anyway. Unique keys and foreign keys are the backstop.
// Authorization snapshots read in one REPEATABLE READ transaction (PostgreSQL), with the
// generation they reflect.
import { sql, type Kysely } from 'kysely';
import type {
  CreateAccessKeyInput,
  CreateGroupInput,
  CreateOrgPolicyInput,
  CreatePolicyInput,
  CreateRoleInput,
  CreateUserInput,
  IamStore,
  ListOptions,
  RenameInput,
} from '../../identity/iam-store.js';
import {
  IAM_LIMITS,
  IamError,
  checkAccessKeyId,
  checkAccountId,
  checkDescription,
  checkMaxSessionDuration,
  checkName,
  checkPath,
  checkTags,
  entityExists,
  isIamError,
  mergeTags,
  nameKey,
  noSuchAccessKey,
  noSuchAccount,
  noSuchEntity,
  noSuchInlinePolicy,
  noSuchPolicy,
  parsePolicyArn,
  policyArn,
  removeTags,
  type AccessKeyLastUsed,
  type AccessKeyRecord,
  type AccessKeyStatus,
  type AccessKeyWithSecret,
  type AccountAuthorization,
  type AccountRecord,
  type AttachedPolicyRef,
  type EntityKind,
  type EntityRef,
  type GroupAuthorization,
  type GroupRecord,
  type InlinePolicyRecord,
  type ManagedPolicyRecord,
  type ManagedPolicyText,
  type OrganizationalUnitRecord,
  type OrganizationPath,
  type OrganizationRecord,
  type OrgPolicyRecord,
  type OrgPolicyType,
  type PolicyVersionRecord,
  type RoleAuthorization,
  type RoleRecord,
  type Tags,
  type UserAuthorization,
  type UserRecord,
} from '../../identity/model.js';
import type { SecretBox } from '../../identity/secrets.js';
import { generateUniqueId } from '../../sts/credentials.js';
import { compileOnce } from './compiled-once.js';
import type { SqlDialectTraits } from './dialect.js';
import { inTransaction } from './transaction.js';
import { byPathPrefix, toAccessKey, toGroup, toRole, toUser, versionId, versionNumber } from './iam-rows.js';
import * as org from './iam-sql-org.js';
import { date, encodeMap, int } from './rows.js';
import type { StoreDatabase } from './schema.js';

type Db = Kysely<StoreDatabase>;

const ENTITY_TABLE = { user: 'iam_users', group: 'iam_groups', role: 'iam_roles' } as const;
const QUOTA_NAME: Readonly<Record<EntityKind, string>> = {
  user: 'PoliciesPerUser',
  group: 'PoliciesPerGroup',
  role: 'PoliciesPerRole',
};

interface PolicyRow {
  id: string;
  account: string;
  name: string;
  path: string;
  default_version: number;
  next_version: number;
  description: string | null;
  created_at: number | string | bigint;
  updated_at: number | string | bigint;
}

export interface SqlIamStoreOptions {
  /** Seals secret access keys at rest (SecretBox.forAccessKeys(masterKey)). */
  readonly secrets: SecretBox;
  /** Destroy the Kysely instance on close (false when it is shared with the metadata store). */
  readonly ownsDatabase?: boolean;
}

export class SqlIamStore implements IamStore {
  private readonly secrets: SecretBox;
  private readonly ownsDatabase: boolean;
  // Every authenticated request reads the generation: compiled once (see compiled-once.ts).
  private readonly generationQuery;

  constructor(
    private readonly db: Db,
    private readonly traits: SqlDialectTraits,
    options: SqlIamStoreOptions,
    /** Set on the instance `transaction()` hands out: it runs everything on that transaction. */
    private readonly inTransaction = false,
  ) {
    this.secrets = options.secrets;
    this.ownsDatabase = options.ownsDatabase ?? false;
    this.generationQuery = compileOnce(db.selectFrom('iam_generation').select('value').where('id', '=', 1));
  }

  // ---------------------------------------------------------------- transactions

  private async tx<T>(fn: (q: Db) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this.db);
    return inTransaction(this.db, this.traits, fn);
  }

  /** A write: one transaction that starts by bumping the generation (and, on PostgreSQL, locking it). */
  private async write<T>(fn: (q: Db) => Promise<T>): Promise<T> {
    try {
      return await this.tx(async (q) => {
        await q
          .updateTable('iam_generation')
          .set({ value: sql<number>`value + 1` })
          .where('id', '=', 1)
          .execute();
        return fn(q);
      });
    } catch (e) {
      // The checks above make these unreachable; if a race slips past them, answer in IAM terms.
      const violation = this.traits.constraintViolation(e);
      if (violation === 'unique') throw new IamError('EntityAlreadyExists', 'The entity already exists.');
      if (violation === 'foreign-key')
        throw new IamError('DeleteConflict', 'The entity is still referenced by another entity.');
      throw e;
    }
  }

  /** Reads that must agree with each other and with the generation they report. */
  private async snapshot<T>(fn: (q: Db) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this.db);
    let builder = this.db.transaction();
    if (this.traits.name === 'postgres') builder = builder.setIsolationLevel('repeatable read');
    return builder.execute(fn);
  }

  async generation(): Promise<number> {
    const row = await this.generationQuery.first(this.db, []);
    if (row === undefined) throw new Error('iam_generation has no row: the database is not migrated');
    return int(row.value);
  }

  private async generationIn(q: Db): Promise<number> {
    const row = await q
      .selectFrom('iam_generation')
      .select('value')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return int(row.value);
  }

  async transaction<T>(fn: (store: IamStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.tx((q) => fn(new SqlIamStore(q, this.traits, { secrets: this.secrets }, true)));
  }

  // ---------------------------------------------------------------- lookups

  private async requireAccount(q: Db, id: string): Promise<void> {
    const row = await q.selectFrom('iam_accounts').select('id').where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw noSuchAccount(id);
  }

  private userQuery(q: Db) {
    return q
      .selectFrom('iam_users')
      .leftJoin('iam_policies as bp', 'bp.id', 'iam_users.boundary_policy_id')
      .selectAll('iam_users')
      .select(['bp.account as b_account', 'bp.path as b_path', 'bp.name as b_name']);
  }

  private roleQuery(q: Db) {
    return q
      .selectFrom('iam_roles')
      .leftJoin('iam_policies as bp', 'bp.id', 'iam_roles.boundary_policy_id')
      .selectAll('iam_roles')
      .select(['bp.account as b_account', 'bp.path as b_path', 'bp.name as b_name']);
  }

  private async findUser(q: Db, account: string, name: string): Promise<UserRecord | null> {
    const row = await this.userQuery(q)
      .where('iam_users.account', '=', account)
      .where('iam_users.name_key', '=', nameKey(name))
      .executeTakeFirst();
    return row === undefined ? null : toUser(row);
  }

  private async findGroup(q: Db, account: string, name: string): Promise<GroupRecord | null> {
    const row = await q
      .selectFrom('iam_groups')
      .selectAll()
      .where('account', '=', account)
      .where('name_key', '=', nameKey(name))
      .executeTakeFirst();
    return row === undefined ? null : toGroup(row);
  }

  private async findRole(q: Db, account: string, name: string): Promise<RoleRecord | null> {
    const row = await this.roleQuery(q)
      .where('iam_roles.account', '=', account)
      .where('iam_roles.name_key', '=', nameKey(name))
      .executeTakeFirst();
    return row === undefined ? null : toRole(row);
  }

  /** The unique id of a user, group or role, or NoSuchEntity. */
  private async entityId(q: Db, ref: EntityRef): Promise<string> {
    const row = await q
      .selectFrom(ENTITY_TABLE[ref.kind])
      .select('id')
      .where('account', '=', ref.account)
      .where('name_key', '=', nameKey(ref.name))
      .executeTakeFirst();
    if (row === undefined) throw noSuchEntity(ref.kind, ref.name);
    return row.id;
  }

  private async nameTaken(
    q: Db,
    kind: EntityKind,
    account: string,
    name: string,
    except?: string,
  ): Promise<boolean> {
    const row = await q
      .selectFrom(ENTITY_TABLE[kind])
      .select('id')
      .where('account', '=', account)
      .where('name_key', '=', nameKey(name))
      .$if(except !== undefined, (b) => b.where('id', '!=', except as string))
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The policy row an ARN names (name without regard to case, path exactly), or null. */
  private async findPolicyRow(q: Db, arn: string): Promise<PolicyRow | null> {
    let parsed;
    try {
      parsed = parsePolicyArn(arn);
    } catch (e) {
      // AWS managed policy ARNs are well-formed but name nothing here; malformed ARNs stay errors.
      if (isIamError(e, 'NoSuchEntity')) return null;
      throw e;
    }
    const row = await q
      .selectFrom('iam_policies')
      .selectAll()
      .where('account', '=', parsed.account)
      .where('name_key', '=', nameKey(parsed.name))
      .executeTakeFirst();
    return row === undefined || row.path !== parsed.path ? null : row;
  }

  private async requirePolicyRow(q: Db, arn: string): Promise<PolicyRow> {
    const row = await this.findPolicyRow(q, arn);
    if (row === null) throw noSuchPolicy(arn);
    return row;
  }

  private async toPolicyRecord(q: Db, row: PolicyRow): Promise<ManagedPolicyRecord> {
    const [counts] = await this.policyCounts(q, [row.id]);
    return policyRecord(row, counts?.attachments ?? 0, counts?.boundaries ?? 0);
  }

  private async policyCounts(
    q: Db,
    ids: readonly string[],
  ): Promise<{ id: string; attachments: number; boundaries: number }[]> {
    if (ids.length === 0) return [];
    const attached = await q
      .selectFrom('iam_attachments')
      .select(['policy_id as pid', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('policy_id', 'in', ids)
      .groupBy('policy_id')
      .execute();
    const boundaries: { pid: string | null; n: number | string }[] = [];
    for (const table of ['iam_users', 'iam_roles'] as const) {
      boundaries.push(
        ...(await q
          .selectFrom(table)
          .select(['boundary_policy_id as pid', (eb) => eb.fn.countAll<number | string>().as('n')])
          .where('boundary_policy_id', 'in', ids)
          .groupBy('boundary_policy_id')
          .execute()),
      );
    }
    const count = (rows: readonly { pid: string | null; n: number | string }[], id: string) =>
      rows.reduce((sum, r) => (r.pid === id ? sum + int(r.n) : sum), 0);
    return ids.map((id) => ({ id, attachments: count(attached, id), boundaries: count(boundaries, id) }));
  }

  /** A boundary ARN must name a customer managed policy of the same account. */
  private async boundaryPolicyId(
    q: Db,
    account: string,
    arn: string | null | undefined,
  ): Promise<string | null> {
    if (arn == null) return null;
    const row = await this.requirePolicyRow(q, arn);
    if (row.account !== account) throw noSuchPolicy(arn);
    return row.id;
  }

  // ---------------------------------------------------------------- accounts

  async createAccount(input: { readonly id: string; readonly name: string }): Promise<AccountRecord> {
    checkAccountId(input.id);
    if (input.name.length < 1 || input.name.length > 50)
      throw new IamError('InvalidInput', 'An account name must be 1 to 50 characters.');
    return this.write(async (q) => {
      const exists = await q
        .selectFrom('iam_accounts')
        .select('id')
        .where('id', '=', input.id)
        .executeTakeFirst();
      if (exists !== undefined)
        throw new IamError('EntityAlreadyExists', `Account ${input.id} already exists.`);
      const now = Date.now();
      await q
        .insertInto('iam_accounts')
        .values({ id: input.id, name: input.name, created_at: now })
        .execute();
      return { id: input.id, name: input.name, createdAt: new Date(now) };
    });
  }

  async getAccount(id: string): Promise<AccountRecord | null> {
    const row = await this.db.selectFrom('iam_accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : { id: row.id, name: row.name, createdAt: date(row.created_at) };
  }

  async listAccounts(): Promise<AccountRecord[]> {
    const rows = await this.db.selectFrom('iam_accounts').selectAll().orderBy('id').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, createdAt: date(row.created_at) }));
  }

  async renameAccount(id: string, name: string): Promise<void> {
    if (name.length < 1 || name.length > 50)
      throw new IamError('InvalidInput', 'An account name must be 1 to 50 characters.');
    await this.write(async (q) => {
      const res = await q.updateTable('iam_accounts').set({ name }).where('id', '=', id).executeTakeFirst();
      if (res.numUpdatedRows === 0n) throw noSuchAccount(id);
    });
  }

  async deleteAccount(id: string): Promise<void> {
    await this.write(async (q) => {
      await this.requireAccount(q, id);
      for (const table of [
        'iam_users',
        'iam_groups',
        'iam_roles',
        'iam_policies',
        'iam_access_keys',
      ] as const) {
        const row = await q
          .selectFrom(table)
          .select('account')
          .where('account', '=', id)
          .limit(1)
          .executeTakeFirst();
        if (row !== undefined) {
          throw new IamError(
            'DeleteConflict',
            `Cannot delete account ${id}: it still has users, groups, roles, policies or access keys.`,
          );
        }
      }
      const organization = await org.getOrganization(q);
      const placed = await q
        .selectFrom('iam_org_accounts')
        .select('account')
        .where('account', '=', id)
        .executeTakeFirst();
      if (placed !== undefined || organization?.managementAccount === id) {
        throw new IamError(
          'DeleteConflict',
          `Cannot delete account ${id}: remove it from its organization first.`,
        );
      }
      await q.deleteFrom('iam_accounts').where('id', '=', id).execute();
    });
  }

  // ---------------------------------------------------------------- users

  async createUser(input: CreateUserInput): Promise<UserRecord> {
    const path = input.path ?? '/';
    checkName('user', input.name);
    checkPath(path);
    const tags = input.tags ?? {};
    checkTags(tags);
    return this.write(async (q) => {
      await this.requireAccount(q, input.account);
      if (await this.nameTaken(q, 'user', input.account, input.name)) throw entityExists('user', input.name);
      const boundary = await this.boundaryPolicyId(q, input.account, input.boundaryArn);
      const id = generateUniqueId('AIDA');
      await q
        .insertInto('iam_users')
        .values({
          id,
          account: input.account,
          name_key: nameKey(input.name),
          name: input.name,
          path,
          created_at: Date.now(),
          tags: encodeMap(tags),
          boundary_policy_id: boundary,
        })
        .execute();
      return (await this.findUser(q, input.account, input.name)) as UserRecord;
    });
  }

  async getUser(account: string, name: string): Promise<UserRecord | null> {
    return this.findUser(this.db, account, name);
  }

  async listUsers(account: string, options: ListOptions = {}): Promise<UserRecord[]> {
    const rows = await this.userQuery(this.db)
      .where('iam_users.account', '=', account)
      .orderBy('iam_users.name_key')
      .execute();
    return byPathPrefix(rows.map(toUser), options.pathPrefix);
  }

  async updateUser(account: string, name: string, update: RenameInput): Promise<UserRecord> {
    if (update.newName !== undefined) checkName('user', update.newName, 'newUserName');
    if (update.newPath !== undefined) checkPath(update.newPath, 'newPath');
    return this.write(async (q) => {
      const user = await this.findUser(q, account, name);
      if (user === null) throw noSuchEntity('user', name);
      const newName = update.newName ?? user.name;
      if (await this.nameTaken(q, 'user', account, newName, user.id)) throw entityExists('user', newName);
      await q
        .updateTable('iam_users')
        .set({ name: newName, name_key: nameKey(newName), path: update.newPath ?? user.path })
        .where('id', '=', user.id)
        .execute();
      return (await this.findUser(q, account, newName)) as UserRecord;
    });
  }

  async deleteUser(account: string, name: string): Promise<void> {
    await this.write(async (q) => {
      const id = await this.entityId(q, { account, kind: 'user', name });
      const key = await q
        .selectFrom('iam_access_keys')
        .select('access_key_id')
        .where('user_id', '=', id)
        .limit(1)
        .executeTakeFirst();
      if (key !== undefined)
        throw new IamError('DeleteConflict', 'Cannot delete entity, must delete access keys first.');
      await this.requireNoPolicies(q, 'user', id);
      const group = await q
        .selectFrom('iam_group_members')
        .select('group_id')
        .where('user_id', '=', id)
        .limit(1)
        .executeTakeFirst();
      if (group !== undefined)
        throw new IamError('DeleteConflict', 'Cannot delete entity, must remove users from group first.');
      await q.deleteFrom('iam_users').where('id', '=', id).execute();
    });
  }

  private async requireNoPolicies(q: Db, kind: EntityKind, id: string): Promise<void> {
    const inline = await q
      .selectFrom('iam_inline_policies')
      .select('name')
      .where('entity_kind', '=', kind)
      .where('entity_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    if (inline !== undefined)
      throw new IamError('DeleteConflict', 'Cannot delete entity, must delete policies first.');
    const attached = await q
      .selectFrom('iam_attachments')
      .select('policy_id')
      .where('entity_kind', '=', kind)
      .where('entity_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    if (attached !== undefined)
      throw new IamError('DeleteConflict', 'Cannot delete entity, must detach all policies first.');
  }

  // ---------------------------------------------------------------- groups

  async createGroup(input: CreateGroupInput): Promise<GroupRecord> {
    const path = input.path ?? '/';
    checkName('group', input.name);
    checkPath(path);
    return this.write(async (q) => {
      await this.requireAccount(q, input.account);
      if (await this.nameTaken(q, 'group', input.account, input.name))
        throw entityExists('group', input.name);
      const row = {
        id: generateUniqueId('AGPA'),
        account: input.account,
        name_key: nameKey(input.name),
        name: input.name,
        path,
        created_at: Date.now(),
      };
      await q.insertInto('iam_groups').values(row).execute();
      return toGroup(row);
    });
  }

  async getGroup(account: string, name: string): Promise<GroupRecord | null> {
    return this.findGroup(this.db, account, name);
  }

  async listGroups(account: string, options: ListOptions = {}): Promise<GroupRecord[]> {
    const rows = await this.db
      .selectFrom('iam_groups')
      .selectAll()
      .where('account', '=', account)
      .orderBy('name_key')
      .execute();
    return byPathPrefix(rows.map(toGroup), options.pathPrefix);
  }

  async updateGroup(account: string, name: string, update: RenameInput): Promise<GroupRecord> {
    if (update.newName !== undefined) checkName('group', update.newName, 'newGroupName');
    if (update.newPath !== undefined) checkPath(update.newPath, 'newPath');
    return this.write(async (q) => {
      const group = await this.findGroup(q, account, name);
      if (group === null) throw noSuchEntity('group', name);
      const newName = update.newName ?? group.name;
      if (await this.nameTaken(q, 'group', account, newName, group.id)) throw entityExists('group', newName);
      await q
        .updateTable('iam_groups')
        .set({ name: newName, name_key: nameKey(newName), path: update.newPath ?? group.path })
        .where('id', '=', group.id)
        .execute();
      return (await this.findGroup(q, account, newName)) as GroupRecord;
    });
  }

  async deleteGroup(account: string, name: string): Promise<void> {
    await this.write(async (q) => {
      const id = await this.entityId(q, { account, kind: 'group', name });
      const member = await q
        .selectFrom('iam_group_members')
        .select('user_id')
        .where('group_id', '=', id)
        .limit(1)
        .executeTakeFirst();
      if (member !== undefined)
        throw new IamError('DeleteConflict', 'Cannot delete entity, must remove users from group first.');
      await this.requireNoPolicies(q, 'group', id);
      await q.deleteFrom('iam_groups').where('id', '=', id).execute();
    });
  }

  async addUserToGroup(account: string, groupName: string, userName: string): Promise<void> {
    await this.write(async (q) => {
      const groupId = await this.entityId(q, { account, kind: 'group', name: groupName });
      const userId = await this.entityId(q, { account, kind: 'user', name: userName });
      const groups = await q
        .selectFrom('iam_group_members')
        .select('group_id')
        .where('user_id', '=', userId)
        .execute();
      if (groups.some((g) => g.group_id === groupId)) return;
      if (groups.length >= IAM_LIMITS.groupsPerUser) {
        throw new IamError(
          'LimitExceeded',
          `Cannot exceed quota for GroupsPerUser: ${IAM_LIMITS.groupsPerUser}`,
        );
      }
      await q.insertInto('iam_group_members').values({ group_id: groupId, user_id: userId }).execute();
    });
  }

  async removeUserFromGroup(account: string, groupName: string, userName: string): Promise<void> {
    await this.write(async (q) => {
      const groupId = await this.entityId(q, { account, kind: 'group', name: groupName });
      const userId = await this.entityId(q, { account, kind: 'user', name: userName });
      const res = await q
        .deleteFrom('iam_group_members')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (res.numDeletedRows === 0n) throw noSuchEntity('user', userName);
    });
  }

  async listGroupMembers(account: string, groupName: string): Promise<UserRecord[]> {
    const group = await this.findGroup(this.db, account, groupName);
    if (group === null) throw noSuchEntity('group', groupName);
    const rows = await this.userQuery(this.db)
      .innerJoin('iam_group_members as m', 'm.user_id', 'iam_users.id')
      .where('m.group_id', '=', group.id)
      .orderBy('iam_users.name_key')
      .execute();
    return rows.map(toUser);
  }

  async listGroupsForUser(account: string, userName: string): Promise<GroupRecord[]> {
    const userId = await this.entityId(this.db, { account, kind: 'user', name: userName });
    const rows = await this.db
      .selectFrom('iam_groups')
      .innerJoin('iam_group_members as m', 'm.group_id', 'iam_groups.id')
      .selectAll('iam_groups')
      .where('m.user_id', '=', userId)
      .orderBy('iam_groups.name_key')
      .execute();
    return rows.map(toGroup);
  }

  // ---------------------------------------------------------------- roles

  async createRole(input: CreateRoleInput): Promise<RoleRecord> {
    const path = input.path ?? '/';
    const maxSessionDuration = input.maxSessionDuration ?? IAM_LIMITS.minSessionDuration;
    checkName('role', input.name);
    checkPath(path);
    checkMaxSessionDuration(maxSessionDuration);
    checkDescription(input.description);
    const tags = input.tags ?? {};
    checkTags(tags);
    return this.write(async (q) => {
      await this.requireAccount(q, input.account);
      if (await this.nameTaken(q, 'role', input.account, input.name)) throw entityExists('role', input.name);
      const boundary = await this.boundaryPolicyId(q, input.account, input.boundaryArn);
      await q
        .insertInto('iam_roles')
        .values({
          id: generateUniqueId('AROA'),
          account: input.account,
          name_key: nameKey(input.name),
          name: input.name,
          path,
          created_at: Date.now(),
          trust_policy: input.trustPolicy,
          max_session_duration: maxSessionDuration,
          tags: encodeMap(tags),
          boundary_policy_id: boundary,
          description: input.description ?? null,
        })
        .execute();
      return (await this.findRole(q, input.account, input.name)) as RoleRecord;
    });
  }

  async getRole(account: string, name: string): Promise<RoleRecord | null> {
    return this.findRole(this.db, account, name);
  }

  async listRoles(account: string, options: ListOptions = {}): Promise<RoleRecord[]> {
    const rows = await this.roleQuery(this.db)
      .where('iam_roles.account', '=', account)
      .orderBy('iam_roles.name_key')
      .execute();
    return byPathPrefix(rows.map(toRole), options.pathPrefix);
  }

  async updateRole(
    account: string,
    name: string,
    update: { readonly description?: string | null; readonly maxSessionDuration?: number },
  ): Promise<RoleRecord> {
    if (update.maxSessionDuration !== undefined) checkMaxSessionDuration(update.maxSessionDuration);
    checkDescription(update.description);
    return this.write(async (q) => {
      const role = await this.findRole(q, account, name);
      if (role === null) throw noSuchEntity('role', name);
      await q
        .updateTable('iam_roles')
        .set({
          description: update.description !== undefined ? update.description : role.description,
          max_session_duration: update.maxSessionDuration ?? role.maxSessionDuration,
        })
        .where('id', '=', role.id)
        .execute();
      return (await this.findRole(q, account, name)) as RoleRecord;
    });
  }

  async updateTrustPolicy(account: string, name: string, document: string): Promise<void> {
    await this.write(async (q) => {
      const id = await this.entityId(q, { account, kind: 'role', name });
      await q.updateTable('iam_roles').set({ trust_policy: document }).where('id', '=', id).execute();
    });
  }

  async deleteRole(account: string, name: string): Promise<void> {
    await this.write(async (q) => {
      const id = await this.entityId(q, { account, kind: 'role', name });
      await this.requireNoPolicies(q, 'role', id);
      await q.deleteFrom('iam_roles').where('id', '=', id).execute();
    });
  }

  // ---------------------------------------------------------------- tags and boundaries

  private taggable(ref: EntityRef): 'iam_users' | 'iam_roles' {
    if (ref.kind === 'group') throw new IamError('InvalidInput', 'IAM groups cannot be tagged.');
    return ref.kind === 'user' ? 'iam_users' : 'iam_roles';
  }

  private async retag(ref: EntityRef, change: (current: Tags) => Record<string, string>): Promise<void> {
    const table = this.taggable(ref);
    await this.write(async (q) => {
      const id = await this.entityId(q, ref);
      const row = await q.selectFrom(table).select('tags').where('id', '=', id).executeTakeFirstOrThrow();
      const next = change(JSON.parse(row.tags) as Tags);
      checkTags(next);
      await q
        .updateTable(table)
        .set({ tags: encodeMap(next) })
        .where('id', '=', id)
        .execute();
    });
  }

  async tagEntity(ref: EntityRef, tags: Tags): Promise<void> {
    checkTags(tags);
    await this.retag(ref, (current) => mergeTags(current, tags));
  }

  async untagEntity(ref: EntityRef, keys: readonly string[]): Promise<void> {
    await this.retag(ref, (current) => removeTags(current, keys));
  }

  async setPermissionsBoundary(ref: EntityRef, arn: string | null): Promise<void> {
    const table = this.taggable(ref);
    await this.write(async (q) => {
      const id = await this.entityId(q, ref);
      const boundary = await this.boundaryPolicyId(q, ref.account, arn);
      await q.updateTable(table).set({ boundary_policy_id: boundary }).where('id', '=', id).execute();
    });
  }

  // ---------------------------------------------------------------- managed policies

  async createPolicy(input: CreatePolicyInput): Promise<ManagedPolicyRecord> {
    const path = input.path ?? '/';
    checkName('policy', input.name, 'policyName');
    checkPath(path);
    checkDescription(input.description);
    return this.write(async (q) => {
      await this.requireAccount(q, input.account);
      const taken = await q
        .selectFrom('iam_policies')
        .select('id')
        .where('account', '=', input.account)
        .where('name_key', '=', nameKey(input.name))
        .executeTakeFirst();
      if (taken !== undefined) {
        throw new IamError(
          'EntityAlreadyExists',
          `A policy called ${input.name} already exists. Duplicate names are not allowed.`,
        );
      }
      const now = Date.now();
      const row = {
        id: generateUniqueId('ANPA'),
        account: input.account,
        name_key: nameKey(input.name),
        name: input.name,
        path,
        default_version: 1,
        next_version: 2,
        description: input.description ?? null,
        created_at: now,
        updated_at: now,
      };
      await q.insertInto('iam_policies').values(row).execute();
      await q
        .insertInto('iam_policy_versions')
        .values({ policy_id: row.id, version: 1, document: input.document, created_at: now })
        .execute();
      return policyRecord(row, 0, 0);
    });
  }

  async getPolicy(arn: string): Promise<ManagedPolicyRecord | null> {
    const row = await this.findPolicyRow(this.db, arn);
    return row === null ? null : this.toPolicyRecord(this.db, row);
  }

  async listPolicies(
    account: string,
    options: ListOptions & { readonly onlyAttached?: boolean } = {},
  ): Promise<ManagedPolicyRecord[]> {
    const rows = await this.db
      .selectFrom('iam_policies')
      .selectAll()
      .where('account', '=', account)
      .orderBy('name_key')
      .execute();
    const counts = await this.policyCounts(
      this.db,
      rows.map((r) => r.id),
    );
    const records = rows.map((row, i) =>
      policyRecord(row, counts[i]?.attachments ?? 0, counts[i]?.boundaries ?? 0),
    );
    const listed = byPathPrefix(records, options.pathPrefix);
    return options.onlyAttached === true ? listed.filter((p) => p.attachmentCount > 0) : listed;
  }

  async deletePolicy(arn: string): Promise<void> {
    await this.write(async (q) => {
      const row = await this.requirePolicyRow(q, arn);
      const [counts] = await this.policyCounts(q, [row.id]);
      if ((counts?.attachments ?? 0) > 0)
        throw new IamError('DeleteConflict', 'Cannot delete a policy attached to entities.');
      if ((counts?.boundaries ?? 0) > 0) {
        throw new IamError(
          'DeleteConflict',
          'Cannot delete a policy used as a permissions boundary; remove it from users and roles first.',
        );
      }
      const versions = await q
        .selectFrom('iam_policy_versions')
        .select('version')
        .where('policy_id', '=', row.id)
        .execute();
      if (versions.length > 1) {
        throw new IamError(
          'DeleteConflict',
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        );
      }
      await q.deleteFrom('iam_policy_versions').where('policy_id', '=', row.id).execute();
      await q.deleteFrom('iam_policies').where('id', '=', row.id).execute();
    });
  }

  async createPolicyVersion(
    arn: string,
    document: string,
    setAsDefault: boolean,
  ): Promise<PolicyVersionRecord> {
    return this.write(async (q) => {
      const row = await this.requirePolicyRow(q, arn);
      const versions = await q
        .selectFrom('iam_policy_versions')
        .select('version')
        .where('policy_id', '=', row.id)
        .execute();
      if (versions.length >= IAM_LIMITS.policyVersions) {
        throw new IamError(
          'LimitExceeded',
          `A managed policy can have up to ${IAM_LIMITS.policyVersions} versions. Before you create a new version, you must delete an existing version.`,
        );
      }
      const n = row.next_version;
      const now = Date.now();
      await q
        .insertInto('iam_policy_versions')
        .values({ policy_id: row.id, version: n, document, created_at: now })
        .execute();
      await q
        .updateTable('iam_policies')
        .set({ next_version: n + 1, updated_at: now, ...(setAsDefault ? { default_version: n } : {}) })
        .where('id', '=', row.id)
        .execute();
      return { versionId: versionId(n), document, isDefault: setAsDefault, createdAt: new Date(now) };
    });
  }

  async getPolicyVersion(arn: string, id: string): Promise<PolicyVersionRecord | null> {
    const n = versionNumber(id);
    const row = await this.findPolicyRow(this.db, arn);
    if (row === null || n === undefined) return null;
    const v = await this.db
      .selectFrom('iam_policy_versions')
      .selectAll()
      .where('policy_id', '=', row.id)
      .where('version', '=', n)
      .executeTakeFirst();
    return v === undefined
      ? null
      : {
          versionId: versionId(v.version),
          document: v.document,
          isDefault: v.version === row.default_version,
          createdAt: date(v.created_at),
        };
  }

  async listPolicyVersions(arn: string): Promise<PolicyVersionRecord[]> {
    const row = await this.requirePolicyRow(this.db, arn);
    const rows = await this.db
      .selectFrom('iam_policy_versions')
      .selectAll()
      .where('policy_id', '=', row.id)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((v) => ({
      versionId: versionId(v.version),
      document: v.document,
      isDefault: v.version === row.default_version,
      createdAt: date(v.created_at),
    }));
  }

  private noSuchVersion(arn: string, id: string): IamError {
    return new IamError('NoSuchEntity', `Policy ${arn} version ${id} does not exist or is not attachable.`);
  }

  async deletePolicyVersion(arn: string, id: string): Promise<void> {
    await this.write(async (q) => {
      const row = await this.requirePolicyRow(q, arn);
      const n = versionNumber(id);
      if (n === undefined) throw this.noSuchVersion(arn, id);
      if (n === row.default_version)
        throw new IamError('DeleteConflict', 'Cannot delete the default version of a policy.');
      const res = await q
        .deleteFrom('iam_policy_versions')
        .where('policy_id', '=', row.id)
        .where('version', '=', n)
        .executeTakeFirst();
      if (res.numDeletedRows === 0n) throw this.noSuchVersion(arn, id);
      await q.updateTable('iam_policies').set({ updated_at: Date.now() }).where('id', '=', row.id).execute();
    });
  }

  async setDefaultPolicyVersion(arn: string, id: string): Promise<void> {
    await this.write(async (q) => {
      const row = await this.requirePolicyRow(q, arn);
      const n = versionNumber(id);
      const v =
        n === undefined
          ? undefined
          : await q
              .selectFrom('iam_policy_versions')
              .select('version')
              .where('policy_id', '=', row.id)
              .where('version', '=', n)
              .executeTakeFirst();
      if (v === undefined || n === undefined) throw this.noSuchVersion(arn, id);
      await q
        .updateTable('iam_policies')
        .set({ default_version: n, updated_at: Date.now() })
        .where('id', '=', row.id)
        .execute();
    });
  }

  async getPolicyDocument(arn: string): Promise<ManagedPolicyText | null> {
    let parsed;
    try {
      parsed = parsePolicyArn(arn);
    } catch {
      return null;
    }
    const row = await this.db
      .selectFrom('iam_policies as p')
      .innerJoin('iam_policy_versions as v', (j) =>
        j.onRef('v.policy_id', '=', 'p.id').onRef('v.version', '=', 'p.default_version'),
      )
      .select(['p.account', 'p.path', 'p.name', 'p.default_version', 'v.document'])
      .where('p.account', '=', parsed.account)
      .where('p.name_key', '=', nameKey(parsed.name))
      .executeTakeFirst();
    if (row === undefined || row.path !== parsed.path) return null;
    return {
      arn: policyArn(row.account, row.path, row.name),
      versionId: versionId(row.default_version),
      document: row.document,
    };
  }

  // ---------------------------------------------------------------- attachments

  async attachPolicy(ref: EntityRef, arn: string): Promise<void> {
    await this.write(async (q) => {
      const entityId = await this.entityId(q, ref);
      const policy = await this.requirePolicyRow(q, arn);
      // Customer managed policies attach only within their own account.
      if (policy.account !== ref.account) throw noSuchPolicy(arn);
      const attached = await q
        .selectFrom('iam_attachments')
        .select('policy_id')
        .where('entity_kind', '=', ref.kind)
        .where('entity_id', '=', entityId)
        .execute();
      if (attached.some((a) => a.policy_id === policy.id)) return;
      if (attached.length >= IAM_LIMITS.managedPoliciesPerEntity) {
        throw new IamError(
          'LimitExceeded',
          `Cannot exceed quota for ${QUOTA_NAME[ref.kind]}: ${IAM_LIMITS.managedPoliciesPerEntity}`,
        );
      }
      await q
        .insertInto('iam_attachments')
        .values({ entity_kind: ref.kind, entity_id: entityId, policy_id: policy.id })
        .execute();
    });
  }

  async detachPolicy(ref: EntityRef, arn: string): Promise<void> {
    await this.write(async (q) => {
      const entityId = await this.entityId(q, ref);
      const policy = await this.requirePolicyRow(q, arn);
      const res = await q
        .deleteFrom('iam_attachments')
        .where('entity_kind', '=', ref.kind)
        .where('entity_id', '=', entityId)
        .where('policy_id', '=', policy.id)
        .executeTakeFirst();
      if (res.numDeletedRows === 0n) throw new IamError('NoSuchEntity', `Policy ${arn} was not found.`);
    });
  }

  async listAttachedPolicies(ref: EntityRef): Promise<AttachedPolicyRef[]> {
    const entityId = await this.entityId(this.db, ref);
    const rows = await this.db
      .selectFrom('iam_attachments as a')
      .innerJoin('iam_policies as p', 'p.id', 'a.policy_id')
      .select(['p.account', 'p.path', 'p.name'])
      .where('a.entity_kind', '=', ref.kind)
      .where('a.entity_id', '=', entityId)
      .orderBy('p.name_key')
      .execute();
    return rows.map((r) => ({ arn: policyArn(r.account, r.path, r.name), name: r.name }));
  }

  async listEntitiesForPolicy(arn: string): Promise<EntityRef[]> {
    const policy = await this.requirePolicyRow(this.db, arn);
    const out: EntityRef[] = [];
    for (const kind of ['group', 'role', 'user'] as const) {
      const ids = await this.db
        .selectFrom('iam_attachments')
        .select('entity_id')
        .where('entity_kind', '=', kind)
        .where('policy_id', '=', policy.id)
        .execute();
      if (ids.length === 0) continue;
      const rows = await this.db
        .selectFrom(ENTITY_TABLE[kind])
        .select(['account', 'name'])
        .where(
          'id',
          'in',
          ids.map((r) => r.entity_id),
        )
        .orderBy('name_key')
        .execute();
      for (const r of rows) out.push({ account: r.account, kind, name: r.name });
    }
    return out;
  }

  // ---------------------------------------------------------------- inline policies

  async putInlinePolicy(ref: EntityRef, policyName: string, document: string): Promise<void> {
    checkName('policy', policyName, 'policyName');
    await this.write(async (q) => {
      const entityId = await this.entityId(q, ref);
      const key = nameKey(policyName);
      const res = await q
        .updateTable('iam_inline_policies')
        .set({ name: policyName, document })
        .where('entity_kind', '=', ref.kind)
        .where('entity_id', '=', entityId)
        .where('name_key', '=', key)
        .executeTakeFirst();
      if (res.numUpdatedRows === 0n) {
        await q
          .insertInto('iam_inline_policies')
          .values({ entity_kind: ref.kind, entity_id: entityId, name_key: key, name: policyName, document })
          .execute();
      }
    });
  }

  async getInlinePolicy(ref: EntityRef, policyName: string): Promise<InlinePolicyRecord | null> {
    const entityId = await this.entityId(this.db, ref);
    const row = await this.db
      .selectFrom('iam_inline_policies')
      .select(['name', 'document'])
      .where('entity_kind', '=', ref.kind)
      .where('entity_id', '=', entityId)
      .where('name_key', '=', nameKey(policyName))
      .executeTakeFirst();
    return row ?? null;
  }

  async listInlinePolicies(ref: EntityRef): Promise<string[]> {
    const entityId = await this.entityId(this.db, ref);
    const rows = await this.db
      .selectFrom('iam_inline_policies')
      .select('name')
      .where('entity_kind', '=', ref.kind)
      .where('entity_id', '=', entityId)
      .orderBy('name_key')
      .execute();
    return rows.map((r) => r.name);
  }

  async deleteInlinePolicy(ref: EntityRef, policyName: string): Promise<void> {
    await this.write(async (q) => {
      const entityId = await this.entityId(q, ref);
      const res = await q
        .deleteFrom('iam_inline_policies')
        .where('entity_kind', '=', ref.kind)
        .where('entity_id', '=', entityId)
        .where('name_key', '=', nameKey(policyName))
        .executeTakeFirst();
      if (res.numDeletedRows === 0n) throw noSuchInlinePolicy(ref.kind, policyName);
    });
  }

  // ---------------------------------------------------------------- access keys

  /** The owner's user id (null for root), after checking the account and user exist. */
  private async keyOwner(q: Db, account: string, userName: string | null): Promise<string | null> {
    await this.requireAccount(q, account);
    return userName === null ? null : this.entityId(q, { account, kind: 'user', name: userName });
  }

  private ownerKeys(q: Db, account: string, userId: string | null) {
    const base = q.selectFrom('iam_access_keys').selectAll().where('account', '=', account);
    return userId === null ? base.where('user_id', 'is', null) : base.where('user_id', '=', userId);
  }

  async createAccessKey(input: CreateAccessKeyInput): Promise<AccessKeyRecord> {
    checkAccessKeyId(input.accessKeyId);
    const status = input.status ?? 'Active';
    if (status !== 'Active' && status !== 'Inactive')
      throw new IamError('InvalidInput', `Status ${String(status)} is not Active or Inactive.`);
    return this.write(async (q) => {
      const userId = await this.keyOwner(q, input.account, input.userName);
      const taken = await q
        .selectFrom('iam_access_keys')
        .select('access_key_id')
        .where('access_key_id', '=', input.accessKeyId)
        .executeTakeFirst();
      if (taken !== undefined)
        throw new IamError(
          'EntityAlreadyExists',
          `The access key id ${input.accessKeyId} is already in use.`,
        );
      const existing = await this.ownerKeys(q, input.account, userId).execute();
      if (existing.length >= IAM_LIMITS.accessKeysPerUser) {
        throw new IamError(
          'LimitExceeded',
          `Cannot exceed quota for AccessKeysPerUser: ${IAM_LIMITS.accessKeysPerUser}`,
        );
      }
      const row = {
        access_key_id: input.accessKeyId,
        account: input.account,
        user_id: userId,
        secret: this.secrets.seal(input.secretAccessKey, input.accessKeyId),
        status,
        created_at: (input.createdAt ?? new Date()).getTime(),
        last_used_at: null,
        last_used_service: null,
        last_used_region: null,
      };
      await q.insertInto('iam_access_keys').values(row).execute();
      const user = input.userName === null ? null : await this.findUser(q, input.account, input.userName);
      return toAccessKey(row, user?.name ?? null);
    });
  }

  async findAccessKey(accessKeyId: string): Promise<AccessKeyWithSecret | null> {
    const row = await this.db
      .selectFrom('iam_access_keys as k')
      .leftJoin('iam_users as u', 'u.id', 'k.user_id')
      .selectAll('k')
      .select('u.name as user_name')
      .where('k.access_key_id', '=', accessKeyId)
      .executeTakeFirst();
    if (row === undefined) return null;
    return {
      ...toAccessKey(row, row.user_name),
      secretAccessKey: this.secrets.open(row.secret, row.access_key_id),
    };
  }

  async listAccessKeys(account: string, userName: string | null): Promise<AccessKeyRecord[]> {
    const userId = await this.keyOwner(this.db, account, userName);
    const user = userName === null ? null : await this.findUser(this.db, account, userName);
    const rows = await this.ownerKeys(this.db, account, userId)
      .orderBy('created_at')
      .orderBy('access_key_id')
      .execute();
    return rows.map((r) => toAccessKey(r, user?.name ?? null));
  }

  private async ownedKey(
    q: Db,
    account: string,
    userName: string | null,
    accessKeyId: string,
  ): Promise<void> {
    const userId = await this.keyOwner(q, account, userName);
    const row = await this.ownerKeys(q, account, userId)
      .where('access_key_id', '=', accessKeyId)
      .executeTakeFirst();
    if (row === undefined) throw noSuchAccessKey(accessKeyId);
  }

  async updateAccessKey(
    account: string,
    userName: string | null,
    accessKeyId: string,
    status: AccessKeyStatus,
  ): Promise<void> {
    if (status !== 'Active' && status !== 'Inactive')
      throw new IamError('InvalidInput', `Status ${String(status)} is not Active or Inactive.`);
    await this.write(async (q) => {
      await this.ownedKey(q, account, userName, accessKeyId);
      await q
        .updateTable('iam_access_keys')
        .set({ status })
        .where('access_key_id', '=', accessKeyId)
        .execute();
    });
  }

  async deleteAccessKey(account: string, userName: string | null, accessKeyId: string): Promise<void> {
    await this.write(async (q) => {
      await this.ownedKey(q, account, userName, accessKeyId);
      await q.deleteFrom('iam_access_keys').where('access_key_id', '=', accessKeyId).execute();
    });
  }

  async recordAccessKeyUse(accessKeyId: string, used: AccessKeyLastUsed): Promise<void> {
    // Not an authorization change: no generation bump, so busy keys do not flush every cache.
    await this.db
      .updateTable('iam_access_keys')
      .set({
        last_used_at: used.date.getTime(),
        last_used_service: used.service,
        last_used_region: used.region,
      })
      .where('access_key_id', '=', accessKeyId)
      .execute();
  }

  // ---------------------------------------------------------------- organization

  async createOrganization(
    input: { readonly managementAccount?: string | null } = {},
  ): Promise<OrganizationRecord> {
    return this.write((q) => org.createOrganization(q, input.managementAccount ?? null));
  }

  async getOrganization(): Promise<OrganizationRecord | null> {
    return org.getOrganization(this.db);
  }

  async deleteOrganization(): Promise<void> {
    await this.write((q) => org.deleteOrganization(q));
  }

  async createOrganizationalUnit(input: {
    readonly parentId: string;
    readonly name: string;
  }): Promise<OrganizationalUnitRecord> {
    return this.write((q) => org.createOrganizationalUnit(q, input.parentId, input.name));
  }

  async getOrganizationalUnit(id: string): Promise<OrganizationalUnitRecord | null> {
    return org.getOrganizationalUnit(this.db, id);
  }

  async listOrganizationalUnits(parentId: string): Promise<OrganizationalUnitRecord[]> {
    return org.listOrganizationalUnits(this.db, parentId);
  }

  async renameOrganizationalUnit(id: string, name: string): Promise<void> {
    await this.write((q) => org.renameOrganizationalUnit(q, id, name));
  }

  async deleteOrganizationalUnit(id: string): Promise<void> {
    await this.write((q) => org.deleteOrganizationalUnit(q, id));
  }

  async placeAccount(account: string, parentId: string): Promise<void> {
    await this.write((q) => org.placeAccount(q, account, parentId));
  }

  async removeAccountFromOrganization(account: string): Promise<void> {
    await this.write((q) => org.removeAccount(q, account));
  }

  async listAccountsForParent(parentId: string): Promise<string[]> {
    return org.listAccountsForParent(this.db, parentId);
  }

  async createOrgPolicy(input: CreateOrgPolicyInput): Promise<OrgPolicyRecord> {
    if (input.type !== 'scp' && input.type !== 'rcp')
      throw new IamError('InvalidInput', `Policy type ${String(input.type)} is not scp or rcp.`);
    return this.write((q) => org.createOrgPolicy(q, input));
  }

  async getOrgPolicy(id: string): Promise<OrgPolicyRecord | null> {
    return org.getOrgPolicy(this.db, id);
  }

  async listOrgPolicies(type: OrgPolicyType): Promise<OrgPolicyRecord[]> {
    return org.listOrgPolicies(this.db, type);
  }

  async updateOrgPolicy(
    id: string,
    update: { readonly name?: string; readonly document?: string; readonly description?: string | null },
  ): Promise<OrgPolicyRecord> {
    return this.write((q) => org.updateOrgPolicy(q, id, update));
  }

  async deleteOrgPolicy(id: string): Promise<void> {
    await this.write((q) => org.deleteOrgPolicy(q, id));
  }

  async attachOrgPolicy(policyId: string, targetId: string): Promise<void> {
    await this.write((q) => org.attachOrgPolicy(q, policyId, targetId));
  }

  async detachOrgPolicy(policyId: string, targetId: string): Promise<void> {
    await this.write((q) => org.detachOrgPolicy(q, policyId, targetId));
  }

  async listOrgPoliciesForTarget(targetId: string, type: OrgPolicyType): Promise<OrgPolicyRecord[]> {
    return org.listOrgPoliciesForTarget(this.db, targetId, type);
  }

  async organizationPath(account: string): Promise<OrganizationPath | null> {
    return this.snapshot((q) => org.organizationPath(q, account));
  }

  // ---------------------------------------------------------------- authorization snapshots

  private async inlineOf(
    q: Db,
    kind: EntityKind,
    ids: readonly string[],
  ): Promise<Map<string, InlinePolicyRecord[]>> {
    const out = new Map<string, InlinePolicyRecord[]>();
    if (ids.length === 0) return out;
    const rows = await q
      .selectFrom('iam_inline_policies')
      .select(['entity_id', 'name', 'document'])
      .where('entity_kind', '=', kind)
      .where('entity_id', 'in', ids)
      .orderBy('name_key')
      .execute();
    for (const r of rows) pushTo(out, r.entity_id, { name: r.name, document: r.document });
    return out;
  }

  private async attachedOf(
    q: Db,
    kind: EntityKind,
    ids: readonly string[],
  ): Promise<Map<string, ManagedPolicyText[]>> {
    const out = new Map<string, ManagedPolicyText[]>();
    if (ids.length === 0) return out;
    const rows = await q
      .selectFrom('iam_attachments as a')
      .innerJoin('iam_policies as p', 'p.id', 'a.policy_id')
      .innerJoin('iam_policy_versions as v', (j) =>
        j.onRef('v.policy_id', '=', 'p.id').onRef('v.version', '=', 'p.default_version'),
      )
      .select(['a.entity_id', 'p.account', 'p.path', 'p.name', 'p.default_version', 'v.document'])
      .where('a.entity_kind', '=', kind)
      .where('a.entity_id', 'in', ids)
      .orderBy('p.name_key')
      .execute();
    for (const r of rows) {
      pushTo(out, r.entity_id, {
        arn: policyArn(r.account, r.path, r.name),
        versionId: versionId(r.default_version),
        document: r.document,
      });
    }
    return out;
  }

  private async boundaryOf(q: Db, arn: string | null): Promise<ManagedPolicyText | null> {
    if (arn === null) return null;
    const row = await this.findPolicyRow(q, arn);
    if (row === null) return null;
    const v = await q
      .selectFrom('iam_policy_versions')
      .select('document')
      .where('policy_id', '=', row.id)
      .where('version', '=', row.default_version)
      .executeTakeFirstOrThrow();
    return { arn, versionId: versionId(row.default_version), document: v.document };
  }

  async userAuthorization(account: string, userName: string): Promise<UserAuthorization | null> {
    return this.snapshot(async (q) => {
      const generation = await this.generationIn(q);
      const user = await this.findUser(q, account, userName);
      if (user === null) return null;
      const groupRows = await q
        .selectFrom('iam_groups')
        .innerJoin('iam_group_members as m', 'm.group_id', 'iam_groups.id')
        .selectAll('iam_groups')
        .where('m.user_id', '=', user.id)
        .orderBy('iam_groups.name_key')
        .execute();
      const groupIds = groupRows.map((g) => g.id);
      const userInline = await this.inlineOf(q, 'user', [user.id]);
      const userAttached = await this.attachedOf(q, 'user', [user.id]);
      const groupInline = await this.inlineOf(q, 'group', groupIds);
      const groupAttached = await this.attachedOf(q, 'group', groupIds);
      const groups: GroupAuthorization[] = groupRows.map((g) => ({
        group: toGroup(g),
        inline: groupInline.get(g.id) ?? [],
        attached: groupAttached.get(g.id) ?? [],
      }));
      return {
        generation,
        organization: await org.organizationPath(q, account),
        user,
        inline: userInline.get(user.id) ?? [],
        attached: userAttached.get(user.id) ?? [],
        groups,
        boundary: await this.boundaryOf(q, user.boundaryArn),
      };
    });
  }

  async roleAuthorization(account: string, roleName: string): Promise<RoleAuthorization | null> {
    return this.snapshot(async (q) => {
      const generation = await this.generationIn(q);
      const role = await this.findRole(q, account, roleName);
      if (role === null) return null;
      const inline = await this.inlineOf(q, 'role', [role.id]);
      const attached = await this.attachedOf(q, 'role', [role.id]);
      return {
        generation,
        organization: await org.organizationPath(q, account),
        role,
        inline: inline.get(role.id) ?? [],
        attached: attached.get(role.id) ?? [],
        boundary: await this.boundaryOf(q, role.boundaryArn),
      };
    });
  }

  async accountAuthorization(account: string): Promise<AccountAuthorization | null> {
    return this.snapshot(async (q) => {
      const generation = await this.generationIn(q);
      const row = await q.selectFrom('iam_accounts').selectAll().where('id', '=', account).executeTakeFirst();
      if (row === undefined) return null;
      return {
        generation,
        organization: await org.organizationPath(q, account),
        account: { id: row.id, name: row.name, createdAt: date(row.created_at) },
      };
    });
  }

  // ---------------------------------------------------------------- bootstrap bookkeeping

  async getBootstrapState(): Promise<string | null> {
    const row = await this.db
      .selectFrom('iam_bootstrap')
      .select('state')
      .where('id', '=', 1)
      .executeTakeFirst();
    return row?.state ?? null;
  }

  async setBootstrapState(state: string): Promise<void> {
    // Bookkeeping of the bootstrap itself, not an authorization change: no generation bump.
    await this.tx(async (q) => {
      const now = Date.now();
      const res = await q
        .updateTable('iam_bootstrap')
        .set({ state, applied_at: now })
        .where('id', '=', 1)
        .executeTakeFirst();
      if (res.numUpdatedRows === 0n)
        await q.insertInto('iam_bootstrap').values({ id: 1, state, applied_at: now }).execute();
    });
  }

  async close(): Promise<void> {
    if (this.ownsDatabase && !this.inTransaction) await this.db.destroy();
  }
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function policyRecord(row: PolicyRow, attachments: number, boundaries: number): ManagedPolicyRecord {
  return {
    account: row.account,
    name: row.name,
    path: row.path,
    id: row.id,
    arn: policyArn(row.account, row.path, row.name),
    defaultVersionId: versionId(row.default_version),
    attachmentCount: attachments,
    boundaryUsageCount: boundaries,
    description: row.description,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}
