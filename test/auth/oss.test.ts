// Alibaba OSS V1 and V4, signed by ali-oss itself: its createRequest (the headers and URL the
// client puts on the wire), signatureUrl (V1 presign) and signatureUrlV4.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { SignedRequest } from '../../src/auth/types.js';
import { verifyRequest } from '../../src/auth/verify.js';
import { assertFails, assertOk, keyStore } from './helpers.js';

interface AliOssOptions {
  region: string;
  accessKeyId: string;
  accessKeySecret: string;
  endpoint: string;
  sldEnable?: boolean;
  bucket?: string;
  authorizationV4?: boolean;
  stsToken?: string;
}
interface AliOssClient {
  signatureUrl(name: string, options?: Record<string, unknown>): string;
  signatureUrlV4(
    method: string,
    expires: number,
    request?: { headers?: Record<string, string>; queries?: Record<string, string | null> },
    objectName?: string,
    additionalHeaders?: string[],
  ): Promise<string>;
}
interface AliRequestParams {
  method: string;
  bucket?: string;
  object?: string;
  subres?: string | Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  content?: Buffer;
  mime?: string;
  additionalHeaders?: string[];
}
interface AliRequest {
  url: string;
  params: { headers: Record<string, string | number> };
}

const require = createRequire(import.meta.url);
const OSS = require('ali-oss') as new (o: AliOssOptions) => AliOssClient;
const { createRequest } = require('ali-oss/lib/common/utils/createRequest') as {
  createRequest: (this: AliOssClient, params: AliRequestParams) => AliRequest;
};

const AK = 'LTAI5tExampleKey';
const SK = 'ExampleSecretExampleSecret0123';
const lookup = keyStore({ [AK]: SK });
const options = { lookup };

// ali-oss warns on stdout about refreshing STS tokens; keep the test output clean.
const quiet = <T>(fn: () => T): T => {
  const log = console.warn;
  console.warn = () => undefined;
  try {
    return fn();
  } finally {
    console.warn = log;
  }
};

function client(extra: Partial<AliOssOptions> = {}): AliOssClient {
  return quiet(
    () =>
      new OSS({
        region: 'oss-cn-hangzhou',
        accessKeyId: AK,
        accessKeySecret: SK,
        endpoint: 'http://oss.local:9000',
        sldEnable: true,
        bucket: 'bkt',
        ...extra,
      }),
  );
}

function toSigned(
  url: string,
  method: string,
  headers: Record<string, string | number> = {},
  bucket?: string,
): SignedRequest {
  const u = new URL(url);
  const lower: Record<string, string> = { host: u.host };
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = String(v);
  return {
    method,
    path: u.pathname,
    query: u.search.slice(1),
    headers: lower,
    clock: Date.now,
    ...(bucket === undefined ? {} : { virtualHostBucket: bucket }),
  };
}

function wire(c: AliOssClient, params: AliRequestParams): SignedRequest {
  const r = quiet(() => createRequest.call(c, params));
  return toSigned(r.url, params.method, r.params.headers);
}

const REQUESTS: Array<[string, AliRequestParams]> = [
  ['list buckets', { method: 'GET' }],
  ['get bucket acl', { method: 'GET', bucket: 'bkt', subres: 'acl' }],
  [
    'list objects with query',
    { method: 'GET', bucket: 'bkt', query: { prefix: 'a/', 'max-keys': '10', delimiter: '/' } },
  ],
  [
    'put object with metadata, a key needing escapes',
    {
      method: 'PUT',
      bucket: 'bkt',
      object: 'dir/a b+c~!(x)*.txt',
      headers: { 'x-oss-meta-Author': '  alice  ', 'x-oss-object-acl': 'private' },
      content: Buffer.from('hello'),
      mime: 'text/plain',
    },
  ],
  [
    'upload part',
    {
      method: 'PUT',
      bucket: 'bkt',
      object: 'big.bin',
      subres: { partNumber: '3', uploadId: 'U1' },
      content: Buffer.from('x'),
    },
  ],
  [
    'sub-resource and empty ordinary parameter',
    { method: 'GET', bucket: 'bkt', subres: { acl: '' }, query: { prefix: '' } },
  ],
  ['unicode key', { method: 'GET', bucket: 'bkt', object: '文件/ünï.txt' }],
  [
    'delete multiple',
    { method: 'POST', bucket: 'bkt', subres: 'delete', content: Buffer.from('<Delete/>'), mime: 'xml' },
  ],
];

