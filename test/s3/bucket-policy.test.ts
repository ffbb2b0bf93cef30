// Bucket policies end to end: Get/Put/Delete, validation by the policy engine, anonymous access
// granted by a policy, a Deny that stops even the root user (with the engine's message), the
// owner's lock-out protection, condition keys built from the request, and the decision log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
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

const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const putPolicy = (Bucket: string, text: string) =>
  s3.send(new PutBucketPolicyCommand({ Bucket, Policy: text }));
async function bucketWith(name: string, objects: Record<string, string> = {}): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  for (const [Key, Body] of Object.entries(objects))
    await s3.send(new PutObjectCommand({ Bucket: name, Key, Body }));
}
const anon = (path: string, init: RequestInit = {}) => fetch(new URL(path, server.url), init);

describe('bucket policy operations', () => {
  before(() => bucketWith('policy-ops'));

  it('stores, returns and deletes a policy', async () => {
    await expectS3Error(
      s3.send(new GetBucketPolicyCommand({ Bucket: 'policy-ops' })),
      'NoSuchBucketPolicy',
      404,
    );
    const text = policy({
      Sid: 'Read',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::policy-ops/*',
    });
    await putPolicy('policy-ops', text);
    const got = await s3.send(new GetBucketPolicyCommand({ Bucket: 'policy-ops' }));
    assert.deepEqual(JSON.parse(got.Policy ?? ''), JSON.parse(text));
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'policy-ops' }));
    await expectS3Error(
      s3.send(new GetBucketPolicyCommand({ Bucket: 'policy-ops' })),
      'NoSuchBucketPolicy',
      404,
    );
  });

  for (const [what, text] of [
    ['not JSON', '{"Version": "2012-10-17", "Statement": ['],
    [
      'no Principal',
      policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::policy-ops/*' }),
    ],
    [
      'a bad Effect',
      policy({
        Effect: 'Maybe',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::policy-ops/*',
      }),
    ],
    [
      'a resource outside the bucket',
      policy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::other-bucket/*',
      }),
    ],
    ['an empty body', ' '],
    [
      'more than 20 KB',
      policy({
        Sid: 'x'.repeat(21 * 1024),
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::policy-ops/*',
      }),
    ],
  ]) {
    it(`refuses a policy with ${what} (MalformedPolicy)`, async () => {
      const err = await expectS3Error(putPolicy('policy-ops', text as string), 'MalformedPolicy', 400);
      assert.ok(err.message.length > 0);
    });
  }

  it("says what is wrong, in the parser's words", async () => {
    const res = await signedFetch(server, 'PUT', '/policy-ops?policy', {
      body: policy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::policy-ops/*',
        Condition: { StringEqualz: { 'aws:SourceIp': '1' } },
      }),
    });
    const { code, message } = errorOf(res.text);
    assert.equal(code, 'MalformedPolicy');
    assert.match(message ?? '', /StringEqualz/);
  });
});

describe('anonymous access', () => {
  before(async () => {
    await bucketWith('public-read', { 'doc.txt': 'public words', 'private/x': 'hidden' });
  });

  it('is denied without a policy, and the error names the request', async () => {
    const res = await anon('/public-read/doc.txt');
    assert.equal(res.status, 403);
    const err = errorOf(await res.text());
    assert.equal(err.code, 'AccessDenied');
    assert.equal(err.message, 'Access Denied');
    assert.equal(err.requestId, res.headers.get('x-amz-request-id'));
  });

  it('is allowed by a policy naming Principal "*", only where the policy says', async () => {
    await putPolicy(
      'public-read',
      policy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::public-read/doc.txt',
      }),
    );
    const ok = await anon('/public-read/doc.txt');
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'public words');
    assert.equal((await anon('/public-read/doc.txt', { method: 'HEAD' })).status, 200);
    assert.equal((await anon('/public-read/private/x')).status, 403);
    assert.equal((await anon('/public-read/doc.txt', { method: 'PUT', body: 'defaced' })).status, 403);
    assert.equal((await anon('/public-read/doc.txt', { method: 'DELETE' })).status, 403);
    assert.equal((await anon('/public-read?list-type=2')).status, 403);
  });

  it('hides whether a key exists from callers who may not list (403, not 404)', async () => {
    await putPolicy(
      'public-read',
      policy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::public-read/*',
      }),
    );
    assert.equal((await anon('/public-read/nope')).status, 403);
    await putPolicy(
      'public-read',
      policy(
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public-read/*' },
        { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::public-read' },
      ),
    );
    const missing = await anon('/public-read/nope');
    assert.equal(missing.status, 404);
    assert.equal(errorOf(await missing.text()).code, 'NoSuchKey');
    const list = await anon('/public-read?list-type=2');
    assert.equal(list.status, 200);
    assert.match(await list.text(), /<Key>doc.txt<\/Key>/);
  });

  it('refuses response-* overrides on anonymous GETs (InvalidRequest)', async () => {
    const res = await anon('/public-read/doc.txt?response-content-type=text/html');
    assert.equal(res.status, 400);
    assert.equal(errorOf(await res.text()).code, 'InvalidRequest');
  });

  it('evaluates condition keys taken from the request (s3:prefix, aws:SourceIp, aws:SecureTransport)', async () => {
    await bucketWith('conditional', { 'home/a': '1', 'other/b': '2' });
    await putPolicy(
      'conditional',
      policy(
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::conditional',
          Condition: { StringLike: { 's3:prefix': 'home/*' } },
        },
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::conditional/*',
          Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } },
        },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::conditional/other/*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ),
    );
    assert.equal((await anon('/conditional?list-type=2&prefix=home/')).status, 200);
    assert.equal((await anon('/conditional?list-type=2&prefix=other/')).status, 403);
    assert.equal((await anon('/conditional?list-type=2')).status, 403);
    assert.equal((await anon('/conditional/home/a')).status, 200);
    assert.equal((await anon('/conditional/other/b')).status, 403);
  });
});

describe('a Deny in the bucket policy', () => {
  before(() => bucketWith('locked', { 'locked/file': 'kept', 'open/file': 'free' }));

  it("stops even the root user, with the engine's message, and records the decision", async () => {
    await putPolicy(
      'locked',
      policy({
        Sid: 'NoWrites',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:PutObject', 's3:DeleteObject'],
        Resource: 'arn:aws:s3:::locked/locked/*',
      }),
    );
    const err = await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: 'locked', Key: 'locked/file', Body: 'overwrite' })),
      'AccessDenied',
      403,
    );
    assert.equal(
      err.message,
      'User: arn:aws:iam::111122223333:root is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::locked/locked/file" with an explicit deny in a resource-based policy',
    );
    const requestId = err.$metadata?.requestId ?? '';
    assert.match(requestId, /^[0-9A-F]{16}$/);
    const record = server.server?.services.decisions.get(requestId);
    assert.equal(record?.operation, 'PutObject');
    assert.equal(record?.decisions[0]?.decision.decision, 'ExplicitlyDenied');
    assert.equal(record?.decisions[0]?.decision.statement, 'NoWrites');
    const traced = server.server?.services.decisions.explain(requestId);
    assert.equal(traced?.explanations[0]?.policies[0]?.decidingStatement, 'NoWrites');

    // Everything the Deny does not cover still works for root.
    await s3.send(new PutObjectCommand({ Bucket: 'locked', Key: 'open/file', Body: 'changed' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'locked', Key: 'locked/file' }));
    assert.equal(await got.Body?.transformToString(), 'kept');
  });

  it('reports denied keys one by one in DeleteObjects', async () => {
    const res = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'locked',
        Delete: { Objects: [{ Key: 'locked/file' }, { Key: 'open/file' }] },
      }),
    );
    assert.deepEqual(
      res.Deleted?.map((d) => d.Key),
      ['open/file'],
    );
    assert.equal(res.Errors?.[0]?.Key, 'locked/file');
    assert.equal(res.Errors?.[0]?.Code, 'AccessDenied');
    assert.match(res.Errors?.[0]?.Message ?? '', /explicit deny in a resource-based policy/);
  });

  it("cannot lock the owner's root user out of the policy itself", async () => {
    await putPolicy(
      'locked',
      policy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::locked', 'arn:aws:s3:::locked/*'],
      }),
    );
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: 'locked', Key: 'locked/file' })),
      'AccessDenied',
      403,
    );
    const got = await s3.send(new GetBucketPolicyCommand({ Bucket: 'locked' }));
    assert.match(got.Policy ?? '', /"Deny"/);
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'locked' }));
    const back = await s3.send(new GetObjectCommand({ Bucket: 'locked', Key: 'locked/file' }));
    assert.equal(await back.Body?.transformToString(), 'kept');
  });

  it('covers the copy source too (CopyObject needs s3:GetObject on the source)', async () => {
    await bucketWith('copy-guard', { 'secret/s': 'secret' });
    await putPolicy(
      'copy-guard',
      policy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::copy-guard/secret/*',
      }),
    );
    const { CopyObjectCommand } = await import('@aws-sdk/client-s3');
    const err = await expectS3Error(
      s3.send(new CopyObjectCommand({ Bucket: 'locked', Key: 'stolen', CopySource: 'copy-guard/secret/s' })),
      'AccessDenied',
      403,
    );
    assert.match(
      err.message,
      /s3:GetObject on resource: "arn:aws:s3:::copy-guard\/secret\/s" with an explicit deny/,
    );
  });
});
