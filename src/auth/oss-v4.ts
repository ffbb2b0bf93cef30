// Alibaba OSS V4 (OSS4-HMAC-SHA256), header and presigned forms.
//   Authorization: OSS4-HMAC-SHA256 Credential=AK/yyyyMMdd/<region>/oss/aliyun_v4_request,
//                  [AdditionalHeaders=a;b,]Signature=<hex>
// Canonical request: VERB, encoded "/bucket/key", canonical query, canonical headers
// (content-type, content-md5, x-oss-* and the additional headers), additional header list,
// x-oss-content-sha256 or UNSIGNED-PAYLOAD. Key chain "aliyun_v4"+secret → date → region → oss →
// aliyun_v4_request. (ali-oss lib/common/signUtils.js getCanonicalRequest / getSignatureV4,
// lib/common/object/signatureUrlV4.js.)

import { deriveSigningKey, hmacSha256, safeEqual } from './crypto.js';
import {
  CREDENTIAL_DATE_MISMATCH,
  fail,
  headerMalformed,
  missingDate,
  queryParametersError,
  requestExpired,
  requestNotYetValid,
  requestTimeTooSkewed,
  signatureDoesNotMatch,
  wrongRegionDetail,
} from './errors.js';
import { distinct } from './hmac-v1.js';
import { OSS_SUBRESOURCES, ossResourcePath } from './oss-v1.js';
import { header, headerValues, queryValues, type ParsedRequest } from './request.js';
import { buildCanonicalRequest, buildStringToSign, UNSIGNED_PAYLOAD } from './sigv4-canonical.js';
import { lookupIdentity, parseCredential, type Credential } from './sigv4-core.js';
import { isSkewed, parseAmzDate } from './time.js';
import type {
  AuthError,
  AuthResult,
  AuthScheme,
  AuthSuccess,
  ResolvedOptions,
  SchemeVerifier,
  SecretRecord,
} from './types.js';
import { compareStrings, percentDecodeBytes, uriEncode } from './uri.js';

export const OSS_V4_ALGORITHM = 'OSS4-HMAC-SHA256';
const TERMINATOR = 'aliyun_v4_request';
const PRODUCT = 'oss';
const MAX_EXPIRES = 604_800;
const MAX_AUTHORIZATION_LENGTH = 16 * 1024;
const HEADER_TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

interface Claim {
  readonly credential: string;
  readonly additionalHeaders: readonly string[];
  readonly signature: string;
}

type Parsed = { readonly claim: Claim } | { readonly detail: string };

function parseAdditional(value: string | undefined): string[] | undefined {
  if (value === undefined) return [];
  if (value === '') return undefined;
  const names = value.split(';');
  if (new Set(names).size !== names.length || names.some((n) => !HEADER_TOKEN.test(n))) return undefined;
  return names;
}

export function parseOssV4Authorization(value: string): Parsed {
  if (value.length > MAX_AUTHORIZATION_LENGTH) return { detail: 'the header is too long.' };
  if (!value.startsWith(OSS_V4_ALGORITHM + ' ')) return { detail: `only ${OSS_V4_ALGORITHM} is supported.` };
  const found = new Map<string, string>();
  for (const rawPart of value.slice(OSS_V4_ALGORITHM.length + 1).split(',')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (eq < 0 || !['Credential', 'AdditionalHeaders', 'Signature'].includes(key)) {
      return { detail: `unknown field "${part.slice(0, 64)}".` };
    }
    if (found.has(key)) return { detail: `field "${key}" appears more than once.` };
    found.set(key, part.slice(eq + 1).trim());
  }
  const credential = found.get('Credential');
  const signature = found.get('Signature');
  if (credential === undefined || credential === '') return { detail: 'the Credential field is missing.' };
  if (signature === undefined || signature === '')
    return { detail: 'the Signature field is missing or empty.' };
  const additionalHeaders = parseAdditional(found.get('AdditionalHeaders'));
  if (additionalHeaders === undefined) return { detail: 'the AdditionalHeaders field is malformed.' };
  return { claim: { credential, additionalHeaders, signature } };
}

function checkCredential(
  cred: Credential | undefined,
  options: ResolvedOptions,
  fault: (d: string) => AuthError,
) {
  if (cred === undefined) {
    return fault(
      'the Credential is malformed; expecting "<AccessKeyId>/<SignDate>/<SignRegion>/oss/aliyun_v4_request".',
    );
  }
  if (cred.service !== PRODUCT)
    return fault(`the product "${cred.service}" is wrong; expecting "${PRODUCT}".`);
  if (cred.terminal !== TERMINATOR)
    return fault(`the terminal "${cred.terminal}" is wrong; expecting "${TERMINATOR}".`);
  if (options.ossRegion !== undefined && cred.region !== options.ossRegion) {
    return fault(wrongRegionDetail(cred.region, options.ossRegion));
  }
  return undefined;
}

/** content-type, content-md5 and x-oss-* always; the additional headers on request. Values are
 *  trimmed, not folded (ali-oss getCanonicalRequest). */
