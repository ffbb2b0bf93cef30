// MetadataStore over Kysely, shared by the SQLite and PostgreSQL stores: the same queries,
// with the few dialect differences (row locks, error codes) behind SqlDialectTraits.
//
// Concurrency (PostgreSQL, READ COMMITTED): every read-then-write locks the row it read
// (FOR UPDATE / FOR SHARE) so that exactly one writer sees each old blob id; inserts use
// ON CONFLICT DO NOTHING and loop back to the locked read when another writer got there first.
// Foreign keys stop rows from outliving their bucket or upload whatever the interleaving.
// SQLite serialises transactions on its single connection, so the same code is correct there.
import type { Insertable, Kysely, Selectable } from 'kysely';
import { StoreError, type StoreErrorCode } from '../errors.js';
import { listPage, type Position } from '../listing.js';
import {
  BUCKET_CONFIG_KINDS,
  type BucketConfigKind,
  type BucketRecord,
  type CompleteMultipartUploadInput,
  type CompleteMultipartUploadResult,
  type ListObjectsOptions,
  type ListObjectsResult,
  type ListPartsOptions,
  type ListPartsResult,
  type ListUploadsOptions,
  type ListUploadsResult,
  type MetadataStore,
  type MultipartUploadRecord,
  type ObjectRecord,
  type PutObjectInput,
  type PutObjectResult,
  type PutPartInput,
  type StringMap,
} from '../metadata.js';
import type { SqlDialectTraits } from './dialect.js';
import { inTransaction } from './transaction.js';
import { hotQueries, objectRowValues, type HotQueries } from './hot-queries.js';
import {
  decodeMap,
  encodeMap,
  fromObject,
  fromUpload,
  toBucket,
  toObject,
  toPart,
  toSummary,
  toUpload,
  SUMMARY_COLUMNS,
  type SummaryRow,
} from './rows.js';
import type { MultipartPartsTable, MultipartUploadsTable, ObjectsTable, StoreDatabase } from './schema.js';

type Db = Kysely<StoreDatabase>;

// Bounded IN lists: SQLite allows 32766 parameters, PostgreSQL 65535; stay far below both.
const IN_CHUNK = 500;

export class SqlMetadataStore implements MetadataStore {
  private readonly hot: HotQueries;

  constructor(
    private readonly db: Db,
    private readonly traits: SqlDialectTraits,
  ) {
    this.hot = hotQueries(db, traits);
  }

  // ---- helpers

