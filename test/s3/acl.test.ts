// Object Ownership and ACLs end to end: the BucketOwnerEnforced default refuses ACLs, other
// settings store canned ACLs, grant headers and AccessControlPolicy XML, GetAcl returns the real
// grants, and grants allow (anonymous) access while a bucket policy's explicit Deny still wins.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetBucketAclCommand,
  GetObjectCommand,
  GetBucketOwnershipControlsCommand,
  GetObjectAclCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
  type ObjectOwnership,
} from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { canonicalUserId } from '../../src/identity/account.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';
import { errorOf, expectS3Error, signedFetch } from './helpers.js';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = server.client();
});
after(() => server.close());

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const anon = (path: string, init: RequestInit = {}) => fetch(new URL(path, server.url), init);

async function bucket(name: string, ownership?: ObjectOwnership): Promise<void> {
  await s3.send(
    new CreateBucketCommand({ Bucket: name, ...(ownership ? { ObjectOwnership: ownership } : {}) }),
  );
}

describe('BucketOwnerEnforced (the default)', () => {
  before(() => bucket('acl-enforced'));

  it('has no ownership controls until set, and refuses ACLs that grant anything', async () => {
    const err = await expectS3Error(
      s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'acl-enforced' })),
      'OwnershipControlsNotFoundError',
      404,
    );
    assert.ok(err);
    const put = await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: 'acl-enforced', Key: 'k', Body: 'x', ACL: 'public-read' })),
      'AccessControlListNotSupported',
      400,
    );
    assert.equal(put.message, 'The bucket does not allow ACLs');
    await expectS3Error(
      s3.send(new PutBucketAclCommand({ Bucket: 'acl-enforced', ACL: 'public-read' })),
      'AccessControlListNotSupported',
      400,
    );
  });

  it('accepts bucket-owner-full-control and private, and answers owner FULL_CONTROL', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: 'acl-enforced', Key: 'k', Body: 'x', ACL: 'bucket-owner-full-control' }),
    );
    await s3.send(new PutObjectAclCommand({ Bucket: 'acl-enforced', Key: 'k', ACL: 'private' }));
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'acl-enforced', Key: 'k' }));
    assert.equal(acl.Owner?.ID, canonicalUserId(TEST_ACCOUNT_ID));
    assert.deepEqual(
      acl.Grants?.map((g) => [g.Grantee?.ID, g.Permission]),
      [[canonicalUserId(TEST_ACCOUNT_ID), 'FULL_CONTROL']],
    );
    assert.equal((await anon('/acl-enforced/k')).status, 403);
  });

  it('refuses CreateBucket with a public ACL unless ownership allows ACLs', async () => {
    const err = await expectS3Error(
      s3.send(new CreateBucketCommand({ Bucket: 'acl-create-public', ACL: 'public-read' })),
      'InvalidBucketAclWithObjectOwnership',
      400,
    );
    assert.equal(
      err.message,
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    );
    await s3.send(
      new CreateBucketCommand({
        Bucket: 'acl-create-public',
        ACL: 'public-read',
        ObjectOwnership: 'ObjectWriter',
      }),
    );
    assert.equal((await anon('/acl-create-public')).status, 200);
  });
});

