// Applies a declarative bootstrap spec (bootstrap-spec.ts) to the IAM store, in one transaction:
// it all happens or none of it does.
//
// Idempotent and declarative: applying the same file again writes nothing (not even a generation
// bump); a changed file updates what it declares. The store remembers what the last applied file
// declared, so something the file used to declare and no longer does is removed, while what was
// created at run time (through the IAM API) is left alone. Accounts are never deleted (buckets may
// live in them); buckets are returned for the S3 layer to create, never deleted.
import type { IamStore } from './iam-store.js';
import { IamError, isIamError, nameKey, parseIamArn, type EntityRef, type Tags } from './model.js';
import {
  BootstrapError,
  readBootstrapFile,
  type AccountDecl,
  type BootstrapSpec,
  type GroupDecl,
  type KeyDecl,
  type ManagedPolicyDecl,
  type NamedPolicyDecl,
  type OrganizationDecl,
  type OrgLevelDecl,
  type RefDecl,
  type RoleDecl,
  type UserDecl,
} from './bootstrap-spec.js';

export {
  BootstrapError,
  formatProblem,
  parseBootstrap,
  parseBootstrapText,
  readBootstrapFile,
} from './bootstrap-spec.js';
export type { BootstrapProblem, BootstrapSpec } from './bootstrap-spec.js';

/** A bucket the file declares, for the S3 layer to create (idempotently) with its policy. */
export interface BootstrapBucket {
  readonly account: string;
  readonly name: string;
  /** The bucket policy text, or null for none. */
  readonly policy: string | null;
}

export interface BootstrapResult {
  readonly buckets: readonly BootstrapBucket[];
  /** What this run changed, one line each (`created user 111122223333/alice`); empty when nothing did. */
  readonly changes: readonly string[];
  /** What it could not remove, and why (left in place rather than guessed at). */
  readonly warnings: readonly string[];
}

/** Reads, validates and applies a bootstrap file. */
export async function applyBootstrapFile(store: IamStore, file: string): Promise<BootstrapResult> {
  return applyBootstrap(store, await readBootstrapFile(file));
}

// ---------------------------------------------------------------- what the last file declared

interface EntityState {
  inline: string[];
  managed: string[];
  tags: string[];
  boundary: boolean;
  groups: string[];
  keys: string[];
}

interface AccountState {
  root: string | null;
  users: Record<string, EntityState>;
  groups: Record<string, EntityState>;
  roles: Record<string, EntityState>;
  /** Managed policy ARNs. */
  policies: string[];
}

interface OrgState {
  accounts: string[];
  ous: string[];
  policies: string[];
}

interface State {
  v: 1;
  accounts: Record<string, AccountState>;
  organization: OrgState | null;
}

function emptyState(): State {
  return { v: 1, accounts: {}, organization: null };
}

function readState(text: string | null): State {
  if (text === null) return emptyState();
  try {
    const parsed = JSON.parse(text) as State;
    return parsed.v === 1 ? parsed : emptyState();
  } catch {
    return emptyState();
  }
}

function emptyEntity(): EntityState {
  return { inline: [], managed: [], tags: [], boundary: false, groups: [], keys: [] };
}

const ORG_OU_PREFIX = 'bootstrap-level-';
const FULL_AWS_ACCESS_ID = 'p-FullAWSAccess';

/** Policy identity within an account: names are unique without regard to case. */
function policyKey(arn: string): string {
  const p = parseIamArn(arn);
  return p === undefined ? arn : `${p.account}:${nameKey(p.name)}`;
}

// ---------------------------------------------------------------- applying

export async function applyBootstrap(store: IamStore, spec: BootstrapSpec): Promise<BootstrapResult> {
  return store.transaction(async (s) => new Applier(s, readState(await s.getBootstrapState())).run(spec));
}

