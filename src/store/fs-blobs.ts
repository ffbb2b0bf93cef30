// Blobs as files under <data>/blobs/<id[0..2]>/<id>, written through <data>/tmp/.
//
// Crash safety. A write goes: temp file → fdatasync → rename into its shard → fsync the shard
// directory. Only then does the caller commit the metadata row naming the blob, and only after
// a row stops naming a blob does the caller delete it. So a crash can leave (a) a temp file or
// (b) a complete blob no row names — never a row naming a missing or partial blob. Both
// leftovers are harmless and `sweep()` deletes them at start-up. Deletes skip the directory
// fsync: a blob resurrected by a crash is just another unreferenced blob for the sweep.
//
// Cost per small write (this is the hot path of small PUTs): the 256 shard directories all exist
// from open() on (no mkdir on the request path), each is opened once for its fsyncs, and
// concurrent writes into one shard share a directory fsync (group commit: an fsync that starts
// after a rename covers it). Data directories of the earlier two-level layout
// (<id[0..2]>/<id[2..4]>/<id>) are moved to this one on open.
//
// Blob ids are 128 random bits in hex, generated here, never derived from keys; every id that
// comes back in is checked against that shape before it becomes a path, so none can traverse.
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasync, openSync, renameSync, writevSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import type {
  BlobBody,
  BlobSource,
  BlobConcatResult,
  BlobStore,
  BlobWriteOptions,
  BlobWriteResult,
  ByteRange,
  ReferencedBlobs,
  SweepOptions,
  SweepResult,
} from './blobs.js';
import { createHasher, type ChecksumAlgorithm, type DigestAlgorithm, type Hasher } from './checksums.js';
import { StoreError } from './errors.js';

const BLOB_ID = /^[0-9a-f]{32}$/;
const SHARD = /^[0-9a-f]{2}$/;
const SHARDS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
// Gather small network chunks into one writev: one thread-pool round trip per MiB, not per chunk.
const WRITE_BATCH_BYTES = 1 << 20;
// Whole bodies up to this size are written with synchronous calls (see writeBlob).
const SYNC_WRITE_MAX_BYTES = 256 * 1024;
const READ_HIGH_WATER_MARK = 1024 * 1024;
const SWEEP_BATCH = 1000;

const fdatasyncAsync = promisify(fdatasync);

export interface FsBlobStoreOptions {
  /** fsync files and directories (default true). Only tests of throwaway data turn it off. */
  readonly fsync?: boolean;
}

export function isBlobId(id: string): boolean {
  return BLOB_ID.test(id);
}

export class FsBlobStore implements BlobStore {
  private readonly blobsDir: string;
  private readonly tmpDir: string;
  private readonly fsync: boolean;
  // One group-committing syncer per shard directory, created on first use.
  private readonly syncers = new Map<string, DirectorySyncer>();

  private constructor(dataDir: string, options: FsBlobStoreOptions) {
    this.blobsDir = join(dataDir, 'blobs');
    this.tmpDir = join(dataDir, 'tmp');
    this.fsync = options.fsync ?? true;
  }

  /** Opens (creating if needed) the blob store of a data directory. */
  static async open(dataDir: string, options: FsBlobStoreOptions = {}): Promise<FsBlobStore> {
    const store = new FsBlobStore(dataDir, options);
    await mkdir(dataDir, { recursive: true });
    const createdBlobs = await mkdirFresh(store.blobsDir);
    const createdTmp = await mkdirFresh(store.tmpDir);
    if (createdBlobs || createdTmp) await syncDirectory(dataDir, store.fsync);
    let createdShards = false;
    for (const shard of SHARDS) {
      if (await mkdirFresh(join(store.blobsDir, shard))) createdShards = true;
      else await store.flattenLegacyShard(shard);
    }
    if (createdShards) await syncDirectory(store.blobsDir, store.fsync);
    return store;
  }

  /** Closes the shard directories' handles. The store is unusable afterwards. */
  async close(): Promise<void> {
    const syncers = [...this.syncers.values()];
    this.syncers.clear();
    await Promise.all(syncers.map((s) => s.close()));
  }

