// Row types of the store's tables, as Kysely sees them. Times are epoch milliseconds;
// string maps are JSON text (the same in SQLite and PostgreSQL, so queries are shared).
import type { ColumnType } from 'kysely';
import type { IamDatabase } from './iam-schema.js';

/** 64-bit integers: better-sqlite3 yields numbers, pg yields strings for int8. */
export type Int64 = ColumnType<number | string | bigint, number, number>;

export interface BucketsTable {
  name: string;
  owner: string;
  region: string;
  created_at: Int64;
}

export interface BucketConfigsTable {
  bucket: string;
  kind: string;
  document: string;
  updated_at: Int64;
}

export interface ObjectsTable {
  bucket: string;
  key: string;
  size: Int64;
  etag: string;
  content_type: string | null;
  user_metadata: string;
  system_metadata: string;
  checksums: string;
  tags: string;
  acl: string | null;
  owner: string;
  blob_id: string;
  last_modified: Int64;
  storage_class: string;
  parts_count: number | null;
}

export interface MultipartUploadsTable {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: Int64;
  initiator: string;
  owner: string;
  content_type: string | null;
  user_metadata: string;
  system_metadata: string;
  tags: string;
  acl: string | null;
  storage_class: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
}

export interface MultipartPartsTable {
  upload_id: string;
  part_number: number;
  size: Int64;
  etag: string;
  blob_id: string;
  checksums: string;
  last_modified: Int64;
}

/** The metadata tables, and the IAM tables of iam-schema.ts (one database, one migration list). */
export interface StoreDatabase extends IamDatabase {
  buckets: BucketsTable;
  bucket_configs: BucketConfigsTable;
  objects: ObjectsTable;
  multipart_uploads: MultipartUploadsTable;
  multipart_parts: MultipartPartsTable;
}
