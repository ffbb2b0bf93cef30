// What header-signed and presigned SigV4 have in common: the credential scope, the signed
// header list, the payload declaration, the key lookup and the signature comparison.

import { EMPTY_SHA256, deriveSigningKey, hmacSha256, safeEqual, sha256Hex } from './crypto.js';
import {
  CREDENTIAL_MALFORMED,
  contentSha256Mismatch,
  dialectForService,
  fail,
  headerMalformed,
  headersNotSigned,
  invalidAccessKeyId,
  invalidArgument,
  invalidContentSha256,
  missingContentLength,
  missingContentSha256,
  notImplemented,
  queryParametersError,
  signatureDoesNotMatch,
  wrongRegionDetail,
  wrongServiceDetail,
  wrongTerminalDetail,
} from './errors.js';
import { canonicalHeaderValue, header, headerValues, type ParsedRequest } from './request.js';
import {
  SIGV4_ALGORITHM,
  SIGV4_TERMINATOR,
  UNSIGNED_PAYLOAD,
  buildCanonicalRequest,
  buildStringToSign,
  credentialScope,
  normalizedCanonicalUri,
  s3CanonicalUri,
  s3ReencodedUri,
} from './sigv4-canonical.js';
import type {
  AuthError,
  AuthFailure,
  AuthScheme,
  ErrorDialect,
  PayloadInfo,
  PayloadMode,
  ResolvedOptions,
  SecretRecord,
} from './types.js';

export interface Credential {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminal: string;
}

/** `AKID/YYYYMMDD/region/service/aws4_request`. The last four parts are the scope, so an access
 *  key containing "/" still parses. */
export function parseCredential(value: string): Credential | undefined {
  const parts = value.split('/');
  if (parts.length < 5) return undefined;
  const terminal = parts.pop() as string;
  const service = parts.pop() as string;
  const region = parts.pop() as string;
  const date = parts.pop() as string;
  const accessKeyId = parts.join('/');
  if (accessKeyId === '' || region === '' || service === '' || !/^\d{8}$/.test(date)) return undefined;
  return { accessKeyId, date, region, service, terminal };
}

export type Where = 'header' | 'query';

function scopeError(
  where: Where,
  detail: string,
  fields: Record<string, string> = {},
  dialect: ErrorDialect = 's3',
) {
  return where === 'header'
    ? headerMalformed(dialect, detail, fields)
    : queryParametersError(dialect, `Error parsing the X-Amz-Credential parameter; ${detail}`, fields);
}

export function credentialMalformed(where: Where): AuthError {
  return scopeError(where, CREDENTIAL_MALFORMED);
}

/** Service, region and terminal of the scope against what this endpoint serves. */
export function checkScope(cred: Credential, options: ResolvedOptions, where: Where): AuthError | undefined {
  if (!options.services.includes(cred.service)) {
    return scopeError(where, wrongServiceDetail(cred.service, options.services[0] ?? 's3'));
  }
  const dialect = dialectForService(cred.service);
  if (cred.region !== options.region) {
    return scopeError(
      where,
      wrongRegionDetail(cred.region, options.region),
      { Region: options.region },
      dialect,
    );
  }
  if (cred.terminal !== SIGV4_TERMINATOR) {
    return scopeError(where, wrongTerminalDetail(cred.terminal, SIGV4_TERMINATOR), {}, dialect);
  }
  return undefined;
}

const HEADER_TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** Splits SignedHeaders; undefined when empty, duplicated or not lower-case tokens. */
export function parseSignedHeaders(value: string): string[] | undefined {
  if (value === '' || value.length > 8192) return undefined;
  const names = value.split(';');
  const seen = new Set<string>();
  for (const name of names) {
    if (!HEADER_TOKEN.test(name) || seen.has(name)) return undefined;
    seen.add(name);
  }
  return names;
}

/** The headers S3 insists be signed: host, the header that dated the request, and every
 *  x-amz-* header present (x-amz-content-sha256 excepted: it is the payload line anyway).
 *  IAM/STS accept an unsigned x-amz-security-token (see the test suite's post-sts-header-after). */
export function unsignedHeadersError(
  req: ParsedRequest,
  signed: readonly string[],
  service: string,
  dateHeader: string | undefined,
): AuthError | undefined {
  const signedSet = new Set(signed);
  const missing: string[] = [];
  if (!signedSet.has('host')) missing.push('host');
  if (dateHeader !== undefined && !signedSet.has(dateHeader)) missing.push(dateHeader);
  if (service === 's3') {
    for (const name of req.headerNames) {
      if (name.startsWith('x-amz-') && name !== 'x-amz-content-sha256' && !signedSet.has(name)) {
        if (!missing.includes(name)) missing.push(name);
      }
    }
  }
  return missing.length > 0 ? headersNotSigned(dialectForService(service), missing.sort()) : undefined;
}

