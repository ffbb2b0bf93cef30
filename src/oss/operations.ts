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
import { DeleteBucketPolicy, GetBucketPolicy, PutBucketPolicy } from './policy.js';

/** A shared S3 handler whose reply is restated in OSS terms. */
function shared(
  spec: { handle(call: OssCall): Promise<import('../server/reply.js').Reply> },
  authorization: 'dispatch' | 'self' = 'dispatch',
): OssOperationSpec {
  return { authorization, handle: async (call) => restateReply(await spec.handle(call)) };
}

export const OSS_OPERATIONS: OssOperationTable = {
  ListBuckets,
  PutBucket,
  DeleteBucket: DeleteBucketOss,
  GetBucket: shared(ListObjects),
  ListObjectsV2: shared(ListObjectsV2),
  GetBucketInfo,
  GetBucketLocation,
  GetBucketAcl,
  PutBucketAcl,
  GetBucketPolicy,
  PutBucketPolicy,
  DeleteBucketPolicy,
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
