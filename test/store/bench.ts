// Informational store benchmark (not part of `npm test`):
//   node --import tsx test/store/bench.ts [--pg postgres://...]
// Measures metadata puts with synchronous=FULL vs NORMAL, gets, listings, the statement cache,
// and whole small-object writes (blob fsync + rename + metadata commit).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import Database from 'better-sqlite3';
import { FsBlobStore } from '../../src/store/fs-blobs.js';
import type { MetadataStore, PutObjectInput } from '../../src/store/metadata.js';
import { openPostgresMetadataStore } from '../../src/store/postgres/open.js';
import { migrateStore } from '../../src/store/sql/migrations.js';
import type { StoreDatabase } from '../../src/store/sql/schema.js';
import { SqlMetadataStore } from '../../src/store/sql/sql-metadata-store.js';
import { openSqliteMetadataStore } from '../../src/store/sqlite/open.js';
import { sqliteTraits } from '../../src/store/sqlite/traits.js';

function input(bucket: string, key: string): PutObjectInput {
  return {
    bucket,
    key,
    size: 4096,
    etag: '"0123456789abcdef0123456789abcdef"',
    contentType: 'application/octet-stream',
    userMetadata: { a: 'b' },
    systemMetadata: {},
    checksums: {},
    tags: {},
    acl: null,
    owner: '111122223333',
    blobId: randomBytes(16).toString('hex'),
    lastModified: new Date(),
    storageClass: 'STANDARD',
  };
}

async function rate(
  label: string,
  n: number,
  fn: (i: number) => Promise<unknown>,
  concurrency = 1,
): Promise<void> {
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${label.padEnd(58)} ${Math.round(n / secs)
      .toString()
      .padStart(8)} ops/s  (${((secs / n) * 1e6).toFixed(1)} µs/op)`,
  );
}

async function metadataBench(name: string, store: MetadataStore, n: number): Promise<void> {
  const bucket = `bench-${randomBytes(4).toString('hex')}`;
  await store.createBucket({
    name: bucket,
    owner: '111122223333',
    region: 'us-east-1',
    createdAt: new Date(),
  });
  await rate(`${name}: putObject sequential`, n, (i) => store.putObject(input(bucket, `k/${i}`)));
  await rate(`${name}: putObject 32 in flight`, n, (i) => store.putObject(input(bucket, `c/${i}`)), 32);
  await rate(`${name}: putObject replace sequential`, n, (i) => store.putObject(input(bucket, `k/${i}`)));
  await rate(`${name}: getObject`, n * 2, (i) => store.getObject(bucket, `k/${i % n}`));
  await rate(`${name}: listObjects 1000 keys`, 50, () =>
    store.listObjects(bucket, { prefix: 'k/', maxKeys: 1000 }),
  );
  await rate(`${name}: listObjects delimiter (2 prefixes)`, 200, () =>
    store.listObjects(bucket, { delimiter: '/', maxKeys: 1000 }),
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-bench-'));
  const n = 3000;
  try {
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      const store = await openSqliteMetadataStore({ path: join(dir, `meta-${synchronous}.db`), synchronous });
      await metadataBench(`sqlite ${synchronous}`, store, n);
      await store.close();
    }

    // Many common prefixes: one row read per prefix.
    {
      const store = await openSqliteMetadataStore({ path: join(dir, 'dirs.db'), synchronous: 'NORMAL' });
      await store.createBucket({
        name: 'dirs',
        owner: '111122223333',
        region: 'us-east-1',
        createdAt: new Date(),
      });
      for (let d = 0; d < 1000; d++)
        for (let f = 0; f < 5; f++) await store.putObject(input('dirs', `d${d}/f${f}`));
      await rate('sqlite: listObjects delimiter (1000 prefixes)', 50, () =>
        store.listObjects('dirs', { delimiter: '/', maxKeys: 1000 }),
      );
      await store.close();
    }

    // The same store without the prepared-statement cache, to show what the cache buys.
    const raw = new Database(join(dir, 'nocache.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: raw }) });
    await migrateStore(db, 'sqlite');
    const uncached = new SqlMetadataStore(db, sqliteTraits);
    await metadataBench('sqlite NORMAL, no statement cache', uncached, n);
    await uncached.close();

    // Whole small-object writes: 4 KiB blob (fsync file + dir) then the metadata commit.
    const blobs = await FsBlobStore.open(join(dir, 'data'));
    const body = randomBytes(4096);
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      const objects = await openSqliteMetadataStore({
        path: join(dir, `objects-${synchronous}.db`),
        synchronous,
      });
      await objects.createBucket({
        name: 'objs',
        owner: '111122223333',
        region: 'us-east-1',
        createdAt: new Date(),
      });
      const putSmall = async (i: number): Promise<void> => {
        const b = await blobs.write([body], { expectedLength: body.length });
        const r = await objects.putObject({ ...input('objs', `o/${i}`), blobId: b.blobId });
        if (r.previousBlobId) await blobs.delete(r.previousBlobId);
      };
      // Warm the 65536 shard directories' creation out of the measurement as far as 3000 writes go.
      await rate(`4 KiB object (blob fsync + sqlite ${synchronous}) sequential`, 1500, putSmall);
      await rate(`4 KiB object (blob fsync + sqlite ${synchronous}) 32 in flight`, 3000, putSmall, 32);
      await objects.close();
    }
    const store = await openSqliteMetadataStore({ path: join(dir, 'objects-FULL.db') });
    const big = randomBytes(64 * 1024 * 1024);
    const chunks = Array.from({ length: big.length / 65536 }, (_, i) =>
      big.subarray(i * 65536, (i + 1) * 65536),
    );
    const t0 = process.hrtime.bigint();
    await blobs.write(chunks, { checksums: ['CRC32'] });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(
      `${'64 MiB blob write (MD5 + CRC32 + fsync)'.padEnd(58)} ${(64 / secs).toFixed(0).padStart(8)} MiB/s`,
    );
    await store.close();

    const pgIndex = process.argv.indexOf('--pg');
    const pgUrl = pgIndex > 0 ? process.argv[pgIndex + 1] : undefined;
    if (pgUrl) {
      const pgStore = await openPostgresMetadataStore({ connectionString: pgUrl });
      await metadataBench('postgres', pgStore, n);
      await pgStore.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
