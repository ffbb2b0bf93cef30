// Per-request state: the request id S3 clients log (`x-amz-request-id`, 16 uppercase hex), the
// host id (`x-amz-id-2`), timing, and the peer facts authorization needs. Every response, success
// or error, carries both ids.
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';

// Random bytes come from a pool refilled in bulk: one syscall per 512 request ids, not one each.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** A new request id: 16 uppercase hex characters, like S3's. */
export function newRequestId(): string {
  return randomHex(8).toUpperCase();
}

// S3's host id is an opaque base64 token; ours hashes this process's secret identity with the
// request id, so it differs per request (as S3's does) and reveals nothing.
const NODE_TOKEN = randomBytes(24);

export function hostIdFor(requestId: string): string {
  return createHash('sha256').update(NODE_TOKEN).update(requestId).digest('base64');
}

export class HttpRequestContext {
  readonly requestId: string;
  readonly hostId: string;
  readonly startedAt: Date;
  /** The peer address without the IPv4-mapped IPv6 prefix (what aws:SourceIp compares). */
  readonly sourceIp: string;
  readonly secure: boolean;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    this.requestId = newRequestId();
    this.hostId = hostIdFor(this.requestId);
    this.startedAt = new Date();
    const addr = req.socket.remoteAddress ?? '';
    this.sourceIp = addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
    this.secure = (req.socket as Partial<TLSSocket>).encrypted === true;
    res.setHeader('x-amz-request-id', this.requestId);
    res.setHeader('x-amz-id-2', this.hostId);
  }

  /** One request header as a single string (repeated headers joined with `,` as node does). */
  header(name: string): string | undefined {
    const v = this.req.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  }
}
