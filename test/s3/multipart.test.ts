// Multipart uploads through @aws-sdk/client-s3 and @aws-sdk/lib-storage: the lifecycle, the
// multipart ETag, part validation (InvalidPart, InvalidPartOrder, EntityTooSmall), abort,
// listings, and upload part copy.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf, expectS3Error, signedFetch } from './helpers.js';

let server: TestServer;
let s3: S3Client;
const B = 'multipart';
const MiB = 1024 * 1024;

before(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: B }));
});
after(() => server.close());

const md5 = (b: Buffer) => createHash('md5').update(b).digest();
async function create(key: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: key, ...extra }));
  assert.ok(res.UploadId);
  return res.UploadId;
}
async function part(key: string, uploadId: string, n: number, body: Buffer): Promise<string> {
  const res = await s3.send(
    new UploadPartCommand({ Bucket: B, Key: key, UploadId: uploadId, PartNumber: n, Body: body }),
  );
  return res.ETag ?? '';
}

describe('multipart lifecycle', () => {
  it('assembles parts into one object with the multipart ETag', async () => {
    const p1 = Buffer.alloc(5 * MiB, 'a');
    const p2 = Buffer.from('the tail');
    const id = await create('assembled', { ContentType: 'text/x-mp', Metadata: { kind: 'multi' } });
    const e1 = await part('assembled', id, 1, p1);
    const e2 = await part('assembled', id, 2, p2);
    assert.equal(e1, `"${md5(p1).toString('hex')}"`);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: 'assembled',
        UploadId: id,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: e1 },
            { PartNumber: 2, ETag: e2 },
          ],
        },
      }),
    );
    const expected = `"${createHash('md5')
      .update(Buffer.concat([md5(p1), md5(p2)]))
      .digest('hex')}-2"`;
    assert.equal(done.ETag, expected);
    assert.equal(done.Key, 'assembled');
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'assembled' }));
    assert.equal(head.ContentLength, p1.length + p2.length);
    assert.equal(head.ETag, expected);
    assert.equal(head.ContentType, 'text/x-mp');
    assert.deepEqual(head.Metadata, { kind: 'multi' });
    const tail = await s3.send(
      new GetObjectCommand({ Bucket: B, Key: 'assembled', Range: `bytes=${p1.length}-` }),
    );
    assert.equal(await tail.Body?.transformToString(), 'the tail');
    // The upload is gone once completed.
    await expectS3Error(
      s3.send(new ListPartsCommand({ Bucket: B, Key: 'assembled', UploadId: id })),
      'NoSuchUpload',
      404,
    );
  });

  it('uploads with lib-storage (parallel parts, CRC32 composite checksum)', async () => {
    const body = Buffer.alloc(11 * MiB, 'z');
    const up = new Upload({
      client: s3,
      params: { Bucket: B, Key: 'lib-storage', Body: body },
      partSize: 5 * MiB,
      queueSize: 3,
    });
    const res = await up.done();
    assert.match(res.ETag ?? '', /^"[0-9a-f]{32}-3"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'lib-storage' }));
    const back = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    assert.ok(back.equals(body));
  });

  it('lists parts and uploads, then aborts', async () => {
    const id = await create('listed');
    await part('listed', id, 1, Buffer.from('one'));
    await part('listed', id, 3, Buffer.from('three'));
    await part('listed', id, 3, Buffer.from('three again')); // replaces part 3
    const parts = await s3.send(new ListPartsCommand({ Bucket: B, Key: 'listed', UploadId: id }));
    assert.deepEqual(
      parts.Parts?.map((p) => [p.PartNumber, p.Size]),
      [
        [1, 3],
        [3, 11],
      ],
    );
    assert.equal(parts.Initiator?.ID, 'arn:aws:iam::111122223333:root');
    const paged = await s3.send(
      new ListPartsCommand({ Bucket: B, Key: 'listed', UploadId: id, MaxParts: 1 }),
    );
    assert.equal(paged.IsTruncated, true);
    assert.equal(paged.NextPartNumberMarker, '1');
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: 'list' }));
    assert.ok(uploads.Uploads?.some((u) => u.UploadId === id && u.Key === 'listed'));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'listed', UploadId: id }));
    const after = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: 'list' }));
    assert.ok(!after.Uploads?.some((u) => u.UploadId === id));
    await expectS3Error(
      s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'listed', UploadId: id })),
      'NoSuchUpload',
      404,
    );
  });

  it('copies a range of an object into a part', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'copy-src', Body: '0123456789' }));
    const id = await create('from-copy');
    const copied = await s3.send(
      new UploadPartCopyCommand({
        Bucket: B,
        Key: 'from-copy',
        UploadId: id,
        PartNumber: 1,
        CopySource: `${B}/copy-src`,
        CopySourceRange: 'bytes=2-5',
      }),
    );
    assert.ok(copied.CopyPartResult?.ETag);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: 'from-copy',
        UploadId: id,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copied.CopyPartResult.ETag }] },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'from-copy' }));
    assert.equal(await got.Body?.transformToString(), '2345');
    const id2 = await create('from-copy');
    await expectS3Error(
      s3.send(
        new UploadPartCopyCommand({
          Bucket: B,
          Key: 'from-copy',
          UploadId: id2,
          PartNumber: 1,
          CopySource: `${B}/copy-src`,
          CopySourceRange: 'bytes=5-50',
        }),
      ),
      'InvalidArgument',
      400,
    );
  });
});

