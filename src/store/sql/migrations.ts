// The store's schema, applied at open through Kysely's Migrator (which takes a lock, so several
// PostgreSQL nodes starting together migrate once). Append migrations; never edit applied ones.
//
// Keys use byte-wise collation so ORDER BY and range seeks follow UTF-8 byte order like S3:
// SQLite's BINARY on a UTF-8 database, PostgreSQL's "C" on a UTF8 database.
import { Kysely, Migrator, sql, type Migration, type RawBuilder } from 'kysely';
import type { SqlDialectName } from './dialect.js';
import { iamMigrations } from './iam-migrations.js';
import type { StoreDatabase } from './schema.js';

const MIGRATION_TABLE = 'portcullis_store_migration';
const MIGRATION_LOCK_TABLE = 'portcullis_store_migration_lock';

function storeMigrations(dialect: SqlDialectName): Record<string, Migration> {
  const pg = dialect === 'postgres';
  const key = pg ? sql`text collate "C"` : sql`text collate binary`;
  const int64 = pg ? 'bigint' : 'integer';
  // SQLite: cluster tables on their primary key, so listings read pages in key order.
  const clustered = <T extends { modifyEnd(e: RawBuilder<unknown>): T }>(b: T): T =>
    pg ? b : b.modifyEnd(sql`without rowid`);

  return {
    '0001_initial': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('buckets')
          .addColumn('name', key, (c) => c.primaryKey().notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('region', 'text', (c) => c.notNull())
          .addColumn('created_at', int64, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('buckets_by_owner').on('buckets').columns(['owner', 'name']).execute();

        await db.schema
          .createTable('bucket_configs')
          .addColumn('bucket', key, (c) => c.notNull().references('buckets.name').onDelete('cascade'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('document', 'text', (c) => c.notNull())
          .addColumn('updated_at', int64, (c) => c.notNull())
          .addPrimaryKeyConstraint('bucket_configs_pk', ['bucket', 'kind'])
          .$call(clustered)
          .execute();

        // No cascade from buckets: deleting a bucket that still holds rows must fail.
        await db.schema
          .createTable('objects')
          .addColumn('bucket', key, (c) => c.notNull().references('buckets.name'))
          .addColumn('key', key, (c) => c.notNull())
          .addColumn('size', int64, (c) => c.notNull())
          .addColumn('etag', 'text', (c) => c.notNull())
          .addColumn('content_type', 'text')
          .addColumn('user_metadata', 'text', (c) => c.notNull())
          .addColumn('system_metadata', 'text', (c) => c.notNull())
          .addColumn('checksums', 'text', (c) => c.notNull())
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('acl', 'text')
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('blob_id', 'text', (c) => c.notNull())
          .addColumn('last_modified', int64, (c) => c.notNull())
          .addColumn('storage_class', 'text', (c) => c.notNull())
          .addColumn('parts_count', 'integer')
          .addPrimaryKeyConstraint('objects_pk', ['bucket', 'key'])
          .$call(clustered)
          .execute();
        await db.schema.createIndex('objects_by_blob').on('objects').column('blob_id').execute();

        await db.schema
          .createTable('multipart_uploads')
          .addColumn('upload_id', key, (c) => c.primaryKey().notNull())
          .addColumn('bucket', key, (c) => c.notNull().references('buckets.name'))
          .addColumn('key', key, (c) => c.notNull())
          .addColumn('initiated', int64, (c) => c.notNull())
          .addColumn('initiator', 'text', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('content_type', 'text')
          .addColumn('user_metadata', 'text', (c) => c.notNull())
          .addColumn('system_metadata', 'text', (c) => c.notNull())
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('acl', 'text')
          .addColumn('storage_class', 'text', (c) => c.notNull())
          .addColumn('checksum_algorithm', 'text')
          .addColumn('checksum_type', 'text')
          .execute();
        await db.schema
          .createIndex('multipart_uploads_by_key')
          .on('multipart_uploads')
          .columns(['bucket', 'key', 'upload_id'])
          .execute();

        // No cascade either: completion and abort delete parts themselves, to return their blobs.
        await db.schema
          .createTable('multipart_parts')
          .addColumn('upload_id', key, (c) => c.notNull().references('multipart_uploads.upload_id'))
          .addColumn('part_number', 'integer', (c) => c.notNull())
          .addColumn('size', int64, (c) => c.notNull())
          .addColumn('etag', 'text', (c) => c.notNull())
          .addColumn('blob_id', 'text', (c) => c.notNull())
          .addColumn('checksums', 'text', (c) => c.notNull())
          .addColumn('last_modified', int64, (c) => c.notNull())
          .addPrimaryKeyConstraint('multipart_parts_pk', ['upload_id', 'part_number'])
          .$call(clustered)
          .execute();
        await db.schema
          .createIndex('multipart_parts_by_blob')
          .on('multipart_parts')
          .column('blob_id')
          .execute();
      },
    },
  };
}

/** Brings the store's tables up to date; throws if a migration fails. */
export async function migrateStore(db: Kysely<StoreDatabase>, dialect: SqlDialectName): Promise<void> {
  if (dialect !== 'postgres') return runMigrations(db, dialect, undefined);
  // Kysely's own lock lives in a table it first has to create, and two nodes starting on a fresh
  // database race on that creation. A session advisory lock, held on one connection for the whole
  // migration, serialises them first. Pinning the migration tables to the current schema keeps
  // Kysely from mistaking another schema's tables for ours (it looks across all schemas).
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_ADVISORY_LOCK})`.execute(conn);
    try {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(conn);
      await runMigrations(conn, dialect, rows[0]?.schema);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_ADVISORY_LOCK})`.execute(conn);
    }
  });
}

/** An arbitrary constant naming Portcullis's migration lock among the database's advisory locks. */
const MIGRATION_ADVISORY_LOCK = 7_130_414_201;

async function runMigrations(
  db: Kysely<StoreDatabase>,
  dialect: SqlDialectName,
  schema: string | undefined,
): Promise<void> {
  // The IAM tables (iam-migrations.ts) share this database, this migration table and its lock.
  const migrations = { ...storeMigrations(dialect), ...iamMigrations(dialect) };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw new Error(
      `metadata store migration failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
