// Alibaba STS with the real client, @alicloud/pop-core (what Alibaba's Node SDKs sign with): GET and
// form POST, errors as pop-core raises them, session credentials used by pop-core itself (role
// chaining) and by ali-oss on the OSS dialect, and the decision behind a NoPermission read back with
// `portcullis explain`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import RPCClient from '@alicloud/pop-core';
import OSS from 'ali-oss';
import { Command } from 'commander';
import { registerExplain, type ExplainIo } from '../../../src/cli/explain.js';
import { repoRoot } from '../../support/repo-root.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../../support/server.js';
import { SEED_KEYS } from './helpers.js';

const BOOTSTRAP = join(repoRoot, 'test/fixtures/alibaba/seed-001-bootstrap.json');
const ROLE = (name: string) => `acs:ram::${TEST_ACCOUNT_ID}:role/${name}`;

interface AssumeRoleResponse {
  RequestId: string;
  AssumedRoleUser: { Arn: string; AssumedRoleId: string };
  Credentials: { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string; Expiration: string };
}

interface PopError {
  code: string;
  data: { RequestId: string; HostId: string; Code: string; Message: string; Recommend?: string };
}

let server: TestServer;
before(async () => {
  server = await startTestServer({ bootstrapFile: BOOTSTRAP });
});
after(async () => {
  await server.close();
});

function sts(keys: { accessKeyId: string; accessKeySecret: string; securityToken?: string }): RPCClient {
  return new RPCClient({ endpoint: server.url, apiVersion: '2015-04-01', ...keys });
}

async function popError(p: Promise<unknown>): Promise<PopError> {
  try {
    await p;
  } catch (e) {
    return e as PopError;
  }
  throw new Error('expected pop-core to raise');
}

function oss(c: AssumeRoleResponse['Credentials']): OSS {
  return new OSS({
    endpoint: server.url,
    accessKeyId: c.AccessKeyId,
    accessKeySecret: c.AccessKeySecret,
    stsToken: c.SecurityToken,
    region: 'oss-cn-hangzhou',
    secure: false,
    cname: false,
    sldEnable: true,
    retryMax: 0,
    bucket: 'ram-test-app',
  } as OSS.Options);
}

