// AWS Signature Version 2 for S3: `Authorization: AWS AKID:base64(HMAC-SHA1(secret, StringToSign))`
// or the query form `AWSAccessKeyId`, `Expires`, `Signature`. The canonical resource is the path as
// sent, prefixed with the virtual-host bucket, plus the sub-resources below.

import { hmacSha1Base64, safeEqual } from './crypto.js';
import {
  fail,
  invalidEpochExpires,
  missingDate,
  requestExpired,
  requestTimeTooSkewed,
  sigV2HeaderInvalid,
  sigV2QueryIncomplete,
  signatureDoesNotMatch,
} from './errors.js';
import {
  canonicalPrefixedHeaders,
  distinct,
  subresourceSuffix,
  v1StringToSign,
  v1Success,
} from './hmac-v1.js';
import { header, queryValues, type ParsedRequest } from './request.js';
import { lookupIdentity } from './sigv4-core.js';
import { isSkewed, parseHttpDate } from './time.js';
import type { AuthResult, AuthScheme, ResolvedOptions, SchemeVerifier, SecretRecord } from './types.js';

/** Query parameters that are part of the SigV2 canonical resource: botocore's QSAOfInterest plus
 *  the S3 REST authentication docs' list. */
export const SIGV2_SUBRESOURCES: ReadonlySet<string> = new Set([
  'accelerate',
  'acl',
  'analytics',
  'cors',
  'defaultObjectAcl',
  'delete',
  'inventory',
  'lifecycle',
  'location',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'partNumber',
  'policy',
  'replication',
  'requestPayment',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'select',
  'select-type',
  'storageClass',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
]);

const MAX_AUTHORIZATION_LENGTH = 16 * 1024;

interface Claim {
  readonly scheme: AuthScheme;
  readonly accessKeyId: string;
  readonly signature: string;
}

function parseHeader(req: ParsedRequest): Claim | undefined {
  const value = header(req, 'authorization')?.trim() ?? '';
  if (value.length > MAX_AUTHORIZATION_LENGTH || !value.startsWith('AWS ')) return undefined;
  const rest = value.slice(4).trim();
  const colon = rest.lastIndexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  const accessKeyId = rest.slice(0, colon);
  const signature = rest.slice(colon + 1);
  if (/\s/.test(accessKeyId) || /\s/.test(signature)) return undefined;
  return { scheme: 'sigv2-header', accessKeyId, signature };
}

/** The canonical resource: "/bucket" (virtual-hosted) + raw path + sub-resources. */
function resources(req: ParsedRequest): string[] {
  const bucket = req.raw.virtualHostBucket;
  const path = req.raw.path === '' ? '/' : req.raw.path;
  const base = (bucket === undefined || bucket === '' ? '' : `/${bucket}`) + path;
  return distinct([
    base + subresourceSuffix(req.query, SIGV2_SUBRESOURCES, false),
    base + subresourceSuffix(req.query, SIGV2_SUBRESOURCES, true),
  ]);
}

