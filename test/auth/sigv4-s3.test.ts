// The worked examples of the S3 SigV4 documentation ("Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk", "... Query Parameters", and the
// chunked upload pages), plus S3-specific rules: x-amz-content-sha256, region, scope date, skew,
// unsigned x-amz-* headers, presign limits.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signV4, presignV4 } from '../../src/auth/sign.js';
import type { SignedRequest } from '../../src/auth/types.js';
import { verifyRequest } from '../../src/auth/verify.js';
import { AWS_DOC_KEY, AWS_DOC_SECRET, assertFails, assertOk, clockAt, keyStore } from './helpers.js';

const lookup = keyStore({ [AWS_DOC_KEY]: AWS_DOC_SECRET });
const options = { lookup };
const at = clockAt('20130524T000000Z');
const SCOPE = `${AWS_DOC_KEY}/20130524/us-east-1/s3/aws4_request`;
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function auth(signedHeaders: string, signature: string): string {
  return `AWS4-HMAC-SHA256 Credential=${SCOPE},SignedHeaders=${signedHeaders},Signature=${signature}`;
}

const getObject: SignedRequest = {
  method: 'GET',
  path: '/test.txt',
  query: '',
  clock: at,
  headers: {
    host: 'examplebucket.s3.amazonaws.com',
    range: 'bytes=0-9',
    'x-amz-content-sha256': EMPTY,
    'x-amz-date': '20130524T000000Z',
    authorization: auth(
      'host;range;x-amz-content-sha256;x-amz-date',
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    ),
  },
};

describe('S3 documentation examples', () => {
  it('GET Object (f0e8bdb8...)', async () => {
    const ok = assertOk(await verifyRequest(getObject, options));
    assert.equal(ok.accessKeyId, AWS_DOC_KEY);
    assert.equal(ok.identity.user, `user-${AWS_DOC_KEY}`);
    assert.equal(ok.signatureVersion, 'AWS4-HMAC-SHA256');
    assert.equal(ok.authType, 'REST-HEADER');
    assert.deepEqual(ok.payload, { mode: 'sha256', sha256: EMPTY });
    assert.equal(ok.signedAt?.toISOString(), '2013-05-24T00:00:00.000Z');
  });

  it('PUT Object with Date, storage class and a signed payload (98ad7217...)', async () => {
    const req: SignedRequest = {
      method: 'PUT',
      path: '/test%24file.text',
      query: '',
      clock: at,
      body: 'Welcome to Amazon S3.',
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
        authorization: auth(
          'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
          '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
        ),
      },
    };
    const ok = assertOk(await verifyRequest(req, options));
    // The body was handed over, so the digest is already checked.
    assert.deepEqual(ok.payload, { mode: 'sha256' });
    assertFails(
      await verifyRequest({ ...req, body: 'Welcome to Amazon S4.' }, options),
      'XAmzContentSHA256Mismatch',
    );
  });

  it('GET Bucket lifecycle (fea454ca...)', async () => {
    const req: SignedRequest = {
      method: 'GET',
      path: '/',
      query: 'lifecycle',
      clock: at,
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        'x-amz-date': '20130524T000000Z',
        'x-amz-content-sha256': EMPTY,
        authorization: auth(
          'host;x-amz-content-sha256;x-amz-date',
          'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
        ),
      },
    };
    assertOk(await verifyRequest(req, options));
  });

  it('GET Bucket (List Objects) (34b48302...)', async () => {
    const req: SignedRequest = {
      method: 'GET',
      path: '/',
      query: 'max-keys=2&prefix=J',
      clock: at,
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        'x-amz-date': '20130524T000000Z',
        'x-amz-content-sha256': EMPTY,
        authorization: auth(
          'host;x-amz-content-sha256;x-amz-date',
          '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
        ),
      },
    };
    assertOk(await verifyRequest(req, options));
    // Same parameters, other order on the wire: still the same canonical query.
    assertOk(await verifyRequest({ ...req, query: 'prefix=J&max-keys=2' }, options));
  });

  it('presigned GET (aeeed9bb...)', async () => {
    const req: SignedRequest = {
      method: 'GET',
      path: '/test.txt',
      query:
        'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
      clock: clockAt('20130524T120000Z'),
      headers: { host: 'examplebucket.s3.amazonaws.com' },
    };
    const ok = assertOk(await verifyRequest(req, options));
    assert.equal(ok.scheme, 'sigv4-query');
    assert.equal(ok.authType, 'REST-QUERY-STRING');
    assert.equal(ok.expiresIn, 86400);
    assert.equal(ok.expiresAt?.toISOString(), '2013-05-25T00:00:00.000Z');
    assert.deepEqual(ok.payload, { mode: 'unsigned' });

    const expired = assertFails(
      await verifyRequest({ ...req, clock: clockAt('20130525T000001Z') }, options),
      'AccessDenied',
    );
    assert.equal(expired.error.message, 'Request has expired');
    assert.deepEqual(expired.error.fields, {
      'X-Amz-Expires': '86400',
      Expires: '2013-05-25T00:00:00Z',
      ServerTime: '2013-05-25T00:00:01Z',
    });
    const early = assertFails(
      await verifyRequest({ ...req, clock: clockAt('20130523T230000Z') }, options),
      'AccessDenied',
    );
    assert.equal(early.error.message, 'Request is not yet valid');
  });

  it('chunked upload seed signature (4f232c43...)', async () => {
    const req: SignedRequest = {
      method: 'PUT',
      path: '/examplebucket/chunkObject.txt',
      query: '',
      clock: at,
      headers: {
        host: 's3.amazonaws.com',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '66560',
        'content-length': '66824',
        authorization: auth(
          'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
          '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
        ),
      },
    };
    const ok = assertOk(await verifyRequest(req, options));
    assert.deepEqual(ok.payload, { mode: 'streaming-signed', decodedContentLength: 66560 });
    assert.equal(
      ok.chunkSigning?.seedSignature,
      '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    );
    assert.equal(ok.chunkSigning?.scope, '20130524/us-east-1/s3/aws4_request');
  });
});

