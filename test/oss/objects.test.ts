// The OSS dialect through ali-oss, V1 and V4 signatures: buckets, objects, lists, copy, append,
// multipart, ACLs, bucket policy (RAM), errors, presigned URLs, and one store shared with S3.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';
import { ossClient, rejection } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

for (const v4 of [false, true]) {
  const label = v4 ? 'V4' : 'V1';
  const bucketName = `oss-${label.toLowerCase()}-bucket`;
  describe(`ali-oss with ${label} signatures`, () => {
    test('bucket lifecycle: create, list, info, location, delete', async () => {
      const client = ossClient(server, { v4 });
      const created = await client.putBucket(bucketName);
      assert.equal(created.bucket, bucketName);
      assert.ok(created.res.headers['x-oss-request-id']);
      const { buckets } = await client.listBuckets();
      assert.ok(buckets?.some((b) => b.name === bucketName));
      const info = await client.getBucketInfo(bucketName);
      assert.equal(info.bucket.Name, bucketName);
      const loc = await client.getBucketLocation(bucketName);
      assert.match(String(loc.location), /^oss-/);
      const tmp = `${bucketName}-tmp`;
      await client.putBucket(tmp);
      await client.deleteBucket(tmp);
      const err = await rejection(client.getBucketInfo(tmp));
      assert.equal(err.code, 'NoSuchBucket');
      assert.equal(err.status, 404);
    });

    test('put, get (range, conditionals), head, getObjectMeta, delete', async () => {
      const client = ossClient(server, { v4, bucket: bucketName });
      const body = Buffer.from('hello oss world');
      const put = await client.put('dir/hello.txt', body, { meta: { color: 'blue' }, mime: 'text/plain' });
      const md5 = createHash('md5').update(body).digest('hex').toUpperCase();
      assert.equal(put.res.headers['etag'], `"${md5}"`);
      assert.match(put.res.headers['x-oss-hash-crc64ecma'] ?? '', /^\d+$/);
      const got = await client.get('dir/hello.txt');
      assert.equal(got.content.toString(), 'hello oss world');
      assert.equal(got.res.headers['x-oss-meta-color'], 'blue');
      assert.equal(got.res.headers['x-oss-object-type'], 'Normal');
      const ranged = await client.get('dir/hello.txt', { headers: { Range: 'bytes=6-8' } });
      assert.equal(ranged.content.toString(), 'oss');
      const err412 = await rejection(client.get('dir/hello.txt', { headers: { 'If-Match': '"0000"' } }));
      assert.equal(err412.status, 412);
      const head = await client.head('dir/hello.txt');
      assert.equal(head.meta?.['color'], 'blue');
      assert.equal(head.res.headers['content-length'], String(body.length));
      const meta = await client.getObjectMeta('dir/hello.txt');
      assert.equal(meta.status, 200);
      assert.equal(meta.res.headers['etag'], `"${md5}"`);
      await client.delete('dir/hello.txt');
      const missing = await rejection(client.head('dir/hello.txt'));
      assert.equal(missing.code, 'NoSuchKey');
      assert.equal(missing.status, 404);
      const missingGet = await rejection(client.get('dir/hello.txt'));
      assert.equal(missingGet.code, 'NoSuchKey');
      assert.equal(missingGet.ecCode, '0026-00000001');
    });

    test('list: prefix, delimiter, marker, max-keys, V2', async () => {
      const client = ossClient(server, { v4, bucket: bucketName });
      for (const k of ['l/a', 'l/b', 'l/c/1', 'l/c/2', 'l/d']) await client.put(k, Buffer.from(k));
      const all = await client.list({ prefix: 'l/', 'max-keys': 100 });
      assert.deepEqual(
        all.objects.map((o) => o.name),
        ['l/a', 'l/b', 'l/c/1', 'l/c/2', 'l/d'],
      );
      assert.match(all.objects[0]?.etag ?? '', /^"[0-9A-F]{32}"$/);
      const grouped = await client.list({ prefix: 'l/', delimiter: '/', 'max-keys': 100 });
      assert.deepEqual(grouped.prefixes, ['l/c/']);
      assert.deepEqual(
        grouped.objects.map((o) => o.name),
        ['l/a', 'l/b', 'l/d'],
      );
      const page = await client.list({ prefix: 'l/', 'max-keys': 2 });
      assert.equal(page.isTruncated, true);
      assert.equal(page.objects.length, 2);
      const rest = await client.list({ prefix: 'l/', marker: page.nextMarker ?? '', 'max-keys': 100 });
      assert.deepEqual(
        rest.objects.map((o) => o.name),
        ['l/c/1', 'l/c/2', 'l/d'],
      );
      const v2 = await client.listV2({ prefix: 'l/', 'max-keys': 3 });
      assert.equal(v2.objects.length, 3);
      assert.equal(v2.isTruncated, true);
      const v2rest = await client.listV2({
        prefix: 'l/',
        'continuation-token': v2.nextContinuationToken ?? '',
      });
      assert.deepEqual(
        v2rest.objects.map((o) => o.name),
        ['l/c/2', 'l/d'],
      );
      const del = await client.deleteMulti(['l/a', 'l/b', 'l/c/1', 'l/c/2', 'l/d']);
      assert.equal(del.deleted.length, 5);
      assert.equal((await client.list({ prefix: 'l/' })).objects.length, 0);
    });

    test('copy and append', async () => {
      const client = ossClient(server, { v4, bucket: bucketName });
      await client.put('src.txt', Buffer.from('copy me'), { meta: { a: '1' } });
      const copied = await client.copy('dst.txt', 'src.txt');
      assert.match(copied.data.etag, /^"[0-9A-F]{32}"$/);
      assert.equal((await client.get('dst.txt')).content.toString(), 'copy me');
      assert.equal((await client.head('dst.txt')).meta?.['a'], '1');

      const first = await client.append('log.txt', Buffer.from('123'));
      assert.equal(first.nextAppendPosition, '3');
      const second = await client.append('log.txt', Buffer.from('456789'), {
        position: first.nextAppendPosition,
      });
      assert.equal(second.nextAppendPosition, '9');
      // CRC-64/ECMA of "123456789", continued across the two appends.
      assert.equal(second.res.headers['x-oss-hash-crc64ecma'], '11051210869376104954');
      const got = await client.get('log.txt');
      assert.equal(got.content.toString(), '123456789');
      assert.equal(got.res.headers['x-oss-object-type'], 'Appendable');
      const wrong = await rejection(client.append('log.txt', Buffer.from('x'), { position: 4 }));
      assert.equal(wrong.code, 'PositionNotEqualToLength');
      assert.equal(wrong.status, 409);
      const notAppendable = await rejection(client.append('src.txt', Buffer.from('x'), { position: 7 }));
      assert.equal(notAppendable.code, 'ObjectNotAppendable');
    });

    test('multipart upload of a few MiB, list and abort', async () => {
      const client = ossClient(server, { v4, bucket: bucketName });
      const data = Buffer.alloc(3 * 1024 * 1024 + 123);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
      const up = await client.multipartUpload('big.bin', data, { partSize: 1024 * 1024, parallel: 2 });
      assert.match(up.res.headers['etag'] ?? '', /^"[0-9A-F]{32}-4"$/);
      const got = await client.get('big.bin');
      assert.equal(got.content.length, data.length);
      assert.ok(got.content.equals(data));
      assert.equal(got.res.headers['x-oss-object-type'], 'Multipart');

      const { uploadId } = await client.initMultipartUpload('pending.bin');
      const uploads = await client.listUploads({});
      assert.ok(uploads.uploads.some((u) => u.uploadId === uploadId));
      const parts = await client.listParts('pending.bin', uploadId);
      assert.equal(parts.parts.length, 0);
      await client.abortMultipartUpload('pending.bin', uploadId);
      const gone = await rejection(client.listParts('pending.bin', uploadId));
      assert.equal(gone.code, 'NoSuchUpload');
    });

    test('bucket and object ACLs', async () => {
      const client = ossClient(server, { v4, bucket: bucketName });
      assert.equal((await client.getBucketACL(bucketName)).acl, 'private');
      await client.putBucketACL(bucketName, 'public-read');
      assert.equal((await client.getBucketACL(bucketName)).acl, 'public-read');
      await client.putBucketACL(bucketName, 'private');
      await client.put('acl.txt', Buffer.from('x'));
      assert.equal((await client.getACL('acl.txt')).acl, 'default');
      await client.putACL('acl.txt', 'public-read');
      assert.equal((await client.getACL('acl.txt')).acl, 'public-read');
      const bad = await rejection(client.putACL('acl.txt', 'everyone'));
      assert.equal(bad.code, 'InvalidArgument');
    });
  });
}
