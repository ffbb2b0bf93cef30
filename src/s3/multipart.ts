// Multipart uploads: create, upload part (and part copy), complete, abort, list parts, list
// uploads. Completion validates the part list like S3 (InvalidPart, InvalidPartOrder,
// EntityTooSmall for any part but the last under 5 MiB) and computes the multipart ETag,
// `"md5(concatenated part MD5 digests)-N"`, and a composite checksum when one was asked for.
import { createHash, randomBytes } from 'node:crypto';
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply, type HeaderMap } from '../server/reply.js';
import { buildXml, childElements, childText, parseXmlBody, type XmlTree } from '../server/xml.js';
import { digestOf, isChecksumAlgorithm, type ChecksumAlgorithm } from '../store/checksums.js';
import type { PartRecord, StringMap } from '../store/metadata.js';
import { parseAlgorithm, uploadIntegrity } from './checksum-headers.js';
import { checkWriteConditions, hasWriteConditions } from './conditions.js';
import { bucketOf, keyOf, type S3Call } from './context.js';
import { loadCopySource } from './copy-source.js';
import { encodingOf } from './list.js';
import { checksumResponseHeaders, deleteBlobs } from './objects.js';
import { objectHeadersOf } from './object-headers.js';
import { aclForWrite } from './acl.js';
import { bareEtag, intParam, invalidArgument, ownerXml, type OperationSpec } from './operation.js';
import { MAX_UPLOAD_BYTES, storeBody } from './upload.js';
import { listAllParts } from '../store/parts.js';

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;
const COMPLETE_BODY_LIMIT = 4 * 1024 * 1024;

/** Upload ids sort by creation time (the store lists uploads of a key by id, S3 by initiation). */
export function newUploadId(): string {
  return Date.now().toString(16).padStart(12, '0') + randomBytes(20).toString('hex');
}

function uploadIdOf(call: S3Call): string {
  return call.route.query.get('uploadId') ?? '';
}

function partNumberOf(call: S3Call): number {
  const raw = call.route.query.get('partNumber') ?? '';
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_PART_NUMBER)) {
    throw invalidArgument(
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
      'partNumber',
      raw,
    );
  }
  return n;
}

function initiatorXml(arn: string): XmlTree {
  return { ID: arn, DisplayName: arn.slice(arn.lastIndexOf(':') + 1) };
}

export const CreateMultipartUpload: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const key = keyOf(call);
    const meta = objectHeadersOf(call);
    const algHeader = call.ctx.header('x-amz-checksum-algorithm');
    const algorithm = algHeader ? parseAlgorithm(algHeader) : null;
    const typeHeader = call.ctx.header('x-amz-checksum-type')?.toUpperCase();
    if (typeHeader !== undefined && typeHeader !== 'COMPOSITE' && typeHeader !== 'FULL_OBJECT') {
      throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
    }
    const ownedBy = aclForWrite(call, bucket);
    const uploadId = newUploadId();
    await call.services.metadata.createMultipartUpload({
      uploadId,
      bucket: bucket.name,
      key,
      initiated: new Date(),
      initiator: call.caller.principal.arn,
      owner: ownedBy.owner,
      contentType: meta.contentType,
      userMetadata: meta.userMetadata,
      systemMetadata: meta.systemMetadata,
      tags: meta.tags ?? {},
      acl: ownedBy.acl,
      storageClass: meta.storageClass,
      checksumAlgorithm: algorithm,
      checksumType: algorithm ? (typeHeader ?? 'COMPOSITE') : null,
    });
    const headers: HeaderMap = {};
    if (algorithm) {
      headers['x-amz-checksum-algorithm'] = algorithm;
      headers['x-amz-checksum-type'] = typeHeader ?? 'COMPOSITE';
    }
    return xmlReply(
      buildXml('InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: uploadId }),
      200,
      headers,
    );
  },
};

export const UploadPart: OperationSpec = {
  validate(call) {
    partNumberOf(call);
  },
  async handle(call) {
    const bucket = bucketOf(call);
    const key = keyOf(call);
    const uploadId = uploadIdOf(call);
    const partNumber = partNumberOf(call);
    const { metadata } = call.services;
    // Refuse an unknown upload before receiving the part.
    const upload = await metadata.getMultipartUpload(bucket.name, key, uploadId);
    const integrity = uploadIntegrity(call);
    const alg =
      integrity.algorithm ??
      (upload.checksumAlgorithm && isChecksumAlgorithm(upload.checksumAlgorithm)
        ? upload.checksumAlgorithm
        : undefined);
    const stored = await storeBody(call, { ...integrity, algorithm: alg });
    await savePart(call, {
      partNumber,
      size: stored.blob.size,
      etag: stored.etag,
      blobId: stored.blob.blobId,
      checksums: stored.checksums,
    });
    return emptyReply(200, { etag: stored.etag, ...checksumResponseHeaders(stored.checksums) });
  },
};