  /** Moves blobs of the two-level layout (<d1>/<d2>/<id>) up into <d1>, made durable there. */
  private async flattenLegacyShard(shard: string): Promise<void> {
    const dir = join(this.blobsDir, shard);
    let moved = false;
    for (const sub of await readdirOrEmpty(dir)) {
      if (!SHARD.test(sub)) continue;
      const legacy = join(dir, sub);
      for (const name of await readdirOrEmpty(legacy)) {
        if (!BLOB_ID.test(name) || name.slice(0, 2) !== shard) continue;
        await rename(join(legacy, name), join(dir, name));
        moved = true;
      }
      // Only an emptied directory goes; anything else in it is not ours to judge.
      await rmdir(legacy).catch(() => undefined);
    }
    if (moved) await syncDirectory(dir, this.fsync);
  }

  /** The file of a blob; throws InvalidBlobId for anything this store could not have generated. */
  pathOf(blobId: string): string {
    if (!BLOB_ID.test(blobId)) throw new StoreError('InvalidBlobId', 'invalid blob id');
    return join(this.blobsDir, blobId.slice(0, 2), blobId);
  }

  async write(body: BlobBody, options: BlobWriteOptions = {}): Promise<BlobWriteResult> {
    const { blobId, size, digests } = await this.writeBlob(body, options, true);
    const md5 = digests.get('MD5') as Buffer;
    return { blobId, size, md5, checksums: checksumsOf(digests) };
  }

  /** Like write, but MD5 only when asked through expectedDigests (multipart ETags don't need it). */
  async concat(blobIds: readonly string[], options: BlobWriteOptions = {}): Promise<BlobConcatResult> {
    for (const id of blobIds) this.pathOf(id); // reject bad ids before creating anything
    const parts = async function* (store: FsBlobStore): AsyncGenerator<Uint8Array> {
      for (const id of blobIds) {
        const stream = await store.read(id);
        for await (const chunk of stream) yield chunk as Buffer;
      }
    };
    const { blobId, size, digests } = await this.writeBlob(parts(this), options, false);
    return { blobId, size, checksums: checksumsOf(digests) };
  }

  private async writeBlob(
    body: BlobBody,
    options: BlobWriteOptions,
    md5: boolean,
  ): Promise<{ blobId: string; size: number; digests: Map<DigestAlgorithm, Buffer> }> {
    const hashers = new Map<DigestAlgorithm, Hasher>();
    if (md5) hashers.set('MD5', createHasher('MD5'));
    for (const alg of options.checksums ?? []) hashers.set(alg, createHasher(alg));
    for (const alg of Object.keys(options.expectedDigests ?? {}) as DigestAlgorithm[]) {
      if (!hashers.has(alg)) hashers.set(alg, createHasher(alg));
    }
    const expected = options.expectedLength;
    const limit = Math.min(expected ?? Infinity, options.maxLength ?? Infinity);

    const blobId = randomBytes(16).toString('hex');
    const tmp = join(this.tmpDir, blobId);
    let final: string | null = null;
    // Opened once the body outgrows one batch: a small body is checked whole before any file exists.
    let fh: FileHandle | null = null;
    let fd: number | null = null;
    let done = false;
    try {
      let size = 0;
      let batch: Uint8Array[] = [];
      let batchBytes = 0;
      for await (const raw of body) {
        const chunk: Uint8Array = typeof raw === 'string' ? Buffer.from(raw) : raw;
        size += chunk.byteLength;
        // Fail as soon as the body is too long; don't read (or store) the rest.
        if (size > limit) {
          throw new StoreError(
            'EntityTooLarge',
            expected !== undefined && size > expected
              ? `body is longer than the expected ${expected} bytes`
              : `body exceeds the maximum of ${options.maxLength} bytes`,
          );
        }
        for (const h of hashers.values()) h.update(chunk);
        batch.push(chunk);
        batchBytes += chunk.byteLength;
        if (batchBytes >= WRITE_BATCH_BYTES) {
          fh ??= await open(tmp, 'wx', 0o600);
          await writeAllv(fh, batch);
          batch = [];
          batchBytes = 0;
        }
      }
      if (expected !== undefined && size < expected) {
        throw new StoreError('IncompleteBody', `body ended after ${size} of ${expected} bytes`, {
          received: size,
          expected,
        });
      }
      const digests = new Map<DigestAlgorithm, Buffer>();
      for (const [alg, h] of hashers) digests.set(alg, h.digest());
      checkDigests(options.expectedDigests, digests);
      if (fh === null && batchBytes <= SYNC_WRITE_MAX_BYTES) {
        // Small body, already whole and checked: creating, filling and renaming a page-cache file
        // takes microseconds, less than a thread-pool round trip, so only the syncs leave this
        // thread (each round trip also costs two context switches, a tenth of a PUT's CPU here).
        fd = openSync(tmp, 'wx', 0o600);
        writeAllvSync(fd, batch);
        if (this.fsync) await fdatasyncAsync(fd);
        closeSync(fd);
        fd = null;
        final = this.pathOf(blobId);
        renameSync(tmp, final);
      } else {
        fh ??= await open(tmp, 'wx', 0o600);
        if (batch.length > 0) await writeAllv(fh, batch);
        if (this.fsync) await fh.datasync();
        await fh.close();
        fh = null;
        final = this.pathOf(blobId);
        await rename(tmp, final);
      }
      if (this.fsync) await this.syncerOf(blobId.slice(0, 2)).sync();
      done = true;
      return { blobId, size, digests };
    } finally {
      if (!done) {
        if (fd !== null) closeSync(fd);
        await fh?.close().catch(() => undefined);
        await rm(tmp, { force: true }).catch(() => undefined);
        // Renamed but the directory sync failed: not durable, so not acknowledged either.
        if (final !== null) await rm(final, { force: true }).catch(() => undefined);
      }
    }
  }

