// The error catalogue of the signature layer: every code, status, message and extra field in one
// place. Wording follows what AWS S3 / IAM / STS and Alibaba OSS answer (PROTOCOL-NOTES.md, the
// AWS docs, and error bodies quoted in client issue trackers); where no source states the wording,
// the entry says so.

import type { AuthError, AuthFailure, AuthScheme, ErrorDialect } from './types.js';
import { isoSeconds } from './time.js';
import { hexBytes } from './uri.js';

function make(
  dialect: ErrorDialect,
  code: string,
  httpStatus: number,
  message: string,
  fields: Record<string, string> = {},
): AuthError {
  return { code, httpStatus, message, fields, dialect };
}

/** How a body stream (chunked decoder, payload hash check) fails: an Error carrying the AuthError. */
export class AuthStreamError extends Error {
  readonly code: string;
  constructor(readonly authError: AuthError) {
    super(authError.message);
    this.name = 'AuthStreamError';
    this.code = authError.code;
  }
}

export function fail(error: AuthError, scheme?: AuthScheme, accessKeyId?: string): AuthFailure {
  const failure: { ok: false; error: AuthError; scheme?: AuthScheme; accessKeyId?: string } = {
    ok: false,
    error,
  };
  if (scheme !== undefined) failure.scheme = scheme;
  if (accessKeyId !== undefined) failure.accessKeyId = accessKeyId;
  return failure;
}

export const S3_SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
export const QUERY_SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export interface MismatchDetails {
  readonly accessKeyId: string;
  readonly stringToSign: string;
  readonly signatureProvided: string;
  readonly canonicalRequest?: string;
}

/** 403 SignatureDoesNotMatch with the StringToSign/CanonicalRequest the server computed, and their
 *  bytes as space-separated hex, as S3 reports them. */
export function signatureDoesNotMatch(dialect: ErrorDialect, d: MismatchDetails): AuthError {
  const fields: Record<string, string> = {};
  fields[dialect === 'oss' ? 'OSSAccessKeyId' : 'AWSAccessKeyId'] = d.accessKeyId;
  fields.StringToSign = d.stringToSign;
  fields.SignatureProvided = d.signatureProvided;
  fields.StringToSignBytes = hexBytes(d.stringToSign);
  if (d.canonicalRequest !== undefined) {
    fields.CanonicalRequest = d.canonicalRequest;
    fields.CanonicalRequestBytes = hexBytes(d.canonicalRequest);
  }
  const message = dialect === 'query' ? QUERY_SIGNATURE_MISMATCH : S3_SIGNATURE_MISMATCH;
  return make(dialect, 'SignatureDoesNotMatch', 403, message, fields);
}

function amz(date: Date | number): string {
  return isoSeconds(date).replace(/[-:]/g, '');
}

/** Header-signed request outside the allowed clock skew. IAM/STS word it as an expired signature. */
export function requestTimeTooSkewed(
  dialect: ErrorDialect,
  requestTime: string,
  requestDate: Date,
  now: number,
  maxSkewMs: number,
): AuthError {
  if (dialect === 'query') {
    const minutes = Math.round(maxSkewMs / 60000);
    const message =
      requestDate.getTime() < now
        ? `Signature expired: ${amz(requestDate)} is now earlier than ${amz(now - maxSkewMs)} (${amz(now)} - ${minutes} min.)`
        : `Signature not yet current: ${amz(requestDate)} is still later than ${amz(now + maxSkewMs)} (${amz(now)} + ${minutes} min.)`;
    return make(dialect, 'SignatureDoesNotMatch', 403, message);
  }
  return make(
    dialect,
    'RequestTimeTooSkewed',
    403,
    'The difference between the request time and the current time is too large.',
    { RequestTime: requestTime, ServerTime: isoSeconds(now), MaxAllowedSkewMilliseconds: String(maxSkewMs) },
  );
}

export function invalidAccessKeyId(dialect: ErrorDialect, accessKeyId: string): AuthError {
  if (dialect === 'query') {
    return make(
      dialect,
      'InvalidClientTokenId',
      403,
      'The security token included in the request is invalid.',
    );
  }
  if (dialect === 'oss') {
    return make(
      dialect,
      'InvalidAccessKeyId',
      403,
      'The OSS Access Key Id you provided does not exist in our records.',
      {
        OSSAccessKeyId: accessKeyId,
      },
    );
  }
  return make(
    dialect,
    'InvalidAccessKeyId',
    403,
    'The AWS Access Key Id you provided does not exist in our records.',
    {
      AWSAccessKeyId: accessKeyId,
    },
  );
}

