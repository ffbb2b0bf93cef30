// The IAM resolver against a real SQLite IAM store: decisions through decide(), immediate
// consistency after changes, key states, sealed sessions, and what the hot path costs.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IamStore } from '../../src/identity/iam-store.js';
import { IamResolver } from '../../src/identity/iam-resolver.js';
import type { EntityRef } from '../../src/identity/model.js';
import type { ResolvedIdentity } from '../../src/identity/resolver.js';
import { MasterKey, Secret, SecretBox } from '../../src/identity/secrets.js';
import { decide, type Decision, type PolicySet } from '../../src/policy/decide.js';
import { contextFrom } from '../../src/policy/request.js';
import { SqlIamStore } from '../../src/store/sql/iam-sql-store.js';
import { openSqliteDatabase } from '../../src/store/sqlite/open.js';
import { sqliteTraits } from '../../src/store/sqlite/traits.js';
import {
  SessionTokenError,
  TokenKeyRing,
  type SessionClaims,
  type SessionPrincipal,
} from '../../src/sts/session-token.js';

const ACCT = '111122223333';
const NOW = Date.UTC(2025, 5, 1);
const master = new MasterKey(Buffer.alloc(32, 4));
const tokens = TokenKeyRing.fromMasterKey(master);

function allow(action: string, resource: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
  });
}

function deny(action: string, resource: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: action, Resource: resource }],
  });
}

