// Least-privilege generation end to end: a user with broad access (s3:* on two buckets and
// iam:GetUser) makes real SDK requests against a started server; `portcullis policy generate`
// reads the audit trail and the IAM store of the data directory; the generated policy, given to
// a fresh user, allows every request made again and denies a sample of others, and the report
// lists what the broad policy granted but nobody used. Role sessions: --principal with the role
// ARN covers every session of the role, and the unused report reads the role's policies.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { runPolicyGenerate, type PolicyGenerateOptions } from '../../src/cli/policy.js';
import type { GenerationReport } from '../../src/diagnostics/generate/report.js';
import { lintPolicy } from '../../src/policy/lint/lint.js';
import { readAuditRecords } from '../../src/server/audit/query.js';
import type { AuditRecord } from '../../src/server/audit/record.js';
import { repoRoot } from '../support/repo-root.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';

const run = promisify(execFile);

const ACCOUNT = TEST_ACCOUNT_ID;
const DATA = 'app-data';
const ARCHIVE = 'app-archive';
const OTHER = 'other-team';
const APP_ARN = `arn:aws:iam::${ACCOUNT}:user/app`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Reporter`;

interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The scenario: each step is one SDK request, made once by the broad user, then by the fresh one. */
const STEPS: { name: string; run: (s3: S3Client) => Promise<unknown> }[] = [
  ...['a.csv', 'b.csv', 'c.csv', 'd.csv'].map((k) => ({
    name: `PutObject reports/2026/${k}`,
    run: (s3: S3Client) =>
      s3.send(new PutObjectCommand({ Bucket: DATA, Key: `reports/2026/${k}`, Body: `rows of ${k}` })),
  })),
  {
    name: 'PutObject config.json',
    run: (s3) => s3.send(new PutObjectCommand({ Bucket: DATA, Key: 'config.json', Body: '{"v":1}' })),
  },
  {
    name: 'GetObject reports/2026/a.csv',
    run: async (s3) => {
      const got = await s3.send(new GetObjectCommand({ Bucket: DATA, Key: 'reports/2026/a.csv' }));
      return got.Body?.transformToString();
    },
  },
  {
    name: 'HeadObject config.json',
    run: (s3) => s3.send(new HeadObjectCommand({ Bucket: DATA, Key: 'config.json' })),
  },
  {
    name: 'ListObjectsV2 prefix reports/',
    run: (s3) => s3.send(new ListObjectsV2Command({ Bucket: DATA, Prefix: 'reports/' })),
  },
  {
    name: 'CopyObject config.json → backup/config.json',
    run: (s3) =>
      s3.send(
        new CopyObjectCommand({ Bucket: DATA, Key: 'backup/config.json', CopySource: `${DATA}/config.json` }),
      ),
  },
  {
    name: 'DeleteObject reports/2026/d.csv',
    run: (s3) => s3.send(new DeleteObjectCommand({ Bucket: DATA, Key: 'reports/2026/d.csv' })),
  },
];

function s3For(server: TestServer, keys: Keys): S3Client {
  return server.client({ credentials: keys });
}

async function denied(promise: Promise<unknown>, what: string): Promise<void> {
  try {
    await promise;
  } catch (e) {
    const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.$metadata?.httpStatusCode, 403, `${what}: expected 403, got ${String(e)}`);
    return;
  }
  assert.fail(`${what}: expected AccessDenied, the request was allowed`);
}

async function generate(
  opts: PolicyGenerateOptions,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runPolicyGenerate(opts, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
  });
  return { code, stdout, stderr };
}

describe('portcullis policy generate (real server, SDK requests, audit trail)', () => {
  let dataDir: string;
  let server: TestServer;
  let appKeys: Keys;
  let report: GenerationReport;
  let human: { stdout: string; stderr: string };
  const appRecords: AuditRecord[] = [];

  const iamOf = (s: TestServer, keys?: Keys) =>
    new IAMClient({
      endpoint: s.url,
      region: 'us-east-1',
      credentials: keys ?? { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    });

  async function createUser(s: TestServer, name: string, document: object): Promise<Keys> {
    const iam = iamOf(s);
    try {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(
        new PutUserPolicyCommand({
          UserName: name,
          PolicyName: 'access',
          PolicyDocument: JSON.stringify(document),
        }),
      );
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
      assert.ok(key?.AccessKeyId && key.SecretAccessKey);
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    } finally {
      iam.destroy();
    }
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portcullis-generate-'));
    server = await startTestServer({ dataDir });
    const root = server.client();
    for (const b of [DATA, ARCHIVE, OTHER]) await root.send(new CreateBucketCommand({ Bucket: b }));
    await root.send(new PutObjectCommand({ Bucket: OTHER, Key: 'x.txt', Body: 'not yours' }));
    appKeys = await createUser(server, 'app', {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Buckets',
          Effect: 'Allow',
          Action: 's3:*',
          Resource: [
            `arn:aws:s3:::${DATA}`,
            `arn:aws:s3:::${DATA}/*`,
            `arn:aws:s3:::${ARCHIVE}`,
            `arn:aws:s3:::${ARCHIVE}/*`,
          ],
        },
        { Sid: 'Self', Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' },
      ],
    });
    const app = s3For(server, appKeys);
    for (const step of STEPS) await step.run(app);
    // Refused: the broad policy does not reach this bucket. Reported, never granted.
    await denied(app.send(new GetObjectCommand({ Bucket: OTHER, Key: 'x.txt' })), 'other bucket');

    // A role with two sessions, each reading one key.
    const deployer = await createUser(server, 'deployer', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE_ARN }],
    });
    const iam = iamOf(server);
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'Reporter',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'Reporter',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${DATA}/*` },
          ],
        }),
      }),
    );
    iam.destroy();
    const sts = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: deployer });
    for (const [session, key] of [
      ['monday', 'reports/2026/a.csv'],
      ['tuesday', 'reports/2026/b.csv'],
    ] as const) {
      const c = (await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: session })))
        .Credentials;
      assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken);
      const s3 = s3For(server, {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
      });
      const got = await s3.send(new GetObjectCommand({ Bucket: DATA, Key: key }));
      await got.Body?.transformToString();
    }
    sts.destroy();
    // Closing drains the server and flushes the audit trail; the data directory stays.
    await server.close();

    for await (const r of readAuditRecords(join(dataDir, 'audit')))
      if (r.userIdentity.arn === APP_ARN) appRecords.push(r);
    const json = await generate({ principal: APP_ARN, since: '1h', data: dataDir, json: true });
    assert.equal(json.code, 0, json.stderr);
    report = JSON.parse(json.stdout) as GenerationReport;
    const text = await generate({ principal: APP_ARN, since: '1h', data: dataDir });
    assert.equal(text.code, 0, text.stderr);
    human = text;

    server = await startTestServer({ dataDir });
  });

  after(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('every request of the scenario is in the trail with all its authorizations (CopyObject: two)', () => {
    assert.equal(appRecords.length, STEPS.length + 1);
    const copy = appRecords.find((r) => r.eventName === 'CopyObject');
    assert.deepEqual(
      copy?.authorizations?.map((a) => [a.action, a.resource, a.decision]),
      [
        ['s3:PutObject', `arn:aws:s3:::${DATA}/backup/config.json`, 'Allowed'],
        ['s3:GetObject', `arn:aws:s3:::${DATA}/config.json`, 'Allowed'],
      ],
    );
    const list = appRecords.find((r) => r.eventName === 'ListObjectsV2');
    assert.deepEqual(list?.authorizations?.[0]?.context, { 's3:prefix': 'reports/' });
  });

  it('generates exactly the observed grants, collapsing only reports/2026/ (4 keys) for PutObject', () => {
    assert.deepEqual(report.policy, {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'S3ListPrefixes',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: [`arn:aws:s3:::${DATA}`],
          Condition: { StringEquals: { 's3:prefix': ['reports/'] } },
        },
        {
          Sid: 'S3Objects1',
          Effect: 'Allow',
          Action: ['s3:PutObject'],
          Resource: [`arn:aws:s3:::${DATA}/backup/config.json`, `arn:aws:s3:::${DATA}/reports/2026/*`],
        },
        {
          Sid: 'S3Objects2',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: [`arn:aws:s3:::${DATA}/config.json`],
        },
        {
          Sid: 'S3Objects3',
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: [`arn:aws:s3:::${DATA}/reports/2026/a.csv`],
        },
        {
          Sid: 'S3Objects4',
          Effect: 'Allow',
          Action: ['s3:DeleteObject'],
          Resource: [`arn:aws:s3:::${DATA}/reports/2026/d.csv`],
        },
      ],
    });
    assert.deepEqual(lintPolicy(JSON.stringify(report.policy, null, 2), { type: 'identity' }), []);
    assert.deepEqual(report.notes, []);
  });

  it('reports the evidence and the denied attempt, which it does not grant', () => {
    assert.equal(report.evidence.requests, STEPS.length);
    assert.deepEqual(report.evidence.principals, [APP_ARN]);
    assert.equal(report.evidence.deniedRequests, 1);
    assert.deepEqual(report.evidence.denied, [
      { action: 's3:GetObject', resource: `arn:aws:s3:::${OTHER}/x.txt`, count: 1 },
    ]);
    assert.match(
      human.stderr,
      /Denied attempts: 1 request \(not granted\)\n {2}s3:GetObject on arn:aws:s3:::other-team\/x\.txt/,
    );
  });

  it('lists what the broad policy grants but nobody used: the second bucket and iam:GetUser', () => {
    const unused = report.unused;
    assert.ok(unused);
    assert.equal(unused.principal, APP_ARN);
    assert.deepEqual(unused.policies, ['user app inline policy access']);
    assert.deepEqual(
      unused.unused.map((u) => `${u.statement} ${u.action} ${u.resource}`),
      [
        `Buckets s3:* arn:aws:s3:::${ARCHIVE}`,
        `Buckets s3:* arn:aws:s3:::${ARCHIVE}/*`,
        'Self iam:GetUser *',
      ],
    );
    assert.deepEqual(
      unused.wildcards.map((u) => [u.resource, u.usedActions]),
      [
        [`arn:aws:s3:::${DATA}`, ['s3:ListBucket']],
        [`arn:aws:s3:::${DATA}/*`, ['s3:DeleteObject', 's3:GetObject', 's3:PutObject']],
      ],
    );
    assert.match(human.stderr, /Unused access \(granted to arn:aws:iam::111122223333:user\/app/);
    assert.match(human.stderr, /iam:GetUser on \*/);
  });

  it('prints the policy alone on stdout (redirectable, lint-clean as printed) and the report on stderr', () => {
    assert.deepEqual(JSON.parse(human.stdout), report.policy);
    assert.deepEqual(lintPolicy(human.stdout, { type: 'identity' }), []);
  });

  it('the generated policy, given to a fresh user, allows every recorded request again', async () => {
    const keys = await createUser(server, 'app-min', report.policy ?? {});
    const s3 = s3For(server, keys);
    for (const step of STEPS) await assert.doesNotReject(step.run(s3), step.name);
  });

  it('and denies others: another bucket, a key outside the collapsed prefix, unused actions', async () => {
    const keys = await createUser(server, 'app-min2', report.policy ?? {});
    const s3 = s3For(server, keys);
    await denied(s3.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'x' })), 'second bucket');
    await denied(s3.send(new GetObjectCommand({ Bucket: OTHER, Key: 'x.txt' })), 'the denied attempt');
    await denied(
      s3.send(new PutObjectCommand({ Bucket: DATA, Key: 'reports/2025/x.csv', Body: 'x' })),
      'outside prefix',
    );
    await denied(s3.send(new PutObjectCommand({ Bucket: DATA, Key: 'secret.txt', Body: 'x' })), 'bucket top');
    await denied(
      s3.send(new GetObjectCommand({ Bucket: DATA, Key: 'reports/2026/b.csv' })),
      'GetObject not collapsed',
    );
    await denied(
      s3.send(new DeleteObjectCommand({ Bucket: DATA, Key: 'config.json' })),
      'DeleteObject elsewhere',
    );
    await denied(s3.send(new ListObjectsV2Command({ Bucket: DATA })), 'listing without the prefix');
    await denied(
      s3.send(new ListObjectsV2Command({ Bucket: DATA, Prefix: 'backup/' })),
      'listing another prefix',
    );
    await denied(s3.send(new DeleteBucketCommand({ Bucket: DATA })), 'DeleteBucket');
    const iam = iamOf(server, keys);
    try {
      await assert.rejects(iam.send(new GetUserCommand({ UserName: 'app-min2' })), /not authorized/);
    } finally {
      iam.destroy();
    }
  });

  it('--principal with a role ARN covers all its sessions and reports the role policies unused parts', async () => {
    const out = await generate({ principal: ROLE_ARN, since: '1h', data: dataDir, json: true });
    assert.equal(out.code, 0, out.stderr);
    const r = JSON.parse(out.stdout) as GenerationReport;
    assert.deepEqual(r.evidence.principals, [
      `arn:aws:sts::${ACCOUNT}:assumed-role/Reporter/monday`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/Reporter/tuesday`,
    ]);
    assert.deepEqual(r.policy?.Statement, [
      {
        Sid: 'S3Objects',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [`arn:aws:s3:::${DATA}/reports/2026/a.csv`, `arn:aws:s3:::${DATA}/reports/2026/b.csv`],
      },
    ]);
    assert.equal(r.unused?.principal, ROLE_ARN);
    assert.deepEqual(
      r.unused?.unused.map((u) => `${u.policy}: ${u.action} on ${u.resource}`),
      [`role Reporter inline policy read: s3:PutObject on arn:aws:s3:::${DATA}/*`],
    );
    // One session alone: its own request only; the unused report is still the role's.
    const one = await generate({
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/Reporter/monday`,
      since: '1h',
      data: dataDir,
      json: true,
    });
    const single = JSON.parse(one.stdout) as GenerationReport;
    assert.deepEqual(single.policy?.Statement[0]?.Resource, [`arn:aws:s3:::${DATA}/reports/2026/a.csv`]);
    assert.equal(single.unused?.principal, ROLE_ARN);
  });

  it('the portcullis command itself: policy on stdout, report on stderr; a bad --since exits 2', async () => {
    const cli = ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'policy', 'generate'];
    const ok = await run(
      process.execPath,
      [...cli, '--principal', APP_ARN, '--since', '1h', '--data', dataDir],
      {
        env: { ...process.env, PORTCULLIS_POSTGRES_URL: '' },
      },
    );
    assert.deepEqual(JSON.parse(ok.stdout), report.policy);
    assert.match(ok.stderr, /Unused access \(granted to arn:aws:iam::111122223333:user\/app/);
    await assert.rejects(
      run(process.execPath, [...cli, '--principal', APP_ARN, '--since', 'yesterday', '--data', dataDir]),
      (e: { code?: number; stderr?: string }) => {
        assert.equal(e.code, 2);
        assert.match(
          e.stderr ?? '',
          /portcullis policy generate: --since must be a duration like 30m, 1h, 7d/,
        );
        return true;
      },
    );
  });
});
