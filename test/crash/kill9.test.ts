// Crash consistency: ~32 concurrent uploads (single PUTs of 64 KiB–4 MiB and a few lib-storage
// multipart uploads) against a child-process server, `kill -9` in the middle, restart on the same
// data directory, then: every acknowledged object reads back byte-exact, every listed object reads
// back completely (no partial object is ever visible), and unacknowledged keys are absent or
// complete. The kill lands at three moments: after 10 %, 50 % and 90 % of the uploads started.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startChildServer, type ChildServer } from '../support/server.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const UPLOADS = 32;
const MULTIPART_EVERY = 8; // uploads 7, 15, 23, 31 are multipart (4 of 32)
const BUCKET = 'crash';

interface Planned {
  readonly key: string;
  readonly body: Buffer;
  readonly sha256: string;
  readonly multipart: boolean;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let dataDir: string;
let server: ChildServer | undefined;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'portcullis-crash-'));
  server = await startChildServer({ dataDir });
  await server.client().send(new CreateBucketCommand({ Bucket: BUCKET }));
});
after(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function plan(round: string): Planned[] {
  return Array.from({ length: UPLOADS }, (_, i) => {
    const multipart = i % MULTIPART_EVERY === MULTIPART_EVERY - 1;
    const size = multipart ? 11 * MiB + randomInt(MiB) : randomInt(64 * KiB, 4 * MiB + 1);
    const body = randomBytes(size);
    return { key: `${round}/${multipart ? 'mp' : 'put'}-${i}`, body, sha256: sha256(body), multipart };
  });
}

/** Uploads one object; resolves with true when the server acknowledged it (200 with an ETag). */
async function upload(s3: S3Client, p: Planned): Promise<boolean> {
  if (p.multipart) {
    const up = new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: p.key, Body: p.body },
      partSize: 5 * MiB,
      queueSize: 2,
      leavePartsOnError: true, // the server is gone: no abort to send
    });
    const done = await up.done();
    return typeof done.ETag === 'string' && done.ETag.length > 0;
  }
  const out = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: p.key, Body: p.body }));
  return out.$metadata.httpStatusCode === 200 && typeof out.ETag === 'string' && out.ETag.length > 0;
}

async function readAll(s3: S3Client, key: string): Promise<Buffer | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

async function listAll(s3: S3Client, prefix: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) out.set(o.Key!, o.Size ?? -1);
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

let interrupted = 0; // uploads started but not acknowledged, over all rounds
let acknowledgedTotal = 0;

for (const fraction of [0.1, 0.5, 0.9]) {
  it(`keeps acknowledged objects and shows no partial one after kill -9 at ${fraction * 100} % started`, async (t) => {
    const round = `r${fraction * 100}`;
    const planned = plan(round);
    const running = server!;
    const s3 = running.client({ maxAttempts: 1 });
    const acknowledged = new Set<string>();
    const settled: Promise<void>[] = [];
    const killAfter = Math.max(1, Math.round(UPLOADS * fraction));
    let killed = false;

    for (const [i, p] of planned.entries()) {
      settled.push(
        upload(s3, p).then(
          (ok) => {
            // An answer that arrives after the kill was sent before it: still an acknowledgement.
            if (ok) acknowledged.add(p.key);
          },
          () => undefined, // connection reset by the kill: not acknowledged
        ),
      );
      if (i + 1 === killAfter) {
        // Let the last started uploads get under way (bodies streaming), then kill.
        await sleep(30);
        await running.stop('SIGKILL');
        killed = true;
        break;
      }
      await sleep(10);
    }
    assert.ok(killed);
    await Promise.all(settled);
    s3.destroy();

    server = await startChildServer({ dataDir });
    const after = server.client();
    const byKey = new Map(planned.map((p) => [p.key, p]));

    for (const key of acknowledged) {
      const body = await readAll(after, key);
      assert.ok(body, `acknowledged ${key} is missing after the restart`);
      assert.equal(sha256(body), byKey.get(key)!.sha256, `acknowledged ${key} differs after the restart`);
    }

    const listed = await listAll(after, `${round}/`);
    for (const [key, size] of listed) {
      const p = byKey.get(key);
      assert.ok(p, `unexpected key ${key} listed`);
      assert.equal(size, p.body.length, `${key} is listed with a partial size`);
      const body = await readAll(after, key);
      assert.ok(body, `${key} is listed but cannot be read`);
      assert.equal(sha256(body), p.sha256, `${key} is listed but its bytes differ (partial object visible)`);
    }
    for (const p of planned) {
      if (acknowledged.has(p.key) || listed.has(p.key)) continue;
      const body = await readAll(after, p.key);
      if (body !== undefined) assert.equal(sha256(body), p.sha256, `unacknowledged ${p.key} is partial`);
    }
    for (const key of acknowledged) assert.ok(listed.has(key), `acknowledged ${key} is not listed`);

    // The restarted server takes new writes.
    await after.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${round}/after`, Body: 'ok' }));
    assert.equal((await readAll(after, `${round}/after`))?.toString(), 'ok');
    interrupted += killAfter - acknowledged.size;
    acknowledgedTotal += acknowledged.size;
    t.diagnostic(
      `kill at ${fraction * 100} %: ${killAfter} started, ${acknowledged.size} acknowledged, ${listed.size} listed`,
    );
  });
}

it('killed the server with uploads in flight and after some were acknowledged', () => {
  assert.ok(interrupted > 0, 'no kill landed while an upload was in flight');
  assert.ok(acknowledgedTotal > 0, 'no upload was acknowledged before a kill');
});
