// aws-chunked bodies: the AWS documentation examples (signed chunks, signed trailer), the SDK's
// unsigned-trailer form, and hostile framing. Every stream must end — with data or a typed error.

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import {
  AwsChunkedDecoder,
  chunkedDecoderFor,
  type AwsChunkedDecoderOptions,
} from '../../src/auth/chunked.js';
import { deriveSigningKey } from '../../src/auth/crypto.js';
import { AuthStreamError } from '../../src/auth/errors.js';
import { Sha256Verifier } from '../../src/auth/payload.js';
import { encodeSignedChunks, encodeUnsignedChunks, signV4 } from '../../src/auth/sign.js';
import type { ChunkSigningContext } from '../../src/auth/types.js';
import { verifyRequest } from '../../src/auth/verify.js';
import { AWS_DOC_KEY, AWS_DOC_SECRET, assertOk, clockAt, keyStore } from './helpers.js';

const KEY = deriveSigningKey(AWS_DOC_SECRET, '20130524', 'us-east-1', 's3');
function ctx(seedSignature: string): ChunkSigningContext {
  return {
    signingKey: KEY,
    amzDate: '20130524T000000Z',
    scope: '20130524/us-east-1/s3/aws4_request',
    seedSignature,
  };
}

interface Outcome {
  readonly data: Buffer;
  readonly error: AuthStreamError | undefined;
  readonly trailers: Readonly<Record<string, string>> | undefined;
}

/** Runs `body` through a decoder in pieces of `split` bytes; fails the test if it hangs. */
async function decode(options: AwsChunkedDecoderOptions, body: Buffer | string, split = 0): Promise<Outcome> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const pieces: Buffer[] = [];
  if (split <= 0) pieces.push(bytes);
  else for (let i = 0; i < bytes.length; i += split) pieces.push(bytes.subarray(i, i + split));
  const decoder = new AwsChunkedDecoder(options);
  const out: Buffer[] = [];
  decoder.on('data', (b: Buffer) => out.push(b));
  let error: AuthStreamError | undefined;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('decoder hung')), 5000);
  });
  try {
    await Promise.race([pipeline(Readable.from(pieces, { objectMode: false }), decoder), hang]);
  } catch (err) {
    if (!(err instanceof AuthStreamError)) throw err;
    error = err;
  } finally {
    clearTimeout(timer);
  }
  return { data: Buffer.concat(out), error, trailers: decoder.trailers };
}

function expectError(o: Outcome, code: string): void {
  assert.ok(o.error, `expected ${code}, stream succeeded`);
  assert.equal(o.error.code, code, o.error.message);
  assert.equal(o.error.authError.code, code);
}

const A64K = Buffer.alloc(65536, 'a');
const A1K = Buffer.alloc(1024, 'a');

// AWS "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks".
const DOC_CHUNKED = Buffer.concat([
  Buffer.from('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'),
  A64K,
  Buffer.from('\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'),
  A1K,
  Buffer.from(
    '\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n',
  ),
]);
const DOC_SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';

// AWS "Signature calculations for trailing headers": as laid out in the docs' example, the zero
// chunk has its own CRLF and the trailer block has none.
const DOC_TRAILER = Buffer.concat([
  Buffer.from('10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n'),
  A64K,
  Buffer.from('\r\n400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n'),
  A1K,
  Buffer.from(
    '\r\n0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n\r\n',
  ),
  Buffer.from(
    'x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435',
  ),
]);
const TRAILER_SEED = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';

