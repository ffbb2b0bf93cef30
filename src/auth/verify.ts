// The entry point: detect the scheme, hand the request to that scheme's verifier. Hostile input
// never throws out of here; only the identity layer's own exceptions do.

import { detectScheme } from './detect.js';
import { dialectForScheme, fail, internalError, unsupportedAuthorizationType } from './errors.js';
import { ossV1Verifier } from './oss-v1.js';
import { ossV4Verifier } from './oss-v4.js';
import { header, parseRequest } from './request.js';
import { sigV2Verifier } from './sigv2.js';
import { LookupError } from './sigv4-core.js';
import { sigV4PresignVerifier } from './sigv4-presign.js';
import { sigV4HeaderVerifier } from './sigv4.js';
import { MAX_SKEW_MS } from './time.js';
import type {
  AuthResult,
  AuthScheme,
  ResolvedOptions,
  SchemeVerifier,
  SecretRecord,
  SignedRequest,
  VerifyOptions,
} from './types.js';

export const ALL_SCHEMES: readonly AuthScheme[] = [
  'sigv4-header',
  'sigv4-query',
  'sigv2-header',
  'sigv2-query',
  'oss-v1-header',
  'oss-v1-query',
  'oss-v4-header',
  'oss-v4-query',
];

export const VERIFIERS: readonly SchemeVerifier[] = [
  sigV4HeaderVerifier,
  sigV4PresignVerifier,
  sigV2Verifier,
  ossV1Verifier,
  ossV4Verifier,
];

const BY_SCHEME = new Map<AuthScheme, SchemeVerifier>();
for (const v of VERIFIERS) for (const s of v.schemes) BY_SCHEME.set(s, v);

export function resolveOptions<I extends SecretRecord>(options: VerifyOptions<I>): ResolvedOptions<I> {
  return {
    lookup: options.lookup,
    region: options.region ?? 'us-east-1',
    services: options.services ?? ['s3', 'iam', 'sts'],
    ossRegion: options.ossRegion,
    maxSkewMs: options.maxSkewMs ?? MAX_SKEW_MS,
    schemes: options.schemes ?? ALL_SCHEMES,
  };
}

/** Authenticates one request. Returns anonymous when it carries no signature at all. */
export async function verifyRequest<I extends SecretRecord>(
  request: SignedRequest,
  options: VerifyOptions<I>,
): Promise<AuthResult<I>> {
  const resolved = resolveOptions(options);
  let scheme: AuthScheme | undefined;
  try {
    const parsed = parseRequest(request);
    const detection = detectScheme(parsed);
    if (detection.kind === 'anonymous') return { ok: true, anonymous: true };
    if (detection.kind === 'error') return fail(detection.error);
    scheme = detection.scheme;
    const verifier = BY_SCHEME.get(scheme);
    if (verifier === undefined || !resolved.schemes.includes(scheme)) {
      const dialect = dialectForScheme(scheme);
      return fail(unsupportedAuthorizationType(dialect, header(parsed, 'authorization') ?? ''), scheme);
    }
    return await verifier.verify(parsed, resolved);
  } catch (err) {
    if (err instanceof LookupError) throw err.original;
    return fail(internalError(scheme === undefined ? 's3' : dialectForScheme(scheme)), scheme);
  }
}
