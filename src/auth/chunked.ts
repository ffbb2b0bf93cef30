// A streaming decoder for aws-chunked bodies:
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD          hex(size);chunk-signature=sig\r\n data \r\n ... 0;chunk-signature=sig\r\n\r\n
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  ... 0;chunk-signature=sig\r\n name:value\r\n x-amz-trailer-signature:sig\r\n\r\n
//   STREAMING-UNSIGNED-PAYLOAD-TRAILER          hex(size)\r\n data \r\n ... 0\r\n name:value\r\n\r\n
// Signed chunks are held back until their signature verifies, so nothing unauthenticated leaves
// the decoder. Every fault ends the stream with an AuthStreamError carrying the typed AuthError;
// the input ending early is a fault too, so a consumer never waits on a body that cannot finish.

import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import {
  canonicalTrailerLines,
  chunkStringToSign,
  signString,
  trailerStringToSign,
} from './chunk-signing.js';
import { EMPTY_SHA256, safeEqual } from './crypto.js';
import {
  AuthStreamError,
  decodedLengthMismatch,
  incompleteBody,
  invalidChunkSize,
  malformedChunkedEncoding,
  malformedTrailer,
  signatureDoesNotMatch,
} from './errors.js';
import type { AuthError, AuthSuccess, ChunkSigningContext, ErrorDialect, SecretRecord } from './types.js';

export type ChunkedMode = 'streaming-signed' | 'streaming-signed-trailer' | 'streaming-unsigned-trailer';

export interface AwsChunkedDecoderOptions {
  readonly mode: ChunkedMode;
  /** Required for the signed modes. */
  readonly signing?: ChunkSigningContext;
  /** x-amz-decoded-content-length: the decoded body must have exactly this many bytes. */
  readonly decodedContentLength?: number;
  /** x-amz-trailer: when given, the trailers sent must be exactly these (lower-case names). */
  readonly declaredTrailers?: readonly string[];
  /** Largest chunk accepted. Signed chunks are buffered until verified. Default 16 MiB. */
  readonly maxChunkSize?: number;
  /** S3 rejects non-final chunks under 8192 bytes (InvalidChunkSizeError); off by default
   *  because the JS SDK sends stream bodies in whatever pieces the stream yields. */
  readonly minChunkSize?: number;
  readonly dialect?: ErrorDialect;
  /** For SignatureDoesNotMatch reports. */
  readonly accessKeyId?: string;
}

const MAX_LINE = 4096;
const MAX_TRAILERS = 64;
const SIGNATURE = /^[0-9a-f]{64}$/;
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';

type State = 'size' | 'data' | 'data-crlf' | 'final-crlf' | 'trailer' | 'done' | 'failed';

export class AwsChunkedDecoder extends Transform {
  /** The trailing headers (without x-amz-trailer-signature), set when the stream ends cleanly. */
  trailers: Readonly<Record<string, string>> | undefined;
  /** Decoded bytes so far. */
  decodedLength = 0;

  private readonly opts: AwsChunkedDecoderOptions;
  private readonly signed: boolean;
  private readonly dialect: ErrorDialect;
  private readonly maxChunkSize: number;
  private state: State = 'size';
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  private crlfSeen = 0;
  private chunkSize = 0;
  private lastDataChunkSize = -1;
  private chunkSignature = '';
  private previousSignature = '';
  private hash: Hash | undefined;
  private held: Buffer[] = [];
  private readonly trailerList: Array<readonly [string, string]> = [];
  private trailerSignature: string | undefined;
  private blankAfterFinal = false;