describe('ACLs enabled (ObjectWriter / BucketOwnerPreferred)', () => {
  before(async () => {
    await bucket('acl-writer');
    await s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket: 'acl-writer',
        OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      }),
    );
  });

  it('returns the ownership setting', async () => {
    const got = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'acl-writer' }));
    assert.equal(got.OwnershipControls?.Rules?.[0]?.ObjectOwnership, 'ObjectWriter');
  });

  it('a public-read object is readable anonymously, a private one is not', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: 'acl-writer', Key: 'pub', Body: 'hello', ACL: 'public-read' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'acl-writer', Key: 'priv', Body: 'secret' }));
    const res = await anon('/acl-writer/pub');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello');
    assert.equal((await anon('/acl-writer/priv')).status, 403);
    // READ does not include READ_ACP, nor writing.
    assert.equal((await anon('/acl-writer/pub?acl')).status, 403);
    assert.equal((await anon('/acl-writer/pub', { method: 'PUT', body: 'x' })).status, 403);
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'acl-writer', Key: 'pub' }));
    assert.deepEqual(
      acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.ID ?? g.Grantee?.URI, g.Permission]),
      [
        ['CanonicalUser', canonicalUserId(TEST_ACCOUNT_ID), 'FULL_CONTROL'],
        ['Group', ALL_USERS, 'READ'],
      ],
    );
  });

  it('PutObjectAcl changes who may read', async () => {
    await s3.send(new PutObjectAclCommand({ Bucket: 'acl-writer', Key: 'priv', ACL: 'public-read' }));
    assert.equal((await anon('/acl-writer/priv')).status, 200);
    await s3.send(new PutObjectAclCommand({ Bucket: 'acl-writer', Key: 'priv', ACL: 'private' }));
    assert.equal((await anon('/acl-writer/priv')).status, 403);
  });

  it('bucket ACLs: public-read lists, public-read-write writes', async () => {
    assert.equal((await anon('/acl-writer')).status, 403);
    await s3.send(new PutBucketAclCommand({ Bucket: 'acl-writer', ACL: 'public-read' }));
    assert.equal((await anon('/acl-writer')).status, 200);
    assert.equal((await anon('/acl-writer/anon-put', { method: 'PUT', body: 'x' })).status, 403);
    await s3.send(new PutBucketAclCommand({ Bucket: 'acl-writer', ACL: 'public-read-write' }));
    assert.equal((await anon('/acl-writer/anon-put', { method: 'PUT', body: 'x' })).status, 200);
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'acl-writer' }));
    assert.deepEqual(
      acl.Grants?.map((g) => g.Permission),
      ['FULL_CONTROL', 'READ', 'WRITE'],
    );
    await s3.send(new PutBucketAclCommand({ Bucket: 'acl-writer', ACL: 'private' }));
    assert.equal((await anon('/acl-writer')).status, 403);
  });

  it('grant headers and the AccessControlPolicy body set the grants GetBucketAcl returns', async () => {
    await s3.send(new PutBucketAclCommand({ Bucket: 'acl-writer', GrantRead: `uri="${ALL_USERS}"` }));
    assert.equal((await anon('/acl-writer')).status, 200);
    const me = canonicalUserId(TEST_ACCOUNT_ID);
    const other = canonicalUserId('444455556666');
    await s3.send(
      new PutBucketAclCommand({
        Bucket: 'acl-writer',
        AccessControlPolicy: {
          Owner: { ID: me },
          Grants: [
            { Grantee: { Type: 'CanonicalUser', ID: me }, Permission: 'FULL_CONTROL' },
            { Grantee: { Type: 'CanonicalUser', ID: other }, Permission: 'READ_ACP' },
          ],
        },
      }),
    );
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'acl-writer' }));
    assert.deepEqual(
      acl.Grants?.map((g) => [g.Grantee?.ID, g.Permission]),
      [
        [me, 'FULL_CONTROL'],
        [other, 'READ_ACP'],
      ],
    );
    assert.equal((await anon('/acl-writer')).status, 403);
  });

  it('rejects malformed ACLs without a 500', async () => {
    const bad = await signedFetch(server, 'PUT', '/acl-writer?acl', { body: '<AccessControlPolicy><Owner>' });
    assert.equal(bad.status, 400);
    assert.equal(errorOf(bad.text).code, 'MalformedACLError');
    const noOwner = await signedFetch(server, 'PUT', '/acl-writer?acl', {
      body: '<AccessControlPolicy><AccessControlList/></AccessControlPolicy>',
    });
    assert.equal(errorOf(noOwner.text).code, 'MalformedACLError');
    const canned = await signedFetch(server, 'PUT', '/acl-writer?acl', {
      headers: { 'x-amz-acl': 'everyone' },
    });
    assert.equal(canned.status, 400);
    assert.equal(errorOf(canned.text).code, 'InvalidArgument');
    const both = await signedFetch(server, 'PUT', '/acl-writer?acl', {
      headers: { 'x-amz-acl': 'private', 'x-amz-grant-read': `uri="${ALL_USERS}"` },
    });
    assert.equal(errorOf(both.text).code, 'InvalidRequest');
    const email = await signedFetch(server, 'PUT', '/acl-writer?acl', {
      headers: { 'x-amz-grant-read': 'emailAddress="a@example.com"' },
    });
    assert.equal(errorOf(email.text).code, 'UnresolvableGrantByEmailAddress');
  });

  it('an explicit Deny in the bucket policy beats an ACL grant', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: 'acl-writer', Key: 'denied', Body: 'x', ACL: 'public-read' }),
    );
    assert.equal((await anon('/acl-writer/denied')).status, 200);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'acl-writer',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::acl-writer/denied',
            },
          ],
        }),
      }),
    );
    const res = await anon('/acl-writer/denied');
    assert.equal(res.status, 403);
    assert.equal(errorOf(await res.text()).code, 'AccessDenied');
    assert.equal((await anon('/acl-writer/pub')).status, 200);
  });

  it('a public grant does not rescue an IAM user whose own policies allow nothing', async () => {
    const iam = new IAMClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
    try {
      await iam.send(new CreateUserCommand({ UserName: 'acl-nobody' }));
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'acl-nobody' }));
      const user = server.client({
        credentials: {
          accessKeyId: key.AccessKey?.AccessKeyId ?? '',
          secretAccessKey: key.AccessKey?.SecretAccessKey ?? '',
        },
      });
      // S3's user-context evaluation: the user's account must allow it before any grant counts.
      await expectS3Error(
        user.send(new GetObjectCommand({ Bucket: 'acl-writer', Key: 'pub' })),
        'AccessDenied',
        403,
      );
      assert.equal((await anon('/acl-writer/pub')).status, 200);
    } finally {
      iam.destroy();
    }
  });

  it('BucketOwnerPreferred stores ACLs too', async () => {
    await bucket('acl-preferred', 'BucketOwnerPreferred');
    await s3.send(
      new PutObjectCommand({ Bucket: 'acl-preferred', Key: 'k', Body: 'x', ACL: 'authenticated-read' }),
    );
    assert.equal((await anon('/acl-preferred/k')).status, 403);
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'acl-preferred', Key: 'k' }));
    assert.equal(acl.Grants?.[1]?.Grantee?.URI, 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers');
  });
});
