// The OSS REST dialect on the S3 port: claims requests signed the OSS way (V1 `OSS ak:sig`, V4
// `OSS4-HMAC-SHA256`, presigned OSSAccessKeyId / x-oss-signature-version / x-oss-credential) or
// carrying any x-oss-* header (ali-oss always sends x-oss-date), and answers them over the same
// buckets and objects as S3: authenticate → route → bucket → endpoint (the bucket's region) →
// CORS headers → referer (hotlink protection) → authorize (RAM actions, then the OSS ACLs) →
// handle, with OSS's error documents and an x-oss-request-id on every response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from '../server/authenticate.js';
import { S3Error, toS3Error } from '../server/errors.js';
import type { ProtocolFront } from '../server/fronts.js';
import { sendReply } from '../server/reply.js';
import { HttpRequestContext } from '../server/request-context.js';
import type { S3Services } from '../s3/context.js';
import type { S3Operation, S3Route } from '../s3/routes.js';
import { loadOssAcls } from './acl-access.js';
import { authorizeOss, ossDialect, ossTarget } from './authorize.js';
import type { OssCall } from './call.js';
import { applyOssCorsHeaders } from './cors.js';
import { checkEndpoint } from './endpoint.js';
import { checkReferer } from './referer.js';
import { sendOssError } from './errors.js';
import { restateRequestHeaders } from './headers.js';
import { OSS_OPERATIONS } from './operations.js';
import { routeOss, type OssOperation, type OssRoute } from './routes.js';

const OSS_QUERY_MARKERS = [
  'OSSAccessKeyId',
  'x-oss-signature-version',
  'x-oss-credential',
  'x-oss-signature',
];

/** An OSS endpoint name: `[bucket.]oss-<region>[-internal].aliyuncs.com`. */
const OSS_HOST = /(^|\.)oss-[a-z0-9-]+\.aliyuncs\.com(:\d+)?$/i;

/**
 * Whether a request is OSS's, from its request line and headers: an OSS signature, an x-oss-*
 * header, OSS presign parameters, a Host that names an OSS endpoint, or a CORS preflight that
 * announces x-oss-* headers. (Unsigned browser forms and preflights without any of these are
 * answered by the S3 dialect over the same configuration.)
 */
export function isOssRequest(req: IncomingMessage): boolean {
  const auth = req.headers.authorization;
  if (auth !== undefined) return auth.startsWith('OSS ') || auth.startsWith('OSS4-HMAC-SHA256 ');
  for (const name of Object.keys(req.headers)) if (name.startsWith('x-oss-')) return true;
  if (OSS_HOST.test(req.headers.host ?? '')) return true;
  if (
    req.method === 'OPTIONS' &&
    /(^|,)\s*x-oss-/i.test(String(req.headers['access-control-request-headers'] ?? ''))
  )
    return true;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q < 0) return false;
  const params = new URLSearchParams(url.slice(q + 1));
  return OSS_QUERY_MARKERS.some((m) => params.has(m));
}

