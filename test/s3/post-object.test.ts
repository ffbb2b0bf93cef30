// POST object (browser uploads with a signed policy form) with fetch. @aws-sdk/s3-presigned-post
// is not installed, so the test builds and signs the form itself, exactly as that package does
// (SigV4: HMAC-SHA256 of the base64 policy under the signing key; SigV2: HMAC-SHA1).
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf } from './helpers.js';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: 'post-bucket' }));
});
after(() => server.close());

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

interface FormOptions {
  conditions?: unknown[];
  expiration?: Date;
  fields?: Record<string, string>;
  omitConditionFor?: string[];
  secret?: string;
  v2?: boolean;
}

/** Fields of a signed POST form whose policy covers every field (unless told otherwise). */
function signedFields(key: string, o: FormOptions = {}): Record<string, string> {
  const date = new Date();
  const day = date.toISOString().slice(0, 10).replace(/-/g, '');
  const amzDate = `${day}T000000Z`;
  const credential = `${server.accessKeyId}/${day}/us-east-1/s3/aws4_request`;
  const fields: Record<string, string> = o.v2
    ? { key, ...o.fields }
    : {
        key,
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-credential': credential,
        'x-amz-date': amzDate,
        ...o.fields,
      };
  const conditions: unknown[] = [{ bucket: 'post-bucket' }];
  for (const [name, value] of Object.entries(fields)) {
    if (o.omitConditionFor?.includes(name)) continue;
    if (name === 'key') conditions.push(['starts-with', '$key', key.split('/')[0] ?? '']);
    else conditions.push({ [name]: value });
  }
  conditions.push(...(o.conditions ?? []));
  const policy = Buffer.from(
    JSON.stringify({
      expiration: (o.expiration ?? new Date(Date.now() + 3600_000)).toISOString(),
      conditions,
    }),
  ).toString('base64');
  const secret = o.secret ?? server.secretAccessKey;
  if (o.v2) {
    const signature = createHmac('sha1', secret).update(policy).digest('base64');
    return { ...fields, AWSAccessKeyId: server.accessKeyId, policy, signature };
  }
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), 'us-east-1'), 's3'), 'aws4_request');
  return { ...fields, policy, 'x-amz-signature': hmac(signingKey, policy).toString('hex') };
}

function post(fields: Record<string, string>, content: string | Blob = 'hello form', filename = 'photo.jpg') {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', typeof content === 'string' ? new Blob([content]) : content, filename);
  return fetch(new URL('/post-bucket', server.url), { method: 'POST', body: form });
}

async function expectDenied(res: Response, code: string, message: string, status = 403): Promise<void> {
  assert.equal(res.status, status);
  const e = errorOf(await res.text());
  assert.equal(e.code, code);
  assert.equal(e.message?.replaceAll('&quot;', '"'), message);
}

