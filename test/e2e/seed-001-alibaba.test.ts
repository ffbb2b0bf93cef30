// Seed 001 ("STS temporary access authorization") replayed with Alibaba's own clients: ali-oss
// (path style, x-oss-security-token) for OSS and @alicloud/pop-core for STS, against a server
// started with `portcullis serve --bootstrap test/fixtures/alibaba/seed-001-bootstrap.json` (the
// seed's RAM user, roles and policies in RAM form, `Version "1"`). Then the seed's published
// read-only policy, typos and all: what `portcullis lint --dialect ram` says, and what the server
// does with it wherever it could be attached.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import RPCClient from '@alicloud/pop-core';
import OSS from 'ali-oss';
import { repoRoot } from '../support/repo-root.js';
import { startChildServer, type ChildServer } from '../support/server.js';

const UID = '111122223333';
const BOOTSTRAP = join(repoRoot, 'test/fixtures/alibaba/seed-001-bootstrap.json');
const PUBLISHED_READONLY = join(repoRoot, 'test/fixtures/alibaba/seed-001-readonly-as-published.json');
// ram_test_app's AccessKey (the seed's "oOhue******Frogv").
const RAM_USER = {
  accessKeyId: 'LTAIRAMTESTAPP000001',
  accessKeySecret: 'ramTestAppAlibabaSecret/000000000000000',
};
// The sts.py command lines of the seed, parameter for parameter.
const READ_ONLY_ARN = `acs:ram::${UID}:role/ramtestappreadonly`;
const WRITE_ARN = `acs:ram::${UID}:role/ramtestappwrite`;
const READ_ONLY_POLICY =
  '{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:ListObjects","oss:GetObject"],"Resource":["acs:oss:*:*:ram-test-app","acs:oss:*:*:ram-test-app/*"]}]}';
const USR001_POLICY =
  '{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:PutObject"],"Resource":["acs:oss:*:*:ram-test-app/usr001/*"]}]}';

interface StsCredentials {
  AccessKeyId: string;
  AccessKeySecret: string;
  SecurityToken: string;
  Expiration: string;
}
interface AssumeRoleResponse {
  RequestId: string;
  AssumedRoleUser: { Arn: string; AssumedRoleId: string };
  Credentials: StsCredentials;
}
interface OssError {
  status?: number;
  code?: string;
  message: string;
}

let server: ChildServer;

function ossClient(keys: { accessKeyId: string; accessKeySecret: string; stsToken?: string }): OSS {
  return new OSS({
    endpoint: server.url,
    region: 'oss-cn-hangzhou',
    secure: false,
    cname: false,
    sldEnable: true,
    retryMax: 0,
    bucket: 'ram-test-app',
    ...keys,
  } as OSS.Options);
}

function sessionClient(c: StsCredentials): OSS {
  return ossClient({
    accessKeyId: c.AccessKeyId,
    accessKeySecret: c.AccessKeySecret,
    stsToken: c.SecurityToken,
  });
}

function sts(): RPCClient {
  return new RPCClient({ endpoint: server.url, apiVersion: '2015-04-01', ...RAM_USER });
}

async function denied(p: Promise<unknown>): Promise<OssError> {
  try {
    await p;
  } catch (e) {
    return e as OssError;
  }
  throw new Error('expected OSS to refuse');
}

