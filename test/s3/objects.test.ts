// Object operations through @aws-sdk/client-s3 (and raw requests where the SDK would not send
// the mistake): put/get/head/delete, metadata, integrity headers, ranges, conditionals, copies,
// odd keys, and bodies that never arrive whole.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { signV4 } from '../../src/auth/index.js';
import { crc32 } from '../../src/store/checksums.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf, expectS3Error, expectStatus, signedFetch } from './helpers.js';

let server: TestServer;
let s3: S3Client;
const B = 'objects';

before(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: B }));
});
after(() => server.close());

const md5b64 = (s: string | Buffer) => createHash('md5').update(s).digest('base64');
const crc32b64 = (s: string) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(0, Buffer.from(s)));
  return b.toString('base64');
};
const get = async (key: string, extra: Partial<ConstructorParameters<typeof GetObjectCommand>[0]> = {}) => {
  const res = await s3.send(new GetObjectCommand({ Bucket: B, Key: key, ...extra }));
  return { res, body: (await res.Body?.transformToString()) ?? '' };
};

describe('put, get, head, delete', () => {
  it('round-trips a body with its metadata and stored headers', async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: B,
        Key: 'meta.txt',
        Body: 'hello world',
        ContentType: 'text/plain',
        CacheControl: 'max-age=60',
        ContentDisposition: 'attachment; filename="m.txt"',
        ContentLanguage: 'en',
        Metadata: { color: 'blue', Team: 'mobile' },
        StorageClass: 'STANDARD_IA',
        Tagging: 'a=1&b=2',
      }),
    );
    assert.equal(put.ETag, `"${createHash('md5').update('hello world').digest('hex')}"`);
    const { res, body } = await get('meta.txt');
    assert.equal(body, 'hello world');
    assert.equal(res.ContentType, 'text/plain');
    assert.equal(res.CacheControl, 'max-age=60');
    assert.equal(res.ContentDisposition, 'attachment; filename="m.txt"');
    assert.equal(res.ContentLanguage, 'en');
    assert.deepEqual(res.Metadata, { color: 'blue', team: 'mobile' });
    assert.equal(res.StorageClass, 'STANDARD_IA');
    assert.equal(res.TagCount, 2);
    assert.equal(res.ContentLength, 11);
    assert.equal(res.ETag, put.ETag);
    assert.match(res.$metadata.requestId ?? '', /^[0-9A-F]{16}$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'meta.txt' }));
    assert.equal(head.ContentLength, 11);
    assert.deepEqual(head.Metadata, { color: 'blue', team: 'mobile' });
  });

  it('defaults the content type to binary/octet-stream and stores empty objects', async () => {
    await signedFetch(server, 'PUT', `/${B}/empty`, { body: Buffer.alloc(0) });
    const { res, body } = await get('empty');
    assert.equal(body, '');
    assert.equal(res.ContentLength, 0);
    assert.equal(res.ContentType, 'binary/octet-stream');
  });

  it('replaces an object and deletes idempotently', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'replace', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'replace', Body: 'two' }));
    assert.equal((await get('replace')).body, 'two');
    const del = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'replace' }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'replace' }));
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: B, Key: 'replace' })), 'NoSuchKey', 404);
  });

  it('answers HEAD of a missing key with 404 and no body', async () => {
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'missing' })), 'NotFound', 404);
    const raw = await signedFetch(server, 'HEAD', `/${B}/missing`);
    assert.equal(raw.status, 404);
    assert.equal(raw.text, '');
    assert.match(raw.headers.get('x-amz-request-id') ?? '', /^[0-9A-F]{16}$/);
  });

  it('streams a multi-megabyte body sent with Expect: 100-continue', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'big', Body: big }));
    assert.equal(put.ETag, `"${createHash('md5').update(big).digest('hex')}"`);
    const res = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'big' }));
    const back = Buffer.from((await res.Body?.transformToByteArray()) ?? []);
    assert.ok(back.equals(big));
  });

  it('stores a stream body sent aws-chunked with a trailing CRC32', async () => {
    const body = Readable.from([Buffer.from('chunk one, '), Buffer.from('chunk two')]);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: B, Key: 'chunked', Body: body, ContentLength: 20 }),
    );
    assert.equal(put.ChecksumCRC32, crc32b64('chunk one, chunk two'));
    const { res, body: text } = await get('chunked', { ChecksumMode: 'ENABLED' });
    assert.equal(text, 'chunk one, chunk two');
    assert.equal(res.ChecksumCRC32, crc32b64('chunk one, chunk two'));
  });
});

