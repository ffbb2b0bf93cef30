// One test-side signer per scheme, so a single conformance suite can drive every verifier.
// SigV4 uses src/auth/sign.ts (itself pinned by the AWS vectors); SigV2 is written out from the
// AWS REST authentication docs; both OSS schemes use ali-oss's own lib/common/signUtils.js.

import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { presignV4, signV4 } from '../../src/auth/sign.js';
import { formatAmzDate } from '../../src/auth/time.js';
import type { AuthScheme, ErrorDialect, SignedRequest } from '../../src/auth/types.js';
import { parseQuery, percentDecode, uriEncode } from '../../src/auth/uri.js';

export interface SignInput {
  readonly method: string;
  /** Path-style, encoded: /bucket/key */
  readonly path: string;
  /** Raw query without auth parameters. */
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly accessKeyId: string;
  readonly secret: string;
  readonly token?: string;
  readonly at: Date;
}

export interface SchemeSigner {
  readonly scheme: AuthScheme;
  readonly kind: 'header' | 'query';
  readonly dialect: ErrorDialect;
  sign(input: SignInput): SignedRequest;
}

interface SignUtils {
  buildCanonicalString(
    method: string,
    resource: string,
    request: { headers: Record<string, string>; parameters?: Record<string, string> },
    expires?: string,
  ): string;
  computeSignature(secret: string, canonical: string): string;
  authorizationV4(
    accessKeyId: string,
    secret: string,
    region: string,
    method: string,
    request: { headers: Record<string, string>; queries: Record<string, string | null> },
    bucket?: string,
    object?: string,
    additionalHeaders?: string[],
  ): string;
  getCanonicalRequest(
    method: string,
    request: { headers: Record<string, string>; queries: Record<string, string | null> },
    bucket?: string,
    object?: string,
    additionalHeaders?: string[],
  ): string;
  getStringToSign(region: string, date: string, canonicalRequest: string): string;
  getSignatureV4(secret: string, date: string, region: string, stringToSign: string): string;
  _signatureForURL(
    secret: string,
    options: Record<string, unknown>,
    resource: string,
    expires: number,
  ): { Signature: string; subResource: Record<string, string> };
}

const require = createRequire(import.meta.url);
const signUtils = require('ali-oss/lib/common/signUtils.js') as SignUtils;

const HOST = 'localhost:9000';
const EXPIRES_IN = 300;

function base(input: SignInput, extra: Partial<SignedRequest>): SignedRequest {
  return {
    method: input.method,
    path: input.path,
    query: input.query,
    headers: { host: HOST, ...input.headers },
    clock: () => input.at.getTime(),
    ...extra,
  };
}

function join(query: string, added: string): string {
  return query === '' ? added : `${query}&${added}`;
}

/** bucket and decoded key of a path-style path. */
function split(path: string): { bucket: string; key: string } {
  const [bucket = '', ...rest] = path.slice(1).split('/');
  return { bucket: percentDecode(bucket), key: percentDecode(rest.join('/')) };
}

function queryObject(query: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const p of parseQuery(query)) out[p.key] = p.rawValue === undefined ? null : p.value;
  return out;
}

const SIGV2_SUB = new Set(['acl', 'versionId', 'uploads', 'uploadId', 'partNumber', 'tagging', 'delete']);

function sigV2StringToSign(input: SignInput, date: string, amz: Record<string, string>): string {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers)) lower[k.toLowerCase()] = v;
  for (const [k, v] of Object.entries(amz)) lower[k] = v;
  const amzLines = Object.keys(lower)
    .filter((k) => k.startsWith('x-amz-'))
    .sort()
    .map((k) => `${k}:${lower[k]}\n`)
    .join('');
  const sub = parseQuery(input.query)
    .filter((p) => SIGV2_SUB.has(p.key))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((p) => (p.rawValue === undefined ? p.key : `${p.key}=${p.value}`));
  const resource = input.path + (sub.length > 0 ? '?' + sub.join('&') : '');
  return `${input.method}\n${lower['content-md5'] ?? ''}\n${lower['content-type'] ?? ''}\n${date}\n${amzLines}${resource}`;
}

