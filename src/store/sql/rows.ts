// Conversions between table rows and the records of metadata.ts.
import type { Insertable, Selectable } from 'kysely';
import type {
  BucketRecord,
  MultipartUploadRecord,
  ObjectRecord,
  ObjectSummary,
  PartRecord,
  StringMap,
} from '../metadata.js';
import type { BucketsTable, MultipartPartsTable, MultipartUploadsTable, ObjectsTable } from './schema.js';

export function int(value: number | string | bigint): number {
  return typeof value === 'number' ? value : Number(value);
}

export function date(value: number | string | bigint): Date {
  return new Date(int(value));
}

const EMPTY: StringMap = Object.freeze({});

export function encodeMap(map: StringMap): string {
  return JSON.stringify(map);
}

/** Parses a JSON string map written by encodeMap, refusing anything else. */
export function decodeMap(text: string): StringMap {
  if (text === '{}') return EMPTY;
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('metadata store: corrupt string map');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw new Error('metadata store: corrupt string map');
    out[k] = v;
  }
  return out;
}

export function toBucket(row: Selectable<BucketsTable>): BucketRecord {
  return { name: row.name, owner: row.owner, region: row.region, createdAt: date(row.created_at) };
}

export function toObject(row: Selectable<ObjectsTable>): ObjectRecord {
  return {
    bucket: row.bucket,
    key: row.key,
    size: int(row.size),
    etag: row.etag,
    contentType: row.content_type,
    userMetadata: decodeMap(row.user_metadata),
    systemMetadata: decodeMap(row.system_metadata),
    checksums: decodeMap(row.checksums),
    tags: decodeMap(row.tags),
    acl: row.acl,
    owner: row.owner,
    blobId: row.blob_id,
    lastModified: date(row.last_modified),
    storageClass: row.storage_class,
    partsCount: row.parts_count === null ? null : int(row.parts_count),
  };
}

export const SUMMARY_COLUMNS = [
  'key',
  'size',
  'etag',
  'last_modified',
  'storage_class',
  'owner',
  'checksums',
] as const;
export type SummaryRow = Pick<Selectable<ObjectsTable>, (typeof SUMMARY_COLUMNS)[number]>;

export function toSummary(row: SummaryRow): ObjectSummary {
  return {
    key: row.key,
    size: int(row.size),
    etag: row.etag,
    lastModified: date(row.last_modified),
    storageClass: row.storage_class,
    owner: row.owner,
    checksums: decodeMap(row.checksums),
  };
}

export function fromObject(o: ObjectRecord): Insertable<ObjectsTable> {
  return {
    bucket: o.bucket,
    key: o.key,
    size: o.size,
    etag: o.etag,
    content_type: o.contentType,
    user_metadata: encodeMap(o.userMetadata),
    system_metadata: encodeMap(o.systemMetadata),
    checksums: encodeMap(o.checksums),
    tags: encodeMap(o.tags),
    acl: o.acl,
    owner: o.owner,
    blob_id: o.blobId,
    last_modified: o.lastModified.getTime(),
    storage_class: o.storageClass,
    parts_count: o.partsCount,
  };
}

export function toUpload(row: Selectable<MultipartUploadsTable>): MultipartUploadRecord {
  return {
    uploadId: row.upload_id,
    bucket: row.bucket,
    key: row.key,
    initiated: date(row.initiated),
    initiator: row.initiator,
    owner: row.owner,
    contentType: row.content_type,
    userMetadata: decodeMap(row.user_metadata),
    systemMetadata: decodeMap(row.system_metadata),
    tags: decodeMap(row.tags),
    acl: row.acl,
    storageClass: row.storage_class,
    checksumAlgorithm: row.checksum_algorithm,
    checksumType: row.checksum_type,
  };
}

export function fromUpload(u: MultipartUploadRecord): Insertable<MultipartUploadsTable> {
  return {
    upload_id: u.uploadId,
    bucket: u.bucket,
    key: u.key,
    initiated: u.initiated.getTime(),
    initiator: u.initiator,
    owner: u.owner,
    content_type: u.contentType,
    user_metadata: encodeMap(u.userMetadata),
    system_metadata: encodeMap(u.systemMetadata),
    tags: encodeMap(u.tags),
    acl: u.acl,
    storage_class: u.storageClass,
    checksum_algorithm: u.checksumAlgorithm,
    checksum_type: u.checksumType,
  };
}

export function toPart(row: Selectable<MultipartPartsTable>): PartRecord {
  return {
    partNumber: int(row.part_number),
    size: int(row.size),
    etag: row.etag,
    blobId: row.blob_id,
    checksums: decodeMap(row.checksums),
    lastModified: date(row.last_modified),
  };
}