describe('aws-chunked: AWS documentation examples', () => {
  const signed: AwsChunkedDecoderOptions = {
    mode: 'streaming-signed',
    signing: ctx(DOC_SEED),
    decodedContentLength: 66560,
  };

  it('decodes the 66560-byte example (first chunk ad80c730...)', async () => {
    const o = await decode(signed, DOC_CHUNKED);
    assert.equal(o.error, undefined);
    assert.equal(o.data.length, 66560);
    assert.ok(o.data.every((b) => b === 0x61));
    assert.deepEqual(o.trailers, {});
  });

  it('decodes it fed one byte at a time and in odd pieces', async () => {
    for (const split of [1, 7, 4093, 65537]) {
      const o = await decode(signed, DOC_CHUNKED, split);
      assert.equal(o.error, undefined, `split ${split}`);
      assert.equal(o.data.length, 66560);
    }
  });

  it('verifies the trailer example and exposes x-amz-checksum-crc32c', async () => {
    const o = await decode(
      {
        mode: 'streaming-signed-trailer',
        signing: ctx(TRAILER_SEED),
        decodedContentLength: 66560,
        declaredTrailers: ['x-amz-checksum-crc32c'],
      },
      DOC_TRAILER,
      1000,
    );
    assert.equal(o.error, undefined, o.error?.message);
    assert.equal(o.data.length, 66560);
    assert.deepEqual(o.trailers, { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
  });

  it('rejects the trailer example with a tampered checksum', async () => {
    const tampered = Buffer.from(DOC_TRAILER.toString('latin1').replace('sOO8/Q==', 'AAAAAA=='), 'latin1');
    const o = await decode({ mode: 'streaming-signed-trailer', signing: ctx(TRAILER_SEED) }, tampered);
    expectError(o, 'SignatureDoesNotMatch');
    assert.match(
      o.error?.authError.fields.StringToSign ?? '',
      /^AWS4-HMAC-SHA256-TRAILER\n20130524T000000Z\n/,
    );
  });

  it('goes from a verified request to a decoder', async () => {
    const result = await verifyRequest(
      {
        method: 'PUT',
        path: '/examplebucket/chunkObject.txt',
        query: '',
        clock: clockAt('20130524T000000Z'),
        headers: {
          host: 's3.amazonaws.com',
          'x-amz-date': '20130524T000000Z',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': '66560',
          'content-length': '66824',
          authorization: `AWS4-HMAC-SHA256 Credential=${AWS_DOC_KEY}/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${DOC_SEED}`,
        },
      },
      { lookup: keyStore({ [AWS_DOC_KEY]: AWS_DOC_SECRET }) },
    );
    const decoder = chunkedDecoderFor(assertOk(result));
    assert.ok(decoder);
    const out: Buffer[] = [];
    decoder.on('data', (b: Buffer) => out.push(b));
    await pipeline(Readable.from([DOC_CHUNKED]), decoder);
    assert.equal(Buffer.concat(out).length, 66560);
  });
});

describe('aws-chunked: client encodings', () => {
  const secret = 'secret';
  const url = 'http://127.0.0.1:9000/bucket/object';
  const date = new Date('2024-01-01T00:00:00Z');
  const lookup = keyStore({ AKID: secret });

  async function roundTrip(
    mode:
      | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
      | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
      | 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  ) {
    const chunks = [Buffer.alloc(9000, 1), Buffer.alloc(8192, 2), Buffer.from('tail')];
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const trailers =
      mode === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
        ? undefined
        : ([
            ['x-amz-checksum-crc32', 'AAAAAA=='],
            ['x-amz-checksum-sha256', 'abc='],
          ] as const);
    const signed = signV4({
      method: 'PUT',
      url,
      credentials: { accessKeyId: 'AKID', secretAccessKey: secret },
      service: 's3',
      date,
      payloadHash: mode,
      headers: {
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(total),
        ...(trailers ? { 'x-amz-trailer': 'x-amz-checksum-crc32,x-amz-checksum-sha256' } : {}),
      },
    });
    const body =
      mode === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
        ? encodeUnsignedChunks(chunks, trailers)
        : encodeSignedChunks(chunks, signed.chunkSigning, trailers);
    const result = await verifyRequest(
      {
        method: 'PUT',
        path: '/bucket/object',
        query: '',
        clock: () => date.getTime(),
        headers: signed.headers,
      },
      { lookup },
    );
    const auth = assertOk(result);
    const decoder = chunkedDecoderFor(auth, { minChunkSize: 8192 });
    assert.ok(decoder);
    const out: Buffer[] = [];
    decoder.on('data', (b: Buffer) => out.push(b));
    await pipeline(Readable.from([body]), decoder);
    assert.deepEqual(Buffer.concat(out), Buffer.concat(chunks));
    return { auth, decoder, body, signed };
  }

  it('signed chunks', async () => {
    const { auth } = await roundTrip('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    assert.equal(auth.payload.mode, 'streaming-signed');
  });

  it('signed chunks with a signed trailer', async () => {
    const { decoder, auth } = await roundTrip('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER');
    assert.deepEqual(auth.payload.trailers, ['x-amz-checksum-crc32', 'x-amz-checksum-sha256']);
    assert.deepEqual(decoder.trailers, {
      'x-amz-checksum-crc32': 'AAAAAA==',
      'x-amz-checksum-sha256': 'abc=',
    });
  });

  it('unsigned chunks with trailers (the JS SDK v3 default for streams)', async () => {
    const { decoder, auth } = await roundTrip('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    assert.equal(auth.chunkSigning, undefined);
    assert.deepEqual(decoder.trailers, {
      'x-amz-checksum-crc32': 'AAAAAA==',
      'x-amz-checksum-sha256': 'abc=',
    });
  });

  it('an SDK-shaped unsigned body', async () => {
    const o = await decode(
      {
        mode: 'streaming-unsigned-trailer',
        decodedContentLength: 11,
        declaredTrailers: ['x-amz-checksum-crc32'],
      },
      'b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n',
      3,
    );
    assert.equal(o.error, undefined);
    assert.equal(o.data.toString(), 'hello world');
    assert.deepEqual(o.trailers, { 'x-amz-checksum-crc32': 'DUoRhQ==' });
  });
});

describe('aws-chunked: hostile input', () => {
  const seed = 'f'.repeat(64);
  const c = ctx(seed);
  const good = encodeSignedChunks([Buffer.from('hello'), Buffer.from(' world')], c);
  const signed: AwsChunkedDecoderOptions = { mode: 'streaming-signed', signing: c, decodedContentLength: 11 };
  const unsigned: AwsChunkedDecoderOptions = { mode: 'streaming-unsigned-trailer' };

  it('accepts the untouched body', async () => {
    const o = await decode(signed, good);
    assert.equal(o.error, undefined);
    assert.equal(o.data.toString(), 'hello world');
  });

  it('rejects a wrong chunk signature and emits nothing unverified', async () => {
    const text = good.toString('latin1');
    const second = text.indexOf('6;chunk-signature=') + '6;chunk-signature='.length;
    const bad = text.slice(0, second) + (text[second] === '0' ? '1' : '0') + text.slice(second + 1);
    const o = await decode(signed, bad);
    expectError(o, 'SignatureDoesNotMatch');
    assert.equal(o.data.toString(), 'hello');
    assert.match(o.error?.authError.fields.StringToSign ?? '', /^AWS4-HMAC-SHA256-PAYLOAD\n/);
  });

  it('rejects tampered data', async () => {
    const o = await decode(signed, good.toString('latin1').replace('world', 'World'));
    expectError(o, 'SignatureDoesNotMatch');
    assert.equal(o.data.toString(), 'hello');
  });

  it('rejects a non-hex or missing chunk signature', async () => {
    expectError(await decode(signed, `5;chunk-signature=${'z'.repeat(64)}\r\nhello\r\n`), 'InvalidRequest');
    expectError(await decode(signed, '5\r\nhello\r\n0\r\n\r\n'), 'InvalidRequest');
    expectError(await decode(signed, `5;chunk-signature=${'A'.repeat(64)}\r\nhello\r\n`), 'InvalidRequest');
  });

  it('rejects chunk sizes that lie', async () => {
    // Larger than the data that follows: the body ends inside the chunk.
    expectError(await decode(unsigned, 'ff\r\nhello\r\n0\r\n\r\n'), 'IncompleteBody');
    // Smaller than the data that follows: the CRLF is not where the size says.
    expectError(await decode(unsigned, '3\r\nhello\r\n0\r\n\r\n'), 'InvalidRequest');
    // Larger than x-amz-decoded-content-length: refused before reading the data.
    expectError(
      await decode({ ...unsigned, decodedContentLength: 4 }, '5\r\nhello\r\n0\r\n\r\n'),
      'IncompleteBody',
    );
    // A size that does not fit.
    expectError(await decode(unsigned, 'fffffffffffffffff\r\n'), 'InvalidChunkSizeError');
    expectError(await decode(unsigned, '7fffffffffffffff\r\n'), 'InvalidChunkSizeError');
    expectError(await decode(unsigned, '-5\r\nhello\r\n'), 'InvalidChunkSizeError');
    expectError(await decode(unsigned, '\r\nhello\r\n'), 'InvalidChunkSizeError');
  });

  it('rejects an overlong chunk-size line without buffering it', async () => {
    expectError(await decode(unsigned, '5;' + 'x'.repeat(100_000)), 'InvalidChunkSizeError');
    expectError(await decode(unsigned, '1'.repeat(10_000) + '\r\n'), 'InvalidChunkSizeError');
  });

  it('rejects a missing final chunk, a truncated chunk, an empty body', async () => {
    expectError(await decode(unsigned, '5\r\nhello\r\n'), 'IncompleteBody');
    expectError(await decode(signed, good.subarray(0, good.length - 90)), 'IncompleteBody');
    expectError(await decode(unsigned, '5\r\nhel'), 'IncompleteBody');
    expectError(await decode(unsigned, ''), 'IncompleteBody');
    expectError(await decode(unsigned, '5'), 'IncompleteBody');
  });

  it('rejects a decoded length short of x-amz-decoded-content-length', async () => {
    const o = await decode({ ...unsigned, decodedContentLength: 6 }, '5\r\nhello\r\n0\r\n\r\n');
    expectError(o, 'IncompleteBody');
    assert.match(o.error?.message ?? '', /\(5\).*\(6\)/);
  });

  it('rejects bare LF line endings and garbage after the end', async () => {
    expectError(await decode(unsigned, '5\nhello\r\n0\r\n\r\n'), 'InvalidRequest');
    expectError(await decode(signed, Buffer.concat([good, Buffer.from('junk')])), 'InvalidRequest');
  });

  it('enforces the 8 KiB minimum when asked', async () => {
    const o = await decode({ ...unsigned, minChunkSize: 8192 }, '5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n');
    expectError(o, 'InvalidChunkSizeError');
    assert.equal(o.error?.message, 'Only the last chunk is allowed to have a size less than 8192 bytes');
  });

  it('checks trailers against x-amz-trailer', async () => {
    const declared: AwsChunkedDecoderOptions = { ...unsigned, declaredTrailers: ['x-amz-checksum-crc32'] };
    expectError(await decode(declared, '5\r\nhello\r\n0\r\n\r\n'), 'MalformedTrailerError');
    expectError(
      await decode(declared, '5\r\nhello\r\n0\r\nx-amz-checksum-crc64nvme:AA==\r\n\r\n'),
      'MalformedTrailerError',
    );
    expectError(await decode(declared, '5\r\nhello\r\n0\r\nnot a header\r\n\r\n'), 'MalformedTrailerError');
    expectError(
      await decode(
        declared,
        '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AA==\r\nx-amz-checksum-crc32:AA==\r\n\r\n',
      ),
      'MalformedTrailerError',
    );
    expectError(
      await decode(declared, '5\r\nhello\r\n0\r\n' + 'x-amz-checksum-crc32:' + 'A'.repeat(10_000)),
      'MalformedTrailerError',
    );
  });

  it('requires the trailer signature in the signed trailer mode', async () => {
    const t = encodeSignedChunks([Buffer.from('hello')], c, [['x-amz-checksum-crc32', 'AAAAAA==']]);
    const opts: AwsChunkedDecoderOptions = { mode: 'streaming-signed-trailer', signing: c };
    assert.equal((await decode(opts, t)).error, undefined);
    const stripped = t.toString('latin1').replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, '');
    expectError(await decode(opts, stripped), 'MalformedTrailerError');
    const wrong = t
      .toString('latin1')
      .replace(/x-amz-trailer-signature:[0-9a-f]/, 'x-amz-trailer-signature:g');
    expectError(await decode(opts, wrong), 'MalformedTrailerError');
  });

  it('survives random garbage', async () => {
    let seedState = 42;
    const rand = () => (seedState = (seedState * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = ['0', '5', 'a', 'f', ';', '=', '\r', '\n', 'x', ':', ' ', 'chunk-signature=', '\r\n'];
    for (let i = 0; i < 300; i++) {
      let text = '';
      const n = Math.floor(rand() * 40);
      for (let j = 0; j < n; j++) text += alphabet[Math.floor(rand() * alphabet.length)];
      for (const opts of [signed, unsigned]) {
        const o = await decode(opts, text, 1 + Math.floor(rand() * 5));
        if (o.error === undefined)
          assert.ok(opts === unsigned, `signed mode accepted ${JSON.stringify(text)}`);
      }
    }
  });
});

describe('Sha256Verifier', () => {
  it('passes a matching body and fails a different one with XAmzContentSHA256Mismatch', async () => {
    const hash = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9'; // "hello world"
    const drain = async (src: AsyncIterable<Buffer>) => {
      for await (const _ of src) void _;
    };
    await pipeline(
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
      new Sha256Verifier(hash),
      drain,
    );
    await assert.rejects(
      pipeline(Readable.from([Buffer.from('hello there')]), new Sha256Verifier(hash), drain),
      (err: unknown) => err instanceof AuthStreamError && err.code === 'XAmzContentSHA256Mismatch',
    );
  });
});
