// Runs the metadata conformance suite against PostgreSQL when PORTCULLIS_TEST_PG names a
// database (postgres://user:password@host:port/db). Each run works in a schema of its own and
// drops it afterwards. Without the variable the suite is skipped, loudly.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresMetadataStore } from '../../src/store/postgres/open.js';
import { metadataConformance } from './metadata-conformance.js';

const url = process.env.PORTCULLIS_TEST_PG;
const skip = url
  ? undefined
  : 'PORTCULLIS_TEST_PG is not set: the PostgreSQL metadata store was NOT tested ' +
    '(set it to postgres://user:password@host:5432/database to run this suite)';
if (skip) {
  process.stderr.write(`\n${'!'.repeat(100)}\n!! SKIPPED: ${skip}\n${'!'.repeat(100)}\n\n`);
}

/** A fresh schema, a pool whose connections use it, and a way to drop it all. */
async function scratchSchema(connectionString: string): Promise<{ pool: pg.Pool; drop(): Promise<void> }> {
  const schema = `portcullis_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString, max: 10, options: `-c search_path=${schema}` });
  return {
    pool,
    async drop() {
      const c = new pg.Client({ connectionString });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

if (skip) {
  // One visible skipped test, so the runner's summary counts it too.
  it('PostgreSQL metadata store', { skip }, () => undefined);
} else {
  registerSuites(url as string);
}

function registerSuites(url: string): void {
  metadataConformance(
    'postgres',
    async () => {
      const scratch = await scratchSchema(url);
      const store = await openPostgresMetadataStore({ pool: scratch.pool });
      return {
        store,
        async close() {
          await store.close();
          await scratch.drop();
        },
      };
    },
    { propertyRuns: 60 },
  );

  describe('postgres metadata store', () => {
    it('migrates once when several nodes open the same database together', async () => {
      const scratch = await scratchSchema(url);
      const pools = [
        scratch.pool,
        ...Array.from(
          { length: 3 },
          () => new pg.Pool({ connectionString: url, options: scratch.pool.options.options }),
        ),
      ];
      try {
        const stores = await Promise.all(pools.map((pool) => openPostgresMetadataStore({ pool })));
        await stores[0]?.createBucket({
          name: 'shared',
          owner: '111122223333',
          region: 'us-east-1',
          createdAt: new Date(1),
        });
        // A change made through one node is visible through another at once.
        assert.equal((await stores[3]?.getBucket('shared'))?.owner, '111122223333');
        await Promise.all(stores.map((s) => s.close()));
      } finally {
        await scratch.drop();
      }
    });

    it('stores keys with byte-order collation', async () => {
      const scratch = await scratchSchema(url);
      try {
        const store = await openPostgresMetadataStore({ pool: scratch.pool });
        const c = new pg.Client({ connectionString: url, options: scratch.pool.options.options });
        await c.connect();
        const { rows } = await c.query<{ collation_name: string }>(
          `select collation_name from information_schema.columns where table_schema = current_schema() and table_name = 'objects' and column_name = 'key'`,
        );
        assert.equal(rows[0]?.collation_name, 'C');
        await c.end();
        await store.close();
      } finally {
        await scratch.drop();
      }
    });
  });
}