async function savePart(call: S3Call, part: Omit<PartRecord, 'lastModified'>): Promise<Date> {
  const lastModified = new Date();
  let previous: string | null;
  try {
    ({ previousBlobId: previous } = await call.services.metadata.putPart({
      ...part,
      bucket: bucketOf(call).name,
      key: keyOf(call),
      uploadId: uploadIdOf(call),
      lastModified,
    }));
  } catch (e) {
    await deleteBlobs(call, [part.blobId]);
    throw e;
  }
  await deleteBlobs(call, [previous]);
  return lastModified;
}

const COPY_RANGE = /^bytes=(\d+)-(\d+)$/;

export const UploadPartCopy: OperationSpec = {
  validate(call) {
    partNumberOf(call);
  },
  async handle(call) {
    const bucket = bucketOf(call);
    const key = keyOf(call);
    const partNumber = partNumberOf(call);
    const upload = await call.services.metadata.getMultipartUpload(bucket.name, key, uploadIdOf(call));
    const source = await loadCopySource(call);
    const size = source.object.size;
    let range: { start: number; end: number } | undefined;
    const rangeHeader = call.ctx.header('x-amz-copy-source-range');
    if (rangeHeader !== undefined) {
      const m = COPY_RANGE.exec(rangeHeader.trim());
      const start = m ? Number(m[1]) : NaN;
      const end = m ? Number(m[2]) : NaN;
      if (!(start <= end && end < size)) {
        throw invalidArgument(
          `Range specified is not valid for source object of size: ${size}`,
          'x-amz-copy-source-range',
          rangeHeader,
        );
      }
      range = { start, end };
    }
    const length = range ? range.end - range.start + 1 : size;
    if (length > MAX_UPLOAD_BYTES)
      throw new S3Error(
        'InvalidRequest',
        'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120',
      );
    const { blobs } = call.services;
    const alg =
      upload.checksumAlgorithm && isChecksumAlgorithm(upload.checksumAlgorithm)
        ? upload.checksumAlgorithm
        : undefined;
    const written =
      length === 0
        ? await blobs.write(noBytes(), { expectedLength: 0, checksums: alg ? [alg] : [] })
        : await blobs.write(await blobs.read(source.object.blobId, range), {
            expectedLength: length,
            checksums: alg ? [alg] : [],
          });
    const etag = `"${written.md5.toString('hex')}"`;
    const checksums: StringMap =
      alg && written.checksums[alg] ? { [alg]: written.checksums[alg].toString('base64') } : {};
    const lastModified = await savePart(call, {
      partNumber,
      size: written.size,
      etag,
      blobId: written.blobId,
      checksums,
    });
    const result: Record<string, string | Date> = { ETag: etag, LastModified: lastModified };
    for (const [a, v] of Object.entries(checksums)) result[`Checksum${a}`] = v;
    return xmlReply(buildXml('CopyPartResult', result));
  },
};

async function* noBytes(): AsyncGenerator<Uint8Array> {}

/**
 * The upload's stored parts by number, once the completion's list is known to be non-empty and
 * in ascending order (MalformedXML / InvalidPartOrder otherwise). Shared with OSS.
 */
export async function storedPartsFor(
  call: S3Call,
  key: string,
  uploadId: string,
  requested: readonly { readonly partNumber: number }[],
): Promise<Map<number, PartRecord>> {
  if (requested.length === 0) throw new S3Error('MalformedXML');
  for (let i = 1; i < requested.length; i++) {
    if ((requested[i]?.partNumber ?? 0) <= (requested[i - 1]?.partNumber ?? 0))
      throw new S3Error('InvalidPartOrder', undefined, { UploadId: uploadId });
  }
  const parts = await listAllParts(call.services.metadata, bucketOf(call).name, key, uploadId);
  return new Map(parts.map((p) => [p.partNumber, p]));
}

