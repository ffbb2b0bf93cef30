// The few primitives every scheme uses, on node:crypto only.

import { createHash, createHmac, timingSafeEqual, type BinaryLike } from 'node:crypto';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function hmacSha256(key: BinaryLike, data: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function hmacSha1Base64(key: BinaryLike, data: string | Uint8Array): string {
  return createHmac('sha1', key).update(data).digest('base64');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The SigV4-family key chain: kSecret → date → region → service → terminator.
 *  AWS: prefix "AWS4", terminator "aws4_request"; OSS V4: "aliyun_v4", "aliyun_v4_request". */
export function deriveSigningKey(
  secret: string,
  date: string,
  region: string,
  service: string,
  prefix = 'AWS4',
  terminator = 'aws4_request',
): Buffer {
  const kDate = hmacSha256(prefix + secret, date);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, terminator);
}

/** Constant-time string equality. Lengths are public (they are in the request), so a length
 *  mismatch still does one full comparison and then reports false. */
export function safeEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}