export function signedHeaderLines(
  req: ParsedRequest,
  signed: readonly string[],
): Array<readonly [string, string]> {
  return signed.map((name) => [name, canonicalHeaderValue(headerValues(req, name))] as const);
}

const STREAMING_MODES: Readonly<Record<string, PayloadMode>> = {
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': 'streaming-signed',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': 'streaming-signed-trailer',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': 'streaming-unsigned-trailer',
};

const SIGV4A_STREAMING = new Set([
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
]);

const HEX64 = /^[0-9a-fA-F]{64}$/;

export interface ResolvedPayload {
  /** The payload line of the canonical request. */
  readonly hash: string;
  readonly info: PayloadInfo;
}

function bodyHash(req: ParsedRequest): string | undefined {
  const body = req.raw.body;
  if (body === undefined) return undefined;
  return body.length === 0 ? EMPTY_SHA256 : sha256Hex(body);
}

/** A declared hex digest: checked here when the server handed us the body, else returned. */
function hexPayload(req: ParsedRequest, declared: string): ResolvedPayload | AuthError {
  const computed = bodyHash(req);
  const lower = declared.toLowerCase();
  if (computed !== undefined) {
    if (computed !== lower) return contentSha256Mismatch(declared, computed);
    return { hash: declared, info: { mode: 'sha256' } };
  }
  return { hash: declared, info: { mode: 'sha256', sha256: lower } };
}

/** Interprets x-amz-content-sha256 for header-signed requests. S3 requires it; other services
 *  sign the body hash (computed from the buffered body, or the empty-body hash). */
export function resolveHeaderPayload(req: ParsedRequest, service: string): ResolvedPayload | AuthError {
  const declared = header(req, 'x-amz-content-sha256')?.trim();
  if (service !== 's3') {
    // IAM/STS sign the hash of the body they received; a declared digest (smithy adds one) that
    // disagrees with the body then fails as a signature mismatch, in the Query API's words.
    const computed = bodyHash(req);
    if (computed !== undefined && declared !== UNSIGNED_PAYLOAD)
      return { hash: computed, info: { mode: 'sha256' } };
    if (declared === undefined) return { hash: EMPTY_SHA256, info: { mode: 'sha256' } };
    if (declared === UNSIGNED_PAYLOAD) return { hash: declared, info: { mode: 'unsigned' } };
    return HEX64.test(declared) ? hexPayload(req, declared) : { hash: declared, info: { mode: 'unsigned' } };
  }
  if (declared === undefined) return missingContentSha256();
  if (declared === UNSIGNED_PAYLOAD) return { hash: declared, info: { mode: 'unsigned' } };
  if (HEX64.test(declared)) return hexPayload(req, declared);
  const mode = STREAMING_MODES[declared];
  if (mode === undefined) {
    return SIGV4A_STREAMING.has(declared)
      ? notImplemented('s3', 'x-amz-content-sha256')
      : invalidContentSha256(declared);
  }
  const lengthText = header(req, 'x-amz-decoded-content-length')?.trim();
  if (lengthText === undefined) return missingContentLength('s3', 'x-amz-decoded-content-length');
  const decodedContentLength = /^\d{1,15}$/.test(lengthText) ? Number(lengthText) : Number.NaN;
  if (!Number.isSafeInteger(decodedContentLength)) {
    return invalidArgument(
      's3',
      'x-amz-decoded-content-length must be a non-negative integer',
      'x-amz-decoded-content-length',
      lengthText,
    );
  }
  const trailerText = header(req, 'x-amz-trailer');
  const trailers =
    trailerText === undefined
      ? undefined
      : trailerText
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter((t) => t !== '');
  const info: PayloadInfo =
    trailers === undefined ? { mode, decodedContentLength } : { mode, decodedContentLength, trailers };
  return { hash: declared, info };
}

/** Presigned requests: S3 signs UNSIGNED-PAYLOAD unless X-Amz-Content-Sha256 was hoisted into the
 *  query or signed as a header; other services sign the (usually empty) body hash. */
export function resolvePresignPayload(
  req: ParsedRequest,
  service: string,
  signed: readonly string[],
  queryDeclared: string | undefined,
): ResolvedPayload | AuthError {
  const declared =
    queryDeclared ??
    (signed.includes('x-amz-content-sha256') ? header(req, 'x-amz-content-sha256')?.trim() : undefined);
  if (declared === undefined) {
    if (service === 's3') return { hash: UNSIGNED_PAYLOAD, info: { mode: 'unsigned' } };
    return { hash: bodyHash(req) ?? EMPTY_SHA256, info: { mode: 'sha256' } };
  }
  if (declared === UNSIGNED_PAYLOAD) return { hash: declared, info: { mode: 'unsigned' } };
  if (HEX64.test(declared)) return hexPayload(req, declared);
  return service === 's3' ? invalidContentSha256(declared) : { hash: declared, info: { mode: 'unsigned' } };
}

