// Bucket operations through @aws-sdk/client-s3 against a real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketLocationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf, expectS3Error, expectStatus, httpRequest, signedFetch } from './helpers.js';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = server.client();
});
after(() => server.close());

describe('bucket lifecycle', () => {
  it('creates, lists, heads, locates and deletes a bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'life-cycle' }));
    const list = await s3.send(new ListBucketsCommand({}));
    const found = list.Buckets?.find((b) => b.Name === 'life-cycle');
    assert.ok(found);
    assert.ok(found.CreationDate instanceof Date);
    assert.equal(list.Owner?.DisplayName, '111122223333');
    const head = await s3.send(new HeadBucketCommand({ Bucket: 'life-cycle' }));
    assert.equal(head.BucketRegion, 'us-east-1');
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: 'life-cycle' }));
    assert.equal(loc.LocationConstraint, undefined); // us-east-1 is the empty constraint
    await s3.send(new DeleteBucketCommand({ Bucket: 'life-cycle' }));
    await expectS3Error(s3.send(new HeadBucketCommand({ Bucket: 'life-cycle' })), 'NotFound', 404);
  });

  it('answers BucketAlreadyOwnedByYou for a second create', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'twice' }));
    await expectS3Error(
      s3.send(new CreateBucketCommand({ Bucket: 'twice' })),
      'BucketAlreadyOwnedByYou',
      409,
    );
  });

  it('refuses to delete a bucket that holds objects (BucketNotEmpty)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'not-empty' }));
    await s3.send(new PutObjectCommand({ Bucket: 'not-empty', Key: 'k', Body: 'x' }));
    await expectS3Error(s3.send(new DeleteBucketCommand({ Bucket: 'not-empty' })), 'BucketNotEmpty', 409);
  });

  it('answers NoSuchBucket with the bucket name', async () => {
    const res = await signedFetch(server, 'GET', '/no-such-bucket-here');
    assert.equal(res.status, 404);
    assert.equal(errorOf(res.text).code, 'NoSuchBucket');
    assert.match(res.text, /<BucketName>no-such-bucket-here<\/BucketName>/);
    await expectS3Error(
      s3.send(new DeleteBucketCommand({ Bucket: 'no-such-bucket-here' })),
      'NoSuchBucket',
      404,
    );
  });

  for (const name of [
    'ab',
    'UpperCase',
    'has_underscore',
    '-leading',
    'trailing-',
    'a..b',
    '192.168.1.1',
    'xn--punycode',
    'x'.repeat(64),
    'b-s3alias',
  ]) {
    it(`rejects the bucket name ${JSON.stringify(name)} (InvalidBucketName)`, async () => {
      const res = await signedFetch(server, 'PUT', `/${name}`);
      assert.equal(res.status, 400);
      assert.equal(errorOf(res.text).code, 'InvalidBucketName');
    });
  }

  it('accepts a LocationConstraint naming the server region only when it is not us-east-1', async () => {
    const config = (c: string) => ({
      Bucket: 'located',
      CreateBucketConfiguration: { LocationConstraint: c as BucketLocationConstraint },
    });
    await expectS3Error(
      s3.send(new CreateBucketCommand(config('us-east-1'))),
      'InvalidLocationConstraint',
      400,
    );
    await expectS3Error(
      s3.send(new CreateBucketCommand(config('eu-west-1'))),
      'IllegalLocationConstraintException',
      400,
    );
  });

  it('answers MalformedXML for a broken CreateBucketConfiguration', async () => {
    const res = await signedFetch(server, 'PUT', '/bad-config', {
      body: '<CreateBucketConfiguration><LocationConstraint>',
    });
    assert.equal(res.status, 400);
    assert.equal(errorOf(res.text).code, 'MalformedXML');
    const wrongRoot = await signedFetch(server, 'PUT', '/bad-config', { body: '<Other/>' });
    assert.equal(errorOf(wrongRoot.text).code, 'MalformedXML');
  });

  it('lists buckets by prefix and pages with max-buckets', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await s3.send(new CreateBucketCommand({ Bucket: n }));
    const first = await s3.send(new ListBucketsCommand({ Prefix: 'page-', MaxBuckets: 2 }));
    assert.deepEqual(
      first.Buckets?.map((b) => b.Name),
      ['page-a', 'page-b'],
    );
    assert.ok(first.ContinuationToken);
    const second = await s3.send(
      new ListBucketsCommand({ Prefix: 'page-', MaxBuckets: 2, ContinuationToken: first.ContinuationToken }),
    );
    assert.deepEqual(
      second.Buckets?.map((b) => b.Name),
      ['page-c'],
    );
    assert.equal(second.ContinuationToken, undefined);
  });

  it('addresses buckets virtual-hosted style (bucket.localhost)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'vhost' }));
    await s3.send(new PutObjectCommand({ Bucket: 'vhost', Key: 'in/vhost.txt', Body: 'virtual' }));
    // The bucket travels in the Host header; the connection still goes to 127.0.0.1.
    for (const host of [
      `vhost.localhost:${server.port}`,
      'vhost.s3.us-east-1.amazonaws.com',
      'vhost.s3.example.test',
    ]) {
      const res = await httpRequest(server, { method: 'GET', path: '/in/vhost.txt', host, sign: true });
      assert.equal(res.status, 200, `${host}: ${res.text}`);
      assert.equal(res.text, 'virtual');
    }
    const list = await httpRequest(server, {
      method: 'GET',
      path: '/?list-type=2',
      host: 'vhost.localhost',
      sign: true,
    });
    assert.match(list.text, /<Key>in\/vhost.txt<\/Key>/);
  });

  it('refuses anonymous bucket creation and listing', async () => {
    const create = await fetch(`${server.url}/anon-bucket`, { method: 'PUT' });
    assert.equal(create.status, 403);
    assert.equal(errorOf(await create.text()).code, 'AccessDenied');
    const list = await fetch(`${server.url}/`);
    assert.equal(list.status, 403);
  });

  it('refuses wrong credentials with InvalidAccessKeyId and SignatureDoesNotMatch', async () => {
    const stranger = new S3Client({
      endpoint: server.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'x'.repeat(40) },
    });
    await expectS3Error(stranger.send(new ListBucketsCommand({})), 'InvalidAccessKeyId', 403);
    stranger.destroy();
    const wrongSecret = server.client({
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: 'y'.repeat(40) },
    });
    await expectS3Error(wrongSecret.send(new ListBucketsCommand({})), 'SignatureDoesNotMatch', 403);
  });

  it('honours x-amz-expected-bucket-owner', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'owned' }));
    await s3.send(new HeadBucketCommand({ Bucket: 'owned', ExpectedBucketOwner: '111122223333' }));
    // HEAD answers carry no body, so the SDK only sees the status.
    await expectStatus(
      s3.send(new HeadBucketCommand({ Bucket: 'owned', ExpectedBucketOwner: '999999999999' })),
      403,
    );
    const res = await signedFetch(server, 'GET', '/owned', {
      headers: { 'x-amz-expected-bucket-owner': '999999999999' },
    });
    assert.equal(errorOf(res.text).code, 'AccessDenied');
  });
});
