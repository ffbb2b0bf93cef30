// Small helpers for request bodies (the body streams themselves come from authenticate.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error } from './errors.js';

/** The declared Content-Length, undefined when absent (chunked), MissingContentLength/InvalidArgument when malformed. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw new S3Error('InvalidArgument', 'Invalid Content-Length', {
      ArgumentName: 'Content-Length',
      ArgumentValue: raw,
    });
  return Number(raw);
}

/** Reads a whole (small) body into memory, failing with `tooLarge` past `max` bytes. */
export async function readAll(
  body: AsyncIterable<Uint8Array>,
  max: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge();
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
}

/**
 * A whole small request body for the API fronts (IAM/STS Query, Organizations, Alibaba STS):
 * refused before reading when Content-Length is already past `max`, and `100 Continue` sent to a
 * client that waits for it (the server leaves that to whoever reads the body).
 */
export async function readRequestBody(
  req: IncomingMessage,
  res: ServerResponse,
  max: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  if (req.headers.expect?.toLowerCase() === '100-continue' && !res.headersSent) res.writeContinue();
  return readAll(req, max, tooLarge);
}
