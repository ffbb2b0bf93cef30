// The declarative bootstrap: the CONTRACTS.md example applies, applying again changes nothing,
// a changed file updates what it declares (and only that), errors name the JSON path, and a
// failing file changes nothing at all.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  BootstrapError,
  applyBootstrap,
  applyBootstrapFile,
  parseBootstrap,
  parseBootstrapText,
  type BootstrapResult,
} from '../../src/identity/bootstrap.js';
import { IamResolver } from '../../src/identity/iam-resolver.js';
import { MasterKey, SecretBox } from '../../src/identity/secrets.js';
import { decide } from '../../src/policy/decide.js';
import { contextFrom } from '../../src/policy/request.js';
import { SqlIamStore } from '../../src/store/sql/iam-sql-store.js';
import { openSqliteDatabase } from '../../src/store/sqlite/open.js';
import { sqliteTraits } from '../../src/store/sqlite/traits.js';
import { TokenKeyRing } from '../../src/sts/session-token.js';

const ACCT = '111122223333';
const master = new MasterKey(Buffer.alloc(32, 6));

const allow = (action: string, resource: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
});

/** The CONTRACTS.md example, with real policies. */
function contractFile(): Record<string, unknown> {
  return {
    accounts: [
      {
        id: ACCT,
        name: 'main',
        root: {
          accessKeyId: 'AKIAMAINROOT00000001',
          secretAccessKey: 'rootsecretrootsecretrootsecretrootsecret',
        },
        users: [
          {
            name: 'ram_test_app',
            path: '/',
            accessKeys: [
              {
                accessKeyId: 'AKIARAMTESTAPP000001',
                secretAccessKey: 'appsecretappsecretappsecretappsecretapps',
              },
            ],
            groups: ['apps'],
            policies: { 'inline-name': allow('s3:GetObject', 'arn:aws:s3:::ram-test-app/*') },
            managedPolicies: [`arn:aws:iam::${ACCT}:policy/Name`],
            boundary: null,
            tags: { team: 'mobile' },
          },
        ],
        groups: [{ name: 'apps', policies: { list: allow('s3:ListBucket', 'arn:aws:s3:::ram-test-app') } }],
        managedPolicies: [{ name: 'Name', document: allow('s3:PutObject', 'arn:aws:s3:::ram-test-app/*') }],
        roles: [
          {
            name: 'RamTestAppWrite',
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: `arn:aws:iam::${ACCT}:user/ram_test_app` },
                  Action: 'sts:AssumeRole',
                },
              ],
            },
            policies: {},
            managedPolicies: [],
            maxSessionDuration: 3600,
            boundary: null,
          },
        ],
        buckets: [{ name: 'ram-test-app', policy: null }],
      },
    ],
    organization: { scp: [[]], rcp: [[]], accounts: [ACCT] },
  };
}