class Applier {
  private readonly next: State = emptyState();
  private readonly changes: string[] = [];
  private readonly warnings: string[] = [];
  /** Access key ids any earlier file declared: those may move between owners. */
  private readonly ownedKeys: Set<string>;

  constructor(
    private readonly s: IamStore,
    private readonly prev: State,
  ) {
    this.ownedKeys = new Set();
    for (const a of Object.values(prev.accounts)) {
      if (a.root !== null) this.ownedKeys.add(a.root);
      for (const u of Object.values(a.users)) for (const k of u.keys) this.ownedKeys.add(k);
    }
  }

  async run(spec: BootstrapSpec): Promise<BootstrapResult> {
    const buckets: BootstrapBucket[] = [];
    for (const account of spec.accounts) {
      await this.account(account);
      for (const b of account.buckets)
        buckets.push({ account: account.id, name: b.name, policy: b.policy?.text ?? null });
    }
    for (const [id, prev] of Object.entries(this.prev.accounts)) {
      if (!spec.accounts.some((a) => a.id === id)) {
        await this.removeUndeclared(id, prev, emptyAccountState());
        this.warnings.push(
          `account ${id} is no longer declared; it is kept (with anything not created by the bootstrap)`,
        );
      }
    }
    await this.organization(spec.organization);
    const state = JSON.stringify(this.next);
    // Bookkeeping only when something it records changed: a second run writes nothing at all.
    if (state !== JSON.stringify(this.prev) || this.changes.length > 0) await this.s.setBootstrapState(state);
    return { buckets, changes: this.changes, warnings: this.warnings };
  }