describe('@alicloud/pop-core against Alibaba STS', () => {
  it('AssumeRole by GET and by form POST: STS. keys, the role session ARN, an exact Expiration', async () => {
    for (const method of ['GET', 'POST']) {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const r = await sts(SEED_KEYS.ramTestApp).request<AssumeRoleResponse>(
        'AssumeRole',
        { RoleArn: ROLE('ramtestappreadonly'), RoleSessionName: 'usr001', DurationSeconds: 1000 },
        { method },
      );
      assert.match(r.RequestId, /^[0-9A-F]{16}$/);
      assert.equal(r.AssumedRoleUser.Arn, `${ROLE('ramtestappreadonly')}/usr001`);
      assert.match(r.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z2-7]{17}:usr001$/);
      assert.match(r.Credentials.AccessKeyId, /^STS\./);
      assert.ok(r.Credentials.AccessKeySecret.length >= 30);
      assert.ok(r.Credentials.SecurityToken.length > 100);
      assert.match(r.Credentials.Expiration, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      const lifetime = Date.parse(r.Credentials.Expiration) - before;
      assert.ok(lifetime >= 999_000 && lifetime <= 1_001_000, `1000 s, got ${lifetime} ms`);
    }
  });

  it('errors reach pop-core as Alibaba codes with the body in err.data', async () => {
    const duration = await popError(
      sts(SEED_KEYS.ramTestApp).request('AssumeRole', {
        RoleArn: ROLE('ramtestappreadonly'),
        RoleSessionName: 'usr001',
        DurationSeconds: 7200,
      }),
    );
    assert.equal(duration.code, 'InvalidParameter.DurationSeconds');
    assert.equal(duration.data.Message, 'The Min/Max value of DurationSeconds is 15min/1hr.');
    const secret = await popError(
      sts({ ...SEED_KEYS.ramTestApp, accessKeySecret: 'wrong' }).request('GetCallerIdentity', {}),
    );
    assert.equal(secret.code, 'SignatureDoesNotMatch');
    const missing = await popError(
      sts(SEED_KEYS.ramTestApp).request('AssumeRole', { RoleSessionName: 'usr001' }),
    );
    assert.equal(missing.code, 'MissingRoleArn');
    const unknownRole = await popError(
      sts(SEED_KEYS.tester).request('AssumeRole', { RoleArn: ROLE('ghost'), RoleSessionName: 'usr001' }),
    );
    assert.equal(unknownRole.code, 'EntityNotExist.Role');
  });

  it('a session signs pop-core calls with its SecurityToken: GetCallerIdentity, AssumeRole again', async () => {
    const first = await sts(SEED_KEYS.tester).request<AssumeRoleResponse>('AssumeRole', {
      RoleArn: ROLE('longsessions'),
      RoleSessionName: 'first',
    });
    const asSession = sts({
      accessKeyId: first.Credentials.AccessKeyId,
      accessKeySecret: first.Credentials.AccessKeySecret,
      securityToken: first.Credentials.SecurityToken,
    });
    const who = await asSession.request<Record<string, string>>('GetCallerIdentity', {}, { method: 'POST' });
    assert.equal(who['IdentityType'], 'AssumedRoleUser');
    assert.equal(who['Arn'], `acs:ram::${TEST_ACCOUNT_ID}:assumed-role/longsessions/first`);
    const chained = await asSession.request<AssumeRoleResponse>('AssumeRole', {
      RoleArn: ROLE('longsessions'),
      RoleSessionName: 'second',
    });
    assert.equal(chained.AssumedRoleUser.Arn, `${ROLE('longsessions')}/second`);
  });

  it('the credentials work with ali-oss (x-oss-security-token), within the role and session policy', async () => {
    const root = new OSS({
      endpoint: server.url,
      accessKeyId: server.accessKeyId,
      accessKeySecret: server.secretAccessKey,
      region: 'oss-cn-hangzhou',
      secure: false,
      cname: false,
      sldEnable: true,
      retryMax: 0,
      bucket: 'ram-test-app',
    } as OSS.Options);
    await root.put('pop-core/a.txt', Buffer.from('hello'));
    const r = await sts(SEED_KEYS.ramTestApp).request<AssumeRoleResponse>('AssumeRole', {
      RoleArn: ROLE('ramtestappreadonly'),
      RoleSessionName: 'reader',
    });
    const reader = oss(r.Credentials);
    assert.equal((await reader.get('pop-core/a.txt')).content.toString(), 'hello');
    // An altered token is refused by the OSS dialect too.
    const forged = oss({
      ...r.Credentials,
      SecurityToken: `${r.Credentials.SecurityToken.slice(0, -4)}AAAA`,
    });
    await assert.rejects(
      forged.get('pop-core/a.txt'),
      (e: { status?: number }) => e.status === 400 || e.status === 403,
    );
  });

  it('a NoPermission names the trust policy, and `portcullis explain` shows the decision', async () => {
    const e = await popError(
      sts(SEED_KEYS.tester).request('AssumeRole', {
        RoleArn: ROLE('trustsanotheraccount'),
        RoleSessionName: 'usr001',
      }),
    );
    assert.equal(e.code, 'NoPermission');
    assert.match(e.data.Recommend ?? '', /trust policy of the role does not allow/);
    let stdout = '';
    let stderr = '';
    let code = -1;
    const io: ExplainIo = {
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: (s: string) => (stderr += s) },
      env: { AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey },
      exit: (c) => (code = c),
    };
    const program = new Command().name('portcullis').exitOverride();
    registerExplain(program, io);
    await program.parseAsync(['explain', e.data.RequestId, '--endpoint', server.url, '--json'], {
      from: 'user',
    });
    assert.equal(code, 0, stderr);
    const explained = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(explained['action'], 'sts:AssumeRole');
    assert.equal(explained['resource'], ROLE('trustsanotheraccount'));
    assert.equal(explained['deniedBy'], 'trust');
    assert.equal(explained['principal'], `arn:aws:iam::${TEST_ACCOUNT_ID}:user/sts_tester`);
  });
});