  private tx<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return inTransaction(this.db, this.traits, fn);
  }

  private async bucketExists(q: Db, bucket: string): Promise<boolean> {
    const row = await q.selectFrom('buckets').select('name').where('name', '=', bucket).executeTakeFirst();
    return row !== undefined;
  }

  /** The error for a row that was not found: NoSuchBucket when the bucket is gone, else `code`. */
  private async miss(q: Db, bucket: string, code: StoreErrorCode, what: string): Promise<StoreError> {
    if (!(await this.bucketExists(q, bucket))) return noSuchBucket(bucket);
    return new StoreError(code, `${what} does not exist`);
  }

  private async requireBucket(q: Db, bucket: string): Promise<void> {
    if (!(await this.bucketExists(q, bucket))) throw noSuchBucket(bucket);
  }

  private isForeignKey(e: unknown): boolean {
    return this.traits.constraintViolation(e) === 'foreign-key';
  }

  // ---- buckets

  async createBucket(input: BucketRecord): Promise<BucketRecord> {
    for (;;) {
      const res = await this.db
        .insertInto('buckets')
        .values({
          name: input.name,
          owner: input.owner,
          region: input.region,
          created_at: input.createdAt.getTime(),
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      if (res.numInsertedOrUpdatedRows !== 0n) return { ...input };
      const existing = await this.getBucket(input.name);
      if (existing === null) continue; // deleted in between: try again
      throw existing.owner === input.owner
        ? new StoreError('BucketAlreadyOwnedByYou', `bucket ${input.name} is already yours`)
        : new StoreError('BucketAlreadyExists', `bucket ${input.name} belongs to another account`);
    }
  }

  async getBucket(name: string): Promise<BucketRecord | null> {
    const row = await this.hot.bucket.first(this.db, [name]);
    return row === undefined ? null : toBucket(row);
  }

  async listBuckets(options: { readonly owner?: string } = {}): Promise<BucketRecord[]> {
    const owner = options.owner;
    const rows = await this.db
      .selectFrom('buckets')
      .selectAll()
      .$if(owner !== undefined, (q) => q.where('owner', '=', owner as string))
      .orderBy('name')
      .execute();
    return rows.map(toBucket);
  }

  async deleteBucket(name: string): Promise<void> {
    try {
      await this.tx(async (trx) => {
        const row = await trx
          .selectFrom('buckets')
          .select('name')
          .where('name', '=', name)
          .$if(this.traits.rowLocks, (q) => q.forUpdate())
          .executeTakeFirst();
        if (row === undefined) throw noSuchBucket(name);
        const object = await trx
          .selectFrom('objects')
          .select('key')
          .where('bucket', '=', name)
          .limit(1)
          .executeTakeFirst();
        const upload = await trx
          .selectFrom('multipart_uploads')
          .select('upload_id')
          .where('bucket', '=', name)
          .limit(1)
          .executeTakeFirst();
        if (object !== undefined || upload !== undefined) throw bucketNotEmpty(name);
        await trx.deleteFrom('buckets').where('name', '=', name).execute();
      });
    } catch (e) {
      // A row inserted after our emptiness check still blocks the delete through its foreign key.
      if (this.isForeignKey(e)) throw bucketNotEmpty(name);
      throw e;
    }
  }

  async getBucketConfig(bucket: string, kind: BucketConfigKind): Promise<string | null> {
    const row = await this.db
      .selectFrom('bucket_configs')
      .select('document')
      .where('bucket', '=', bucket)
      .where('kind', '=', kind)
      .executeTakeFirst();
    if (row !== undefined) return row.document;
    await this.requireBucket(this.db, bucket);
    return null;
  }

  async getBucketConfigs(bucket: string): Promise<Partial<Record<BucketConfigKind, string>>> {
    const rows = await this.hot.bucketConfigs.rows(this.db, [bucket]);
    if (rows.length === 0) await this.requireBucket(this.db, bucket);
    const out: Partial<Record<BucketConfigKind, string>> = {};
    for (const { kind, document } of rows) {
      if (isConfigKind(kind)) out[kind] = document;
    }
    return out;
  }

  async putBucketConfig(bucket: string, kind: BucketConfigKind, document: string): Promise<void> {
    const now = Date.now();
    try {
      await this.db
        .insertInto('bucket_configs')
        .values({ bucket, kind, document, updated_at: now })
        .onConflict((oc) => oc.columns(['bucket', 'kind']).doUpdateSet({ document, updated_at: now }))
        .execute();
    } catch (e) {
      if (this.isForeignKey(e)) throw noSuchBucket(bucket);
      throw e;
    }
  }

  async deleteBucketConfig(bucket: string, kind: BucketConfigKind): Promise<boolean> {
    const res = await this.db
      .deleteFrom('bucket_configs')
      .where('bucket', '=', bucket)
      .where('kind', '=', kind)
      .executeTakeFirst();
    if (res.numDeletedRows !== 0n) return true;
    await this.requireBucket(this.db, bucket);
    return false;
  }

  // ---- objects

  async putObject(input: PutObjectInput): Promise<PutObjectResult> {
    const { expectBlobId, ...record } = input;
    const row = fromObject({ ...record, partsCount: record.partsCount ?? null });
    try {
      const previousBlobId = await this.tx((trx) => this.upsertObject(trx, row, expectBlobId));
      return { previousBlobId };
    } catch (e) {
      if (this.isForeignKey(e)) throw noSuchBucket(input.bucket);
      throw e;
    }
  }

  /** Inserts or replaces an object row; returns the replaced blob id (null if none or the same). */
  private async upsertObject(
    trx: Db,
    row: Insertable<ObjectsTable>,
    expectBlobId?: string | null,
  ): Promise<string | null> {
    const values = objectRowValues(row);
    for (;;) {
      const old = await this.hot.currentBlob.first(trx, [row.bucket, row.key]);
      if (expectBlobId !== undefined && (old?.blob_id ?? null) !== expectBlobId)
        throw new StoreError('PreconditionFailed', `${row.bucket}/${row.key} changed`, {
          currentSize: Number(old?.size ?? 0),
        });
      if (old !== undefined) {
        await this.hot.updateObject.affected(trx, values);
        return old.blob_id === row.blob_id ? null : old.blob_id;
      }
      if ((await this.hot.insertObject.affected(trx, values)) !== 0n) return null;
      // Another transaction inserted the key after our read: read it again, locked.
    }
  }

  async getObject(bucket: string, key: string): Promise<ObjectRecord> {
    const found = await this.findObject(bucket, key);
    if (found !== null) return found;
    throw await this.miss(this.db, bucket, 'NoSuchKey', `key ${JSON.stringify(key)}`);
  }

  async findObject(bucket: string, key: string): Promise<ObjectRecord | null> {
    const row = await this.hot.object.first(this.db, [bucket, key]);
    return row === undefined ? null : toObject(row);
  }

  async deleteObject(bucket: string, key: string): Promise<{ blobId: string | null }> {
    const row = await this.db
      .deleteFrom('objects')
      .where('bucket', '=', bucket)
      .where('key', '=', key)
      .returning('blob_id')
      .executeTakeFirst();
    if (row !== undefined) return { blobId: row.blob_id };
    await this.requireBucket(this.db, bucket);
    return { blobId: null };
  }

  async listObjects(bucket: string, options: ListObjectsOptions): Promise<ListObjectsResult> {
    const page = await listPage<SummaryRow>({
      prefix: options.prefix ?? '',
      delimiter: options.delimiter ?? null,
      start: options.startAfter ? { key: options.startAfter, inclusive: false } : null,
      maxItems: options.maxKeys,
      keyOf: (row) => row.key,
      positionAfter: (row) => ({ key: row.key, inclusive: false }),
      fetch: (lower, upper, limit) =>
        this.db
          .selectFrom('objects')
          .select(SUMMARY_COLUMNS)
          .where('bucket', '=', bucket)
          .$if(lower !== null, (q) => seekKey(q, lower as Position))
          .$if(upper !== null, (q) => q.where('key', '<', upper as string))
          .orderBy('key')
          .limit(limit)
          .execute(),
    });
    // Rows prove the bucket exists (foreign key); only an empty answer needs the check.
    if (page.entries.length === 0 && page.prefixes.length === 0) await this.requireBucket(this.db, bucket);
    const last = page.last;
    return {
      objects: page.entries.map(toSummary),
      commonPrefixes: page.prefixes,
      isTruncated: page.isTruncated,
      nextMarker: last === null ? null : last.kind === 'prefix' ? last.prefix : last.entry.key,
    };
  }

  async getObjectTags(bucket: string, key: string): Promise<StringMap> {
    const row = await this.db
      .selectFrom('objects')
      .select('tags')
      .where('bucket', '=', bucket)
      .where('key', '=', key)
      .executeTakeFirst();
    if (row === undefined) throw await this.miss(this.db, bucket, 'NoSuchKey', `key ${JSON.stringify(key)}`);
    return decodeMap(row.tags);
  }

  async putObjectTags(bucket: string, key: string, tags: StringMap): Promise<void> {
    await this.updateObjectColumns(bucket, key, { tags: encodeMap(tags) });
  }

  async putObjectAcl(bucket: string, key: string, acl: string | null): Promise<void> {
    await this.updateObjectColumns(bucket, key, { acl });
  }

  private async updateObjectColumns(
    bucket: string,
    key: string,
    set: { tags: string } | { acl: string | null },
  ): Promise<void> {
    const res = await this.db
      .updateTable('objects')
      .set(set)
      .where('bucket', '=', bucket)
      .where('key', '=', key)
      .executeTakeFirst();
    if (res.numUpdatedRows === 0n)
      throw await this.miss(this.db, bucket, 'NoSuchKey', `key ${JSON.stringify(key)}`);
  }

  // ---- multipart uploads

  async createMultipartUpload(input: MultipartUploadRecord): Promise<void> {
    try {
      await this.db.insertInto('multipart_uploads').values(fromUpload(input)).execute();
    } catch (e) {
      if (this.isForeignKey(e)) throw noSuchBucket(input.bucket);
      throw e;
    }
  }

  async getMultipartUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUploadRecord> {
    const row = await this.db
      .selectFrom('multipart_uploads')
      .selectAll()
      .where('upload_id', '=', uploadId)
      .where('bucket', '=', bucket)
      .where('key', '=', key)
      .executeTakeFirst();
    if (row === undefined) throw await this.noSuchUpload(this.db, bucket, uploadId);
    return toUpload(row);
  }

  private noSuchUpload(q: Db, bucket: string, uploadId: string): Promise<StoreError> {
    return this.miss(q, bucket, 'NoSuchUpload', `upload ${JSON.stringify(uploadId)}`);
  }

  /** Reads (and on PostgreSQL locks) the upload row, or throws NoSuchUpload. */
  private async lockUpload(
    trx: Db,
    bucket: string,
    key: string,
    uploadId: string,
    mode: 'share' | 'update',
  ): Promise<Selectable<MultipartUploadsTable>> {
    const row = await trx
      .selectFrom('multipart_uploads')
      .selectAll()
      .where('upload_id', '=', uploadId)
      .where('bucket', '=', bucket)
      .where('key', '=', key)
      .$if(this.traits.rowLocks, (q) => (mode === 'share' ? q.forShare() : q.forUpdate()))
      .executeTakeFirst();
    if (row === undefined) throw await this.noSuchUpload(trx, bucket, uploadId);
    return row;
  }

  async putPart(input: PutPartInput): Promise<{ previousBlobId: string | null }> {
    const row: Insertable<MultipartPartsTable> = {
      upload_id: input.uploadId,
      part_number: input.partNumber,
      size: input.size,
      etag: input.etag,
      blob_id: input.blobId,
      checksums: encodeMap(input.checksums),
      last_modified: input.lastModified.getTime(),
    };
    try {
      const previousBlobId = await this.tx(async (trx) => {
        // A shared lock: parts may arrive in parallel, but completion and abort wait for them.
        await this.lockUpload(trx, input.bucket, input.key, input.uploadId, 'share');
        for (;;) {
          const old = await trx
            .selectFrom('multipart_parts')
            .select('blob_id')
            .where('upload_id', '=', row.upload_id)
            .where('part_number', '=', row.part_number)
            .$if(this.traits.rowLocks, (q) => q.forUpdate())
            .executeTakeFirst();
          if (old !== undefined) {
            const { upload_id: _u, part_number: _p, ...rest } = row;
            await trx
              .updateTable('multipart_parts')
              .set(rest)
              .where('upload_id', '=', row.upload_id)
              .where('part_number', '=', row.part_number)
              .execute();
            return old.blob_id === row.blob_id ? null : old.blob_id;
          }
          const res = await trx
            .insertInto('multipart_parts')
            .values(row)
            .onConflict((oc) => oc.columns(['upload_id', 'part_number']).doNothing())
            .executeTakeFirst();
          if (res.numInsertedOrUpdatedRows !== 0n) return null;
        }
      });
      return { previousBlobId };
    } catch (e) {
      if (this.isForeignKey(e))
        throw new StoreError('NoSuchUpload', `upload ${JSON.stringify(input.uploadId)} does not exist`);
      throw e;
    }
  }

  async listParts(
    bucket: string,
    key: string,
    uploadId: string,
    options: ListPartsOptions,
  ): Promise<ListPartsResult> {
    await this.getMultipartUpload(bucket, key, uploadId);
    if (options.maxParts <= 0) return { parts: [], isTruncated: false, nextPartNumberMarker: null };
    const rows = await this.db
      .selectFrom('multipart_parts')
      .selectAll()
      .where('upload_id', '=', uploadId)
      .where('part_number', '>', options.partNumberMarker ?? 0)
      .orderBy('part_number')
      .limit(options.maxParts + 1)
      .execute();
    const isTruncated = rows.length > options.maxParts;
    const parts = rows.slice(0, options.maxParts).map(toPart);
    const lastPart = parts[parts.length - 1];
    return { parts, isTruncated, nextPartNumberMarker: isTruncated && lastPart ? lastPart.partNumber : null };
  }

  async listMultipartUploads(bucket: string, options: ListUploadsOptions): Promise<ListUploadsResult> {
    const keyMarker = options.keyMarker || null;
    const start: Position | null =
      keyMarker === null
        ? null
        : options.uploadIdMarker
          ? { key: keyMarker, inclusive: false, tiebreak: options.uploadIdMarker }
          : { key: keyMarker, inclusive: false };
    const page = await listPage<Selectable<MultipartUploadsTable>>({
      prefix: options.prefix ?? '',
      delimiter: options.delimiter ?? null,
      start,
      maxItems: options.maxUploads,
      keyOf: (row) => row.key,
      positionAfter: (row) => ({ key: row.key, inclusive: false, tiebreak: row.upload_id }),
      fetch: (lower, upper, limit) =>
        this.db
          .selectFrom('multipart_uploads')
          .selectAll()
          .where('bucket', '=', bucket)
          .$if(lower !== null, (q) => {
            const at = lower as Position;
            if (at.inclusive || at.tiebreak === undefined) return seekKey(q, at);
            // Kept as a range on key plus a filter, so the index seek still applies.
            return q
              .where('key', '>=', at.key)
              .where((eb) => eb.or([eb('key', '>', at.key), eb('upload_id', '>', at.tiebreak as string)]));
          })
          .$if(upper !== null, (q) => q.where('key', '<', upper as string))
          .orderBy('key')
          .orderBy('upload_id')
          .limit(limit)
          .execute(),
    });
    if (page.entries.length === 0 && page.prefixes.length === 0) await this.requireBucket(this.db, bucket);
    const last = page.last;
    return {
      uploads: page.entries.map(toUpload),
      commonPrefixes: page.prefixes,
      isTruncated: page.isTruncated,
      nextKeyMarker: last === null ? null : last.kind === 'prefix' ? last.prefix : last.entry.key,
      nextUploadIdMarker: last !== null && last.kind === 'entry' ? last.entry.upload_id : null,
    };
  }

  async completeMultipartUpload(input: CompleteMultipartUploadInput): Promise<CompleteMultipartUploadResult> {
    return this.tx(async (trx) => {
      const upload = toUpload(await this.lockUpload(trx, input.bucket, input.key, input.uploadId, 'update'));
      const partBlobIds = await this.deleteUploadRows(trx, input.uploadId);
      const object: ObjectRecord = {
        bucket: input.bucket,
        key: input.key,
        size: input.size,
        etag: input.etag,
        contentType: upload.contentType,
        userMetadata: upload.userMetadata,
        systemMetadata: upload.systemMetadata,
        checksums: input.checksums,
        tags: upload.tags,
        acl: upload.acl,
        owner: upload.owner,
        blobId: input.blobId,
        lastModified: input.lastModified,
        storageClass: upload.storageClass,
        partsCount: input.partsCount,
      };
      const previousBlobId = await this.upsertObject(trx, fromObject(object));
      // A caller that reused a part's blob as the object's must not be told to delete it.
      return { object, partBlobIds: partBlobIds.filter((id) => id !== input.blobId), previousBlobId };
    });
  }

  async abortMultipartUpload(
    bucket: string,
    key: string,
    uploadId: string,
  ): Promise<{ partBlobIds: string[] }> {
    return this.tx(async (trx) => {
      await this.lockUpload(trx, bucket, key, uploadId, 'update');
      return { partBlobIds: await this.deleteUploadRows(trx, uploadId) };
    });
  }

  /** Deletes an upload's parts then the upload (the row must be locked); returns the part blobs. */
  private async deleteUploadRows(trx: Db, uploadId: string): Promise<string[]> {
    const parts = await trx
      .deleteFrom('multipart_parts')
      .where('upload_id', '=', uploadId)
      .returning('blob_id')
      .execute();
    await trx.deleteFrom('multipart_uploads').where('upload_id', '=', uploadId).execute();
    return parts.map((p) => p.blob_id);
  }

  // ---- maintenance

  async referencedBlobIds(blobIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < blobIds.length; i += IN_CHUNK) {
      const chunk = blobIds.slice(i, i + IN_CHUNK);
      const objects = await this.db
        .selectFrom('objects')
        .select('blob_id')
        .where('blob_id', 'in', chunk)
        .execute();
      const parts = await this.db
        .selectFrom('multipart_parts')
        .select('blob_id')
        .where('blob_id', 'in', chunk)
        .execute();
      for (const r of objects) found.add(r.blob_id);
      for (const r of parts) found.add(r.blob_id);
    }
    return found;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** Adds `key >= / > position` to a query over a table with a `key` column. */
function seekKey<Q extends { where(column: 'key', op: '>=' | '>', value: string): Q }>(
  q: Q,
  at: Position,
): Q {
  return q.where('key', at.inclusive ? '>=' : '>', at.key);
}

function noSuchBucket(bucket: string): StoreError {
  return new StoreError('NoSuchBucket', `bucket ${bucket} does not exist`);
}

function bucketNotEmpty(bucket: string): StoreError {
  return new StoreError('BucketNotEmpty', `bucket ${bucket} still holds objects or multipart uploads`);
}

function isConfigKind(kind: string): kind is BucketConfigKind {
  return (BUCKET_CONFIG_KINDS as readonly string[]).includes(kind);
}
