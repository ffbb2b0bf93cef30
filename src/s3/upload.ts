// Streaming a request body into a new blob with its integrity checks: declared size limits
// before reading a byte, Content-MD5 / x-amz-checksum-* while streaming, trailing checksums at
// the end. On any failure nothing is left behind.
import { S3Error } from '../server/errors.js';
import type { BlobWriteResult } from '../store/blobs.js';
import type { StringMap } from '../store/metadata.js';
import { checkTrailer, storedChecksums, uploadIntegrity, type UploadIntegrity } from './checksum-headers.js';
import type { S3Call } from './context.js';

/** Largest single PUT and largest part: 5 GiB. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024 * 1024;

export interface StoredBody {
  readonly blob: BlobWriteResult;
  /** The checksum to store (the algorithm the client sent or asked for), base64 by algorithm. */
  readonly checksums: StringMap;
  readonly etag: string;
}

export function tooLarge(size: number, max: number): S3Error {
  return new S3Error('EntityTooLarge', undefined, { ProposedSize: size, MaxSizeAllowed: max });
}

export async function storeBody(
  call: S3Call,
  integrity: UploadIntegrity = uploadIntegrity(call),
): Promise<StoredBody> {
  const length = call.body.length;
  if (length !== undefined && length > MAX_UPLOAD_BYTES) throw tooLarge(length, MAX_UPLOAD_BYTES);
  const { blobs } = call.services;
  const blob = await blobs.write(call.body.stream, {
    ...(length !== undefined ? { expectedLength: length } : {}),
    maxLength: MAX_UPLOAD_BYTES,
    checksums: integrity.algorithm ? [integrity.algorithm] : [],
    expectedDigests: integrity.expected,
  });
  try {
    checkTrailer(
      integrity,
      call.body.trailers(),
      integrity.algorithm ? blob.checksums[integrity.algorithm] : undefined,
    );
  } catch (e) {
    await blobs.delete(blob.blobId);
    throw e;
  }
  return {
    blob,
    checksums: integrity.algorithm ? storedChecksums(blob.checksums, integrity.algorithm) : {},
    etag: `"${blob.md5.toString('hex')}"`,
  };
}
