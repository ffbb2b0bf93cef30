// `portcullis explain REQUEST_ID` against a real server: in-process through registerExplain on a
// fresh commander program, and as users run it (bin/portcullis.js; needs the build and the
// command registered in src/cli/main.ts).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { registerExplain, type ExplainIo } from '../../src/cli/explain.js';
import { repoRoot } from '../support/repo-root.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { join } from 'node:path';

let server: TestServer;
let deniedId: string;

async function run(args: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  let code = -1;
  const io: ExplainIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    exit: (c) => (code = c),
  };
  const program = new Command().name('portcullis').exitOverride();
  registerExplain(program, io);
  await program.parseAsync(['explain', ...args], { from: 'user' });
  return { code, stdout, stderr };
}

const creds = () => ({
  AWS_ACCESS_KEY_ID: server.accessKeyId,
  AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
});

describe('portcullis explain', () => {
  before(async () => {
    server = await startTestServer();
    const s3 = server.client();
    const { CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
    await s3.send(new CreateBucketCommand({ Bucket: 'private' }));
    await s3.send(new PutObjectCommand({ Bucket: 'private', Key: 'report.txt', Body: 'numbers' }));
    // Anonymous read of a private object.
    const res = await fetch(`${server.url}/private/report.txt`);
    assert.equal(res.status, 403);
    deniedId = res.headers.get('x-amz-request-id') ?? '';
    assert.match(await res.text(), new RegExp(`<RequestId>${deniedId}</RequestId>`));
  });
  after(() => server.close());

  it('--json prints the server answer: deniedBy, policies, fix', async () => {
    const r = await run([deniedId, '--endpoint', server.url, '--json'], creds());
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as Record<string, unknown> & { fix: { change: string }[] };
    for (const key of [
      'requestId',
      'principal',
      'action',
      'resource',
      'decision',
      'deniedBy',
      'explicit',
      'policies',
      'fix',
    ])
      assert.ok(key in json, key);
    assert.equal(json['requestId'], deniedId);
    assert.equal(json['principal'], 'anonymous');
    assert.equal(json['action'], 's3:GetObject');
    assert.equal(json['resource'], 'arn:aws:s3:::private/report.txt');
    assert.equal(json['deniedBy'], 'resource');
    assert.equal(json['explicit'], false);
    assert.match(json.fix[0]?.change ?? '', /Sign it/);
  });

  it('the tree and a Fix: section, uncoloured when not a terminal', async () => {
    const r = await run([deniedId, '--endpoint', server.url], creds());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Implicitly denied by the resource-based policy/);
    assert.match(r.stdout, /principal anonymous/);
    assert.match(r.stdout, /\nFix:\n {2}1\. resource /);
    assert.ok(!r.stdout.includes('\u001b['), 'no colour codes');
  });

  it('refusals exit 1 with the server message: wrong credentials, unknown id', async () => {
    const wrong = await run([deniedId, '--endpoint', server.url], {
      ...creds(),
      AWS_SECRET_ACCESS_KEY: 'wrong',
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /refused \(403\) SignatureDoesNotMatch/);
    const unknown = await run(['FFFFFFFFFFFFFFFF', '--endpoint', server.url], creds());
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /refused \(404\) NoSuchRequest/);
  });

  it('bad usage and an unreachable endpoint exit 2 with a clear message', async () => {
    const none = await run(['--endpoint', server.url], creds());
    assert.equal(none.code, 2);
    assert.match(none.stderr, /give the request id/);
    const noCreds = await run([deniedId, '--endpoint', server.url], {});
    assert.equal(noCreds.code, 2);
    assert.match(noCreds.stderr, /AWS_ACCESS_KEY_ID/);
    const badUrl = await run([deniedId, '--endpoint', 'ftp://x'], creds());
    assert.equal(badUrl.code, 2);
    const down = await run([deniedId, '--endpoint', 'http://127.0.0.1:1'], creds());
    assert.equal(down.code, 2);
    assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:1/);
  });

  // As users run it. Needs `npm run build` and `registerExplain(program)` in src/cli/main.ts.
  it('node bin/portcullis.js explain (built CLI)', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(repoRoot, 'bin', 'portcullis.js'), 'explain', deniedId, '--endpoint', server.url, '--json'],
      { env: { ...process.env, ...creds(), NO_COLOR: '1' } },
    );
    const json = JSON.parse(stdout) as { requestId: string; deniedBy: string };
    assert.equal(json.requestId, deniedId);
    assert.equal(json.deniedBy, 'resource');
  });
});
