// The metadata store: buckets, their configuration documents, objects and multipart uploads.
// It knows nothing of policies or HTTP; it stores what the protocol layer hands it and answers
// with typed `StoreError`s. Bodies live in a BlobStore; rows here only name a blob id.
//
// Crash safety (with fs-blobs.ts): a body is written, fsynced and renamed into place BEFORE the
// row that names it commits; a row is replaced or deleted BEFORE its old blob is unlinked (the
// methods below hand back the blob ids the caller must delete after the commit). A crash in
// between leaves only an unreferenced blob, harmless and removed by FsBlobStore.sweep() with
// `referencedBlobIds` at start-up. Never the reverse: a row never names a missing blob.
//
// Keys are ordered by UTF-8 bytes, like S3. All methods are async so that embedded (SQLite)
// and shared (PostgreSQL) implementations satisfy the same interface and conformance suite.

/** Per-bucket configuration documents, stored as the text the protocol layer chose (JSON or XML). */
export const BUCKET_CONFIG_KINDS = [
  'policy',
  'acl',
  'cors',
  'ownership',
  'public-access-block',
  'tagging',
  'referer',
  'versioning',
  'lifecycle',
  'encryption',
  'website',
  'logging',
] as const;
export type BucketConfigKind = (typeof BUCKET_CONFIG_KINDS)[number];

export type StringMap = Readonly<Record<string, string>>;

export interface BucketRecord {
  readonly name: string;
  /** Owning account id. */
  readonly owner: string;
  readonly region: string;
  readonly createdAt: Date;
}

export interface ObjectRecord {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** As sent in the ETag header, quotes included (`"<md5 hex>"` or `"<hex>-<parts>"`). */
  readonly etag: string;
  readonly contentType: string | null;
  /** x-amz-meta-* / x-oss-meta-*, names without the prefix, lower-cased by the caller. */
  readonly userMetadata: StringMap;
  /** Stored response headers: content-encoding, cache-control, content-disposition, expires, content-language... */
  readonly systemMetadata: StringMap;
  /** Additional checksums by algorithm (`CRC32`, `SHA256`...), base64 as S3 sends them. */
  readonly checksums: StringMap;
  readonly tags: StringMap;
  /** Object ACL document, or null for the default (owner full control). */
  readonly acl: string | null;
  /** Owning account id (the bucket owner under BucketOwnerEnforced, else the writer's). */
  readonly owner: string;
  readonly blobId: string;
  readonly lastModified: Date;
  readonly storageClass: string;
  /** Number of parts for an object made by multipart upload, else null. */
  readonly partsCount: number | null;
}

export type PutObjectInput = Omit<ObjectRecord, 'partsCount'> & {
  readonly partsCount?: number | null;
  /**
   * Compare-and-swap: the put happens only if the key's current blob is this one (null: only if
   * the key does not exist), checked in the same transaction; otherwise PreconditionFailed.
   * Undefined: unconditional. Appends and conditional writes rely on it.
   */
  readonly expectBlobId?: string | null;
};

export interface PutObjectResult {
  /**
   * The blob of the version this put replaced, for the caller to delete after the put returns.
   * Null when there was none or when it is the blob just put (a metadata-only copy onto itself).
   */
  readonly previousBlobId: string | null;
}

/** What a listing returns per object (the record without the heavy per-object documents). */
export type ObjectSummary = Pick<
  ObjectRecord,
  'key' | 'size' | 'etag' | 'lastModified' | 'storageClass' | 'owner' | 'checksums'
>;

export interface ListObjectsOptions {
  readonly prefix?: string;
  /** Keys with `delimiter` after the prefix roll up into one common prefix. Empty means none. */
  readonly delimiter?: string;
  /** Exclusive start: V1 marker, V2 start-after or the decoded V2 continuation token. */
  readonly startAfter?: string;
  /** Keys plus common prefixes to return; 0 returns nothing and is not truncated. */
  readonly maxKeys: number;
}

export interface ListObjectsResult {
  readonly objects: ObjectSummary[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  /** When truncated: the last key or common prefix returned; pass it back as `startAfter`. */
  readonly nextMarker: string | null;
}

export interface MultipartUploadRecord {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: Date;
  /** The principal ARN (or id) that created the upload. */
  readonly initiator: string;
  /** Account id that will own the object. */
  readonly owner: string;
  readonly contentType: string | null;
  readonly userMetadata: StringMap;
  readonly systemMetadata: StringMap;
  readonly tags: StringMap;
  readonly acl: string | null;
  readonly storageClass: string;
  /** x-amz-checksum-algorithm given at creation, if any. */
  readonly checksumAlgorithm: string | null;
  /** x-amz-checksum-type (COMPOSITE | FULL_OBJECT), if any. */
  readonly checksumType: string | null;
}

export interface PartRecord {
  readonly partNumber: number;
  readonly size: number;
  readonly etag: string;
  readonly blobId: string;
  readonly checksums: StringMap;
  readonly lastModified: Date;
}

export interface PutPartInput extends PartRecord {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
}

export interface ListPartsOptions {
  /** Exclusive: parts with a greater number. */
  readonly partNumberMarker?: number;
  readonly maxParts: number;
}

export interface ListPartsResult {
  readonly parts: PartRecord[];
  readonly isTruncated: boolean;
  readonly nextPartNumberMarker: number | null;
}

export interface ListUploadsOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  /** Uploads for keys after this one (and, with uploadIdMarker, later uploads of this key). */
  readonly keyMarker?: string;
  /** Ignored without keyMarker, as in S3. */
  readonly uploadIdMarker?: string;
  readonly maxUploads: number;
}