/** The S3 operation a shared handler runs as (its name only shows in internal messages). */
const S3_TWIN: Readonly<Record<OssOperation, S3Operation>> = {
  ListBuckets: 'ListBuckets',
  PutBucket: 'CreateBucket',
  DeleteBucket: 'DeleteBucket',
  GetBucket: 'ListObjects',
  ListObjectsV2: 'ListObjectsV2',
  GetBucketInfo: 'HeadBucket',
  GetBucketLocation: 'GetBucketLocation',
  GetBucketAcl: 'GetBucketAcl',
  PutBucketAcl: 'GetBucketAcl',
  GetBucketPolicy: 'GetBucketPolicy',
  PutBucketPolicy: 'PutBucketPolicy',
  DeleteBucketPolicy: 'DeleteBucketPolicy',
  GetBucketReferer: 'GetBucketAcl',
  PutBucketReferer: 'GetBucketAcl',
  GetBucketCors: 'GetBucketCors',
  PutBucketCors: 'PutBucketCors',
  DeleteBucketCors: 'DeleteBucketCors',
  CorsPreflight: 'CorsPreflight',
  PostObject: 'PostObject',
  DeleteMultipleObjects: 'DeleteObjects',
  ListMultipartUploads: 'ListMultipartUploads',
  PutObject: 'PutObject',
  CopyObject: 'CopyObject',
  AppendObject: 'PutObject',
  GetObject: 'GetObject',
  HeadObject: 'HeadObject',
  GetObjectMeta: 'HeadObject',
  DeleteObject: 'DeleteObject',
  GetObjectAcl: 'GetObjectAcl',
  PutObjectAcl: 'GetObjectAcl',
  InitiateMultipartUpload: 'CreateMultipartUpload',
  UploadPart: 'UploadPart',
  CompleteMultipartUpload: 'CompleteMultipartUpload',
  AbortMultipartUpload: 'AbortMultipartUpload',
  ListParts: 'ListParts',
};

export const ossFront: ProtocolFront = {
  name: 'oss',
  claims: isOssRequest,
  handle: handleOss,
};

async function handleOss(services: S3Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = new HttpRequestContext(req, res);
  // OSS names its request id differently; the S3 ids would only confuse OSS clients.
  res.removeHeader('x-amz-request-id');
  res.removeHeader('x-amz-id-2');
  res.setHeader('x-oss-request-id', ctx.requestId);
  res.setHeader('server', 'Portcullis');
  const method = req.method ?? 'GET';
  const host = req.headers.host ?? '';
  let route: OssRoute | undefined;
  try {
    route = routeOss(
      method,
      req.url ?? '/',
      req.headers.host,
      req.headers['x-oss-copy-source'] !== undefined,
      /^multipart\/form-data/i.test(req.headers['content-type'] ?? ''),
    );
    const { caller, body } = await authenticate(ctx, {
      identities: services.identities,
      region: services.config.region,
      virtualHostBucket: route.virtualHosted ? route.bucket : undefined,
    });
    restateRequestHeaders(req);

    let bucket;
    let bucketPolicy = null;
    if (route.bucket !== undefined && route.operation !== 'PutBucket') {
      bucket = await services.metadata.getBucket(route.bucket);
      if (bucket === null) throw new S3Error('NoSuchBucket', undefined, { BucketName: route.bucket });
      bucketPolicy = await services.policies.get(bucket.name);
    }
    const s3Route: S3Route = {
      operation: S3_TWIN[route.operation],
      bucket: route.bucket,
      key: route.key,
      query: route.query,
      virtualHosted: route.virtualHosted,
    };
    const base = {
      ctx,
      route: s3Route,
      caller,
      services,
      bucket: bucket ?? undefined,
      bucketPolicy,
      body,
      oss: route,
    };
    const call: OssCall = { ...base, dialect: ossDialect(base, route) };
    const spec = OSS_OPERATIONS[route.operation];
    if (bucket) checkEndpoint(services.config.region, bucket);
    // Before any refusal, so that a browser can read the error document too.
    if (route.operation !== 'CorsPreflight') await applyOssCorsHeaders(call);
    if (route.operation !== 'CorsPreflight' && route.operation !== 'PostObject') await checkReferer(call);
    if (spec.authorization !== 'self') await authorizeOss(call, ossTarget(call));
    // Deleted key by key inside the shared handler: the ACLs a public-read-write bucket grants by.
    if (route.operation === 'DeleteMultipleObjects') await loadOssAcls(call);
    await sendReply(ctx, await spec.handle(call));
  } catch (e) {
    const { error, internal } = toS3Error(e, {
      bucket: route?.bucket,
      key: route?.key,
      uploadId: route?.query.get('uploadId') ?? undefined,
    });
    if (internal)
      services.log.error({ err: e, requestId: ctx.requestId, method, url: req.url }, 'internal error');
    sendOssError(res, method, req.complete, error, ctx.requestId, host);
  }
}
