// Which signature scheme a request uses, decided from the Authorization header prefix or the
// query parameters that carry a presigned signature. Nothing is verified here.

import { multipleAuthMechanisms, notImplemented, unsupportedAuthorizationType } from './errors.js';
import { header, parseRequest, type ParsedRequest } from './request.js';
import type { AuthError, AuthScheme, SignedRequest } from './types.js';

export type Detection =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'scheme'; readonly scheme: AuthScheme }
  | { readonly kind: 'error'; readonly error: AuthError };

// Longest prefix first: "AWS4-..." also starts with "AWS".
const HEADER_PREFIXES: ReadonlyArray<readonly [string, AuthScheme]> = [
  ['AWS4-HMAC-SHA256 ', 'sigv4-header'],
  ['OSS4-HMAC-SHA256 ', 'oss-v4-header'],
  ['AWS ', 'sigv2-header'],
  ['OSS ', 'oss-v1-header'],
];

function hasParam(req: ParsedRequest, names: readonly string[], caseInsensitive: boolean): boolean {
  for (const p of req.query) {
    const key = caseInsensitive ? p.key.toLowerCase() : p.key;
    if (names.includes(key)) return true;
  }
  return false;
}

/** Query-string schemes whose parameters are present (normally zero or one). */
function queryMarkers(req: ParsedRequest): AuthScheme[] {
  const found: AuthScheme[] = [];
  if (hasParam(req, ['x-amz-algorithm', 'x-amz-credential', 'x-amz-signature'], true))
    found.push('sigv4-query');
  if (hasParam(req, ['x-oss-signature-version', 'x-oss-credential', 'x-oss-signature'], true)) {
    found.push('oss-v4-query');
  }
  const ossV1 = hasParam(req, ['OSSAccessKeyId'], false);
  if (ossV1) found.push('oss-v1-query');
  // `Signature` is shared by SigV2 and OSS V1 presigned URLs; the access key parameter decides.
  if (hasParam(req, ['AWSAccessKeyId'], false) || (!ossV1 && hasParam(req, ['Signature'], false))) {
    found.push('sigv2-query');
  }
  return found;
}

export function detectScheme(req: ParsedRequest): Detection {
  const authorization = header(req, 'authorization')?.trim();
  const markers = queryMarkers(req);

  if (authorization !== undefined && authorization !== '') {
    const isOss = authorization.startsWith('OSS');
    const dialect = isOss ? 'oss' : 's3';
    if (markers.length > 0) return { kind: 'error', error: multipleAuthMechanisms(dialect, authorization) };
    for (const [prefix, scheme] of HEADER_PREFIXES) {
      if (authorization.startsWith(prefix)) return { kind: 'scheme', scheme };
    }
    if (authorization.startsWith('AWS4-ECDSA-P256-SHA256')) {
      // SigV4a (multi-region access points) is out of scope.
      return { kind: 'error', error: notImplemented('s3', 'Authorization') };
    }
    return { kind: 'error', error: unsupportedAuthorizationType(dialect, authorization) };
  }

  if (markers.length > 1) {
    const dialect = markers.every((m) => m.startsWith('oss-')) ? 'oss' : 's3';
    return { kind: 'error', error: multipleAuthMechanisms(dialect, '') };
  }
  const only = markers[0];
  return only === undefined ? { kind: 'anonymous' } : { kind: 'scheme', scheme: only };
}

/** Convenience for callers holding an unparsed request. */
export function detect(request: SignedRequest): Detection {
  return detectScheme(parseRequest(request));
}
