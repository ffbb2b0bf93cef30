// CORS in the OSS dialect through ali-oss: Put/Get/DeleteBucketCORS, the browser's OPTIONS
// preflight (allowed, or 403 AccessForbidden in OSS's document with seed 002's message), and
// Access-Control-* headers on an actual request whose Origin a rule allows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';
import { ossClient, rejection } from './helpers.js';

let server: TestServer;
const BUCKET = 'oss-cors-bucket';
before(async () => {
  server = await startTestServer();
  await ossClient(server).putBucket(BUCKET);
  await ossClient(server, { bucket: BUCKET }).put('page.html', Buffer.from('<p>hi</p>'));
});
after(async () => {
  await server.close();
});

function preflight(origin: string, method: string, headers = 'x-oss-date, content-type'): Promise<Response> {
  return fetch(`${server.url}/${BUCKET}/page.html`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });
}

test('putBucketCORS / getBucketCORS / deleteBucketCORS', async () => {
  const client = ossClient(server);
  const missing = await rejection(client.getBucketCORS(BUCKET));
  assert.equal(missing.code, 'NoSuchCORSConfiguration');
  assert.equal(missing.status, 404);
  assert.equal(missing.message, 'The CORS Configuration does not exist.');
  await client.putBucketCORS(BUCKET, [
    {
      allowedOrigin: ['https://app.example.com', 'https://*.example.org'],
      allowedMethod: ['GET', 'PUT'],
      allowedHeader: '*',
      exposeHeader: ['ETag', 'x-oss-request-id'],
      maxAgeSeconds: 600,
    },
  ]);
  const { rules } = await client.getBucketCORS(BUCKET);
  assert.equal(rules.length, 1);
  assert.deepEqual(rules[0]?.['allowedOrigin'], ['https://app.example.com', 'https://*.example.org']);
  assert.deepEqual(rules[0]?.['allowedMethod'], ['GET', 'PUT']);
  assert.equal(rules[0]?.['maxAgeSeconds'], '600');
  await client.deleteBucketCORS(BUCKET);
  assert.equal((await rejection(client.getBucketCORS(BUCKET))).code, 'NoSuchCORSConfiguration');
});

test('preflight: allowed origin answered, anything else is 403 AccessForbidden in OSS words', async () => {
  const client = ossClient(server);
  await client.putBucketCORS(BUCKET, [
    {
      allowedOrigin: 'https://app.example.com',
      allowedMethod: ['GET', 'PUT'],
      allowedHeader: '*',
      maxAgeSeconds: 60,
    },
  ]);
  const ok = await preflight('https://app.example.com', 'PUT');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.com');
  assert.match(ok.headers.get('access-control-allow-methods') ?? '', /PUT/);
  assert.equal(ok.headers.get('access-control-max-age'), '60');
  assert.ok(ok.headers.get('x-oss-request-id'));
  await ok.arrayBuffer();

  for (const [origin, method] of [
    ['https://evil.example.net', 'GET'],
    ['https://app.example.com', 'DELETE'],
  ] as const) {
    const refused = await preflight(origin, method);
    assert.equal(refused.status, 403);
    const xml = await refused.text();
    assert.match(xml, /<Code>AccessForbidden<\/Code>/);
    assert.match(
      xml,
      /<Message>CORSResponse: This CORS request is not allowed\. This is usually because the evalution of Origin, request method \/ Access-Control-Request-Method or Access-Control-Requet-Headers are not whitelisted by the resource&apos;s CORS spec\.<\/Message>/,
    );
    assert.match(xml, /<EC>[0-9]{4}-[0-9]{8}<\/EC>/);
    assert.ok(refused.headers.get('x-oss-request-id'));
  }
});

test('an actual request with an allowed Origin gets Access-Control-Allow-Origin', async () => {
  const client = ossClient(server, { bucket: BUCKET });
  await ossClient(server).putBucketCORS(BUCKET, [
    { allowedOrigin: 'https://app.example.com', allowedMethod: 'GET', exposeHeader: 'ETag' },
  ]);
  const got = await client.get('page.html', { headers: { Origin: 'https://app.example.com' } });
  assert.equal(got.res.headers['access-control-allow-origin'], 'https://app.example.com');
  assert.equal(got.res.headers['access-control-expose-headers'], 'ETag');
  // A refusal carries them too, so that the page can read OSS's error document.
  const refused = await fetch(`${server.url}/${BUCKET}/page.html`, {
    headers: { origin: 'https://app.example.com', 'x-oss-date': new Date().toUTCString() },
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get('access-control-allow-origin'), 'https://app.example.com');
  await refused.arrayBuffer();
  const other = await client.get('page.html', { headers: { Origin: 'https://elsewhere.example.com' } });
  assert.equal(other.res.headers['access-control-allow-origin'], undefined);
});