  async read(blobId: string, range?: ByteRange): Promise<Readable> {
    const fh = await this.openForRead(blobId);
    // The stream owns the handle from here and closes it on end, error or destroy.
    return fh.createReadStream({
      start: range?.start,
      end: range?.end,
      highWaterMark: READ_HIGH_WATER_MARK,
    });
  }

  async readBuffer(blobId: string, range: ByteRange): Promise<Buffer> {
    const fh = await this.openForRead(blobId);
    try {
      const length = range.end - range.start + 1;
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await fh.read(buffer, filled, length - filled, range.start + filled);
        if (bytesRead === 0) throw new StoreError('NoSuchBlob', `blob ${blobId} is shorter than asked`);
        filled += bytesRead;
      }
      return buffer;
    } finally {
      await fh.close();
    }
  }

  async source(blobId: string, range?: ByteRange): Promise<BlobSource> {
    const fh = await this.openForRead(blobId);
    try {
      const start = range?.start ?? 0;
      const length = range !== undefined ? range.end - range.start + 1 : (await fh.stat()).size;
      return {
        start,
        length,
        readInto: async (buffer, n, position) => (await fh.read(buffer, 0, n, position)).bytesRead,
        close: () => fh.close(),
      };
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  private async openForRead(blobId: string): Promise<FileHandle> {
    const path = this.pathOf(blobId);
    try {
      return await open(path, 'r');
    } catch (e) {
      throw isNotFound(e) ? new StoreError('NoSuchBlob', `blob ${blobId} is missing`) : e;
    }
  }

  async size(blobId: string): Promise<number> {
    try {
      return (await stat(this.pathOf(blobId))).size;
    } catch (e) {
      throw isNotFound(e) ? new StoreError('NoSuchBlob', `blob ${blobId} is missing`) : e;
    }
  }

  async delete(blobId: string): Promise<void> {
    try {
      await unlink(this.pathOf(blobId));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  async sweep(referenced: ReferencedBlobs, options: SweepOptions = {}): Promise<SweepResult> {
    const cutoff = Date.now() - (options.minAgeMs ?? 0);
    let tempFilesRemoved = 0;
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const st = await statOrNull(path);
      if (st !== null && st.mtimeMs <= cutoff) {
        await rm(path, { force: true, recursive: true });
        tempFilesRemoved++;
      }
    }

    let blobsRemoved = 0;
    let blobsKept = 0;
    let batch: string[] = [];
    const flush = async (): Promise<void> => {
      const live = await referenced(batch);
      for (const id of batch) {
        if (live.has(id)) {
          blobsKept++;
        } else {
          await this.delete(id);
          blobsRemoved++;
        }
      }
      batch = [];
    };
    for (const shard of await readdirOrEmpty(this.blobsDir)) {
      const dir = join(this.blobsDir, shard);
      for (const name of await readdirOrEmpty(dir)) {
        // Files of any other shape are not ours to judge: leave them alone.
        if (!BLOB_ID.test(name) || name.slice(0, 2) !== shard) continue;
        const st = await statOrNull(join(dir, name));
        if (st === null) continue;
        if (st.mtimeMs > cutoff) {
          blobsKept++;
          continue;
        }
        batch.push(name);
        if (batch.length >= SWEEP_BATCH) await flush();
      }
    }
    if (batch.length > 0) await flush();
    return { tempFilesRemoved, blobsRemoved, blobsKept };
  }

  private syncerOf(shard: string): DirectorySyncer {
    let syncer = this.syncers.get(shard);
    if (syncer === undefined) {
      syncer = new DirectorySyncer(join(this.blobsDir, shard));
      this.syncers.set(shard, syncer);
    }
    return syncer;
  }
}

/**
 * fsyncs one directory for many writers. An fsync covers every rename that finished before it
 * started, so a caller arriving while one runs waits for the next, which it shares with everyone
 * else who arrived meanwhile: at most one running and one queued per directory.
 */
class DirectorySyncer {
  private handle: Promise<FileHandle> | null = null;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly dir: string) {}

  sync(): Promise<void> {
    if (this.queued !== null) return this.queued;
    if (this.running === null) return this.start();
    const queued = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.start();
      });
    this.queued = queued;
    return queued;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await this.running?.catch(() => undefined);
    await this.queued?.catch(() => undefined);
    if (handle !== null) await (await handle.catch(() => null))?.close();
  }

  private start(): Promise<void> {
    const run = (async () => {
      try {
        this.handle ??= open(this.dir, 'r');
        await (await this.handle).sync();
      } catch (e) {
        // A handle that failed (or a directory replaced under us) is reopened next time.
        this.handle = null;
        throw e;
      } finally {
        this.running = null;
      }
    })();
    this.running = run;
    return run;
  }
}

