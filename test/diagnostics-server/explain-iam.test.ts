// The explain endpoint for IAM principals: a user or role session of the same account whose own
// policies allow iam:GetAccountAuthorizationDetails on "*" reads the trace of another user's
// denied request (through the endpoint and `portcullis explain`); without that permission, or
// from another account whatever its permissions, it is refused.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { signV4 } from '../../src/auth/sign.js';
import { runExplain } from '../../src/cli/explain.js';
import type { ExplainReport } from '../../src/server/admin/explain.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';
import { Clients, failure, type Keys } from './helpers.js';

const A = TEST_ACCOUNT_ID;
const B = '444455556666';
const BUCKET = 'payroll';
const key = (id: string): Keys => ({
  accessKeyId: `AKIA${id.toUpperCase().padEnd(16, '0')}`,
  secretAccessKey: `${id}/secret/`.padEnd(40, '0'),
});
const DEV = key('dev');
const SECOPS = key('secops');
const INTERN = key('intern');
const OUTSIDER = key('outsider');
const EXPLAIN_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:GetAccountAuthorizationDetails', Resource: '*' }],
};

function user(name: string, keys: Keys, policy: object) {
  return {
    name,
    accessKeys: [{ accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }],
    policies: { [`${name}-policy`]: policy },
  };
}

const bootstrap = {
  accounts: [
    {
      id: A,
      name: 'main',
      users: [
        user('dev', DEV, {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
        }),
        user('secops', SECOPS, EXPLAIN_POLICY),
        user('intern', INTERN, {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${A}:role/Explainer` },
          ],
        }),
      ],
      roles: [
        {
          name: 'Explainer',
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sts:AssumeRole' },
            ],
          },
          policies: { explain: EXPLAIN_POLICY },
        },
      ],
    },
    { id: B, name: 'other', users: [user('outsider', OUTSIDER, EXPLAIN_POLICY)] },
  ],
};

async function explainAs(
  server: TestServer,
  id: string,
  credentials: Keys,
): Promise<{ status: number; json: ExplainReport & { error?: { code: string; message: string } } }> {
  const url = new URL(`/_portcullis/explain/${id}`, server.url);
  const { host: _host, ...headers } = signV4({
    method: 'GET',
    url,
    credentials,
    service: 's3',
    region: 'us-east-1',
  }).headers;
  const res = await fetch(url, { headers });
  return {
    status: res.status,
    json: (await res.json()) as ExplainReport & { error?: { code: string; message: string } },
  };
}

describe('explain for IAM principals allowed iam:GetAccountAuthorizationDetails', () => {
  let dir: string;
  let server: TestServer;
  let clients: Clients;
  let deniedId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-explain-iam-'));
    const file = join(dir, 'bootstrap.json');
    await writeFile(file, JSON.stringify(bootstrap));
    server = await startTestServer({ bootstrapFile: file });
    clients = new Clients(server);
    await clients.s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
    await clients.s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'salaries.csv', Body: 'x' }));
    const e = await failure(
      clients.s3(DEV).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'salaries.csv' })),
    );
    assert.equal(e.name, 'AccessDenied');
    deniedId = (e['$metadata'] as { requestId?: string }).requestId ?? '';
    assert.notEqual(deniedId, '');
  });

  after(async () => {
    clients?.destroy();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("an IAM user with the permission reads another user's denied request in full", async () => {
    const { status, json } = await explainAs(server, deniedId, SECOPS);
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal(json.principal, `arn:aws:iam::${A}:user/dev`);
    assert.equal(json.action, 's3:GetObject');
    assert.equal(json.decision, 'ImplicitlyDenied');
    assert.equal(json.deniedBy, 'identity');
    assert.equal(json.accessKeyId, DEV.accessKeyId);
    const identity = json.policies.find((p) => p.type === 'identity');
    assert.ok(identity && identity.redacted === undefined, 'the identity policy is shown');
    assert.match(identity.id, /dev-policy/);
    assert.equal(json.fix[0]?.policyType, 'identity');
    assert.deepEqual(json.fix[0]?.statement, {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/salaries.csv`,
    });
  });

  it('portcullis explain works with those credentials', async () => {
    let out = '';
    let err = '';
    const code = await runExplain(
      deniedId,
      { endpoint: server.url, json: true },
      {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: (s: string) => (err += s) },
        env: { AWS_ACCESS_KEY_ID: SECOPS.accessKeyId, AWS_SECRET_ACCESS_KEY: SECOPS.secretAccessKey },
      },
    );
    assert.equal(code, 0, err);
    assert.equal((JSON.parse(out) as ExplainReport).requestId, deniedId);
  });

  it('a role session with the permission reads it too', async () => {
    const assumed = await clients
      .sts(INTERN)
      .send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A}:role/Explainer`, RoleSessionName: 'audit' }));
    const c = assumed.Credentials;
    assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken);
    const session = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    };
    const { status, json } = await explainAs(server, deniedId, session);
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal(json.deniedBy, 'identity');
  });

  it('without the permission: 403, the refusal names the permission', async () => {
    for (const keys of [INTERN, DEV]) {
      const { status, json } = await explainAs(server, deniedId, keys);
      assert.equal(status, 403);
      assert.equal(json.error?.code, 'AccessDenied');
      assert.match(json.error?.message ?? '', /iam:GetAccountAuthorizationDetails/);
      assert.equal(json.policies, undefined, 'nothing of the trace');
    }
  });

  it('from another account, even with the permission: refused', async () => {
    const { status, json } = await explainAs(server, deniedId, OUTSIDER);
    assert.equal(status, 403);
    assert.equal(json.error?.code, 'AccessDenied');
    assert.match(json.error?.message ?? '', /Neither the caller nor the resource/);
    assert.equal(json.policies, undefined);
  });

  it('the permission is decided like any request: an explicit Deny in the identity policy wins', async () => {
    await clients.iam().send(
      new PutUserPolicyCommand({
        UserName: 'secops',
        PolicyName: 'no-explain',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: 'iam:Get*', Resource: '*' }],
        }),
      }),
    );
    const { status } = await explainAs(server, deniedId, SECOPS);
    assert.equal(status, 403);
  });
});
