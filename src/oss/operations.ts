// OSS operation name → handler: the one table the front consults.
import { DeleteObjects } from '../s3/delete-objects.js';
import { ListObjects, ListObjectsV2 } from '../s3/list.js';
import { AppendObject } from './append.js';
import {
  DeleteBucketOss,
  GetBucketAcl,
  GetBucketInfo,
  GetBucketLocation,
  GetObjectAcl,
  ListBuckets,
  PutBucket,
  PutBucketAcl,
  PutObjectAcl,
} from './buckets.js';
import type { OssCall, OssOperationSpec, OssOperationTable } from './call.js';
import { restateReply } from './headers.js';
import {
  AbortMultipartUploadOss,
  CompleteMultipartUpload,
  InitiateMultipartUpload,
  ListMultipartUploadsOss,
  ListPartsOss,
  UploadPartOss,
} from './multipart.js';
import {
  CopyObjectOss,
  DeleteObjectOss,
  GetObjectMeta,
  GetObjectOss,
  HeadObjectOss,
  PutObject,
} from './objects.js';
import { CorsPreflightOss, DeleteBucketCorsOss, GetBucketCorsOss, PutBucketCorsOss } from './cors.js';
import { DeleteBucketPolicy, GetBucketPolicy, PutBucketPolicy } from './policy.js';
import { PostObjectOss } from './post-object.js';
import { GetBucketReferer, PutBucketReferer } from './referer.js';

/** A shared S3 handler whose reply is restated in OSS terms. */
function shared(
  spec: { handle(call: OssCall): Promise<import('../server/reply.js').Reply> },
  authorization: 'dispatch' | 'self' = 'dispatch',
): OssOperationSpec {
  return { authorization, handle: async (call) => restateReply(await spec.handle(call)) };
}

/**
 * GetBucket (ListObjects V1): OSS sends NextMarker whenever the list is truncated, S3 only with a
 * delimiter; without one it is the last key listed (the S3 handler already resumes after it).
 */
const GetBucket: OssOperationSpec = {
  async handle(call) {
    const reply = restateReply(await ListObjects.handle(call));
    const xml = reply.body;
    if (
      typeof xml !== 'string' ||
      !xml.includes('<IsTruncated>true</IsTruncated>') ||
      xml.includes('<NextMarker>')
    )
      return reply;
    const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)];
    const last = keys[keys.length - 1]?.[1];
    if (last === undefined) return reply;
    const body = xml.replace(
      '<IsTruncated>true</IsTruncated>',
      `<IsTruncated>true</IsTruncated><NextMarker>${last}</NextMarker>`,
    );
    return { ...reply, body };
  },
};

export const OSS_OPERATIONS: OssOperationTable = {
  ListBuckets,
  PutBucket,
  DeleteBucket: DeleteBucketOss,
  GetBucket,
  ListObjectsV2: shared(ListObjectsV2),
  GetBucketInfo,
  GetBucketLocation,
  GetBucketAcl,
  PutBucketAcl,
  GetBucketPolicy,
  PutBucketPolicy,
  DeleteBucketPolicy,
  GetBucketReferer,
  PutBucketReferer,
  GetBucketCors: GetBucketCorsOss,
  PutBucketCors: PutBucketCorsOss,
  DeleteBucketCors: DeleteBucketCorsOss,
  CorsPreflight: CorsPreflightOss,
  PostObject: PostObjectOss,
  DeleteMultipleObjects: shared(DeleteObjects, 'self'),
  ListMultipartUploads: ListMultipartUploadsOss,
  PutObject,
  CopyObject: CopyObjectOss,
  AppendObject,
  GetObject: GetObjectOss,
  HeadObject: HeadObjectOss,
  GetObjectMeta,
  DeleteObject: DeleteObjectOss,
  GetObjectAcl,
  PutObjectAcl,
  InitiateMultipartUpload,
  UploadPart: UploadPartOss,
  CompleteMultipartUpload,
  AbortMultipartUpload: AbortMultipartUploadOss,
  ListParts: ListPartsOss,
};
