// Object operations: PutObject, GetObject, HeadObject, DeleteObject, CopyObject.
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply, type HeaderMap, type Reply } from '../server/reply.js';
import { buildXml } from '../server/xml.js';
import { isChecksumAlgorithm } from '../store/checksums.js';
import { isStoreError } from '../store/errors.js';
import type { StringMap } from '../store/metadata.js';
import { aclForWrite } from './acl.js';
import { accessDenied, bucketArn, check } from './authorize.js';
import { checksumHeaderName, parseAlgorithm } from './checksum-headers.js';
import { checkReadConditions, checkWriteConditions, hasWriteConditions } from './conditions.js';
import { bucketOf, keyOf, type S3Call } from './context.js';
import { loadCopySource } from './copy-source.js';
import {
  objectHeadersOf,
  objectResponseHeaders,
  parseTagging,
  RESPONSE_OVERRIDES,
} from './object-headers.js';
import { type OperationSpec } from './operation.js';
import { parseRange } from './range.js';
import { MAX_UPLOAD_BYTES, storeBody } from './upload.js';

// Bodies up to this size are read into one buffer rather than streamed (cheaper per request).
const SMALL_READ_BYTES = 256 * 1024;

const header = (call: S3Call) => (name: string) => call.ctx.header(name);

/** Deletes blobs the metadata no longer names; a failure only leaves an orphan for the sweep. */
export async function deleteBlobs(call: S3Call, blobIds: readonly (string | null)[]): Promise<void> {
  for (const id of blobIds) {
    if (id === null) continue;
    try {
      await call.services.blobs.delete(id);
    } catch (e) {
      call.services.log.warn(
        { err: e, blobId: id, requestId: call.ctx.requestId },
        'could not delete a replaced blob',
      );
    }
  }
}

function rejectVersionId(call: S3Call): void {
  const v = call.route.query.get('versionId');
  if (v !== null && v !== 'null') {
    throw new S3Error('InvalidArgument', 'Invalid version id specified', {
      ArgumentName: 'versionId',
      ArgumentValue: v,
    });
  }
}

export function checksumResponseHeaders(checksums: StringMap): HeaderMap {
  const h: HeaderMap = {};
  for (const [alg, value] of Object.entries(checksums)) {
    if (!isChecksumAlgorithm(alg)) continue;
    h[checksumHeaderName(alg)] = value;
    h['x-amz-checksum-type'] = value.includes('-') ? 'COMPOSITE' : 'FULL_OBJECT';
  }
  return h;
}

export const PutObject: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const key = keyOf(call);
    const meta = objectHeadersOf(call);
    const ownedBy = aclForWrite(call, bucket);
    const conditional = hasWriteConditions(header(call));
    // Fail a conditional write before receiving the body when the answer is already known.
    if (conditional)
      checkWriteConditions(header(call), await call.services.metadata.findObject(bucket.name, key));
    const stored = await storeBody(call);
    const { metadata } = call.services;
    let previous: string | null;
    try {
      // The condition is checked again once the body is in, and the put is a compare-and-swap
      // on the version checked, so a concurrent write cannot slip in between.
      const current = conditional ? await metadata.findObject(bucket.name, key) : undefined;
      if (current !== undefined) checkWriteConditions(header(call), current);
      ({ previousBlobId: previous } = await metadata.putObject({
        ...(current !== undefined ? { expectBlobId: current?.blobId ?? null } : {}),
        bucket: bucket.name,
        key,
        size: stored.blob.size,
        etag: stored.etag,
        contentType: meta.contentType,
        userMetadata: meta.userMetadata,
        systemMetadata: meta.systemMetadata,
        checksums: stored.checksums,
        tags: meta.tags ?? {},
        acl: ownedBy.acl,
        owner: ownedBy.owner,
        blobId: stored.blob.blobId,
        lastModified: new Date(),
        storageClass: meta.storageClass,
      }));
    } catch (e) {
      await deleteBlobs(call, [stored.blob.blobId]);
      if (isStoreError(e, 'PreconditionFailed')) throw lostConditionalRace(header(call));
      throw e;
    }
    await deleteBlobs(call, [previous]);
    return emptyReply(200, { etag: stored.etag, ...checksumResponseHeaders(stored.checksums) });
  },
};

