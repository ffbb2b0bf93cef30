// Block Public Access end to end: the configuration's lifecycle, BlockPublicPolicy refusing a
// public bucket policy (and letting a restricted one through), BlockPublicAcls refusing public
// ACLs, IgnorePublicAcls and RestrictPublicBuckets taking public access away from anonymous
// callers while the owner keeps access.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type PublicAccessBlockConfiguration,
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

const anon = (path: string) => fetch(new URL(path, server.url));
const block = (Bucket: string, c: PublicAccessBlockConfiguration) =>
  s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: c }));
const publicRead = (bucket: string, extra: object = {}) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
        ...extra,
      },
    ],
  });

describe('PublicAccessBlock configuration', () => {
  before(() => s3.send(new CreateBucketCommand({ Bucket: 'pab-config' })));

  it('is absent, set, read back and deleted', async () => {
    await expectS3Error(
      s3.send(new GetPublicAccessBlockCommand({ Bucket: 'pab-config' })),
      'NoSuchPublicAccessBlockConfiguration',
      404,
    );
    await block('pab-config', { BlockPublicAcls: true, RestrictPublicBuckets: true });
    const got = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'pab-config' }));
    assert.deepEqual(got.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: true,
    });
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'pab-config' }));
    await expectS3Error(
      s3.send(new GetPublicAccessBlockCommand({ Bucket: 'pab-config' })),
      'NoSuchPublicAccessBlockConfiguration',
      404,
    );
  });

  it('rejects malformed configurations with MalformedXML', async () => {
    for (const body of [
      '<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>',
      '<PublicAccessBlockConfiguration>',
      '<Other/>',
    ]) {
      const res = await signedFetch(server, 'PUT', '/pab-config?publicAccessBlock', { body });
      assert.equal(res.status, 400, body);
      assert.equal(errorOf(res.text).code, 'MalformedXML');
    }
  });
});

describe('BlockPublicPolicy', () => {
  before(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'pab-policy' }));
    await block('pab-policy', { BlockPublicPolicy: true });
  });

  it('refuses a public policy with AccessDenied', async () => {
    const err = await expectS3Error(
      s3.send(new PutBucketPolicyCommand({ Bucket: 'pab-policy', Policy: publicRead('pab-policy') })),
      'AccessDenied',
      403,
    );
    assert.equal(err.message, 'Access Denied');
  });

  it('accepts Principal "*" narrowed to a fixed source range or account', async () => {
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'pab-policy',
        Policy: publicRead('pab-policy', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
      }),
    );
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'pab-policy',
        Policy: publicRead('pab-policy', {
          Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
        }),
      }),
    );
    // A wildcard value does not narrow anything.
    await expectS3Error(
      s3.send(
        new PutBucketPolicyCommand({
          Bucket: 'pab-policy',
          Policy: publicRead('pab-policy', { Condition: { StringLike: { 'aws:PrincipalArn': '*' } } }),
        }),
      ),
      'AccessDenied',
      403,
    );
  });
});

describe('BlockPublicAcls and IgnorePublicAcls', () => {
  before(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'pab-acls', ObjectOwnership: 'ObjectWriter' }));
    await s3.send(new PutObjectCommand({ Bucket: 'pab-acls', Key: 'pub', Body: 'x', ACL: 'public-read' }));
  });

  it('IgnorePublicAcls takes public grants away from anonymous callers, not the owner', async () => {
    assert.equal((await anon('/pab-acls/pub')).status, 200);
    await block('pab-acls', { IgnorePublicAcls: true });
    const res = await anon('/pab-acls/pub');
    assert.equal(res.status, 403);
    assert.equal(errorOf(await res.text()).code, 'AccessDenied');
    await s3.send(new GetObjectCommand({ Bucket: 'pab-acls', Key: 'pub' }));
  });

  it('BlockPublicAcls refuses public ACLs on objects and the bucket, not private ones', async () => {
    await block('pab-acls', { BlockPublicAcls: true });
    await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: 'pab-acls', Key: 'k', Body: 'x', ACL: 'public-read' })),
      'AccessDenied',
      403,
    );
    await expectS3Error(
      s3.send(new PutBucketAclCommand({ Bucket: 'pab-acls', ACL: 'public-read-write' })),
      'AccessDenied',
      403,
    );
    await s3.send(new PutObjectCommand({ Bucket: 'pab-acls', Key: 'k', Body: 'x', ACL: 'private' }));
    // Existing public grants still work: only IgnorePublicAcls ignores them.
    assert.equal((await anon('/pab-acls/pub')).status, 200);
  });
});

describe('RestrictPublicBuckets', () => {
  before(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'pab-restrict' }));
    await s3.send(new PutObjectCommand({ Bucket: 'pab-restrict', Key: 'k', Body: 'x' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'pab-restrict', Policy: publicRead('pab-restrict') }));
  });

  it('a public policy grants only within the owner account', async () => {
    assert.equal((await anon('/pab-restrict/k')).status, 200);
    await block('pab-restrict', { RestrictPublicBuckets: true });
    const res = await anon('/pab-restrict/k');
    assert.equal(res.status, 403);
    assert.equal(errorOf(await res.text()).code, 'AccessDenied');
    await s3.send(new GetObjectCommand({ Bucket: 'pab-restrict', Key: 'k' }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'pab-restrict' }));
    assert.equal((await anon('/pab-restrict/k')).status, 200);
  });
});
