// ListObjects V1 and V2: prefix, delimiter, paging with marker / continuation token /
// start-after, encoding-type=url, fetch-owner, and their argument errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf, expectS3Error, signedFetch } from './helpers.js';

let server: TestServer;
let s3: S3Client;
const B = 'listing';
const KEYS = ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'd/4.txt', 'e.txt', 'f g/5.txt', 'z'];

before(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: B }));
  for (const Key of KEYS) await s3.send(new PutObjectCommand({ Bucket: B, Key, Body: Key }));
});
after(() => server.close());

describe('ListObjectsV2', () => {
  it('lists everything in key order with sizes and ETags', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: B }));
    assert.deepEqual(
      res.Contents?.map((o) => o.Key),
      KEYS,
    );
    assert.equal(res.KeyCount, KEYS.length);
    assert.equal(res.IsTruncated, false);
    assert.equal(res.Contents?.[0]?.Size, 5);
    assert.match(res.Contents?.[0]?.ETag ?? '', /^"[0-9a-f]{32}"$/);
    assert.equal(res.Contents?.[0]?.Owner, undefined); // only with fetch-owner
  });

  it('rolls keys up into common prefixes with a delimiter', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: B, Delimiter: '/' }));
    assert.deepEqual(
      res.Contents?.map((o) => o.Key),
      ['a.txt', 'e.txt', 'z'],
    );
    assert.deepEqual(
      res.CommonPrefixes?.map((p) => p.Prefix),
      ['b/', 'd/', 'f g/'],
    );
    const inner = await s3.send(new ListObjectsV2Command({ Bucket: B, Delimiter: '/', Prefix: 'b/' }));
    assert.deepEqual(
      inner.Contents?.map((o) => o.Key),
      ['b/1.txt', 'b/2.txt'],
    );
    assert.deepEqual(
      inner.CommonPrefixes?.map((p) => p.Prefix),
      ['b/c/'],
    );
  });

  it('pages with continuation tokens, counting prefixes against max-keys', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res: ListObjectsV2CommandOutput = await s3.send(
        new ListObjectsV2Command({ Bucket: B, Delimiter: '/', MaxKeys: 2, ContinuationToken: token }),
      );
      seen.push(
        ...(res.Contents?.map((o) => o.Key ?? '') ?? []),
        ...(res.CommonPrefixes?.map((p) => p.Prefix ?? '') ?? []),
      );
      assert.ok((res.KeyCount ?? 0) <= 2);
      token = res.NextContinuationToken;
      assert.equal(res.IsTruncated, token !== undefined);
      pages++;
    } while (token !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual(seen.sort(), ['a.txt', 'b/', 'd/', 'e.txt', 'f g/', 'z']);
  });

  it('starts after a key and returns the owner when asked', async () => {
    const res = await s3.send(
      new ListObjectsV2Command({ Bucket: B, StartAfter: 'd/4.txt', FetchOwner: true }),
    );
    assert.deepEqual(
      res.Contents?.map((o) => o.Key),
      ['e.txt', 'f g/5.txt', 'z'],
    );
    assert.equal(res.StartAfter, 'd/4.txt');
    assert.match(res.Contents?.[0]?.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
  });

  it('url-encodes keys and prefixes with encoding-type=url', async () => {
    const raw = await signedFetch(server, 'GET', `/${B}?list-type=2&encoding-type=url&prefix=f%20g/`);
    assert.match(raw.text, /<Key>f\+g\/5.txt<\/Key>/);
    assert.match(raw.text, /<Prefix>f\+g\/<\/Prefix>/);
    assert.match(raw.text, /<EncodingType>url<\/EncodingType>/);
    // The SDK decodes them back.
    const res = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'f g/', EncodingType: 'url' }));
    assert.ok(res.Contents?.length === 1);
  });

  it('returns nothing, untruncated, for max-keys=0', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: B, MaxKeys: 0 }));
    assert.equal(res.KeyCount, 0);
    assert.equal(res.IsTruncated, false);
  });

  it('rejects bad arguments with InvalidArgument', async () => {
    await expectS3Error(
      s3.send(new ListObjectsV2Command({ Bucket: B, ContinuationToken: '!!not-a-token' })),
      'InvalidArgument',
      400,
    );
    for (const q of ['max-keys=-1', 'max-keys=abc', 'encoding-type=base64', 'continuation-token=']) {
      const raw = await signedFetch(server, 'GET', `/${B}?list-type=2&${q}`);
      assert.equal(raw.status, 400, q);
      assert.equal(errorOf(raw.text).code, 'InvalidArgument', q);
    }
  });
});

describe('ListObjects (V1)', () => {
  it('pages with markers and reports NextMarker with a delimiter', async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: B, MaxKeys: 3 }));
    assert.deepEqual(
      first.Contents?.map((o) => o.Key),
      ['a.txt', 'b/1.txt', 'b/2.txt'],
    );
    assert.equal(first.IsTruncated, true);
    assert.ok(first.Contents?.[0]?.Owner?.ID); // V1 always lists the owner
    const second = await s3.send(new ListObjectsCommand({ Bucket: B, MaxKeys: 3, Marker: 'b/2.txt' }));
    assert.deepEqual(
      second.Contents?.map((o) => o.Key),
      ['b/c/3.txt', 'd/4.txt', 'e.txt'],
    );
    const delimited = await s3.send(new ListObjectsCommand({ Bucket: B, Delimiter: '/', MaxKeys: 2 }));
    assert.equal(delimited.IsTruncated, true);
    assert.equal(delimited.NextMarker, 'b/');
  });
});
