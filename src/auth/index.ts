// Public surface of the signature layer.

export type * from './types.js';
export { verifyRequest, resolveOptions, ALL_SCHEMES, VERIFIERS } from './verify.js';
export { detect, detectScheme, type Detection } from './detect.js';
export {
  AwsChunkedDecoder,
  chunkedDecoderFor,
  type AwsChunkedDecoderOptions,
  type ChunkedMode,
} from './chunked.js';
export { Sha256Verifier } from './payload.js';
export {
  AuthStreamError,
  fail,
  expiredToken,
  invalidToken,
  missingSecurityHeader,
  invalidAccessKeyId,
  contentSha256Mismatch,
} from './errors.js';
export {
  signV4,
  presignV4,
  encodeSignedChunks,
  encodeUnsignedChunks,
  type Credentials,
  type SignV4Options,
  type SignedV4,
  type PresignV4Options,
  type PresignedV4,
} from './sign.js';
