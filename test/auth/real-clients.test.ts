// Requests signed by the real AWS JavaScript stack: @smithy/signature-v4 directly, and the
// @aws-sdk clients (S3, STS, IAM) with a request handler that captures instead of sending, so the
// exact headers, path, query and body encodings the SDK puts on the wire get verified.

import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import {
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { buildQueryString } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, HttpRequest as SmithyRequest, SourceData } from '@smithy/types';
import { chunkedDecoderFor } from '../../src/auth/chunked.js';
import type { SignedRequest } from '../../src/auth/types.js';
import { verifyRequest } from '../../src/auth/verify.js';
import { assertFails, assertOk, keyStore } from './helpers.js';

/** A node:crypto Sha256 for smithy (in place of @aws-crypto/sha256-js). */
class NodeSha256 implements Checksum {
  private h: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.h = this.make();
  }
  private make(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as Uint8Array);
    return createHmac('sha256', key);
  }
  update(chunk: Uint8Array): void {
    this.h.update(chunk);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {
    this.h = this.make();
  }
}

const AKID = 'AKIAREALCLIENTTEST01';
const SECRET = 'real/client+secret/0123456789abcdefghij';
const lookup = keyStore({ [AKID]: SECRET, ASIATEMPORARY000001: 'temp-secret' });
const options = { lookup };
const ENDPOINT = 'http://127.0.0.1:9000';

function toSigned(req: SmithyRequest): SignedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  const body = req.body as unknown;
  return {
    method: req.method,
    path: req.path,
    query: buildQueryString(req.query ?? {}),
    headers,
    clock: Date.now,
    ...(typeof body === 'string' || body instanceof Uint8Array ? { body } : {}),
  };
}

function smithyRequest(partial: Partial<SmithyRequest>): SmithyRequest {
  return {
    method: 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 9000,
    path: '/',
    query: {},
    headers: { host: '127.0.0.1:9000' },
    ...partial,
  } as SmithyRequest;
}

