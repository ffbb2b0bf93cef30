// Seed 002's OSS 403 messages, each produced by the situation it describes: a RAM user with no
// policy (forbidden ListBuckets, a bucket not belonging to it, ACL permissions, bucket acl, an
// upload it may not touch), an STS session whose policy refuses (authorizer's policy), an
// expired presigned URL, anonymous access to a bucket operation, and a bucket of another region
// (wrong endpoint).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import OSS from 'ali-oss';
import { repoRoot } from '../support/repo-root.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';
import { ossClient, rejection } from './helpers.js';

const BUCKET = 'oss-denials';
const NOBODY = {
  accessKeyId: 'AKIAOSSNOBODY0000001',
  secretAccessKey: 'ossNobodySecretKey/000000000000000000000',
};
let server: TestServer;
let nobody: OSS;

before(async () => {
  server = await startTestServer({
    bootstrapFile: join(repoRoot, 'test/fixtures/oss/denials-bootstrap.json'),
  });
  await ossClient(server).putBucket(BUCKET);
  await ossClient(server, { bucket: BUCKET }).put('test.txt', Buffer.from('ststest'));
  nobody = ossClient({ ...server, ...NOBODY }, { bucket: BUCKET });
});
after(async () => {
  await server.close();
});

test('a RAM user without an OSS policy: the message names the situation', async () => {
  const list = await rejection(nobody.listBuckets());
  assert.equal(list.code, 'AccessDenied');
  assert.equal(list.message, 'You are forbidden to list buckets.');
  assert.equal(
    (await rejection(nobody.getBucketInfo(BUCKET))).message,
    'The bucket you visit is not belong to you.',
  );
  assert.equal(
    (await rejection(nobody.getBucketACL(BUCKET))).message,
    'The bucket you visit is not belong to you.',
  );
  assert.equal(
    (await rejection(nobody.getACL('test.txt'))).message,
    'You do not have read acl permission on this object.',
  );
  assert.equal(
    (await rejection(nobody.putACL('test.txt', 'public-read'))).message,
    'You do not have write acl permission on this object',
  );
  assert.equal(
    (await rejection(nobody.get('test.txt'))).message,
    'You have no right to access this object because of bucket acl.',
  );
  assert.equal(
    (await rejection(nobody.put('test.txt', Buffer.from('x')))).message,
    'You have no right to access this object because of bucket acl.',
  );
  const { uploadId } = await ossClient(server, { bucket: BUCKET }).initMultipartUpload('big.bin');
  assert.equal(
    (await rejection(nobody.abortMultipartUpload('big.bin', uploadId))).message,
    'You have no right to access this object.',
  );
});

test("an STS session whose policy refuses: Access denied by authorizer's policy.", async () => {
  const sts = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: NOBODY });
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/OssEverything`,
      RoleSessionName: 'reader',
      Policy: JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: [`acs:oss:*:*:${BUCKET}/*`] }],
      }),
    }),
  );
  sts.destroy();
  const c = out.Credentials;
  const session = new OSS({
    endpoint: server.url,
    accessKeyId: c?.AccessKeyId ?? '',
    accessKeySecret: c?.SecretAccessKey ?? '',
    stsToken: c?.SessionToken ?? '',
    region: 'oss-cn-hangzhou',
    secure: false,
    sldEnable: true,
    retryMax: 0,
    bucket: BUCKET,
  } as OSS.Options);
  assert.equal((await session.get('test.txt')).content.toString(), 'ststest');
  const put = await rejection(session.put('test.txt', Buffer.from('x')));
  assert.equal(put.code, 'AccessDenied');
  assert.equal(put.message, "Access denied by authorizer's policy.");
  assert.equal((await rejection(session.listBuckets())).message, "Access denied by authorizer's policy.");
  // A public-read-write bucket ACL does not get around the session policy either.
  await ossClient(server).putBucketACL(BUCKET, 'public-read-write');
  assert.equal(
    (await rejection(session.put('test.txt', Buffer.from('x')))).message,
    "Access denied by authorizer's policy.",
  );
  await ossClient(server).putBucketACL(BUCKET, 'private');
});

test('an expired presigned URL: Request has expired.', async () => {
  for (const v4 of [false, true]) {
    const named = ossClient(server, {
      bucket: BUCKET,
      v4,
      endpoint: server.url.replace('127.0.0.1', 'localhost'),
    });
    const url = named.signatureUrl('test.txt', { expires: 1 }).replace('localhost', '127.0.0.1');
    await new Promise((r) => setTimeout(r, 2100));
    const res = await fetch(url);
    assert.equal(res.status, 403);
    const xml = await res.text();
    assert.match(xml, /<Code>AccessDenied<\/Code>/);
    assert.match(xml, /<Message>Request has expired\.<\/Message>/);
  }
});

test('anonymous access to a bucket operation: Anonymous access is forbidden for this operation.', async () => {
  const res = await fetch(`${server.url}/`, { headers: { 'x-oss-date': new Date().toUTCString() } });
  assert.equal(res.status, 403);
  assert.match(await res.text(), /<Message>Anonymous access is forbidden for this operation\.<\/Message>/);
  const info = await fetch(`${server.url}/${BUCKET}/?bucketInfo`, {
    headers: { 'x-oss-date': new Date().toUTCString() },
  });
  assert.equal(info.status, 403);
  assert.match(await info.text(), /<Message>Anonymous access is forbidden for this operation\.<\/Message>/);
});

test('a bucket of another region: must be addressed using the specified endpoint', async () => {
  // A bucket recorded by a server of another region (a shared or carried-over store).
  await server.server?.services.metadata.createBucket({
    name: 'oss-beijing-bucket',
    owner: TEST_ACCOUNT_ID,
    region: 'cn-beijing',
    createdAt: new Date(),
  });
  const err = await rejection(ossClient(server, { bucket: 'oss-beijing-bucket' }).get('anything'));
  assert.equal(err.code, 'AccessDenied');
  assert.equal(err.status, 403);
  assert.equal(
    err.message,
    'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
  );
  const res = await fetch(`${server.url}/oss-beijing-bucket/x`, {
    headers: { 'x-oss-date': new Date().toUTCString() },
  });
  assert.match(await res.text(), /<Endpoint>oss-cn-beijing\.aliyuncs\.com<\/Endpoint>/);
});