describe('OSS V1 (ali-oss createRequest)', () => {
  for (const [label, params] of REQUESTS) {
    it(label, async () => {
      const ok = assertOk(await verifyRequest(wire(client(), params), options), label);
      assert.equal(ok.scheme, 'oss-v1-header');
      assert.equal(ok.signatureVersion, 'OSS');
    });
  }

  it('passes x-oss-security-token to the lookup', async () => {
    const store = keyStore({ [AK]: SK });
    const ok = assertOk(
      await verifyRequest(wire(client({ stsToken: 'STS.tok' }), REQUESTS[1]![1]), { lookup: store }),
    );
    assert.equal(ok.securityToken, 'STS.tok');
    assert.deepEqual(store.calls, [{ accessKeyId: AK, securityToken: 'STS.tok' }]);
  });

  it('signs the Date header when a client sends one instead of x-oss-date', async () => {
    const date = new Date().toUTCString();
    const stringToSign = `GET\n\n\n${date}\nx-oss-meta-a:1\n/bkt/k?acl`;
    const sig = createHmac('sha1', SK).update(stringToSign).digest('base64');
    const req: SignedRequest = {
      method: 'GET',
      path: '/k',
      query: 'acl',
      virtualHostBucket: 'bkt',
      clock: Date.now,
      headers: { host: 'bkt.oss.local', date, 'x-oss-meta-a': '1', authorization: `OSS ${AK}:${sig}` },
    };
    assertOk(await verifyRequest(req, options));
    const f = assertFails(
      await verifyRequest({ ...req, headers: { ...req.headers, 'x-oss-meta-a': '2' } }, options),
      'SignatureDoesNotMatch',
    );
    assert.equal(f.error.dialect, 'oss');
    assert.equal(f.error.fields.OSSAccessKeyId, AK);
    assert.equal(f.error.fields.StringToSign, stringToSign.replace('a:1', 'a:2'));
  });

  it('detects tampering and an unknown key in OSS words', async () => {
    const req = wire(client(), REQUESTS[3]![1]);
    assertFails(
      await verifyRequest({ ...req, path: req.path.replace('dir', 'dig') }, options),
      'SignatureDoesNotMatch',
    );
    const f = assertFails(await verifyRequest(req, { lookup: keyStore({}) }), 'InvalidAccessKeyId');
    assert.equal(f.error.message, 'The OSS Access Key Id you provided does not exist in our records.');
  });

  it('applies the 15-minute skew rule', async () => {
    const req = wire(client(), REQUESTS[0]![1]);
    const f = assertFails(
      await verifyRequest({ ...req, clock: () => Date.now() + 16 * 60_000 }, options),
      'RequestTimeTooSkewed',
    );
    assert.equal(f.error.fields.MaxAllowedSkewMilliseconds, '900000');
  });

  it('verifies signatureUrl (presigned V1) with response overrides and an STS token', async () => {
    const url = quiet(() =>
      client({ stsToken: 'STS.tok' }).signatureUrl('dir/x y.txt', {
        expires: 600,
        response: { 'content-type': 'text/plain' },
      }),
    );
    const ok = assertOk(await verifyRequest(toSigned(url, 'GET'), options));
    assert.equal(ok.scheme, 'oss-v1-query');
    assert.equal(ok.securityToken, 'STS.tok');
    const later = assertFails(
      await verifyRequest({ ...toSigned(url, 'GET'), clock: () => Date.now() + 601_000 }, options),
      'AccessDenied',
    );
    assert.equal(later.error.message, 'Request has expired.');
    assertFails(
      await verifyRequest(toSigned(url.replace('text%2Fplain', 'text%2Fhtml'), 'GET'), options),
      'SignatureDoesNotMatch',
    );
  });
});

