// Runs the metadata conformance suite against the embedded SQLite store, on a real file.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteMetadataStore } from '../../src/store/sqlite/open.js';
import { metadataConformance } from './metadata-conformance.js';

metadataConformance('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-sqlite-'));
  const store = await openSqliteMetadataStore({ path: join(dir, 'metadata.db') });
  return {
    store,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite metadata store', () => {
  it('reopens an existing file without migrating twice, keeping its data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-sqlite-'));
    try {
      const path = join(dir, 'metadata.db');
      const first = await openSqliteMetadataStore({ path });
      await first.createBucket({
        name: 'keep',
        owner: '111122223333',
        region: 'us-east-1',
        createdAt: new Date(5),
      });
      await first.close();
      const second = await openSqliteMetadataStore({ path, synchronous: 'NORMAL' });
      assert.equal((await second.getBucket('keep'))?.createdAt.getTime(), 5);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uses WAL, durable commits, foreign keys and byte-order keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-sqlite-'));
    try {
      const path = join(dir, 'metadata.db');
      const store = await openSqliteMetadataStore({ path });
      await store.close();
      const raw = new Database(path);
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(raw.pragma('encoding', { simple: true }), 'UTF-8');
      // Listing must be an index range scan on the primary key, not a sort.
      const plan = raw
        .prepare(
          `explain query plan select "key" from "objects" where "bucket" = ? and "key" > ? and "key" < ? order by "key" limit 10`,
        )
        .all('b', 'a', 'z') as { detail: string }[];
      const details = plan.map((p) => p.detail).join('\n');
      assert.match(details, /SEARCH objects USING PRIMARY KEY \(bucket=\? AND key>\? AND key<\?\)/);
      assert.doesNotMatch(details, /TEMP B-TREE/);
      raw.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
