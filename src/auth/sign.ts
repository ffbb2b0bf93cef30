// Client-side SigV4: signs requests for the tests and for the `explain` CLI, and encodes
// aws-chunked bodies. Built on the same canonical-request code the verifier uses; the AWS test
// vectors and @smithy/signature-v4 keep both honest.

import {
  chunkStringToSign,
  canonicalTrailerLines,
  signString,
  trailerStringToSign,
} from './chunk-signing.js';
import { EMPTY_SHA256, deriveSigningKey, hmacSha256, sha256Hex } from './crypto.js';
import {
  SIGV4_ALGORITHM,
  UNSIGNED_PAYLOAD,
  buildCanonicalRequest,
  buildStringToSign,
  canonicalQueryString,
  credentialScope,
  normalizedCanonicalUri,
  s3CanonicalUri,
} from './sigv4-canonical.js';
import { formatAmzDate } from './time.js';
import type { ChunkSigningContext } from './types.js';
import { parseQuery, uriEncode } from './uri.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignV4Options {
  readonly method: string;
  /** Absolute URL; its path and query are signed as they will be sent. */
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly credentials: Credentials;
  readonly service: string;
  readonly region?: string;
  readonly date?: Date;
  /** Payload line override: UNSIGNED-PAYLOAD, STREAMING-..., or a known digest. */
  readonly payloadHash?: string;
}

export interface SignedV4 {
  /** The headers to send: the caller's plus host, x-amz-date, authorization, and for S3
   *  x-amz-content-sha256 (and x-amz-security-token for session credentials). */
  readonly headers: Record<string, string>;
  readonly authorization: string;
  readonly signature: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  /** For signing aws-chunked bodies that follow. */
  readonly chunkSigning: ChunkSigningContext;
}

// Never signed: hop-by-hop or rewritten by proxies (smithy ALWAYS_UNSIGNABLE_HEADERS).
const UNSIGNABLE = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

function canonicalUri(url: URL, service: string): string {
  const path = url.pathname === '' ? '/' : url.pathname;
  return service === 's3' ? s3CanonicalUri(path) : normalizedCanonicalUri(path);
}

function payloadHashOf(o: SignV4Options): string {
  if (o.payloadHash !== undefined) return o.payloadHash;
  if (o.body === undefined || o.body.length === 0) return EMPTY_SHA256;
  return sha256Hex(o.body);
}

