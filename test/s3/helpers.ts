// Shared helpers for the S3 suites: asserting S3 errors from the SDK and from raw responses, and
// signing raw requests (for what the SDK will not send: missing headers, broken XML...).
import assert from 'node:assert/strict';
import { signV4 } from '../../src/auth/index.js';
import type { TestServer } from '../support/server.js';

interface SdkError {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number };
}

/** Awaits a rejected SDK call and checks its S3 error code (and HTTP status). */
export async function expectS3Error(
  promise: Promise<unknown>,
  code: string,
  status?: number,
): Promise<SdkError> {
  try {
    await promise;
  } catch (e) {
    const err = e as SdkError;
    assert.equal(err.name, code, `expected ${code}, got ${err.name}: ${err.message}`);
    if (status !== undefined) assert.equal(err.$metadata?.httpStatusCode, status);
    return err;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

/** Awaits a rejected SDK call and checks only its HTTP status (304 and HEAD errors have no body). */
export async function expectStatus(promise: Promise<unknown>, status: number): Promise<void> {
  try {
    await promise;
  } catch (e) {
    assert.equal((e as SdkError).$metadata?.httpStatusCode, status);
    return;
  }
  assert.fail(`expected HTTP ${status}, but the call succeeded`);
}

/** The <Code> and <Message> of an S3 error document. */
export function errorOf(xml: string): {
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
} {
  return {
    code: /<Code>([^<]*)<\/Code>/.exec(xml)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(xml)?.[1],
    requestId: /<RequestId>([^<]*)<\/RequestId>/.exec(xml)?.[1],
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** A SigV4-signed request with the root credentials, sent with fetch. */
export async function signedFetch(
  server: TestServer,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; unsigned?: boolean } = {},
): Promise<RawResponse> {
  const url = new URL(path, server.url);
  let headers: Record<string, string> = { ...options.headers };
  if (!options.unsigned) {
    const signed = signV4({
      method,
      url,
      headers,
      ...(options.body !== undefined ? { body: options.body } : {}),
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      service: 's3',
      region: 'us-east-1',
    });
    headers = { ...signed.headers };
  }
  delete headers['host'];
  const body =
    typeof options.body === 'string' || options.body === undefined
      ? options.body
      : new Uint8Array(options.body);
  const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A request through node:http (any Host header, any method), optionally SigV4-signed for `signAs`. */
export async function httpRequest(
  server: TestServer,
  options: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    host?: string;
    sign?: boolean;
  },
): Promise<RawResponse> {
  const { request } = await import('node:http');
  const host = options.host ?? `127.0.0.1:${server.port}`;
  let headers: Record<string, string> = { host, ...options.headers };
  if (options.sign) {
    const signed = signV4({
      method: options.method,
      url: new URL(options.path, `http://${host}`),
      headers,
      ...(options.body !== undefined ? { body: options.body } : {}),
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      service: 's3',
      region: 'us-east-1',
    });
    headers = { ...signed.headers };
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method: options.method, path: options.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
