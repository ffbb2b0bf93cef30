// S3 routing: the bucket and key (path-style `/bucket/key` or virtual-hosted `bucket.<host>`),
// then method + sub-resource query parameters → operation name. S3 routes by sub-resource, not
// by path template, so this is a table of conditions rather than a pattern router.
import { S3Error } from '../server/errors.js';

export type S3Operation =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'GetBucketLocation'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'GetBucketPolicy'
  | 'PutBucketPolicy'
  | 'DeleteBucketPolicy'
  | 'DeleteObjects'
  | 'ListMultipartUploads'
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'GetBucketAcl'
  | 'GetObjectAcl'
  | 'GetBucketVersioning'
  | 'ListObjectVersions'
  | 'GetObjectTagging'
  | 'PutObjectTagging'
  | 'DeleteObjectTagging'
  | 'PutBucketAcl'
  | 'PutObjectAcl'
  | 'GetBucketOwnershipControls'
  | 'PutBucketOwnershipControls'
  | 'DeleteBucketOwnershipControls'
  | 'GetPublicAccessBlock'
  | 'PutPublicAccessBlock'
  | 'DeletePublicAccessBlock'
  | 'GetBucketCors'
  | 'PutBucketCors'
  | 'DeleteBucketCors'
  | 'CorsPreflight'
  | 'PostObject';

export interface S3Route {
  readonly operation: S3Operation;
  /** Undefined for service-level requests (ListBuckets). */
  readonly bucket: string | undefined;
  /** Undefined for bucket-level requests. */
  readonly key: string | undefined;
  readonly query: URLSearchParams;
  /** Whether the bucket came from the Host header. */
  readonly virtualHosted: boolean;
}

/** Maximum object key length in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/**
 * Every sub-resource S3 defines. Those not routed below answer 501 NotImplemented rather than
 * being mistaken for a plain GET/PUT of the bucket or object (a PUT ?tagging must never
 * overwrite the object).
 */
const SUBRESOURCES = new Set([
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'delete',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metadataConfiguration',
  'metadataTable',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'partNumber',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'renameObject',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'session',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versioning',
  'versions',
  'website',
  'abac',
  'inventoryConfiguration',
  // OSS-only sub-resources: not served on the S3 dialect.
  'append',
  'symlink',
  'referer',
  'qos',
  'bucketInfo',
  'stat',
  'objectMeta',
  'worm',
  'style',
]);

export interface RoutingInput {
  readonly method: string;
  /** The raw request target (`/bucket/key?query`), still percent-encoded. */
  readonly url: string;
  readonly host: string | undefined;
  readonly copySource: boolean;
}

export function route(input: RoutingInput): S3Route {
  const q = input.url.indexOf('?');
  const rawPath = q < 0 ? input.url : input.url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : input.url.slice(q + 1));
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI');

  let bucket: string | undefined;
  let key: string | undefined;
  const hostBucket = bucketFromHost(input.host);
  if (hostBucket !== undefined) {
    bucket = hostBucket;
    key = rawPath.length > 1 ? decodeKey(rawPath.slice(1)) : undefined;
  } else {
    const slash = rawPath.indexOf('/', 1);
    const rawBucket = slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash);
    if (rawBucket !== '') bucket = decodePart(rawBucket);
    if (slash >= 0 && slash + 1 < rawPath.length) key = decodeKey(rawPath.slice(slash + 1));
  }

  const operation = operationFor(input.method, bucket, key, query, input.copySource);
  return { operation, bucket, key, query, virtualHosted: hostBucket !== undefined };
}

/**
 * The bucket named by a virtual-hosted Host header: `bucket.localhost[:port]` or
 * `bucket.s3.<anything>` / `bucket.s3-<region>.<anything>`. IP addresses, `localhost` and bare
 * `s3.<domain>` hosts are path-style.
 */
export function bucketFromHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  let name = host.toLowerCase();
  if (name.startsWith('[')) return undefined; // IPv6 literal
  const colon = name.lastIndexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  if (name.endsWith('.localhost')) {
    const b = name.slice(0, -'.localhost'.length);
    return b === '' || b === 's3' ? undefined : b;
  }
  // The last `.s3.` / `.s3-` label boundary: bucket names may themselves contain dots.
  const at = Math.max(name.lastIndexOf('.s3.'), name.lastIndexOf('.s3-'));
  if (at > 0) return name.slice(0, at);
  return undefined;
}