async function verify<I extends SecretRecord>(
  req: ParsedRequest,
  options: ResolvedOptions<I>,
): Promise<AuthResult<I>> {
  const isQuery = (header(req, 'authorization')?.trim() ?? '') === '';
  const scheme: AuthScheme = isQuery ? 'sigv2-query' : 'sigv2-header';
  let claim: Claim;
  let dateSlots: Array<{ readonly date: string; readonly dropAmzDate: boolean }>;
  let expiresAt: Date | undefined;
  let signedAt: Date | undefined;

  if (isQuery) {
    const akid = queryValues(req, 'AWSAccessKeyId');
    const sig = queryValues(req, 'Signature');
    const expires = queryValues(req, 'Expires');
    if (akid.length !== 1 || sig.length !== 1 || expires.length !== 1)
      return fail(sigV2QueryIncomplete(), scheme);
    const [a, s, e] = [akid[0]?.value ?? '', sig[0]?.value ?? '', expires[0]?.value ?? ''];
    if (a === '' || s === '') return fail(sigV2QueryIncomplete(), scheme);
    claim = { scheme, accessKeyId: a, signature: s };
    if (!/^\d{1,12}$/.test(e)) return fail(invalidEpochExpires('s3', e), scheme, a);
    expiresAt = new Date(Number(e) * 1000);
    if (req.now > expiresAt.getTime()) return fail(requestExpired('s3', expiresAt, req.now), scheme, a);
    dateSlots = [{ date: e, dropAmzDate: false }];
  } else {
    const parsed = parseHeader(req);
    if (parsed === undefined) return fail(sigV2HeaderInvalid(header(req, 'authorization') ?? ''), scheme);
    claim = parsed;
    const amzDate = header(req, 'x-amz-date')?.trim();
    const date = header(req, 'date')?.trim();
    const raw = amzDate ?? date;
    signedAt = raw === undefined ? undefined : parseHttpDate(raw);
    if (raw === undefined || signedAt === undefined)
      return fail(missingDate('s3'), scheme, claim.accessKeyId);
    if (isSkewed(signedAt, req.now, options.maxSkewMs)) {
      return fail(
        requestTimeTooSkewed('s3', raw, signedAt, req.now, options.maxSkewMs),
        scheme,
        claim.accessKeyId,
      );
    }
    // With x-amz-date the AWS REST docs are of two minds: the rule says the Date line stays empty,
    // the worked DELETE example (lx3byBSc...) puts the x-amz-date value there and leaves the header
    // out of the x-amz-* block. Clients followed either, or kept signing their Date header.
    dateSlots =
      amzDate === undefined
        ? [{ date: date ?? '', dropAmzDate: false }]
        : [
            { date: amzDate, dropAmzDate: true },
            { date: '', dropAmzDate: false },
            { date: date ?? '', dropAmzDate: false },
            { date: amzDate, dropAmzDate: false },
          ];
  }

  const securityToken =
    header(req, 'x-amz-security-token') ?? queryValues(req, 'x-amz-security-token', true)[0]?.value;
  const looked = await lookupIdentity(options, claim.accessKeyId, scheme, securityToken, 's3');
  if ('failure' in looked) return looked.failure;

  const amzFromQuery = isQuery ? req.query : [];
  const prefixed = canonicalPrefixedHeaders(req, 'x-amz-', amzFromQuery);
  const withoutAmzDate = prefixed.replace(/^x-amz-date:.*\n/m, '');
  const queryParam = (name: string) => (isQuery ? queryValues(req, name, true)[0]?.value : undefined);
  const contentMd5 = header(req, 'content-md5')?.trim() ?? queryParam('content-md5') ?? '';
  const contentType = header(req, 'content-type')?.trim() ?? queryParam('content-type') ?? '';
  let reported: string | undefined;
  const tried = new Set<string>();
  for (const resource of resources(req)) {
    for (const slot of dateSlots) {
      const stringToSign = v1StringToSign({
        method: req.method,
        contentMd5,
        contentType,
        date: slot.date,
        prefixedHeaders: slot.dropAmzDate ? withoutAmzDate : prefixed,
        resource,
      });
      if (tried.has(stringToSign)) continue;
      tried.add(stringToSign);
      reported ??= stringToSign;
      if (safeEqual(hmacSha1Base64(looked.identity.secretAccessKey, stringToSign), claim.signature)) {
        return v1Success({
          scheme,
          accessKeyId: claim.accessKeyId,
          identity: looked.identity,
          signatureVersion: 'AWS',
          isQuery,
          signedAt,
          expiresAt,
          securityToken,
        });
      }
    }
  }
  return fail(
    signatureDoesNotMatch('s3', {
      accessKeyId: claim.accessKeyId,
      stringToSign: reported as string,
      signatureProvided: claim.signature,
    }),
    scheme,
    claim.accessKeyId,
  );
}

export const sigV2Verifier: SchemeVerifier = { schemes: ['sigv2-header', 'sigv2-query'], verify };