/** The store, with every method call counted. */
function counting(store: IamStore): { store: IamStore; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

function check(
  id: ResolvedIdentity,
  action: string,
  resource: string,
  extra: Partial<PolicySet> = {},
): Decision {
  const context = contextFrom({
    'aws:username': id.username,
    'aws:userid': id.userId,
    'aws:principalarn': id.principal.roleArn ?? id.principal.arn,
  });
  return decide(
    { principal: id.principal, action, resource, resourceAccount: ACCT, context },
    { ...id.policies, ...extra },
  );
}

function sessionClaims(principal: SessionPrincipal, extra: Partial<SessionClaims> = {}): SessionClaims {
  return {
    accessKeyId: 'ASIAEXAMPLE000000001',
    secretAccessKey: new Secret('tempsecrettempsecrettempsecrettempsecre1'),
    account: ACCT,
    principal,
    policies: [],
    policyArns: [],
    tags: {},
    transitiveTagKeys: [],
    issuedAt: new Date(NOW),
    expiresAt: new Date(NOW + 3600_000),
    chainDepth: 0,
    ...extra,
  };
}

describe('IamResolver', () => {
  let dir: string;
  let raw: SqlIamStore;
  let store: IamStore;
  let calls: string[];
  let resolver: IamResolver;
  let now = NOW;

  const user: EntityRef = { account: ACCT, kind: 'user', name: 'alice' };
  const KEY = 'AKIAALICE00000000001';
  const KEY_SECRET = 'alicesecretalicesecretalicesecretalicese';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-resolver-'));
    const db = await openSqliteDatabase({ path: join(dir, 'metadata.db') });
    raw = new SqlIamStore(db, sqliteTraits, { secrets: SecretBox.forAccessKeys(master), ownsDatabase: true });
    ({ store, calls } = counting(raw));
    resolver = new IamResolver({ store, tokens, now: () => now });

    await raw.createAccount({ id: ACCT, name: 'main' });
    await raw.createUser({ account: ACCT, name: 'alice', tags: { team: 'blue' } });
    await raw.createAccessKey({
      account: ACCT,
      userName: 'alice',
      accessKeyId: KEY,
      secretAccessKey: new Secret(KEY_SECRET),
    });
    // Two groups: one with an inline policy, one with a managed policy.
    await raw.createGroup({ account: ACCT, name: 'writers' });
    await raw.createGroup({ account: ACCT, name: 'listers' });
    await raw.addUserToGroup(ACCT, 'writers', 'alice');
    await raw.addUserToGroup(ACCT, 'listers', 'alice');
    await raw.putInlinePolicy(user, 'read', allow('s3:GetObject', 'arn:aws:s3:::data/*'));
    await raw.putInlinePolicy(
      { account: ACCT, kind: 'group', name: 'writers' },
      'write',
      allow('s3:PutObject', 'arn:aws:s3:::data/*'),
    );
    const list = await raw.createPolicy({
      account: ACCT,
      name: 'List',
      document: allow('s3:ListBucket', 'arn:aws:s3:::data'),
    });
    await raw.attachPolicy({ account: ACCT, kind: 'group', name: 'listers' }, list.arn);
    const noDelete = await raw.createPolicy({
      account: ACCT,
      name: 'NoDelete',
      document: deny('s3:DeleteObject', '*'),
    });
    await raw.attachPolicy(user, noDelete.arn);
    const everything = await raw.createPolicy({
      account: ACCT,
      name: 'Everything',
      document: allow('s3:*', '*'),
    });
    await raw.attachPolicy({ account: ACCT, kind: 'group', name: 'writers' }, everything.arn);
  });

  after(async () => {
    await raw.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("resolves a user's key to the user, with its own and both groups' policies", async () => {
    const id = await resolver.resolveAccessKey(KEY);
    assert.ok(id);
    assert.equal(id.secretAccessKey, KEY_SECRET);
    assert.deepEqual(id.principal, {
      type: 'user',
      arn: `arn:aws:iam::${ACCT}:user/alice`,
      account: ACCT,
      canonicalUser: id.principal.canonicalUser,
    });
    assert.match(id.userId, /^AIDA/);
    assert.equal(id.username, 'alice');
    assert.deepEqual(id.tags, { team: 'blue' });
    assert.equal(id.sessionToken, undefined);
    assert.deepEqual(
      (id.policies.identity ?? []).map((p) => p.id),
      [
        'user/alice/inline/read',
        `arn:aws:iam::${ACCT}:policy/NoDelete`,
        `arn:aws:iam::${ACCT}:policy/List`,
        'group/writers/inline/write',
        `arn:aws:iam::${ACCT}:policy/Everything`,
      ],
    );
    assert.equal(id.policies.boundary, undefined);
    assert.equal(id.policies.scp, undefined);
  });

  it('decides through decide(): union of allows, explicit deny wins, naming the deciding policy', async () => {
    const id = await resolver.resolveAccessKey(KEY);
    assert.ok(id);
    const get = check(id, 's3:GetObject', 'arn:aws:s3:::data/a.txt');
    assert.deepEqual([get.decision, get.policyId], ['Allowed', 'user/alice/inline/read']);
    const put = check(id, 's3:PutObject', 'arn:aws:s3:::data/a.txt');
    assert.deepEqual([put.decision, put.policyId], ['Allowed', 'group/writers/inline/write']);
    const list = check(id, 's3:ListBucket', 'arn:aws:s3:::data');
    assert.deepEqual([list.decision, list.policyId], ['Allowed', `arn:aws:iam::${ACCT}:policy/List`]);
    const del = check(id, 's3:DeleteObject', 'arn:aws:s3:::data/a.txt');
    assert.deepEqual(
      [del.decision, del.deniedBy, del.policyId],
      ['ExplicitlyDenied', 'identity', `arn:aws:iam::${ACCT}:policy/NoDelete`],
    );
  });

  it('sees every kind of change at the very next resolve', async () => {
    const g = async () => {
      const id = await resolver.resolveAccessKey(KEY);
      assert.ok(id);
      return check(id, 's3:GetObject', 'arn:aws:s3:::other/x').decision;
    };
    await raw.detachPolicy(
      { account: ACCT, kind: 'group', name: 'writers' },
      `arn:aws:iam::${ACCT}:policy/Everything`,
    );
    assert.equal(await g(), 'ImplicitlyDenied');
    await raw.putInlinePolicy(user, 'other', allow('s3:GetObject', 'arn:aws:s3:::other/*'));
    assert.equal(await g(), 'Allowed');
    await raw.putInlinePolicy(
      { account: ACCT, kind: 'group', name: 'listers' },
      'deny',
      deny('s3:GetObject', 'arn:aws:s3:::other/*'),
    );
    assert.equal(await g(), 'ExplicitlyDenied');
    await raw.removeUserFromGroup(ACCT, 'listers', 'alice');
    assert.equal(await g(), 'Allowed');
    // A new default version of an attached managed policy.
    const arn = `arn:aws:iam::${ACCT}:policy/NoDelete`;
    await raw.createPolicyVersion(arn, deny('s3:GetObject', 'arn:aws:s3:::other/*'), true);
    assert.equal(await g(), 'ExplicitlyDenied');
    await raw.setDefaultPolicyVersion(arn, 'v1');
    assert.equal(await g(), 'Allowed');
    // A permissions boundary.
    const boundary = await raw.createPolicy({
      account: ACCT,
      name: 'OnlyData',
      document: allow('s3:*', 'arn:aws:s3:::data/*'),
    });
    await raw.setPermissionsBoundary(user, boundary.arn);
    const bounded = await resolver.resolveAccessKey(KEY);
    assert.ok(bounded);
    assert.equal(check(bounded, 's3:GetObject', 'arn:aws:s3:::other/x').deniedBy, 'boundary');
    assert.equal(check(bounded, 's3:GetObject', 'arn:aws:s3:::data/x').decision, 'Allowed');
    await raw.setPermissionsBoundary(user, null);
    await raw.deleteInlinePolicy(user, 'other');
    await raw.addUserToGroup(ACCT, 'listers', 'alice');
    await raw.deleteInlinePolicy({ account: ACCT, kind: 'group', name: 'listers' }, 'deny');
  });

  it('treats inactive, deleted and unknown keys as unknown', async () => {
    assert.ok(await resolver.resolveAccessKey(KEY));
    await raw.updateAccessKey(ACCT, 'alice', KEY, 'Inactive');
    assert.equal(await resolver.resolveAccessKey(KEY), undefined);
    await raw.updateAccessKey(ACCT, 'alice', KEY, 'Active');
    assert.ok(await resolver.resolveAccessKey(KEY));
    assert.equal(await resolver.resolveAccessKey('AKIANOSUCHKEY0000000'), undefined);
    const temp = 'AKIATEMPORARY0000001';
    await raw.createAccessKey({
      account: ACCT,
      userName: 'alice',
      accessKeyId: temp,
      secretAccessKey: new Secret('x'.repeat(40)),
    });
    assert.ok(await resolver.resolveAccessKey(temp));
    await raw.deleteAccessKey(ACCT, 'alice', temp);
    assert.equal(await resolver.resolveAccessKey(temp), undefined);
  });

  it('costs one generation read per request once warm, and compiles nothing again', async () => {
    await resolver.resolveAccessKey(KEY);
    const before = resolver.cache.stats();
    calls.length = 0;
    for (let i = 0; i < 20; i++) await resolver.resolveAccessKey(KEY);
    assert.deepEqual(calls, Array(20).fill('generation'));
    const afterStats = resolver.cache.stats();
    assert.equal(afterStats.compileMisses, before.compileMisses);
    assert.equal(afterStats.memoLoads, before.memoLoads);
  });

  it('coalesces the generation reads of concurrent requests', async () => {
    await resolver.resolveAccessKey(KEY);
    calls.length = 0;
    const ids = await Promise.all(Array.from({ length: 50 }, () => resolver.resolveAccessKey(KEY)));
    assert.ok(ids.every((id) => id?.username === 'alice'));
    assert.ok(calls.filter((c) => c === 'generation').length <= 2, `${calls.length} calls`);
  });

  it('compiles one document once however many principals hold it', async () => {
    await raw.createUser({ account: ACCT, name: 'bob' });
    await raw.createAccessKey({
      account: ACCT,
      userName: 'bob',
      accessKeyId: 'AKIABOB0000000000001',
      secretAccessKey: new Secret('b'.repeat(40)),
    });
    await raw.attachPolicy({ account: ACCT, kind: 'user', name: 'bob' }, `arn:aws:iam::${ACCT}:policy/List`);
    const bob = await resolver.resolveAccessKey('AKIABOB0000000000001');
    const alice = await resolver.resolveAccessKey(KEY);
    const a = alice?.policies.identity?.find((p) => p.id.endsWith('policy/List'));
    const b = bob?.policies.identity?.find((p) => p.id.endsWith('policy/List'));
    assert.ok(a && b);
    assert.equal(a.statements, b.statements, 'shared compiled statements');
  });

  describe('root', () => {
    it('resolves stored and static root keys, with SCP levels once the account is in an organization', async () => {
      await raw.createAccessKey({
        account: ACCT,
        userName: null,
        accessKeyId: 'AKIAROOT000000000001',
        secretAccessKey: new Secret('r'.repeat(40)),
      });
      const staticResolver = new IamResolver({
        store,
        tokens,
        staticRootKeys: [
          { accountId: ACCT, accessKeyId: 'AKIAENVROOT000000001', secretAccessKey: 'e'.repeat(40) },
        ],
      });
      for (const [r, key] of [
        [resolver, 'AKIAROOT000000000001'],
        [staticResolver, 'AKIAENVROOT000000001'],
      ] as const) {
        const id = await r.resolveAccessKey(key);
        assert.ok(id);
        assert.equal(id.principal.type, 'root');
        assert.equal(id.principal.arn, `arn:aws:iam::${ACCT}:root`);
        assert.equal(id.userId, ACCT);
        assert.deepEqual(id.policies, {});
        assert.equal(check(id, 's3:DeleteBucket', 'arn:aws:s3:::data').decision, 'Allowed');
      }
      const org = await raw.createOrganization();
      await raw.placeAccount(ACCT, org.rootId);
      const scp = await raw.createOrgPolicy({
        type: 'scp',
        name: 'NoBucketDelete',
        document: deny('s3:DeleteBucket', '*'),
      });
      await raw.attachOrgPolicy(scp.id, org.rootId);
      const rcp = await raw.createOrgPolicy({
        type: 'rcp',
        name: 'NoHttp',
        document: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: '*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      });
      await raw.attachOrgPolicy(rcp.id, ACCT);
      for (const [r, key] of [
        [resolver, 'AKIAROOT000000000001'],
        [staticResolver, 'AKIAENVROOT000000001'],
      ] as const) {
        const id = await r.resolveAccessKey(key);
        assert.ok(id);
        assert.equal(id.policies.scp?.length, 2, 'root level and account level');
        const d = check(id, 's3:DeleteBucket', 'arn:aws:s3:::data');
        assert.deepEqual([d.decision, d.deniedBy], ['ExplicitlyDenied', 'scp']);
        assert.equal(d.policyId, `arn:aws:organizations:::policy/${org.id}/service_control_policy/${scp.id}`);
        assert.equal(check(id, 's3:GetObject', 'arn:aws:s3:::data/x').decision, 'Allowed');
      }
      // Users of the account get the same levels; RCPs are there for the resource side.
      const alice = await resolver.resolveAccessKey(KEY);
      assert.equal(alice?.policies.scp?.length, 2);
      const rcps = resolver.resourceControlPolicies(ACCT);
      assert.equal(rcps?.length, 2);
      assert.deepEqual(await resolver.resourceControlPoliciesFor(ACCT), rcps);
      assert.ok(alice);
      const http = decide(
        {
          principal: alice.principal,
          action: 's3:GetObject',
          resource: 'arn:aws:s3:::data/x',
          resourceAccount: ACCT,
          context: contextFrom({ 'aws:SecureTransport': 'false' }),
        },
        { ...alice.policies, rcp: rcps },
      );
      assert.deepEqual([http.decision, http.deniedBy], ['ExplicitlyDenied', 'rcp']);
      assert.equal(await resolver.resourceControlPoliciesFor('999999999999'), undefined);
      // Leaving the organization lifts them at once.
      await raw.removeAccountFromOrganization(ACCT);
      const free = await resolver.resolveAccessKey('AKIAROOT000000000001');
      assert.equal(free?.policies.scp, undefined);
      assert.equal(resolver.resourceControlPolicies(ACCT), undefined);
    });
  });

  describe('sessions (ASIA keys with a sealed token)', () => {
    let roleArn: string;
    let roleId: string;

    before(async () => {
      const role = await raw.createRole({
        account: ACCT,
        name: 'AppWriter',
        path: '/app/',
        trustPolicy: '{}',
        tags: { team: 'red', env: 'prod' },
      });
      roleArn = role.arn;
      roleId = role.id;
      await raw.putInlinePolicy(
        { account: ACCT, kind: 'role', name: 'AppWriter' },
        'all',
        allow('s3:*', 'arn:aws:s3:::app/*'),
      );
    });

    function seal(principal: SessionPrincipal, extra: Partial<SessionClaims> = {}): string {
      return tokens.seal(sessionClaims(principal, extra));
    }

    it('resolves an assumed-role session from the token, narrowed by its session policy', async () => {
      const token = seal(
        { type: 'assumed-role', roleArn, roleId, sessionName: 'usr001' },
        {
          policies: [allow('s3:GetObject', 'arn:aws:s3:::app/usr001/*')],
          tags: { Team: 'green', project: 'x' },
        },
      );
      const id = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', token);
      assert.ok(id);
      assert.equal(id.sessionToken, token);
      assert.equal(id.secretAccessKey, 'tempsecrettempsecrettempsecrettempsecre1');
      assert.deepEqual(
        { type: id.principal.type, arn: id.principal.arn, roleArn: id.principal.roleArn },
        { type: 'assumed-role', arn: `arn:aws:sts::${ACCT}:assumed-role/AppWriter/usr001`, roleArn },
      );
      assert.equal(id.userId, `${roleId}:usr001`);
      assert.equal(id.username, undefined);
      assert.deepEqual(id.tags, { env: 'prod', Team: 'green', project: 'x' });
      assert.deepEqual(
        id.policies.identity?.map((p) => p.id),
        ['role/AppWriter/inline/all'],
      );
      assert.deepEqual(
        id.policies.session?.map((p) => p.id),
        ['session policy'],
      );
      assert.equal(check(id, 's3:GetObject', 'arn:aws:s3:::app/usr001/a').decision, 'Allowed');
      const put = check(id, 's3:PutObject', 'arn:aws:s3:::app/usr001/a');
      assert.deepEqual([put.decision, put.deniedBy], ['ImplicitlyDenied', 'session']);
      const other = check(id, 's3:GetObject', 'arn:aws:s3:::elsewhere/a');
      assert.equal(other.deniedBy, 'identity');
    });

    it('reads nothing but the generation once warm: principal and session policies come from the token', async () => {
      const token = seal(
        { type: 'assumed-role', roleArn, roleId, sessionName: 's2' },
        { policies: [allow('s3:GetObject', '*')] },
      );
      await resolver.resolveAccessKey('ASIAEXAMPLE000000001', token);
      calls.length = 0;
      const before = resolver.cache.stats();
      for (let i = 0; i < 10; i++) await resolver.resolveAccessKey('ASIAEXAMPLE000000001', token);
      assert.deepEqual(calls, Array(10).fill('generation'));
      assert.equal(resolver.cache.stats().compileMisses, before.compileMisses);
      // A distinct token with the same session policy text compiles nothing either.
      const twin = seal(
        { type: 'assumed-role', roleArn, roleId, sessionName: 's3' },
        { policies: [allow('s3:GetObject', '*')] },
      );
      await resolver.resolveAccessKey('ASIAEXAMPLE000000001', twin);
      assert.equal(resolver.cache.stats().compileMisses, before.compileMisses);
    });

    it("applies a change to the role's policies at the next request", async () => {
      const token = seal({ type: 'assumed-role', roleArn, roleId, sessionName: 's4' });
      const before = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', token);
      assert.ok(before);
      assert.equal(check(before, 's3:PutObject', 'arn:aws:s3:::app/k').decision, 'Allowed');
      await raw.putInlinePolicy(
        { account: ACCT, kind: 'role', name: 'AppWriter' },
        'nope',
        deny('s3:PutObject', '*'),
      );
      const after = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', token);
      assert.ok(after);
      assert.equal(check(after, 's3:PutObject', 'arn:aws:s3:::app/k').decision, 'ExplicitlyDenied');
      await raw.deleteInlinePolicy({ account: ACCT, kind: 'role', name: 'AppWriter' }, 'nope');
    });

    it('adds managed session policies (PolicyArns) from the store', async () => {
      const p = await raw.createPolicy({
        account: ACCT,
        name: 'SessionRead',
        document: allow('s3:GetObject', '*'),
      });
      const token = seal(
        { type: 'assumed-role', roleArn, roleId, sessionName: 's5' },
        { policyArns: [p.arn] },
      );
      const id = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', token);
      assert.ok(id);
      assert.deepEqual(
        id.policies.session?.map((s) => s.id),
        [p.arn],
      );
      assert.equal(check(id, 's3:GetObject', 'arn:aws:s3:::app/k').decision, 'Allowed');
      assert.equal(check(id, 's3:PutObject', 'arn:aws:s3:::app/k').deniedBy, 'session');
      await raw.deletePolicy(p.arn);
      const gone = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', token);
      assert.ok(gone);
      // The deleted policy grants nothing, and the session stays restricted.
      assert.equal(check(gone, 's3:GetObject', 'arn:aws:s3:::app/k').deniedBy, 'session');
    });

    it('gives sessions of a deleted or re-created role no permissions', async () => {
      await raw.createRole({ account: ACCT, name: 'Temp', trustPolicy: '{}' });
      await raw.putInlinePolicy({ account: ACCT, kind: 'role', name: 'Temp' }, 'all', allow('s3:*', '*'));
      const temp = await raw.getRole(ACCT, 'Temp');
      assert.ok(temp);
      const token = seal({ type: 'assumed-role', roleArn: temp.arn, roleId: temp.id, sessionName: 's' });
      const live = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', token);
      assert.ok(live);
      assert.equal(check(live, 's3:GetObject', 'arn:aws:s3:::x/y').decision, 'Allowed');
      await raw.deleteInlinePolicy({ account: ACCT, kind: 'role', name: 'Temp' }, 'all');
      await raw.deleteRole(ACCT, 'Temp');
      await raw.createRole({ account: ACCT, name: 'Temp', trustPolicy: '{}' });
      await raw.putInlinePolicy({ account: ACCT, kind: 'role', name: 'Temp' }, 'all', allow('s3:*', '*'));
      const stale = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', token);
      assert.ok(stale);
      assert.deepEqual(stale.policies.identity, []);
      assert.equal(check(stale, 's3:GetObject', 'arn:aws:s3:::x/y').deniedBy, 'identity');
    });

    it('resolves federated users (no policy: no permissions) and GetSessionToken sessions', async () => {
      const alice = await raw.getUser(ACCT, 'alice');
      assert.ok(alice);
      const bare = seal({ type: 'federated-user', name: 'bob', userArn: alice.arn, userId: alice.id });
      const fed = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', bare);
      assert.ok(fed);
      assert.deepEqual(
        [fed.principal.type, fed.principal.arn, fed.principal.federatedUserArn, fed.userId],
        ['federated-user', `arn:aws:sts::${ACCT}:federated-user/bob`, alice.arn, `${ACCT}:bob`],
      );
      assert.equal(check(fed, 's3:GetObject', 'arn:aws:s3:::data/x').deniedBy, 'session');
      const scoped = seal(
        { type: 'federated-user', name: 'bob', userArn: alice.arn, userId: alice.id },
        { policies: [allow('s3:*', '*')] },
      );
      const fed2 = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', scoped);
      assert.ok(fed2);
      assert.equal(check(fed2, 's3:GetObject', 'arn:aws:s3:::data/x').decision, 'Allowed');
      assert.equal(check(fed2, 's3:GetObject', 'arn:aws:s3:::elsewhere/x').deniedBy, 'identity');

      const st = seal({
        type: 'session-token',
        subjectArn: alice.arn,
        subjectId: alice.id,
        userName: 'alice',
      });
      const own = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', st);
      assert.ok(own);
      assert.deepEqual(
        [own.principal.type, own.principal.arn, own.username, own.userId],
        ['user', alice.arn, 'alice', alice.id],
      );
      assert.equal(check(own, 's3:GetObject', 'arn:aws:s3:::data/x').decision, 'Allowed');
      const rootSession = seal({
        type: 'session-token',
        subjectArn: `arn:aws:iam::${ACCT}:root`,
        subjectId: ACCT,
      });
      const root = await resolver.resolveAccessKey('ASIAEXAMPLE000000001', rootSession);
      assert.deepEqual([root?.principal.type, root?.sessionToken], ['root', rootSession]);
    });

    it('refuses missing, bad, expired and borrowed tokens', async () => {
      const token = seal({ type: 'assumed-role', roleArn, roleId, sessionName: 's6' });
      assert.equal(await resolver.resolveAccessKey('ASIAEXAMPLE000000001'), undefined);
      assert.equal(await resolver.resolveAccessKey('ASIAEXAMPLE000000001', ''), undefined);
      const code = async (key: string, t: string) => {
        try {
          await resolver.resolveAccessKey(key, t);
          return 'resolved';
        } catch (e) {
          assert.ok(e instanceof SessionTokenError);
          return e.code;
        }
      };
      assert.equal(await code('ASIAEXAMPLE000000001', `${token.slice(0, -2)}AA`), 'InvalidToken');
      assert.equal(await code('ASIAEXAMPLE000000002', token), 'InvalidClientTokenId');
      // Warm in the cache, still checked: expiry and key id binding.
      now = NOW + 3600_000;
      assert.equal(await code('ASIAEXAMPLE000000001', token), 'ExpiredToken');
      now = NOW;
      assert.equal(await code('ASIAEXAMPLE000000001', token), 'resolved');
      assert.equal(await code('ASIAEXAMPLE000000002', token), 'InvalidClientTokenId');
    });
  });
});
