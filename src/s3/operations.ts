// Operation name → handler: the one table dispatch consults.
import { GetBucketAcl, GetObjectAcl, PutBucketAcl, PutObjectAcl } from './acl.js';
import { DeleteBucketPolicy, GetBucketPolicy, PutBucketPolicy } from './bucket-policy.js';
import { CreateBucket, DeleteBucket, GetBucketLocation, HeadBucket, ListBuckets } from './buckets.js';
import { CorsPreflight, DeleteBucketCors, GetBucketCors, PutBucketCors } from './cors.js';
import { DeleteObjects } from './delete-objects.js';
import { ListObjects, ListObjectsV2 } from './list.js';
import {
  AbortMultipartUpload,
  CompleteMultipartUpload,
  CreateMultipartUpload,
  ListMultipartUploads,
  ListParts,
  UploadPart,
  UploadPartCopy,
} from './multipart.js';
import { CopyObject, DeleteObject, GetObject, HeadObject, PutObject } from './objects.js';
import type { OperationSpec } from './operation.js';
import { PostObject } from './post-object.js';
import {
  DeleteBucketOwnershipControls,
  GetBucketOwnershipControls,
  PutBucketOwnershipControls,
} from './ownership.js';
import {
  DeletePublicAccessBlock,
  GetPublicAccessBlock,
  PutPublicAccessBlock,
} from './public-access-block.js';
import type { S3Operation } from './routes.js';
import { DeleteObjectTagging, GetObjectTagging, PutObjectTagging } from './tagging.js';
import { GetBucketVersioning, ListObjectVersions } from './versioning.js';

export const OPERATIONS: Readonly<Record<S3Operation, OperationSpec>> = {
  ListBuckets,
  CreateBucket,
  HeadBucket,
  DeleteBucket,
  GetBucketLocation,
  ListObjects,
  ListObjectsV2,
  GetBucketPolicy,
  PutBucketPolicy,
  DeleteBucketPolicy,
  DeleteObjects,
  ListMultipartUploads,
  PutObject,
  CopyObject,
  GetObject,
  HeadObject,
  DeleteObject,
  CreateMultipartUpload,
  UploadPart,
  UploadPartCopy,
  CompleteMultipartUpload,
  AbortMultipartUpload,
  ListParts,
  GetBucketAcl,
  GetObjectAcl,
  GetBucketVersioning,
  ListObjectVersions,
  GetObjectTagging,
  PutObjectTagging,
  DeleteObjectTagging,
  PutBucketAcl,
  PutObjectAcl,
  GetBucketOwnershipControls,
  PutBucketOwnershipControls,
  DeleteBucketOwnershipControls,
  GetPublicAccessBlock,
  PutPublicAccessBlock,
  DeletePublicAccessBlock,
  GetBucketCors,
  PutBucketCors,
  DeleteBucketCors,
  CorsPreflight,
  PostObject,
};
