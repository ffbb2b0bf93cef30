// Sends a blob over an HTTP response with two buffers used in turn: one is read from the file
// while the other is being written to the socket. Streaming through fs.ReadStream allocates a
// new buffer for every chunk, and at hundreds of MB/s that garbage keeps V8's major collector
// busy (most of the CPU of a large GET, measured); reused buffers make it plain copying.
import type { ServerResponse } from 'node:http';
import type { BlobSource } from '../store/blobs.js';

const CHUNK_BYTES = 1024 * 1024;

/** Writes `chunk` and resolves once the socket has taken it (so its buffer may be reused). */
function writeChunk(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = (): void => reject(new Error('the client went away'));
    res.once('close', onClose);
    res.write(chunk, (err) => {
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    });
  });
}

/** Copies the whole source to `res` and ends it; throws (leaving `res` to the caller) on failure. */
export async function sendSource(res: ServerResponse, source: BlobSource): Promise<void> {
  try {
    const size = Math.max(1, Math.min(CHUNK_BYTES, source.length));
    const buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
    let sent = 0;
    let writing: Promise<void> | null = null;
    for (let turn = 0; sent < source.length; turn ^= 1) {
      // This buffer's previous write was awaited before the other buffer's write began.
      const buffer = buffers[turn] as Buffer;
      const want = Math.min(size, source.length - sent);
      let filled = 0;
      while (filled < want) {
        const n = await source.readInto(buffer.subarray(filled), want - filled, source.start + sent + filled);
        if (n === 0) throw new Error('the blob is shorter than its metadata says');
        filled += n;
      }
      if (writing !== null) await writing;
      writing = writeChunk(res, buffer.subarray(0, filled));
      // Don't leave a rejection unobserved while the next read runs.
      writing.catch(() => undefined);
      sent += filled;
    }
    if (writing !== null) await writing;
    res.end();
  } finally {
    await source.close();
  }
}
