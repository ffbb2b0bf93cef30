// Multipart uploads. Initiate, UploadPart, Abort, ListParts and ListMultipartUploads are the S3
// handlers (same records, same XML shapes) with OSS's ETags; CompleteMultipartUpload is OSS's
// own: parts other than the last must be at least 100 KiB (S3 says 5 MiB), the ETag is
// `"<MD5 of the part MD5s>-N"` in uppercase, and the object's CRC-64 is recorded.
import { createHash } from 'node:crypto';
import { bucketOf } from '../s3/context.js';
import {
  AbortMultipartUpload,
  CreateMultipartUpload,
  ListMultipartUploads,
  ListParts,
  storedPartsFor,
  UploadPart,
} from '../s3/multipart.js';
import { deleteBlobs } from '../s3/objects.js';
import { bareEtag } from '../s3/operation.js';
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { xmlReply } from '../server/reply.js';
import { buildXml, childElements, childText, parseXmlBody } from '../server/xml.js';
import type { PartRecord } from '../store/metadata.js';
import { ossKeyOf, type OssCall, type OssOperationSpec } from './call.js';
import { Crc64 } from './crc64.js';
import { ossEtag, restateReply } from './headers.js';
import { CRC_HEADER, refuseOverwrite, TYPE_HEADER } from './objects.js';

export const MIN_OSS_PART_BYTES = 100 * 1024;
const COMPLETE_BODY_LIMIT = 4 * 1024 * 1024;

function shared(spec: {
  handle(call: OssCall): Promise<import('../server/reply.js').Reply>;
}): OssOperationSpec {
  return { handle: async (call) => restateReply(await spec.handle(call)) };
}

export const InitiateMultipartUpload = shared(CreateMultipartUpload);
export const UploadPartOss = shared(UploadPart);
export const AbortMultipartUploadOss = shared(AbortMultipartUpload);
export const ListPartsOss = shared(ListParts);
export const ListMultipartUploadsOss = shared(ListMultipartUploads);

export const CompleteMultipartUpload: OssOperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const key = ossKeyOf(call);
    const uploadId = call.oss.query.get('uploadId') ?? '';
    const { metadata, blobs } = call.services;
    const upload = await metadata.getMultipartUpload(bucket.name, key, uploadId);
    await refuseOverwrite(call);
    const body = await readAll(call.body.stream, COMPLETE_BODY_LIMIT, () => new S3Error('MalformedXML'));
    const root = parseXmlBody(body, 'CompleteMultipartUpload', { arrays: ['Part'] });
    const requested = childElements(root, 'Part').map((p) => {
      const n = childText(p, 'PartNumber')?.trim() ?? '';
      const etag = childText(p, 'ETag')?.trim();
      if (!/^\d{1,5}$/.test(n) || etag === undefined) throw new S3Error('MalformedXML');
      return { partNumber: Number(n), etag };
    });
    const stored = await storedPartsFor(call, key, uploadId, requested);
    const chosen: PartRecord[] = [];
    for (const [i, want] of requested.entries()) {
      const part = stored.get(want.partNumber);
      // OSS ETags are uppercase, the store's lowercase: compare without case.
      if (part === undefined || bareEtag(part.etag).toLowerCase() !== bareEtag(want.etag).toLowerCase())
        throw new S3Error('InvalidPart', undefined, {
          UploadId: uploadId,
          PartNumber: want.partNumber,
          ETag: want.etag,
        });
      if (i < requested.length - 1 && part.size < MIN_OSS_PART_BYTES)
        throw new S3Error('EntityTooSmall', undefined, {
          ProposedSize: part.size,
          MinSizeAllowed: MIN_OSS_PART_BYTES,
          PartNumber: part.partNumber,
        });
      chosen.push(part);
    }

    const md5s = Buffer.concat(chosen.map((p) => Buffer.from(bareEtag(p.etag), 'hex')));
    const etag = `"${createHash('md5').update(md5s).digest('hex')}-${chosen.length}"`;
    const joined = await blobs.concat(chosen.map((p) => p.blobId));
    // The CRC is read back from the joined blob (a CRC-combine of the parts would avoid the read).
    const crc = new Crc64();
    if (joined.size > 0)
      for await (const chunk of await blobs.read(joined.blobId)) crc.update(chunk as Buffer);
    let result;
    try {
      result = await metadata.completeMultipartUpload({
        bucket: bucket.name,
        key,
        uploadId,
        blobId: joined.blobId,
        size: joined.size,
        etag,
        checksums: {},
        lastModified: new Date(),
        partsCount: chosen.length,
      });
    } catch (e) {
      await deleteBlobs(call, [joined.blobId]);
      throw e;
    }
    // Record what OSS reports about the object (type and CRC) alongside the upload's metadata.
    await metadata.putObject({
      ...result.object,
      systemMetadata: { ...upload.systemMetadata, [CRC_HEADER]: crc.toString(), [TYPE_HEADER]: 'Multipart' },
    });
    await deleteBlobs(call, [...result.partBlobIds, result.previousBlobId]);
    const host = call.ctx.header('host') ?? 'localhost';
    return xmlReply(
      buildXml(
        'CompleteMultipartUploadResult',
        {
          Location: `${call.ctx.secure ? 'https' : 'http'}://${host}/${bucket.name}/${encodeURI(key)}`,
          Bucket: bucket.name,
          Key: key,
          ETag: ossEtag(etag),
        },
        null,
      ),
      200,
      { etag: ossEtag(etag), [CRC_HEADER]: crc.toString() },
    );
  },
};
