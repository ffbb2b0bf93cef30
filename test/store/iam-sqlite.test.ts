// Runs the IAM store conformance suite against SQLite, on a real file, plus what only SQLite shows:
// the tables sit in the metadata database and secrets are not stored in clear.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MasterKey, Secret, SecretBox } from '../../src/identity/secrets.js';
import { openStores } from '../../src/store/open-stores.js';
import { SqlIamStore } from '../../src/store/sql/iam-sql-store.js';
import { openSqliteDatabase } from '../../src/store/sqlite/open.js';
import { sqliteTraits } from '../../src/store/sqlite/traits.js';
import { iamConformance } from './iam-conformance.js';

const secrets = SecretBox.forAccessKeys(MasterKey.generate());

iamConformance('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-iam-'));
  const db = await openSqliteDatabase({ path: join(dir, 'metadata.db') });
  const store = new SqlIamStore(db, sqliteTraits, { secrets, ownsDatabase: true });
  return {
    store,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite IAM store', () => {
  it('shares the metadata database and keeps secret access keys sealed at rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-iam-'));
    try {
      const stores = await openStores({ dataDir: dir });
      const iam = stores.iamStore(secrets);
      await iam.createAccount({ id: '111122223333', name: 'main' });
      const plain = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
      await iam.createAccessKey({
        account: '111122223333',
        userName: null,
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: new Secret(plain),
      });
      await stores.metadata.createBucket({
        name: 'b',
        owner: '111122223333',
        region: 'us-east-1',
        createdAt: new Date(),
      });
      await stores.close();

      const raw = new Database(join(dir, 'metadata.db'));
      const row = raw.prepare('select secret from iam_access_keys').get() as { secret: string };
      assert.ok(!row.secret.includes(plain));
      assert.ok(!Buffer.from(row.secret, 'base64').toString('latin1').includes(plain));
      const migrations = raw.prepare('select name from portcullis_store_migration order by name').all() as {
        name: string;
      }[];
      assert.deepEqual(
        migrations.map((m) => m.name),
        ['0001_initial', '0002_iam'],
      );
      raw.close();

      // Reopened with the same master key, the secret opens; with another key it does not.
      const again = await openStores({ dataDir: dir });
      assert.ok(
        (await again.iamStore(secrets).findAccessKey('AKIAIOSFODNN7EXAMPLE'))?.secretAccessKey.equals(plain),
      );
      await assert.rejects(
        again.iamStore(SecretBox.forAccessKeys(MasterKey.generate())).findAccessKey('AKIAIOSFODNN7EXAMPLE'),
        /authentication failed/,
      );
      assert.equal((await again.metadata.getBucket('b'))?.owner, '111122223333');
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
