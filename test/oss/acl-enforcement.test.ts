// OSS ACLs grant as OSS does: public-read / public-read-write on the bucket, an object's own ACL
// over its bucket's (`default` inherits), anonymous callers and RAM users without a policy let in
// by a public ACL, and an explicit Deny in the bucket policy still winning.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { startTestServer, type TestServer } from '../support/server.js';
import { ossClient, rejection } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

/** An anonymous OSS-shaped request (an x-oss-* header, no signature). */
function anonymous(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    ...init,
    headers: { 'x-oss-date': new Date().toUTCString(), ...(init.headers as Record<string, string>) },
  });
}

async function messageOf(res: Response): Promise<string> {
  return /<Message>([^<]*)<\/Message>/.exec(await res.text())?.[1] ?? '';
}

test('public-read bucket: anyone reads and lists, nobody anonymous writes; a private object stays private', async () => {
  const owner = ossClient(server);
  await owner.putBucket('oss-acl-read', { acl: 'public-read' });
  owner.useBucket('oss-acl-read');
  await owner.put('open.txt', Buffer.from('open'));
  await owner.put('closed.txt', Buffer.from('closed'), { headers: { 'x-oss-object-acl': 'private' } });

  const got = await anonymous('/oss-acl-read/open.txt');
  assert.equal(got.status, 200);
  assert.equal(await got.text(), 'open');
  const listed = await anonymous('/oss-acl-read/');
  assert.equal(listed.status, 200);
  assert.match(await listed.text(), /<Key>open\.txt<\/Key>/);

  const closed = await anonymous('/oss-acl-read/closed.txt');
  assert.equal(closed.status, 403);
  assert.equal(await messageOf(closed), 'You have no right to access this object because of bucket acl.');
  const put = await anonymous('/oss-acl-read/new.txt', { method: 'PUT', body: 'x' });
  assert.equal(put.status, 403);
  assert.equal(await messageOf(put), 'You have no right to access this object because of bucket acl.');
  // A missing key in a public bucket is NoSuchKey (anyone may list it), not a refusal.
  const missing = await anonymous('/oss-acl-read/nothing-here.txt');
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /<Code>NoSuchKey<\/Code>/);
  // ACL operations are never granted by a public ACL.
  const acl = await anonymous('/oss-acl-read/?acl');
  assert.equal(acl.status, 403);
  assert.equal(await messageOf(acl), 'Anonymous access is forbidden for this operation.');

  // Back to private: the same read is refused.
  await owner.putBucketACL('oss-acl-read', 'private');
  const after = await anonymous('/oss-acl-read/open.txt');
  assert.equal(after.status, 403);
  await after.arrayBuffer();
});

test('object ACL over bucket ACL: a public-read object in a private bucket, default inheriting', async () => {
  const owner = ossClient(server);
  await owner.putBucket('oss-acl-object');
  owner.useBucket('oss-acl-object');
  await owner.put('shared.txt', Buffer.from('shared'));
  const before = await anonymous('/oss-acl-object/shared.txt');
  assert.equal(before.status, 403);
  await before.arrayBuffer();
  await owner.putACL('shared.txt', 'public-read');
  const res = await anonymous('/oss-acl-object/shared.txt');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'shared');
  // HEAD through the same grant.
  assert.equal((await anonymous('/oss-acl-object/shared.txt', { method: 'HEAD' })).status, 200);
  await owner.putACL('shared.txt', 'default');
  const inherited = await anonymous('/oss-acl-object/shared.txt');
  assert.equal(inherited.status, 403);
  await inherited.arrayBuffer();
  // A public-read-write object can be overwritten by anyone, even in a private bucket.
  await owner.putACL('shared.txt', 'public-read-write');
  const overwrite = await anonymous('/oss-acl-object/shared.txt', { method: 'PUT', body: 'anyone' });
  assert.equal(overwrite.status, 200, await overwrite.clone().text());
  assert.equal((await owner.get('shared.txt')).content.toString(), 'anyone');
});