export const SCHEME_SIGNERS: readonly SchemeSigner[] = [
  {
    scheme: 'sigv4-header',
    kind: 'header',
    dialect: 's3',
    sign(input) {
      const signed = signV4({
        method: input.method,
        url: `http://${HOST}${input.path}${input.query === '' ? '' : '?' + input.query}`,
        headers: input.headers,
        credentials: {
          accessKeyId: input.accessKeyId,
          secretAccessKey: input.secret,
          ...(input.token ? { sessionToken: input.token } : {}),
        },
        service: 's3',
        date: input.at,
        payloadHash: 'UNSIGNED-PAYLOAD',
      });
      return base(input, { headers: signed.headers });
    },
  },
  {
    scheme: 'sigv4-query',
    kind: 'query',
    dialect: 's3',
    sign(input) {
      const { url } = presignV4({
        method: input.method,
        url: `http://${HOST}${input.path}${input.query === '' ? '' : '?' + input.query}`,
        headers: input.headers,
        credentials: {
          accessKeyId: input.accessKeyId,
          secretAccessKey: input.secret,
          ...(input.token ? { sessionToken: input.token } : {}),
        },
        service: 's3',
        date: input.at,
        expiresIn: EXPIRES_IN,
      });
      const u = new URL(url);
      return base(input, { query: u.search.slice(1) });
    },
  },
  {
    scheme: 'sigv2-header',
    kind: 'header',
    dialect: 's3',
    sign(input) {
      const date = input.at.toUTCString();
      const amz: Record<string, string> = input.token ? { 'x-amz-security-token': input.token } : {};
      const sig = createHmac('sha1', input.secret)
        .update(sigV2StringToSign(input, date, amz))
        .digest('base64');
      return base(input, {
        headers: {
          host: HOST,
          ...input.headers,
          ...amz,
          date,
          authorization: `AWS ${input.accessKeyId}:${sig}`,
        },
      });
    },
  },
  {
    scheme: 'sigv2-query',
    kind: 'query',
    dialect: 's3',
    sign(input) {
      const expires = String(Math.floor(input.at.getTime() / 1000) + EXPIRES_IN);
      const amz: Record<string, string> = input.token ? { 'x-amz-security-token': input.token } : {};
      const sig = createHmac('sha1', input.secret)
        .update(sigV2StringToSign(input, expires, amz))
        .digest('base64');
      let added = `AWSAccessKeyId=${uriEncode(input.accessKeyId)}&Expires=${expires}&Signature=${uriEncode(sig)}`;
      if (input.token) added += `&x-amz-security-token=${uriEncode(input.token)}`;
      return base(input, { query: join(input.query, added) });
    },
  },
  {
    scheme: 'oss-v1-header',
    kind: 'header',
    dialect: 'oss',
    sign(input) {
      const headers: Record<string, string> = { ...input.headers, 'x-oss-date': input.at.toUTCString() };
      if (input.token) headers['x-oss-security-token'] = input.token;
      const { bucket, key } = split(input.path);
      const subres = queryObject(input.query);
      const parameters: Record<string, string> = {};
      for (const [k, v] of Object.entries(subres)) parameters[k] = v ?? '';
      const canonical = signUtils.buildCanonicalString(input.method, `/${bucket}/${key}`, {
        headers,
        parameters,
      });
      const sig = signUtils.computeSignature(input.secret, canonical);
      return base(input, {
        headers: { host: HOST, ...headers, authorization: `OSS ${input.accessKeyId}:${sig}` },
      });
    },
  },
  {
    scheme: 'oss-v1-query',
    kind: 'query',
    dialect: 'oss',
    sign(input) {
      const { bucket, key } = split(input.path);
      const expires = Math.floor(input.at.getTime() / 1000) + EXPIRES_IN;
      const subResource: Record<string, string> = {};
      for (const [k, v] of Object.entries(queryObject(input.query))) subResource[k] = v ?? '';
      const opts: Record<string, unknown> = { method: input.method, subResource };
      for (const [k, v] of Object.entries(input.headers)) opts[k] = v;
      if (input.token) opts['security-token'] = input.token;
      const signed = signUtils._signatureForURL(input.secret, opts, `/${bucket}/${key}`, expires);
      let added = `OSSAccessKeyId=${uriEncode(input.accessKeyId)}&Expires=${expires}&Signature=${uriEncode(signed.Signature)}`;
      if (input.token) added += `&security-token=${uriEncode(input.token)}`;
      return base(input, { query: join(input.query, added) });
    },
  },
  {
    scheme: 'oss-v4-header',
    kind: 'header',
    dialect: 'oss',
    sign(input) {
      const headers: Record<string, string> = {
        ...input.headers,
        'x-oss-date': formatAmzDate(input.at),
        'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
      };
      if (input.token) headers['x-oss-security-token'] = input.token;
      const { bucket, key } = split(input.path);
      const authorization = signUtils.authorizationV4(
        input.accessKeyId,
        input.secret,
        'cn-hangzhou',
        input.method,
        { headers, queries: queryObject(input.query) },
        bucket,
        key,
        [],
      );
      return base(input, { headers: { host: HOST, ...headers, authorization } });
    },
  },
  {
    scheme: 'oss-v4-query',
    kind: 'query',
    dialect: 'oss',
    sign(input) {
      const { bucket, key } = split(input.path);
      const date = formatAmzDate(input.at);
      const queries: Record<string, string | null> = {
        ...queryObject(input.query),
        'x-oss-credential': `${input.accessKeyId}/${date.slice(0, 8)}/cn-hangzhou/oss/aliyun_v4_request`,
        'x-oss-date': date,
        'x-oss-expires': String(EXPIRES_IN),
        'x-oss-signature-version': 'OSS4-HMAC-SHA256',
      };
      if (input.token) queries['x-oss-security-token'] = input.token;
      const canonical = signUtils.getCanonicalRequest(
        input.method,
        { headers: { ...input.headers }, queries },
        bucket,
        key,
        [],
      );
      const sts = signUtils.getStringToSign('cn-hangzhou', date, canonical);
      const signature = signUtils.getSignatureV4(input.secret, date.slice(0, 8), 'cn-hangzhou', sts);
      const query = Object.entries({ ...queries, 'x-oss-signature': signature })
        .map(([k, v]) => (v === null ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`))
        .join('&');
      return base(input, { query });
    },
  },
];