/** S3's answer when another write changed the key between the condition check and the put. */
function lostConditionalRace(get: (name: string) => string | undefined): S3Error {
  return new S3Error('ConditionalRequestConflict', undefined, {
    Condition: get('if-none-match') !== undefined ? 'If-None-Match' : 'If-Match',
  });
}

/** GET/HEAD of a missing key: 404 NoSuchKey only for callers allowed to list the bucket, else 403. */
async function missingObject(call: S3Call): Promise<never> {
  const bucket = bucketOf(call);
  const { request, decision } = check(call, {
    action: 's3:ListBucket',
    resource: bucketArn(bucket.name),
    owner: bucket.owner,
    policy: await call.services.policies.get(bucket.name),
  });
  // Without s3:ListBucket a caller may not learn that a key does not exist.
  if (decision.decision !== 'Allowed') throw accessDenied(request, decision);
  throw new S3Error('NoSuchKey', undefined, { Key: keyOf(call) });
}

async function readObject(call: S3Call, withBody: boolean): Promise<Reply> {
  rejectVersionId(call);
  const bucket = bucketOf(call);
  const key = keyOf(call);
  const obj = await call.services.metadata.findObject(bucket.name, key);
  if (obj === null) return missingObject(call);
  checkReadConditions(header(call), obj);

  const headers = objectResponseHeaders(obj);
  const overrides = RESPONSE_OVERRIDES.filter(([param]) => call.route.query.has(param));
  if (overrides.length > 0) {
    if (call.caller.principal.type === 'anonymous') {
      throw new S3Error(
        'InvalidRequest',
        'Request specific response headers cannot be used for anonymous GET requests.',
      );
    }
    for (const [param, name] of overrides) headers[name] = call.route.query.get(param) ?? '';
  }

  const range = parseRange(call.ctx.header('range'), obj.size);
  if (range === undefined && call.ctx.header('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    Object.assign(headers, checksumResponseHeaders(obj.checksums));
  }
  if (range !== undefined) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${obj.size}`;
    headers['content-length'] = range.end - range.start + 1;
  } else {
    headers['content-length'] = obj.size;
  }
  const status = range !== undefined ? 206 : 200;
  if (!withBody) return { status, headers };
  // An empty object has no bytes to read (and a zero-length read stream would still open the file).
  if (obj.size === 0) return { status, headers, body: '' };
  const wanted = range ?? { start: 0, end: obj.size - 1 };
  const body =
    wanted.end - wanted.start < SMALL_READ_BYTES
      ? await call.services.blobs.readBuffer(obj.blobId, wanted)
      : await call.services.blobs.source(obj.blobId, wanted);
  return { status, headers, body };
}

export const GetObject: OperationSpec = { handle: (call) => readObject(call, true) };
export const HeadObject: OperationSpec = { handle: (call) => readObject(call, false) };

export const DeleteObject: OperationSpec = {
  async handle(call) {
    rejectVersionId(call);
    const { blobId } = await call.services.metadata.deleteObject(bucketOf(call).name, keyOf(call));
    await deleteBlobs(call, [blobId]);
    return emptyReply(204);
  },
};

const SELF_COPY_MESSAGE =
  "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.";

export const CopyObject: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const key = keyOf(call);
    const ownedBy = aclForWrite(call, bucket);
    const source = await loadCopySource(call);
    const src = source.object;
    const directive = (call.ctx.header('x-amz-metadata-directive') ?? 'COPY').toUpperCase();
    if (directive !== 'COPY' && directive !== 'REPLACE') {
      throw new S3Error('InvalidArgument', 'Unknown metadata directive.', {
        ArgumentName: 'x-amz-metadata-directive',
        ArgumentValue: directive,
      });
    }
    const taggingDirective = (call.ctx.header('x-amz-tagging-directive') ?? 'COPY').toUpperCase();
    if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') {
      throw new S3Error('InvalidArgument', 'Unknown tagging directive.', {
        ArgumentName: 'x-amz-tagging-directive',
        ArgumentValue: taggingDirective,
      });
    }
    if (src.size > MAX_UPLOAD_BYTES) {
      throw new S3Error(
        'InvalidRequest',
        `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_UPLOAD_BYTES}`,
      );
    }
    const meta = objectHeadersOf(call);
    const requestedStorageClass = call.ctx.header('x-amz-storage-class');
    const sameObject = source.bucket.name === bucket.name && source.key === key;
    if (
      sameObject &&
      directive === 'COPY' &&
      requestedStorageClass === undefined &&
      taggingDirective === 'COPY' &&
      call.ctx.header('x-amz-website-redirect-location') === undefined &&
      call.ctx.header('x-amz-checksum-algorithm') === undefined
    ) {
      throw new S3Error('InvalidRequest', SELF_COPY_MESSAGE);
    }
    if (hasWriteConditions(header(call)))
      checkWriteConditions(header(call), await call.services.metadata.findObject(bucket.name, key));

    const kept = directive === 'COPY';
    const requestedAlg = call.ctx.header('x-amz-checksum-algorithm');
    const alg =
      requestedAlg !== undefined ? parseAlgorithm(requestedAlg) : fullObjectAlgorithm(src.checksums);
    const { blobs, metadata } = call.services;

    let blobId: string;
    let etag: string;
    let checksums: StringMap = {};
    let freshBlob = false;
    if (sameObject && (alg === undefined || src.checksums[alg] !== undefined)) {
      // Metadata-only change of an object onto itself: the bytes stay where they are.
      blobId = src.blobId;
      etag = src.etag;
      checksums = src.checksums;
    } else {
      const stream = await blobs.read(src.blobId);
      const written = await blobs.write(stream, { expectedLength: src.size, checksums: alg ? [alg] : [] });
      blobId = written.blobId;
      freshBlob = true;
      etag = `"${written.md5.toString('hex')}"`;
      const digest = alg ? written.checksums[alg] : undefined;
      if (alg && digest) checksums = { [alg]: digest.toString('base64') };
    }

    const lastModified = new Date();
    let previous: string | null;
    try {
      ({ previousBlobId: previous } = await metadata.putObject({
        bucket: bucket.name,
        key,
        size: src.size,
        etag,
        contentType: kept ? src.contentType : meta.contentType,
        userMetadata: kept ? src.userMetadata : meta.userMetadata,
        systemMetadata: kept ? src.systemMetadata : meta.systemMetadata,
        checksums,
        tags: taggingDirective === 'COPY' ? src.tags : parseTagging(call.ctx.header('x-amz-tagging') ?? ''),
        acl: ownedBy.acl,
        owner: ownedBy.owner,
        blobId,
        lastModified,
        storageClass: requestedStorageClass ?? (kept ? src.storageClass : meta.storageClass),
      }));
    } catch (e) {
      if (freshBlob) await deleteBlobs(call, [blobId]);
      throw e;
    }
    await deleteBlobs(call, [previous]);
    const result: Record<string, string | Date> = { ETag: etag, LastModified: lastModified };
    for (const [a, v] of Object.entries(checksums)) if (!v.includes('-')) result[`Checksum${a}`] = v;
    return xmlReply(buildXml('CopyObjectResult', result));
  },
};

/** The source's whole-object checksum algorithm, if it has one (composite ones cannot be carried over). */
function fullObjectAlgorithm(checksums: StringMap): ReturnType<typeof parseAlgorithm> | undefined {
  for (const [alg, value] of Object.entries(checksums)) {
    if (isChecksumAlgorithm(alg) && !value.includes('-')) return alg;
  }
  return undefined;
}
