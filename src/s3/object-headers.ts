// Object metadata in request headers (what PutObject, CopyObject with REPLACE and
// CreateMultipartUpload store) and back out as response headers (GetObject, HeadObject).
import { S3Error } from '../server/errors.js';
import type { HeaderMap } from '../server/reply.js';
import type { ObjectRecord, StringMap } from '../store/metadata.js';
import type { S3Call } from './context.js';
import { httpDate } from './operation.js';
import { validateTags } from './tagging.js';

/** S3 measures user metadata as the UTF-8 bytes of every name and value: at most 2 KB. */
export const MAX_USER_METADATA_BYTES = 2048;

const META_PREFIX = 'x-amz-meta-';
/** Headers stored with the object and sent back as they were given. */
const STORED_HEADERS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
  'x-amz-website-redirect-location',
] as const;

export const STORAGE_CLASSES = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
]);

export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

export interface ObjectHeaders {
  readonly contentType: string;
  readonly userMetadata: StringMap;
  readonly systemMetadata: StringMap;
  readonly storageClass: string;
  readonly tags: StringMap | undefined;
}

/** Reads the metadata a write stores; MetadataTooLarge / InvalidStorageClass / InvalidTag on bad input. */
export function objectHeadersOf(call: S3Call): ObjectHeaders {
  const headers = call.ctx.req.headers;
  const userMetadata: Record<string, string> = {};
  let metaBytes = 0;
  for (const [name, raw] of Object.entries(headers)) {
    if (!name.startsWith(META_PREFIX) || raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    const short = name.slice(META_PREFIX.length);
    userMetadata[short] = value;
    // node decodes header bytes as latin1, so latin1 length is the byte length on the wire.
    metaBytes += Buffer.byteLength(short, 'latin1') + Buffer.byteLength(value, 'latin1');
  }
  if (metaBytes > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', undefined, {
      Size: metaBytes,
      MaxSizeAllowed: MAX_USER_METADATA_BYTES,
    });
  }

  const systemMetadata: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let value = call.ctx.header(name);
    if (value === undefined) continue;
    if (name === 'content-encoding') {
      // aws-chunked describes this request's transfer, not the object.
      value = value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '' && v.toLowerCase() !== 'aws-chunked')
        .join(',');
      if (value === '') continue;
    }
    systemMetadata[name] = value;
  }

  const storageClass = call.ctx.header('x-amz-storage-class') ?? 'STANDARD';
  if (!STORAGE_CLASSES.has(storageClass))
    throw new S3Error('InvalidStorageClass', undefined, { StorageClassRequested: storageClass });

  const tagging = call.ctx.header('x-amz-tagging');
  return {
    contentType: call.ctx.header('content-type') || DEFAULT_CONTENT_TYPE,
    userMetadata,
    systemMetadata,
    storageClass,
    tags: tagging === undefined ? undefined : parseTagging(tagging),
  };
}

/** The x-amz-tagging header: URL-encoded `k=v&k2=v2`, within S3's tag limits. */
export function parseTagging(header: string): StringMap {
  return validateTags([...new URLSearchParams(header)]);
}

/** The response headers describing an object (GetObject/HeadObject), before any response-* override. */
export function objectResponseHeaders(obj: ObjectRecord): HeaderMap {
  const h: HeaderMap = {
    'last-modified': httpDate(obj.lastModified),
    etag: obj.etag,
    'content-type': obj.contentType ?? DEFAULT_CONTENT_TYPE,
    'accept-ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(obj.systemMetadata)) h[name] = value;
  for (const [name, value] of Object.entries(obj.userMetadata)) h[META_PREFIX + name] = value;
  if (obj.storageClass !== 'STANDARD') h['x-amz-storage-class'] = obj.storageClass;
  const tagCount = Object.keys(obj.tags).length;
  if (tagCount > 0) h['x-amz-tagging-count'] = tagCount;
  return h;
}

/** response-* query parameters override response headers on GET (signed requests only). */
export const RESPONSE_OVERRIDES: ReadonlyArray<readonly [string, string]> = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];