test('public-read-write bucket: anonymous writes and deletes; a bucket policy Deny still wins', async () => {
  const owner = ossClient(server);
  await owner.putBucket('oss-acl-write', { acl: 'public-read-write' });
  owner.useBucket('oss-acl-write');
  const put = await anonymous('/oss-acl-write/drop.txt', { method: 'PUT', body: 'dropped' });
  assert.equal(put.status, 200, await put.clone().text());
  assert.equal((await owner.get('drop.txt')).content.toString(), 'dropped');
  const del = await anonymous('/oss-acl-write/drop.txt', { method: 'DELETE' });
  assert.equal(del.status, 204);
  // DeleteMultipleObjects decides key by key, through the same grant.
  await owner.put('a.txt', Buffer.from('a'));
  await owner.put('b.txt', Buffer.from('b'));
  const deleteXml =
    '<Delete><Quiet>false</Quiet><Object><Key>a.txt</Key></Object><Object><Key>b.txt</Key></Object></Delete>';
  const multi = await anonymous('/oss-acl-write/?delete', {
    method: 'POST',
    headers: {
      'content-type': 'application/xml',
      'content-md5': createHash('md5').update(deleteXml).digest('base64'),
    },
    body: deleteXml,
  });
  const multiXml = await multi.text();
  assert.equal(multi.status, 200, multiXml);
  assert.match(multiXml, /<Deleted><Key>a\.txt<\/Key><\/Deleted>/);
  assert.doesNotMatch(multiXml, /<Error>/);
  assert.equal((await owner.list(null)).objects?.length ?? 0, 0);
  await owner.putBucketPolicy('oss-acl-write', {
    Version: '1',
    Statement: [
      {
        Effect: 'Deny',
        Principal: ['*'],
        Action: ['oss:PutObject'],
        Resource: ['acs:oss:*:*:oss-acl-write/*'],
      },
    ],
  });
  const denied = await anonymous('/oss-acl-write/drop.txt', { method: 'PUT', body: 'again' });
  assert.equal(denied.status, 403);
  assert.equal(await messageOf(denied), 'Access denied by bucket policy.');
  // Bucket operations are not the ACL's to grant.
  const del2 = await anonymous('/oss-acl-write/', { method: 'DELETE' });
  assert.equal(del2.status, 403);
  await del2.arrayBuffer();
});

test('a RAM user without any policy: refused on a private bucket, let in by a public-read one', async () => {
  const iam = new IAMClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  await iam.send(new CreateUserCommand({ UserName: 'oss-acl-nobody' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'oss-acl-nobody' }))).AccessKey;
  const owner = ossClient(server);
  await owner.putBucket('oss-acl-ram');
  owner.useBucket('oss-acl-ram');
  await owner.put('doc.txt', Buffer.from('doc'));
  const user = ossClient(
    { ...server, accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' },
    { bucket: 'oss-acl-ram' },
  );
  const err = await rejection(user.get('doc.txt'));
  assert.equal(err.code, 'AccessDenied');
  assert.equal(err.message, 'You have no right to access this object because of bucket acl.');
  await owner.putBucketACL('oss-acl-ram', 'public-read');
  assert.equal((await user.get('doc.txt')).content.toString(), 'doc');
  const put = await rejection(user.put('other.txt', Buffer.from('x')));
  assert.equal(put.message, 'You have no right to access this object because of bucket acl.');
  // The grant is in the decision log, next to the policies' implicit deny.
  const head = await user.head('doc.txt');
  const id = head.res.headers['x-oss-request-id'] ?? '';
  const recorded = server.server?.services.decisions.get(id);
  const last = recorded?.decisions[recorded.decisions.length - 1];
  assert.equal(last?.decision.decision, 'Allowed');
  assert.equal(last?.decision.policyId, 'public-read of bucket');
});
