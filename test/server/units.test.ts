// Unit tests of the server's small parts: the error catalogue, XML in and out, routing, the
// decision ring, request ids.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePolicyText } from '../../src/policy/compile.js';
import { decide } from '../../src/policy/decide.js';
import { contextFrom } from '../../src/policy/request.js';
import { rootPrincipal } from '../../src/identity/account.js';
import { DecisionLog } from '../../src/server/decisions.js';
import { renderErrorXml, S3_ERRORS, S3Error, toS3Error } from '../../src/server/errors.js';
import { newRequestId } from '../../src/server/request-context.js';
import { buildXml, childElements, childText, parseXmlBody, xmlEscape } from '../../src/server/xml.js';
import { StoreError } from '../../src/store/errors.js';
import { bucketFromHost, route } from '../../src/s3/routes.js';
import { parseRange } from '../../src/s3/range.js';
import { bucketNameProblem } from '../../src/s3/bucket-names.js';

describe('error catalogue', () => {
  it('gives every code a 3xx-5xx status and a message', () => {
    for (const [code, { status, message }] of Object.entries(S3_ERRORS)) {
      assert.ok(status >= 300 && status < 600, code);
      assert.ok(message.length > 0, code);
    }
    assert.equal(new S3Error('NoSuchKey').status, 404);
    assert.equal(new S3Error('InvalidRange').status, 416);
    assert.equal(new S3Error('AccessDenied').message, 'Access Denied');
  });

  it('renders Code, Message, extra fields, RequestId, HostId, escaped', () => {
    const xml = renderErrorXml(
      new S3Error('NoSuchKey', undefined, { Key: 'a<&>b' }),
      'ABCDEF0123456789',
      'host==',
    );
    assert.equal(
      xml,
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&lt;&amp;&gt;b</Key><RequestId>ABCDEF0123456789</RequestId><HostId>host==</HostId></Error>',
    );
  });

  it('maps store errors by code, and anything else to InternalError', () => {
    assert.equal(
      toS3Error(new StoreError('NoSuchBucket', 'x'), { bucket: 'b' }).error.fields['BucketName'],
      'b',
    );
    assert.equal(
      toS3Error(new StoreError('BadDigest', 'x', { algorithm: 'CRC32' })).error.message,
      'The CRC32 you specified did not match the calculated checksum.',
    );
    const internal = toS3Error(new TypeError('bug'));
    assert.equal(internal.error.code, 'InternalError');
    assert.equal(internal.internal, true);
  });

  it('request ids are 16 uppercase hex characters and distinct', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newRequestId()));
    assert.equal(ids.size, 2000);
    for (const id of ids) assert.match(id, /^[0-9A-F]{16}$/);
  });
});

describe('xml', () => {
  it('builds documents with arrays, dates, nesting and escaping', () => {
    const xml = buildXml('R', {
      A: 'x & y',
      N: 3,
      B: true,
      D: new Date(0),
      L: ['1', '2'],
      O: { I: 'i' },
      U: undefined,
      Z: null,
    });
    assert.equal(
      xml,
      '<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><A>x &amp; y</A><N>3</N><B>true</B><D>1970-01-01T00:00:00.000Z</D><L>1</L><L>2</L><O><I>i</I></O></R>',
    );
    assert.equal(xmlEscape('a\rb\u0001'), 'a&#13;b&#1;');
  });

  it('parses bodies keeping keys exactly (spaces, entities, CDATA)', () => {
    const root = parseXmlBody(
      '<Delete><Object><Key> a &amp; b &#x41; </Key></Object><Object><Key><![CDATA[x<y]]></Key></Object></Delete>',
      'Delete',
      {
        arrays: ['Object'],
      },
    );
    assert.deepEqual(
      childElements(root, 'Object').map((o) => childText(o, 'Key')),
      [' a & b A ', 'x<y'],
    );
  });

  for (const bad of [
    '',
    '<a',
    '<Delete><x></Delete>',
    '<Other/>',
    '<Delete/><Delete/>',
    '<!DOCTYPE d [<!ENTITY e "e">]><Delete>&e;</Delete>',
    'x'.repeat(10),
  ]) {
    it(`refuses ${JSON.stringify(bad.slice(0, 30))} as MalformedXML`, () => {
      assert.throws(
        () => parseXmlBody(bad, 'Delete'),
        (e: unknown) => e instanceof S3Error && e.code === 'MalformedXML',
      );
    });
  }

  it('refuses bodies over the size cap', () => {
    assert.throws(
      () => parseXmlBody(`<Delete>${'x'.repeat(100)}</Delete>`, 'Delete', { maxBytes: 50 }),
      /well-formed/,
    );
  });
});

