// The filesystem blob store: durable writes, nothing left behind on failure, ranges, sweep.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { digestOf } from '../../src/store/checksums.js';
import { isStoreError, type StoreErrorCode } from '../../src/store/errors.js';
import { FsBlobStore } from '../../src/store/fs-blobs.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A body delivered in uneven chunks, like a network socket. */
function chunked(data: Buffer, size = 7777): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
  })();
}

/** Every file under a directory, recursively (relative paths). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

async function rejectsWith(promise: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isStoreError(e), `expected StoreError ${code}, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  });
}

describe('FsBlobStore', () => {
  let dir: string;
  let blobs: FsBlobStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-blobs-'));
    blobs = await FsBlobStore.open(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a body durably into a sharded path and reads it back, whole and by range', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const res = await blobs.write(chunked(data), {
      expectedLength: data.length,
      checksums: ['CRC32', 'CRC32C', 'SHA256', 'SHA1', 'CRC64NVME'],
    });
    assert.match(res.blobId, /^[0-9a-f]{32}$/);
    assert.equal(res.size, data.length);
    assert.deepEqual(res.md5, createHash('md5').update(data).digest());
    assert.deepEqual(res.checksums.CRC32, digestOf('CRC32', data));
    assert.deepEqual(res.checksums.CRC32C, digestOf('CRC32C', data));
    assert.deepEqual(res.checksums.SHA256, digestOf('SHA256', data));
    assert.deepEqual(res.checksums.SHA1, digestOf('SHA1', data));
    assert.deepEqual(res.checksums.CRC64NVME, digestOf('CRC64NVME', data));
    const path = blobs.pathOf(res.blobId);
    assert.equal(path, join(dir, 'blobs', res.blobId.slice(0, 2), res.blobId));
    assert.equal((await stat(path)).size, data.length);
    assert.equal(await blobs.size(res.blobId), data.length);
    assert.deepEqual(await collect(await blobs.read(res.blobId)), data);
    assert.deepEqual(await collect(await blobs.read(res.blobId, { start: 5, end: 5 })), data.subarray(5, 6));
    assert.deepEqual(
      await collect(await blobs.read(res.blobId, { start: 1_000_000, end: data.length - 1 })),
      data.subarray(1_000_000),
    );
    // The same bytes read into one buffer, whole and by range; past the end is refused.
    assert.deepEqual(await blobs.readBuffer(res.blobId, { start: 0, end: data.length - 1 }), data);
    assert.deepEqual(await blobs.readBuffer(res.blobId, { start: 7, end: 4102 }), data.subarray(7, 4103));
    await rejectsWith(blobs.readBuffer(res.blobId, { start: 0, end: data.length }), 'NoSuchBlob');
    await rejectsWith(blobs.readBuffer('0'.repeat(32), { start: 0, end: 0 }), 'NoSuchBlob');
    // An open source reads by position, whole or by range.
    const whole = await blobs.source(res.blobId);
    const ranged = await blobs.source(res.blobId, { start: 10, end: 19 });
    try {
      assert.deepEqual([whole.start, whole.length, ranged.start, ranged.length], [0, data.length, 10, 10]);
      const buffer = Buffer.alloc(10);
      assert.equal(await ranged.readInto(buffer, 10, ranged.start), 10);
      assert.deepEqual(buffer, data.subarray(10, 20));
      assert.equal(await whole.readInto(buffer, 10, data.length), 0, 'end of file');
    } finally {
      await whole.close();
      await ranged.close();
    }
    await rejectsWith(blobs.source('0'.repeat(32)), 'NoSuchBlob');
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  });

  it('writes empty bodies and Node Readable streams', async () => {
    const empty = await blobs.write(Readable.from([]), { expectedLength: 0 });
    assert.equal(empty.size, 0);
    assert.equal(empty.md5.toString('hex'), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.deepEqual(await collect(await blobs.read(empty.blobId)), Buffer.alloc(0));
    const res = await blobs.write(Readable.from([Buffer.from('hel'), Buffer.from('lo')]));
    assert.equal(res.size, 5);
    assert.deepEqual(await collect(await blobs.read(res.blobId)), Buffer.from('hello'));
  });

  it('leaves nothing behind for a truncated body', async () => {
    const before = await filesUnder(dir);
    const data = randomBytes(100_000);
    await rejectsWith(
      blobs.write(chunked(data.subarray(0, 99_999)), { expectedLength: 100_000 }),
      'IncompleteBody',
    );
    assert.deepEqual(await filesUnder(dir), before);
  });

  it('stops reading and leaves nothing behind for an over-long body', async () => {
    const before = await filesUnder(dir);
    let pulled = 0;
    const endless = (async function* () {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1000, 1);
      }
    })();
    await rejectsWith(blobs.write(endless, { expectedLength: 4500 }), 'EntityTooLarge');
    assert.equal(pulled, 5);
    await rejectsWith(blobs.write(chunked(Buffer.alloc(10_001)), { maxLength: 10_000 }), 'EntityTooLarge');
    assert.deepEqual(await filesUnder(dir), before);
  });

  it('leaves nothing behind when the source fails mid-body', async () => {
    const before = await filesUnder(dir);
    const failing = (async function* () {
      yield Buffer.alloc(5000);
      throw new Error('client went away');
    })();
    await assert.rejects(blobs.write(failing, { expectedLength: 10_000 }), /client went away/);
    assert.deepEqual(await filesUnder(dir), before);
  });

  it('verifies Content-MD5 and checksums the client sent', async () => {
    const before = await filesUnder(dir);
    const data = Buffer.from('payload');
    const ok = await blobs.write(chunked(data, 2), {
      expectedDigests: { MD5: digestOf('MD5', data), CRC32C: digestOf('CRC32C', data) },
    });
    assert.deepEqual(ok.checksums.CRC32C, digestOf('CRC32C', data));
    await blobs.delete(ok.blobId);
    await assert.rejects(
      blobs.write(chunked(data), { expectedDigests: { MD5: digestOf('MD5', Buffer.from('other')) } }),
      (e: unknown) => isStoreError(e, 'BadDigest') && e.details.algorithm === 'MD5',
    );
    await assert.rejects(
      blobs.write(chunked(data), { expectedDigests: { SHA256: Buffer.alloc(32) } }),
      (e: unknown) => isStoreError(e, 'BadDigest') && e.details.algorithm === 'SHA256',
    );
    assert.deepEqual(await filesUnder(dir), before);
  });

  it('never turns a foreign id into a path', async () => {
    for (const bad of [
      '../../etc/passwd',
      '..',
      '',
      'ABCDEF0123456789ABCDEF0123456789',
      'a'.repeat(31),
      'a'.repeat(33),
      'g'.repeat(32),
      'aa/bb/' + 'a'.repeat(26),
    ]) {
      assert.throws(
        () => blobs.pathOf(bad),
        (e: unknown) => isStoreError(e, 'InvalidBlobId'),
      );
      await rejectsWith(blobs.read(bad), 'InvalidBlobId');
      await rejectsWith(blobs.delete(bad), 'InvalidBlobId');
      await rejectsWith(blobs.size(bad), 'InvalidBlobId');
      await rejectsWith(blobs.concat([bad]), 'InvalidBlobId');
    }
  });

  it('reports missing blobs and deletes idempotently', async () => {
    const res = await blobs.write(chunked(Buffer.from('x')));
    await blobs.delete(res.blobId);
    await blobs.delete(res.blobId);
    await rejectsWith(blobs.read(res.blobId), 'NoSuchBlob');
    await rejectsWith(blobs.size(res.blobId), 'NoSuchBlob');
  });

  it('concatenates parts into a new blob, computing full-object checksums', async () => {
    const parts = [randomBytes(1_500_000), randomBytes(10), randomBytes(700_000)];
    const ids: string[] = [];
    for (const p of parts) ids.push((await blobs.write(chunked(p))).blobId);
    const whole = Buffer.concat(parts);
    const res = await blobs.concat(ids, { checksums: ['CRC32', 'CRC64NVME'], expectedLength: whole.length });
    assert.equal(res.size, whole.length);
    assert.deepEqual(res.checksums.CRC32, digestOf('CRC32', whole));
    assert.deepEqual(res.checksums.CRC64NVME, digestOf('CRC64NVME', whole));
    assert.deepEqual(await collect(await blobs.read(res.blobId)), whole);
    // Parts stay until the caller deletes them (after the metadata commit).
    for (const id of ids) assert.equal(await blobs.size(id), parts[ids.indexOf(id)]?.length);
    // A missing part fails the concatenation and leaves nothing.
    const before = await filesUnder(dir);
    await blobs.delete(ids[1] as string);
    const after = await filesUnder(dir);
    await rejectsWith(blobs.concat(ids), 'NoSuchBlob');
    assert.deepEqual(await filesUnder(dir), after);
    assert.equal(after.length, before.length - 1);
  });

  it('runs many writes in parallel, sharing shard directory fsyncs', async () => {
    const datas = Array.from({ length: 64 }, (_, i) => randomBytes(i * 100));
    const results = await Promise.all(datas.map((d) => blobs.write(chunked(d, 50))));
    for (const [i, r] of results.entries()) {
      assert.deepEqual(await collect(await blobs.read(r.blobId)), datas[i]);
    }
  });

  it('sweeps temp files and unreferenced blobs, keeping referenced and young ones', async () => {
    const sweepDir = await mkdtemp(join(tmpdir(), 'portcullis-sweep-'));
    try {
      const store = await FsBlobStore.open(sweepDir);
      const kept = await store.write(chunked(Buffer.from('kept')));
      const orphan = await store.write(chunked(Buffer.from('orphan')));
      await writeFile(join(sweepDir, 'tmp', 'crashed-upload'), 'partial');
      // A stranger's file in a shard directory is left alone.
      const foreign = join(sweepDir, 'blobs', 'zz');
      await mkdir(foreign, { recursive: true });
      await writeFile(join(foreign, 'README'), 'not a blob');

      // With a grace period, young files survive.
      const asked: string[] = [];
      const young = await store.sweep(
        async (ids) => {
          asked.push(...ids);
          return new Set(ids.filter((id) => id === kept.blobId));
        },
        { minAgeMs: 60_000 },
      );
      assert.deepEqual(young, { tempFilesRemoved: 0, blobsRemoved: 0, blobsKept: 2 });
      assert.deepEqual(asked, []);

      const old = new Date(Date.now() - 120_000);
      for (const p of [
        store.pathOf(kept.blobId),
        store.pathOf(orphan.blobId),
        join(sweepDir, 'tmp', 'crashed-upload'),
      ]) {
        await utimes(p, old, old);
      }
      const res = await store.sweep(async (ids) => new Set(ids.filter((id) => id === kept.blobId)), {
        minAgeMs: 60_000,
      });
      assert.deepEqual(res, { tempFilesRemoved: 1, blobsRemoved: 1, blobsKept: 1 });
      assert.equal(await store.size(kept.blobId), 4);
      await rejectsWith(store.read(orphan.blobId), 'NoSuchBlob');
      assert.deepEqual(await readdir(join(sweepDir, 'tmp')), []);
      assert.deepEqual(await readdir(foreign), ['README']);
    } finally {
      await rm(sweepDir, { recursive: true, force: true });
    }
  });
  it('moves blobs of the earlier two-level layout into place on open, leaving strangers alone', async () => {
    const legacyDir = await mkdtemp(join(tmpdir(), 'portcullis-legacy-'));
    try {
      const id = 'ab12' + '0'.repeat(28);
      await mkdir(join(legacyDir, 'blobs', 'ab', '12'), { recursive: true });
      await writeFile(join(legacyDir, 'blobs', 'ab', '12', id), 'from an older release');
      await mkdir(join(legacyDir, 'blobs', 'cd', 'ef'), { recursive: true });
      await writeFile(join(legacyDir, 'blobs', 'cd', 'ef', 'notes.txt'), 'not a blob');
      const store = await FsBlobStore.open(legacyDir);
      try {
        assert.equal((await collect(await store.read(id))).toString(), 'from an older release');
        assert.deepEqual(await readdir(join(legacyDir, 'blobs', 'ab')), [id]);
        // A directory holding something that is not a blob stays, with its content.
        assert.deepEqual(await readdir(join(legacyDir, 'blobs', 'cd', 'ef')), ['notes.txt']);
        assert.equal((await readdir(join(legacyDir, 'blobs'))).length, 256);
      } finally {
        await store.close();
      }
    } finally {
      await rm(legacyDir, { recursive: true, force: true });
    }
  });
});
