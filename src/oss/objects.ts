// Object operations. PutObject is OSS's own (it records the CRC-64 and the object type OSS
// reports); GetObject, HeadObject, DeleteObject and CopyObject run the S3 handlers on the same
// stores and restate their replies; GetObjectMeta answers from metadata alone.
import { deleteBlobs, CopyObject, DeleteObject, GetObject, HeadObject } from '../s3/objects.js';
import { objectHeadersOf } from '../s3/object-headers.js';
import { httpDate } from '../s3/operation.js';
import { storeBody } from '../s3/upload.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, type Reply } from '../server/reply.js';
import type { ObjectRecord } from '../store/metadata.js';
import { bucketOf } from '../s3/context.js';
import { ossKeyOf, type OssCall, type OssOperationSpec } from './call.js';
import { Crc64, tapCrc } from './crc64.js';
import { ossError } from './errors.js';
import { ossEtag, restateReply } from './headers.js';

export const CRC_HEADER = 'x-oss-hash-crc64ecma';
export const TYPE_HEADER = 'x-oss-object-type';

/** OSS's object type: Normal, Appendable or Multipart (objects written through S3 have none stored). */
export function objectType(
  obj: Pick<ObjectRecord, 'partsCount'> & { systemMetadata?: ObjectRecord['systemMetadata'] },
): string {
  return obj.systemMetadata?.[TYPE_HEADER] ?? (obj.partsCount !== null ? 'Multipart' : 'Normal');
}

/** `x-oss-forbid-overwrite: true` on an existing key is OSS's FileAlreadyExists, not a 412. */
export async function refuseOverwrite(call: OssCall): Promise<void> {
  if (call.ctx.header('x-oss-forbid-overwrite')?.toLowerCase() !== 'true') return;
  if ((await call.services.metadata.findObject(bucketOf(call).name, ossKeyOf(call))) !== null)
    throw ossError('FileAlreadyExists');
}

export const PutObject: OssOperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const key = ossKeyOf(call);
    const meta = objectHeadersOf(call);
    await refuseOverwrite(call);
    const crc = new Crc64();
    const stored = await storeBody({
      ...call,
      body: { ...call.body, stream: tapCrc(call.body.stream, crc) },
    });
    let previous: string | null;
    try {
      ({ previousBlobId: previous } = await call.services.metadata.putObject({
        bucket: bucket.name,
        key,
        size: stored.blob.size,
        etag: stored.etag,
        contentType: meta.contentType,
        userMetadata: meta.userMetadata,
        systemMetadata: { ...meta.systemMetadata, [CRC_HEADER]: crc.toString(), [TYPE_HEADER]: 'Normal' },
        checksums: {},
        tags: meta.tags ?? {},
        acl: aclHeader(call),
        owner: bucket.owner,
        blobId: stored.blob.blobId,
        lastModified: new Date(),
        storageClass: meta.storageClass,
      }));
    } catch (e) {
      await deleteBlobs(call, [stored.blob.blobId]);
      throw e;
    }
    await deleteBlobs(call, [previous]);
    return emptyReply(200, { etag: ossEtag(stored.etag), [CRC_HEADER]: crc.toString() });
  },
};

/** x-oss-object-acl on a write: a canned ACL, `default` (inherit the bucket's) stored as null. */
export function aclHeader(call: OssCall): string | null {
  const acl = call.ctx.header('x-oss-object-acl');
  if (acl === undefined || acl === 'default') return null;
  if (!OBJECT_ACLS.has(acl))
    throw new S3Error('InvalidArgument', 'no such object access control exists', {
      ArgumentName: 'x-oss-object-acl',
      ArgumentValue: acl,
    });
  return acl;
}

export const BUCKET_ACLS: ReadonlySet<string> = new Set(['private', 'public-read', 'public-read-write']);
export const OBJECT_ACLS: ReadonlySet<string> = new Set([...BUCKET_ACLS, 'default']);

/** Adds what OSS reports about every object (its type) to a shared GET/HEAD reply. */
function withObjectType(reply: Reply): Reply {
  const r = restateReply(reply);
  const headers = { ...r.headers };
  if (headers[TYPE_HEADER] === undefined) headers[TYPE_HEADER] = 'Normal';
  return { ...r, headers };
}

export const GetObjectOss: OssOperationSpec = {
  async handle(call) {
    return withObjectType(await GetObject.handle(call));
  },
};

export const HeadObjectOss: OssOperationSpec = {
  async handle(call) {
    return withObjectType(await HeadObject.handle(call));
  },
};

export const DeleteObjectOss: OssOperationSpec = {
  async handle(call) {
    return restateReply(await DeleteObject.handle(call));
  },
};

export const CopyObjectOss: OssOperationSpec = {
  async handle(call) {
    await refuseOverwrite(call);
    return restateReply(await CopyObject.handle(call));
  },
};

/** GetObjectMeta: the object's ETag, size, time and CRC, without its user metadata. */
export const GetObjectMeta: OssOperationSpec = {
  async handle(call) {
    const key = ossKeyOf(call);
    const obj = await call.services.metadata.findObject(bucketOf(call).name, key);
    if (obj === null) throw new S3Error('NoSuchKey', undefined, { Key: key });
    const crc = obj.systemMetadata[CRC_HEADER];
    return emptyReply(200, {
      etag: ossEtag(obj.etag),
      'content-length': obj.size,
      'last-modified': httpDate(obj.lastModified),
      'x-oss-last-access-time': httpDate(obj.lastModified),
      ...(crc !== undefined ? { [CRC_HEADER]: crc } : {}),
    });
  },
};