describe('OSS V4 (ali-oss createRequest with authorizationV4)', () => {
  for (const [label, params] of REQUESTS) {
    it(label, async () => {
      const ok = assertOk(
        await verifyRequest(wire(client({ authorizationV4: true }), params), options),
        label,
      );
      assert.equal(ok.scheme, 'oss-v4-header');
      assert.equal(ok.signatureVersion, 'OSS4-HMAC-SHA256');
      assert.equal(ok.scope?.region, 'cn-hangzhou');
      assert.equal(ok.scope?.service, 'oss');
    });
  }

  it('covers additional headers', async () => {
    const c = client({ authorizationV4: true });
    const req = wire(c, {
      method: 'GET',
      bucket: 'bkt',
      object: 'o',
      headers: { Range: 'bytes=0-1', Host: 'oss.local:9000' },
      additionalHeaders: ['range', 'host'],
    });
    assert.match(String(req.headers.authorization), /AdditionalHeaders=host;range,/);
    assertOk(await verifyRequest(req, options));
    assertFails(
      await verifyRequest({ ...req, headers: { ...req.headers, range: 'bytes=0-2' } }, options),
      'SignatureDoesNotMatch',
    );
  });

  it('checks the region only when one is configured', async () => {
    const req = wire(client({ authorizationV4: true, region: 'oss-us-west-1' }), REQUESTS[0]![1]);
    assertOk(await verifyRequest(req, options));
    assertOk(await verifyRequest(req, { ...options, ossRegion: 'us-west-1' }));
    const f = assertFails(
      await verifyRequest(req, { ...options, ossRegion: 'cn-hangzhou' }),
      'InvalidArgument',
    );
    assert.match(f.error.message, /the region 'us-west-1' is wrong; expecting 'cn-hangzhou'/);
  });

  it('reports mismatches with the canonical request', async () => {
    const req = wire(client({ authorizationV4: true }), REQUESTS[2]![1]);
    const f = assertFails(
      await verifyRequest({ ...req, query: req.query.replace('max-keys=10', 'max-keys=11') }, options),
      'SignatureDoesNotMatch',
    );
    assert.match(
      f.error.fields.CanonicalRequest ?? '',
      /^GET\n\/bkt\/\ndelimiter=%2F&max-keys=11&prefix=a%2F\n/,
    );
    assert.match(
      f.error.fields.StringToSign ?? '',
      /^OSS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/cn-hangzhou\/oss\/aliyun_v4_request\n[0-9a-f]{64}$/,
    );
  });

  it('rejects malformed V4 headers', async () => {
    const req = wire(client({ authorizationV4: true }), REQUESTS[0]![1]);
    const auth = String(req.headers.authorization);
    for (const bad of [
      auth.replace(',Signature=', ',AdditionalHeaders=,Signature='),
      auth.replace(',Signature=', ',AdditionalHeaders=host;,Signature='),
      auth.replace(/,Signature=[0-9a-f]+/, ''),
      auth + ',Signature=' + 'a'.repeat(64),
      auth.replace('/oss/', '/ecs/'),
      auth.replace('aliyun_v4_request', 'aws4_request'),
      auth.replace('Credential=', 'Credentials='),
    ]) {
      assertFails(
        await verifyRequest({ ...req, headers: { ...req.headers, authorization: bad } }, options),
        'InvalidArgument',
        bad,
      );
    }
    const headers = { ...req.headers };
    delete headers['x-oss-date'];
    assertFails(await verifyRequest({ ...req, headers }, options), 'AccessDenied');
  });

  it('verifies signatureUrlV4 (presigned V4) with an STS token and extra queries', async () => {
    const url = await client({ stsToken: 'STS.tok' }).signatureUrlV4(
      'GET',
      600,
      { headers: {}, queries: { versionId: 'v1' } },
      'dir/x y.txt',
    );
    const ok = assertOk(await verifyRequest(toSigned(url, 'GET'), options));
    assert.equal(ok.scheme, 'oss-v4-query');
    assert.equal(ok.securityToken, 'STS.tok');
    assertFails(
      await verifyRequest({ ...toSigned(url, 'GET'), clock: () => Date.now() + 601_000 }, options),
      'AccessDenied',
    );
    assertFails(
      await verifyRequest(toSigned(url.replace('versionId=v1', 'versionId=v2'), 'GET'), options),
      'SignatureDoesNotMatch',
    );
  });
});