export const CompleteMultipartUpload: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const key = keyOf(call);
    const uploadId = uploadIdOf(call);
    const { metadata, blobs } = call.services;
    const upload = await metadata.getMultipartUpload(bucket.name, key, uploadId);
    const body = await readAll(call.body.stream, COMPLETE_BODY_LIMIT, () => new S3Error('MalformedXML'));
    const root = parseXmlBody(body, 'CompleteMultipartUpload', { arrays: ['Part'] });
    const requested = childElements(root, 'Part').map((p) => {
      const n = childText(p, 'PartNumber')?.trim() ?? '';
      const etag = childText(p, 'ETag')?.trim();
      if (!/^\d+$/.test(n) || etag === undefined) throw new S3Error('MalformedXML');
      const checksums: Record<string, string> = {};
      for (const name of Object.keys(p)) {
        if (!name.startsWith('Checksum') || name === 'ChecksumType') continue;
        const alg = name.slice('Checksum'.length).toUpperCase();
        const v = childText(p, name);
        if (isChecksumAlgorithm(alg) && v !== undefined) checksums[alg] = v.trim();
      }
      return { partNumber: Number(n), etag, checksums };
    });
    const stored = await storedPartsFor(call, key, uploadId, requested);
    const chosen: PartRecord[] = [];
    for (const [i, want] of requested.entries()) {
      const part = stored.get(want.partNumber);
      const invalid = () =>
        new S3Error('InvalidPart', undefined, {
          UploadId: uploadId,
          PartNumber: want.partNumber,
          ETag: want.etag,
        });
      if (part === undefined || bareEtag(part.etag) !== bareEtag(want.etag)) throw invalid();
      for (const [alg, value] of Object.entries(want.checksums)) {
        if (part.checksums[alg] !== undefined && part.checksums[alg] !== value) throw invalid();
      }
      if (i < requested.length - 1 && part.size < MIN_PART_BYTES) {
        throw new S3Error('EntityTooSmall', undefined, {
          ProposedSize: part.size,
          MinSizeAllowed: MIN_PART_BYTES,
          PartNumber: part.partNumber,
          ETag: part.etag,
        });
      }
      chosen.push(part);
    }

    if (hasWriteConditions((h) => call.ctx.header(h))) {
      checkWriteConditions((h) => call.ctx.header(h), await metadata.findObject(bucket.name, key));
    }

    const md5s = Buffer.concat(chosen.map((p) => Buffer.from(bareEtag(p.etag), 'hex')));
    const etag = `"${createHash('md5').update(md5s).digest('hex')}-${chosen.length}"`;
    const alg =
      upload.checksumAlgorithm && isChecksumAlgorithm(upload.checksumAlgorithm)
        ? upload.checksumAlgorithm
        : undefined;
    const fullObject = alg !== undefined && upload.checksumType === 'FULL_OBJECT';
    const concatenated = await blobs.concat(
      chosen.map((p) => p.blobId),
      { checksums: fullObject && alg ? [alg] : [] },
    );
    let checksums: StringMap = {};
    if (alg !== undefined) {
      const digest = fullObject ? concatenated.checksums[alg] : undefined;
      checksums = { [alg]: fullObject ? (digest?.toString('base64') ?? '') : compositeChecksum(alg, chosen) };
      if (checksums[alg] === '') checksums = {};
    }

    let result;
    try {
      result = await metadata.completeMultipartUpload({
        bucket: bucket.name,
        key,
        uploadId,
        blobId: concatenated.blobId,
        size: concatenated.size,
        etag,
        checksums,
        lastModified: new Date(),
        partsCount: chosen.length,
      });
    } catch (e) {
      await deleteBlobs(call, [concatenated.blobId]);
      throw e;
    }
    await deleteBlobs(call, [...result.partBlobIds, result.previousBlobId]);
    const host = call.ctx.header('host') ?? 'localhost';
    const tree: Record<string, string> = {
      Location: `${call.ctx.secure ? 'https' : 'http'}://${host}/${bucket.name}/${encodeURI(key)}`,
      Bucket: bucket.name,
      Key: key,
      ETag: etag,
    };
    for (const [a, v] of Object.entries(checksums)) tree[`Checksum${a}`] = v;
    if (alg !== undefined) tree['ChecksumType'] = fullObject ? 'FULL_OBJECT' : 'COMPOSITE';
    return xmlReply(buildXml('CompleteMultipartUploadResult', tree), 200, checksumResponseHeaders(checksums));
  },
};