async function syncDirectory(dir: string, enabled: boolean): Promise<void> {
  if (!enabled) return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function checksumsOf(digests: Map<DigestAlgorithm, Buffer>): Partial<Record<ChecksumAlgorithm, Buffer>> {
  const out: Partial<Record<ChecksumAlgorithm, Buffer>> = {};
  for (const [alg, digest] of digests) if (alg !== 'MD5') out[alg] = digest;
  return out;
}

function checkDigests(
  expected: BlobWriteOptions['expectedDigests'],
  digests: ReadonlyMap<DigestAlgorithm, Buffer>,
): void {
  for (const [alg, want] of Object.entries(expected ?? {}) as [DigestAlgorithm, Buffer][]) {
    if (!want.equals(digests.get(alg) as Buffer)) {
      throw new StoreError(
        'BadDigest',
        alg === 'MD5'
          ? 'The Content-MD5 you specified did not match what we received.'
          : `The ${alg} you specified did not match the calculated checksum.`,
        { algorithm: alg },
      );
    }
  }
}

/** writevSync until every byte is down. */
function writeAllvSync(fd: number, chunks: Uint8Array[]): void {
  let pending = chunks;
  while (pending.length > 0) {
    const written = writevSync(fd, pending);
    pending = remainderAfter(pending, written);
  }
}

/** The chunks still to write once `written` bytes of them are down. */
function remainderAfter(chunks: Uint8Array[], written: number): Uint8Array[] {
  let skip = written;
  const rest: Uint8Array[] = [];
  for (const c of chunks) {
    if (skip >= c.byteLength) {
      skip -= c.byteLength;
    } else {
      rest.push(skip > 0 ? c.subarray(skip) : c);
      skip = 0;
    }
  }
  return rest;
}

/** writev until every byte is down: the kernel may accept fewer bytes than asked. */
async function writeAllv(fh: FileHandle, chunks: Uint8Array[]): Promise<void> {
  let pending = chunks;
  for (;;) {
    const total = pending.reduce((n, c) => n + c.byteLength, 0);
    if (total === 0) return;
    const { bytesWritten } = await fh.writev(pending);
    if (bytesWritten >= total) return;
    pending = remainderAfter(pending, bytesWritten);
  }
}

async function mkdirFresh(dir: string): Promise<boolean> {
  try {
    await mkdir(dir);
    return true;
  } catch (e) {
    if (typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EEXIST') return false;
    throw e;
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOENT';
}

async function statOrNull(path: string): Promise<{ mtimeMs: number } | null> {
  try {
    return await stat(path);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/** Entries of a directory; nothing for a vanished path or a file where a directory was expected. */
async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if (
      isNotFound(e) ||
      (typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOTDIR')
    ) {
      return [];
    }
    throw e;
  }
}