export function isAuthFailure(value: unknown): value is AuthFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { ok?: unknown }).ok === false &&
    typeof (value as { error?: unknown }).error === 'object'
  );
}

/** Marks errors thrown by the identity layer so verify.ts lets them through instead of turning
 *  them into an InternalError of the signature layer. */
export class LookupError extends Error {
  constructor(readonly original: unknown) {
    super('credential lookup failed', { cause: original });
  }
}

export type LookupOutcome<I extends SecretRecord> =
  { readonly identity: I } | { readonly failure: AuthFailure };

export async function lookupIdentity<I extends SecretRecord>(
  options: ResolvedOptions<I>,
  accessKeyId: string,
  scheme: AuthScheme,
  securityToken: string | undefined,
  dialect: ErrorDialect,
): Promise<LookupOutcome<I>> {
  let found: I | AuthFailure | undefined;
  try {
    found = await options.lookup(
      accessKeyId,
      securityToken === undefined ? { scheme } : { scheme, securityToken },
    );
  } catch (err) {
    throw new LookupError(err);
  }
  if (found === undefined)
    return { failure: fail(invalidAccessKeyId(dialect, accessKeyId), scheme, accessKeyId) };
  if (isAuthFailure(found)) {
    return {
      failure: { ...found, scheme: found.scheme ?? scheme, accessKeyId: found.accessKeyId ?? accessKeyId },
    };
  }
  return { identity: found };
}

export interface SigV4Computation {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
}

export interface SigV4Inputs {
  readonly method: string;
  readonly rawPath: string;
  readonly canonicalQuery: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly signedHeaders: string;
  readonly payloadHash: string;
  readonly amzDate: string;
  readonly scope: string;
  readonly service: string;
}

function compute(inputs: SigV4Inputs, canonicalUri: string, signingKey: Buffer): SigV4Computation {
  const canonicalRequest = buildCanonicalRequest({
    method: inputs.method,
    canonicalUri,
    canonicalQuery: inputs.canonicalQuery,
    headers: inputs.headers,
    signedHeaders: inputs.signedHeaders,
    payloadHash: inputs.payloadHash,
  });
  const stringToSign = buildStringToSign(SIGV4_ALGORITHM, inputs.amzDate, inputs.scope, canonicalRequest);
  return { canonicalRequest, stringToSign, signature: hmacSha256(signingKey, stringToSign).toString('hex') };
}

/** Computes the expected signature and compares it in constant time. S3 paths get a second try
 *  with the path re-encoded by AWS's rules, and `payloadAlternatives` are tried after
 *  `inputs.payloadHash`; the first computation is the one reported. Returns the payload line that
 *  matched, or the SignatureDoesNotMatch error. */
export function checkSigV4Signature(
  inputs: SigV4Inputs,
  signingKey: Buffer,
  provided: string,
  accessKeyId: string,
  payloadAlternatives: readonly string[] = [],
): { readonly payloadHash: string } | { readonly error: AuthError } {
  const uris =
    inputs.service === 's3'
      ? [s3CanonicalUri(inputs.rawPath), s3ReencodedUri(inputs.rawPath)]
      : [normalizedCanonicalUri(inputs.rawPath)];
  let first: SigV4Computation | undefined;
  for (const payloadHash of new Set([inputs.payloadHash, ...payloadAlternatives])) {
    for (const uri of new Set(uris)) {
      const c = compute({ ...inputs, payloadHash }, uri, signingKey);
      first ??= c;
      if (safeEqual(c.signature, provided)) return { payloadHash };
    }
  }
  const report = first as SigV4Computation;
  return {
    error: signatureDoesNotMatch(dialectForService(inputs.service), {
      accessKeyId,
      stringToSign: report.stringToSign,
      signatureProvided: provided,
      canonicalRequest: report.canonicalRequest,
    }),
  };
}

// Signing keys change once a day per key, region and service, so they are derived once: four
// HMACs fewer per request. Keyed by the secret the store returned for the claimed key id (never
// by anything the client chose alone); bounded, and simply emptied when full.
const SIGNING_KEY_CACHE_MAX = 4096;
const signingKeys = new Map<string, Buffer>();

export function signingKeyFor(secret: string, cred: Credential): Buffer {
  const id = `${cred.date}\n${cred.region}\n${cred.service}\n${secret}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = deriveSigningKey(secret, cred.date, cred.region, cred.service);
    if (signingKeys.size >= SIGNING_KEY_CACHE_MAX) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

export function scopeOf(cred: Credential): string {
  return credentialScope(cred.date, cred.region, cred.service);
}
