// AWS SigV4 in the Authorization header (S3, IAM, STS).
// Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request,
//                SignedHeaders=a;b;c, Signature=<64 hex>

import {
  CREDENTIAL_DATE_MISMATCH,
  dialectForService,
  fail,
  headerMalformed,
  missingDate,
  requestTimeTooSkewed,
} from './errors.js';
import { header, type ParsedRequest } from './request.js';
import { canonicalQueryString, SIGV4_ALGORITHM } from './sigv4-canonical.js';
import {
  checkScope,
  checkSigV4Signature,
  credentialMalformed,
  lookupIdentity,
  parseCredential,
  parseSignedHeaders,
  resolveHeaderPayload,
  scopeOf,
  signedHeaderLines,
  signingKeyFor,
  unsignedHeadersError,
} from './sigv4-core.js';
import { formatAmzDate, isSkewed, parseAmzDate, parseHttpDate } from './time.js';
import type { AuthResult, AuthSuccess, ResolvedOptions, SchemeVerifier, SecretRecord } from './types.js';

const SCHEME = 'sigv4-header' as const;
const MAX_AUTHORIZATION_LENGTH = 16 * 1024;
const COMPONENTS = ['Credential', 'SignedHeaders', 'Signature'] as const;
type Component = (typeof COMPONENTS)[number];

export type ParsedAuthorization =
  | {
      readonly ok: true;
      readonly credential: string;
      readonly signedHeaders: string;
      readonly signature: string;
    }
  | { readonly ok: false; readonly detail: string };

/** Parses the part after "AWS4-HMAC-SHA256 ". Components may come in any order, separated by
 *  "," with optional spaces; each must appear exactly once. */
export function parseSigV4Authorization(value: string): ParsedAuthorization {
  if (value.length > MAX_AUTHORIZATION_LENGTH)
    return { ok: false, detail: 'the authorization header is too long.' };
  if (!value.startsWith(SIGV4_ALGORITHM + ' ')) {
    return { ok: false, detail: `the authorization mechanism is not ${SIGV4_ALGORITHM}.` };
  }
  const found: Partial<Record<Component, string>> = {};
  for (const rawPart of value.slice(SIGV4_ALGORITHM.length + 1).split(',')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (!(COMPONENTS as readonly string[]).includes(key) || eq < 0) {
      return { ok: false, detail: `the authorization component "${part.slice(0, 64)}" is malformed.` };
    }
    if (found[key as Component] !== undefined) {
      return { ok: false, detail: `the authorization component "${key}" appears more than once.` };
    }
    found[key as Component] = part.slice(eq + 1).trim();
  }
  const missing = COMPONENTS.filter((c) => found[c] === undefined);
  if (missing.length > 0) {
    const requires = missing.map((c) => `Authorization header requires '${c}' parameter.`).join(' ');
    return { ok: false, detail: `${requires} Authorization=${value.slice(0, 256)}` };
  }
  return {
    ok: true,
    credential: found.Credential as string,
    signedHeaders: found.SignedHeaders as string,
    signature: found.Signature as string,
  };
}

interface RequestDate {
  readonly date: Date;
  /** The string-to-sign timestamp. */
  readonly amzDate: string;
  /** Which header carried it, and its raw value. */
  readonly header: 'x-amz-date' | 'date';
  readonly raw: string;
}

/** x-amz-date, else a Date header (either form). */
function requestDate(req: ParsedRequest): RequestDate | undefined {
  const amz = header(req, 'x-amz-date')?.trim();
  if (amz !== undefined) {
    const date = parseAmzDate(amz);
    return date && { date, amzDate: amz, header: 'x-amz-date', raw: amz };
  }
  const http = header(req, 'date')?.trim();
  if (http === undefined) return undefined;
  const date = parseAmzDate(http) ?? parseHttpDate(http);
  return date && { date, amzDate: formatAmzDate(date), header: 'date', raw: http };
}

async function verify<I extends SecretRecord>(
  req: ParsedRequest,
  options: ResolvedOptions<I>,
): Promise<AuthResult<I>> {
  const authorization = header(req, 'authorization')?.trim() ?? '';
  const parsed = parseSigV4Authorization(authorization);
  if (!parsed.ok) return fail(headerMalformed('s3', parsed.detail), SCHEME);

  const cred = parseCredential(parsed.credential);
  if (cred === undefined) return fail(credentialMalformed('header'), SCHEME);
  const scopeError = checkScope(cred, options, 'header');
  if (scopeError) return fail(scopeError, SCHEME, cred.accessKeyId);
  const dialect = dialectForService(cred.service);

  const signed = parseSignedHeaders(parsed.signedHeaders);
  if (signed === undefined) {
    return fail(
      headerMalformed(dialect, 'the SignedHeaders parameter is malformed.'),
      SCHEME,
      cred.accessKeyId,
    );
  }

  const dated = requestDate(req);
  if (dated === undefined) return fail(missingDate(dialect), SCHEME, cred.accessKeyId);
  if (cred.date !== dated.amzDate.slice(0, 8)) {
    return fail(headerMalformed(dialect, CREDENTIAL_DATE_MISMATCH), SCHEME, cred.accessKeyId);
  }
  if (isSkewed(dated.date, req.now, options.maxSkewMs)) {
    return fail(
      requestTimeTooSkewed(dialect, dated.raw, dated.date, req.now, options.maxSkewMs),
      SCHEME,
      cred.accessKeyId,
    );
  }

  const notSigned = unsignedHeadersError(req, signed, cred.service, dated.header);
  if (notSigned) return fail(notSigned, SCHEME, cred.accessKeyId);

  const payload = resolveHeaderPayload(req, cred.service);
  if ('code' in payload) return fail(payload, SCHEME, cred.accessKeyId);

  const securityToken = header(req, 'x-amz-security-token');
  const looked = await lookupIdentity(options, cred.accessKeyId, SCHEME, securityToken, dialect);
  if ('failure' in looked) return looked.failure;

  const signingKey = signingKeyFor(looked.identity.secretAccessKey, cred);
  const scope = scopeOf(cred);
  const checked = checkSigV4Signature(
    {
      method: req.method,
      rawPath: req.raw.path,
      canonicalQuery: canonicalQueryString(req.query),
      headers: signedHeaderLines(req, signed),
      signedHeaders: parsed.signedHeaders,
      payloadHash: payload.hash,
      amzDate: dated.amzDate,
      scope,
      service: cred.service,
    },
    signingKey,
    parsed.signature,
    cred.accessKeyId,
  );
  if ('error' in checked) return fail(checked.error, SCHEME, cred.accessKeyId);

  const streamingSigned =
    payload.info.mode === 'streaming-signed' || payload.info.mode === 'streaming-signed-trailer';
  const success: AuthSuccess<I> = {
    ok: true,
    anonymous: false,
    scheme: SCHEME,
    accessKeyId: cred.accessKeyId,
    identity: looked.identity,
    signatureVersion: 'AWS4-HMAC-SHA256',
    authType: 'REST-HEADER',
    scope: { date: cred.date, region: cred.region, service: cred.service },
    signedAt: dated.date,
    payload: payload.info,
    ...(securityToken === undefined ? {} : { securityToken }),
    ...(streamingSigned
      ? { chunkSigning: { signingKey, amzDate: dated.amzDate, scope, seedSignature: parsed.signature } }
      : {}),
  };
  return success;
}

export const sigV4HeaderVerifier: SchemeVerifier = { schemes: [SCHEME], verify };
