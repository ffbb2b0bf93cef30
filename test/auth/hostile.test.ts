// Hostile and malformed input: every case ends in a typed error (or anonymous), never an
// exception, never a hang, never an InternalError.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detect } from '../../src/auth/detect.js';
import { signV4 } from '../../src/auth/sign.js';
import type { AuthResult, SignedRequest } from '../../src/auth/types.js';
import { verifyRequest } from '../../src/auth/verify.js';
import { assertFails, assertOk, keyStore } from './helpers.js';

const AKID = 'AKIAHOSTILE000000001';
const SECRET = 'hostile-secret';
const AT = new Date('2024-03-01T12:00:00Z');
const options = { lookup: keyStore({ [AKID]: SECRET }) };

function signed(
  extraHeaders: Record<string, string> = {},
  url = 'http://localhost:9000/bucket/key?acl',
): SignedRequest {
  const s = signV4({
    method: 'GET',
    url,
    headers: extraHeaders,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    service: 's3',
    date: AT,
  });
  const u = new URL(url);
  return {
    method: 'GET',
    path: u.pathname,
    query: u.search.slice(1),
    headers: s.headers,
    clock: () => AT.getTime(),
  };
}

function withAuth(req: SignedRequest, authorization: string): SignedRequest {
  return { ...req, headers: { ...req.headers, authorization } };
}

async function timed(req: SignedRequest, limitMs = 2000): Promise<AuthResult> {
  const start = performance.now();
  const result = await verifyRequest(req, options);
  assert.ok(performance.now() - start < limitMs, `took ${Math.round(performance.now() - start)} ms`);
  if (!result.ok) assert.notEqual(result.error.code, 'InternalError', result.error.message);
  return result;
}

