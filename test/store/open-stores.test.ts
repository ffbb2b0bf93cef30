// The server's entry point to storage: both stores in one data directory, swept at start-up.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStores } from '../../src/store/open-stores.js';

describe('openStores', () => {
  it('keeps referenced blobs and sweeps crash leftovers at the next start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'portcullis-stores-'));
    try {
      const first = await openStores({ dataDir });
      assert.deepEqual(first.sweep, { tempFilesRemoved: 0, blobsRemoved: 0, blobsKept: 0 });
      await first.metadata.createBucket({
        name: 'b',
        owner: '111122223333',
        region: 'us-east-1',
        createdAt: new Date(),
      });
      const live = await first.blobs.write([Buffer.from('live')]);
      await first.metadata.putObject({
        bucket: 'b',
        key: 'k',
        size: 4,
        etag: `"${live.md5.toString('hex')}"`,
        contentType: null,
        userMetadata: {},
        systemMetadata: {},
        checksums: {},
        tags: {},
        acl: null,
        owner: '111122223333',
        blobId: live.blobId,
        lastModified: new Date(),
        storageClass: 'STANDARD',
      });
      // A "crash" between blob rename and metadata commit, and one mid-write.
      const orphan = await first.blobs.write([Buffer.from('orphan')]);
      await writeFile(join(dataDir, 'tmp', 'half-written'), 'x');
      await first.close();

      const second = await openStores({ dataDir });
      assert.deepEqual(second.sweep, { tempFilesRemoved: 1, blobsRemoved: 1, blobsKept: 1 });
      assert.equal(await second.blobs.size(live.blobId), 4);
      await assert.rejects(second.blobs.size(orphan.blobId));
      assert.equal((await second.metadata.getObject('b', 'k')).blobId, live.blobId);
      assert.deepEqual(await readdir(join(dataDir, 'tmp')), []);
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
