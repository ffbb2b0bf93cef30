// A server started the ordinary way keeps the audit trail in <data>/audit without any option.
import assert from 'node:assert/strict';
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { startTestServer } from '../support/server.js';

test('every request of a default server lands in <data>/audit/audit.jsonl, flushed on close', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'portcullis-audit-default-'));
  try {
    const server = await startTestServer({ dataDir });
    const client = server.client();
    await client.send(new CreateBucketCommand({ Bucket: 'audited' }));
    const anonymous = await fetch(`${server.url}/audited/missing`);
    assert.equal(anonymous.status, 403);
    const deniedId = anonymous.headers.get('x-amz-request-id');
    await server.close();

    const lines = (await readFile(join(dataDir, 'audit', 'audit.jsonl'), 'utf8')).trim().split('\n');
    const events = lines.map(
      (l) =>
        JSON.parse(l) as {
          eventName: string;
          requestID: string;
          errorCode?: string;
          decision?: { deniedBy: string };
        },
    );
    assert.deepEqual(
      events.map((e) => e.eventName),
      ['CreateBucket', 'GetObject'],
    );
    const denied = events[1];
    assert.equal(denied?.requestID, deniedId);
    assert.equal(denied?.errorCode, 'AccessDenied');
    assert.equal(denied?.decision?.deniedBy, 'resource');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