describe('garbled SigV4 Authorization headers', () => {
  const good = signed();
  const auth = String(good.headers.authorization);
  const sig = /Signature=([0-9a-f]{64})/.exec(auth)?.[1] as string;

  it('the untouched request verifies', async () => {
    assertOk(await timed(good));
  });

  const cases: Array<[string, string, string]> = [
    ['algorithm only', 'AWS4-HMAC-SHA256', 'InvalidArgument'],
    ['empty components', 'AWS4-HMAC-SHA256 ,,,', 'AuthorizationHeaderMalformed'],
    ['no signature', auth.replace(/, Signature=.*/, ''), 'AuthorizationHeaderMalformed'],
    [
      'component without "="',
      auth.replace('SignedHeaders=', 'SignedHeaders'),
      'AuthorizationHeaderMalformed',
    ],
    [
      'duplicate Credential',
      auth + `, Credential=${AKID}/20240301/us-east-1/s3/aws4_request`,
      'AuthorizationHeaderMalformed',
    ],
    ['duplicate Signature', auth + `, Signature=${sig}`, 'AuthorizationHeaderMalformed'],
    ['unknown component', auth + ', Foo=bar', 'AuthorizationHeaderMalformed'],
    ['credential with four parts', auth.replace('/us-east-1/', '/'), 'AuthorizationHeaderMalformed'],
    ['credential date not digits', auth.replace('/20240301/', '/2024030a/'), 'AuthorizationHeaderMalformed'],
    ['bad terminal', auth.replace('aws4_request', 'aws4_reques'), 'AuthorizationHeaderMalformed'],
    [
      'duplicate signed header',
      auth.replace('SignedHeaders=host;', 'SignedHeaders=host;host;'),
      'AuthorizationHeaderMalformed',
    ],
    [
      'upper-case signed header',
      auth.replace('SignedHeaders=host;', 'SignedHeaders=Host;'),
      'AuthorizationHeaderMalformed',
    ],
    [
      'empty signed headers',
      auth.replace(/SignedHeaders=[^,]*/, 'SignedHeaders='),
      'AuthorizationHeaderMalformed',
    ],
    ['non-hex signature', auth.replace(sig, 'z'.repeat(64)), 'SignatureDoesNotMatch'],
    ['upper-case hex signature', auth.replace(sig, sig.toUpperCase()), 'SignatureDoesNotMatch'],
    ['short signature', auth.replace(sig, sig.slice(0, 10)), 'SignatureDoesNotMatch'],
    ['empty signature', auth.replace(sig, ''), 'SignatureDoesNotMatch'],
    ['SigV4a', auth.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'), 'NotImplemented'],
    ['bearer token', 'Bearer abc.def.ghi', 'InvalidArgument'],
    ['control characters', auth.replace('Credential', 'Cred\u0000ential'), 'AuthorizationHeaderMalformed'],
  ];
  for (const [label, value, code] of cases) {
    it(label, async () => {
      assertFails(await timed(withAuth(good, value)), code, label);
    });
  }

  it('a 1 MB Authorization header', async () => {
    const f = assertFails(
      await timed(withAuth(good, auth + ', ' + 'x'.repeat(1 << 20))),
      'AuthorizationHeaderMalformed',
    );
    assert.ok(f.error.message.length < 1024);
  });

  it('an impossible or missing x-amz-date', async () => {
    assertFails(
      await timed({ ...good, headers: { ...good.headers, 'x-amz-date': '20240230T120000Z' } }),
      'AccessDenied',
    );
    const headers = { ...good.headers };
    delete headers['x-amz-date'];
    const f = assertFails(await timed({ ...good, headers }), 'AccessDenied');
    assert.equal(f.error.message, 'AWS authentication requires a valid Date or x-amz-date header');
  });

  it('repeated headers are joined the SigV4 way, not the node way', async () => {
    const req = signed({ 'x-amz-meta-tag': 'a,b' });
    assertOk(await timed({ ...req, headers: { ...req.headers, 'x-amz-meta-tag': ['a', 'b'] } }));
    assertFails(
      await timed({ ...req, headers: { ...req.headers, 'x-amz-meta-tag': 'a, b' } }),
      'SignatureDoesNotMatch',
    );
  });

  it('huge signed header values and many query parameters stay fast', async () => {
    assertOk(await timed(signed({ 'x-amz-meta-big': 'v'.repeat(256 * 1024) })));
    const many = Array.from({ length: 20_000 }, (_, i) => `p${i}=${i}`).join('&');
    assertOk(await timed(signed({}, `http://localhost:9000/bucket/key?${many}`), 5000));
  });

  it('invalid percent-encoding in path and query', async () => {
    const req = signed({}, 'http://localhost:9000/bucket/%zz%/k?a=%E0%A4%A&b=%&c=%%41');
    assertOk(await timed(req));
    assertFails(await timed({ ...req, query: req.query + '%' }), 'SignatureDoesNotMatch');
  });
});

describe('scheme detection', () => {
  const base: SignedRequest = {
    method: 'GET',
    path: '/',
    query: '',
    headers: { host: 'h' },
    clock: () => AT.getTime(),
  };
  const d = (partial: Partial<SignedRequest>) => detect({ ...base, ...partial });

  it('recognises every scheme', () => {
    const expect = (partial: Partial<SignedRequest>, scheme: string) => {
      const result = d(partial);
      assert.equal(result.kind, 'scheme');
      assert.equal(result.kind === 'scheme' ? result.scheme : '', scheme);
    };
    expect({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x' } }, 'sigv4-header');
    expect({ headers: { authorization: 'AWS a:b' } }, 'sigv2-header');
    expect({ headers: { authorization: 'OSS a:b' } }, 'oss-v1-header');
    expect({ headers: { authorization: 'OSS4-HMAC-SHA256 Credential=x' } }, 'oss-v4-header');
    expect({ query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' }, 'sigv4-query');
    expect({ query: 'x-amz-signature=abc' }, 'sigv4-query');
    expect({ query: 'AWSAccessKeyId=a&Signature=b&Expires=1' }, 'sigv2-query');
    expect({ query: 'OSSAccessKeyId=a&Signature=b&Expires=1' }, 'oss-v1-query');
    expect({ query: 'x-oss-signature-version=OSS4-HMAC-SHA256' }, 'oss-v4-query');
  });

  it('anonymous without any signature, including an empty Authorization header', () => {
    assert.equal(d({}).kind, 'anonymous');
    assert.equal(d({ headers: { authorization: '   ' } }).kind, 'anonymous');
    assert.equal(d({ query: 'prefix=a&max-keys=1' }).kind, 'anonymous');
  });

  it('refuses two mechanisms at once', () => {
    for (const partial of [
      { headers: { authorization: 'AWS a:b' }, query: 'X-Amz-Signature=1' },
      { query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&AWSAccessKeyId=a' },
      { query: 'OSSAccessKeyId=a&x-oss-signature=b' },
    ]) {
      const result = d(partial);
      assert.equal(result.kind, 'error');
      assert.equal(result.kind === 'error' ? result.error.code : '', 'InvalidArgument');
    }
  });

  it('honours the scheme allow-list', async () => {
    const f = assertFails(
      await verifyRequest(signed(), { ...options, schemes: ['sigv4-query'] }),
      'InvalidArgument',
    );
    assert.equal(f.error.message, 'Unsupported Authorization Type');
  });
});

describe('IAM/STS wording', () => {
  function query(service: 'iam' | 'sts', at = AT): SignedRequest {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const s = signV4({
      method: 'POST',
      url: 'http://localhost:9000/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
      service,
      date: at,
    });
    return { method: 'POST', path: '/', query: '', headers: s.headers, body, clock: () => AT.getTime() };
  }

  it('verifies, and says InvalidClientTokenId for an unknown key', async () => {
    assertOk(await timed(query('sts')));
    const f = assertFails(
      await verifyRequest(query('iam'), { lookup: keyStore({}) }),
      'InvalidClientTokenId',
    );
    assert.equal(f.error.message, 'The security token included in the request is invalid.');
    assert.equal(f.error.dialect, 'query');
  });

  it('words clock skew as an expired signature', async () => {
    const f = assertFails(
      await timed(query('sts', new Date(AT.getTime() - 20 * 60_000))),
      'SignatureDoesNotMatch',
    );
    assert.equal(
      f.error.message,
      'Signature expired: 20240301T114000Z is now earlier than 20240301T114500Z (20240301T120000Z - 15 min.)',
    );
    const g = assertFails(
      await timed(query('sts', new Date(AT.getTime() + 20 * 60_000))),
      'SignatureDoesNotMatch',
    );
    assert.equal(
      g.error.message,
      'Signature not yet current: 20240301T122000Z is still later than 20240301T121500Z (20240301T120000Z + 15 min.)',
    );
  });

  it('answers malformed headers with IncompleteSignature', async () => {
    const req = query('iam');
    const auth = String(req.headers.authorization).replace(/, Signature=.*/, '');
    const f = assertFails(await timed(withAuth(req, auth)), 'AuthorizationHeaderMalformed');
    // The service is unknown until the credential is read; once read, the Query API wording applies.
    assert.equal(f.error.dialect, 's3');
    const g = assertFails(
      await timed(
        withAuth(
          req,
          String(req.headers.authorization).replace(
            'SignedHeaders=content-type;',
            'SignedHeaders=Content-Type;',
          ),
        ),
      ),
      'IncompleteSignature',
    );
    assert.equal(g.error.httpStatus, 400);
  });
});

describe('random requests', () => {
  it('never throw, never hang, never InternalError', async () => {
    let state = 7;
    const rand = () => (state = (state * 48271) % 0x7fffffff) / 0x7fffffff;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const pieces = [
      'AWS4-HMAC-SHA256 ',
      'AWS ',
      'OSS ',
      'OSS4-HMAC-SHA256 ',
      'Credential=',
      'SignedHeaders=',
      'Signature=',
      AKID,
      '/20240301/us-east-1/s3/aws4_request',
      ',',
      ';',
      ':',
      '=',
      '&',
      '%',
      'host',
      'x-amz-date',
      'zz',
      '0'.repeat(64),
      ' ',
      '\t',
      '\u00e9',
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Expires',
      'AWSAccessKeyId',
      'OSSAccessKeyId',
      'Signature',
      'Expires',
      '-1',
      '99999999999999',
      'x-oss-signature-version',
      'OSS4-HMAC-SHA256',
      'x-oss-credential',
      '/oss/aliyun_v4_request',
      'x-oss-date',
      '20240301T120000Z',
    ];
    const gen = (n: number) => Array.from({ length: Math.floor(rand() * n) }, () => pick(pieces)).join('');
    for (let i = 0; i < 1500; i++) {
      const headers: Record<string, string> = { host: 'localhost:9000' };
      if (rand() < 0.6) headers.authorization = gen(12);
      if (rand() < 0.5) headers['x-amz-date'] = pick(['20240301T120000Z', gen(3)]);
      if (rand() < 0.3) headers['x-oss-date'] = pick(['20240301T120000Z', AT.toUTCString(), gen(3)]);
      if (rand() < 0.5)
        headers['x-amz-content-sha256'] = pick([
          'UNSIGNED-PAYLOAD',
          'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
          gen(2),
        ]);
      if (rand() < 0.3) headers['x-amz-decoded-content-length'] = pick(['10', '-1', gen(2)]);
      if (rand() < 0.3) headers.date = pick([AT.toUTCString(), gen(2)]);
      const req: SignedRequest = {
        method: pick(['GET', 'PUT', 'POST', 'DELETE', 'get']),
        path: pick(['/', '/b/k', '/%', '/b/%zz', '//..//.', '/' + gen(4)]),
        query: gen(10),
        headers,
        clock: () => AT.getTime(),
      };
      await timed(req);
    }
  });
});