describe('routing', () => {
  const r = (method: string, url: string, host?: string, copySource = false) =>
    route({ method, url, host, copySource });

  it('routes path-style requests by method and sub-resource', () => {
    assert.equal(r('GET', '/').operation, 'ListBuckets');
    assert.equal(r('GET', '/b').operation, 'ListObjects');
    assert.equal(r('GET', '/b?list-type=2').operation, 'ListObjectsV2');
    assert.equal(r('GET', '/b/?location').operation, 'GetBucketLocation');
    assert.equal(r('PUT', '/b').operation, 'CreateBucket');
    assert.equal(r('PUT', '/b?policy').operation, 'PutBucketPolicy');
    assert.equal(r('GET', '/b?cors').operation, 'GetBucketCors');
    assert.equal(r('PUT', '/b/k?acl').operation, 'PutObjectAcl');
    assert.equal(r('POST', '/b?delete').operation, 'DeleteObjects');
    assert.equal(r('GET', '/b?uploads').operation, 'ListMultipartUploads');
    assert.equal(r('PUT', '/b/k').operation, 'PutObject');
    assert.equal(r('PUT', '/b/k', undefined, true).operation, 'CopyObject');
    assert.equal(r('PUT', '/b/k?partNumber=1&uploadId=u').operation, 'UploadPart');
    assert.equal(r('PUT', '/b/k?partNumber=1&uploadId=u', undefined, true).operation, 'UploadPartCopy');
    assert.equal(r('POST', '/b/k?uploads').operation, 'CreateMultipartUpload');
    assert.equal(r('POST', '/b/k?uploadId=u').operation, 'CompleteMultipartUpload');
    assert.equal(r('DELETE', '/b/k?uploadId=u').operation, 'AbortMultipartUpload');
    assert.equal(r('GET', '/b/k?uploadId=u').operation, 'ListParts');
    assert.equal(r('GET', '/b/k?x-id=GetObject&response-content-type=a').operation, 'GetObject');
  });

  it('decodes keys once and keeps slashes', () => {
    const x = r('GET', '/b/a%2Fb/c%20d/%2E%2E/e');
    assert.equal(x.bucket, 'b');
    assert.equal(x.key, 'a/b/c d/../e');
    assert.equal(r('GET', '/b//double').key, '/double');
  });

  it('finds the bucket in virtual-hosted Host headers', () => {
    assert.equal(bucketFromHost('my.bucket.s3.us-east-1.amazonaws.com'), 'my.bucket');
    assert.equal(bucketFromHost('b.localhost:9000'), 'b');
    assert.equal(bucketFromHost('b.s3-us-west-2.amazonaws.com'), 'b');
    assert.equal(bucketFromHost('127.0.0.1:9000'), undefined);
    assert.equal(bucketFromHost('localhost:9000'), undefined);
    assert.equal(bucketFromHost('s3.amazonaws.com'), undefined);
    assert.equal(bucketFromHost('[::1]:9000'), undefined);
    const v = r('GET', '/dir/key', 'b.localhost:9000');
    assert.deepEqual([v.bucket, v.key, v.operation, v.virtualHosted], ['b', 'dir/key', 'GetObject', true]);
  });

  it('throws S3 errors for what it cannot route', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as S3Error).code;
      }
      return 'none';
    };
    assert.equal(
      code(() => r('GET', '/b?website')),
      'NotImplemented',
    );
    assert.equal(
      code(() => r('PUT', '/b/k?partNumber=1')),
      'InvalidRequest',
    );
    assert.equal(
      code(() => r('PATCH', '/b/k')),
      'MethodNotAllowed',
    );
    assert.equal(
      code(() => r('GET', '/b/%E0%A4')),
      'InvalidURI',
    );
    assert.equal(
      code(() => r('GET', `/b/${'k'.repeat(1025)}`)),
      'KeyTooLongError',
    );
    assert.equal(
      code(() => r('GET', 'http://absolute/b')),
      'InvalidURI',
    );
  });
});

describe('ranges and bucket names', () => {
  it('resolves ranges against the size', () => {
    assert.deepEqual(parseRange('bytes=0-0', 5), { start: 0, end: 0 });
    assert.deepEqual(parseRange('bytes=-10', 5), { start: 0, end: 4 });
    assert.equal(parseRange('bytes=1-2,3-4', 5), undefined);
    assert.throws(() => parseRange('bytes=5-', 5), /not satisfiable/);
    assert.throws(() => parseRange('bytes=-0', 5), /not satisfiable/);
  });

  it('accepts valid bucket names', () => {
    for (const n of ['abc', 'my-bucket.example', '0-9', 'a'.repeat(63)])
      assert.equal(bucketNameProblem(n), null, n);
  });
});

describe('decision log', () => {
  const policy = compilePolicyText(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'D', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }],
    }),
    { id: 'p', type: 'resource' },
  );
  assert.ok(policy.ok);
  const request = {
    principal: rootPrincipal('111122223333'),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    context: contextFrom(),
  };
  const entry = () => ({
    request,
    policies: { resource: policy.policy },
    decision: decide(request, { resource: policy.policy }),
  });

  it('keeps the last N requests and explains them on demand', () => {
    const log = new DecisionLog(3);
    for (const id of ['A', 'B', 'C', 'D']) log.record(id, 'GetObject', entry());
    log.record('D', 'GetObject', entry());
    assert.equal(log.size, 3);
    assert.equal(log.get('A'), undefined);
    assert.equal(log.get('D')?.decisions.length, 2);
    const explained = log.explain('B');
    assert.equal(explained?.explanations[0]?.decision, 'ExplicitlyDenied');
    assert.equal(explained?.explanations[0]?.policies[0]?.decidingStatement, 'D');
  });

  it('refuses a non-positive capacity', () => {
    assert.throws(() => new DecisionLog(0));
  });
});