describe('S3 SigV4 rules', () => {
  it('requires x-amz-content-sha256 for S3', async () => {
    const headers = { ...getObject.headers };
    delete headers['x-amz-content-sha256'];
    const f = assertFails(await verifyRequest({ ...getObject, headers }, options), 'InvalidRequest');
    assert.equal(f.error.message, 'Missing required header for this request: x-amz-content-sha256');
    assert.equal(f.error.httpStatus, 400);
  });

  it('rejects an x-amz-content-sha256 that is neither a digest nor a known mode', async () => {
    const f = assertFails(
      await verifyRequest(
        { ...getObject, headers: { ...getObject.headers, 'x-amz-content-sha256': 'GIBBERISH' } },
        options,
      ),
      'InvalidArgument',
    );
    assert.deepEqual(f.error.fields, { ArgumentName: 'x-amz-content-sha256', ArgumentValue: 'GIBBERISH' });
  });

  it('answers SigV4a streaming with NotImplemented', async () => {
    const headers = {
      ...getObject.headers,
      'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
    };
    assertFails(await verifyRequest({ ...getObject, headers }, options), 'NotImplemented');
  });

  it('reports a wrong region with the expected one', async () => {
    const f = assertFails(
      await verifyRequest(getObject, { ...options, region: 'eu-west-1' }),
      'AuthorizationHeaderMalformed',
    );
    assert.equal(
      f.error.message,
      "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
    );
    assert.deepEqual(f.error.fields, { Region: 'eu-west-1' });
  });

  it('reports a credential date that is not the x-amz-date date', async () => {
    const headers = { ...getObject.headers, 'x-amz-date': '20130525T000000Z' };
    const f = assertFails(
      await verifyRequest({ ...getObject, headers, clock: clockAt('20130525T000000Z') }, options),
      'AuthorizationHeaderMalformed',
    );
    assert.match(f.error.message, /Invalid credential date\. Date is not the same as X-Amz-Date\./);
  });

  it('reports clock skew beyond 15 minutes with RequestTime/ServerTime/MaxAllowedSkewMilliseconds', async () => {
    assertOk(await verifyRequest({ ...getObject, clock: clockAt('20130524T001500Z') }, options));
    const f = assertFails(
      await verifyRequest({ ...getObject, clock: clockAt('20130524T001501Z') }, options),
      'RequestTimeTooSkewed',
    );
    assert.equal(f.error.httpStatus, 403);
    assert.deepEqual(f.error.fields, {
      RequestTime: '20130524T000000Z',
      ServerTime: '2013-05-24T00:15:01Z',
      MaxAllowedSkewMilliseconds: '900000',
    });
    assertFails(
      await verifyRequest({ ...getObject, clock: clockAt('20130523T234459Z') }, options),
      'RequestTimeTooSkewed',
    );
  });

  it('reports an unknown key', async () => {
    const f = assertFails(await verifyRequest(getObject, { lookup: keyStore({}) }), 'InvalidAccessKeyId');
    assert.deepEqual(f.error.fields, { AWSAccessKeyId: AWS_DOC_KEY });
    assert.equal(f.accessKeyId, AWS_DOC_KEY);
  });

  it('reports a wrong secret with the S3 fields, bytes as spaced hex', async () => {
    const f = assertFails(
      await verifyRequest(getObject, { lookup: keyStore({ [AWS_DOC_KEY]: 'nope' }) }),
      'SignatureDoesNotMatch',
    );
    const fields = f.error.fields;
    assert.deepEqual(Object.keys(fields), [
      'AWSAccessKeyId',
      'StringToSign',
      'SignatureProvided',
      'StringToSignBytes',
      'CanonicalRequest',
      'CanonicalRequestBytes',
    ]);
    assert.equal(
      fields.CanonicalRequest,
      `GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:${EMPTY}\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n${EMPTY}`,
    );
    assert.ok(fields.StringToSignBytes?.startsWith('41 57 53 34 2d 48 4d 41 43 2d 53 48 41 32 35 36 0a'));
    assert.equal(
      fields.StringToSign,
      'AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
    );
  });

  it('rejects x-amz-* headers that were not signed', async () => {
    const headers = { ...getObject.headers, 'x-amz-acl': 'public-read', 'x-amz-meta-a': '1' };
    const f = assertFails(await verifyRequest({ ...getObject, headers }, options), 'AccessDenied');
    assert.equal(f.error.message, 'There were headers present in the request which were not signed');
    assert.deepEqual(f.error.fields, { HeadersNotSigned: 'x-amz-acl, x-amz-meta-a' });
  });

  it('requires host to be signed', async () => {
    const signed = signV4({
      method: 'GET',
      url: 'http://127.0.0.1:9000/b/k',
      credentials: { accessKeyId: AWS_DOC_KEY, secretAccessKey: AWS_DOC_SECRET },
      service: 's3',
      date: new Date('2013-05-24T00:00:00Z'),
    });
    const authorization = signed.authorization.replace('SignedHeaders=host;', 'SignedHeaders=');
    const f = assertFails(
      await verifyRequest(
        { method: 'GET', path: '/b/k', query: '', clock: at, headers: { ...signed.headers, authorization } },
        options,
      ),
      'AccessDenied',
    );
    assert.deepEqual(f.error.fields, { HeadersNotSigned: 'host' });
  });

  it('rejects a service this endpoint does not serve', async () => {
    const headers = {
      ...getObject.headers,
      authorization: String(getObject.headers.authorization).replace('/s3/', '/s4/'),
    };
    const f = assertFails(
      await verifyRequest({ ...getObject, headers }, options),
      'AuthorizationHeaderMalformed',
    );
    assert.equal(
      f.error.message,
      'The authorization header is malformed; incorrect service "s4". This endpoint belongs to "s3".',
    );
  });

  it('passes the security token to the lookup and returns it', async () => {
    const store = keyStore({ ASIAEXAMPLE: 'secret' });
    const signed = signV4({
      method: 'GET',
      url: 'http://localhost:9000/bucket/key',
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token/+=' },
      service: 's3',
      date: new Date('2013-05-24T00:00:00Z'),
    });
    const ok = assertOk(
      await verifyRequest(
        { method: 'GET', path: '/bucket/key', query: '', clock: at, headers: signed.headers },
        { lookup: store },
      ),
    );
    assert.equal(ok.securityToken, 'token/+=');
    assert.deepEqual(store.calls, [{ accessKeyId: 'ASIAEXAMPLE', securityToken: 'token/+=' }]);
  });

  it('lets the lookup refuse with its own typed error', async () => {
    const lookup = async () => ({
      ok: false as const,
      error: {
        code: 'ExpiredToken',
        httpStatus: 400,
        message: 'The provided token has expired.',
        fields: {},
        dialect: 's3' as const,
      },
    });
    const f = assertFails(await verifyRequest(getObject, { lookup }), 'ExpiredToken');
    assert.equal(f.scheme, 'sigv4-header');
    assert.equal(f.accessKeyId, AWS_DOC_KEY);
  });

  it('lets exceptions of the lookup itself propagate', async () => {
    const lookup = async (): Promise<undefined> => {
      throw new Error('database down');
    };
    await assert.rejects(verifyRequest(getObject, { lookup }), /database down/);
  });

  it('accepts a path signed encoded while sent raw (S3 re-encoding fallback)', async () => {
    const signed = signV4({
      method: 'GET',
      url: 'http://localhost:9000/bucket/a%21b',
      credentials: { accessKeyId: AWS_DOC_KEY, secretAccessKey: AWS_DOC_SECRET },
      service: 's3',
      date: new Date('2013-05-24T00:00:00Z'),
    });
    assertOk(
      await verifyRequest(
        { method: 'GET', path: '/bucket/a!b', query: '', clock: at, headers: signed.headers },
        options,
      ),
    );
  });

  it('does not normalise S3 paths', async () => {
    const signed = signV4({
      method: 'GET',
      url: 'http://localhost:9000/bucket/a/../b',
      credentials: { accessKeyId: AWS_DOC_KEY, secretAccessKey: AWS_DOC_SECRET },
      service: 's3',
      date: new Date('2013-05-24T00:00:00Z'),
    });
    // WHATWG URL already resolved "..", so sign what goes on the wire and send the raw dots.
    assert.match(signed.canonicalRequest, /^GET\n\/bucket\/b\n/);
    assertFails(
      await verifyRequest(
        { method: 'GET', path: '/bucket/a/../b', query: '', clock: at, headers: signed.headers },
        options,
      ),
      'SignatureDoesNotMatch',
    );
  });
});