describe('@smithy/signature-v4', () => {
  const s3 = new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    sha256: NodeSha256,
    uriEscapePath: false,
  });

  it('signs an S3 GET with an awkward key and query', async () => {
    const signed = await s3.sign(
      smithyRequest({
        path: '/bucket/a%20b/%C3%BC%2B%21.txt',
        query: { versionId: 'x y', 'response-content-type': 'text/plain' },
      }),
    );
    const ok = assertOk(await verifyRequest(toSigned(signed), options));
    assert.equal(ok.payload.mode, 'sha256');
  });

  it('signs an S3 PUT with a body and UNSIGNED-PAYLOAD', async () => {
    const put = await s3.sign(smithyRequest({ method: 'PUT', path: '/bucket/k', body: 'payload' }));
    const req = toSigned(put);
    const ok = assertOk(await verifyRequest(req, options));
    assert.equal(ok.payload.mode, 'sha256');
    const unsigned = await s3.sign(
      smithyRequest({
        method: 'PUT',
        path: '/bucket/k',
        headers: { host: '127.0.0.1:9000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      }),
    );
    assert.deepEqual(assertOk(await verifyRequest(toSigned(unsigned), options)).payload, {
      mode: 'unsigned',
    });
  });

  it('signs with session credentials', async () => {
    const signer = new SignatureV4({
      service: 's3',
      region: 'us-east-1',
      credentials: {
        accessKeyId: 'ASIATEMPORARY000001',
        secretAccessKey: 'temp-secret',
        sessionToken: 'FwoGZXIvYXdzE//token==',
      },
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    const ok = assertOk(
      await verifyRequest(toSigned(await signer.sign(smithyRequest({ path: '/bucket/' }))), options),
    );
    assert.equal(ok.securityToken, 'FwoGZXIvYXdzE//token==');
  });

  it('presigns S3 and the URL verifies', async () => {
    const presigned = await s3.presign(
      smithyRequest({ path: '/bucket/x%20y.txt', query: { partNumber: '1', uploadId: 'u' } }),
      {
        expiresIn: 900,
      },
    );
    const ok = assertOk(await verifyRequest(toSigned(presigned), options));
    assert.equal(ok.scheme, 'sigv4-query');
    assert.equal(ok.expiresIn, 900);
  });

  for (const service of ['iam', 'sts'] as const) {
    it(`signs a ${service} Query API form post (double-encoded path, body hash)`, async () => {
      const signer = new SignatureV4({
        service,
        region: 'us-east-1',
        credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
        sha256: NodeSha256,
      });
      const body =
        service === 'iam'
          ? 'Action=ListUsers&Version=2010-05-08'
          : 'Action=GetCallerIdentity&Version=2011-06-15';
      const signed = await signer.sign(
        smithyRequest({
          method: 'POST',
          headers: { host: '127.0.0.1:9000', 'content-type': 'application/x-www-form-urlencoded' },
          body,
        }),
      );
      const ok = assertOk(await verifyRequest(toSigned(signed), options));
      assert.equal(ok.scope?.service, service);
      const f = assertFails(
        await verifyRequest({ ...toSigned(signed), body: body + '&X=1' }, options),
        'SignatureDoesNotMatch',
      );
      assert.equal(f.error.dialect, 'query');
    });
  }
});

/** An SDK client config whose handler records the request and fails it. */
function capturing() {
  const captured: SmithyRequest[] = [];
  const config = {
    region: 'us-east-1',
    endpoint: ENDPOINT,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    maxAttempts: 1,
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    requestHandler: {
      handle: async (request: SmithyRequest): Promise<never> => {
        captured.push(request);
        throw Object.assign(new Error('captured'), { $metadata: {} });
      },
    },
  };
  return { captured, config };
}

async function capture<T>(send: () => Promise<T>, captured: SmithyRequest[]): Promise<SmithyRequest> {
  await send().catch(() => undefined);
  const last = captured.at(-1);
  assert.ok(last, 'no request captured');
  return last;
}

describe('@aws-sdk/client-s3 on the wire', () => {
  const { captured, config } = capturing();
  const s3 = new S3Client({ ...config, forcePathStyle: true });

  it('PutObject of a stream: aws-chunked, STREAMING-UNSIGNED-PAYLOAD-TRAILER, CRC32 trailer', async () => {
    const req = await capture(
      () =>
        s3.send(
          new PutObjectCommand({
            Bucket: 'bucket',
            Key: 'dir/a b+c.txt',
            Body: Readable.from([Buffer.from('hello '), Buffer.from('world')]),
            ContentLength: 11,
          }),
        ),
      captured,
    );
    const ok = assertOk(await verifyRequest(toSigned(req), options));
    assert.deepEqual(ok.payload, {
      mode: 'streaming-unsigned-trailer',
      decodedContentLength: 11,
      trailers: ['x-amz-checksum-crc32'],
    });
    const decoder = chunkedDecoderFor(ok);
    assert.ok(decoder);
    const out: Buffer[] = [];
    decoder.on('data', (b: Buffer) => out.push(b));
    await pipeline(req.body as Readable, decoder);
    assert.equal(Buffer.concat(out).toString(), 'hello world');
    assert.deepEqual(decoder.trailers, { 'x-amz-checksum-crc32': 'DUoRhQ==' });
  });

  it('PutObject of a string: signed digest and checksum header', async () => {
    const req = await capture(
      () => s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'hello' })),
      captured,
    );
    const ok = assertOk(await verifyRequest(toSigned(req), options));
    assert.deepEqual(ok.payload, { mode: 'sha256' });
    assertFails(
      await verifyRequest({ ...toSigned(req), body: 'HELLO' }, options),
      'XAmzContentSHA256Mismatch',
    );
  });

  it('ListObjectsV2, GetObject, DeleteObjects, multipart', async () => {
    const commands = [
      () => s3.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'a b/ü*(x)', Delimiter: '/' })),
      () =>
        s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: "it's ~here~/?&=#.txt", Range: 'bytes=0-9' })),
      () =>
        s3.send(
          new DeleteObjectsCommand({ Bucket: 'bucket', Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }] } }),
        ),
      () =>
        s3.send(
          new CreateMultipartUploadCommand({ Bucket: 'bucket', Key: 'big', Metadata: { owner: 'me' } }),
        ),
      () =>
        s3.send(
          new UploadPartCommand({
            Bucket: 'bucket',
            Key: 'big',
            UploadId: 'up/1+',
            PartNumber: 2,
            Body: 'part',
          }),
        ),
    ];
    for (const send of commands) {
      const req = await capture(send, captured);
      assertOk(await verifyRequest(toSigned(req), options), `${req.method} ${req.path}`);
    }
  });

  it('getSignedUrl for GetObject and PutObject with session credentials', async () => {
    const presigner = new S3Client({
      region: 'us-east-1',
      endpoint: ENDPOINT,
      forcePathStyle: true,
      credentials: {
        accessKeyId: 'ASIATEMPORARY000001',
        secretAccessKey: 'temp-secret',
        sessionToken: 'TOK/+=',
      },
    });
    for (const command of [
      new GetObjectCommand({
        Bucket: 'bucket',
        Key: 'x y.txt',
        ResponseContentDisposition: 'attachment; filename="a b"',
      }),
      new PutObjectCommand({ Bucket: 'bucket', Key: 'up load.txt', ContentType: 'text/plain' }),
    ]) {
      const url = new URL(await getSignedUrl(presigner, command, { expiresIn: 300 }));
      const req: SignedRequest = {
        method: command instanceof PutObjectCommand ? 'PUT' : 'GET',
        path: url.pathname,
        query: url.search.slice(1),
        headers: { host: url.host, 'content-type': 'text/plain' },
        clock: Date.now,
      };
      const ok = assertOk(await verifyRequest(req, options), url.href);
      assert.equal(ok.securityToken, 'TOK/+=');
    }
  });
});

describe('@aws-sdk/client-sts and client-iam on the wire', () => {
  it('GetCallerIdentity', async () => {
    const { captured, config } = capturing();
    const req = await capture(() => new STSClient(config).send(new GetCallerIdentityCommand({})), captured);
    const ok = assertOk(await verifyRequest(toSigned(req), options));
    assert.equal(ok.scope?.service, 'sts');
  });

  it('ListUsers', async () => {
    const { captured, config } = capturing();
    const req = await capture(
      () => new IAMClient(config).send(new ListUsersCommand({ PathPrefix: '/a b/' })),
      captured,
    );
    const ok = assertOk(await verifyRequest(toSigned(req), options));
    assert.equal(ok.scope?.service, 'iam');
  });
});