/** S3's composite checksum: the checksum of the parts' raw checksums, then `-N`. Empty when a part lacks one. */
function compositeChecksum(alg: ChecksumAlgorithm, parts: readonly PartRecord[]): string {
  const raw: Buffer[] = [];
  for (const p of parts) {
    const v = p.checksums[alg];
    if (v === undefined) return '';
    raw.push(Buffer.from(v, 'base64'));
  }
  return `${digestOf(alg, Buffer.concat(raw)).toString('base64')}-${parts.length}`;
}

export const AbortMultipartUpload: OperationSpec = {
  async handle(call) {
    const { partBlobIds } = await call.services.metadata.abortMultipartUpload(
      bucketOf(call).name,
      keyOf(call),
      uploadIdOf(call),
    );
    await deleteBlobs(call, partBlobIds);
    return emptyReply(204);
  },
};

export const ListParts: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const key = keyOf(call);
    const uploadId = uploadIdOf(call);
    const { metadata } = call.services;
    const upload = await metadata.getMultipartUpload(bucket.name, key, uploadId);
    const maxParts = Math.min(
      intParam(call, 'max-parts', 1000, 0, 'Argument max-parts must be an integer between 0 and 2147483647'),
      1000,
    );
    const marker = intParam(
      call,
      'part-number-marker',
      0,
      0,
      'Argument part-number-marker must be an integer between 0 and 2147483647',
    );
    const page = await metadata.listParts(bucket.name, key, uploadId, {
      maxParts,
      ...(marker > 0 ? { partNumberMarker: marker } : {}),
    });
    const last = page.parts[page.parts.length - 1];
    return xmlReply(
      buildXml('ListPartsResult', {
        Bucket: bucket.name,
        Key: key,
        UploadId: uploadId,
        Initiator: initiatorXml(upload.initiator),
        Owner: ownerXml(upload.owner),
        StorageClass: upload.storageClass,
        PartNumberMarker: marker,
        NextPartNumberMarker: page.nextPartNumberMarker ?? last?.partNumber ?? 0,
        MaxParts: maxParts,
        IsTruncated: page.isTruncated,
        ChecksumAlgorithm: upload.checksumAlgorithm ?? undefined,
        ChecksumType: upload.checksumType ?? undefined,
        Part: page.parts.map((p) => ({
          PartNumber: p.partNumber,
          LastModified: p.lastModified,
          ETag: p.etag,
          Size: p.size,
          ...Object.fromEntries(Object.entries(p.checksums).map(([a, v]) => [`Checksum${a}`, v])),
        })),
      }),
    );
  },
};

export const ListMultipartUploads: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const q = call.route.query;
    const encode = encodingOf(call);
    const enc = encode ?? ((s: string) => s);
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const keyMarker = q.get('key-marker') ?? '';
    const uploadIdMarker = q.get('upload-id-marker') ?? '';
    const maxUploads = Math.min(
      intParam(
        call,
        'max-uploads',
        1000,
        0,
        'Argument max-uploads must be an integer between 0 and 2147483647',
      ),
      1000,
    );
    const page = await call.services.metadata.listMultipartUploads(bucket.name, {
      prefix,
      delimiter,
      ...(keyMarker !== '' ? { keyMarker } : {}),
      ...(keyMarker !== '' && uploadIdMarker !== '' ? { uploadIdMarker } : {}),
      maxUploads,
    });
    return xmlReply(
      buildXml('ListMultipartUploadsResult', {
        Bucket: bucket.name,
        KeyMarker: enc(keyMarker),
        UploadIdMarker: uploadIdMarker,
        NextKeyMarker: page.nextKeyMarker !== null ? enc(page.nextKeyMarker) : undefined,
        NextUploadIdMarker: page.nextUploadIdMarker ?? undefined,
        Delimiter: delimiter !== '' ? enc(delimiter) : undefined,
        Prefix: enc(prefix),
        MaxUploads: maxUploads,
        IsTruncated: page.isTruncated,
        Upload: page.uploads.map((u) => ({
          Key: enc(u.key),
          UploadId: u.uploadId,
          Initiator: initiatorXml(u.initiator),
          Owner: ownerXml(u.owner),
          StorageClass: u.storageClass,
          Initiated: u.initiated,
          ChecksumAlgorithm: u.checksumAlgorithm ?? undefined,
          ChecksumType: u.checksumType ?? undefined,
        })),
        CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
        EncodingType: encode ? 'url' : undefined,
      }),
    );
  },
};
