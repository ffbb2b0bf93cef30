// Checking a body against the x-amz-content-sha256 digest the signature covered. The verifier
// cannot see streamed bodies; the server pipes them through this.

import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AuthStreamError, contentSha256Mismatch } from './errors.js';

/** Passes bytes through and fails the stream with XAmzContentSHA256Mismatch (an AuthStreamError
 *  carrying the typed AuthError) when the body does not hash to `expected`. */
export class Sha256Verifier extends Transform {
  private readonly hash: Hash = createHash('sha256');
  constructor(private readonly expected: string) {
    super();
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.hash.update(buf);
    callback(null, buf);
  }

  override _flush(callback: TransformCallback): void {
    const computed = this.hash.digest('hex');
    if (computed !== this.expected.toLowerCase()) {
      return callback(new AuthStreamError(contentSha256Mismatch(this.expected, computed)));
    }
    callback();
  }
}
