// AppendObject: `POST /bucket/key?append&position=N`. N must equal the object's current length
// (0 creates an Appendable object); the reply carries x-oss-next-append-position and the CRC-64
// of the whole object, continued from the stored one. The new bytes are stored as their own blob
// and concatenated with the old, so a failed append leaves the object as it was.
import { objectHeadersOf } from '../s3/object-headers.js';
import { deleteBlobs } from '../s3/objects.js';
import { storeBody } from '../s3/upload.js';
import { bucketOf } from '../s3/context.js';
import { S3Error } from '../server/errors.js';
import { isStoreError } from '../store/errors.js';
import { emptyReply } from '../server/reply.js';
import { createHash } from 'node:crypto';
import { ossKeyOf, type OssOperationSpec } from './call.js';
import { Crc64, parseCrc, tapCrc } from './crc64.js';
import { ossError } from './errors.js';
import { ossEtag } from './headers.js';
import { aclHeader, CRC_HEADER, objectType, TYPE_HEADER } from './objects.js';

export const AppendObject: OssOperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const key = ossKeyOf(call);
    const raw = call.oss.query.get('position') ?? '';
    if (!/^\d{1,15}$/.test(raw))
      throw new S3Error('InvalidArgument', 'Position is not valid.', {
        ArgumentName: 'position',
        ArgumentValue: raw,
      });
    const position = Number(raw);
    const { metadata, blobs } = call.services;
    const existing = await metadata.findObject(bucket.name, key);
    const length = existing?.size ?? 0;
    if (existing !== null && objectType(existing) !== 'Appendable') throw ossError('ObjectNotAppendable');
    if (position !== length) throw positionMismatch(length);

    const resume = existing === null ? 0n : parseCrc(existing.systemMetadata[CRC_HEADER]);
    // The stored CRC is what makes appending cheap; without one (never expected) it is recomputed.
    const crc = new Crc64(resume ?? 0n);
    if (existing !== null && resume === undefined && existing.size > 0) {
      for await (const chunk of await blobs.read(existing.blobId)) crc.update(chunk as Buffer);
    }
    const meta = objectHeadersOf(call);
    const added = await storeBody({ ...call, body: { ...call.body, stream: tapCrc(call.body.stream, crc) } });
    let blobId = added.blob.blobId;
    let size = added.blob.size;
    const temporary: string[] = [];
    if (existing !== null && existing.size > 0) {
      temporary.push(added.blob.blobId);
      const joined = await blobs.concat([existing.blobId, added.blob.blobId]);
      blobId = joined.blobId;
      size = joined.size;
    }
    // OSS's ETag for appendable objects is not an MD5 of the content; a digest of the CRC and
    // length changes with every append, which is what clients rely on.
    const etag = `"${createHash('md5').update(`${crc.toString()}:${size}`).digest('hex')}"`;
    let previous: string | null;
    try {
      // Compare-and-swap on the blob read above: when another append won the race since then,
      // the store refuses and this one answers with the length that writer left.
      ({ previousBlobId: previous } = await metadata.putObject({
        bucket: bucket.name,
        key,
        expectBlobId: existing?.blobId ?? null,
        size,
        etag,
        contentType: existing?.contentType ?? meta.contentType,
        userMetadata: existing?.userMetadata ?? meta.userMetadata,
        systemMetadata: {
          ...(existing?.systemMetadata ?? meta.systemMetadata),
          [CRC_HEADER]: crc.toString(),
          [TYPE_HEADER]: 'Appendable',
        },
        checksums: {},
        tags: existing?.tags ?? meta.tags ?? {},
        acl: existing?.acl ?? aclHeader(call),
        owner: bucket.owner,
        blobId,
        lastModified: new Date(),
        storageClass: existing?.storageClass ?? meta.storageClass,
      }));
    } catch (e) {
      await deleteBlobs(call, [blobId, ...temporary.filter((id) => id !== blobId)]);
      if (isStoreError(e, 'PreconditionFailed')) throw positionMismatch(Number(e.details.currentSize ?? 0));
      throw e;
    }
    await deleteBlobs(call, [...temporary, previous]);
    return emptyReply(200, {
      etag: ossEtag(etag),
      'x-oss-next-append-position': size,
      [CRC_HEADER]: crc.toString(),
    });
  },
};

function positionMismatch(length: number): S3Error {
  // OSS tells the client where to append next, in the error response too.
  return ossError(
    'PositionNotEqualToLength',
    undefined,
    {},
    { 'x-oss-next-append-position': String(length) },
  );
}