describe('metadata and integrity errors', () => {
  it('refuses user metadata over 2 KB (MetadataTooLarge)', async () => {
    await expectS3Error(
      s3.send(
        new PutObjectCommand({ Bucket: B, Key: 'fat', Body: 'x', Metadata: { big: 'v'.repeat(2100) } }),
      ),
      'MetadataTooLarge',
      400,
    );
    // Exactly at the limit is fine: name (3) + value (2045) = 2048 bytes.
    await s3.send(
      new PutObjectCommand({ Bucket: B, Key: 'fat', Body: 'x', Metadata: { big: 'v'.repeat(2045) } }),
    );
  });

  it('checks Content-MD5 (BadDigest, InvalidDigest) and stores nothing on a mismatch', async () => {
    await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: B, Key: 'md5', Body: 'payload', ContentMD5: md5b64('other') })),
      'BadDigest',
      400,
    );
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: B, Key: 'md5' })), 'NoSuchKey');
    await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: B, Key: 'md5', Body: 'payload', ContentMD5: 'bm90LW1kNQ==' })),
      'InvalidDigest',
      400,
    );
    await s3.send(
      new PutObjectCommand({ Bucket: B, Key: 'md5', Body: 'payload', ContentMD5: md5b64('payload') }),
    );
  });

  it('checks x-amz-checksum-* headers and returns them with checksum mode', async () => {
    await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: B, Key: 'crc', Body: 'data', ChecksumCRC32: crc32b64('atad') })),
      'BadDigest',
      400,
    );
    const sha = createHash('sha256').update('data').digest('base64');
    const put = await s3.send(
      new PutObjectCommand({ Bucket: B, Key: 'sha', Body: 'data', ChecksumSHA256: sha }),
    );
    assert.equal(put.ChecksumSHA256, sha);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'sha', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumSHA256, sha);
    const bad = await signedFetch(server, 'PUT', `/${B}/crc`, {
      body: 'data',
      headers: { 'x-amz-checksum-crc32': 'not base64!' },
    });
    assert.equal(errorOf(bad.text).code, 'InvalidRequest');
    const two = await signedFetch(server, 'PUT', `/${B}/crc`, {
      body: 'data',
      headers: { 'x-amz-checksum-crc32': crc32b64('data'), 'x-amz-checksum-sha256': sha },
    });
    assert.equal(errorOf(two.text).code, 'InvalidRequest');
  });

  it('refuses an unknown storage class and bad tags', async () => {
    const sc = await signedFetch(server, 'PUT', `/${B}/sc`, {
      body: 'x',
      headers: { 'x-amz-storage-class': 'COLD' },
    });
    assert.equal(errorOf(sc.text).code, 'InvalidStorageClass');
    const tags = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&');
    const tagged = await signedFetch(server, 'PUT', `/${B}/tags`, {
      body: 'x',
      headers: { 'x-amz-tagging': tags },
    });
    assert.equal(errorOf(tagged.text).code, 'InvalidTag');
  });

  it('stores nothing when the client disconnects mid-body (Content-Length not reached)', async () => {
    const signed = signV4({
      method: 'PUT',
      url: new URL(`/${B}/truncated`, server.url),
      headers: { 'content-length': '100000' },
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      service: 's3',
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    await new Promise<void>((resolve, reject) => {
      const sock = connect(server.port, '127.0.0.1', () => {
        const head = Object.entries(signed.headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('');
        sock.write(`PUT /${B}/truncated HTTP/1.1\r\n${head}\r\n`);
        sock.write(Buffer.alloc(5000, 1), () => setTimeout(() => sock.destroy(), 50));
      });
      sock.on('close', () => resolve());
      sock.on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 100));
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'truncated' })), 'NotFound', 404);
    assert.deepEqual(await readdir(join(server.dataDir, 'tmp')), []);
  });

  it('answers a signed payload whose hash does not match with XAmzContentSHA256Mismatch', async () => {
    const signed = signV4({
      method: 'PUT',
      url: new URL(`/${B}/sha-mismatch`, server.url),
      body: 'what was signed',
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      service: 's3',
    });
    const headers: Record<string, string> = { ...signed.headers };
    delete headers['host'];
    const res = await fetch(new URL(`/${B}/sha-mismatch`, server.url), {
      method: 'PUT',
      headers,
      body: 'what was sent!!',
    });
    assert.equal(res.status, 400);
    assert.equal(errorOf(await res.text()).code, 'XAmzContentSHA256Mismatch');
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'sha-mismatch' })), 'NotFound');
  });

  it('fails If-None-Match: * when the key exists (conditional write)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'once', Body: '1', IfNoneMatch: '*' }));
    await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: B, Key: 'once', Body: '2', IfNoneMatch: '*' })),
      'PreconditionFailed',
      412,
    );
    assert.equal((await get('once')).body, '1');
  });

  it('lets exactly one of many racing If-None-Match: * writes create the key', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => `writer-${i}`);
    const results = await Promise.allSettled(
      bodies.map((Body) =>
        s3.send(new PutObjectCommand({ Bucket: B, Key: 'race-once', Body, IfNoneMatch: '*' })),
      ),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [bodies[i]] : []));
    assert.equal(won.length, 1, 'one writer wins');
    // The losers were told why: the key existed (412) or another write won meanwhile (409).
    for (const r of results) {
      if (r.status === 'rejected')
        assert.match(
          String((r.reason as { name?: string }).name),
          /PreconditionFailed|ConditionalRequestConflict/,
        );
    }
    assert.equal((await get('race-once')).body, won[0]);
  });
});