describe('presign rules', () => {
  const base = {
    method: 'GET',
    url: 'http://localhost:9000/bucket/key.txt?versionId=3',
    credentials: { accessKeyId: AWS_DOC_KEY, secretAccessKey: AWS_DOC_SECRET },
    service: 's3',
    date: new Date('2013-05-24T00:00:00Z'),
  };
  function toRequest(url: string, clock = at): SignedRequest {
    const u = new URL(url);
    return { method: 'GET', path: u.pathname, query: u.search.slice(1), clock, headers: { host: u.host } };
  }

  it('round-trips with session token and extra query parameters', async () => {
    const { url } = presignV4({
      ...base,
      expiresIn: 3600,
      credentials: { ...base.credentials, sessionToken: 'tok' },
    });
    const ok = assertOk(await verifyRequest(toRequest(url), options));
    assert.equal(ok.securityToken, 'tok');
  });

  it('limits X-Amz-Expires to a week', async () => {
    const { url } = presignV4({ ...base, expiresIn: 604801 });
    const f = assertFails(await verifyRequest(toRequest(url), options), 'AuthorizationQueryParametersError');
    assert.equal(f.error.message, 'X-Amz-Expires must be less than a week (in seconds) that is 604800');
    const week = presignV4({ ...base, expiresIn: 604800 });
    assertOk(await verifyRequest(toRequest(week.url, clockAt('20130530T000000Z')), options));
  });

  it('requires every parameter', async () => {
    const { url } = presignV4({ ...base, expiresIn: 60 });
    const f = assertFails(
      await verifyRequest(toRequest(url.replace(/&X-Amz-Expires=60/, '')), options),
      'AuthorizationQueryParametersError',
    );
    assert.match(f.error.message, /^Query-string authentication version 4 requires the X-Amz-Algorithm/);
  });

  it('rejects another algorithm, a bad date, a negative expiry, a repeated parameter', async () => {
    const { url } = presignV4({ ...base, expiresIn: 60 });
    const cases: Array<[string, string]> = [
      [
        url.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'),
        'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
      ],
      [
        url.replace('X-Amz-Date=20130524T000000Z', 'X-Amz-Date=2013-05-24'),
        `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`,
      ],
      [url.replace('X-Amz-Expires=60', 'X-Amz-Expires=-5'), 'X-Amz-Expires must be non-negative'],
      [url.replace('X-Amz-Expires=60', 'X-Amz-Expires=abc'), 'X-Amz-Expires should be a number'],
      [
        url + '&X-Amz-Signature=' + '0'.repeat(64),
        'X-Amz-Signature must appear only once in the query string.',
      ],
    ];
    for (const [bad, message] of cases) {
      const f = assertFails(
        await verifyRequest(toRequest(bad), options),
        'AuthorizationQueryParametersError',
        bad,
      );
      assert.equal(f.error.message, message);
    }
  });

  it('reports a wrong region in the credential', async () => {
    const { url } = presignV4({ ...base, expiresIn: 60, region: 'eu-west-1' });
    const f = assertFails(await verifyRequest(toRequest(url), options), 'AuthorizationQueryParametersError');
    assert.equal(
      f.error.message,
      "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
    );
    assert.deepEqual(f.error.fields, { Region: 'us-east-1' });
  });

  it('detects tampering with a signed parameter', async () => {
    const { url } = presignV4({ ...base, expiresIn: 60 });
    assertFails(
      await verifyRequest(toRequest(url.replace('versionId=3', 'versionId=4')), options),
      'SignatureDoesNotMatch',
    );
  });

  it('refuses to mix a presigned query with an Authorization header', async () => {
    const { url } = presignV4({ ...base, expiresIn: 60 });
    const req = toRequest(url);
    const f = assertFails(
      await verifyRequest(
        { ...req, headers: { ...req.headers, authorization: String(getObject.headers.authorization) } },
        options,
      ),
      'InvalidArgument',
    );
    assert.match(f.error.message, /^Only one auth mechanism allowed/);
  });
});