/** Presigned URL past its expiry. `xAmzExpires` is the raw X-Amz-Expires (SigV4 only). */
export function requestExpired(
  dialect: ErrorDialect,
  expiresAt: Date,
  now: number,
  xAmzExpires?: string,
): AuthError {
  const fields: Record<string, string> = {};
  if (xAmzExpires !== undefined) fields['X-Amz-Expires'] = xAmzExpires;
  fields.Expires = isoSeconds(expiresAt);
  fields.ServerTime = isoSeconds(now);
  return make(
    dialect,
    'AccessDenied',
    403,
    dialect === 'oss' ? 'Request has expired.' : 'Request has expired',
    fields,
  );
}

/** Presigned URL dated in the future. S3 echoes X-Amz-Date as epoch milliseconds (sic). */
export function requestNotYetValid(
  dialect: ErrorDialect,
  signedAt: Date,
  expiresAt: Date,
  now: number,
): AuthError {
  return make(dialect, 'AccessDenied', 403, 'Request is not yet valid', {
    'X-Amz-Date': String(signedAt.getTime()),
    Expires: isoSeconds(expiresAt),
    ServerTime: isoSeconds(now),
  });
}

/** 400 AuthorizationHeaderMalformed "The authorization header is malformed; <detail>". IAM/STS answer
 *  IncompleteSignature; OSS answers InvalidArgument (its exact wording is not documented). */
export function headerMalformed(
  dialect: ErrorDialect,
  detail: string,
  fields: Record<string, string> = {},
): AuthError {
  if (dialect === 'query') return make(dialect, 'IncompleteSignature', 400, detail, fields);
  if (dialect === 'oss')
    return make(dialect, 'InvalidArgument', 400, `Authorization header is invalid: ${detail}`, fields);
  return make(
    dialect,
    'AuthorizationHeaderMalformed',
    400,
    `The authorization header is malformed; ${detail}`,
    fields,
  );
}

export const CREDENTIAL_MALFORMED =
  'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';

export function wrongRegionDetail(region: string, expected: string): string {
  return `the region '${region}' is wrong; expecting '${expected}'`;
}

export function wrongServiceDetail(service: string, expected: string): string {
  return `incorrect service "${service}". This endpoint belongs to "${expected}".`;
}

export function wrongTerminalDetail(terminal: string, expected: string): string {
  return `incorrect terminal "${terminal}". This endpoint uses "${expected}".`;
}

export const CREDENTIAL_DATE_MISMATCH = 'Invalid credential date. Date is not the same as X-Amz-Date.';

/** 400 AuthorizationQueryParametersError (presigned SigV4 parameters). */
export function queryParametersError(
  dialect: ErrorDialect,
  message: string,
  fields: Record<string, string> = {},
): AuthError {
  if (dialect === 'query') return make(dialect, 'IncompleteSignature', 400, message, fields);
  if (dialect === 'oss') return make(dialect, 'InvalidArgument', 400, message, fields);
  return make(dialect, 'AuthorizationQueryParametersError', 400, message, fields);
}

export const PRESIGN_V4_REQUIRED =
  'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.';