describe('ranges', () => {
  before(async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'digits', Body: '0123456789' }));
  });

  for (const [range, body, contentRange] of [
    ['bytes=0-4', '01234', 'bytes 0-4/10'],
    ['bytes=6-', '6789', 'bytes 6-9/10'],
    ['bytes=-3', '789', 'bytes 7-9/10'],
    ['bytes=8-100', '89', 'bytes 8-9/10'],
  ] as const) {
    it(`serves ${range} as 206 with Content-Range`, async () => {
      const { res, body: text } = await get('digits', { Range: range });
      assert.equal(res.$metadata.httpStatusCode, 206);
      assert.equal(text, body);
      assert.equal(res.ContentRange, contentRange);
      assert.equal(res.ContentLength, body.length);
    });
  }

  it('answers an unsatisfiable range with 416 InvalidRange', async () => {
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: B, Key: 'digits', Range: 'bytes=10-' })),
      'InvalidRange',
      416,
    );
    const raw = await signedFetch(server, 'GET', `/${B}/digits`, { headers: { range: 'bytes=20-30' } });
    assert.match(raw.text, /<ActualObjectSize>10<\/ActualObjectSize>/);
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: B, Key: 'empty', Range: 'bytes=0-' })),
      'InvalidRange',
      416,
    );
  });

  it('ignores ranges it does not serve (several ranges, nonsense) and sends the whole object', async () => {
    for (const range of ['bytes=0-1,4-5', 'items=0-3', 'bytes=5-2']) {
      const raw = await signedFetch(server, 'GET', `/${B}/digits`, { headers: { range } });
      assert.equal(raw.status, 200, range);
      assert.equal(raw.text, '0123456789');
    }
  });
});

