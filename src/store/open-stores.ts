// One call for the server: the metadata store (embedded SQLite in <data>/metadata.db, or
// PostgreSQL), the blob store under <data>, and the start-up sweep of crash leftovers.
import { join } from 'node:path';
import type { SweepResult } from './blobs.js';
import { FsBlobStore } from './fs-blobs.js';
import type { MetadataStore } from './metadata.js';
import { openPostgresMetadataStore } from './postgres/open.js';
import { openSqliteMetadataStore } from './sqlite/open.js';

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
  close(): Promise<void>;
}

export async function openStores(options: OpenStoresOptions): Promise<Stores> {
  const blobs = await FsBlobStore.open(options.dataDir);
  const metadata = options.postgresUrl
    ? await openPostgresMetadataStore({ connectionString: options.postgresUrl })
    : await openSqliteMetadataStore({
        path: join(options.dataDir, 'metadata.db'),
        synchronous: options.synchronous,
      });
  let sweep: SweepResult | null = null;
  try {
    if (!options.skipSweep) {
      const minAgeMs = options.sweepMinAgeMs ?? (options.postgresUrl ? 60 * 60 * 1000 : 0);
      sweep = await blobs.sweep((ids) => metadata.referencedBlobIds(ids), { minAgeMs });
    }
  } catch (e) {
    await metadata.close();
    throw e;
  }
  return { metadata, blobs, sweep, close: () => metadata.close() };
}
