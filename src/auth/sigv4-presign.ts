// AWS SigV4 in the query string (presigned URLs): X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
// X-Amz-Expires (at most 604800), X-Amz-SignedHeaders, X-Amz-Signature, and X-Amz-Security-Token
// for temporary credentials. Messages follow S3's AuthorizationQueryParametersError answers.

import {
  CREDENTIAL_DATE_MISMATCH,
  PRESIGN_V4_REQUIRED,
  dialectForService,
  fail,
  queryParametersError,
  requestExpired,
  requestNotYetValid,
} from './errors.js';
import { queryValues, type ParsedRequest } from './request.js';
import { EMPTY_SHA256 } from './crypto.js';
import { SIGV4_ALGORITHM, UNSIGNED_PAYLOAD, canonicalQueryString } from './sigv4-canonical.js';
import {
  checkScope,
  checkSigV4Signature,
  credentialMalformed,
  lookupIdentity,
  parseCredential,
  parseSignedHeaders,
  resolvePresignPayload,
  scopeOf,
  signedHeaderLines,
  signingKeyFor,
  unsignedHeadersError,
} from './sigv4-core.js';
import { parseAmzDate } from './time.js';
import type {
  AuthResult,
  AuthSuccess,
  PayloadInfo,
  ResolvedOptions,
  SchemeVerifier,
  SecretRecord,
} from './types.js';

const SCHEME = 'sigv4-query' as const;
export const MAX_PRESIGN_EXPIRES = 604_800;

const REQUIRED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Expires',
] as const;

type Param = (typeof REQUIRED)[number] | 'X-Amz-Security-Token' | 'X-Amz-Content-Sha256';

/** One auth parameter, matched case-insensitively; a repeat is an error, not a choice. */
function single(req: ParsedRequest, name: Param): { value?: string; duplicate: boolean } {
  const found = queryValues(req, name, true);
  if (found.length > 1) return { duplicate: true };
  const first = found[0];
  return first === undefined ? { duplicate: false } : { value: first.value, duplicate: false };
}

async function verify<I extends SecretRecord>(
  req: ParsedRequest,
  options: ResolvedOptions<I>,
): Promise<AuthResult<I>> {
  const values: Partial<Record<Param, string>> = {};
  for (const name of [...REQUIRED, 'X-Amz-Security-Token', 'X-Amz-Content-Sha256'] as const) {
    const { value, duplicate } = single(req, name);
    if (duplicate)
      return fail(queryParametersError('s3', `${name} must appear only once in the query string.`), SCHEME);
    if (value !== undefined) values[name] = value;
  }
  if (REQUIRED.some((name) => values[name] === undefined || values[name] === '')) {
    return fail(queryParametersError('s3', PRESIGN_V4_REQUIRED), SCHEME);
  }
  const algorithm = values['X-Amz-Algorithm'] as string;
  const credentialText = values['X-Amz-Credential'] as string;
  const signature = values['X-Amz-Signature'] as string;
  const amzDate = values['X-Amz-Date'] as string;
  const signedHeadersText = values['X-Amz-SignedHeaders'] as string;
  const expiresText = values['X-Amz-Expires'] as string;

  if (algorithm !== SIGV4_ALGORITHM) {
    return fail(queryParametersError('s3', `X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`), SCHEME);
  }
  const cred = parseCredential(credentialText);
  if (cred === undefined) return fail(credentialMalformed('query'), SCHEME);
  const scopeError = checkScope(cred, options, 'query');
  if (scopeError) return fail(scopeError, SCHEME, cred.accessKeyId);
  const dialect = dialectForService(cred.service);
  const bad = (message: string) => fail(queryParametersError(dialect, message), SCHEME, cred.accessKeyId);

  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined)
    return bad(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  if (cred.date !== amzDate.slice(0, 8)) return bad(CREDENTIAL_DATE_MISMATCH);
  if (!/^-?\d{1,12}$/.test(expiresText)) return bad('X-Amz-Expires should be a number');
  const expiresIn = Number(expiresText);
  if (expiresIn < 0) return bad('X-Amz-Expires must be non-negative');
  if (expiresIn > MAX_PRESIGN_EXPIRES) {
    return bad(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGN_EXPIRES}`);
  }
  const signed = parseSignedHeaders(signedHeadersText);
  if (signed === undefined) return bad('X-Amz-SignedHeaders is malformed.');

  const expiresAt = new Date(signedAt.getTime() + expiresIn * 1000);
  if (signedAt.getTime() - req.now > options.maxSkewMs) {
    return fail(requestNotYetValid(dialect, signedAt, expiresAt, req.now), SCHEME, cred.accessKeyId);
  }
  if (req.now > expiresAt.getTime()) {
    return fail(requestExpired(dialect, expiresAt, req.now, expiresText), SCHEME, cred.accessKeyId);
  }

  const notSigned = unsignedHeadersError(req, signed, cred.service, undefined);
  if (notSigned) return fail(notSigned, SCHEME, cred.accessKeyId);

  const payload = resolvePresignPayload(req, cred.service, signed, values['X-Amz-Content-Sha256']);
  if ('code' in payload) return fail(payload, SCHEME, cred.accessKeyId);

  const securityToken = values['X-Amz-Security-Token'];
  const looked = await lookupIdentity(options, cred.accessKeyId, SCHEME, securityToken, dialect);
  if ('failure' in looked) return looked.failure;

  const signingKey = signingKeyFor(looked.identity.secretAccessKey, cred);
  // Presigners normally sign UNSIGNED-PAYLOAD for S3, but a bare @smithy/signature-v4 presign
  // signs the empty-body hash; accept that too and then hold the body to it.
  const undeclared = payload.hash === UNSIGNED_PAYLOAD && values['X-Amz-Content-Sha256'] === undefined;
  const checked = checkSigV4Signature(
    {
      method: req.method,
      rawPath: req.raw.path,
      canonicalQuery: canonicalQueryString(req.query, (key) => key.toLowerCase() === 'x-amz-signature'),
      headers: signedHeaderLines(req, signed),
      signedHeaders: signedHeadersText,
      payloadHash: payload.hash,
      amzDate,
      scope: scopeOf(cred),
      service: cred.service,
    },
    signingKey,
    signature,
    cred.accessKeyId,
    undeclared ? [EMPTY_SHA256] : [],
  );
  if ('error' in checked) return fail(checked.error, SCHEME, cred.accessKeyId);
  const payloadInfo: PayloadInfo =
    checked.payloadHash === payload.hash ? payload.info : { mode: 'sha256', sha256: checked.payloadHash };

  const success: AuthSuccess<I> = {
    ok: true,
    anonymous: false,
    scheme: SCHEME,
    accessKeyId: cred.accessKeyId,
    identity: looked.identity,
    signatureVersion: 'AWS4-HMAC-SHA256',
    authType: 'REST-QUERY-STRING',
    scope: { date: cred.date, region: cred.region, service: cred.service },
    signedAt,
    payload: payloadInfo,
    expiresAt,
    expiresIn,
    ...(securityToken === undefined ? {} : { securityToken }),
  };
  return success;
}

export const sigV4PresignVerifier: SchemeVerifier = { schemes: [SCHEME], verify };
