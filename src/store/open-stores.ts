// One call for the server: the metadata store (embedded SQLite in <data>/metadata.db, or
// PostgreSQL), the blob store under <data>, and the start-up sweep of crash leftovers.
import { join } from 'node:path';
import type { IamStore } from '../identity/iam-store.js';
import type { SecretBox } from '../identity/secrets.js';
import type { SweepResult } from './blobs.js';
import { FsBlobStore } from './fs-blobs.js';
import type { MetadataStore } from './metadata.js';
import { openPostgresDatabase } from './postgres/open.js';
import { postgresTraits } from './postgres/traits.js';
import { SqlIamStore } from './sql/iam-sql-store.js';
import { SqlMetadataStore } from './sql/sql-metadata-store.js';
import { openSqliteDatabase } from './sqlite/open.js';
import { sqliteTraits } from './sqlite/traits.js';

export interface OpenStoresOptions {
  readonly dataDir: string;
  /** Use PostgreSQL for metadata (several nodes); blobs stay under dataDir (a shared volume). */
  readonly postgresUrl?: string;
  /** SQLite only; see sqlite/open.ts. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /**
   * Sweep files at least this old. Default: 0 for the embedded store (one process owns the data
   * directory), 1 hour with PostgreSQL (other nodes may be between blob rename and commit).
   */
  readonly sweepMinAgeMs?: number;
  /** Skip the start-up sweep (default false). */
  readonly skipSweep?: boolean;
}

export interface Stores {
  readonly metadata: MetadataStore;
  readonly blobs: FsBlobStore;
  /** What the start-up sweep removed, or null when skipped. */
  readonly sweep: SweepResult | null;
  /**
   * The IAM store on the same database (one SQLite connection: two would block each other's
   * writes). `secrets` seals secret access keys at rest (SecretBox.forAccessKeys(masterKey)).
   */
  iamStore(secrets: SecretBox): IamStore;
  close(): Promise<void>;
}

export async function openStores(options: OpenStoresOptions): Promise<Stores> {
  const blobs = await FsBlobStore.open(options.dataDir);
  const traits = options.postgresUrl ? postgresTraits : sqliteTraits;
  const db = options.postgresUrl
    ? await openPostgresDatabase({ connectionString: options.postgresUrl })
    : await openSqliteDatabase({
        path: join(options.dataDir, 'metadata.db'),
        synchronous: options.synchronous,
      });
  const metadata = new SqlMetadataStore(db, traits);
  let sweep: SweepResult | null = null;
  try {
    if (!options.skipSweep) {
      const minAgeMs = options.sweepMinAgeMs ?? (options.postgresUrl ? 60 * 60 * 1000 : 0);
      sweep = await blobs.sweep((ids) => metadata.referencedBlobIds(ids), { minAgeMs });
    }
  } catch (e) {
    await metadata.close();
    await blobs.close();
    throw e;
  }
  return {
    metadata,
    blobs,
    sweep,
    // The metadata store owns the database: closing it closes the IAM store's connection too.
    iamStore: (secrets) => new SqlIamStore(db, traits, { secrets }),
    close: async () => {
      await metadata.close();
      await blobs.close();
    },
  };
}
