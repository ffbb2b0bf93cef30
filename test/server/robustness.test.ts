// Bad input never crashes the server and a client mistake is never a 500: malformed requests,
// unknown sub-resources and methods, oversized headers, garbage on the socket, and a server that
// keeps answering afterwards.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf, httpRequest, signedFetch } from '../s3/helpers.js';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: 'robust' }));
  await s3.send(new PutObjectCommand({ Bucket: 'robust', Key: 'k', Body: 'v' }));
});
after(() => server.close());

/** Writes raw bytes on a fresh connection and returns whatever comes back before it closes. */
function raw(bytes: string | Buffer, waitMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const sock = connect(server.port, '127.0.0.1', () => sock.write(bytes));
    sock.on('data', (d: Buffer) => (out += d.toString('latin1')));
    sock.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(out) : reject(e)));
    sock.on('close', () => resolve(out));
    setTimeout(() => sock.destroy(), waitMs);
  });
}

describe('error documents', () => {
  it('carry the request id in the header and the body, and a host id', async () => {
    const res = await signedFetch(server, 'GET', '/robust/missing');
    const id = res.headers.get('x-amz-request-id') ?? '';
    assert.match(id, /^[0-9A-F]{16}$/);
    assert.ok(res.headers.get('x-amz-id-2'));
    assert.equal(res.headers.get('content-type'), 'application/xml');
    const err = errorOf(res.text);
    assert.equal(err.code, 'NoSuchKey');
    assert.equal(err.requestId, id);
    assert.match(
      res.text,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>missing<\/Key><RequestId>/,
    );
    assert.match(res.text, /<HostId>[^<]+<\/HostId><\/Error>$/);
  });

  it('every success carries a request id too', async () => {
    const res = await signedFetch(server, 'GET', '/robust/k');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('x-amz-request-id') ?? '', /^[0-9A-F]{16}$/);
  });
});

describe('unsupported requests', () => {
  for (const [method, path] of [
    ['GET', '/robust?lifecycle'],
    ['PUT', '/robust?versioning'],
    ['GET', '/robust/k?retention'],
    ['PUT', '/robust/k?legal-hold'],
    ['POST', '/robust/k?restore'],
    ['GET', '/robust?inventory'],
  ]) {
    it(`answers ${method} ${path} with 501 NotImplemented and leaves the data alone`, async () => {
      const res = await signedFetch(
        server,
        method as string,
        path as string,
        method === 'GET' ? {} : { body: '<x/>' },
      );
      assert.equal(res.status, 501);
      assert.equal(errorOf(res.text).code, 'NotImplemented');
    });
  }

  it('keeps the object after a refused PUT ?legal-hold', async () => {
    const res = await signedFetch(server, 'GET', '/robust/k');
    assert.equal(res.text, 'v');
  });

  it('answers unknown methods with 405 MethodNotAllowed', async () => {
    const res = await httpRequest(server, { method: 'PATCH', path: '/robust/k', sign: true });
    assert.equal(res.status, 405);
    assert.equal(errorOf(res.text).code, 'MethodNotAllowed');
    const svc = await httpRequest(server, { method: 'DELETE', path: '/', sign: true });
    assert.equal(svc.status, 405);
  });
});

describe('hostile input', () => {
  it('answers oversized headers with a 400 and keeps serving', async () => {
    const out = await raw(`GET /robust/k HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    assert.match(out, /^HTTP\/1.1 400/);
    assert.match(out, /<Code>RequestHeaderSectionTooLarge<\/Code>/);
  });

  it('refuses an unauthorized upload before its body is sent (no 100 Continue)', async () => {
    const out = await raw(
      `PUT /robust/big HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\nExpect: 100-continue\r\n\r\n`,
    );
    assert.match(out, /^HTTP\/1.1 403/);
    assert.doesNotMatch(out, /100 Continue/);
    assert.match(out, /connection: close/i);
  });

  it('answers garbage on the socket with a 400', async () => {
    const out = await raw('THIS IS NOT HTTP\r\n\r\n');
    assert.match(out, /^HTTP\/1.1 400/);
  });

  it('survives a request line with a bad URI', async () => {
    const res = await httpRequest(server, { method: 'GET', path: '/robust/%zz', sign: false });
    assert.equal(res.status, 400);
    assert.equal(errorOf(res.text).code, 'InvalidURI');
  });

  it('rejects malformed signatures without a 500', async () => {
    for (const authorization of [
      'AWS4-HMAC-SHA256 garbage',
      'AWS x',
      'Bearer token',
      'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00',
    ]) {
      const res = await httpRequest(server, { method: 'GET', path: '/robust/k', headers: { authorization } });
      assert.ok(res.status >= 400 && res.status < 500, `${authorization}: ${res.status}`);
    }
  });

  it('refuses a presigned URL that expired and one with a wrong signature', async () => {
    const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'robust', Key: 'k' }), {
      expiresIn: 60,
    });
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'v');
    const tampered = await fetch(url.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'));
    assert.equal(tampered.status, 403);
    assert.equal(errorOf(await tampered.text()).code, 'SignatureDoesNotMatch');
  });

  it('survives clients that hang up in the middle of large downloads, and serves the rest whole', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    await s3.send(new PutObjectCommand({ Bucket: 'robust', Key: 'big', Body: big }));
    // The server runs in this process: a blob left open would be counted here, or closed by the
    // garbage collector with a warning.
    const openFiles = async (): Promise<number> => (await readdir('/proc/self/fd')).length;
    const leaks: string[] = [];
    const onWarning = (w: Error): void => void (/file descriptor/i.test(w.message) && leaks.push(w.message));
    process.on('warning', onWarning);
    const before = await openFiles();
    for (let i = 0; i < 20; i++) {
      const res = await s3.send(new GetObjectCommand({ Bucket: 'robust', Key: 'big' }));
      const body = res.Body as NodeJS.ReadableStream & { destroy(): void };
      await new Promise<void>((resolve) => body.once('data', () => resolve()));
      body.destroy();
    }
    const whole = await s3.send(new GetObjectCommand({ Bucket: 'robust', Key: 'big' }));
    assert.deepEqual(Buffer.from(await whole.Body!.transformToByteArray()), big);
    const ranged = await s3.send(
      new GetObjectCommand({ Bucket: 'robust', Key: 'big', Range: 'bytes=1000000-5000000' }),
    );
    assert.deepEqual(
      Buffer.from(await ranged.Body!.transformToByteArray()),
      big.subarray(1_000_000, 5_000_001),
    );
    // Every blob opened for an abandoned download was closed again.
    for (let i = 0; i < 50 && (await openFiles()) > before + 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    // Let a collection run: a blob nobody closed would now be closed with a warning.
    global.gc?.();
    await new Promise((r) => setTimeout(r, 50));
    process.off('warning', onWarning);
    assert.ok((await openFiles()) <= before + 2, `open files: ${before} before, ${await openFiles()} after`);
    assert.deepEqual(leaks, []);
  });

  it('is still healthy afterwards', async () => {
    const list = await s3.send(new ListBucketsCommand({}));
    assert.ok(list.Buckets?.some((b) => b.Name === 'robust'));
  });
});