function canonicalHeaders(
  req: ParsedRequest,
  additional: readonly string[],
): Array<readonly [string, string]> {
  const names = new Set<string>(additional);
  for (const name of req.headerNames) {
    if (name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-')) names.add(name);
  }
  return [...names]
    .sort(compareStrings)
    .map((name) => [name, (headerValues(req, name) ?? []).map((v) => v.trim()).join(',')] as const);
}

/** Candidate canonical query strings. A parameter sent as `key=` is signed as bare `key` when
 *  ali-oss passed it as a sub-resource (createRequest maps '' to null) but as `key=` when it was
 *  an ordinary query parameter, and ali-oss sorts raw keys with localeCompare. The server cannot
 *  tell which was meant, so it tries: sub-resources bare / all bare / none bare, in byte order
 *  and in locale order. */
function canonicalQueries(req: ParsedRequest, exclude: string | undefined): string[] {
  const params = req.query.filter((p) => exclude === undefined || p.key.toLowerCase() !== exclude);
  const encoded = params.map((p) => ({
    rawKey: p.key,
    key: uriEncode(percentDecodeBytes(p.rawKey)),
    value: p.rawValue === undefined ? undefined : uriEncode(percentDecodeBytes(p.rawValue)),
  }));
  const byBytes = [...encoded].sort(
    (a, b) => compareStrings(a.key, b.key) || compareStrings(a.value ?? '', b.value ?? ''),
  );
  const byLocale = [...encoded].sort((a, b) => a.rawKey.localeCompare(b.rawKey));
  type Bare = (p: (typeof encoded)[number]) => boolean;
  const render = (list: typeof encoded, bare: Bare) =>
    list
      .map((p) => (p.value === undefined || (p.value === '' && bare(p)) ? p.key : `${p.key}=${p.value}`))
      .join('&');
  const subresource: Bare = (p) => OSS_SUBRESOURCES.has(p.rawKey);
  const all: Bare = () => true;
  const none: Bare = () => false;
  const forms: string[] = [];
  for (const list of [byBytes, byLocale])
    for (const bare of [subresource, all, none]) forms.push(render(list, bare));
  return distinct(forms);
}

async function verify<I extends SecretRecord>(
  req: ParsedRequest,
  options: ResolvedOptions<I>,
): Promise<AuthResult<I>> {
  const authorization = header(req, 'authorization')?.trim() ?? '';
  const isQuery = authorization === '';
  const scheme: AuthScheme = isQuery ? 'oss-v4-query' : 'oss-v4-header';
  let claim: Claim;
  let amzDate: string;
  let signedAt: Date;
  let expiresAt: Date | undefined;
  let securityToken: string | undefined;
  let cred: Credential | undefined;

  if (isQuery) {
    const names = [
      'x-oss-signature-version',
      'x-oss-credential',
      'x-oss-date',
      'x-oss-expires',
      'x-oss-signature',
      'x-oss-additional-headers',
      'x-oss-security-token',
    ] as const;
    const v: Partial<Record<(typeof names)[number], string>> = {};
    for (const name of names) {
      const found = queryValues(req, name, true);
      if (found.length > 1)
        return fail(queryParametersError('oss', `${name} must appear only once.`), scheme);
      if (found[0] !== undefined) v[name] = found[0].value;
    }
    const bad = (message: string) => fail(queryParametersError('oss', message), scheme, cred?.accessKeyId);
    if (v['x-oss-signature-version'] !== OSS_V4_ALGORITHM)
      return bad(`x-oss-signature-version must be ${OSS_V4_ALGORITHM}.`);
    for (const name of ['x-oss-credential', 'x-oss-date', 'x-oss-expires', 'x-oss-signature'] as const) {
      if (v[name] === undefined || v[name] === '') return bad(`The ${name} parameter is required.`);
    }
    const additional = parseAdditional(v['x-oss-additional-headers']);
    if (additional === undefined) return bad('x-oss-additional-headers is malformed.');
    claim = {
      credential: v['x-oss-credential'] as string,
      additionalHeaders: additional,
      signature: v['x-oss-signature'] as string,
    };
    cred = parseCredential(claim.credential);
    const credError = checkCredential(cred, options, (d) =>
      queryParametersError('oss', `Error parsing x-oss-credential: ${d}`),
    );
    if (credError) return fail(credError, scheme, cred?.accessKeyId);
    amzDate = v['x-oss-date'] as string;
    const parsedDate = parseAmzDate(amzDate);
    if (parsedDate === undefined)
      return bad(`x-oss-date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
    signedAt = parsedDate;
    const expiresText = v['x-oss-expires'] as string;
    if (!/^\d{1,12}$/.test(expiresText)) return bad('x-oss-expires must be a non-negative number.');
    const expiresIn = Number(expiresText);
    if (expiresIn > MAX_EXPIRES) return bad(`x-oss-expires must be at most ${MAX_EXPIRES} seconds.`);
    expiresAt = new Date(signedAt.getTime() + expiresIn * 1000);
    if (signedAt.getTime() - req.now > options.maxSkewMs) {
      return fail(requestNotYetValid('oss', signedAt, expiresAt, req.now), scheme, cred?.accessKeyId);
    }
    if (req.now > expiresAt.getTime())
      return fail(requestExpired('oss', expiresAt, req.now), scheme, cred?.accessKeyId);
    securityToken = v['x-oss-security-token'];
  } else {
    const parsed = parseOssV4Authorization(authorization);
    if ('detail' in parsed) return fail(headerMalformed('oss', parsed.detail), scheme);
    claim = parsed.claim;
    cred = parseCredential(claim.credential);
    const credError = checkCredential(cred, options, (d) => headerMalformed('oss', d));
    if (credError) return fail(credError, scheme, cred?.accessKeyId);
    const rawDate = header(req, 'x-oss-date')?.trim();
    const parsedDate = rawDate === undefined ? undefined : parseAmzDate(rawDate);
    if (rawDate === undefined || parsedDate === undefined)
      return fail(missingDate('oss'), scheme, cred?.accessKeyId);
    amzDate = rawDate;
    signedAt = parsedDate;
    if (isSkewed(signedAt, req.now, options.maxSkewMs)) {
      return fail(
        requestTimeTooSkewed('oss', rawDate, signedAt, req.now, options.maxSkewMs),
        scheme,
        cred?.accessKeyId,
      );
    }
    securityToken = header(req, 'x-oss-security-token');
  }
  const credential = cred as Credential;
  if (credential.date !== amzDate.slice(0, 8)) {
    const error = isQuery
      ? queryParametersError('oss', CREDENTIAL_DATE_MISMATCH)
      : headerMalformed('oss', CREDENTIAL_DATE_MISMATCH);
    return fail(error, scheme, credential.accessKeyId);
  }
  for (const name of claim.additionalHeaders) {
    if (headerValues(req, name) === undefined) {
      return fail(
        headerMalformed('oss', `the additional header "${name}" is not in the request.`),
        scheme,
        credential.accessKeyId,
      );
    }
  }

  const declared = header(req, 'x-oss-content-sha256')?.trim();
  const payloadHash = isQuery ? UNSIGNED_PAYLOAD : (declared ?? UNSIGNED_PAYLOAD);
  const hex = /^[0-9a-fA-F]{64}$/.test(payloadHash);

  const looked = await lookupIdentity(options, credential.accessKeyId, scheme, securityToken, 'oss');
  if ('failure' in looked) return looked.failure;

  const signingKey = deriveSigningKey(
    looked.identity.secretAccessKey,
    credential.date,
    credential.region,
    PRODUCT,
    'aliyun_v4',
    TERMINATOR,
  );
  const scope = `${credential.date}/${credential.region}/${PRODUCT}/${TERMINATOR}`;
  const canonicalUri = uriEncode(ossResourcePath(req.raw.path, req.raw.virtualHostBucket), true);
  const headers = canonicalHeaders(req, claim.additionalHeaders);
  let report: { canonicalRequest: string; stringToSign: string } | undefined;
  for (const canonicalQuery of canonicalQueries(req, isQuery ? 'x-oss-signature' : undefined)) {
    const canonicalRequest = buildCanonicalRequest({
      method: req.method,
      canonicalUri,
      canonicalQuery,
      headers,
      signedHeaders: claim.additionalHeaders.join(';'),
      payloadHash,
    });
    const stringToSign = buildStringToSign(OSS_V4_ALGORITHM, amzDate, scope, canonicalRequest);
    report ??= { canonicalRequest, stringToSign };
    if (safeEqual(hmacSha256(signingKey, stringToSign).toString('hex'), claim.signature)) {
      const success: AuthSuccess<I> = {
        ok: true,
        anonymous: false,
        scheme,
        accessKeyId: credential.accessKeyId,
        identity: looked.identity,
        signatureVersion: 'OSS4-HMAC-SHA256',
        authType: isQuery ? 'REST-QUERY-STRING' : 'REST-HEADER',
        scope: { date: credential.date, region: credential.region, service: PRODUCT },
        signedAt,
        payload: hex ? { mode: 'sha256', sha256: payloadHash.toLowerCase() } : { mode: 'unsigned' },
        ...(expiresAt === undefined ? {} : { expiresAt }),
        ...(securityToken === undefined ? {} : { securityToken }),
      };
      return success;
    }
  }
  const reported = report as { canonicalRequest: string; stringToSign: string };
  return fail(
    signatureDoesNotMatch('oss', {
      accessKeyId: credential.accessKeyId,
      stringToSign: reported.stringToSign,
      signatureProvided: claim.signature,
      canonicalRequest: reported.canonicalRequest,
    }),
    scheme,
    credential.accessKeyId,
  );
}

export const ossV4Verifier: SchemeVerifier = { schemes: ['oss-v4-header', 'oss-v4-query'], verify };
