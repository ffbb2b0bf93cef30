// Debian's s3cmd against a real server (child process): mb, put (small and multipart), ls, get,
// sync of a tree, del and rb — once with SigV4 and once with SigV2 (signature_v2 = True).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { startChildServer, type ChildServer } from '../support/server.js';
import { MiB, assertSameTree, readTree, requireBinary, runClient, writeTree } from './helpers.js';

let server: ChildServer;
let work: string;
let big: Buffer;

before(async () => {
  await requireBinary('s3cmd');
  server = await startChildServer();
  work = await mkdtemp(join(tmpdir(), 'portcullis-s3cmd-'));
  big = randomBytes(20 * MiB + 123);
  await writeFile(join(work, 'big.bin'), big);
  await writeFile(join(work, 'small.txt'), 'hello from s3cmd\n');
});
after(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function configFor(signatureV2: boolean): Promise<string> {
  const host = `127.0.0.1:${server.port}`;
  const file = join(work, `s3cfg-${signatureV2 ? 'v2' : 'v4'}`);
  await writeFile(
    file,
    [
      '[default]',
      `access_key = ${server.accessKeyId}`,
      `secret_key = ${server.secretAccessKey}`,
      `host_base = ${host}`,
      `host_bucket = ${host}`,
      'bucket_location = us-east-1',
      'use_https = False',
      `signature_v2 = ${signatureV2 ? 'True' : 'False'}`,
      'check_ssl_certificate = False',
      'guess_mime_type = True',
      'progress_meter = False',
      '',
    ].join('\n'),
  );
  return file;
}

for (const signatureV2 of [false, true]) {
  describe(`s3cmd (${signatureV2 ? 'SigV2' : 'SigV4'})`, () => {
    it('runs mb, put (small and multipart), ls, get, sync, del and rb', { timeout: 30_000 }, async () => {
      const config = await configFor(signatureV2);
      const bucket = `s3cmd-${signatureV2 ? 'v2' : 'v4'}`;
      const s3cmd = (...args: string[]) => runClient('s3cmd', ['--config', config, '--no-progress', ...args]);
      const dir = join(work, bucket);
      await mkdir(dir);

      await s3cmd('mb', `s3://${bucket}`);
      assert.match(await s3cmd('ls'), new RegExp(`s3://${bucket}`));

      await s3cmd('put', join(work, 'small.txt'), `s3://${bucket}/small.txt`);
      await s3cmd('put', '--multipart-chunk-size-mb=5', join(work, 'big.bin'), `s3://${bucket}/dir/big.bin`);
      const head = await server.client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'dir/big.bin' }));
      assert.equal(head.ContentLength, big.length);
      assert.match(head.ETag ?? '', /-5"$/, 'uploaded in five parts');

      const listing = await s3cmd('ls', '--recursive', `s3://${bucket}`);
      assert.match(listing, new RegExp(`${big.length}\\s+s3://${bucket}/dir/big\\.bin`));
      assert.match(listing, new RegExp(`17\\s+s3://${bucket}/small\\.txt`));

      await s3cmd('get', `s3://${bucket}/dir/big.bin`, join(dir, 'big.back'));
      assert.ok((await readFile(join(dir, 'big.back'))).equals(big), 'multipart object reads back');
      await s3cmd('get', `s3://${bucket}/small.txt`, join(dir, 'small.back'));
      assert.equal(await readFile(join(dir, 'small.back'), 'utf8'), 'hello from s3cmd\n');

      const tree = await writeTree(join(dir, 'tree'));
      await s3cmd('sync', join(dir, 'tree') + '/', `s3://${bucket}/tree/`);
      await s3cmd('sync', `s3://${bucket}/tree/`, join(dir, 'tree-back') + '/');
      assertSameTree(await readTree(join(dir, 'tree-back')), tree);
      // A second sync finds nothing to upload.
      const again = await s3cmd('sync', '--stats', join(dir, 'tree') + '/', `s3://${bucket}/tree/`);
      assert.doesNotMatch(again, /upload:/);

      await s3cmd('del', `s3://${bucket}/small.txt`);
      assert.doesNotMatch(await s3cmd('ls', '--recursive', `s3://${bucket}`), /small\.txt/);
      await s3cmd('del', '--recursive', '--force', `s3://${bucket}`);
      assert.equal((await s3cmd('ls', '--recursive', `s3://${bucket}`)).trim(), '');
      await s3cmd('rb', `s3://${bucket}`);
      assert.doesNotMatch(await s3cmd('ls'), new RegExp(`s3://${bucket}`));
    });
  });
}