/** `portcullis ...` from source (what `npx portcullis` runs once built). */
function portcullis(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('seed 001 with ali-oss and @alicloud/pop-core', () => {
  before(async () => {
    server = await startChildServer({ bootstrapFile: BOOTSTRAP });
    // "first use the console to put the file test.txt in ram-test-app, with the content ststest"
    const owner = ossClient({ accessKeyId: server.accessKeyId, accessKeySecret: server.secretAccessKey });
    await owner.put('test.txt', Buffer.from('ststest'));
  });
  after(async () => {
    await server.stop();
    await rm(server.dataDir, { recursive: true, force: true });
  });

  it('the RAM user ram_test_app, with no permission of its own, cannot get or put test.txt', async () => {
    const user = ossClient(RAM_USER);
    const get = await denied(user.get('test.txt'));
    assert.equal(get.status, 403);
    assert.equal(get.code, 'AccessDenied');
    const put = await denied(user.put('test.txt', Buffer.from('ststest')));
    assert.equal(put.status, 403);
    assert.equal(put.code, 'AccessDenied');
  });

  it('download with the read-only role: test.txt reads, and a put is "Access denied by authorizer\'s policy."', async () => {
    const r = await sts().request<AssumeRoleResponse>('AssumeRole', {
      RoleArn: READ_ONLY_ARN,
      RoleSessionName: 'usr001',
      Policy: READ_ONLY_POLICY,
      DurationSeconds: 1000,
    });
    assert.equal(r.AssumedRoleUser.Arn, `${READ_ONLY_ARN}/usr001`);
    assert.match(r.AssumedRoleUser.AssumedRoleId, /:usr001$/);
    assert.match(r.Credentials.AccessKeyId, /^STS\./);
    const reader = sessionClient(r.Credentials);
    const got = await reader.get('test.txt');
    assert.equal(got.content.toString(), 'ststest');
    const put = await denied(reader.put('test.txt', Buffer.from('ststest')));
    assert.equal(put.status, 403);
    assert.equal(put.code, 'AccessDenied');
    assert.equal(put.message, "Access denied by authorizer's policy.");
  });

  it('upload with the write role narrowed to usr001/: test.txt is refused, usr001/test.txt is stored', async () => {
    const r = await sts().request<AssumeRoleResponse>(
      'AssumeRole',
      { RoleArn: WRITE_ARN, RoleSessionName: 'usr001', Policy: USR001_POLICY },
      { method: 'POST' },
    );
    assert.equal(r.AssumedRoleUser.Arn, `${WRITE_ARN}/usr001`);
    const writer = sessionClient(r.Credentials);
    const get = await denied(writer.get('test.txt'));
    assert.equal(get.status, 403);
    assert.equal(get.message, "Access denied by authorizer's policy.");
    const put = await denied(writer.put('test.txt', Buffer.from('ststest')));
    assert.equal(put.status, 403);
    assert.equal(put.message, "Access denied by authorizer's policy.");
    const stored = await writer.put('usr001/test.txt', Buffer.from('ststest'));
    assert.equal(stored.res.status, 200);
    // The same bytes read back by the owner ("ETag is 946A0A1AC8245696B9C6A6F35942690B" in the seed).
    const owner = ossClient({ accessKeyId: server.accessKeyId, accessKeySecret: server.secretAccessKey });
    const back = await owner.get('usr001/test.txt');
    assert.equal(back.content.toString(), 'ststest');
    assert.equal(String(back.res.headers['etag']).replace(/"/g, ''), '946A0A1AC8245696B9C6A6F35942690B');
  });

  describe('the read-only policy as the seed publishes it ("allow ", "Oss: GetObject")', () => {
    it('`portcullis lint --dialect ram` flags both typos, with line and column', () => {
      const r = portcullis('lint', PUBLISHED_READONLY, '--dialect', 'ram', '--json');
      assert.equal(r.code, 1, r.stderr);
      const findings = JSON.parse(r.stdout) as {
        check: string;
        severity: string;
        path: string;
        line: number;
      }[];
      const effect = findings.find((f) => f.check === 'effect-invalid');
      const action = findings.find((f) => f.check === 'action-whitespace');
      assert.deepEqual(
        { severity: effect?.severity, path: effect?.path, line: effect?.line },
        { severity: 'error', path: 'Statement[0].Effect', line: 5 },
      );
      assert.deepEqual(
        { severity: action?.severity, path: action?.path, line: action?.line },
        { severity: 'error', path: 'Statement[0].Action[1]', line: 8 },
      );
    });

    it('as an AssumeRole Policy: InvalidParameter.PolicyGrammar, the problem in Recommend', async () => {
      const published = await readFile(PUBLISHED_READONLY, 'utf8');
      // Compacted, as sts.py would send it (the pretty-printed text is over 300 characters).
      const policy = JSON.stringify(JSON.parse(published));
      let error: { code?: string; data?: { Message?: string; Recommend?: string } } = {};
      try {
        await sts().request('AssumeRole', {
          RoleArn: READ_ONLY_ARN,
          RoleSessionName: 'usr001',
          Policy: policy,
        });
      } catch (e) {
        error = e as typeof error;
      }
      assert.equal(error.code, 'InvalidParameter.PolicyGrammar');
      assert.equal(error.data?.Message, 'The parameter Policy has not passed grammar check.');
      assert.match(error.data?.Recommend ?? '', /Statement\[0\]\.Effect: "allow " is not Allow or Deny/);
      assert.match(
        error.data?.Recommend ?? '',
        /Statement\[0\]\.Action\[1\]: "Oss: GetObject" contains whitespace/,
      );
    });

    it('attached to the role through the IAM API: MalformedPolicyDocument naming both typos, nothing attached', async () => {
      const iam = new IAMClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      });
      try {
        await assert.rejects(
          iam.send(
            new PutRolePolicyCommand({
              RoleName: 'RamTestAppReadOnly',
              PolicyName: 'AsPublished',
              PolicyDocument: await readFile(PUBLISHED_READONLY, 'utf8'),
            }),
          ),
          (e: Error) => {
            // botocore's MalformedPolicyDocument, as the AWS SDK v3 names it.
            assert.equal(e.name, 'MalformedPolicyDocumentException');
            assert.match(e.message, /Effect "allow " is not valid; did you mean "Allow"\?/);
            assert.match(e.message, /Action "Oss: GetObject" contains whitespace/);
            // The IAM API takes AWS-form policies; RAM ones are declared in the bootstrap file.
            assert.match(e.message, /"1" is the Alibaba RAM version/);
            return true;
          },
        );
        await assert.rejects(
          iam.send(new GetRolePolicyCommand({ RoleName: 'RamTestAppReadOnly', PolicyName: 'AsPublished' })),
          (e: Error) => e.name === 'NoSuchEntityException',
        );
      } finally {
        iam.destroy();
      }
    });

    it('declared in the bootstrap file: the server does not start (exit 2), naming the statement', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'portcullis-seed001-'));
      try {
        const spec = JSON.parse(await readFile(BOOTSTRAP, 'utf8')) as {
          accounts: { roles: { name: string; policies: Record<string, unknown> }[] }[];
        };
        const role = spec.accounts[0]?.roles.find((r) => r.name === 'RamTestAppReadOnly');
        assert.ok(role);
        role.policies = { ReadOnly: JSON.parse(await readFile(PUBLISHED_READONLY, 'utf8')) as unknown };
        const file = join(dir, 'bootstrap.json');
        await writeFile(file, JSON.stringify(spec));
        await assert.rejects(startChildServer({ bootstrapFile: file, dataDir: dir }), (e: Error) => {
          assert.match(e.message, /exited with 2/);
          assert.match(e.message, /accounts\[0\]\.roles\[0\]\.policies\.ReadOnly/);
          assert.match(
            e.message,
            /policies\.ReadOnly: Statement\[0\]\.Effect: "allow " is not Allow or Deny/,
          );
          assert.match(
            e.message,
            /policies\.ReadOnly: Statement\[0\]\.Action\[1\]: "Oss: GetObject" contains whitespace/,
          );
          return true;
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
