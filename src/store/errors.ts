// Typed store errors. Protocol code maps `code` to an S3/OSS error; it never parses messages.

export type StoreErrorCode =
  | 'NoSuchBucket'
  | 'BucketAlreadyExists'
  | 'BucketAlreadyOwnedByYou'
  | 'BucketNotEmpty'
  | 'NoSuchKey'
  | 'NoSuchUpload'
  /** The body ended before the expected length. */
  | 'IncompleteBody'
  /** The body went past the expected length or the size limit. */
  | 'EntityTooLarge'
  /** A supplied digest (Content-MD5, x-amz-checksum-*) did not match the body. */
  | 'BadDigest'
  /** A blob id that this store could not have generated (never touches the filesystem). */
  | 'InvalidBlobId'
  | 'NoSuchBlob'
  /** A compare-and-swap put found another version than the one expected (details.currentSize). */
  | 'PreconditionFailed';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** Extra facts for the caller, e.g. the algorithm whose digest mismatched. */
    readonly details: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