export function missingDate(dialect: ErrorDialect): AuthError {
  if (dialect === 'query') {
    return make(
      dialect,
      'IncompleteSignature',
      400,
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (dialect === 'oss')
    return make(dialect, 'AccessDenied', 403, 'OSS authentication requires a valid Date.');
  return make(dialect, 'AccessDenied', 403, 'AWS authentication requires a valid Date or x-amz-date header');
}

export function missingContentSha256(): AuthError {
  return make('s3', 'InvalidRequest', 400, 'Missing required header for this request: x-amz-content-sha256');
}

export function invalidContentSha256(value: string, headerName = 'x-amz-content-sha256'): AuthError {
  return make(
    's3',
    'InvalidArgument',
    400,
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    { ArgumentName: headerName, ArgumentValue: value },
  );
}

/** The body did not hash to the declared x-amz-content-sha256 (checked by payload.ts or the server). */
export function contentSha256Mismatch(declared: string, computed: string): AuthError {
  return make(
    's3',
    'XAmzContentSHA256Mismatch',
    400,
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
    { ClientComputedContentSHA256: declared, S3ComputedContentSHA256: computed },
  );
}

export function headersNotSigned(dialect: ErrorDialect, names: readonly string[]): AuthError {
  return make(
    dialect,
    'AccessDenied',
    403,
    'There were headers present in the request which were not signed',
    {
      HeadersNotSigned: names.join(', '),
    },
  );
}

export function multipleAuthMechanisms(dialect: ErrorDialect, authorization: string): AuthError {
  return make(
    dialect,
    'InvalidArgument',
    400,
    'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    { ArgumentName: 'Authorization', ArgumentValue: authorization },
  );
}

export function unsupportedAuthorizationType(dialect: ErrorDialect, authorization: string): AuthError {
  return make(dialect, 'InvalidArgument', 400, 'Unsupported Authorization Type', {
    ArgumentName: 'Authorization',
    ArgumentValue: authorization,
  });
}

export function notImplemented(dialect: ErrorDialect, headerName: string): AuthError {
  return make(
    dialect,
    'NotImplemented',
    501,
    'A header you provided implies functionality that is not implemented',
    {
      Header: headerName,
    },
  );
}

export function sigV2HeaderInvalid(authorization: string): AuthError {
  return make(
    's3',
    'InvalidArgument',
    400,
    'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature',
    {
      ArgumentName: 'Authorization',
      ArgumentValue: authorization,
    },
  );
}

export function sigV2QueryIncomplete(): AuthError {
  return make(
    's3',
    'AccessDenied',
    403,
    'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
  );
}

export function invalidEpochExpires(dialect: ErrorDialect, value: string): AuthError {
  return make(
    dialect,
    'AccessDenied',
    403,
    dialect === 'oss'
      ? `Invalid Expires: ${value}`
      : `Invalid date (should be seconds since epoch): ${value}`,
  );
}

export function ossQueryIncomplete(): AuthError {
  // OSS's wording for a presigned V1 URL missing parameters is not documented; this mirrors S3's.
  return make(
    'oss',
    'AccessDenied',
    403,
    'Query-string authentication requires the Signature, Expires and OSSAccessKeyId parameters',
  );
}

export function missingContentLength(dialect: ErrorDialect, headerName: string): AuthError {
  return make(dialect, 'MissingContentLength', 411, 'You must provide the Content-Length HTTP header.', {
    MissingHeaderName: headerName,
  });
}

export function invalidArgument(
  dialect: ErrorDialect,
  message: string,
  name: string,
  value: string,
): AuthError {
  return make(dialect, 'InvalidArgument', 400, message, { ArgumentName: name, ArgumentValue: value });
}

// For the identity layer's lookup callback.

export function expiredToken(dialect: ErrorDialect): AuthError {
  if (dialect === 'oss')
    return make(dialect, 'SecurityTokenExpired', 403, 'The security token you provided has expired.');
  return make(dialect, 'ExpiredToken', 400, 'The provided token has expired.');
}

export function invalidToken(dialect: ErrorDialect): AuthError {
  if (dialect === 'oss')
    return make(dialect, 'InvalidSecurityToken', 403, 'The security token you provided is invalid.');
  if (dialect === 'query') {
    return make(
      dialect,
      'InvalidClientTokenId',
      403,
      'The security token included in the request is invalid.',
    );
  }
  return make(dialect, 'InvalidToken', 400, 'The provided token is malformed or otherwise invalid.');
}

export function missingSecurityHeader(dialect: ErrorDialect, headerName: string): AuthError {
  return make(dialect, 'MissingSecurityHeader', 400, 'Your request was missing a required header', {
    MissingHeaderName: headerName,
  });
}

// aws-chunked bodies. S3 documents IncompleteBody and the trailer/chunk codes but not messages for
// every framing fault; where it is silent the message names the fault.

export function incompleteBody(dialect: ErrorDialect, detail?: string): AuthError {
  return make(
    dialect,
    'IncompleteBody',
    400,
    detail === undefined
      ? 'The request body terminated unexpectedly'
      : `The request body terminated unexpectedly: ${detail}`,
  );
}

export function invalidChunkSize(dialect: ErrorDialect, detail: string): AuthError {
  return make(dialect, 'InvalidChunkSizeError', 400, detail);
}

export function malformedChunkedEncoding(dialect: ErrorDialect, detail: string): AuthError {
  return make(dialect, 'InvalidRequest', 400, `Malformed aws-chunked encoding: ${detail}`);
}

export function malformedTrailer(dialect: ErrorDialect, detail?: string): AuthError {
  const base =
    'The request contained trailing data that was not well-formed or did not conform to our published schema.';
  return make(dialect, 'MalformedTrailerError', 400, detail === undefined ? base : `${base} ${detail}`);
}

export function decodedLengthMismatch(dialect: ErrorDialect, declared: number, actual: number): AuthError {
  return make(
    dialect,
    'IncompleteBody',
    400,
    `The decoded body length (${actual}) does not match x-amz-decoded-content-length (${declared}).`,
  );
}

export function internalError(dialect: ErrorDialect): AuthError {
  return make(dialect, 'InternalError', 500, 'We encountered an internal error. Please try again.');
}

/** Error dialect for a SigV4 service name. */
export function dialectForService(service: string | undefined): ErrorDialect {
  return service === 'iam' || service === 'sts' ? 'query' : 's3';
}

/** Error dialect for a scheme (SigV4 depends on the service, decided once the scope is read). */
export function dialectForScheme(scheme: AuthScheme): ErrorDialect {
  return scheme.startsWith('oss-') ? 'oss' : 's3';
}