describe('POST object with a SigV4 policy form', () => {
  it('stores the file (204 by default) with metadata and ${filename}', async () => {
    const res = await post(
      signedFields('uploads/${filename}', {
        fields: { 'Content-Type': 'image/jpeg', 'x-amz-meta-owner': 'eric' },
      }),
    );
    assert.equal(res.status, 204);
    assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'post-bucket', Key: 'uploads/photo.jpg' }));
    assert.equal(head.ContentType, 'image/jpeg');
    assert.deepEqual(head.Metadata, { owner: 'eric' });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'post-bucket', Key: 'uploads/photo.jpg' }));
    assert.equal(await got.Body?.transformToString(), 'hello form');
  });

  it('answers 200 and 201 (PostResponse XML) per success_action_status, 303 for a redirect', async () => {
    const ok = await post(signedFields('uploads/a', { fields: { success_action_status: '200' } }));
    assert.equal(ok.status, 200);
    const created = await post(signedFields('uploads/b', { fields: { success_action_status: '201' } }));
    assert.equal(created.status, 201);
    const xml = await created.text();
    assert.match(
      xml,
      /<PostResponse><Location>http:\/\/[^<]+\/post-bucket\/uploads\/b<\/Location><Bucket>post-bucket<\/Bucket><Key>uploads\/b<\/Key><ETag>/,
    );
    const redirect = await fetch(new URL('/post-bucket', server.url), {
      method: 'POST',
      redirect: 'manual',
      body: (() => {
        const f = new FormData();
        for (const [n, v] of Object.entries(
          signedFields('uploads/c', { fields: { success_action_redirect: 'https://app.example.com/done' } }),
        ))
          f.append(n, v);
        f.append('file', new Blob(['x']), 'x');
        return f;
      })(),
    });
    assert.equal(redirect.status, 303);
    const loc = new URL(redirect.headers.get('location') ?? '');
    assert.equal(loc.origin + loc.pathname, 'https://app.example.com/done');
    assert.equal(loc.searchParams.get('key'), 'uploads/c');
  });

  it('streams a multi-megabyte file intact across chunk boundaries', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    // A run of boundary-like bytes inside the file must not end it.
    content.set(Buffer.from('\r\n--not-the-boundary\r\n'), 1000);
    const res = await post(signedFields('big/file'), new Blob([new Uint8Array(content)]));
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('etag'), `"${createHash('md5').update(content).digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'post-bucket', Key: 'big/file' }));
    assert.ok(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(content));
  });

  it('accepts a SigV2 form (AWSAccessKeyId + signature)', async () => {
    const res = await post(signedFields('v2/file', { v2: true }));
    assert.equal(res.status, 204);
  });

  it('refuses an expired policy in S3 words', async () => {
    const res = await post(signedFields('uploads/x', { expiration: new Date(Date.now() - 1000) }));
    await expectDenied(res, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  });

  it('refuses a failed condition, naming it', async () => {
    await expectDenied(
      await post(signedFields('uploads/x', { conditions: [['eq', '$key', 'other']] })),
      'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "other"]',
    );
    await expectDenied(
      await post(signedFields('uploads/x', { conditions: [['starts-with', '$key', 'private/']] })),
      'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "private/"]',
    );
    await expectDenied(
      await post(signedFields('uploads/x', { conditions: [{ bucket: 'elsewhere' }] })),
      'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "elsewhere"]',
    );
  });

  it('refuses fields no condition covers', async () => {
    await expectDenied(
      await post(
        signedFields('uploads/x', {
          fields: { 'x-amz-meta-tag': 'v' },
          omitConditionFor: ['x-amz-meta-tag'],
        }),
      ),
      'AccessDenied',
      'Invalid according to Policy: Extra input fields: x-amz-meta-tag',
    );
  });

  it('enforces content-length-range', async () => {
    const range = { conditions: [['content-length-range', 2, 5]] };
    assert.equal((await post(signedFields('uploads/r', range), 'abc')).status, 204);
    const big = await post(signedFields('uploads/r', range), 'abcdefgh');
    assert.equal(big.status, 400);
    assert.equal(errorOf(await big.text()).code, 'EntityTooLarge');
    const small = await post(signedFields('uploads/r', range), 'a');
    assert.equal(small.status, 400);
    assert.equal(errorOf(await small.text()).code, 'EntityTooSmall');
  });

  it('refuses a bad signature and an unknown key', async () => {
    const res = await post(signedFields('uploads/x', { secret: 'wrong'.repeat(8) }));
    assert.equal(res.status, 403);
    assert.equal(errorOf(await res.text()).code, 'SignatureDoesNotMatch');
    const fields = signedFields('uploads/x');
    fields['x-amz-credential'] = (fields['x-amz-credential'] ?? '').replace(
      server.accessKeyId,
      'AKIANOBODY0000000000',
    );
    const unknown = await post(fields);
    assert.equal(unknown.status, 403);
    assert.equal(errorOf(await unknown.text()).code, 'InvalidAccessKeyId');
  });

  it('authorizes as PutObject: an unsigned form needs a policy that lets anyone write', async () => {
    const res = await post({ key: 'anon/file' });
    assert.equal(res.status, 403);
    assert.equal(errorOf(await res.text()).code, 'AccessDenied');
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'post-bucket',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: 'arn:aws:s3:::post-bucket/anon/*',
            },
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: 'arn:aws:s3:::post-bucket/locked/*',
            },
          ],
        }),
      }),
    );
    assert.equal((await post({ key: 'anon/file' })).status, 204);
    const denied = await post(signedFields('locked/file'));
    assert.equal(denied.status, 403);
    assert.equal(errorOf(await denied.text()).code, 'AccessDenied');
  });
});

describe('broken forms never yield a 500', () => {
  const raw = (body: string | Buffer, contentType = 'multipart/form-data; boundary=XYZ') =>
    fetch(new URL('/post-bucket', server.url), {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  it('answers 4xx for missing parts, bad framing, huge fields and a wrong content type', async () => {
    const cases: [string | Buffer, string, string?][] = [
      ['garbage', 'MalformedPOSTRequest'],
      ['--XYZ\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--XYZ--\r\n', 'InvalidArgument'],
      ['--XYZ\r\nContent-Disposition: form-data; name="key"\r\n\r\nk', 'MalformedPOSTRequest'],
      ['--XYZ\r\nX: y\r\n\r\nk\r\n--XYZ--\r\n', 'MalformedPOSTRequest'],
      [
        `--XYZ\r\nContent-Disposition: form-data; name="key"\r\n\r\n${'k'.repeat(30_000)}\r\n--XYZ--\r\n`,
        'MaxPostPreDataLengthExceededError',
      ],
      [
        '--XYZ\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--XYZ\r\nContent-Disposition: form-data; name="policy"\r\n\r\n!!!\r\n--XYZ\r\nContent-Disposition: form-data; name="AWSAccessKeyId"\r\n\r\nAKIATESTROOT00000001\r\n--XYZ\r\nContent-Disposition: form-data; name="signature"\r\n\r\nx\r\n--XYZ\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nbody\r\n--XYZ--\r\n',
        'SignatureDoesNotMatch',
      ],
      ['x', 'PreconditionFailed', 'text/plain'],
    ];
    for (const [body, code, type] of cases) {
      const res = await raw(body, type);
      assert.ok(res.status >= 400 && res.status < 500, `${code}: ${res.status}`);
      assert.equal(errorOf(await res.text()).code, code);
    }
  });
});
