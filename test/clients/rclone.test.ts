// Debian's rclone against a real server (child process): mkdir, copyto (small and multipart),
// lsl/lsjson, cat/copyto back, sync of a tree (and a second sync that changes nothing), deletefile,
// purge and rmdir.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { startChildServer, type ChildServer } from '../support/server.js';
import { MiB, assertSameTree, readTree, requireBinary, runClient, writeTree } from './helpers.js';

let server: ChildServer;
let work: string;
let config: string;

before(async () => {
  await requireBinary('rclone', ['version']);
  server = await startChildServer();
  work = await mkdtemp(join(tmpdir(), 'portcullis-rclone-'));
  config = join(work, 'rclone.conf');
  await writeFile(
    config,
    [
      '[p]',
      'type = s3',
      'provider = Other',
      `endpoint = http://127.0.0.1:${server.port}`,
      `access_key_id = ${server.accessKeyId}`,
      `secret_access_key = ${server.secretAccessKey}`,
      'region = us-east-1',
      'force_path_style = true',
      '',
    ].join('\n'),
  );
});
after(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

// rclone's S3 backend refuses AWS_CA_BUNDLE with its own HTTP transport ("unable to load custom
// CA bundle"); the server is plain HTTP on loopback, so the variable is dropped.
const { AWS_CA_BUNDLE: _caBundle, ...clientEnv } = process.env;
const rclone = (...args: string[]) =>
  runClient('rclone', ['--config', config, '--low-level-retries', '1', '--retries', '1', ...args], {
    ...clientEnv,
    RCLONE_CONFIG: config,
  });

interface LsJsonEntry {
  readonly Path: string;
  readonly Size: number;
  readonly IsDir: boolean;
}

it(
  'runs mkdir, copy (small and multipart), ls, get, sync, delete and rmdir',
  { timeout: 30_000 },
  async () => {
    const big = randomBytes(20 * MiB + 5);
    await writeFile(join(work, 'big.bin'), big);
    await writeFile(join(work, 'small.txt'), 'hello from rclone\n');

    await rclone('mkdir', 'p:rclone-bucket');
    assert.match(await rclone('lsd', 'p:'), /rclone-bucket/);

    await rclone('copyto', join(work, 'small.txt'), 'p:rclone-bucket/small.txt');
    await rclone(
      'copyto',
      '--s3-upload-cutoff',
      '5M',
      '--s3-chunk-size',
      '5M',
      join(work, 'big.bin'),
      'p:rclone-bucket/dir/big.bin',
    );
    const head = await server
      .client()
      .send(new HeadObjectCommand({ Bucket: 'rclone-bucket', Key: 'dir/big.bin' }));
    assert.equal(head.ContentLength, big.length);
    assert.match(head.ETag ?? '', /-5"$/, 'uploaded in five parts');

    const listing = JSON.parse(
      await rclone('lsjson', '-R', '--files-only', 'p:rclone-bucket'),
    ) as LsJsonEntry[];
    assert.deepEqual(listing.map((e) => [e.Path, e.Size]).sort(), [
      ['dir/big.bin', big.length],
      ['small.txt', 18],
    ]);
    assert.match(await rclone('ls', 'p:rclone-bucket'), /18 small\.txt/);

    await rclone('copyto', 'p:rclone-bucket/dir/big.bin', join(work, 'big.back'));
    assert.ok((await readFile(join(work, 'big.back'))).equals(big), 'multipart object reads back');
    assert.equal(await rclone('cat', 'p:rclone-bucket/small.txt'), 'hello from rclone\n');

    const tree = await writeTree(join(work, 'tree'));
    await rclone('sync', join(work, 'tree'), 'p:rclone-bucket/tree');
    await mkdir(join(work, 'tree-back'));
    await rclone('sync', 'p:rclone-bucket/tree', join(work, 'tree-back'));
    assertSameTree(await readTree(join(work, 'tree-back')), tree);
    await rclone('check', join(work, 'tree'), 'p:rclone-bucket/tree');
    // A second sync after a local change uploads only that file and deletes the removed one.
    await writeFile(join(work, 'tree', 'a.txt'), 'changed\n');
    await rm(join(work, 'tree', 'sub', 'b.json'));
    await rclone('sync', join(work, 'tree'), 'p:rclone-bucket/tree');
    assert.equal(await rclone('cat', 'p:rclone-bucket/tree/a.txt'), 'changed\n');
    assert.doesNotMatch(await rclone('ls', 'p:rclone-bucket/tree'), /b\.json/);

    await rclone('deletefile', 'p:rclone-bucket/small.txt');
    assert.doesNotMatch(await rclone('ls', 'p:rclone-bucket'), /small\.txt/);
    await rclone('delete', 'p:rclone-bucket');
    assert.equal((await rclone('ls', 'p:rclone-bucket')).trim(), '');
    await rclone('rmdir', 'p:rclone-bucket');
    assert.doesNotMatch(await rclone('lsd', 'p:'), /rclone-bucket/);
  },
);