describe('conditional reads and response overrides', () => {
  let etag = '';
  let modified = new Date();
  before(async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'cond', Body: 'conditional' }));
    etag = put.ETag ?? '';
    modified = (await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'cond' }))).LastModified ?? new Date();
  });

  it('honours If-Match and If-None-Match', async () => {
    assert.equal((await get('cond', { IfMatch: etag })).body, 'conditional');
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: B, Key: 'cond', IfMatch: '"0000"' })),
      'PreconditionFailed',
      412,
    );
    await expectStatus(s3.send(new GetObjectCommand({ Bucket: B, Key: 'cond', IfNoneMatch: etag })), 304);
    assert.equal((await get('cond', { IfNoneMatch: '"other"' })).body, 'conditional');
  });

  it('honours If-Modified-Since and If-Unmodified-Since, with S3 precedence', async () => {
    const later = new Date(modified.getTime() + 3600_000);
    const earlier = new Date(modified.getTime() - 3600_000);
    await expectStatus(
      s3.send(new GetObjectCommand({ Bucket: B, Key: 'cond', IfModifiedSince: later })),
      304,
    );
    assert.equal((await get('cond', { IfModifiedSince: earlier })).body, 'conditional');
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: B, Key: 'cond', IfUnmodifiedSince: earlier })),
      'PreconditionFailed',
      412,
    );
    // If-Match true wins over If-Unmodified-Since false; If-None-Match false wins over If-Modified-Since true.
    assert.equal((await get('cond', { IfMatch: etag, IfUnmodifiedSince: earlier })).body, 'conditional');
    await expectStatus(
      s3.send(new GetObjectCommand({ Bucket: B, Key: 'cond', IfNoneMatch: etag, IfModifiedSince: earlier })),
      304,
    );
    const raw = await signedFetch(server, 'GET', `/${B}/cond`, { headers: { 'if-none-match': etag } });
    assert.equal(raw.status, 304);
    assert.equal(raw.headers.get('etag'), etag);
  });

  it('applies response-* overrides on signed GETs', async () => {
    const { res } = await get('cond', {
      ResponseContentType: 'application/x-test',
      ResponseContentDisposition: 'inline',
      ResponseCacheControl: 'no-store',
    });
    assert.equal(res.ContentType, 'application/x-test');
    assert.equal(res.ContentDisposition, 'inline');
    assert.equal(res.CacheControl, 'no-store');
  });

  it('refuses version ids on an unversioned bucket', async () => {
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: B, Key: 'cond', VersionId: 'abc' })),
      'InvalidArgument',
      400,
    );
    assert.equal((await get('cond', { VersionId: 'null' })).body, 'conditional');
  });
});

