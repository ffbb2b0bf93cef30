// The shared metadata store on PostgreSQL, for several stateless nodes. Same queries as the
// SQLite store (src/store/sql/); keys are `text COLLATE "C"`, which orders UTF-8 text by bytes.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateStore } from '../sql/migrations.js';
import type { StoreDatabase } from '../sql/schema.js';
import { SqlMetadataStore } from '../sql/sql-metadata-store.js';
import { postgresTraits } from './traits.js';

export interface PostgresMetadataStoreOptions {
  /** postgres://user:password@host:port/database */
  readonly connectionString?: string;
  /** An existing pool instead (the store ends it on close). */
  readonly pool?: pg.Pool;
  /** Pool size when the store creates the pool. */
  readonly maxConnections?: number;
}

export async function openPostgresMetadataStore(
  options: PostgresMetadataStoreOptions,
): Promise<SqlMetadataStore> {
  return new SqlMetadataStore(await openPostgresDatabase(options), postgresTraits);
}

/** The migrated database, for stores that share its pool (metadata and IAM). */
export async function openPostgresDatabase(
  options: PostgresMetadataStoreOptions,
): Promise<Kysely<StoreDatabase>> {
  const pool =
    options.pool ??
    new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    const { rows } = await sql<{ server_encoding: string }>`show server_encoding`.execute(db);
    const encoding = rows[0]?.server_encoding;
    if (encoding !== 'UTF8') {
      throw new Error(`PostgreSQL database encoding is ${String(encoding)}; the metadata store needs UTF8`);
    }
    await migrateStore(db, 'postgres');
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return db;
}