  /** Runs a store call; an IamError becomes a BootstrapError naming `path`. */
  private async at<T>(path: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isIamError(e)) throw new BootstrapError([{ path, message: e.message }]);
      throw e;
    }
  }

  private changed(what: string): void {
    this.changes.push(what);
  }

  // ---- accounts

  private async account(a: AccountDecl): Promise<void> {
    const existing = await this.s.getAccount(a.id);
    if (existing === null) {
      await this.at(a.at, () => this.s.createAccount({ id: a.id, name: a.name }));
      this.changed(`created account ${a.id}`);
    } else if (existing.name !== a.name) {
      await this.at(`${a.at}.name`, () => this.s.renameAccount(a.id, a.name));
      this.changed(`renamed account ${a.id} to ${a.name}`);
    }
    const prev = this.prev.accounts[a.id] ?? emptyAccountState();
    const next = emptyAccountState();
    this.next.accounts[a.id] = next;

    for (const m of a.managedPolicies) {
      await this.managedPolicy(a.id, m);
      next.policies.push(m.arn);
    }
    for (const g of a.groups)
      next.groups[nameKey(g.name)] = await this.group(a.id, g, prev.groups[nameKey(g.name)] ?? emptyEntity());
    for (const u of a.users)
      next.users[nameKey(u.name)] = await this.user(a.id, u, prev.users[nameKey(u.name)] ?? emptyEntity());
    for (const r of a.roles)
      next.roles[nameKey(r.name)] = await this.role(a.id, r, prev.roles[nameKey(r.name)] ?? emptyEntity());
    const rootKeys = await this.keys(
      a.id,
      null,
      a.root === null ? [] : [a.root],
      prev.root === null ? [] : [prev.root],
    );
    next.root = rootKeys[0] ?? null;
    await this.removeUndeclared(a.id, prev, next);
  }

  // ---- managed policies

  private async managedPolicy(account: string, m: ManagedPolicyDecl): Promise<void> {
    const existing = await this.s.getPolicy(m.arn);
    if (existing === null) {
      await this.at(m.at, async () => {
        try {
          await this.s.createPolicy({
            account,
            name: m.name,
            path: m.path,
            document: m.policy.text,
            description: m.description,
          });
        } catch (e) {
          if (isIamError(e, 'EntityAlreadyExists')) {
            throw new IamError(
              'EntityAlreadyExists',
              `a policy named ${m.name} already exists on another path; IAM cannot move a policy to another path`,
            );
          }
          throw e;
        }
      });
      this.changed(`created policy ${m.arn}`);
      return;
    }
    const current = await this.s.getPolicyDocument(m.arn);
    if (current?.document === m.policy.text) return;
    await this.at(m.policy.at, async () => {
      const versions = await this.s.listPolicyVersions(m.arn);
      // Keep within the five-version limit: drop the oldest version that is not the default.
      if (versions.length >= 5) {
        const oldest = [...versions].reverse().find((v) => !v.isDefault);
        if (oldest !== undefined) await this.s.deletePolicyVersion(m.arn, oldest.versionId);
      }
      await this.s.createPolicyVersion(m.arn, m.policy.text, true);
    });
    this.changed(`updated policy ${m.arn} (new default version)`);
  }

  // ---- shared pieces of users, groups and roles

  private async inline(
    ref: EntityRef,
    declared: readonly NamedPolicyDecl[],
    prev: readonly string[],
  ): Promise<string[]> {
    const keep = new Set(declared.map((p) => nameKey(p.name)));
    for (const key of prev) {
      if (keep.has(key)) continue;
      const existing = await this.s.getInlinePolicy(ref, key);
      if (existing !== null) {
        await this.s.deleteInlinePolicy(ref, key);
        this.changed(`deleted inline policy ${existing.name} of ${describe(ref)}`);
      }
    }
    for (const p of declared) {
      const existing = await this.s.getInlinePolicy(ref, p.name);
      if (existing !== null && existing.document === p.policy.text && existing.name === p.name) continue;
      await this.at(p.policy.at, () => this.s.putInlinePolicy(ref, p.name, p.policy.text));
      this.changed(
        `${existing === null ? 'created' : 'updated'} inline policy ${p.name} of ${describe(ref)}`,
      );
    }
    return [...keep];
  }

  private async managed(
    ref: EntityRef,
    declared: readonly RefDecl[],
    prev: readonly string[],
  ): Promise<string[]> {
    const attached = new Map((await this.s.listAttachedPolicies(ref)).map((p) => [policyKey(p.arn), p.arn]));
    const keep = new Set(declared.map((r) => policyKey(r.arn)));
    for (const arn of prev) {
      const key = policyKey(arn);
      const current = attached.get(key);
      if (keep.has(key) || current === undefined) continue;
      await this.s.detachPolicy(ref, current);
      attached.delete(key);
      this.changed(`detached ${current} from ${describe(ref)}`);
    }
    for (const r of declared) {
      if (attached.has(policyKey(r.arn))) continue;
      await this.at(r.at, async () => {
        try {
          await this.s.attachPolicy(ref, r.arn);
        } catch (e) {
          if (isIamError(e, 'NoSuchEntity'))
            throw new IamError('NoSuchEntity', `${e.message} Declare it under managedPolicies.`);
          throw e;
        }
      });
      this.changed(`attached ${r.arn} to ${describe(ref)}`);
    }
    return declared.map((r) => r.arn);
  }

  private async tags(
    ref: EntityRef,
    current: Tags,
    declared: Tags,
    prev: readonly string[],
  ): Promise<string[]> {
    const wanted = new Set(Object.keys(declared).map((k) => k.toLowerCase()));
    const drop = Object.keys(current).filter(
      (k) => prev.includes(k.toLowerCase()) && !wanted.has(k.toLowerCase()),
    );
    if (drop.length > 0) {
      await this.s.untagEntity(ref, drop);
      this.changed(`removed tags ${drop.join(', ')} from ${describe(ref)}`);
    }
    const set: Record<string, string> = {};
    for (const [k, v] of Object.entries(declared)) {
      const same = Object.entries(current).find(([ck]) => ck.toLowerCase() === k.toLowerCase());
      if (same === undefined || same[0] !== k || same[1] !== v) set[k] = v;
    }
    if (Object.keys(set).length > 0) {
      await this.s.tagEntity(ref, set);
      this.changed(`tagged ${describe(ref)} with ${Object.keys(set).join(', ')}`);
    }
    return [...wanted];
  }

  private async boundary(
    ref: EntityRef,
    current: string | null,
    declared: RefDecl | null,
    prev: boolean,
  ): Promise<boolean> {
    if (declared !== null) {
      if (current === null || policyKey(current) !== policyKey(declared.arn)) {
        await this.at(declared.at, () => this.s.setPermissionsBoundary(ref, declared.arn));
        this.changed(`set the permissions boundary of ${describe(ref)} to ${declared.arn}`);
      }
      return true;
    }
    if (prev && current !== null) {
      await this.s.setPermissionsBoundary(ref, null);
      this.changed(`removed the permissions boundary of ${describe(ref)}`);
    }
    return false;
  }

  // ---- groups, users, roles

  private async group(account: string, g: GroupDecl, prev: EntityState): Promise<EntityState> {
    const ref: EntityRef = { account, kind: 'group', name: g.name };
    const existing = await this.s.getGroup(account, g.name);
    if (existing === null) {
      await this.at(g.at, () => this.s.createGroup({ account, name: g.name, path: g.path }));
      this.changed(`created group ${account}/${g.name}`);
    } else if (existing.name !== g.name || existing.path !== g.path) {
      await this.at(g.at, () =>
        this.s.updateGroup(account, existing.name, { newName: g.name, newPath: g.path }),
      );
      this.changed(`updated group ${account}/${g.name}`);
    }
    const state = emptyEntity();
    state.inline = await this.inline(ref, g.inline, prev.inline);
    state.managed = await this.managed(ref, g.managed, prev.managed);
    return state;
  }

  private async user(account: string, u: UserDecl, prev: EntityState): Promise<EntityState> {
    const ref: EntityRef = { account, kind: 'user', name: u.name };
    let existing = await this.s.getUser(account, u.name);
    if (existing === null) {
      const boundary = u.boundary;
      existing = await this.at(boundary?.at ?? u.at, () =>
        this.s.createUser({
          account,
          name: u.name,
          path: u.path,
          tags: u.tags,
          boundaryArn: boundary?.arn ?? null,
        }),
      );
      this.changed(`created user ${account}/${u.name}`);
    } else if (existing.name !== u.name || existing.path !== u.path) {
      const from = existing.name;
      existing = await this.at(u.at, () =>
        this.s.updateUser(account, from, { newName: u.name, newPath: u.path }),
      );
      this.changed(`updated user ${account}/${u.name}`);
    }
    const state = emptyEntity();
    state.tags = await this.tags(ref, existing.tags, u.tags, prev.tags);
    state.boundary = await this.boundary(ref, existing.boundaryArn, u.boundary, prev.boundary);
    state.inline = await this.inline(ref, u.inline, prev.inline);
    state.managed = await this.managed(ref, u.managed, prev.managed);
    state.groups = await this.groups(account, u, prev.groups);
    state.keys = await this.keys(account, u.name, u.accessKeys, prev.keys);
    return state;
  }

  private async groups(account: string, u: UserDecl, prev: readonly string[]): Promise<string[]> {
    const current = new Map(
      (await this.s.listGroupsForUser(account, u.name)).map((g) => [nameKey(g.name), g.name]),
    );
    const keep = new Set(u.groups.map((g) => nameKey(g.name)));
    for (const key of prev) {
      const name = current.get(key);
      if (keep.has(key) || name === undefined) continue;
      await this.s.removeUserFromGroup(account, name, u.name);
      this.changed(`removed user ${account}/${u.name} from group ${name}`);
    }
    for (const g of u.groups) {
      if (current.has(nameKey(g.name))) continue;
      await this.at(g.at, () => this.s.addUserToGroup(account, g.name, u.name));
      this.changed(`added user ${account}/${u.name} to group ${g.name}`);
    }
    return [...keep];
  }

  private async role(account: string, r: RoleDecl, prev: EntityState): Promise<EntityState> {
    const ref: EntityRef = { account, kind: 'role', name: r.name };
    let existing = await this.s.getRole(account, r.name);
    if (existing === null) {
      const boundary = r.boundary;
      existing = await this.at(boundary?.at ?? r.at, () =>
        this.s.createRole({
          account,
          name: r.name,
          path: r.path,
          trustPolicy: r.trust.text,
          maxSessionDuration: r.maxSessionDuration,
          tags: r.tags,
          boundaryArn: boundary?.arn ?? null,
          description: r.description,
        }),
      );
      this.changed(`created role ${account}/${r.name}`);
    } else {
      if (existing.path !== r.path) {
        throw new BootstrapError([
          {
            path: `${r.at}.path`,
            message: `role ${r.name} exists with path ${existing.path}; IAM cannot move a role to another path`,
          },
        ]);
      }
      if (existing.trustPolicy !== r.trust.text) {
        await this.at(r.trust.at, () => this.s.updateTrustPolicy(account, r.name, r.trust.text));
        this.changed(`updated the trust policy of role ${account}/${r.name}`);
      }
      if (existing.maxSessionDuration !== r.maxSessionDuration || existing.description !== r.description) {
        await this.at(r.at, () =>
          this.s.updateRole(account, r.name, {
            maxSessionDuration: r.maxSessionDuration,
            description: r.description,
          }),
        );
        this.changed(`updated role ${account}/${r.name}`);
      }
    }
    const state = emptyEntity();
    state.tags = await this.tags(ref, existing.tags, r.tags, prev.tags);
    state.boundary = await this.boundary(ref, existing.boundaryArn, r.boundary, prev.boundary);
    state.inline = await this.inline(ref, r.inline, prev.inline);
    state.managed = await this.managed(ref, r.managed, prev.managed);
    return state;
  }

  // ---- access keys (users' and root's)

  private async keys(
    account: string,
    userName: string | null,
    declared: readonly KeyDecl[],
    prev: readonly string[],
  ): Promise<string[]> {
    const owner = userName === null ? `root of ${account}` : `user ${account}/${userName}`;
    const wanted = new Set(declared.map((k) => k.accessKeyId));
    // Removals first: IAM allows two keys per owner.
    for (const id of prev) {
      if (wanted.has(id)) continue;
      const rec = await this.s.findAccessKey(id);
      if (rec !== null && rec.account === account && sameUser(rec.userName, userName)) {
        await this.s.deleteAccessKey(account, userName, id);
        this.changed(`deleted access key ${id} of ${owner}`);
      }
    }
    for (const k of declared) {
      const rec = await this.s.findAccessKey(k.accessKeyId);
      if (rec !== null) {
        const mine = rec.account === account && sameUser(rec.userName, userName);
        if (mine && rec.secretAccessKey.equals(k.secretAccessKey)) {
          if (rec.status !== k.status) {
            await this.s.updateAccessKey(account, userName, k.accessKeyId, k.status);
            this.changed(`set access key ${k.accessKeyId} of ${owner} ${k.status}`);
          }
          continue;
        }
        if (!mine && !this.ownedKeys.has(k.accessKeyId)) {
          const holder =
            rec.userName === null ? `the root of ${rec.account}` : `user ${rec.account}/${rec.userName}`;
          throw new BootstrapError([
            { path: `${k.at}.accessKeyId`, message: `${k.accessKeyId} already belongs to ${holder}` },
          ]);
        }
        // A new secret, or a key the file moved to another owner: IAM keys cannot change either.
        await this.s.deleteAccessKey(rec.account, rec.userName, k.accessKeyId);
      }
      await this.at(k.at, () =>
        this.s.createAccessKey({
          account,
          userName,
          accessKeyId: k.accessKeyId,
          secretAccessKey: k.secretAccessKey,
          status: k.status,
        }),
      );
      this.changed(`${rec === null ? 'created' : 'replaced'} access key ${k.accessKeyId} of ${owner}`);
    }
    return [...wanted];
  }

  // ---- removing what the previous file declared and this one does not

  private async removeUndeclared(account: string, prev: AccountState, next: AccountState): Promise<void> {
    if (prev.root !== null && next.root === null) await this.keys(account, null, [], [prev.root]);
    for (const key of Object.keys(prev.users))
      if (next.users[key] === undefined) await this.removeUser(account, key);
    for (const key of Object.keys(prev.roles))
      if (next.roles[key] === undefined) await this.removeRole(account, key);
    for (const key of Object.keys(prev.groups))
      if (next.groups[key] === undefined) await this.removeGroup(account, key);
    const kept = new Set(next.policies.map(policyKey));
    for (const arn of prev.policies) if (!kept.has(policyKey(arn))) await this.removePolicy(arn);
  }

  private async clearPolicies(ref: EntityRef): Promise<void> {
    for (const name of await this.s.listInlinePolicies(ref)) await this.s.deleteInlinePolicy(ref, name);
    for (const p of await this.s.listAttachedPolicies(ref)) await this.s.detachPolicy(ref, p.arn);
  }

  private async removeUser(account: string, name: string): Promise<void> {
    const user = await this.s.getUser(account, name);
    if (user === null) return;
    const ref: EntityRef = { account, kind: 'user', name: user.name };
    for (const k of await this.s.listAccessKeys(account, user.name))
      await this.s.deleteAccessKey(account, user.name, k.accessKeyId);
    for (const g of await this.s.listGroupsForUser(account, user.name))
      await this.s.removeUserFromGroup(account, g.name, user.name);
    await this.clearPolicies(ref);
    await this.s.deleteUser(account, user.name);
    this.changed(`deleted user ${account}/${user.name}`);
  }

  private async removeGroup(account: string, name: string): Promise<void> {
    const group = await this.s.getGroup(account, name);
    if (group === null) return;
    for (const u of await this.s.listGroupMembers(account, group.name))
      await this.s.removeUserFromGroup(account, group.name, u.name);
    await this.clearPolicies({ account, kind: 'group', name: group.name });
    await this.s.deleteGroup(account, group.name);
    this.changed(`deleted group ${account}/${group.name}`);
  }

  private async removeRole(account: string, name: string): Promise<void> {
    const role = await this.s.getRole(account, name);
    if (role === null) return;
    await this.clearPolicies({ account, kind: 'role', name: role.name });
    await this.s.deleteRole(account, role.name);
    this.changed(`deleted role ${account}/${role.name}`);
  }

  private async removePolicy(arn: string): Promise<void> {
    const policy = await this.s.getPolicy(arn);
    if (policy === null) return;
    // Still in use (by something created at run time, or declared by name elsewhere): keep it.
    if (policy.attachmentCount > 0 || policy.boundaryUsageCount > 0) {
      this.warnings.push(
        `policy ${arn} is no longer declared but is still attached or used as a boundary; it is kept`,
      );
      return;
    }
    for (const v of await this.s.listPolicyVersions(arn))
      if (!v.isDefault) await this.s.deletePolicyVersion(arn, v.versionId);
    await this.s.deletePolicy(arn);
    this.changed(`deleted policy ${arn}`);
  }

  // ---- organization

  private async organization(decl: OrganizationDecl | null): Promise<void> {
    const prev = this.prev.organization;
    if (decl === null) {
      if (prev !== null) await this.teardownOrganization(prev);
      return;
    }
    let org = await this.s.getOrganization();
    if (org === null) {
      const management = decl.managementAccount;
      org = await this.at(`${decl.at}.managementAccount`, () =>
        this.s.createOrganization({ managementAccount: management }),
      );
      this.changed(`created organization ${org.id}`);
    } else if (org.managementAccount !== decl.managementAccount) {
      throw new BootstrapError([
        {
          path: `${decl.at}.managementAccount`,
          message: `the organization's management account is ${org.managementAccount ?? 'none'}; it cannot change`,
        },
      ]);
    }
    const next: OrgState = { accounts: decl.accounts.map((a) => a.id), ous: [], policies: [] };
    this.next.organization = next;

    // Levels from the root: [0] the root, [n-1] the accounts (n ≥ 2), OUs in between.
    const n = Math.max(decl.scp.length, decl.rcp.length, 1);
    const chain: string[] = [org.rootId];
    for (let i = 1; i <= n - 2; i++) {
      const parent = chain[chain.length - 1] as string;
      const name = `${ORG_OU_PREFIX}${i}`;
      let ou = (await this.s.listOrganizationalUnits(parent)).find((u) => u.name === name);
      if (ou === undefined) {
        ou = await this.s.createOrganizationalUnit({ parentId: parent, name });
        this.changed(`created organizational unit ${name}`);
      }
      chain.push(ou.id);
      next.ous.push(ou.id);
    }
    const home = chain[chain.length - 1] as string;

    for (const a of decl.accounts) {
      if ((await this.s.getAccount(a.id)) === null) {
        throw new BootstrapError([
          { path: a.at, message: `account ${a.id} does not exist; declare it under accounts` },
        ]);
      }
      if (!(await this.s.listAccountsForParent(home)).includes(a.id)) {
        await this.at(a.at, () => this.s.placeAccount(a.id, home));
        this.changed(`placed account ${a.id} in the organization`);
      }
    }
    for (const id of prev?.accounts ?? []) {
      if (next.accounts.includes(id)) continue;
      if ((await this.s.organizationPath(id)) !== null) {
        await this.s.removeAccountFromOrganization(id);
        this.changed(`removed account ${id} from the organization`);
      }
    }

    for (const type of ['scp', 'rcp'] as const) {
      const levels = type === 'scp' ? decl.scp : decl.rcp;
      for (let i = 0; i < n; i++) {
        const wanted = await this.levelPolicies(type, i, levels[i], next);
        const targets = i === 0 ? [org.rootId] : i === n - 1 ? next.accounts : [chain[i] as string];
        for (const target of targets) await this.attachExactly(type, target, wanted);
      }
      // With the accounts not at a level of their own, they keep the defaults.
      if (n === 1)
        for (const id of next.accounts)
          await this.attachExactly(type, id, type === 'scp' ? [FULL_AWS_ACCESS_ID] : []);
    }

    for (const name of prev?.policies ?? [])
      if (!next.policies.includes(name)) await this.removeOrgPolicy(name);
    for (const id of [...(prev?.ous ?? [])].reverse()) if (!next.ous.includes(id)) await this.removeOu(id);
  }

  /** The policy ids a level declares (creating or updating its documents); an empty SCP level is FullAWSAccess. */
  private async levelPolicies(
    type: 'scp' | 'rcp',
    level: number,
    decl: OrgLevelDecl | undefined,
    next: OrgState,
  ): Promise<string[]> {
    const entries = decl?.entries ?? [];
    if (entries.length === 0) return type === 'scp' ? [FULL_AWS_ACCESS_ID] : [];
    const existing = await this.s.listOrgPolicies(type);
    const ids: string[] = [];
    for (let j = 0; j < entries.length; j++) {
      const entry = entries[j];
      if (entry === undefined) continue;
      if (entry.kind === 'full-access') {
        ids.push(FULL_AWS_ACCESS_ID);
        continue;
      }
      const name = `bootstrap-${type}-${level}-${j + 1}`;
      next.policies.push(name);
      const found = existing.find((p) => p.name === name);
      if (found === undefined) {
        const created = await this.at(entry.policy.at, () =>
          this.s.createOrgPolicy({ type, name, document: entry.policy.text }),
        );
        this.changed(`created ${type.toUpperCase()} ${name}`);
        ids.push(created.id);
      } else {
        if (found.document !== entry.policy.text) {
          await this.at(entry.policy.at, () =>
            this.s.updateOrgPolicy(found.id, { document: entry.policy.text }),
          );
          this.changed(`updated ${type.toUpperCase()} ${name}`);
        }
        ids.push(found.id);
      }
    }
    return ids;
  }

  /** Makes `target`'s policies of `type` exactly `wanted` (attaching first: a target keeps one SCP). */
  private async attachExactly(type: 'scp' | 'rcp', target: string, wanted: readonly string[]): Promise<void> {
    const current = (await this.s.listOrgPoliciesForTarget(target, type)).map((p) => p.id);
    for (const id of wanted) {
      if (current.includes(id)) continue;
      await this.s.attachOrgPolicy(id, target);
      this.changed(`attached ${id} to ${target}`);
    }
    for (const id of current) {
      if (wanted.includes(id)) continue;
      await this.s.detachOrgPolicy(id, target);
      this.changed(`detached ${id} from ${target}`);
    }
  }

  private async removeOrgPolicy(name: string): Promise<void> {
    for (const type of ['scp', 'rcp'] as const) {
      const policy = (await this.s.listOrgPolicies(type)).find((p) => p.name === name);
      if (policy === undefined) continue;
      try {
        await this.s.deleteOrgPolicy(policy.id);
        this.changed(`deleted ${type.toUpperCase()} ${name}`);
      } catch (e) {
        if (!isIamError(e, 'DeleteConflict')) throw e;
        this.warnings.push(
          `${type.toUpperCase()} ${name} is no longer declared but is still attached; it is kept`,
        );
      }
    }
  }

  private async removeOu(id: string): Promise<void> {
    if ((await this.s.getOrganizationalUnit(id)) === null) return;
    try {
      await this.s.deleteOrganizationalUnit(id);
      this.changed(`deleted organizational unit ${id}`);
    } catch (e) {
      if (!isIamError(e, 'DeleteConflict')) throw e;
      this.warnings.push(
        `organizational unit ${id} is no longer used by the bootstrap but is not empty; it is kept`,
      );
    }
  }

  private async teardownOrganization(prev: OrgState): Promise<void> {
    for (const id of prev.accounts) {
      if ((await this.s.organizationPath(id)) !== null) {
        await this.s.removeAccountFromOrganization(id);
        this.changed(`removed account ${id} from the organization`);
      }
    }
    const org = await this.s.getOrganization();
    if (org === null) return;
    // Give the root (and the OUs) back their defaults before deleting the bootstrap's policies.
    await this.attachExactly('scp', org.rootId, [FULL_AWS_ACCESS_ID]);
    await this.attachExactly('rcp', org.rootId, []);
    for (const id of prev.ous) {
      if ((await this.s.getOrganizationalUnit(id)) === null) continue;
      await this.attachExactly('scp', id, [FULL_AWS_ACCESS_ID]);
      await this.attachExactly('rcp', id, []);
    }
    for (const name of prev.policies) await this.removeOrgPolicy(name);
    for (const id of [...prev.ous].reverse()) await this.removeOu(id);
    try {
      await this.s.deleteOrganization();
      this.changed(`deleted organization ${org.id}`);
    } catch (e) {
      if (!isIamError(e, 'DeleteConflict')) throw e;
      this.warnings.push(
        'the organization is no longer declared but still holds accounts, OUs or policies; it is kept',
      );
    }
  }
}

function emptyAccountState(): AccountState {
  return { root: null, users: {}, groups: {}, roles: {}, policies: [] };
}

function sameUser(a: string | null, b: string | null): boolean {
  return a === null || b === null ? a === b : nameKey(a) === nameKey(b);
}

function describe(ref: EntityRef): string {
  return `${ref.kind} ${ref.account}/${ref.name}`;
}