describe('part validation', () => {
  it('refuses an unknown part or a wrong ETag (InvalidPart)', async () => {
    const id = await create('invalid-part');
    const e1 = await part('invalid-part', id, 1, Buffer.from('only part'));
    const complete = (parts: { PartNumber: number; ETag: string }[]) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: B,
          Key: 'invalid-part',
          UploadId: id,
          MultipartUpload: { Parts: parts },
        }),
      );
    await expectS3Error(complete([{ PartNumber: 2, ETag: e1 }]), 'InvalidPart', 400);
    await expectS3Error(
      complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]),
      'InvalidPart',
      400,
    );
    // ETags without quotes are accepted, as S3 does.
    const ok = await complete([{ PartNumber: 1, ETag: e1.replace(/"/g, '') }]);
    assert.match(ok.ETag ?? '', /-1"$/);
  });

  it('refuses parts out of order (InvalidPartOrder)', async () => {
    const id = await create('order');
    const e1 = await part('order', id, 1, Buffer.alloc(5 * MiB, 1));
    const e2 = await part('order', id, 2, Buffer.from('x'));
    await expectS3Error(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: B,
          Key: 'order',
          UploadId: id,
          MultipartUpload: {
            Parts: [
              { PartNumber: 2, ETag: e2 },
              { PartNumber: 1, ETag: e1 },
            ],
          },
        }),
      ),
      'InvalidPartOrder',
      400,
    );
  });

  it('refuses a non-last part under 5 MiB (EntityTooSmall)', async () => {
    const id = await create('small');
    const e1 = await part('small', id, 1, Buffer.from('tiny'));
    const e2 = await part('small', id, 2, Buffer.from('tiny too'));
    await expectS3Error(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: B,
          Key: 'small',
          UploadId: id,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: e1 },
              { PartNumber: 2, ETag: e2 },
            ],
          },
        }),
      ),
      'EntityTooSmall',
      400,
    );
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'small' })), 'NotFound', 404);
  });

  it('refuses empty or broken completion documents (MalformedXML)', async () => {
    const id = await create('malformed');
    for (const body of [
      '<CompleteMultipartUpload></CompleteMultipartUpload>',
      '<CompleteMultipartUpload><Part>',
      'not xml',
      '<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>"a"</ETag></Part></CompleteMultipartUpload>',
    ]) {
      const res = await signedFetch(server, 'POST', `/${B}/malformed?uploadId=${id}`, { body });
      assert.equal(res.status, 400, body);
      assert.equal(errorOf(res.text).code, 'MalformedXML', body);
    }
  });

  it('refuses part numbers outside 1..10000 and unknown uploads', async () => {
    const id = await create('numbers');
    for (const n of ['0', '10001', 'abc']) {
      const res = await signedFetch(server, 'PUT', `/${B}/numbers?partNumber=${n}&uploadId=${id}`, {
        body: 'x',
      });
      assert.equal(errorOf(res.text).code, 'InvalidArgument', n);
    }
    await expectS3Error(
      s3.send(
        new UploadPartCommand({
          Bucket: B,
          Key: 'numbers',
          UploadId: 'no-such-upload',
          PartNumber: 1,
          Body: 'x',
        }),
      ),
      'NoSuchUpload',
      404,
    );
    // An upload id belongs to its key.
    await expectS3Error(
      s3.send(new UploadPartCommand({ Bucket: B, Key: 'other-key', UploadId: id, PartNumber: 1, Body: 'x' })),
      'NoSuchUpload',
      404,
    );
  });
});