describe('copy', () => {
  before(async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: B,
        Key: 'src',
        Body: 'source body',
        ContentType: 'text/x-src',
        Metadata: { origin: 'src' },
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: 'copy-target' }));
  });

  it('copies bytes and metadata (COPY directive), across buckets', async () => {
    const copy = await s3.send(
      new CopyObjectCommand({ Bucket: 'copy-target', Key: 'dst', CopySource: `${B}/src` }),
    );
    assert.equal(copy.CopyObjectResult?.ETag, `"${createHash('md5').update('source body').digest('hex')}"`);
    const res = await s3.send(new GetObjectCommand({ Bucket: 'copy-target', Key: 'dst' }));
    assert.equal(await res.Body?.transformToString(), 'source body');
    assert.equal(res.ContentType, 'text/x-src');
    assert.deepEqual(res.Metadata, { origin: 'src' });
  });

  it('replaces metadata with the REPLACE directive, also onto itself', async () => {
    await s3.send(
      new CopyObjectCommand({
        Bucket: B,
        Key: 'src2',
        CopySource: `${B}/src`,
        MetadataDirective: 'REPLACE',
        Metadata: { origin: 'new' },
        ContentType: 'text/plain',
      }),
    );
    const res = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'src2' }));
    assert.deepEqual(res.Metadata, { origin: 'new' });
    assert.equal(res.ContentType, 'text/plain');
    await s3.send(
      new CopyObjectCommand({
        Bucket: B,
        Key: 'src2',
        CopySource: `${B}/src2`,
        MetadataDirective: 'REPLACE',
        Metadata: { again: 'yes' },
      }),
    );
    const self = await get('src2');
    assert.equal(self.body, 'source body');
    assert.deepEqual(self.res.Metadata, { again: 'yes' });
  });

  it('refuses copying an object onto itself without changes (InvalidRequest)', async () => {
    await expectS3Error(
      s3.send(new CopyObjectCommand({ Bucket: B, Key: 'src', CopySource: `${B}/src` })),
      'InvalidRequest',
      400,
    );
  });

  it('checks copy-source conditions and existence', async () => {
    await expectS3Error(
      s3.send(
        new CopyObjectCommand({ Bucket: B, Key: 'c1', CopySource: `${B}/src`, CopySourceIfMatch: '"nope"' }),
      ),
      'PreconditionFailed',
      412,
    );
    await expectS3Error(
      s3.send(new CopyObjectCommand({ Bucket: B, Key: 'c1', CopySource: `${B}/absent` })),
      'NoSuchKey',
      404,
    );
    await expectS3Error(
      s3.send(new CopyObjectCommand({ Bucket: B, Key: 'c1', CopySource: `no-such-bucket-x/src` })),
      'NoSuchBucket',
      404,
    );
    const bad = await signedFetch(server, 'PUT', `/${B}/c1`, {
      headers: { 'x-amz-copy-source': 'justabucket' },
    });
    assert.equal(errorOf(bad.text).code, 'InvalidArgument');
  });

  it('copies keys that need URL encoding', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'dir/with space+plus%.txt', Body: 'encoded' }));
    await s3.send(
      new CopyObjectCommand({
        Bucket: B,
        Key: 'copied',
        CopySource: encodeURIComponent(`${B}/dir/with space+plus%.txt`),
      }),
    );
    assert.equal((await get('copied')).body, 'encoded');
  });
});

describe('keys', () => {
  for (const key of [
    '../../etc/passwd',
    'a/../../b',
    'ünïcödé/日本語.txt',
    'spaces and+plus',
    'percent%20literal',
    'trailing/',
    '/leading',
    'emoji-😀',
    'x'.repeat(1024),
  ]) {
    it(`stores ${JSON.stringify(key.length > 40 ? key.slice(0, 10) + '...' : key)} as just a key`, async () => {
      await s3.send(new PutObjectCommand({ Bucket: B, Key: key, Body: `body of ${key.length}` }));
      assert.equal((await get(key)).body, `body of ${key.length}`);
      const list = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: key }));
      assert.ok(list.Contents?.some((o) => o.Key === key));
    });
  }

  it('refuses keys over 1024 bytes (KeyTooLongError) and keys with NUL', async () => {
    await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: B, Key: 'é'.repeat(513), Body: 'x' })),
      'KeyTooLongError',
      400,
    );
    const nul = await signedFetch(server, 'PUT', `/${B}/a%00b`, { body: 'x' });
    assert.equal(nul.status, 400);
    assert.equal(errorOf(nul.text).code, 'InvalidArgument');
    const badEscape = await signedFetch(server, 'GET', `/${B}/%E0%A4%A`);
    assert.equal(badEscape.status, 400);
  });

  it('never lets a key reach outside the data directory', async () => {
    const files = await readdir(server.dataDir, { recursive: true });
    assert.ok(!files.some((f) => f.includes('passwd') || f.includes('etc')));
  });
});
