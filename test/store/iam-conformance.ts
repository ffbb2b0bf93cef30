// The conformance suite every IamStore must pass (SQLite, PostgreSQL, ...). Each test works in an
// account of its own, so one store serves a describe block; the organization (one per store)
// gets a store of its own.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { IamStore } from '../../src/identity/iam-store.js';
import { isIamError, type EntityRef, type IamErrorCode } from '../../src/identity/model.js';
import { Secret } from '../../src/identity/secrets.js';

export interface IamStoreHarness {
  readonly store: IamStore;
  close(): Promise<void>;
}

export type OpenIamStore = () => Promise<IamStoreHarness>;

const DOC =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
/** Whitespace and key order matter: the store keeps the exact text. */
const PRETTY = '{\n  "Version": "2012-10-17",\n\t"Statement": [ ]\n}\n';

let counter = 0;
function newAccountId(): string {
  counter++;
  return `9${String(counter).padStart(3, '0')}${String(randomInt(1e8)).padStart(8, '0')}`;
}

async function rejectsWith(promise: Promise<unknown>, code: IamErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isIamError(e), `expected IamError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

function secret(n: number): Secret {
  return new Secret(`secret-${n}-${'x'.repeat(30)}`.slice(0, 40));
}

let keyCounter = 0;
function keyId(): string {
  keyCounter++;
  return `AKIATEST${String(keyCounter).padStart(4, '0')}${String(randomInt(1e8)).padStart(8, '0')}`;
}

export function iamConformance(name: string, open: OpenIamStore): void {
  describe(`IamStore conformance: ${name}`, () => {
    let h: IamStoreHarness;
    let s: IamStore;
    before(async () => {
      h = await open();
      s = h.store;
    });
    after(async () => {
      await h.close();
    });

    async function account(): Promise<string> {
      const id = newAccountId();
      await s.createAccount({ id, name: `acct-${id}` });
      return id;
    }

    async function policy(acct: string, name = 'P', doc = DOC): Promise<string> {
      return (await s.createPolicy({ account: acct, name, document: doc })).arn;
    }

    describe('accounts', () => {
      it('creates, reads, lists, renames and refuses duplicates and bad ids', async () => {
        const id = newAccountId();
        const a = await s.createAccount({ id, name: 'main' });
        assert.equal(a.id, id);
        assert.deepEqual((await s.getAccount(id))?.name, 'main');
        assert.ok((await s.listAccounts()).some((x) => x.id === id));
        await s.renameAccount(id, 'renamed');
        assert.equal((await s.getAccount(id))?.name, 'renamed');
        await rejectsWith(s.createAccount({ id, name: 'again' }), 'EntityAlreadyExists');
        await rejectsWith(s.createAccount({ id: '12345', name: 'short' }), 'InvalidInput');
        await rejectsWith(s.renameAccount(newAccountId(), 'x'), 'NoSuchEntity');
        assert.equal(await s.getAccount(newAccountId()), null);
      });

      it('refuses to delete an account that still holds entities', async () => {
        const id = await account();
        await s.createUser({ account: id, name: 'u' });
        await rejectsWith(s.deleteAccount(id), 'DeleteConflict');
        await s.deleteUser(id, 'u');
        await s.deleteAccount(id);
        assert.equal(await s.getAccount(id), null);
      });
    });

    describe('users', () => {
      it('creates users with AWS-shaped ids and ARNs', async () => {
        const acct = await account();
        const u = await s.createUser({ account: acct, name: 'Alice', path: '/eng/', tags: { team: 'core' } });
        assert.match(u.id, /^AIDA[A-Z2-7]{17}$/);
        assert.equal(u.arn, `arn:aws:iam::${acct}:user/eng/Alice`);
        assert.deepEqual(u.tags, { team: 'core' });
        assert.equal(u.boundaryArn, null);
        assert.ok(u.createdAt instanceof Date);
      });

      it('compares names without regard to case and returns the stored spelling', async () => {
        const acct = await account();
        await s.createUser({ account: acct, name: 'Alice' });
        assert.equal((await s.getUser(acct, 'ALICE'))?.name, 'Alice');
        await rejectsWith(
          s.createUser({ account: acct, name: 'alice' }),
          'EntityAlreadyExists',
          /User with name alice already exists/,
        );
        // Another account is another namespace.
        const other = await account();
        await s.createUser({ account: other, name: 'alice' });
      });

      it('validates names and paths, and needs the account', async () => {
        const acct = await account();
        await rejectsWith(s.createUser({ account: acct, name: 'bad name' }), 'InvalidInput');
        await rejectsWith(s.createUser({ account: acct, name: 'x'.repeat(65) }), 'InvalidInput');
        await rejectsWith(s.createUser({ account: acct, name: 'ok', path: 'no-slashes' }), 'InvalidInput');
        await rejectsWith(s.createUser({ account: newAccountId(), name: 'ok' }), 'NoSuchEntity');
        assert.deepEqual(await s.listUsers(acct), []);
      });

      it('lists by path prefix and renames (case-only renames too)', async () => {
        const acct = await account();
        await s.createUser({ account: acct, name: 'b', path: '/eng/' });
        await s.createUser({ account: acct, name: 'a', path: '/ops/' });
        await s.createUser({ account: acct, name: 'c', path: '/eng/sub/' });
        assert.deepEqual(
          (await s.listUsers(acct)).map((u) => u.name),
          ['a', 'b', 'c'],
        );
        assert.deepEqual(
          (await s.listUsers(acct, { pathPrefix: '/eng/' })).map((u) => u.name),
          ['b', 'c'],
        );
        const renamed = await s.updateUser(acct, 'b', { newName: 'B', newPath: '/x/' });
        assert.equal(renamed.arn, `arn:aws:iam::${acct}:user/x/B`);
        await rejectsWith(s.updateUser(acct, 'B', { newName: 'A' }), 'EntityAlreadyExists');
        await rejectsWith(s.updateUser(acct, 'nobody', { newPath: '/' }), 'NoSuchEntity');
      });

      it('refuses to delete a user with keys, policies or groups (DeleteConflict)', async () => {
        const acct = await account();
        const ref: EntityRef = { account: acct, kind: 'user', name: 'u' };
        await s.createUser({ account: acct, name: 'u' });
        const id = keyId();
        await s.createAccessKey({
          account: acct,
          userName: 'u',
          accessKeyId: id,
          secretAccessKey: secret(1),
        });
        await rejectsWith(s.deleteUser(acct, 'u'), 'DeleteConflict', /access keys/);
        await s.deleteAccessKey(acct, 'u', id);
        await s.putInlinePolicy(ref, 'inline', DOC);
        await rejectsWith(s.deleteUser(acct, 'u'), 'DeleteConflict', /delete policies/);
        await s.deleteInlinePolicy(ref, 'inline');
        const arn = await policy(acct);
        await s.attachPolicy(ref, arn);
        await rejectsWith(s.deleteUser(acct, 'u'), 'DeleteConflict', /detach all policies/);
        await s.detachPolicy(ref, arn);
        await s.createGroup({ account: acct, name: 'g' });
        await s.addUserToGroup(acct, 'g', 'u');
        await rejectsWith(s.deleteUser(acct, 'u'), 'DeleteConflict', /remove users from group/);
        await s.removeUserFromGroup(acct, 'g', 'u');
        await s.deleteUser(acct, 'U');
        assert.equal(await s.getUser(acct, 'u'), null);
        await rejectsWith(s.deleteUser(acct, 'u'), 'NoSuchEntity', /The user with name u cannot be found/);
      });
    });

    describe('groups', () => {
      it('manages membership idempotently, both directions', async () => {
        const acct = await account();
        await s.createGroup({ account: acct, name: 'Devs', path: '/teams/' });
        await s.createUser({ account: acct, name: 'u1' });
        await s.createUser({ account: acct, name: 'u2' });
        await s.addUserToGroup(acct, 'devs', 'U1');
        await s.addUserToGroup(acct, 'Devs', 'u1');
        await s.addUserToGroup(acct, 'Devs', 'u2');
        assert.deepEqual(
          (await s.listGroupMembers(acct, 'Devs')).map((u) => u.name),
          ['u1', 'u2'],
        );
        const groups = await s.listGroupsForUser(acct, 'u1');
        assert.deepEqual(
          groups.map((g) => g.arn),
          [`arn:aws:iam::${acct}:group/teams/Devs`],
        );
        assert.match(groups[0]?.id ?? '', /^AGPA/);
        await s.removeUserFromGroup(acct, 'Devs', 'u1');
        await rejectsWith(s.removeUserFromGroup(acct, 'Devs', 'u1'), 'NoSuchEntity');
        await rejectsWith(s.addUserToGroup(acct, 'nope', 'u1'), 'NoSuchEntity', /group with name nope/);
        await rejectsWith(s.deleteGroup(acct, 'Devs'), 'DeleteConflict', /remove users from group/);
        await s.removeUserFromGroup(acct, 'Devs', 'u2');
        await s.deleteGroup(acct, 'Devs');
        assert.equal(await s.getGroup(acct, 'Devs'), null);
      });

      it('limits a user to 10 groups', async () => {
        const acct = await account();
        await s.createUser({ account: acct, name: 'u' });
        for (let i = 0; i < 11; i++) await s.createGroup({ account: acct, name: `g${i}` });
        for (let i = 0; i < 10; i++) await s.addUserToGroup(acct, `g${i}`, 'u');
        await rejectsWith(s.addUserToGroup(acct, 'g10', 'u'), 'LimitExceeded', /GroupsPerUser: 10/);
      });

      it('renames a group without losing members', async () => {
        const acct = await account();
        await s.createGroup({ account: acct, name: 'old' });
        await s.createUser({ account: acct, name: 'u' });
        await s.addUserToGroup(acct, 'old', 'u');
        await s.updateGroup(acct, 'old', { newName: 'new', newPath: '/p/' });
        assert.deepEqual(
          (await s.listGroupMembers(acct, 'new')).map((u) => u.name),
          ['u'],
        );
        assert.equal((await s.getGroup(acct, 'new'))?.path, '/p/');
      });
    });

    describe('roles', () => {
      it('creates roles with trust policy text, session duration and description', async () => {
        const acct = await account();
        const r = await s.createRole({
          account: acct,
          name: 'Writer',
          path: '/app/',
          trustPolicy: PRETTY,
          description: 'd',
        });
        assert.match(r.id, /^AROA[A-Z2-7]{17}$/);
        assert.equal(r.arn, `arn:aws:iam::${acct}:role/app/Writer`);
        assert.equal(r.maxSessionDuration, 3600);
        assert.equal(r.trustPolicy, PRETTY);
        await rejectsWith(
          s.createRole({ account: acct, name: 'WRITER', trustPolicy: DOC }),
          'EntityAlreadyExists',
        );
        await rejectsWith(
          s.createRole({ account: acct, name: 'r2', trustPolicy: DOC, maxSessionDuration: 3599 }),
          'InvalidInput',
        );
        await rejectsWith(
          s.createRole({ account: acct, name: 'r3', trustPolicy: DOC, maxSessionDuration: 43201 }),
          'InvalidInput',
        );
        const updated = await s.updateRole(acct, 'writer', { maxSessionDuration: 43200, description: null });
        assert.equal(updated.maxSessionDuration, 43200);
        assert.equal(updated.description, null);
        await s.updateTrustPolicy(acct, 'Writer', DOC);
        assert.equal((await s.getRole(acct, 'writer'))?.trustPolicy, DOC);
        await s.putInlinePolicy({ account: acct, kind: 'role', name: 'Writer' }, 'p', DOC);
        await rejectsWith(s.deleteRole(acct, 'Writer'), 'DeleteConflict');
        await s.deleteInlinePolicy({ account: acct, kind: 'role', name: 'Writer' }, 'P');
        await s.deleteRole(acct, 'Writer');
        assert.deepEqual(await s.listRoles(acct), []);
      });
    });

    describe('tags and boundaries', () => {
      it('merges and removes tags without regard to key case; limits them to 50', async () => {
        const acct = await account();
        const ref: EntityRef = { account: acct, kind: 'user', name: 'u' };
        await s.createUser({ account: acct, name: 'u', tags: { Team: 'a', env: 'dev' } });
        await s.tagEntity(ref, { team: 'b', cost: '1' });
        assert.deepEqual((await s.getUser(acct, 'u'))?.tags, { env: 'dev', team: 'b', cost: '1' });
        await s.untagEntity(ref, ['ENV']);
        assert.deepEqual((await s.getUser(acct, 'u'))?.tags, { team: 'b', cost: '1' });
        const many: Record<string, string> = {};
        for (let i = 0; i < 49; i++) many[`k${i}`] = 'v';
        await rejectsWith(s.tagEntity(ref, many), 'LimitExceeded');
        await rejectsWith(
          s.tagEntity({ account: acct, kind: 'group', name: 'g' }, { a: 'b' }),
          'InvalidInput',
        );
        await rejectsWith(s.tagEntity(ref, { 'aws:x': 'y' }), 'InvalidInput');
      });

      it('sets and removes permissions boundaries; a boundary must exist in the account', async () => {
        const acct = await account();
        const arn = await policy(acct, 'Boundary');
        await s.createUser({ account: acct, name: 'u', boundaryArn: arn });
        assert.equal((await s.getUser(acct, 'u'))?.boundaryArn, arn);
        await s.createRole({ account: acct, name: 'r', trustPolicy: DOC });
        await s.setPermissionsBoundary({ account: acct, kind: 'role', name: 'r' }, arn);
        assert.equal((await s.getRole(acct, 'r'))?.boundaryArn, arn);
        assert.equal((await s.getPolicy(arn))?.boundaryUsageCount, 2);
        await rejectsWith(s.deletePolicy(arn), 'DeleteConflict', /boundary/);
        await s.setPermissionsBoundary({ account: acct, kind: 'user', name: 'u' }, null);
        assert.equal((await s.getUser(acct, 'u'))?.boundaryArn, null);
        await rejectsWith(
          s.setPermissionsBoundary(
            { account: acct, kind: 'user', name: 'u' },
            `arn:aws:iam::${acct}:policy/Nope`,
          ),
          'NoSuchEntity',
        );
        const other = await account();
        await rejectsWith(s.createUser({ account: other, name: 'x', boundaryArn: arn }), 'NoSuchEntity');
        // The failed create left nothing behind.
        assert.equal(await s.getUser(other, 'x'), null);
      });
    });

    describe('managed policies', () => {
      it('creates policies with ARN, id and version v1, keeping the exact text', async () => {
        const acct = await account();
        const p = await s.createPolicy({
          account: acct,
          name: 'ReadOnly',
          path: '/team/',
          document: PRETTY,
          description: 'd',
        });
        assert.equal(p.arn, `arn:aws:iam::${acct}:policy/team/ReadOnly`);
        assert.match(p.id, /^ANPA[A-Z2-7]{17}$/);
        assert.equal(p.defaultVersionId, 'v1');
        assert.equal(p.attachmentCount, 0);
        assert.equal((await s.getPolicyDocument(p.arn))?.document, PRETTY);
        assert.equal((await s.getPolicy(`arn:aws:iam::${acct}:policy/team/readonly`))?.name, 'ReadOnly');
        // The path is part of the ARN.
        assert.equal(await s.getPolicy(`arn:aws:iam::${acct}:policy/ReadOnly`), null);
        await rejectsWith(
          s.createPolicy({ account: acct, name: 'READONLY', document: DOC }),
          'EntityAlreadyExists',
          /Duplicate names/,
        );
        assert.equal(await s.getPolicy('arn:aws:iam::aws:policy/ReadOnlyAccess'), null);
      });

      it('keeps at most 5 versions, never renumbers, and protects the default', async () => {
        const acct = await account();
        const arn = await policy(acct);
        for (let i = 2; i <= 5; i++) {
          const v = await s.createPolicyVersion(arn, `{"v":${i}}`, i === 3);
          assert.equal(v.versionId, `v${i}`);
        }
        await rejectsWith(s.createPolicyVersion(arn, '{}', false), 'LimitExceeded', /up to 5 versions/);
        assert.equal((await s.getPolicy(arn))?.defaultVersionId, 'v3');
        assert.equal((await s.getPolicyDocument(arn))?.document, '{"v":3}');
        await rejectsWith(s.deletePolicyVersion(arn, 'v3'), 'DeleteConflict', /default version/);
        await s.deletePolicyVersion(arn, 'v2');
        await rejectsWith(s.deletePolicyVersion(arn, 'v2'), 'NoSuchEntity');
        assert.equal((await s.createPolicyVersion(arn, '{"v":6}', true)).versionId, 'v6');
        assert.deepEqual(
          (await s.listPolicyVersions(arn)).map((v) => [v.versionId, v.isDefault]),
          [
            ['v6', true],
            ['v5', false],
            ['v4', false],
            ['v3', false],
            ['v1', false],
          ],
        );
        await s.setDefaultPolicyVersion(arn, 'v1');
        assert.equal((await s.getPolicyVersion(arn, 'v1'))?.isDefault, true);
        assert.equal(await s.getPolicyVersion(arn, 'v2'), null);
        await rejectsWith(s.setDefaultPolicyVersion(arn, 'v2'), 'NoSuchEntity');
        await rejectsWith(s.deletePolicy(arn), 'DeleteConflict', /more than one version/);
        for (const v of ['v3', 'v4', 'v5', 'v6']) await s.deletePolicyVersion(arn, v);
        await s.deletePolicy(arn);
        assert.equal(await s.getPolicy(arn), null);
      });

      it('attaches idempotently, counts attachments, refuses deleting attached policies', async () => {
        const acct = await account();
        const arn = await policy(acct);
        await s.createUser({ account: acct, name: 'u' });
        await s.createGroup({ account: acct, name: 'g' });
        await s.createRole({ account: acct, name: 'r', trustPolicy: DOC });
        for (const ref of [
          { account: acct, kind: 'user', name: 'u' },
          { account: acct, kind: 'group', name: 'g' },
          { account: acct, kind: 'role', name: 'r' },
        ] as const) {
          await s.attachPolicy(ref, arn);
          await s.attachPolicy(ref, arn);
          assert.deepEqual(await s.listAttachedPolicies(ref), [{ arn, name: 'P' }]);
        }
        assert.equal((await s.getPolicy(arn))?.attachmentCount, 3);
        assert.deepEqual(
          (await s.listPolicies(acct, { onlyAttached: true })).map((p) => p.arn),
          [arn],
        );
        assert.deepEqual(
          (await s.listEntitiesForPolicy(arn)).map((e) => `${e.kind}:${e.name}`),
          ['group:g', 'role:r', 'user:u'],
        );
        await rejectsWith(s.deletePolicy(arn), 'DeleteConflict', /attached to entities/);
        await s.detachPolicy({ account: acct, kind: 'user', name: 'u' }, arn);
        await rejectsWith(
          s.detachPolicy({ account: acct, kind: 'user', name: 'u' }, arn),
          'NoSuchEntity',
          /was not found/,
        );
        // Customer managed policies attach only in their own account.
        const other = await account();
        await s.createUser({ account: other, name: 'u' });
        await rejectsWith(s.attachPolicy({ account: other, kind: 'user', name: 'u' }, arn), 'NoSuchEntity');
        await rejectsWith(
          s.attachPolicy({ account: acct, kind: 'user', name: 'u' }, 'not-an-arn'),
          'InvalidInput',
        );
      });

      it('limits managed policies to 10 per entity', async () => {
        const acct = await account();
        await s.createRole({ account: acct, name: 'r', trustPolicy: DOC });
        const ref: EntityRef = { account: acct, kind: 'role', name: 'r' };
        for (let i = 0; i < 10; i++) await s.attachPolicy(ref, await policy(acct, `p${i}`));
        await rejectsWith(
          s.attachPolicy(ref, await policy(acct, 'p10')),
          'LimitExceeded',
          /PoliciesPerRole: 10/,
        );
      });
    });

    describe('inline policies', () => {
      it('stores the exact text, replaces, finds names without regard to case', async () => {
        const acct = await account();
        await s.createGroup({ account: acct, name: 'g' });
        const ref: EntityRef = { account: acct, kind: 'group', name: 'g' };
        await s.putInlinePolicy(ref, 'Read', PRETTY);
        assert.deepEqual(await s.getInlinePolicy(ref, 'read'), { name: 'Read', document: PRETTY });
        await s.putInlinePolicy(ref, 'READ', DOC);
        assert.deepEqual(await s.getInlinePolicy(ref, 'Read'), { name: 'READ', document: DOC });
        await s.putInlinePolicy(ref, 'Write', DOC);
        assert.deepEqual(await s.listInlinePolicies(ref), ['READ', 'Write']);
        await s.deleteInlinePolicy(ref, 'write');
        await rejectsWith(s.deleteInlinePolicy(ref, 'write'), 'NoSuchEntity', /group policy with name write/);
        await rejectsWith(s.putInlinePolicy({ ...ref, name: 'none' }, 'p', DOC), 'NoSuchEntity');
        await rejectsWith(s.putInlinePolicy(ref, 'bad name', DOC), 'InvalidInput');
      });
    });

    describe('access keys', () => {
      it('creates, finds with the secret, limits to 2, updates and deletes', async () => {
        const acct = await account();
        await s.createUser({ account: acct, name: 'u' });
        const [a, b, c] = [keyId(), keyId(), keyId()];
        const rec = await s.createAccessKey({
          account: acct,
          userName: 'U',
          accessKeyId: a,
          secretAccessKey: secret(1),
        });
        assert.deepEqual([rec.userName, rec.status, rec.lastUsed], ['u', 'Active', null]);
        await s.createAccessKey({
          account: acct,
          userName: 'u',
          accessKeyId: b,
          secretAccessKey: secret(2),
          status: 'Inactive',
        });
        await rejectsWith(
          s.createAccessKey({ account: acct, userName: 'u', accessKeyId: c, secretAccessKey: secret(3) }),
          'LimitExceeded',
        );
        const found = await s.findAccessKey(a);
        assert.ok(found?.secretAccessKey.equals(secret(1)));
        assert.equal(found?.userName, 'u');
        assert.equal(found?.account, acct);
        assert.equal((await s.findAccessKey(b))?.status, 'Inactive');
        assert.equal(await s.findAccessKey(c), null);
        await s.updateAccessKey(acct, 'u', b, 'Active');
        assert.deepEqual(
          (await s.listAccessKeys(acct, 'u')).map((k) => [k.accessKeyId, k.status]).sort(),
          [
            [a, 'Active'],
            [b, 'Active'],
          ].sort(),
        );
        // Keys are addressed through their owner.
        await s.createUser({ account: acct, name: 'v' });
        await rejectsWith(s.deleteAccessKey(acct, 'v', a), 'NoSuchEntity', /Access Key with id/);
        await rejectsWith(s.updateAccessKey(acct, null, a, 'Inactive'), 'NoSuchEntity');
        await s.deleteAccessKey(acct, 'u', a);
        assert.equal(await s.findAccessKey(a), null);
      });

      it('keeps root keys apart from users, and ids globally unique', async () => {
        const acct = await account();
        const id = keyId();
        await s.createAccessKey({
          account: acct,
          userName: null,
          accessKeyId: id,
          secretAccessKey: secret(9),
        });
        assert.equal((await s.findAccessKey(id))?.userName, null);
        assert.deepEqual(
          (await s.listAccessKeys(acct, null)).map((k) => k.accessKeyId),
          [id],
        );
        await s.createUser({ account: acct, name: 'u' });
        assert.deepEqual(await s.listAccessKeys(acct, 'u'), []);
        await rejectsWith(
          s.createAccessKey({ account: acct, userName: 'u', accessKeyId: id, secretAccessKey: secret(1) }),
          'EntityAlreadyExists',
        );
        await rejectsWith(
          s.createAccessKey({
            account: acct,
            userName: 'u',
            accessKeyId: 'short',
            secretAccessKey: secret(1),
          }),
          'InvalidInput',
        );
        await rejectsWith(s.deleteAccount(acct), 'DeleteConflict');
      });

      it('records last use without bumping the generation', async () => {
        const acct = await account();
        const id = keyId();
        await s.createAccessKey({
          account: acct,
          userName: null,
          accessKeyId: id,
          secretAccessKey: secret(1),
        });
        const before = await s.generation();
        await s.recordAccessKeyUse(id, {
          date: new Date(1_700_000_000_000),
          service: 's3',
          region: 'us-east-1',
        });
        assert.equal(await s.generation(), before);
        assert.deepEqual((await s.findAccessKey(id))?.lastUsed, {
          date: new Date(1_700_000_000_000),
          service: 's3',
          region: 'us-east-1',
        });
      });
    });

    describe('generation and transactions', () => {
      it('bumps the generation on every write, and not on reads or failed writes', async () => {
        const acct = await account();
        const g0 = await s.generation();
        await s.createUser({ account: acct, name: 'u' });
        const g1 = await s.generation();
        assert.ok(g1 > g0);
        await s.getUser(acct, 'u');
        await s.listUsers(acct);
        assert.equal(await s.generation(), g1);
        await rejectsWith(s.createUser({ account: acct, name: 'U' }), 'EntityAlreadyExists');
        assert.equal(await s.generation(), g1);
      });

      it('rolls a transaction back entirely when it fails part-way', async () => {
        const acct = await account();
        await assert.rejects(
          s.transaction(async (t) => {
            await t.createUser({ account: acct, name: 'half' });
            await t.createGroup({ account: acct, name: 'g' });
            await t.addUserToGroup(acct, 'g', 'half');
            await t.createUser({ account: acct, name: 'HALF' }); // EntityAlreadyExists
          }),
          (e: unknown) => isIamError(e, 'EntityAlreadyExists'),
        );
        assert.equal(await s.getUser(acct, 'half'), null);
        assert.equal(await s.getGroup(acct, 'g'), null);
        const result = await s.transaction(async (t) => {
          await t.createUser({ account: acct, name: 'whole' });
          return (await t.getUser(acct, 'whole'))?.name;
        });
        assert.equal(result, 'whole');
        assert.equal((await s.getUser(acct, 'whole'))?.name, 'whole');
      });

      it('lets exactly one of many concurrent creates of one name win', async () => {
        const acct = await account();
        const names = ['Same', 'same', 'SAME', 'sAme', 'saME', 'SaMe', 'samE', 'SAMe'];
        const results = await Promise.allSettled(names.map((name) => s.createUser({ account: acct, name })));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results)
          if (r.status === 'rejected') assert.ok(isIamError(r.reason, 'EntityAlreadyExists'));
        assert.equal((await s.listUsers(acct)).length, 1);
      });

      it('keeps the 2-key limit under concurrent creates', async () => {
        const acct = await account();
        await s.createUser({ account: acct, name: 'u' });
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) =>
            s.createAccessKey({
              account: acct,
              userName: 'u',
              accessKeyId: keyId(),
              secretAccessKey: secret(i),
            }),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
        assert.equal((await s.listAccessKeys(acct, 'u')).length, 2);
      });
    });

    describe('authorization snapshots', () => {
      it("reads a user's own, groups' and boundary policies with the generation", async () => {
        const acct = await account();
        const managed = await policy(acct, 'Managed', '{"m":1}');
        const boundary = await policy(acct, 'Boundary', '{"b":1}');
        await s.createPolicyVersion(managed, '{"m":2}', true);
        await s.createUser({ account: acct, name: 'u', boundaryArn: boundary, tags: { k: 'v' } });
        await s.createGroup({ account: acct, name: 'g1' });
        await s.createGroup({ account: acct, name: 'g2' });
        await s.addUserToGroup(acct, 'g1', 'u');
        await s.addUserToGroup(acct, 'g2', 'u');
        await s.putInlinePolicy({ account: acct, kind: 'user', name: 'u' }, 'own', '{"own":1}');
        await s.attachPolicy({ account: acct, kind: 'user', name: 'u' }, managed);
        await s.putInlinePolicy({ account: acct, kind: 'group', name: 'g1' }, 'gp', '{"g1":1}');
        await s.attachPolicy({ account: acct, kind: 'group', name: 'g2' }, managed);
        const gen = await s.generation();
        const auth = await s.userAuthorization(acct, 'U');
        assert.ok(auth);
        assert.equal(auth.generation, gen);
        assert.equal(auth.user.name, 'u');
        assert.deepEqual(auth.inline, [{ name: 'own', document: '{"own":1}' }]);
        assert.deepEqual(auth.attached, [{ arn: managed, versionId: 'v2', document: '{"m":2}' }]);
        assert.deepEqual(
          auth.groups.map((g) => [g.group.name, g.inline, g.attached.map((a) => a.document)]),
          [
            ['g1', [{ name: 'gp', document: '{"g1":1}' }], []],
            ['g2', [], ['{"m":2}']],
          ],
        );
        assert.deepEqual(auth.boundary, { arn: boundary, versionId: 'v1', document: '{"b":1}' });
        assert.equal(auth.organization, null);
        assert.equal(await s.userAuthorization(acct, 'nobody'), null);

        await s.createRole({ account: acct, name: 'r', trustPolicy: DOC });
        await s.attachPolicy({ account: acct, kind: 'role', name: 'r' }, managed);
        const role = await s.roleAuthorization(acct, 'R');
        assert.deepEqual(
          role?.attached.map((a) => a.arn),
          [managed],
        );
        assert.equal((await s.accountAuthorization(acct))?.account.id, acct);
        assert.equal(await s.accountAuthorization(newAccountId()), null);
      });
    });

    describe('bootstrap bookkeeping', () => {
      it('stores the last applied state without bumping the generation', async () => {
        const g = await s.generation();
        await s.setBootstrapState('{"v":1}');
        await s.setBootstrapState('{"v":1,"x":2}');
        assert.equal(await s.getBootstrapState(), '{"v":1,"x":2}');
        assert.equal(await s.generation(), g);
      });
    });
  });

  describe(`IamStore conformance: ${name}: organization`, () => {
    let h: IamStoreHarness;
    let s: IamStore;
    before(async () => {
      h = await open();
      s = h.store;
    });
    after(async () => {
      await h.close();
    });

    it('builds root → OUs → account paths with SCPs and RCPs', async () => {
      const mgmt = newAccountId();
      const member = newAccountId();
      const outside = newAccountId();
      for (const id of [mgmt, member, outside]) await s.createAccount({ id, name: id });
      assert.equal(await s.getOrganization(), null);
      await rejectsWith(s.createOrganizationalUnit({ parentId: 'r-xxxx', name: 'x' }), 'NoSuchEntity');
      const org = await s.createOrganization({ managementAccount: mgmt });
      assert.match(org.id, /^o-[a-z0-9]{10}$/);
      assert.match(org.rootId, /^r-[a-z0-9]{4}$/);
      await rejectsWith(s.createOrganization(), 'EntityAlreadyExists');
      assert.deepEqual(
        (await s.listOrgPoliciesForTarget(org.rootId, 'scp')).map((p) => p.id),
        ['p-FullAWSAccess'],
      );

      const ou1 = await s.createOrganizationalUnit({ parentId: org.rootId, name: 'Prod' });
      assert.match(ou1.id, new RegExp(`^ou-${org.rootId.slice(2)}-[a-z0-9]{8}$`));
      await rejectsWith(
        s.createOrganizationalUnit({ parentId: org.rootId, name: 'prod' }),
        'EntityAlreadyExists',
      );
      const ou2 = await s.createOrganizationalUnit({ parentId: ou1.id, name: 'Apps' });
      assert.deepEqual(
        (await s.listOrganizationalUnits(org.rootId)).map((o) => o.name),
        ['Prod'],
      );
      await s.placeAccount(member, ou2.id);
      await s.placeAccount(mgmt, org.rootId);
      assert.deepEqual(await s.listAccountsForParent(ou2.id), [member]);

      const deny = await s.createOrgPolicy({ type: 'scp', name: 'NoDelete', document: '{"scp":1}' });
      const rcp = await s.createOrgPolicy({ type: 'rcp', name: 'NoPublic', document: '{"rcp":1}' });
      await rejectsWith(
        s.createOrgPolicy({ type: 'scp', name: 'NoDelete', document: '{}' }),
        'EntityAlreadyExists',
      );
      await s.attachOrgPolicy(deny.id, ou1.id);
      await s.attachOrgPolicy(deny.id, ou1.id);
      await s.attachOrgPolicy(rcp.id, member);
      await rejectsWith(s.attachOrgPolicy(deny.id, outside), 'NoSuchEntity');

      const path = await s.organizationPath(member);
      assert.ok(path);
      assert.deepEqual(
        path.levels.map((l) => [l.kind, l.targetId, l.scps.map((p) => p.name), l.rcps.map((p) => p.name)]),
        [
          ['root', org.rootId, ['FullAWSAccess'], []],
          ['ou', ou1.id, ['FullAWSAccess', 'NoDelete'], []],
          ['ou', ou2.id, ['FullAWSAccess'], []],
          ['account', member, ['FullAWSAccess'], ['NoPublic']],
        ],
      );
      assert.equal(path.levels[1]?.scps[1]?.document, '{"scp":1}');
      // SCPs never apply to the management account; accounts outside the organization have none.
      assert.equal(await s.organizationPath(mgmt), null);
      assert.equal(await s.organizationPath(outside), null);
      assert.equal((await s.accountAuthorization(member))?.organization?.levels.length, 4);
    });

    it('keeps at least one SCP on every target and refuses deleting what is in use', async () => {
      const org = await s.getOrganization();
      assert.ok(org);
      const ou = await s.createOrganizationalUnit({ parentId: org.rootId, name: 'Sandbox' });
      await rejectsWith(s.detachOrgPolicy('p-FullAWSAccess', ou.id), 'LimitExceeded');
      const only = await s.createOrgPolicy({ type: 'scp', name: 'OnlyS3', document: '{"s3":1}' });
      await s.attachOrgPolicy(only.id, ou.id);
      await s.detachOrgPolicy('p-FullAWSAccess', ou.id);
      assert.deepEqual(
        (await s.listOrgPoliciesForTarget(ou.id, 'scp')).map((p) => p.name),
        ['OnlyS3'],
      );
      await rejectsWith(s.detachOrgPolicy('p-FullAWSAccess', ou.id), 'NoSuchEntity');
      await rejectsWith(s.deleteOrgPolicy(only.id), 'DeleteConflict');
      await rejectsWith(s.deleteOrgPolicy('p-FullAWSAccess'), 'InvalidInput');
      await rejectsWith(s.updateOrgPolicy('p-FullAWSAccess', { document: '{}' }), 'InvalidInput');
      const updated = await s.updateOrgPolicy(only.id, { document: '{"s3":2}' });
      assert.equal(updated.document, '{"s3":2}');
      assert.equal((await s.getOrgPolicy(only.id))?.document, '{"s3":2}');

      const acct = newAccountId();
      await s.createAccount({ id: acct, name: acct });
      await s.placeAccount(acct, ou.id);
      await rejectsWith(s.deleteOrganizationalUnit(ou.id), 'DeleteConflict');
      await rejectsWith(s.deleteAccount(acct), 'DeleteConflict', /organization/);
      await s.removeAccountFromOrganization(acct);
      assert.equal(await s.organizationPath(acct), null);
      await s.deleteOrganizationalUnit(ou.id);
      await s.deleteOrgPolicy(only.id);
      assert.equal(await s.getOrganizationalUnit(ou.id), null);
      await rejectsWith(s.deleteOrganization(), 'DeleteConflict');
    });
  });
}