export function signV4(o: SignV4Options): SignedV4 {
  const url = typeof o.url === 'string' ? new URL(o.url) : o.url;
  const region = o.region ?? 'us-east-1';
  const date = o.date ?? new Date();
  const amzDate = formatAmzDate(date);
  const shortDate = amzDate.slice(0, 8);
  const payloadHash = payloadHashOf(o);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(o.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.host = url.host;
  headers['x-amz-date'] = amzDate;
  if (o.service === 's3') headers['x-amz-content-sha256'] = payloadHash;
  if (o.credentials.sessionToken !== undefined) headers['x-amz-security-token'] = o.credentials.sessionToken;

  const signed = Object.keys(headers)
    .filter((n) => !UNSIGNABLE.has(n) && !n.startsWith('proxy-') && !n.startsWith('sec-'))
    .sort();
  const signedHeaders = signed.join(';');
  const canonicalRequest = buildCanonicalRequest({
    method: o.method.toUpperCase(),
    canonicalUri: canonicalUri(url, o.service),
    canonicalQuery: canonicalQueryString(parseQuery(url.search.slice(1))),
    headers: signed.map((n) => [n, (headers[n] as string).trim().replace(/\s+/g, ' ')] as const),
    signedHeaders,
    payloadHash,
  });
  const scope = credentialScope(shortDate, region, o.service);
  const stringToSign = buildStringToSign(SIGV4_ALGORITHM, amzDate, scope, canonicalRequest);
  const signingKey = deriveSigningKey(o.credentials.secretAccessKey, shortDate, region, o.service);
  const signature = hmacSha256(signingKey, stringToSign).toString('hex');
  const authorization = `${SIGV4_ALGORITHM} Credential=${o.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  headers.authorization = authorization;
  return {
    headers,
    authorization,
    signature,
    canonicalRequest,
    stringToSign,
    chunkSigning: { signingKey, amzDate, scope, seedSignature: signature },
  };
}

export interface PresignV4Options extends SignV4Options {
  /** Seconds, at most 604800. */
  readonly expiresIn: number;
}

export interface PresignedV4 {
  readonly url: string;
  readonly signature: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

export function presignV4(o: PresignV4Options): PresignedV4 {
  const url = new URL(typeof o.url === 'string' ? o.url : o.url.href);
  const region = o.region ?? 'us-east-1';
  const amzDate = formatAmzDate(o.date ?? new Date());
  const shortDate = amzDate.slice(0, 8);
  const scope = credentialScope(shortDate, region, o.service);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(o.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.host = url.host;
  const signed = Object.keys(headers)
    .filter((n) => !UNSIGNABLE.has(n))
    .sort();

  const auth: Array<[string, string]> = [
    ['X-Amz-Algorithm', SIGV4_ALGORITHM],
    ['X-Amz-Credential', `${o.credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(o.expiresIn)],
    ['X-Amz-SignedHeaders', signed.join(';')],
  ];
  if (o.credentials.sessionToken !== undefined)
    auth.push(['X-Amz-Security-Token', o.credentials.sessionToken]);
  const existing = url.search.slice(1);
  const added = auth.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
  const query = existing === '' ? added : `${existing}&${added}`;

  const payloadHash = o.payloadHash ?? (o.service === 's3' ? UNSIGNED_PAYLOAD : payloadHashOf(o));
  const canonicalRequest = buildCanonicalRequest({
    method: o.method.toUpperCase(),
    canonicalUri: canonicalUri(url, o.service),
    canonicalQuery: canonicalQueryString(parseQuery(query)),
    headers: signed.map((n) => [n, (headers[n] as string).trim().replace(/\s+/g, ' ')] as const),
    signedHeaders: signed.join(';'),
    payloadHash,
  });
  const stringToSign = buildStringToSign(SIGV4_ALGORITHM, amzDate, scope, canonicalRequest);
  const signingKey = deriveSigningKey(o.credentials.secretAccessKey, shortDate, region, o.service);
  const signature = hmacSha256(signingKey, stringToSign).toString('hex');
  url.search = `?${query}&X-Amz-Signature=${signature}`;
  return { url: url.href, signature, canonicalRequest, stringToSign };
}

/** Signed aws-chunked body (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or the -TRAILER variant when
 *  trailers are given): `hex(size);chunk-signature=sig\r\n data \r\n`, a final zero chunk, then
 *  the trailers and x-amz-trailer-signature. */
export function encodeSignedChunks(
  chunks: readonly Uint8Array[],
  ctx: ChunkSigningContext,
  trailers?: ReadonlyArray<readonly [string, string]>,
): Buffer {
  const parts: Buffer[] = [];
  let previous = ctx.seedSignature;
  for (const chunk of [...chunks.filter((c) => c.length > 0), new Uint8Array(0)]) {
    const signature = signString(ctx, chunkStringToSign(ctx, previous, sha256Hex(chunk)));
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`));
    if (chunk.length > 0) parts.push(Buffer.from(chunk), Buffer.from('\r\n'));
    previous = signature;
  }
  if (trailers === undefined) {
    parts.push(Buffer.from('\r\n'));
    return Buffer.concat(parts);
  }
  const trailerSignature = signString(
    ctx,
    trailerStringToSign(ctx, previous, canonicalTrailerLines(trailers, true)),
  );
  for (const [name, value] of trailers) parts.push(Buffer.from(`${name}:${value}\r\n`));
  parts.push(Buffer.from(`x-amz-trailer-signature:${trailerSignature}\r\n\r\n`));
  return Buffer.concat(parts);
}

/** STREAMING-UNSIGNED-PAYLOAD-TRAILER body, as the JS SDK v3 sends it. */
export function encodeUnsignedChunks(
  chunks: readonly Uint8Array[],
  trailers: ReadonlyArray<readonly [string, string]> = [],
): Buffer {
  const parts: Buffer[] = [];
  for (const chunk of chunks) {
    if (chunk.length === 0) continue;
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), Buffer.from(chunk), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n'));
  for (const [name, value] of trailers) parts.push(Buffer.from(`${name}:${value}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}
