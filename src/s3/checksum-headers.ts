// Integrity headers of an upload: Content-MD5, one x-amz-checksum-<alg> value (in a header, or
// announced by x-amz-trailer and sent after an aws-chunked body), and the algorithm the client
// asks S3 to compute (x-amz-sdk-checksum-algorithm / x-amz-checksum-algorithm).
import { S3Error, badDigest } from '../server/errors.js';
import {
  CHECKSUM_ALGORITHMS,
  isChecksumAlgorithm,
  type ChecksumAlgorithm,
  type DigestAlgorithm,
} from '../store/checksums.js';
import type { StringMap } from '../store/metadata.js';
import type { S3Call } from './context.js';

export const DIGEST_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function checksumHeaderName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

export interface UploadIntegrity {
  /** Digests the body must match (BlobWriteOptions.expectedDigests). */
  readonly expected: Partial<Record<DigestAlgorithm, Buffer>>;
  /** The additional checksum to compute and store (header, trailer or requested algorithm). */
  readonly algorithm: ChecksumAlgorithm | undefined;
  /** Set when the value arrives as a trailer: compare after the body was read. */
  readonly trailer: string | undefined;
}

function decodeDigest(value: string, bytes: number, invalid: () => S3Error): Buffer {
  const v = value.trim();
  if (!BASE64.test(v) || v.length === 0) throw invalid();
  const buf = Buffer.from(v, 'base64');
  if (buf.length !== bytes) throw invalid();
  return buf;
}

export function parseAlgorithm(value: string): ChecksumAlgorithm {
  const upper = value.toUpperCase();
  if (!isChecksumAlgorithm(upper)) {
    throw new S3Error(
      'InvalidRequest',
      `Checksum algorithm provided is unsupported. Please try again with any of the valid types: [${CHECKSUM_ALGORITHMS.join(', ')}]`,
    );
  }
  return upper;
}

/** Reads and validates the integrity headers of an upload (PutObject, UploadPart). */
export function uploadIntegrity(call: S3Call): UploadIntegrity {
  const expected: Partial<Record<DigestAlgorithm, Buffer>> = {};
  const md5 = call.ctx.header('content-md5');
  if (md5 !== undefined) expected.MD5 = decodeDigest(md5, 16, () => new S3Error('InvalidDigest'));

  let algorithm: ChecksumAlgorithm | undefined;
  for (const alg of CHECKSUM_ALGORITHMS) {
    const name = checksumHeaderName(alg);
    const value = call.ctx.header(name);
    if (value === undefined) continue;
    if (algorithm !== undefined) {
      throw new S3Error(
        'InvalidRequest',
        'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      );
    }
    algorithm = alg;
    expected[alg] = decodeDigest(
      value,
      DIGEST_BYTES[alg],
      () => new S3Error('InvalidRequest', `Value for ${name} header is invalid.`),
    );
  }

  let trailer: string | undefined;
  const announced = call.ctx.header('x-amz-trailer');
  if (announced !== undefined) {
    for (const name of announced.split(',').map((n) => n.trim().toLowerCase())) {
      if (!name.startsWith('x-amz-checksum-')) continue;
      const alg = parseAlgorithm(name.slice('x-amz-checksum-'.length));
      if (algorithm !== undefined && algorithm !== alg) {
        throw new S3Error(
          'InvalidRequest',
          'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
        );
      }
      algorithm = alg;
      trailer = name;
    }
  }

  const requested =
    call.ctx.header('x-amz-sdk-checksum-algorithm') ?? call.ctx.header('x-amz-checksum-algorithm');
  if (requested !== undefined && requested !== '') {
    const alg = parseAlgorithm(requested);
    if (algorithm !== undefined && algorithm !== alg) {
      throw new S3Error('InvalidRequest', `Value for x-amz-sdk-checksum-algorithm header is invalid.`);
    }
    algorithm = alg;
  }
  return { expected, algorithm, trailer };
}

/** Checks a trailing checksum against what the blob write computed (BadDigest on mismatch). */
export function checkTrailer(
  integrity: UploadIntegrity,
  trailers: Readonly<Record<string, string>>,
  computed: Buffer | undefined,
): void {
  if (integrity.trailer === undefined || integrity.algorithm === undefined) return;
  const value = trailers[integrity.trailer];
  if (value === undefined) {
    throw new S3Error(
      'InvalidRequest',
      `The x-amz-trailer header specified ${integrity.trailer}, but the trailer was not sent.`,
    );
  }
  const alg = integrity.algorithm;
  const want = decodeDigest(
    value,
    DIGEST_BYTES[alg],
    () => new S3Error('InvalidRequest', `Value for ${integrity.trailer} trailing header is invalid.`),
  );
  if (computed === undefined || !want.equals(computed)) throw badDigest(alg);
}

/** The stored checksums map (`{CRC32: base64}`) for what a write computed. */
export function storedChecksums(
  computed: Readonly<Partial<Record<ChecksumAlgorithm, Buffer>>>,
  only?: ChecksumAlgorithm,
): StringMap {
  const out: Record<string, string> = {};
  for (const [alg, digest] of Object.entries(computed) as [ChecksumAlgorithm, Buffer][]) {
    if (only === undefined || alg === only) out[alg] = digest.toString('base64');
  }
  return out;
}
