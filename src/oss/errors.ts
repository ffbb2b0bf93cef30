// OSS's error documents: `<Error><Code/><Message/><RequestId/><HostId/>...fields...<EC/></Error>`,
// and for HEAD (no body) the same document base64-encoded in the `x-oss-err` header, which
// ali-oss decodes. Handlers throw S3Errors (shared with the S3 dialect) or the OSS-only errors
// below; this file gives each code OSS's wording where it differs and its EC.
import type { ServerResponse } from 'node:http';
import { S3_ERRORS, S3Error, type ErrorFields } from '../server/errors.js';
import { xmlEscape } from '../server/xml.js';

/** Errors only the OSS dialect raises: code → status and OSS's message. */
export const OSS_ONLY_ERRORS = {
  PositionNotEqualToLength: { status: 409, message: 'Position is not equal to file length' },
  ObjectNotAppendable: { status: 409, message: 'The object is not appendable' },
  InvalidObjectName: { status: 400, message: 'The specified object is not valid.' },
  FileAlreadyExists: {
    status: 409,
    message: 'The object you specified already exists and can not be overwritten.',
  },
  NoSuchBucketPolicy: { status: 404, message: 'The bucket policy does not exist.' },
  InvalidPolicyDocument: { status: 400, message: 'Invalid Policy Document' },
} as const;
export type OssOnlyCode = keyof typeof OSS_ONLY_ERRORS;

export function ossError(
  code: OssOnlyCode,
  message?: string,
  fields: ErrorFields = {},
  headers: Readonly<Record<string, string>> = {},
): S3Error {
  const entry = OSS_ONLY_ERRORS[code];
  return new S3Error({ code, status: entry.status }, message ?? entry.message, fields, headers);
}

/**
 * The one EC table: error code → OSS's "EC" (error-center code, `<module>-<number>`). The codes
 * marked (oss) are the ones OSS itself sends for that error, as far as we know them; the rest are
 * Portcullis-assigned in the 0099 range so they stay stable. Unknown codes get 0099-00000000.
 */
export const OSS_EC: Readonly<Record<string, string>> = {
  AccessDenied: '0003-00000001', // (oss) generic permission failure
  SignatureDoesNotMatch: '0002-00000040', // (oss)
  InvalidAccessKeyId: '0002-00000005', // (oss)
  RequestTimeTooSkewed: '0002-00000504', // (oss)
  NoSuchBucket: '0015-00000101', // (oss)
  NoSuchKey: '0026-00000001', // (oss)
  BucketAlreadyExists: '0015-00000108', // (oss)
  BucketNotEmpty: '0015-00000301', // (oss)
  PositionNotEqualToLength: '0026-00000015', // (oss)
  ObjectNotAppendable: '0026-00000016', // (oss)
  NoSuchUpload: '0042-00000002', // (oss)
  InvalidPart: '0042-00000003',
  InvalidPartOrder: '0042-00000004',
  EntityTooSmall: '0042-00000005',
  NoSuchBucketPolicy: '0031-00000001',
  InvalidPolicyDocument: '0031-00000002',
  MalformedPolicy: '0031-00000002',
  BucketAlreadyOwnedByYou: '0099-00000108',
  InvalidBucketName: '0015-00000001', // (oss)
  InvalidObjectName: '0016-00000001',
  InvalidArgument: '0017-00000001',
  InvalidRange: '0099-00000416',
  PreconditionFailed: '0099-00000412',
  NotModified: '0099-00000304',
  MalformedXML: '0016-00000702',
  BadDigest: '0099-00000010',
  InvalidDigest: '0099-00000011',
  EntityTooLarge: '0099-00000012',
  IncompleteBody: '0099-00000013',
  MissingContentLength: '0099-00000014',
  MethodNotAllowed: '0099-00000405',
  NotImplemented: '0099-00000501',
  InvalidRequest: '0099-00000400',
  InvalidURI: '0099-00000401',
  KeyTooLongError: '0016-00000002',
  MetadataTooLarge: '0099-00000015',
  InvalidToken: '0002-00000020',
  ExpiredToken: '0002-00000021',
  InternalError: '0099-00000500',
  FileAlreadyExists: '0026-00000009',
  NoSuchCORSConfiguration: '0099-00000018',
  AccessForbidden: '0099-00000019',
  MalformedPOSTRequest: '0099-00000016',
  MaxPostPreDataLengthExceededError: '0099-00000017',
};

/** OSS's message where it differs from S3's for the same code. */
const OSS_MESSAGES: Readonly<Record<string, string>> = {
  NoSuchBucket: 'The specified bucket does not exist.',
  NoSuchKey: 'The specified key does not exist.',
  BucketNotEmpty: 'The bucket you tried to delete is not empty.',
  BucketAlreadyExists:
    'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
  NoSuchUpload:
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  InvalidAccessKeyId: 'The OSS Access Key Id you provided does not exist in our records.',
};

/** OSS's wording for messages the shared S3 handlers write out in full. */
const OSS_REWORDED: Readonly<Record<string, string>> = {
  'The CORS configuration does not exist': 'The CORS Configuration does not exist.',
};

export function ecOf(code: string): string {
  return OSS_EC[code] ?? '0099-00000000';
}

/** The OSS error document for an error (an S3 default message is replaced by OSS's wording). */
export function renderOssError(err: S3Error, requestId: string, hostId: string): string {
  const s3Default = (S3_DEFAULT_MESSAGES as Record<string, string | undefined>)[err.code];
  const message =
    err.message === s3Default
      ? (OSS_MESSAGES[err.code] ?? err.message)
      : (OSS_REWORDED[err.message] ?? err.message);
  let extra = '';
  for (const [name, value] of Object.entries(err.fields)) {
    extra += `  <${name}>${xmlEscape(String(value))}</${name}>\n`;
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n' +
    `  <Code>${xmlEscape(err.code)}</Code>\n  <Message>${xmlEscape(message)}</Message>\n` +
    `  <RequestId>${requestId}</RequestId>\n  <HostId>${xmlEscape(hostId)}</HostId>\n` +
    extra +
    `  <EC>${ecOf(err.code)}</EC>\n</Error>\n`
  );
}

// The S3 catalogue's default messages, to tell "no specific message" from a specific one.
const S3_DEFAULT_MESSAGES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(S3_ERRORS).map(([code, e]) => [code, e.message]),
);

/** Writes an OSS error; HEAD and 304 carry it in `x-oss-err` only. */
export function sendOssError(
  res: ServerResponse,
  method: string,
  requestComplete: boolean,
  err: S3Error,
  requestId: string,
  hostId: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  res.statusCode = err.status;
  // A refused upload is not read: close the connection instead, as OSS and S3 do.
  if (!requestComplete) res.setHeader('connection', 'close');
  const xml = renderOssError(err, requestId, hostId);
  if (method === 'HEAD' || err.status === 304) {
    if (err.status !== 304) res.setHeader('x-oss-err', Buffer.from(xml).toString('base64'));
    res.setHeader('content-length', 0);
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/xml');
  res.setHeader('content-length', Buffer.byteLength(xml));
  res.end(xml);
}
