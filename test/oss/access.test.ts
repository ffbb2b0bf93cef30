// Access and errors in the OSS dialect: RAM bucket policies (anonymous read, explicit Deny),
// SignatureDoesNotMatch and HEAD errors as ali-oss parses them, presigned URLs, the OSS error
// document, and one store shared with the S3 dialect.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';
import { ossClient, rejection } from './helpers.js';

let server: TestServer;
const BUCKET = 'oss-access-bucket';
before(async () => {
  server = await startTestServer();
  await ossClient(server).putBucket(BUCKET);
});
after(async () => {
  await server.close();
});

test('a RAM bucket policy lets anyone read: a plain unsigned fetch gets the object', async () => {
  const client = ossClient(server, { bucket: BUCKET });
  await client.put('public/a.txt', Buffer.from('for everyone'));
  await client.put('private/b.txt', Buffer.from('not for you'));
  const before = await fetch(`${server.url}/${BUCKET}/public/a.txt`);
  assert.equal(before.status, 403);
  await before.arrayBuffer();
  const policy = {
    Version: '1',
    Statement: [
      {
        Effect: 'Allow',
        Principal: ['*'],
        Action: ['oss:GetObject'],
        Resource: [`acs:oss:*:${TEST_ACCOUNT_ID}:${BUCKET}/public/*`],
      },
    ],
  };
  const put = await client.putBucketPolicy(BUCKET, policy);
  assert.equal(put.status, 200);
  assert.deepEqual((await client.getBucketPolicy(BUCKET)).policy, policy);
  const res = await fetch(`${server.url}/${BUCKET}/public/a.txt`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'for everyone');
  // Anonymous OSS-shaped request (an x-oss header, no signature) outside the granted prefix.
  const denied = await fetch(`${server.url}/${BUCKET}/private/b.txt`, {
    headers: { 'x-oss-date': new Date().toUTCString() },
  });
  assert.equal(denied.status, 403);
  const xml = await denied.text();
  assert.match(xml, /<Code>AccessDenied<\/Code>/);
  assert.match(xml, /<Message>You have no right to access this object because of bucket acl\.<\/Message>/);
  assert.match(xml, /<EC>[0-9]{4}-[0-9]{8}<\/EC>/);
  assert.ok(denied.headers.get('x-oss-request-id'));
  await client.deleteBucketPolicy(BUCKET);
  assert.equal((await fetch(`${server.url}/${BUCKET}/public/a.txt`)).status, 403);
});

test('an explicit Deny in the bucket policy: "Access denied by bucket policy."', async () => {
  for (const v4 of [false, true]) {
    const client = ossClient(server, { bucket: BUCKET, v4 });
    await client.put('secret.txt', Buffer.from('s'));
    await client.putBucketPolicy(BUCKET, {
      Version: '1',
      Statement: [
        {
          Effect: 'Deny',
          Principal: ['*'],
          Action: ['oss:GetObject'],
          Resource: [`acs:oss:*:*:${BUCKET}/secret.txt`],
        },
      ],
    });
    const err = await rejection(client.get('secret.txt'));
    assert.equal(err.code, 'AccessDenied');
    assert.equal(err.status, 403);
    assert.equal(err.message, 'Access denied by bucket policy.');
    // HEAD has no body: the error travels base64-encoded in x-oss-err, which ali-oss reads.
    const headErr = await rejection(client.head('secret.txt'));
    assert.equal(headErr.code, 'AccessDenied');
    assert.equal(headErr.message, 'Access denied by bucket policy.');
    // The decision is in the server's log, as an oss: action on an acs: resource.
    const id = (headErr as { requestId?: string }).requestId ?? '';
    const recorded = server.server?.services.decisions.get(id);
    assert.equal(recorded?.operation, 'HeadObject');
    assert.equal(recorded?.decisions[0]?.request.action, 'oss:GetObject');
    assert.equal(
      recorded?.decisions[0]?.request.resource,
      `acs:oss:*:${TEST_ACCOUNT_ID}:${BUCKET}/secret.txt`,
    );
    await client.deleteBucketPolicy(BUCKET);
    assert.equal((await client.get('secret.txt')).content.toString(), 's');
  }
});

test('a RAM policy with a bad resource or an AWS document is refused', async () => {
  const client = ossClient(server);
  const outside = await rejection(
    client.putBucketPolicy(BUCKET, {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Principal: ['*'],
          Action: ['oss:GetObject'],
          Resource: ['acs:oss:*:*:other-bucket/*'],
        },
      ],
    }),
  );
  assert.equal(outside.code, 'InvalidPolicyDocument');
  assert.equal(outside.status, 400);
  const aws = await rejection(
    client.putBucketPolicy(BUCKET, {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
      ],
    }),
  );
  assert.equal(aws.code, 'InvalidPolicyDocument');
});

