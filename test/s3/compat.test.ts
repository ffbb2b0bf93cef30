// What common tools ask besides the core: tagging, ACLs (owner full control, ACLs disabled),
// versioning of an unversioned bucket, and the aws-cli itself (`aws s3 ...`, when installed).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeleteObjectTaggingCommand,
  GetBucketAclCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectTaggingCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../support/server.js';
import { expectS3Error } from './helpers.js';

let server: TestServer;
let s3: S3Client;
const B = 'compat';

before(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: B }));
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'obj', Body: 'x', Tagging: 'team=mobile' }));
});
after(() => server.close());

describe('tagging', () => {
  it('reads, replaces and deletes an object tag set', async () => {
    const first = await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'obj' }));
    assert.deepEqual(first.TagSet, [{ Key: 'team', Value: 'mobile' }]);
    await s3.send(
      new PutObjectTaggingCommand({
        Bucket: B,
        Key: 'obj',
        Tagging: {
          TagSet: [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '' },
          ],
        },
      }),
    );
    const second = await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'obj' }));
    assert.deepEqual(second.TagSet, [
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '' },
    ]);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: B, Key: 'obj' }));
    assert.deepEqual(
      (await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'obj' }))).TagSet ?? [],
      [],
    );
  });

  it('refuses too many or duplicate tags, and missing objects', async () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectS3Error(
      s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'obj', Tagging: { TagSet: many } })),
      'InvalidTag',
      400,
    );
    const dup = [
      { Key: 'k', Value: '1' },
      { Key: 'k', Value: '2' },
    ];
    await expectS3Error(
      s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'obj', Tagging: { TagSet: dup } })),
      'InvalidTag',
      400,
    );
    await expectS3Error(s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'absent' })), 'NoSuchKey', 404);
  });
});

describe('ACLs and versioning', () => {
  it('reports the owner with full control', async () => {
    const bucket = await s3.send(new GetBucketAclCommand({ Bucket: B }));
    assert.equal(bucket.Grants?.[0]?.Permission, 'FULL_CONTROL');
    assert.equal(bucket.Grants?.[0]?.Grantee?.ID, bucket.Owner?.ID);
    const obj = await s3.send(new GetObjectAclCommand({ Bucket: B, Key: 'obj' }));
    assert.equal(obj.Grants?.[0]?.Grantee?.Type, 'CanonicalUser');
  });

  it('reports a never-versioned bucket, each object its own null version', async () => {
    const v = await s3.send(new GetBucketVersioningCommand({ Bucket: B }));
    assert.equal(v.Status, undefined);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: B }));
    assert.deepEqual(
      versions.Versions?.map((x) => [x.Key, x.VersionId, x.IsLatest]),
      [['obj', 'null', true]],
    );
  });
});

const run = promisify(execFile);
async function awsCli(): Promise<boolean> {
  try {
    await run('aws', ['--version']);
    return true;
  } catch {
    return false;
  }
}

describe('aws-cli', async () => {
  const available = await awsCli();
  it(
    'runs mb, cp (single and multipart), ls, sync, rm and rb',
    { skip: available ? false : 'aws-cli is not installed' },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'portcullis-awscli-'));
      const env = {
        ...process.env,
        AWS_ACCESS_KEY_ID: server.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      };
      const aws = async (...args: string[]) =>
        (await run('aws', ['--endpoint-url', server.url, ...args], { env })).stdout;
      try {
        const big = Buffer.alloc(9 * 1024 * 1024 + 3, 'q'); // over the CLI's 8 MiB multipart threshold
        await writeFile(join(dir, 'big.bin'), big);
        await writeFile(join(dir, 'small.txt'), 'small');
        await aws('s3', 'mb', 's3://cli-bucket');
        assert.match(await aws('s3', 'ls'), /cli-bucket/);
        await aws('s3', 'cp', join(dir, 'small.txt'), 's3://cli-bucket/small.txt');
        await aws('s3', 'cp', join(dir, 'big.bin'), 's3://cli-bucket/dir/big.bin');
        const listing = await aws('s3', 'ls', '--recursive', 's3://cli-bucket/');
        assert.match(listing, /9437187 dir\/big\.bin/);
        await aws('s3', 'cp', 's3://cli-bucket/dir/big.bin', join(dir, 'back.bin'));
        assert.ok((await readFile(join(dir, 'back.bin'))).equals(big));
        const head = JSON.parse(
          await aws('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'dir/big.bin'),
        ) as { ETag: string };
        assert.match(head.ETag, /-2"$/);
        await aws('s3', 'rm', '--recursive', 's3://cli-bucket/');
        await aws('s3', 'rb', 's3://cli-bucket');
        assert.doesNotMatch(await aws('s3', 'ls'), /cli-bucket/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
