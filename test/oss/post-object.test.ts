// PostObject: browser form uploads signed with ali-oss's own helpers (V1 calculatePostSignature,
// V4 signPostObjectPolicyV4), sent the way a browser does (multipart/form-data, Host naming the
// OSS endpoint, no x-oss-* header), and the policy denials of seed 002.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';
import { ossClient } from './helpers.js';

let server: TestServer;
const BUCKET = 'oss-post-bucket';
before(async () => {
  server = await startTestServer();
  await ossClient(server).putBucket(BUCKET);
});
after(async () => {
  await server.close();
});

/** POSTs a form to `<bucket>.oss-us-east-1.aliyuncs.com` (the test server) as a browser would. */
async function postForm(
  fields: Record<string, string>,
  file = 'form body',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([file], { type: 'text/plain' }), 'upload.txt');
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer());
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/',
        headers: {
          host: `${BUCKET}.oss-us-east-1.aliyuncs.com`,
          'content-type': encoded.headers.get('content-type') ?? '',
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function inAnHour(): string {
  return new Date(Date.now() + 3_600_000).toISOString();
}

test('a V1-signed policy form uploads the file, with metadata, 204 by default and 201 on request', async () => {
  const client = ossClient(server, { bucket: BUCKET });
  const policy = {
    expiration: inAnHour(),
    conditions: [{ bucket: BUCKET }, ['starts-with', '$key', 'uploads/'], ['content-length-range', 1, 1024]],
  };
  const signed = client.calculatePostSignature(policy);
  const res = await postForm({ key: 'uploads/${filename}', 'x-oss-meta-from': 'browser', ...signed });
  assert.equal(res.status, 204, res.body);
  assert.match(String(res.headers['etag']), /^"[0-9A-F]{32}"$/);
  const got = await client.get('uploads/upload.txt');
  assert.equal(got.content.toString(), 'form body');
  assert.equal(got.res.headers['x-oss-meta-from'], 'browser');
  const created = await postForm({ key: 'uploads/b.txt', success_action_status: '201', ...signed });
  assert.equal(created.status, 201);
  assert.match(created.body, /<PostResponse><Bucket>oss-post-bucket<\/Bucket>/);
  assert.match(created.body, /<Key>uploads\/b\.txt<\/Key>/);
});

test('a V4-signed policy form uploads too; a wrong signature does not', async () => {
  const client = ossClient(server, { bucket: BUCKET, v4: true });
  const now = new Date();
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  const stamp = `${day}T${now.toISOString().slice(11, 19).replaceAll(':', '')}Z`;
  const credential = `${server.accessKeyId}/${day}/cn-hangzhou/oss/aliyun_v4_request`;
  const policy = {
    expiration: inAnHour(),
    conditions: [
      { bucket: BUCKET },
      { 'x-oss-signature-version': 'OSS4-HMAC-SHA256' },
      { 'x-oss-credential': credential },
      { 'x-oss-date': stamp },
    ],
  };
  const fields = {
    key: 'v4.txt',
    policy: Buffer.from(JSON.stringify(policy)).toString('base64'),
    'x-oss-signature-version': 'OSS4-HMAC-SHA256',
    'x-oss-credential': credential,
    'x-oss-date': stamp,
    'x-oss-signature': client.signPostObjectPolicyV4(policy, now),
  };
  const res = await postForm(fields, 'v4 form');
  assert.equal(res.status, 204, res.body);
  assert.equal((await client.get('v4.txt')).content.toString(), 'v4 form');
  const bad = await postForm({ ...fields, 'x-oss-signature': '0'.repeat(64) });
  assert.equal(bad.status, 403);
  assert.match(bad.body, /<Code>SignatureDoesNotMatch<\/Code>/);
});

test('policy expired / condition failed: seed 002 messages', async () => {
  const client = ossClient(server, { bucket: BUCKET });
  const expired = client.calculatePostSignature({
    expiration: new Date(Date.now() - 60_000).toISOString(),
    conditions: [{ bucket: BUCKET }],
  });
  const late = await postForm({ key: 'late.txt', ...expired });
  assert.equal(late.status, 403);
  assert.match(late.body, /<Code>AccessDenied<\/Code>/);
  assert.match(late.body, /<Message>Invalid according to Policy: Policy expired\.<\/Message>/);
  const narrow = client.calculatePostSignature({
    expiration: inAnHour(),
    conditions: [['eq', '$key', 'only-this.txt']],
  });
  const other = await postForm({ key: 'another.txt', ...narrow });
  assert.equal(other.status, 403);
  assert.match(
    other.body,
    /<Message>Invalid according to Policy: Policy Condition failed: \[&quot;eq&quot;, &quot;\$key&quot;, &quot;only-this\.txt&quot;\]<\/Message>/,
  );
  assert.equal((await postForm({ key: 'only-this.txt', ...narrow })).status, 204);
});

test('an unsigned form: refused by a private bucket, taken by a public-read-write one', async () => {
  const refused = await postForm({ key: 'anon.txt' });
  assert.equal(refused.status, 403);
  assert.match(
    refused.body,
    /<Message>You have no right to access this object because of bucket acl\.<\/Message>/,
  );
  await ossClient(server).putBucketACL(BUCKET, 'public-read-write');
  assert.equal((await postForm({ key: 'anon.txt' })).status, 204);
  await ossClient(server).putBucketACL(BUCKET, 'private');
});
