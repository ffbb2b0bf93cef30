// Alibaba OSS V1: `Authorization: OSS AKID:base64(HMAC-SHA1(secret, StringToSign))`, or presigned
// `OSSAccessKeyId`, `Expires`, `Signature` (+ `security-token`). The resource is always
// "/bucket/key" with the key *decoded*, and "/bucket/" for the bucket itself (ali-oss
// lib/common/signUtils.js buildCanonicalString, lib/client.js _getResource).

import { hmacSha1Base64, safeEqual } from './crypto.js';
import {
  fail,
  headerMalformed,
  invalidEpochExpires,
  missingDate,
  ossQueryIncomplete,
  requestExpired,
  requestTimeTooSkewed,
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
import { percentDecode } from './uri.js';

/** The sub-resources signed in the V1 resource (aliyun-oss-go-sdk oss/conn.go signKeyList). */
export const OSS_SUBRESOURCES: ReadonlySet<string> = new Set([
  'acl',
  'uploads',
  'location',
  'cors',
  'logging',
  'website',
  'referer',
  'lifecycle',
  'delete',
  'append',
  'tagging',
  'objectMeta',
  'uploadId',
  'partNumber',
  'security-token',
  'position',
  'img',
  'style',
  'styleName',
  'replication',
  'replicationProgress',
  'replicationLocation',
  'cname',
  'bucketInfo',
  'comp',
  'qos',
  'live',
  'status',
  'vod',
  'startTime',
  'endTime',
  'symlink',
  'x-oss-process',
  'response-content-type',
  'x-oss-traffic-limit',
  'response-content-language',
  'response-expires',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'udf',
  'udfName',
  'udfImage',
  'udfId',
  'udfImageDesc',
  'udfApplication',
  'udfApplicationLog',
  'restore',
  'callback',
  'callback-var',
  'qosInfo',
  'policy',
  'stat',
  'encryption',
  'versions',
  'versioning',
  'versionId',
  'requestPayment',
  'x-oss-request-payer',
  'sequential',
  'inventory',
  'inventoryId',
  'continuation-token',
  'asyncFetch',
  'worm',
  'wormId',
  'wormExtend',
  'withHashContext',
  'x-oss-enable-md5',
  'x-oss-enable-sha1',
  'x-oss-enable-sha256',
  'x-oss-hash-ctx',
  'x-oss-md5-ctx',
  'transferAcceleration',
  'regionList',
  'cloudboxes',
  'x-oss-ac-source-ip',
  'x-oss-ac-subnet-mask',
  'x-oss-ac-vpc-id',
  'x-oss-ac-forward-allow',
  'metaQuery',
  'resourceGroup',
  'rtc',
]);

const MAX_AUTHORIZATION_LENGTH = 16 * 1024;

/** "/bucket/key" from the virtual-host bucket or the first path segment; "/" with no bucket. */
export function ossResourcePath(rawPath: string, virtualHostBucket: string | undefined): string {
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (virtualHostBucket !== undefined && virtualHostBucket !== '') {
    return `/${virtualHostBucket}/${percentDecode(path)}`;
  }
  if (path === '') return '/';
  const slash = path.indexOf('/');
  const bucket = slash < 0 ? path : path.slice(0, slash);
  const key = slash < 0 ? '' : path.slice(slash + 1);
  return `/${percentDecode(bucket)}/${percentDecode(key)}`;
}

interface Claim {
  readonly accessKeyId: string;
  readonly signature: string;
}

function parseHeader(value: string): Claim | undefined {
  if (value.length > MAX_AUTHORIZATION_LENGTH || !value.startsWith('OSS ')) return undefined;
  const rest = value.slice(4).trim();
  const colon = rest.lastIndexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  const accessKeyId = rest.slice(0, colon);
  const signature = rest.slice(colon + 1);
  if (/\s/.test(accessKeyId) || /\s/.test(signature)) return undefined;
  return { accessKeyId, signature };
}

async function verify<I extends SecretRecord>(
  req: ParsedRequest,
  options: ResolvedOptions<I>,
): Promise<AuthResult<I>> {
  const authorization = header(req, 'authorization')?.trim() ?? '';
  const isQuery = authorization === '';
  const scheme: AuthScheme = isQuery ? 'oss-v1-query' : 'oss-v1-header';
  let claim: Claim;
  let dateSlots: string[];
  let expiresAt: Date | undefined;
  let signedAt: Date | undefined;
  let securityToken: string | undefined;

  if (isQuery) {
    const akid = queryValues(req, 'OSSAccessKeyId');
    const sig = queryValues(req, 'Signature');
    const expires = queryValues(req, 'Expires');
    if (akid.length !== 1 || sig.length !== 1 || expires.length !== 1)
      return fail(ossQueryIncomplete(), scheme);
    const [a, s, e] = [akid[0]?.value ?? '', sig[0]?.value ?? '', expires[0]?.value ?? ''];
    if (a === '' || s === '') return fail(ossQueryIncomplete(), scheme);
    claim = { accessKeyId: a, signature: s };
    if (!/^\d{1,12}$/.test(e)) return fail(invalidEpochExpires('oss', e), scheme, a);
    expiresAt = new Date(Number(e) * 1000);
    if (req.now > expiresAt.getTime()) return fail(requestExpired('oss', expiresAt, req.now), scheme, a);
    dateSlots = [e];
    securityToken = queryValues(req, 'security-token')[0]?.value;
  } else {
    const parsed = parseHeader(authorization);
    if (parsed === undefined) {
      return fail(headerMalformed('oss', 'expected "OSS AccessKeyId:Signature".'), scheme);
    }
    claim = parsed;
    const ossDate = header(req, 'x-oss-date')?.trim();
    const date = header(req, 'date')?.trim();
    const raw = ossDate ?? date;
    signedAt = raw === undefined ? undefined : parseHttpDate(raw);
    if (raw === undefined || signedAt === undefined)
      return fail(missingDate('oss'), scheme, claim.accessKeyId);
    if (isSkewed(signedAt, req.now, options.maxSkewMs)) {
      return fail(
        requestTimeTooSkewed('oss', raw, signedAt, req.now, options.maxSkewMs),
        scheme,
        claim.accessKeyId,
      );
    }
    // ali-oss sends no Date header and signs x-oss-date in the Date slot; other SDKs sign Date.
    dateSlots = distinct([date ?? ossDate ?? '', ossDate ?? '']);
    securityToken = header(req, 'x-oss-security-token');
  }

  const looked = await lookupIdentity(options, claim.accessKeyId, scheme, securityToken, 'oss');
  if ('failure' in looked) return looked.failure;

  const base = ossResourcePath(req.raw.path, req.raw.virtualHostBucket);
  const resources = distinct([
    base + subresourceSuffix(req.query, OSS_SUBRESOURCES, true),
    base + subresourceSuffix(req.query, OSS_SUBRESOURCES, false),
  ]);
  const prefixed = canonicalPrefixedHeaders(req, 'x-oss-');
  const contentMd5 = header(req, 'content-md5')?.trim() ?? '';
  const contentType = header(req, 'content-type')?.trim() ?? '';
  let reported: string | undefined;
  for (const resource of resources) {
    for (const date of dateSlots) {
      const stringToSign = v1StringToSign({
        method: req.method,
        contentMd5,
        contentType,
        date,
        prefixedHeaders: prefixed,
        resource,
      });
      reported ??= stringToSign;
      if (safeEqual(hmacSha1Base64(looked.identity.secretAccessKey, stringToSign), claim.signature)) {
        return v1Success({
          scheme,
          accessKeyId: claim.accessKeyId,
          identity: looked.identity,
          signatureVersion: 'OSS',
          isQuery,
          signedAt,
          expiresAt,
          securityToken,
        });
      }
    }
  }
  return fail(
    signatureDoesNotMatch('oss', {
      accessKeyId: claim.accessKeyId,
      stringToSign: reported as string,
      signatureProvided: claim.signature,
    }),
    scheme,
    claim.accessKeyId,
  );
}

export const ossV1Verifier: SchemeVerifier = { schemes: ['oss-v1-header', 'oss-v1-query'], verify };
