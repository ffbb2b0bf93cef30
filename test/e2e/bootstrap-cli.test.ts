// `portcullis serve --bootstrap FILE`: a bad file stops the start with exit code 2 and names the
// JSON path at fault; a good one is applied (and applying it again at the next start is a no-op).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/repo-root.js';
import { startChildServer, startTestServer } from '../support/server.js';

describe('serve --bootstrap', () => {
  it('exits 2 naming the JSON path of a bad file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-bootstrap-'));
    try {
      const file = join(dir, 'bad.json');
      await writeFile(file, JSON.stringify({ accounts: [{ id: '12345', users: [{ name: 'has space' }] }] }));
      await assert.rejects(startChildServer({ bootstrapFile: file }), (e: Error) => {
        assert.match(e.message, /exited with 2/);
        assert.match(e.message, /accounts\[0\]\.id/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('applies the seed 001 file idempotently across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'portcullis-bootstrap-'));
    const bootstrapFile = join(repoRoot, 'test/fixtures/seed-001/bootstrap.json');
    try {
      const first = await startTestServer({ dataDir, bootstrapFile });
      assert.ok((first.server?.bootstrap?.changes.length ?? 0) > 0);
      assert.deepEqual(
        first.server?.bootstrap?.buckets.map((b) => b.name),
        ['ram-test-app'],
      );
      await first.close();
      const second = await startTestServer({ dataDir, bootstrapFile });
      assert.deepEqual(second.server?.bootstrap?.changes, []);
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