test('a wrong secret: SignatureDoesNotMatch as ali-oss parses it (V1 and V4)', async () => {
  for (const v4 of [false, true]) {
    const client = ossClient(server, { bucket: BUCKET, v4, secret: 'not-the-secret' });
    const err = await rejection(client.get('anything'));
    assert.equal(err.code, 'SignatureDoesNotMatch');
    assert.equal(err.status, 403);
    assert.equal(err.ecCode, '0002-00000040');
    const headErr = await rejection(client.head('anything'));
    assert.equal(headErr.code, 'SignatureDoesNotMatch');
  }
  // The document carries the string the server signed.
  const res = await fetch(`${server.url}/${BUCKET}/x`, {
    headers: { 'x-oss-date': new Date().toUTCString(), authorization: `OSS ${server.accessKeyId}:bm90IGl0` },
  });
  const xml = await res.text();
  assert.match(xml, /<StringToSign>GET\n\n\n/);
  assert.match(xml, new RegExp(`<OSSAccessKeyId>${server.accessKeyId}</OSSAccessKeyId>`));
  assert.match(xml, /<SignatureProvided>bm90IGl0<\/SignatureProvided>/);
});

test('HEAD of a missing object: NoSuchKey; missing bucket: NoSuchBucket from x-oss-err', async () => {
  const client = ossClient(server, { bucket: BUCKET });
  const err = await rejection(client.head('does/not/exist'));
  assert.equal(err.code, 'NoSuchKey');
  assert.equal(err.status, 404);
  const res = await fetch(`${server.url}/no-such-bucket-here/k`, {
    method: 'HEAD',
    headers: { 'x-oss-date': new Date().toUTCString() },
  });
  assert.equal(res.status, 404);
  const decoded = Buffer.from(res.headers.get('x-oss-err') ?? '', 'base64').toString();
  assert.match(decoded, /<Code>NoSuchBucket<\/Code>/);
  assert.match(decoded, /<EC>0015-00000101<\/EC>/);
});

test('signatureUrl: a presigned GET works with plain fetch, and a tampered one does not', async () => {
  for (const v4 of [false, true]) {
    await ossClient(server, { bucket: BUCKET, v4 }).put('presigned.txt', Buffer.from('via url'));
    // ali-oss refuses to build URLs for an IP endpoint: sign for localhost, fetch from 127.0.0.1.
    const named = ossClient(server, {
      bucket: BUCKET,
      v4,
      endpoint: server.url.replace('127.0.0.1', 'localhost'),
    });
    const url = named.signatureUrl('presigned.txt', { expires: 300 }).replace('localhost', '127.0.0.1');
    const res = await fetch(url);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(await res.text(), 'via url');
    const bad = await fetch(url.replace('presigned.txt', 'presigned.tx%74x'));
    assert.equal(bad.status, 403);
    await bad.arrayBuffer();
  }
});

test('one store, two dialects: put via ali-oss, get via the S3 SDK, and back', async () => {
  const oss = ossClient(server, { bucket: BUCKET });
  const s3 = server.client();
  await oss.put('shared/from-oss.txt', Buffer.from('written by ali-oss'), { meta: { origin: 'oss' } });
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'shared/from-oss.txt' }));
  assert.equal(await got.Body?.transformToString(), 'written by ali-oss');
  assert.equal(got.Metadata?.['origin'], 'oss');
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'shared/from-s3.txt',
      Body: 'written by S3',
      Metadata: { origin: 's3' },
    }),
  );
  const back = await oss.get('shared/from-s3.txt');
  assert.equal(back.content.toString(), 'written by S3');
  assert.equal(back.res.headers['x-oss-meta-origin'], 's3');
  assert.match(back.res.headers['etag'] ?? '', /^"[0-9A-F]{32}"$/);
});

test('PutBucketPolicy is linted: typos refused in the linter words, warnings returned in headers', async () => {
  const client = ossClient(server);
  const typo = await rejection(
    client.putBucketPolicy(BUCKET, {
      Version: '1',
      Statement: [
        {
          Effect: 'allow ',
          Principal: ['*'],
          Action: ['oss:GetObject'],
          Resource: [`acs:oss:*:*:${BUCKET}/*`],
        },
      ],
    }),
  );
  assert.equal(typo.code, 'InvalidPolicyDocument');
  assert.match(typo.message, /did you mean "Allow"\?.*\(line \d+, column \d+\) \[effect-invalid\]/);
  // Valid but public to everyone without a condition: stored, with the linter's warning attached.
  const put = await client.putBucketPolicy(BUCKET, {
    Version: '1',
    Statement: [
      { Effect: 'Allow', Principal: ['*'], Action: ['oss:GetObject'], Resource: [`acs:oss:*:*:${BUCKET}/*`] },
    ],
  });
  assert.equal(put.status, 200);
  const headers = put.res.headers as Record<string, string>;
  assert.ok(Number(headers['x-portcullis-policy-warnings']) >= 1, JSON.stringify(headers));
  assert.match(headers['x-portcullis-policy-findings'] ?? '', /"severity":"warning"/);
  await client.deleteBucketPolicy(BUCKET);
});
