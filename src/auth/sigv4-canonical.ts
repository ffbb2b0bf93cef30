// Canonical request and string-to-sign of AWS SigV4, shared by the verifiers and the client
// signer. Rules from the AWS SigV4 docs, botocore auth.py (SigV4Auth / S3SigV4Auth) and
// @smithy/signature-v4 (getCanonicalPath, getCanonicalQuery).

import { sha256Hex } from './crypto.js';
import { compareStrings, percentDecodeBytes, uriEncode, type QueryParam } from './uri.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const SIGV4_TERMINATOR = 'aws4_request';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface CanonicalRequestParts {
  readonly method: string;
  readonly canonicalUri: string;
  readonly canonicalQuery: string;
  /** [lower-case name, canonical value] in SignedHeaders order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly signedHeaders: string;
  readonly payloadHash: string;
}

export function buildCanonicalRequest(p: CanonicalRequestParts): string {
  let headerBlock = '';
  for (const [name, value] of p.headers) headerBlock += `${name}:${value}\n`;
  return `${p.method}\n${p.canonicalUri}\n${p.canonicalQuery}\n${headerBlock}\n${p.signedHeaders}\n${p.payloadHash}`;
}

export function buildStringToSign(
  algorithm: string,
  amzDate: string,
  scope: string,
  canonicalRequest: string,
): string {
  return `${algorithm}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

/** S3: the path exactly as sent (encoded once by the client, never normalised). */
export function s3CanonicalUri(rawPath: string): string {
  return rawPath === '' ? '/' : rawPath;
}

/** S3 fallback: the path decoded and re-encoded with AWS's rules, for clients that sent some
 *  reserved characters raw (e.g. `!`) while signing them encoded. */
export function s3ReencodedUri(rawPath: string): string {
  return uriEncode(percentDecodeBytes(s3CanonicalUri(rawPath)), true);
}

/** Every other service: remove empty, "." and ".." segments, then encode the (already encoded)
 *  path again, keeping "/" (smithy getCanonicalPath with uriEscapePath, botocore
 *  _normalize_url_path). */
export function normalizedCanonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  const normalized = `${rawPath.startsWith('/') || rawPath === '' ? '/' : ''}${segments.join('/')}${trailing}`;
  return uriEncode(normalized, true);
}

/** Canonical query: every parameter decoded then re-encoded with UriEncode, sorted by encoded key
 *  then encoded value; a parameter without "=" counts as an empty value. */
export function canonicalQueryString(
  params: readonly QueryParam[],
  exclude?: (key: string) => boolean,
): string {
  const pairs: Array<readonly [string, string]> = [];
  for (const p of params) {
    if (exclude?.(p.key)) continue;
    pairs.push([
      uriEncode(percentDecodeBytes(p.rawKey)),
      p.rawValue === undefined ? '' : uriEncode(percentDecodeBytes(p.rawValue)),
    ]);
  }
  pairs.sort((a, b) => compareStrings(a[0], b[0]) || compareStrings(a[1], b[1]));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/${SIGV4_TERMINATOR}`;
}
