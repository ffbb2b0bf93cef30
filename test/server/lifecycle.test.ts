// The server as users run it (a child process of `portcullis serve`): first-start credentials,
// data that survives a restart, and a graceful SIGTERM/SIGINT that finishes in-flight requests
// and exits 0.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { signV4 } from '../../src/auth/index.js';
import { startChildServer, TEST_ACCOUNT_ID } from '../support/server.js';

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'portcullis-lifecycle-'));
});
after(() => rm(dataDir, { recursive: true, force: true }));

describe('portcullis serve', () => {
  let accessKeyId = '';
  it('generates root credentials on first start, prints them once, stores them privately', async () => {
    const first = await startChildServer({ dataDir, generateCredentials: true });
    try {
      assert.match(first.stdout(), /listening on http:\/\/127\.0\.0\.1:\d+/);
      assert.match(first.accessKeyId, /^AKIA[A-Z0-9]{16}$/);
      assert.equal(first.secretAccessKey.length, 40);
      accessKeyId = first.accessKeyId;
      const file = join(dataDir, 'root-credentials.json');
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), {
        accessKeyId: first.accessKeyId,
        secretAccessKey: first.secretAccessKey,
      });
      const s3 = first.client();
      await s3.send(new CreateBucketCommand({ Bucket: 'survivor' }));
      await s3.send(new PutObjectCommand({ Bucket: 'survivor', Key: 'k', Body: 'still here' }));
    } finally {
      assert.equal(await first.stop('SIGTERM'), 0);
    }
  });

  it('does not print them again, and keeps the data across a restart', async () => {
    const second = await startChildServer({ dataDir, generateCredentials: true });
    try {
      assert.doesNotMatch(second.stdout(), /AWS_SECRET_ACCESS_KEY/);
      const stored = JSON.parse(await readFile(join(dataDir, 'root-credentials.json'), 'utf8')) as {
        accessKeyId: string;
        secretAccessKey: string;
      };
      assert.equal(stored.accessKeyId, accessKeyId);
      const s3 = second.client({ credentials: stored });
      const got = await s3.send(new GetObjectCommand({ Bucket: 'survivor', Key: 'k' }));
      assert.equal(await got.Body?.transformToString(), 'still here');
      assert.match(second.stdout(), new RegExp(`account ${TEST_ACCOUNT_ID}`));
    } finally {
      assert.equal(await second.stop('SIGINT'), 0);
    }
  });

  it('finishes an in-flight upload on SIGTERM, then exits 0', async () => {
    const server = await startChildServer();
    try {
      await server.client().send(new CreateBucketCommand({ Bucket: 'drain' }));
      const url = new URL('/drain/slow', server.url);
      const signed = signV4({
        method: 'PUT',
        url,
        headers: { 'content-length': '8' },
        credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
        service: 's3',
        payloadHash: 'UNSIGNED-PAYLOAD',
      });
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            method: 'PUT',
            path: url.pathname,
            headers: signed.headers,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.write('slow');
        // The signal arrives while the body is half sent.
        setTimeout(() => {
          server.child.kill('SIGTERM');
          setTimeout(() => req.end('body'), 300);
        }, 200);
      });
      assert.equal(status, 200);
      assert.equal(await server.stop(), 0);
    } finally {
      await server.close();
    }
  });
});