describe('bootstrap', () => {
  let dir: string;
  let store: SqlIamStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-bootstrap-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await store?.close();
    const db = await openSqliteDatabase({ path: join(dir, `${Date.now()}-${Math.random()}.db`) });
    store = new SqlIamStore(db, sqliteTraits, {
      secrets: SecretBox.forAccessKeys(master),
      ownsDatabase: true,
    });
  });

  const apply = (file: unknown): Promise<BootstrapResult> => applyBootstrap(store, parseBootstrap(file));

  it('applies the CONTRACTS.md example', async () => {
    const result = await apply(contractFile());
    assert.deepEqual(result.buckets, [{ account: ACCT, name: 'ram-test-app', policy: null }]);
    assert.deepEqual(result.warnings, []);
    assert.equal((await store.getAccount(ACCT))?.name, 'main');
    const user = await store.getUser(ACCT, 'ram_test_app');
    assert.deepEqual(user?.tags, { team: 'mobile' });
    assert.equal(
      (await store.findAccessKey('AKIARAMTESTAPP000001'))?.secretAccessKey.reveal(),
      'appsecretappsecretappsecretappsecretapps',
    );
    assert.equal((await store.findAccessKey('AKIAMAINROOT00000001'))?.userName, null);
    assert.deepEqual(
      (await store.listGroupsForUser(ACCT, 'ram_test_app')).map((g) => g.name),
      ['apps'],
    );
    assert.deepEqual(
      (await store.listAttachedPolicies({ account: ACCT, kind: 'user', name: 'ram_test_app' })).map(
        (p) => p.name,
      ),
      ['Name'],
    );
    const inline = await store.getInlinePolicy(
      { account: ACCT, kind: 'user', name: 'ram_test_app' },
      'inline-name',
    );
    assert.deepEqual(
      JSON.parse(inline?.document ?? ''),
      allow('s3:GetObject', 'arn:aws:s3:::ram-test-app/*'),
    );
    assert.equal((await store.getRole(ACCT, 'RamTestAppWrite'))?.maxSessionDuration, 3600);
    // `scp: [[]]`: one level, the root, keeping FullAWSAccess (a target always has an SCP).
    const path = await store.organizationPath(ACCT);
    assert.deepEqual(
      path?.levels.map((l) => [l.kind, l.scps.map((p) => p.name), l.rcps.length]),
      [
        ['root', ['FullAWSAccess'], 0],
        ['account', ['FullAWSAccess'], 0],
      ],
    );
  });

  it('changes nothing when applied again (not even the generation)', async () => {
    const first = await apply(contractFile());
    assert.ok(first.changes.length > 10);
    const generation = await store.generation();
    const state = await store.getBootstrapState();
    const second = await apply(contractFile());
    assert.deepEqual(second.changes, []);
    assert.equal(await store.generation(), generation);
    assert.equal(await store.getBootstrapState(), state);
    assert.deepEqual(second.buckets, first.buckets);
  });

  it('works end to end with the resolver and decide()', async () => {
    await apply(contractFile());
    const resolver = new IamResolver({ store, tokens: TokenKeyRing.fromMasterKey(master) });
    const id = await resolver.resolveAccessKey('AKIARAMTESTAPP000001');
    assert.ok(id);
    const at = (action: string, resource: string) =>
      decide(
        { principal: id.principal, action, resource, resourceAccount: ACCT, context: contextFrom() },
        id.policies,
      ).decision;
    assert.equal(at('s3:GetObject', 'arn:aws:s3:::ram-test-app/k'), 'Allowed');
    assert.equal(at('s3:PutObject', 'arn:aws:s3:::ram-test-app/k'), 'Allowed');
    assert.equal(at('s3:ListBucket', 'arn:aws:s3:::ram-test-app'), 'Allowed');
    assert.equal(at('s3:DeleteObject', 'arn:aws:s3:::ram-test-app/k'), 'ImplicitlyDenied');
    assert.equal(id.policies.scp?.length, 2);
    const root = await resolver.resolveAccessKey('AKIAMAINROOT00000001');
    assert.equal(root?.principal.type, 'root');
  });

  it('updates what a changed file declares, and removes what it no longer declares', async () => {
    await apply(contractFile());
    const file = contractFile();
    const account = (file['accounts'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    const users = account['users'] as Record<string, unknown>[];
    const app = users[0] as Record<string, unknown>;
    app['policies'] = {
      'inline-name': allow('s3:GetObject', 'arn:aws:s3:::other/*'),
      second: allow('s3:ListBucket', '*'),
    };
    app['tags'] = { owner: 'me' };
    app['groups'] = [];
    app['accessKeys'] = [
      {
        accessKeyId: 'AKIARAMTESTAPP000001',
        secretAccessKey: 'newsecretnewsecretnewsecretnewsecretnews',
        status: 'Inactive',
      },
    ];
    (account['managedPolicies'] as Record<string, unknown>[])[0] = {
      name: 'Name',
      document: allow('s3:*', '*'),
    };
    users.push({
      name: 'second',
      accessKeys: [
        { accessKeyId: 'AKIASECOND000000001X', secretAccessKey: 'secondsecondsecondsecondsecondsecondsecs' },
      ],
    });
    account['roles'] = [];

    const result = await apply(file);
    const ref = { account: ACCT, kind: 'user', name: 'ram_test_app' } as const;
    assert.match((await store.getInlinePolicy(ref, 'inline-name'))?.document ?? '', /other/);
    assert.ok(await store.getInlinePolicy(ref, 'second'));
    assert.deepEqual((await store.getUser(ACCT, 'ram_test_app'))?.tags, { owner: 'me' });
    assert.deepEqual(await store.listGroupsForUser(ACCT, 'ram_test_app'), []);
    const key = await store.findAccessKey('AKIARAMTESTAPP000001');
    assert.equal(key?.secretAccessKey.reveal(), 'newsecretnewsecretnewsecretnewsecretnews');
    assert.equal(key?.status, 'Inactive');
    const policyArn = `arn:aws:iam::${ACCT}:policy/Name`;
    assert.deepEqual(
      [
        (await store.getPolicy(policyArn))?.defaultVersionId,
        JSON.parse((await store.getPolicyDocument(policyArn))?.document ?? ''),
      ],
      ['v2', allow('s3:*', '*')],
    );
    assert.ok(await store.getUser(ACCT, 'second'));
    assert.equal(await store.getRole(ACCT, 'RamTestAppWrite'), null);
    assert.ok(result.changes.includes(`deleted role ${ACCT}/RamTestAppWrite`));
    assert.deepEqual((await apply(file)).changes, []);

    // Dropping a user removes it with its keys; dropping a managed policy deletes it once unused.
    account['users'] = [users[1]];
    account['managedPolicies'] = [];
    const dropped = await apply(file);
    assert.equal(await store.getUser(ACCT, 'ram_test_app'), null);
    assert.equal(await store.findAccessKey('AKIARAMTESTAPP000001'), null);
    assert.equal(await store.getPolicy(policyArn), null);
    assert.deepEqual(dropped.warnings, []);
  });

  it('leaves alone what was created at run time', async () => {
    await apply(contractFile());
    const ref = { account: ACCT, kind: 'user', name: 'ram_test_app' } as const;
    await store.putInlinePolicy(ref, 'runtime', JSON.stringify(allow('s3:GetObject', '*')));
    await store.tagEntity(ref, { runtime: 'yes' });
    await store.createUser({ account: ACCT, name: 'made-by-api' });
    const runtimePolicy = await store.createPolicy({ account: ACCT, name: 'RuntimePolicy', document: '{}' });
    await store.attachPolicy(ref, runtimePolicy.arn);
    const file = contractFile();
    const account = (file['accounts'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    ((account['users'] as Record<string, unknown>[])[0] as Record<string, unknown>)['policies'] = {};
    const result = await apply(file);
    assert.equal(await store.getInlinePolicy(ref, 'inline-name'), null);
    assert.ok(await store.getInlinePolicy(ref, 'runtime'));
    assert.equal((await store.getUser(ACCT, 'ram_test_app'))?.tags['runtime'], 'yes');
    assert.ok(await store.getUser(ACCT, 'made-by-api'));
    assert.ok((await store.listAttachedPolicies(ref)).some((p) => p.arn === runtimePolicy.arn));
    assert.deepEqual(result.changes, [`deleted inline policy inline-name of user ${ACCT}/ram_test_app`]);
  });

  it('keeps a no-longer-declared managed policy that something created at run time still uses', async () => {
    await apply(contractFile());
    await store.createUser({ account: ACCT, name: 'runtime' });
    await store.attachPolicy(
      { account: ACCT, kind: 'user', name: 'runtime' },
      `arn:aws:iam::${ACCT}:policy/Name`,
    );
    const file = contractFile();
    const account = (file['accounts'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    account['managedPolicies'] = [];
    ((account['users'] as Record<string, unknown>[])[0] as Record<string, unknown>)['managedPolicies'] = [];
    const result = await apply(file);
    assert.ok(await store.getPolicy(`arn:aws:iam::${ACCT}:policy/Name`));
    assert.match(result.warnings.join('\n'), /policy\/Name is no longer declared but is still attached/);
  });

  it('builds SCP/RCP levels (root, OUs, accounts) and tears the organization down when dropped', async () => {
    const deny = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }],
    };
    const rcp = {
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
    };
    const file = contractFile();
    file['organization'] = {
      scp: [['FullAWSAccess', deny], [allow('s3:*', '*')], []],
      rcp: [[], [], [rcp]],
      accounts: [ACCT],
    };
    await apply(file);
    const path = await store.organizationPath(ACCT);
    assert.deepEqual(
      path?.levels.map((l) => [l.kind, l.scps.map((p) => p.name), l.rcps.map((p) => p.name)]),
      [
        // Byte order: upper case first.
        ['root', ['FullAWSAccess', 'bootstrap-scp-0-2'], []],
        ['ou', ['bootstrap-scp-1-1'], []],
        ['account', ['FullAWSAccess'], ['bootstrap-rcp-2-1']],
      ],
    );
    const resolver = new IamResolver({ store, tokens: TokenKeyRing.fromMasterKey(master) });
    const id = await resolver.resolveAccessKey('AKIARAMTESTAPP000001');
    assert.ok(id);
    const d = decide(
      {
        principal: id.principal,
        action: 's3:DeleteBucket',
        resource: 'arn:aws:s3:::ram-test-app',
        resourceAccount: ACCT,
        context: contextFrom(),
      },
      {
        identity: [...(id.policies.identity ?? []), ...(id.policies.identity ?? [])],
        scp: id.policies.scp,
      },
    );
    assert.deepEqual([d.decision, d.deniedBy], ['ExplicitlyDenied', 'scp']);
    assert.deepEqual((await apply(file)).changes, []);

    // Fewer levels: the OU goes, the account moves up, the SCP moves to the account level.
    file['organization'] = { scp: [[], [deny]], accounts: [ACCT] };
    await apply(file);
    const flat = await store.organizationPath(ACCT);
    assert.deepEqual(
      flat?.levels.map((l) => [l.kind, l.scps.map((p) => p.name), l.rcps.length]),
      [
        ['root', ['FullAWSAccess'], 0],
        ['account', ['bootstrap-scp-1-1'], 0],
      ],
    );
    assert.equal((await store.listOrgPolicies('rcp')).length, 0);
    assert.deepEqual((await apply(file)).changes, []);

    delete file['organization'];
    const down = await apply(file);
    assert.ok(down.changes.some((c) => c.startsWith('deleted organization')));
    assert.equal(await store.getOrganization(), null);
    assert.equal(await store.organizationPath(ACCT), null);
  });

  it('names the JSON path of a bad policy, exactly', async () => {
    const file = contractFile();
    const users = ((file['accounts'] as Record<string, unknown>[])[0] as Record<string, unknown>)[
      'users'
    ] as Record<string, unknown>[];
    users.push({
      name: 'second',
      policies: {
        'inline-name': {
          Version: '2012-10-17',
          Statement: [{ Effect: 'allow ', Action: '*', Resource: '*' }],
        },
      },
    });
    assert.throws(
      () => parseBootstrap(file),
      (e: unknown) => {
        assert.ok(e instanceof BootstrapError);
        assert.equal(e.problems.length, 1);
        assert.equal(
          `${e.problems[0]?.path}: ${e.problems[0]?.message}`,
          'accounts[0].users[1].policies.inline-name: Statement[0].Effect: "allow " is not Allow or Deny',
        );
        return true;
      },
    );
  });

  it('reports every problem of a file with line and column', () => {
    const text = `{
  "accounts": [
    { "id": "12345",
      "users": [ { "name": "bad name" }, { "name": "Same" }, { "name": "same" } ],
      "roles": [ { "name": "r", "maxSessionDuration": 60,
                   "trustPolicy": { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" } ] } } ],
      "managedPolicy": []
    }
  ],
  "organisation": {}
}`;
    assert.throws(
      () => parseBootstrapText(text, 'boot.json'),
      (e: unknown) => {
        assert.ok(e instanceof BootstrapError);
        const lines = e.message.split('\n');
        assert.equal(lines[0], 'boot.json is invalid:');
        const text = e.message;
        assert.match(text, /accounts\[0\]\.id: "12345" is not a 12-digit account id \(line 3, column 13\)/);
        assert.match(
          text,
          /accounts\[0\]\.managedPolicy: unknown field "managedPolicy".*\(did you mean "managedPolicies"\?\)/,
        );
        assert.match(text, /organisation: unknown field.*\(line 10, column 3\)/);
        assert.equal(e.problems.length, 3, 'a bad account id stops the checks of that account');
        return true;
      },
    );
    const account = `{ "accounts": [ { "id": "111122223333",
      "users": [ { "name": "bad name" }, { "name": "Same" }, { "name": "same" } ],
      "roles": [ { "name": "r", "maxSessionDuration": 60,
                   "trustPolicy": { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" } ] } } ] } ] }`;
    assert.throws(
      () => parseBootstrapText(account),
      (e: unknown) => {
        assert.ok(e instanceof BootstrapError);
        assert.deepEqual(
          e.problems.map((p) => [p.path, p.line]),
          [
            ['accounts[0].users[0].name', 2],
            ['accounts[0].users[2]', 2],
            ['accounts[0].roles[0].maxSessionDuration', 3],
            ['accounts[0].roles[0].trustPolicy', 4],
            ['accounts[0].roles[0].trustPolicy', 4],
            ['accounts[0].roles[0].trustPolicy', 4],
          ],
        );
        assert.match(e.message, /users\[2\]: user "same" is already declared at accounts\[0\]\.users\[1\]/);
        assert.match(e.message, /trustPolicy: Statement\[0\].*line 4/);
        return true;
      },
    );
    assert.throws(() => parseBootstrapText('{ "accounts": [ }'), /line 1, column 17/);
  });

  it('names the path of a reference that does not resolve, and applies nothing', async () => {
    const file = contractFile();
    const account = (file['accounts'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    ((account['users'] as Record<string, unknown>[])[0] as Record<string, unknown>)['groups'] = [
      'apps',
      'missing',
    ];
    await assert.rejects(apply(file), (e: unknown) => {
      assert.ok(e instanceof BootstrapError);
      assert.equal(e.problems[0]?.path, 'accounts[0].users[0].groups[1]');
      assert.match(e.problems[0]?.message ?? '', /The group with name missing cannot be found/);
      return true;
    });
    // One transaction: nothing before the failing reference was kept.
    assert.equal(await store.getAccount(ACCT), null);
    assert.equal(await store.getBootstrapState(), null);

    const other = contractFile();
    const acct = (other['accounts'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    ((acct['users'] as Record<string, unknown>[])[0] as Record<string, unknown>)['managedPolicies'] = [
      'Nope',
    ];
    await assert.rejects(
      apply(other),
      /accounts\[0\]\.users\[0\]\.managedPolicies\[0\]: Policy arn:aws:iam::111122223333:policy\/Nope does not exist.*Declare it under managedPolicies/,
    );
    assert.throws(
      () =>
        parseBootstrap({
          accounts: [
            { id: ACCT, users: [{ name: 'u', managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }] },
          ],
        }),
      /AWS managed policy/,
    );
  });

  it('refuses an access key that belongs to someone the file does not own', async () => {
    await store.createAccount({ id: ACCT, name: 'main' });
    await store.createUser({ account: ACCT, name: 'runtime' });
    const { Secret } = await import('../../src/identity/secrets.js');
    await store.createAccessKey({
      account: ACCT,
      userName: 'runtime',
      accessKeyId: 'AKIARAMTESTAPP000001',
      secretAccessKey: new Secret('x'.repeat(40)),
    });
    await assert.rejects(
      apply(contractFile()),
      /accounts\[0\]\.users\[0\]\.accessKeys\[0\]\.accessKeyId: AKIARAMTESTAPP000001 already belongs to user 111122223333\/runtime/,
    );
  });

  it('reads a file from disk and accepts policy documents given as JSON text', async () => {
    const file = join(dir, 'bootstrap.json');
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'sts:AssumeRole' }],
    });
    await writeFile(
      file,
      JSON.stringify({
        accounts: [
          {
            id: ACCT,
            roles: [{ name: 'r', trustPolicy: trust }],
            buckets: [{ name: 'b-1', policy: '{"Version":"2012-10-17","Statement":[]}' }],
          },
        ],
      }),
    );
    const result = await applyBootstrapFile(store, file);
    assert.equal((await store.getRole(ACCT, 'r'))?.trustPolicy, trust);
    assert.deepEqual(result.buckets, [
      { account: ACCT, name: 'b-1', policy: '{"Version":"2012-10-17","Statement":[]}' },
    ]);
    await assert.rejects(
      applyBootstrapFile(store, join(dir, 'missing.json')),
      /missing\.json is invalid:\n {2}\(top level\): cannot read the file/,
    );
    // A role without a trust policy trusts its own account.
    await apply({ accounts: [{ id: ACCT, roles: [{ name: 'r2' }] }] });
    assert.match((await store.getRole(ACCT, 'r2'))?.trustPolicy ?? '', /arn:aws:iam::111122223333:root/);
  });
});
