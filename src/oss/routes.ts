// OSS routing: bucket and key from the path (path style, `sldEnable`) or from a
// `bucket.<endpoint>` Host, then method + sub-resource → OSS operation.
import { S3Error } from '../server/errors.js';
import { bucketFromHost, MAX_KEY_BYTES } from '../s3/routes.js';

export type OssOperation =
  | 'ListBuckets'
  | 'PutBucket'
  | 'DeleteBucket'
  | 'GetBucket'
  | 'ListObjectsV2'
  | 'GetBucketInfo'
  | 'GetBucketLocation'
  | 'GetBucketAcl'
  | 'PutBucketAcl'
  | 'GetBucketPolicy'
  | 'PutBucketPolicy'
  | 'DeleteBucketPolicy'
  | 'GetBucketReferer'
  | 'PutBucketReferer'
  | 'GetBucketCors'
  | 'PutBucketCors'
  | 'DeleteBucketCors'
  | 'CorsPreflight'
  | 'PostObject'
  | 'DeleteMultipleObjects'
  | 'ListMultipartUploads'
  | 'PutObject'
  | 'CopyObject'
  | 'AppendObject'
  | 'GetObject'
  | 'HeadObject'
  | 'GetObjectMeta'
  | 'DeleteObject'
  | 'GetObjectAcl'
  | 'PutObjectAcl'
  | 'InitiateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts';

export interface OssRoute {
  readonly operation: OssOperation;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly query: URLSearchParams;
  readonly virtualHosted: boolean;
}

/** Sub-resources OSS defines that this server does not serve: refused, never mistaken for a GET/PUT. */
const UNSERVED = [
  'lifecycle',
  'logging',
  'website',
  'tagging',
  'versioning',
  'versions',
  'encryption',
  'symlink',
  'restore',
  'worm',
  'qos',
  'stat',
  'inventory',
  'requestPayment',
  'replication',
  'select',
  'style',
  'transferAcceleration',
  'cname',
  'process',
  'x-oss-process',
];

/** The bucket of an OSS virtual-hosted Host (`bucket.oss-<region>.aliyuncs.com`), else S3's rules. */
function bucketOfHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  const at = name.indexOf('.oss-');
  if (at > 0) return name.slice(0, at);
  return bucketFromHost(host);
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

function checkKey(key: string): string {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES - 1 || key.includes('\0') || key.startsWith('\\'))
    throw new S3Error({ code: 'InvalidObjectName', status: 400 }, 'The specified object is not valid.');
  return key;
}

export function routeOss(
  method: string,
  url: string,
  host: string | undefined,
  copy: boolean,
  form = false,
): OssRoute {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  if (!path.startsWith('/')) throw new S3Error('InvalidURI');
  let bucket: string | undefined;
  let key: string | undefined;
  let hostBucket = bucketOfHost(host);
  // ali-oss with an IP endpoint names the bucket in Host *and*, with sldEnable (path style), in
  // the path too: a path that starts with the Host's bucket is read as path style. (A
  // virtual-hosted key that itself starts with `<bucket>/` is the one case this misreads.)
  if (hostBucket !== undefined) {
    const first = path.slice(1).split('/', 1)[0] ?? '';
    if (
      first !== '' &&
      decode(first) === hostBucket &&
      (path.length === first.length + 1 || path[first.length + 1] === '/')
    )
      hostBucket = undefined;
  }
  if (hostBucket !== undefined) {
    bucket = hostBucket;
    if (path.length > 1) key = checkKey(decode(path.slice(1)));
  } else {
    const slash = path.indexOf('/', 1);
    const rawBucket = slash < 0 ? path.slice(1) : path.slice(1, slash);
    if (rawBucket !== '') bucket = decode(rawBucket);
    if (slash >= 0 && slash + 1 < path.length) key = checkKey(decode(path.slice(slash + 1)));
  }
  const operation = operationFor(method, bucket, key, query, copy, form);
  return { operation, bucket, key, query, virtualHosted: hostBucket !== undefined };
}

function operationFor(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: URLSearchParams,
  copy: boolean,
  form: boolean,
): OssOperation {
  const has = (n: string) => query.has(n);
  if (method === 'OPTIONS' && bucket !== undefined) return 'CorsPreflight';
  if (bucket === undefined) {
    if (method === 'GET') return 'ListBuckets';
    throw notAllowed(method);
  }
  for (const name of UNSERVED) {
    if (has(name))
      throw new S3Error('NotImplemented', `The ${name} sub-resource is not implemented by this server.`);
  }
  if (key === undefined) {
    switch (method) {
      case 'GET':
        if (has('bucketInfo')) return 'GetBucketInfo';
        if (has('location')) return 'GetBucketLocation';
        if (has('acl')) return 'GetBucketAcl';
        if (has('policy')) return 'GetBucketPolicy';
        if (has('referer')) return 'GetBucketReferer';
        if (has('cors')) return 'GetBucketCors';
        if (has('uploads')) return 'ListMultipartUploads';
        return query.get('list-type') === '2' ? 'ListObjectsV2' : 'GetBucket';
      case 'PUT':
        if (has('acl')) return 'PutBucketAcl';
        if (has('policy')) return 'PutBucketPolicy';
        if (has('referer')) return 'PutBucketReferer';
        if (has('cors')) return 'PutBucketCors';
        return 'PutBucket';
      case 'DELETE':
        if (has('policy')) return 'DeleteBucketPolicy';
        if (has('cors')) return 'DeleteBucketCors';
        return 'DeleteBucket';
      case 'POST':
        if (has('delete')) return 'DeleteMultipleObjects';
        if (form) return 'PostObject';
        throw notAllowed(method);
      default:
        throw notAllowed(method);
    }
  }
  switch (method) {
    case 'GET':
      if (has('uploadId')) return 'ListParts';
      if (has('acl')) return 'GetObjectAcl';
      if (has('objectMeta')) return 'GetObjectMeta';
      return 'GetObject';
    case 'HEAD':
      if (has('objectMeta')) return 'GetObjectMeta';
      return 'HeadObject';
    case 'PUT':
      if (has('uploadId') || has('partNumber')) {
        if (!has('uploadId') || !has('partNumber'))
          throw new S3Error('InvalidRequest', 'Upload part needs both uploadId and partNumber.');
        if (copy) throw new S3Error('NotImplemented', 'UploadPartCopy is not implemented by this server.');
        return 'UploadPart';
      }
      if (has('acl')) return 'PutObjectAcl';
      return copy ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (has('append')) return 'AppendObject';
      if (has('uploads')) return 'InitiateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      throw notAllowed(method);
    case 'DELETE':
      if (has('uploadId')) return 'AbortMultipartUpload';
      return 'DeleteObject';
    default:
      throw notAllowed(method);
  }
}

function notAllowed(method: string): S3Error {
  return new S3Error('MethodNotAllowed', undefined, { Method: method });
}
