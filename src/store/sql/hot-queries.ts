// The metadata queries that S3 and OSS requests make every time (bucket lookup, bucket
// configuration, object read and replace), compiled once per store: see compiled-once.ts.
import type { Insertable, Kysely } from 'kysely';
import { compileOnce, param } from './compiled-once.js';
import type { SqlDialectTraits } from './dialect.js';
import type { ObjectsTable, StoreDatabase } from './schema.js';

/** The object columns a put writes besides the key (bucket, key): their order binds the values. */
export const OBJECT_VALUE_COLUMNS = [
  'size',
  'etag',
  'content_type',
  'user_metadata',
  'system_metadata',
  'checksums',
  'tags',
  'acl',
  'owner',
  'blob_id',
  'last_modified',
  'storage_class',
  'parts_count',
] as const satisfies readonly (keyof ObjectsTable)[];

/** A marker for each value column, typed as the column so Kysely accepts the template. */
function valueMarkers(first: number): Omit<Insertable<ObjectsTable>, 'bucket' | 'key'> {
  const markers: Record<string, string> = {};
  OBJECT_VALUE_COLUMNS.forEach((column, i) => (markers[column] = param(first + i)));
  return markers as unknown as Omit<Insertable<ObjectsTable>, 'bucket' | 'key'>;
}

/** [bucket, key, ...value columns] of a row, in the order the templates bind them. */
export function objectRowValues(row: Insertable<ObjectsTable>): unknown[] {
  return [row.bucket, row.key, ...OBJECT_VALUE_COLUMNS.map((column) => row[column] ?? null)];
}

export function hotQueries(db: Kysely<StoreDatabase>, traits: SqlDialectTraits) {
  return {
    bucket: compileOnce(db.selectFrom('buckets').selectAll().where('name', '=', param(0))),
    bucketConfigs: compileOnce(
      db.selectFrom('bucket_configs').select(['kind', 'document']).where('bucket', '=', param(0)),
    ),
    object: compileOnce(
      db.selectFrom('objects').selectAll().where('bucket', '=', param(0)).where('key', '=', param(1)),
    ),
    /** The key's current blob, locked for the transaction where the database has row locks. */
    currentBlob: compileOnce(
      db
        .selectFrom('objects')
        .select(['blob_id', 'size'])
        .where('bucket', '=', param(0))
        .where('key', '=', param(1))
        .$if(traits.rowLocks, (q) => q.forUpdate()),
    ),
    /** Values: bucket, key, then OBJECT_VALUE_COLUMNS. */
    updateObject: compileOnce(
      db
        .updateTable('objects')
        .set(valueMarkers(2))
        .where('bucket', '=', param(0))
        .where('key', '=', param(1)),
    ),
    /** Values: bucket, key, then OBJECT_VALUE_COLUMNS; does nothing if the key exists. */
    insertObject: compileOnce(
      db
        .insertInto('objects')
        .values({ bucket: param(0), key: param(1), ...valueMarkers(2) })
        .onConflict((oc) => oc.columns(['bucket', 'key']).doNothing()),
    ),
  };
}

export type HotQueries = ReturnType<typeof hotQueries>;