  constructor(options: AwsChunkedDecoderOptions) {
    super();
    this.opts = options;
    this.signed = options.mode !== 'streaming-unsigned-trailer';
    this.dialect = options.dialect ?? 's3';
    this.maxChunkSize = options.maxChunkSize ?? 16 * 1024 * 1024;
    if (this.signed) {
      if (options.signing === undefined) throw new TypeError(`mode ${options.mode} needs a signing context`);
      this.previousSignature = options.signing.seedSignature;
    }
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.state === 'failed') return callback();
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const error = this.consume(buf);
    if (error) return this.failWith(error, callback);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.state === 'failed') return callback();
    const error = this.finish();
    if (error) return this.failWith(error, callback);
    callback();
  }

  private failWith(error: AuthError, callback: TransformCallback): void {
    this.state = 'failed';
    this.held = [];
    callback(new AuthStreamError(error));
  }

  /** Feeds bytes through the state machine; returns the first fault. */
  private consume(buf: Buffer): AuthError | undefined {
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case 'size':
        case 'trailer': {
          const nl = buf.indexOf(0x0a, pos);
          const end = nl < 0 ? buf.length : nl + 1;
          this.lineLength += end - pos;
          if (this.lineLength > MAX_LINE) {
            return this.state === 'size'
              ? invalidChunkSize(this.dialect, 'The chunk header line is too long.')
              : malformedTrailer(this.dialect, 'A trailing header line is too long.');
          }
          this.line.push(buf.subarray(pos, end));
          pos = end;
          if (nl < 0) break;
          const raw = Buffer.concat(this.line).toString('latin1');
          this.line = [];
          this.lineLength = 0;
          if (!raw.endsWith('\r\n'))
            return malformedChunkedEncoding(this.dialect, 'lines must end with CRLF.');
          const text = raw.slice(0, -2);
          const error = this.state === 'size' ? this.onSizeLine(text) : this.onTrailerLine(text);
          if (error) return error;
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, buf.length - pos);
          const piece = buf.subarray(pos, pos + take);
          pos += take;
          this.remaining -= take;
          this.decodedLength += take;
          if (this.signed) {
            this.hash?.update(piece);
            this.held.push(piece);
          } else {
            this.push(piece);
          }
          if (this.remaining === 0) {
            this.state = 'data-crlf';
            this.crlfSeen = 0;
          }
          break;
        }
        case 'data-crlf':
        case 'final-crlf': {
          const expected = this.crlfSeen === 0 ? 0x0d : 0x0a;
          if (buf[pos] !== expected) {
            return this.state === 'data-crlf'
              ? malformedChunkedEncoding(this.dialect, 'chunk data is longer than its declared size.')
              : malformedChunkedEncoding(this.dialect, 'unexpected data after the final chunk.');
          }
          pos += 1;
          this.crlfSeen += 1;
          if (this.crlfSeen === 2) {
            if (this.state === 'final-crlf') {
              this.state = 'done';
            } else {
              const error = this.endOfDataChunk();
              if (error) return error;
              this.state = 'size';
            }
          }
          break;
        }
        case 'done': {
          // Tolerate stray line endings after the terminator; anything else is garbage.
          const byte = buf[pos] as number;
          if (byte !== 0x0d && byte !== 0x0a) {
            return malformedChunkedEncoding(this.dialect, 'unexpected data after the final chunk.');
          }
          pos += 1;
          break;
        }
        case 'failed':
          return undefined;
      }
    }
    return undefined;
  }

  private onSizeLine(text: string): AuthError | undefined {
    const semi = text.indexOf(';');
    const sizeText = (semi < 0 ? text : text.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) {
      return invalidChunkSize(
        this.dialect,
        `The chunk size "${sizeText.slice(0, 32)}" is not a hexadecimal number.`,
      );
    }
    const size = parseInt(sizeText, 16);
    if (!Number.isSafeInteger(size) || size > this.maxChunkSize) {
      return invalidChunkSize(
        this.dialect,
        `The chunk size ${sizeText} exceeds the maximum of ${this.maxChunkSize} bytes.`,
      );
    }
    if (this.signed) {
      const extension = semi < 0 ? '' : text.slice(semi + 1).trim();
      const prefix = 'chunk-signature=';
      const signature = extension.startsWith(prefix) ? extension.slice(prefix.length) : '';
      if (!SIGNATURE.test(signature)) {
        return malformedChunkedEncoding(
          this.dialect,
          'each chunk needs a chunk-signature of 64 lower-case hex digits.',
        );
      }
      this.chunkSignature = signature;
    }
    const declared = this.opts.decodedContentLength;
    if (declared !== undefined && this.decodedLength + size > declared) {
      return decodedLengthMismatch(this.dialect, declared, this.decodedLength + size);
    }
    const min = this.opts.minChunkSize ?? 0;
    if (size > 0 && this.lastDataChunkSize >= 0 && this.lastDataChunkSize < min) {
      return invalidChunkSize(
        this.dialect,
        `Only the last chunk is allowed to have a size less than ${min} bytes`,
      );
    }
    this.chunkSize = size;
    if (size === 0) return this.onFinalChunk();
    this.lastDataChunkSize = size;
    this.remaining = size;
    this.hash = this.signed ? createHash('sha256') : undefined;
    this.state = 'data';
    return undefined;
  }

  private verifyChunk(chunkSha256: string): AuthError | undefined {
    const ctx = this.opts.signing as ChunkSigningContext;
    const stringToSign = chunkStringToSign(ctx, this.previousSignature, chunkSha256);
    if (!safeEqual(signString(ctx, stringToSign), this.chunkSignature)) {
      return signatureDoesNotMatch(this.dialect, {
        accessKeyId: this.opts.accessKeyId ?? '',
        stringToSign,
        signatureProvided: this.chunkSignature,
      });
    }
    this.previousSignature = this.chunkSignature;
    return undefined;
  }

  private endOfDataChunk(): AuthError | undefined {
    if (!this.signed) return undefined;
    const error = this.verifyChunk((this.hash as Hash).digest('hex'));
    if (error) return error;
    for (const piece of this.held) this.push(piece);
    this.held = [];
    return undefined;
  }

  private onFinalChunk(): AuthError | undefined {
    if (this.signed) {
      const error = this.verifyChunk(EMPTY_SHA256);
      if (error) return error;
    }
    this.state = this.opts.mode === 'streaming-signed' ? 'final-crlf' : 'trailer';
    this.crlfSeen = 0;
    return undefined;
  }

  private onTrailerLine(text: string): AuthError | undefined {
    if (
      text === '' &&
      this.trailerList.length === 0 &&
      this.trailerSignature === undefined &&
      !this.blankAfterFinal
    ) {
      // The AWS trailer example closes the zero chunk with its own CRLF before the trailers;
      // most SDKs do not. Accept both: a first blank line is that CRLF, EOF or a second one ends.
      this.blankAfterFinal = true;
      return undefined;
    }
    if (text === '') {
      const error = this.finishTrailers();
      if (error) return error;
      this.state = 'done';
      return undefined;
    }
    if (this.trailerSignature !== undefined) {
      return malformedTrailer(this.dialect, `${TRAILER_SIGNATURE} must be the last trailing header.`);
    }
    const colon = text.indexOf(':');
    const name = colon < 0 ? '' : text.slice(0, colon).trim().toLowerCase();
    if (name === '' || !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      return malformedTrailer(this.dialect, 'A trailing header line is not "name:value".');
    }
    const value = text.slice(colon + 1).trim();
    if (name === TRAILER_SIGNATURE) {
      this.trailerSignature = value;
      return undefined;
    }
    if (this.trailerList.some(([n]) => n === name))
      return malformedTrailer(this.dialect, `Trailer ${name} is repeated.`);
    if (this.trailerList.length >= MAX_TRAILERS)
      return malformedTrailer(this.dialect, 'Too many trailing headers.');
    this.trailerList.push([name, value]);
    return undefined;
  }

  private finishTrailers(): AuthError | undefined {
    if (this.opts.mode === 'streaming-signed-trailer') {
      const provided = this.trailerSignature;
      if (provided === undefined || !SIGNATURE.test(provided)) {
        return malformedTrailer(this.dialect, `${TRAILER_SIGNATURE} is missing or malformed.`);
      }
      const ctx = this.opts.signing as ChunkSigningContext;
      // Sorted is what aws-sdk-net signs; as-received covers signers that keep their own order.
      const candidates = [
        canonicalTrailerLines(this.trailerList, true),
        canonicalTrailerLines(this.trailerList, false),
      ];
      let report: string | undefined;
      let matched = false;
      for (const lines of new Set(candidates)) {
        const stringToSign = trailerStringToSign(ctx, this.previousSignature, lines);
        report ??= stringToSign;
        if (safeEqual(signString(ctx, stringToSign), provided)) {
          matched = true;
          break;
        }
      }
      if (!matched) {
        return signatureDoesNotMatch(this.dialect, {
          accessKeyId: this.opts.accessKeyId ?? '',
          stringToSign: report as string,
          signatureProvided: provided,
        });
      }
    }
    const declared = this.opts.declaredTrailers;
    if (declared !== undefined && declared.length > 0) {
      const sent = this.trailerList.map(([n]) => n);
      const missing = declared.filter((n) => !sent.includes(n));
      const extra = sent.filter((n) => !declared.includes(n));
      if (missing.length > 0)
        return malformedTrailer(this.dialect, `Missing trailer: ${missing.join(', ')}.`);
      if (extra.length > 0) return malformedTrailer(this.dialect, `Undeclared trailer: ${extra.join(', ')}.`);
    }
    this.trailers = Object.fromEntries(this.trailerList);
    return undefined;
  }

  private finish(): AuthError | undefined {
    switch (this.state) {
      case 'size':
        return incompleteBody(this.dialect, 'the final zero-length chunk is missing.');
      case 'data':
      case 'data-crlf':
        return incompleteBody(this.dialect, `the chunk of ${this.chunkSize} bytes is incomplete.`);
      case 'trailer': {
        // The AWS trailer example ends without the closing CRLFs; accept a last line cut by EOF.
        if (this.lineLength > 0) {
          const text = Buffer.concat(this.line).toString('latin1').replace(/\r$/, '');
          this.line = [];
          this.lineLength = 0;
          if (text !== '') {
            const error = this.onTrailerLine(text);
            if (error) return error;
          }
        }
        const error = this.finishTrailers();
        if (error) return error;
        break;
      }
      case 'final-crlf':
      case 'done':
        break;
      case 'failed':
        return undefined;
    }
    const declared = this.opts.decodedContentLength;
    if (declared !== undefined && declared !== this.decodedLength) {
      return decodedLengthMismatch(this.dialect, declared, this.decodedLength);
    }
    this.state = 'done';
    this.trailers ??= {};
    this.emit('trailers', this.trailers);
    return undefined;
  }
}

/** The decoder a verified request needs, or undefined when its body is not aws-chunked. */
export function chunkedDecoderFor<I extends SecretRecord>(
  auth: AuthSuccess<I>,
  extra: Pick<AwsChunkedDecoderOptions, 'maxChunkSize' | 'minChunkSize'> = {},
): AwsChunkedDecoder | undefined {
  const { mode, decodedContentLength, trailers } = auth.payload;
  if (
    mode !== 'streaming-signed' &&
    mode !== 'streaming-signed-trailer' &&
    mode !== 'streaming-unsigned-trailer'
  ) {
    return undefined;
  }
  return new AwsChunkedDecoder({
    mode,
    ...(auth.chunkSigning === undefined ? {} : { signing: auth.chunkSigning }),
    ...(decodedContentLength === undefined ? {} : { decodedContentLength }),
    ...(trailers === undefined ? {} : { declaredTrailers: trailers }),
    ...extra,
    dialect: auth.scheme.startsWith('oss-') ? 'oss' : 's3',
    accessKeyId: auth.accessKeyId,
  });
}
