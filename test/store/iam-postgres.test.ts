// Runs the IAM store conformance suite against PostgreSQL when PORTCULLIS_TEST_PG names a
// database, each store in a scratch schema of its own; without the variable it is skipped, loudly.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { MasterKey, Secret, SecretBox } from '../../src/identity/secrets.js';
import { openPostgresDatabase } from '../../src/store/postgres/open.js';
import { postgresTraits } from '../../src/store/postgres/traits.js';
import { SqlIamStore } from '../../src/store/sql/iam-sql-store.js';
import { iamConformance } from './iam-conformance.js';

const url = process.env.PORTCULLIS_TEST_PG;
const skip = url
  ? undefined
  : 'PORTCULLIS_TEST_PG is not set: the PostgreSQL IAM store was NOT tested ' +
    '(set it to postgres://user:password@host:5432/database to run this suite)';
if (skip) process.stderr.write(`\n${'!'.repeat(100)}\n!! SKIPPED: ${skip}\n${'!'.repeat(100)}\n\n`);

const secrets = SecretBox.forAccessKeys(MasterKey.generate());

async function scratchSchema(connectionString: string): Promise<{ options: string; drop(): Promise<void> }> {
  const schema = `portcullis_iam_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  return {
    options: `-c search_path=${schema}`,
    async drop() {
      const c = new pg.Client({ connectionString });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

async function openStore(connectionString: string, options: string): Promise<SqlIamStore> {
  const pool = new pg.Pool({ connectionString, max: 10, options });
  const db = await openPostgresDatabase({ pool });
  return new SqlIamStore(db, postgresTraits, { secrets, ownsDatabase: true });
}

if (skip) {
  it('PostgreSQL IAM store', { skip }, () => undefined);
} else {
  const connectionString = url as string;
  iamConformance('postgres', async () => {
    const scratch = await scratchSchema(connectionString);
    const store = await openStore(connectionString, scratch.options);
    return {
      store,
      async close() {
        await store.close();
        await scratch.drop();
      },
    };
  });

  describe('postgres IAM store', () => {
    it('sees a change made through another node at the next read (generation and data)', async () => {
      const scratch = await scratchSchema(connectionString);
      const [a, b] = await Promise.all([
        openStore(connectionString, scratch.options),
        openStore(connectionString, scratch.options),
      ]);
      try {
        await a.createAccount({ id: '111122223333', name: 'main' });
        await a.createUser({ account: '111122223333', name: 'alice' });
        const before = await b.generation();
        await a.createAccessKey({
          account: '111122223333',
          userName: 'alice',
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          secretAccessKey: new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
        });
        assert.ok((await b.generation()) > before);
        assert.equal((await b.findAccessKey('AKIAIOSFODNN7EXAMPLE'))?.userName, 'alice');
      } finally {
        await a.close();
        await b.close();
        await scratch.drop();
      }
    });

    it('serialises writers from several nodes (one name, one winner)', async () => {
      const scratch = await scratchSchema(connectionString);
      const nodes = await Promise.all([1, 2, 3].map(() => openStore(connectionString, scratch.options)));
      try {
        await nodes[0]?.createAccount({ id: '111122223333', name: 'main' });
        const results = await Promise.allSettled(
          nodes.flatMap((n, i) =>
            ['Bob', 'bob', 'BOB'].map((name) =>
              n.createRole({ account: '111122223333', name: `${name}`, trustPolicy: `{"n":${i}}` }),
            ),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        assert.equal((await nodes[2]?.listRoles('111122223333'))?.length, 1);
      } finally {
        await Promise.all(nodes.map((n) => n.close()));
        await scratch.drop();
      }
    });
  });
}