function decodePart(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

function decodeKey(raw: string): string {
  const key = decodePart(raw);
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', undefined, {
      MaxSizeAllowed: MAX_KEY_BYTES,
      Size: Buffer.byteLength(key, 'utf8'),
    });
  }
  if (key.includes('\0'))
    throw new S3Error('InvalidArgument', 'Object key must not contain the NUL character.', {
      ArgumentName: 'key',
    });
  return key;
}

function operationFor(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: URLSearchParams,
  copySource: boolean,
): S3Operation {
  if (bucket === undefined) {
    if (method === 'GET') return 'ListBuckets';
    throw methodNotAllowed(method, 'SERVICE');
  }
  const has = (name: string) => query.has(name);
  const unsupported = () => {
    for (const name of query.keys()) {
      if (SUBRESOURCES.has(name)) {
        return new S3Error('NotImplemented', `The ${name} sub-resource is not implemented by this server.`, {
          Method: method,
          ResourceType: name,
        });
      }
    }
    return undefined;
  };

  // Browsers send CORS preflights unsigned, to any bucket or object URL.
  if (method === 'OPTIONS') return 'CorsPreflight';

  if (key === undefined) {
    switch (method) {
      case 'GET':
        if (has('location')) return 'GetBucketLocation';
        if (has('policy')) return 'GetBucketPolicy';
        if (has('uploads')) return 'ListMultipartUploads';
        if (has('acl')) return 'GetBucketAcl';
        if (has('ownershipControls')) return 'GetBucketOwnershipControls';
        if (has('publicAccessBlock')) return 'GetPublicAccessBlock';
        if (has('cors')) return 'GetBucketCors';
        if (has('versioning')) return 'GetBucketVersioning';
        if (has('versions')) return 'ListObjectVersions';
        throwIf(unsupported());
        return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      case 'HEAD':
        throwIf(unsupported());
        return 'HeadBucket';
      case 'PUT':
        if (has('policy')) return 'PutBucketPolicy';
        if (has('acl')) return 'PutBucketAcl';
        if (has('ownershipControls')) return 'PutBucketOwnershipControls';
        if (has('publicAccessBlock')) return 'PutPublicAccessBlock';
        if (has('cors')) return 'PutBucketCors';
        throwIf(unsupported());
        return 'CreateBucket';
      case 'DELETE':
        if (has('policy')) return 'DeleteBucketPolicy';
        if (has('ownershipControls')) return 'DeleteBucketOwnershipControls';
        if (has('publicAccessBlock')) return 'DeletePublicAccessBlock';
        if (has('cors')) return 'DeleteBucketCors';
        throwIf(unsupported());
        return 'DeleteBucket';
      case 'POST':
        if (has('delete')) return 'DeleteObjects';
        throwIf(unsupported());
        return 'PostObject';
      default:
        throw methodNotAllowed(method, 'BUCKET');
    }
  }

  switch (method) {
    case 'GET':
      if (has('uploadId')) return 'ListParts';
      if (has('acl')) return 'GetObjectAcl';
      if (has('tagging')) return 'GetObjectTagging';
      throwIf(unsupported());
      return 'GetObject';
    case 'HEAD':
      if (has('partNumber'))
        throw new S3Error('NotImplemented', 'HEAD with partNumber is not implemented by this server.');
      throwIf(unsupported());
      return 'HeadObject';
    case 'PUT':
      if (has('uploadId') || has('partNumber')) {
        if (!has('uploadId') || !has('partNumber'))
          throw new S3Error('InvalidRequest', 'Upload part needs both uploadId and partNumber.');
        return copySource ? 'UploadPartCopy' : 'UploadPart';
      }
      if (has('tagging')) return 'PutObjectTagging';
      if (has('acl')) return 'PutObjectAcl';
      throwIf(unsupported());
      return copySource ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      throw unsupported() ?? methodNotAllowed(method, 'OBJECT');
    case 'DELETE':
      if (has('uploadId')) return 'AbortMultipartUpload';
      if (has('tagging')) return 'DeleteObjectTagging';
      throwIf(unsupported());
      return 'DeleteObject';
    default:
      throw methodNotAllowed(method, 'OBJECT');
  }
}

function throwIf(err: S3Error | undefined): void {
  if (err !== undefined) throw err;
}

function methodNotAllowed(method: string, resourceType: string): S3Error {
  return new S3Error('MethodNotAllowed', undefined, { Method: method, ResourceType: resourceType });
}
