// Lint on every policy write, with real clients: a valid policy with a mistake (seed 004's object
// action on the bucket ARN) is stored and its warnings come back in the x-portcullis-policy-*
// response headers, which the AWS SDK and aws-cli ignore; an invalid one is refused with the
// linter's message, path, line and column (MalformedPolicyDocument / S3 MalformedPolicy).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetUserPolicyCommand,
  PutGroupPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { signV4 } from '../../src/auth/sign.js';
import type { Finding } from '../../src/policy/lint/lint.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';
import { awsCli, Clients, failure, statusOf } from './helpers.js';

const ACCT = TEST_ACCOUNT_ID;
const BUCKET = 'lint-me';

/** Pretty-printed, so findings have lines and columns worth checking. */
const doc = (...statements: object[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);

/** Seed 004: an object action on the bucket ARN (valid, never matches). */
const BUCKET_VS_OBJECT = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}` });
const CLEAN = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` });
/** Seed 001: Effect with a stray space and a wrong case. */
const BAD_EFFECT = doc({ Effect: 'allow ', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` });
const TRUST = doc({
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
  Action: 'sts:AssumeRole',
});

interface Headers {
  warnings?: string;
  findings?: Finding[];
}

/** Records the lint headers of each response a client receives (the SDK itself ignores them). */
function captureLintHeaders(client: {
  middlewareStack: { add(mw: unknown, options: { step: 'deserialize'; name: string }): void };
}): () => Headers {
  let last: Headers = {};
  client.middlewareStack.add(
    (next: (a: unknown) => Promise<{ response: { headers: Record<string, string> } }>) =>
      async (args: unknown) => {
        last = {};
        const out = await next(args);
        const h = out.response.headers;
        const findings = h['x-portcullis-policy-findings'];
        last = {
          ...(h['x-portcullis-policy-warnings'] !== undefined
            ? { warnings: h['x-portcullis-policy-warnings'] }
            : {}),
          ...(findings !== undefined ? { findings: JSON.parse(findings) as Finding[] } : {}),
        };
        return out;
      },
    { step: 'deserialize', name: 'captureLintHeaders' },
  );
  return () => last;
}

function assertBucketVsObject(h: Headers, line: number): void {
  assert.equal(h.warnings, '1', JSON.stringify(h));
  const f = h.findings?.[0];
  assert.equal(f?.check, 'object-action-on-bucket-arn');
  assert.equal(f?.severity, 'warning');
  assert.equal(f?.path, 'Statement[0].Resource');
  assert.equal(f?.line, line);
  assert.equal(f?.column, 19);
  assert.match(f?.message ?? '', /arn:aws:s3:::lint-me\/\*/);
}

describe('lint on every policy write', () => {
  let server: TestServer;
  let clients: Clients;
  let dir: string;

  before(async () => {
    server = await startTestServer();
    clients = new Clients(server);
    dir = await mkdtemp(join(tmpdir(), 'portcullis-lint-write-'));
    await clients.s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
    const iam = clients.iam();
    await iam.send(new CreateUserCommand({ UserName: 'ann' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'App', AssumeRolePolicyDocument: TRUST }));
  });

  after(async () => {
    clients.destroy();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('PutBucketPolicy', () => {
    const bucketPolicy = (...statements: object[]) =>
      doc(...statements.map((s) => ({ Principal: { AWS: `arn:aws:iam::${ACCT}:user/ann` }, ...s })));

    it('stores a policy with a warning and returns the finding in the headers', async () => {
      const s3 = clients.s3();
      const headers = captureLintHeaders(s3);
      const text = bucketPolicy({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}`,
      });
      await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: text }));
      assertBucketVsObject(headers(), 10);
      const stored = await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }));
      assert.equal(stored.Policy, text, 'stored as sent');
    });

    it('a clean policy: no lint headers', async () => {
      const s3 = clients.s3();
      const headers = captureLintHeaders(s3);
      const text = bucketPolicy({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
      });
      await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: text }));
      assert.deepEqual(headers(), {});
    });

    it('refuses an invalid one: MalformedPolicy with the lint message, path, line and column', async () => {
      const text = bucketPolicy({
        Effect: 'allow ',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
      });
      const e = await failure(
        clients.s3().send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: text })),
      );
      assert.equal(e.name, 'MalformedPolicy');
      assert.equal(statusOf(e), 400);
      assert.match(
        e.message,
        /^Statement\[0\]\.Effect: Effect "allow " is not valid.*"Allow".*\(line 8, column 17\) \[effect-invalid\]/,
      );
    });

    it('aws s3api put-bucket-policy still succeeds with warnings', async () => {
      const file = join(dir, 'bucket-policy.json');
      await writeFile(
        file,
        bucketPolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}` }),
      );
      const out = await awsCli(server, clients.root, [
        's3api',
        'put-bucket-policy',
        '--bucket',
        BUCKET,
        '--policy',
        `file://${file}`,
      ]);
      assert.equal(out.stdout.trim(), '');
    });
  });

  describe('IAM', () => {
    const iamWithHeaders = () => {
      const iam = clients.iam();
      return { iam, headers: captureLintHeaders(iam) };
    };

    it('CreatePolicy and CreatePolicyVersion: stored, warnings in the headers', async () => {
      const { iam, headers } = iamWithHeaders();
      const created = await iam.send(
        new CreatePolicyCommand({ PolicyName: 'Mistake', PolicyDocument: BUCKET_VS_OBJECT }),
      );
      assert.equal(created.Policy?.PolicyName, 'Mistake', 'the SDK parses the response');
      assertBucketVsObject(headers(), 7);
      const version = await iam.send(
        new CreatePolicyVersionCommand({ PolicyArn: created.Policy?.Arn, PolicyDocument: BUCKET_VS_OBJECT }),
      );
      assert.equal(version.PolicyVersion?.VersionId, 'v2');
      assertBucketVsObject(headers(), 7);
      await iam.send(
        new CreatePolicyVersionCommand({
          PolicyArn: created.Policy?.Arn,
          PolicyDocument: CLEAN,
          SetAsDefault: true,
        }),
      );
      assert.deepEqual(headers(), {});
    });

    it('PutUserPolicy, PutGroupPolicy, PutRolePolicy: warnings in the headers', async () => {
      const { iam, headers } = iamWithHeaders();
      await iam.send(
        new PutUserPolicyCommand({ UserName: 'ann', PolicyName: 'p', PolicyDocument: BUCKET_VS_OBJECT }),
      );
      assertBucketVsObject(headers(), 7);
      const stored = await iam.send(new GetUserPolicyCommand({ UserName: 'ann', PolicyName: 'p' }));
      assert.equal(decodeURIComponent(stored.PolicyDocument ?? ''), BUCKET_VS_OBJECT);
      await iam.send(
        new PutGroupPolicyCommand({
          GroupName: 'readers',
          PolicyName: 'p',
          PolicyDocument: BUCKET_VS_OBJECT,
        }),
      );
      assertBucketVsObject(headers(), 7);
      await iam.send(
        new PutRolePolicyCommand({ RoleName: 'App', PolicyName: 'p', PolicyDocument: BUCKET_VS_OBJECT }),
      );
      assertBucketVsObject(headers(), 7);
      await iam.send(new PutRolePolicyCommand({ RoleName: 'App', PolicyName: 'p', PolicyDocument: CLEAN }));
      assert.deepEqual(headers(), {});
    });

    it('UpdateAssumeRolePolicy: a trust policy open to everyone is stored with a warning', async () => {
      const { iam, headers } = iamWithHeaders();
      await iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: 'App',
          PolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }),
        }),
      );
      const h = headers();
      assert.ok(Number(h.warnings) >= 1, JSON.stringify(h));
      assert.ok(h.findings?.some((f) => f.check === 'trust-public'));
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'App', PolicyDocument: TRUST }));
      assert.deepEqual(headers(), {});
    });

    it('PutUserPermissionsBoundary / PutRolePermissionsBoundary: the boundary document is linted', async () => {
      const { iam, headers } = iamWithHeaders();
      const boundary = await iam.send(
        new CreatePolicyCommand({ PolicyName: 'Boundary', PolicyDocument: BUCKET_VS_OBJECT }),
      );
      const arn = boundary.Policy?.Arn;
      await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'ann', PermissionsBoundary: arn }));
      assertBucketVsObject(headers(), 7);
      await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'App', PermissionsBoundary: arn }));
      assertBucketVsObject(headers(), 7);
    });

    it('refuses invalid documents: MalformedPolicyDocument with the lint message, path, line and column', async () => {
      const iam = clients.iam();
      const e = await failure(
        iam.send(new CreatePolicyCommand({ PolicyName: 'Bad', PolicyDocument: BAD_EFFECT })),
      );
      assert.equal(e.name, 'MalformedPolicyDocumentException');
      assert.equal(statusOf(e), 400);
      assert.match(
        e.message,
        /^Statement\[0\]\.Effect: Effect "allow " is not valid.*\(line 5, column 17\) \[effect-invalid\]/,
      );
      const action = doc({ Effect: 'Allow', Action: 'S3: GetObject', Resource: '*' });
      const e2 = await failure(
        iam.send(new PutUserPolicyCommand({ UserName: 'ann', PolicyName: 'bad', PolicyDocument: action })),
      );
      assert.equal(e2.name, 'MalformedPolicyDocumentException');
      assert.match(e2.message, /Statement\[0\]\.Action: .*\(line 6, column 17\) \[action-whitespace\]/);
      const e3 = await failure(
        iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'App', PolicyDocument: BUCKET_VS_OBJECT })),
      );
      assert.equal(e3.name, 'MalformedPolicyDocumentException');
      assert.match(e3.message, /\(line \d+, column \d+\)/);
    });

    it('a write that fails after lint carries no lint headers', async () => {
      const body = new URLSearchParams({
        Action: 'PutUserPolicy',
        Version: '2010-05-08',
        UserName: 'nobody-here',
        PolicyName: 'p',
        PolicyDocument: BUCKET_VS_OBJECT,
      }).toString();
      const url = new URL('/', server.url);
      const { host: _host, ...signed } = signV4({
        method: 'POST',
        url,
        credentials: clients.root,
        service: 'iam',
        region: 'us-east-1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }).headers;
      const res = await fetch(url, { method: 'POST', headers: signed, body });
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('x-portcullis-policy-warnings'), null);
      assert.equal(res.headers.get('x-portcullis-policy-findings'), null);
    });

    it('aws iam put-user-policy and create-policy still succeed with warnings', async () => {
      const file = join(dir, 'identity.json');
      await writeFile(file, BUCKET_VS_OBJECT);
      await awsCli(server, clients.root, [
        'iam',
        'put-user-policy',
        '--user-name',
        'ann',
        '--policy-name',
        'cli',
        '--policy-document',
        `file://${file}`,
      ]);
      const out = await awsCli(server, clients.root, [
        'iam',
        'create-policy',
        '--policy-name',
        'FromCli',
        '--policy-document',
        `file://${file}`,
        '--output',
        'json',
      ]);
      assert.equal(
        (JSON.parse(out.stdout) as { Policy: { PolicyName: string } }).Policy.PolicyName,
        'FromCli',
      );
      await clients
        .iam()
        .send(
          new AttachUserPolicyCommand({ UserName: 'ann', PolicyArn: `arn:aws:iam::${ACCT}:policy/FromCli` }),
        );
    });
  });
});
