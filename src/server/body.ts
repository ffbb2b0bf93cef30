// Request bodies as the handlers see them: an async iterable of chunks that (a) sends
// `100 Continue` only when a handler actually starts reading — so a refused upload is refused
// before the client sends it — and (b) turns a client that disconnects mid-body into
// IncompleteBody, so nothing half-received is ever stored.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error } from './errors.js';

export function plainBody(req: IncomingMessage, res: ServerResponse): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      if (req.headers.expect?.toLowerCase() === '100-continue' && !res.headersSent) res.writeContinue();
      try {
        for await (const chunk of req) yield chunk as Buffer;
      } catch {
        throw new S3Error('IncompleteBody');
      }
      // node ends the stream without error on some early closes: `complete` tells the truth.
      if (!req.complete) throw new S3Error('IncompleteBody');
    },
  };
}

/** The declared Content-Length, undefined when absent (chunked), MissingContentLength/InvalidArgument when malformed. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', 'Invalid Content-Length', { ArgumentName: 'Content-Length', ArgumentValue: raw });
  return Number(raw);
}

/** Reads a whole (small) body into memory, failing with `tooLarge` past `max` bytes. */
export async function readAll(body: AsyncIterable<Uint8Array>, max: number, tooLarge: () => S3Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge();
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
}
