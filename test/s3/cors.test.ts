// CORS end to end: the configuration's lifecycle and validation, OPTIONS preflights answered
// with Access-Control-* headers or S3's 403 AccessForbidden (its exact text), and the headers an
// actual request with an Origin receives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf, expectS3Error, signedFetch } from './helpers.js';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = server.client();
});
after(() => server.close());

const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Requet-Headers are not whitelisted by the resource's CORS spec.";

const preflight = (path: string, headers: Record<string, string>) =>
  fetch(new URL(path, server.url), { method: 'OPTIONS', headers });

describe('CORS configuration', () => {
  before(() => s3.send(new CreateBucketCommand({ Bucket: 'cors-config' })));

  it('is absent, stored, returned and deleted', async () => {
    const err = await expectS3Error(
      s3.send(new GetBucketCorsCommand({ Bucket: 'cors-config' })),
      'NoSuchCORSConfiguration',
      404,
    );
    assert.equal(err.message, 'The CORS configuration does not exist');
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: 'cors-config',
        CORSConfiguration: {
          CORSRules: [
            {
              ID: 'web',
              AllowedOrigins: ['https://*.example.com'],
              AllowedMethods: ['GET', 'PUT'],
              AllowedHeaders: ['*'],
              ExposeHeaders: ['ETag'],
              MaxAgeSeconds: 600,
            },
          ],
        },
      }),
    );
    const got = await s3.send(new GetBucketCorsCommand({ Bucket: 'cors-config' }));
    assert.deepEqual(got.CORSRules, [
      {
        ID: 'web',
        AllowedOrigins: ['https://*.example.com'],
        AllowedMethods: ['GET', 'PUT'],
        AllowedHeaders: ['*'],
        ExposeHeaders: ['ETag'],
        MaxAgeSeconds: 600,
      },
    ]);
    await s3.send(new DeleteBucketCorsCommand({ Bucket: 'cors-config' }));
    await expectS3Error(
      s3.send(new GetBucketCorsCommand({ Bucket: 'cors-config' })),
      'NoSuchCORSConfiguration',
    );
  });

  it('validates: MalformedXML, unsupported methods, two wildcards', async () => {
    const put = (body: string) => signedFetch(server, 'PUT', '/cors-config?cors', { body });
    for (const body of [
      '<CORSConfiguration>',
      '<CORSConfiguration></CORSConfiguration>',
      '<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>',
      '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>x</MaxAgeSeconds></CORSRule></CORSConfiguration>',
      `<CORSConfiguration><CORSRule><AllowedOrigin>${'a'.repeat(70_000)}</AllowedOrigin></CORSRule></CORSConfiguration>`,
    ]) {
      const res = await put(body);
      assert.equal(res.status, 400, body.slice(0, 80));
      assert.equal(errorOf(res.text).code, 'MalformedXML');
    }
    const method = await put(
      '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>',
    );
    assert.equal(errorOf(method.text).code, 'InvalidRequest');
    assert.equal(
      errorOf(method.text).message,
      'Found unsupported HTTP method in CORS config. Unsupported method is PATCH',
    );
    const wild = await put(
      '<CORSConfiguration><CORSRule><AllowedOrigin>http://*.*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>',
    );
    assert.equal(errorOf(wild.text).code, 'InvalidRequest');
    assert.equal(
      errorOf(wild.text).message?.replaceAll('&quot;', '"'),
      'AllowedOrigin "http://*.*.com" can not have more than one wildcard.',
    );
  });
});

describe('preflight and actual requests', () => {
  before(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'cors-live' }));
    await s3.send(new PutObjectCommand({ Bucket: 'cors-live', Key: 'k', Body: 'x' }));
  });

  it('refuses preflights without a configuration, an Origin or a method', async () => {
    const none = await preflight('/cors-live/k', {
      origin: 'https://a.example.com',
      'access-control-request-method': 'GET',
    });
    assert.equal(none.status, 403);
    const e = errorOf(await none.text());
    assert.equal(e.code, 'AccessForbidden');
    assert.equal(e.message, 'CORSResponse: CORS is not enabled for this bucket.');
    const noOrigin = await preflight('/cors-live/k', { 'access-control-request-method': 'GET' });
    assert.equal(noOrigin.status, 400);
    const noMethod = await preflight('/cors-live/k', { origin: 'https://a.example.com' });
    assert.equal(noMethod.status, 400);
    assert.equal(
      (await preflight('/no-such-cors-bucket/k', { origin: 'x', 'access-control-request-method': 'GET' }))
        .status,
      404,
    );
  });

  it('answers a matching preflight and refuses others with S3 text', async () => {
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: 'cors-live',
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: ['https://*.example.com'],
              AllowedMethods: ['GET', 'PUT'],
              AllowedHeaders: ['x-amz-*', 'content-type'],
              ExposeHeaders: ['ETag', 'x-amz-request-id'],
              MaxAgeSeconds: 300,
            },
            { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
          ],
        },
      }),
    );
    const ok = await preflight('/cors-live/k', {
      origin: 'https://app.example.com',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'Content-Type, X-Amz-Date',
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(ok.headers.get('access-control-allow-methods'), 'GET, PUT');
    assert.equal(ok.headers.get('access-control-allow-headers'), 'content-type, x-amz-date');
    assert.equal(ok.headers.get('access-control-expose-headers'), 'ETag, x-amz-request-id');
    assert.equal(ok.headers.get('access-control-max-age'), '300');
    assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');

    const any = await preflight('/cors-live', {
      origin: 'https://other.org',
      'access-control-request-method': 'GET',
    });
    assert.equal(any.status, 200);
    assert.equal(any.headers.get('access-control-allow-origin'), '*');

    const refused: Record<string, string>[] = [
      { origin: 'https://other.org', 'access-control-request-method': 'PUT' },
      { origin: 'https://app.example.com', 'access-control-request-method': 'DELETE' },
      {
        origin: 'https://app.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization',
      },
    ];
    for (const headers of refused) {
      const res = await preflight('/cors-live/k', headers);
      assert.equal(res.status, 403);
      const err = errorOf(await res.text());
      assert.equal(err.code, 'AccessForbidden');
      assert.equal(err.message, NOT_ALLOWED.replace("'", '&apos;'));
    }
  });

  it('adds Access-Control-* headers to actual requests from an allowed Origin', async () => {
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'cors-live',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::cors-live/*' },
          ],
        }),
      }),
    );
    const res = await fetch(new URL('/cors-live/k', server.url), {
      headers: { origin: 'https://app.example.com' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(res.headers.get('access-control-expose-headers'), 'ETag, x-amz-request-id');
    assert.match(res.headers.get('vary') ?? '', /Origin/);
    const plain = await fetch(new URL('/cors-live/k', server.url));
    assert.equal(plain.headers.get('access-control-allow-origin'), null);
  });
});
