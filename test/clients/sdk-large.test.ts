// The AWS SDK at size: a 64 MiB @aws-sdk/lib-storage multipart upload (test/s3 goes up to 11 MiB),
// read back through a presigned GET URL from @aws-sdk/s3-request-presigner with plain fetch, whole
// and by range; a presigned PUT too.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startTestServer, type TestServer } from '../support/server.js';
import { MiB, sha256 } from './helpers.js';

let server: TestServer;
let s3: S3Client;
const B = 'large';

before(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: B }));
});
after(() => server.close());

it(
  'uploads 64 MiB with lib-storage and reads it back through a presigned GET URL',
  { timeout: 40_000 },
  async () => {
    const body = randomBytes(64 * MiB + 7);
    const parts: number[] = [];
    const upload = new Upload({
      client: s3,
      params: { Bucket: B, Key: 'big/64MiB.bin', Body: body, ContentType: 'application/octet-stream' },
      partSize: 8 * MiB,
      queueSize: 4,
    });
    upload.on('httpUploadProgress', (p) => {
      if (p.part !== undefined) parts.push(p.part);
    });
    const done = await upload.done();
    assert.match(done.ETag ?? '', /-9"$/, '9 parts of 8 MiB');
    assert.equal(new Set(parts).size, 9);

    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'big/64MiB.bin' }));
    assert.equal(head.ContentLength, body.length);

    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: B, Key: 'big/64MiB.bin' }), {
      expiresIn: 300,
    });
    assert.match(url, /X-Amz-Signature=/);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(body.length));
    assert.equal(sha256(Buffer.from(await res.arrayBuffer())), sha256(body));

    const ranged = await fetch(url, { headers: { range: `bytes=${40 * MiB}-${40 * MiB + 99}` } });
    assert.equal(ranged.status, 206);
    assert.ok(Buffer.from(await ranged.arrayBuffer()).equals(body.subarray(40 * MiB, 40 * MiB + 100)));

    // Tampering with the signed URL is refused.
    const tampered = url.replace('64MiB.bin', '64MiB.bix');
    assert.equal((await fetch(tampered)).status, 403);
  },
);

it('accepts a presigned PUT URL', async () => {
  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: B, Key: 'presigned-put.txt' }), {
    expiresIn: 60,
  });
  const put = await fetch(url, { method: 'PUT', body: 'via presigned put' });
  assert.equal(put.status, 200);
  const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'presigned-put.txt' }));
  assert.equal(await got.Body?.transformToString(), 'via presigned put');
});