export interface ListUploadsResult {
  /** Ordered by key (UTF-8 bytes), then upload id; make upload ids sortable by time to match S3. */
  readonly uploads: MultipartUploadRecord[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker: string | null;
  readonly nextUploadIdMarker: string | null;
}

export interface CompleteMultipartUploadInput {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  /** The assembled object's blob, already written and fsynced. */
  readonly blobId: string;
  readonly size: number;
  readonly etag: string;
  readonly checksums: StringMap;
  readonly lastModified: Date;
  readonly partsCount: number;
}

export interface CompleteMultipartUploadResult {
  /** The new object: upload metadata (content type, tags, ACL...) plus the input. */
  readonly object: ObjectRecord;
  /** Blobs of every part the upload held, for the caller to delete. */
  readonly partBlobIds: string[];
  /** Blob of the object version the completion replaced, for the caller to delete. */
  readonly previousBlobId: string | null;
}

export interface MetadataStore {
  // ---- buckets
  /** Throws BucketAlreadyOwnedByYou / BucketAlreadyExists when the name is taken. */
  createBucket(input: BucketRecord): Promise<BucketRecord>;
  getBucket(name: string): Promise<BucketRecord | null>;
  /** All buckets, or one account's, ordered by name. */
  listBuckets(options?: { readonly owner?: string }): Promise<BucketRecord[]>;
  /** Throws NoSuchBucket, or BucketNotEmpty while objects or multipart uploads remain. */
  deleteBucket(name: string): Promise<void>;

  /** Null when the bucket has no such document; throws NoSuchBucket. */
  getBucketConfig(bucket: string, kind: BucketConfigKind): Promise<string | null>;
  /** Every document the bucket has, in one round trip (for authorization). Throws NoSuchBucket. */
  getBucketConfigs(bucket: string): Promise<Partial<Record<BucketConfigKind, string>>>;
  putBucketConfig(bucket: string, kind: BucketConfigKind, document: string): Promise<void>;
  /** True when a document was deleted. Throws NoSuchBucket. */
  deleteBucketConfig(bucket: string, kind: BucketConfigKind): Promise<boolean>;

  // ---- objects
  /** Creates or atomically replaces the object. Throws NoSuchBucket. */
  putObject(input: PutObjectInput): Promise<PutObjectResult>;
  /** GET and HEAD alike (bodies are the blob store's). Throws NoSuchBucket / NoSuchKey. */
  getObject(bucket: string, key: string): Promise<ObjectRecord>;
  /** Like getObject without the typed misses: null when the object (or bucket) is absent. */
  findObject(bucket: string, key: string): Promise<ObjectRecord | null>;
  /** Idempotent like S3: blobId is null when there was no such key. Throws NoSuchBucket. */
  deleteObject(bucket: string, key: string): Promise<{ blobId: string | null }>;
  /** Throws NoSuchBucket. */
  listObjects(bucket: string, options: ListObjectsOptions): Promise<ListObjectsResult>;
  getObjectTags(bucket: string, key: string): Promise<StringMap>;
  /** Replaces the whole tag set (an empty map deletes it). Throws NoSuchBucket / NoSuchKey. */
  putObjectTags(bucket: string, key: string, tags: StringMap): Promise<void>;
  putObjectAcl(bucket: string, key: string, acl: string | null): Promise<void>;

  // ---- multipart uploads
  /** Throws NoSuchBucket. */
  createMultipartUpload(input: MultipartUploadRecord): Promise<void>;
  /** Throws NoSuchUpload (also when the id belongs to another bucket or key). */
  getMultipartUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUploadRecord>;
  /** Creates or replaces a part; previousBlobId is the replaced part's blob. Throws NoSuchUpload. */
  putPart(input: PutPartInput): Promise<{ previousBlobId: string | null }>;
  /** Parts in number order. Throws NoSuchUpload. */
  listParts(
    bucket: string,
    key: string,
    uploadId: string,
    options: ListPartsOptions,
  ): Promise<ListPartsResult>;
  /** Throws NoSuchBucket. */
  listMultipartUploads(bucket: string, options: ListUploadsOptions): Promise<ListUploadsResult>;
  /** Atomically: inserts the object, deletes the upload and its parts. Throws NoSuchUpload. */
  completeMultipartUpload(input: CompleteMultipartUploadInput): Promise<CompleteMultipartUploadResult>;
  /** Deletes the upload and its parts, returning their blobs. Throws NoSuchUpload. */
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<{ partBlobIds: string[] }>;

  // ---- maintenance
  /** The subset of `blobIds` that some object or part row names (for the orphan sweep). */
  referencedBlobIds(blobIds: readonly string[]): Promise<Set<string>>;
  close(): Promise<void>;
}
