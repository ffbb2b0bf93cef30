// The bucket settings that take part in authorization besides the bucket policy: Object
// Ownership, the bucket ACL, the addressed object's ACL (only read when ACLs are enabled),
// Block Public Access, and the CORS configuration. Loaded once per request by dispatch.
import type { BucketRecord, MetadataStore } from '../store/metadata.js';
import { readStoredAcl, type AclDocument } from './acl-document.js';
import { ownershipOf, type ObjectOwnership } from './ownership.js';
import { publicAccessBlockOf, type PublicAccessBlock } from './public-access-block.js';
import type { S3Route } from './routes.js';

export interface BucketAccess {
  readonly ownership: ObjectOwnership;
  readonly bucketAcl: AclDocument;
  /** The ACL of the object the request addresses; undefined when not loaded or absent. */
  readonly objectAcl: AclDocument | undefined;
  readonly publicAccessBlock: PublicAccessBlock;
  /** The stored CORS configuration (XML), if any. */
  readonly cors: string | undefined;
}

/** Object operations whose decision an object ACL can change. */
const OBJECT_ACL_OPERATIONS = new Set(['GetObject', 'HeadObject', 'GetObjectAcl', 'PutObjectAcl']);

export async function loadBucketAccess(
  metadata: MetadataStore,
  bucket: BucketRecord,
  route: S3Route,
): Promise<BucketAccess> {
  const configs = await metadata.getBucketConfigs(bucket.name);
  const ownership = ownershipOf(configs.ownership);
  let objectAcl: AclDocument | undefined;
  if (
    ownership !== 'BucketOwnerEnforced' &&
    route.key !== undefined &&
    OBJECT_ACL_OPERATIONS.has(route.operation)
  ) {
    const obj = await metadata.findObject(bucket.name, route.key);
    if (obj !== null) objectAcl = readStoredAcl(obj.acl, obj.owner);
  }
  return {
    ownership,
    bucketAcl: readStoredAcl(configs.acl, bucket.owner),
    objectAcl,
    publicAccessBlock: publicAccessBlockOf(configs['public-access-block']),
    cors: configs.cors,
  };
}
