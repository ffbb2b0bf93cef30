// The one S3 error catalogue: every error the server sends is an S3Error whose code is listed
// here with its HTTP status and S3's default message (PROTOCOL-NOTES.md "S3 errors" and the S3
// API reference). Handlers throw S3Errors; dispatch renders them. Store errors map by code.
import { isStoreError } from '../store/errors.js';
import { xmlEscape } from './xml.js';

interface CatalogueEntry {
  readonly status: number;
  readonly message: string;
}

export const S3_ERRORS = {
  AccessDenied: { status: 403, message: 'Access Denied' },
  AuthorizationHeaderMalformed: { status: 400, message: 'The authorization header is malformed.' },
  AuthorizationQueryParametersError: {
    status: 400,
    message:
      'Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
  },
  BadDigest: { status: 400, message: 'The Content-MD5 you specified did not match what we received.' },
  BucketAlreadyExists: {
    status: 409,
    message:
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
  },
  BucketAlreadyOwnedByYou: {
    status: 409,
    message: 'Your previous request to create the named bucket succeeded and you already own it.',
  },
  BucketNotEmpty: { status: 409, message: 'The bucket you tried to delete is not empty' },
  ConditionalRequestConflict: {
    status: 409,
    message:
      'A conflicting operation occurred. If using PutObject you can retry the request. If using CompleteMultipartUpload you should initiate another CreateMultipartUpload request.',
  },
  EntityTooLarge: { status: 400, message: 'Your proposed upload exceeds the maximum allowed size' },
  EntityTooSmall: {
    status: 400,
    message: 'Your proposed upload is smaller than the minimum allowed object size.',
  },
  ExpiredToken: { status: 400, message: 'The provided token has expired.' },
  IllegalLocationConstraintException: {
    status: 400,
    message:
      'The location constraint is incompatible for the region specific endpoint this request was sent to.',
  },
  IncompleteBody: {
    status: 400,
    message: 'You did not provide the number of bytes specified by the Content-Length HTTP header',
  },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  InvalidAccessKeyId: {
    status: 403,
    message: 'The AWS Access Key Id you provided does not exist in our records.',
  },
  InvalidArgument: { status: 400, message: 'Invalid Argument' },
  InvalidBucketName: { status: 400, message: 'The specified bucket is not valid.' },
  InvalidDigest: { status: 400, message: 'The Content-MD5 you specified is not valid.' },
  InvalidLocationConstraint: { status: 400, message: 'The specified location-constraint is not valid' },
  InvalidPart: {
    status: 400,
    message:
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
  },
  InvalidPartOrder: {
    status: 400,
    message: 'The list of parts was not in ascending order. Parts must be ordered by part number.',
  },
  InvalidRange: { status: 416, message: 'The requested range is not satisfiable' },
  InvalidRequest: { status: 400, message: 'Invalid Request' },
  InvalidTag: { status: 400, message: 'The tag provided was not a valid tag.' },
  InvalidStorageClass: { status: 400, message: 'The storage class you specified is not valid' },
  InvalidToken: { status: 400, message: 'The provided token is malformed or otherwise invalid.' },
  InvalidURI: { status: 400, message: "Couldn't parse the specified URI." },
  KeyTooLongError: { status: 400, message: 'Your key is too long' },
  MalformedPolicy: { status: 400, message: "Policies must be valid JSON and the first byte must be '{'" },
  MalformedXML: {
    status: 400,
    message: 'The XML you provided was not well-formed or did not validate against our published schema',
  },
  MaxMessageLengthExceeded: { status: 400, message: 'Your request was too big.' },
  MetadataTooLarge: {
    status: 400,
    message: 'Your metadata headers exceed the maximum allowed metadata size',
  },
  MethodNotAllowed: { status: 405, message: 'The specified method is not allowed against this resource.' },
  MissingContentLength: { status: 411, message: 'You must provide the Content-Length HTTP header.' },
  MissingRequestBodyError: { status: 400, message: 'Request Body is empty' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist' },
  NoSuchTagSet: { status: 404, message: 'The TagSet does not exist' },
  NoSuchBucketPolicy: { status: 404, message: 'The bucket policy does not exist' },
  NoSuchKey: { status: 404, message: 'The specified key does not exist.' },
  NoSuchUpload: {
    status: 404,
    message:
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  },
  NotImplemented: {
    status: 501,
    message: 'A header you provided implies functionality that is not implemented',
  },
  NotModified: { status: 304, message: 'Not Modified' },
  PreconditionFailed: {
    status: 412,
    message: 'At least one of the pre-conditions you specified did not hold',
  },
  RequestHeaderSectionTooLarge: {
    status: 400,
    message: 'Your request header section exceeds the maximum allowed size.',
  },
  RequestTimeTooSkewed: {
    status: 403,
    message: 'The difference between the request time and the current time is too large.',
  },
  RequestTimeout: {
    status: 400,
    message:
      'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
  },
  ServiceUnavailable: { status: 503, message: 'Please reduce your request rate.' },
  SignatureDoesNotMatch: {
    status: 403,
    message:
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  UnexpectedContent: { status: 400, message: 'This request does not support content' },
  XAmzContentSHA256Mismatch: {
    status: 400,
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  },
} as const satisfies Record<string, CatalogueEntry>;

export type S3ErrorCode = keyof typeof S3_ERRORS;

/** Extra elements of the error document, in order (`BucketName`, `Key`, `Condition`...). */
export type ErrorFields = Readonly<Record<string, string | number>>;

/** A code and status decided by another layer (the signature layer's typed errors). */
export interface WireCode {
  readonly code: string;
  readonly status: number;
}

export class S3Error extends Error {
  override readonly name = 'S3Error';
  /** A catalogue code, or a code another layer owns. */
  readonly code: string;
  readonly status: number;

  constructor(
    code: S3ErrorCode | WireCode,
    message?: string,
    readonly fields: ErrorFields = {},
    /** Response headers the error carries (`Last-Modified` on 304...). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    const entry: WireCode & { message?: string } =
      typeof code === 'string' ? { code, ...S3_ERRORS[code] } : code;
    super(message ?? entry.message ?? entry.code);
    this.code = entry.code;
    this.status = entry.status;
  }
}

export function isS3Error(e: unknown): e is S3Error {
  return e instanceof S3Error;
}

/** The error document S3 sends: Code, Message, the extra fields, RequestId, HostId. */
export function renderErrorXml(err: S3Error, requestId: string, hostId: string): string {
  let extra = '';
  for (const [name, value] of Object.entries(err.fields))
    extra += `<${name}>${xmlEscape(String(value))}</${name}>`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message>${extra}` +
    `<RequestId>${requestId}</RequestId><HostId>${xmlEscape(hostId)}</HostId></Error>`
  );
}

/** What the request addressed: fills BucketName/Key/UploadId into not-found errors. */
export interface ErrorHints {
  readonly bucket?: string | undefined;
  readonly key?: string | undefined;
  readonly uploadId?: string | undefined;
}

/**
 * Turns anything a handler threw into the S3Error to send: S3Errors as they are, store errors by
 * their code, and anything else (a bug or an I/O failure) as InternalError, with `internal` true
 * so the caller logs it.
 */
export function toS3Error(e: unknown, hints: ErrorHints = {}): { error: S3Error; internal: boolean } {
  if (e instanceof S3Error) return { error: e, internal: false };
  if (isStoreError(e)) {
    const d = e.details;
    switch (e.code) {
      case 'NoSuchBucket':
      case 'BucketAlreadyExists':
      case 'BucketAlreadyOwnedByYou':
      case 'BucketNotEmpty':
        return known(new S3Error(e.code, undefined, field('BucketName', hints.bucket)));
      case 'NoSuchKey':
        return known(new S3Error('NoSuchKey', undefined, field('Key', hints.key)));
      case 'NoSuchUpload':
        return known(new S3Error('NoSuchUpload', undefined, field('UploadId', hints.uploadId)));
      case 'IncompleteBody':
      case 'EntityTooLarge':
        return known(new S3Error(e.code));
      case 'PreconditionFailed':
        // A conditional write lost to a concurrent one.
        return known(new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' }));
      case 'BadDigest':
        return known(badDigest(typeof d['algorithm'] === 'string' ? d['algorithm'] : 'MD5'));
      default:
        return { error: new S3Error('InternalError'), internal: true };
    }
  }
  return { error: new S3Error('InternalError'), internal: true };
}

/** S3 words a digest mismatch by the algorithm that mismatched. */
export function badDigest(algorithm: string): S3Error {
  if (algorithm.toUpperCase() === 'MD5') return new S3Error('BadDigest');
  return new S3Error(
    'BadDigest',
    `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
  );
}

function known(error: S3Error): { error: S3Error; internal: boolean } {
  return { error, internal: false };
}

function field(name: string, value: string | undefined): ErrorFields {
  return value === undefined ? {} : { [name]: value };
}
