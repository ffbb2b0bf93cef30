// The embedded metadata store: one SQLite file, used by one process at a time.
//
// Durability: WAL journal. synchronous=FULL (the default) fsyncs the WAL at every commit, so an
// acknowledged write survives power loss. NORMAL may lose the last commits on power loss (it
// never corrupts): an acknowledged PUT could vanish though its blob is on disk. FULL costs about
// 0.4 ms per commit on this machine, spent inside better-sqlite3's synchronous call, i.e. on
// the event loop (test/store/bench.ts; numbers in src/store/README.md).
import Database from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect, type DialectAdapter } from 'kysely';
import { migrateStore } from '../sql/migrations.js';
import type { StoreDatabase } from '../sql/schema.js';
import { SqlMetadataStore } from '../sql/sql-metadata-store.js';
import { CachingSqliteDatabase } from './statement-cache.js';
import { sqliteTraits } from './traits.js';

export interface SqliteMetadataStoreOptions {
  /** The database file (created if absent), or ':memory:' for throwaway stores. */
  readonly path: string;
  /** 'FULL' (default): durable commits. 'NORMAL': faster, last commits may be lost on power loss. */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

// Kysely assumes SQLite has no transactional DDL and runs migrations statement by statement;
// SQLite does have it, and a crash halfway through the first migration would otherwise leave
// a half-made schema that fails every later start.
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class StoreSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export async function openSqliteMetadataStore(
  options: SqliteMetadataStoreOptions,
): Promise<SqlMetadataStore> {
  return new SqlMetadataStore(await openSqliteDatabase(options), sqliteTraits);
}

/** The migrated database, for stores that share its one connection (metadata and IAM). */
export async function openSqliteDatabase(
  options: SqliteMetadataStoreOptions,
): Promise<Kysely<StoreDatabase>> {
  const raw = new Database(options.path);
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    const encoding: unknown = raw.pragma('encoding', { simple: true });
    if (encoding !== 'UTF-8') {
      // BINARY collation orders by UTF-8 bytes only when the text is stored as UTF-8.
      throw new Error(`metadata database ${options.path} uses ${String(encoding)}, not UTF-8`);
    }
  } catch (e) {
    raw.close();
    throw e;
  }
  const db = new Kysely<StoreDatabase>({
    dialect: new StoreSqliteDialect({ database: new CachingSqliteDatabase(raw) }),
  });
  try {
    await migrateStore(db, 'sqlite');
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return db;
}
