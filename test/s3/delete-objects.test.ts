// DeleteObjects (POST ?delete): quiet and verbose answers, integrity header required, XML errors.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf, signedFetch } from './helpers.js';

let server: TestServer;
let s3: S3Client;
const B = 'delete-many';

before(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: B }));
});
after(() => server.close());

const put = (Key: string) => s3.send(new PutObjectCommand({ Bucket: B, Key, Body: Key }));
const keys = async () =>
  (await s3.send(new ListObjectsV2Command({ Bucket: B }))).Contents?.map((o) => o.Key) ?? [];
const md5 = (s: string) => createHash('md5').update(s).digest('base64');

describe('DeleteObjects', () => {
  it('deletes several keys, reporting each (missing keys count as deleted)', async () => {
    for (const k of ['one', 'two', 'three']) await put(k);
    const res = await s3.send(
      new DeleteObjectsCommand({
        Bucket: B,
        Delete: { Objects: [{ Key: 'one' }, { Key: 'two' }, { Key: 'never-was' }] },
      }),
    );
    assert.deepEqual(res.Deleted?.map((d) => d.Key).sort(), ['never-was', 'one', 'two']);
    assert.equal(res.Errors, undefined);
    assert.deepEqual(await keys(), ['three']);
  });

  it('answers nothing but errors in quiet mode', async () => {
    await put('quiet');
    const res = await s3.send(
      new DeleteObjectsCommand({ Bucket: B, Delete: { Quiet: true, Objects: [{ Key: 'quiet' }] } }),
    );
    assert.equal(res.Deleted, undefined);
    assert.ok(!(await keys()).includes('quiet'));
  });

  it('keeps keys with XML-special characters intact', async () => {
    const key = 'a&b <c> "d" \'e\'';
    await put(key);
    const res = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: key }] } }));
    assert.equal(res.Deleted?.[0]?.Key, key);
  });

  it('requires Content-MD5 (or an x-amz-checksum-*) and checks it', async () => {
    const body = '<Delete><Object><Key>three</Key></Object></Delete>';
    const missing = await signedFetch(server, 'POST', `/${B}?delete`, { body });
    assert.equal(missing.status, 400);
    assert.equal(errorOf(missing.text).code, 'InvalidRequest');
    const wrong = await signedFetch(server, 'POST', `/${B}?delete`, {
      body,
      headers: { 'content-md5': md5('other') },
    });
    assert.equal(errorOf(wrong.text).code, 'BadDigest');
    assert.deepEqual(await keys(), ['three']);
    const ok = await signedFetch(server, 'POST', `/${B}?delete`, {
      body,
      headers: { 'content-md5': md5(body) },
    });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /<Deleted><Key>three<\/Key><\/Deleted>/);
  });

  it('refuses malformed, empty and oversized requests (MalformedXML)', async () => {
    const tooMany = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`;
    for (const body of [
      '<Delete>',
      '<Delete></Delete>',
      '<Delete><Object></Object></Delete>',
      '<NotDelete/>',
      tooMany,
      '<!DOCTYPE x [<!ENTITY e "boom">]><Delete><Object><Key>&e;</Key></Object></Delete>',
    ]) {
      const res = await signedFetch(server, 'POST', `/${B}?delete`, {
        body,
        headers: { 'content-md5': md5(body) },
      });
      assert.equal(res.status, 400, body.slice(0, 40));
      assert.equal(errorOf(res.text).code, 'MalformedXML', body.slice(0, 40));
    }
  });
});
