// Seed 001 ("STS temporary access authorization") end to end: a bootstrapped account with the
// user ram_test_app (no permissions of its own but sts:AssumeRole on the roles), the roles
// RamTestAppReadOnly and RamTestAppWrite, and the bucket ram-test-app holding test.txt; driven with
// the AWS SDK's S3 and STS clients and with aws-cli, against a started server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand,
  DecodeAuthorizationMessageCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
  type Credentials,
} from '@aws-sdk/client-sts';
import {
  AuthorizationMessageKey,
  encodeAuthorizationMessage,
  explainDecision,
} from '../../src/api/sts/index.js';
import { loadMasterKey } from '../../src/identity/secrets.js';
import { contextFrom } from '../../src/policy/request.js';
import { repoRoot } from '../support/repo-root.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const ACCOUNT = TEST_ACCOUNT_ID;
const BUCKET = 'ram-test-app';
const USER_KEY = {
  accessKeyId: 'AKIARAMTESTAPP000001',
  secretAccessKey: 'ramTestAppSecretKey/00000000000000000000',
};
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/ram_test_app`;
const READ_ONLY = `arn:aws:iam::${ACCOUNT}:role/RamTestAppReadOnly`;
const WRITE = `arn:aws:iam::${ACCOUNT}:role/RamTestAppWrite`;
const OTHER_ACCOUNT_ROLE = `arn:aws:iam::${ACCOUNT}:role/RamTestAppOtherAccount`;
const USR001_PUT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`arn:aws:s3:::${BUCKET}/usr001/*`] }],
});

interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

function keysOf(c: Credentials | undefined): Keys {
  assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken, 'credentials in the response');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

async function rejectsWith(
  promise: Promise<unknown>,
  expected: { status: number; code: string; message?: string | RegExp },
): Promise<void> {
  try {
    await promise;
  } catch (e) {
    assert.ok(
      e instanceof S3ServiceException || e instanceof STSServiceException,
      `a service error, got ${String(e)}`,
    );
    assert.equal(e.$metadata.httpStatusCode, expected.status, `${e.name}: ${e.message}`);
    assert.equal(e.name, expected.code, e.message);
    if (typeof expected.message === 'string') assert.equal(e.message, expected.message);
    else if (expected.message) assert.match(e.message, expected.message);
    return;
  }
  assert.fail(`expected ${expected.code}`);
}

describe('seed 001: STS temporary access to ram-test-app', () => {
  let server: TestServer;
  // Moves the session-token clock forward to expire sessions without waiting 15 minutes.
  let offsetMs = 0;
  const clients: { destroy(): void }[] = [];
  const s3 = (credentials: Keys): S3Client => {
    const c = server.client({ credentials });
    return c;
  };
  const sts = (credentials: Keys): STSClient => {
    const c = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials });
    clients.push(c);
    return c;
  };
  const get = (credentials: Keys, key: string) =>
    s3(credentials).send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const put = (credentials: Keys, key: string, body = 'ststest') =>
    s3(credentials).send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const assume = (
    credentials: Keys,
    roleArn: string,
    extra: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {},
  ) =>
    sts(credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'usr001', ...extra }));
  const whoAmI = (credentials: Keys) => sts(credentials).send(new GetCallerIdentityCommand({}));

  before(async () => {
    server = await startTestServer({
      bootstrapFile: join(repoRoot, 'test/fixtures/seed-001/bootstrap.json'),
      clock: () => Date.now() + offsetMs,
    });
    // "first use the console to put the file test.txt in ram-test-app, with the content ststest"
    await server.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'test.txt', Body: 'ststest' }));
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await server?.close();
  });

  it('the user itself can neither read nor write: no identity-based policy allows it', async () => {
    await rejectsWith(get(USER_KEY, 'test.txt'), {
      status: 403,
      code: 'AccessDenied',
      message: `User: ${USER_ARN} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/test.txt" because no identity-based policy allows the s3:GetObject action`,
    });
    await rejectsWith(put(USER_KEY, 'test.txt'), {
      status: 403,
      code: 'AccessDenied',
      message: /because no identity-based policy allows the s3:PutObject action$/,
    });
    const me = await whoAmI(USER_KEY);
    assert.equal(me.Arn, USER_ARN);
    assert.equal(me.Account, ACCOUNT);
    assert.match(me.UserId ?? '', /^AIDA[A-Z2-7]{17}$/);
  });

  it('the read-only role downloads but cannot upload', async () => {
    const out = await assume(USER_KEY, READ_ONLY);
    const keys = keysOf(out.Credentials);
    assert.match(keys.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/RamTestAppReadOnly/usr001`);
    assert.match(out.AssumedRoleUser?.AssumedRoleId ?? '', /^AROA[A-Z2-7]{17}:usr001$/);
    const expiresIn = (out.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    assert.ok(
      expiresIn > 3590_000 && expiresIn <= 3600_000,
      `default duration is one hour, got ${expiresIn} ms`,
    );

    const got = await get(keys, 'test.txt');
    assert.equal(got.$metadata.httpStatusCode, 200);
    assert.equal(await got.Body?.transformToString(), 'ststest');
    await rejectsWith(put(keys, 'test.txt'), {
      status: 403,
      code: 'AccessDenied',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/RamTestAppReadOnly/usr001 is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/test.txt" because no identity-based policy allows the s3:PutObject action`,
    });
    const me = await whoAmI(keys);
    assert.equal(me.Arn, out.AssumedRoleUser?.Arn);
    assert.equal(me.UserId, out.AssumedRoleUser?.AssumedRoleId);
    assert.equal(me.Account, ACCOUNT);
  });

  it('the write role with a usr001/ session policy uploads only under usr001/', async () => {
    const out = await assume(USER_KEY, WRITE, { Policy: USR001_PUT });
    const keys = keysOf(out.Credentials);
    assert.ok(
      (out.PackedPolicySize ?? 0) > 0 && (out.PackedPolicySize ?? 0) < 100,
      `PackedPolicySize ${out.PackedPolicySize}`,
    );
    // The write role cannot read: its own policies already say no.
    await rejectsWith(get(keys, 'test.txt'), {
      status: 403,
      code: 'AccessDenied',
      message:
        /s3:GetObject on resource: "arn:aws:s3:::ram-test-app\/test.txt" because no identity-based policy allows the s3:GetObject action$/,
    });
    // The role may write test.txt; the session policy only allows usr001/*.
    await rejectsWith(put(keys, 'test.txt'), {
      status: 403,
      code: 'AccessDenied',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/RamTestAppWrite/usr001 is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/test.txt" because no session policy allows the s3:PutObject action`,
    });
    const ok = await put(keys, 'usr001/test.txt');
    assert.equal(ok.$metadata.httpStatusCode, 200);
    const back = await server.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'usr001/test.txt' }));
    assert.equal(await back.Body?.transformToString(), 'ststest');
    assert.equal((await whoAmI(keys)).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/RamTestAppWrite/usr001`);
  });

  it('an expired session is refused with ExpiredToken, an altered token with InvalidToken', async () => {
    const keys = keysOf((await assume(USER_KEY, READ_ONLY, { DurationSeconds: 900 })).Credentials);
    assert.equal((await get(keys, 'test.txt')).$metadata.httpStatusCode, 200);
    offsetMs = 901_000;
    try {
      await rejectsWith(get(keys, 'test.txt'), {
        status: 400,
        code: 'ExpiredToken',
        message: 'The provided token has expired.',
      });
    } finally {
      offsetMs = 0;
    }
    const token = keys.sessionToken as string;
    const i = Math.floor(token.length / 2);
    const altered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    await rejectsWith(get({ ...keys, sessionToken: altered }, 'test.txt'), {
      status: 400,
      code: 'InvalidToken',
      message: 'The provided token is malformed or otherwise invalid.',
    });
  });

  it('refuses what AWS refuses: untrusted caller, missing role, too long, malformed session policy, root', async () => {
    const denied = (role: string) =>
      `User: ${USER_ARN} is not authorized to perform: sts:AssumeRole on resource: ${role}`;
    // The user's own policy allows it, but the trust policy names another account.
    await rejectsWith(assume(USER_KEY, OTHER_ACCOUNT_ROLE), {
      status: 403,
      code: 'AccessDenied',
      message: denied(OTHER_ACCOUNT_ROLE),
    });
    const missing = `arn:aws:iam::${ACCOUNT}:role/NoSuchRole`;
    await rejectsWith(assume(USER_KEY, missing), {
      status: 403,
      code: 'AccessDenied',
      message: denied(missing),
    });
    await rejectsWith(assume(USER_KEY, READ_ONLY, { DurationSeconds: 7200 }), {
      status: 400,
      code: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
    await rejectsWith(assume(USER_KEY, READ_ONLY, { DurationSeconds: 899 }), {
      status: 400,
      code: 'ValidationError',
    });
    await rejectsWith(assume(USER_KEY, READ_ONLY, { RoleSessionName: 'usr 001' }), {
      status: 400,
      code: 'ValidationError',
    });
    await rejectsWith(
      assume(USER_KEY, READ_ONLY, { Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}' }),
      {
        status: 400,
        // The SDK names the wire code MalformedPolicyDocument by its modelled exception.
        code: 'MalformedPolicyDocumentException',
      },
    );
    const root = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
    await rejectsWith(assume(root, READ_ONLY), {
      status: 403,
      code: 'AccessDenied',
      message: 'Roles may not be assumed by root accounts.',
    });
    const me = await whoAmI(root);
    assert.deepEqual([me.Arn, me.UserId, me.Account], [`arn:aws:iam::${ACCOUNT}:root`, ACCOUNT, ACCOUNT]);
  });

  it('a role created through the IAM API is assumable at once (same store, next request)', async () => {
    const root = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: root });
    clients.push(iam);
    const boot = await iam.send(new GetRoleCommand({ RoleName: 'RamTestAppWrite' }));
    assert.equal(boot.Role?.Arn, WRITE);
    // The trust policy names the user itself, but Portcullis also requires the caller's identity
    // policy to allow sts:AssumeRole on the role (policy/decide with `trust`), and it does not.
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: 'RamTestAppTrustsUser',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    const arn = created.Role?.Arn ?? '';
    assert.equal(arn, `arn:aws:iam::${ACCOUNT}:role/RamTestAppTrustsUser`);
    await rejectsWith(assume(USER_KEY, arn), {
      status: 403,
      code: 'AccessDenied',
      message: `User: ${USER_ARN} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
    });
  });

  it('role chaining: a read-only session may not assume the write role (its role does not allow it)', async () => {
    const keys = keysOf((await assume(USER_KEY, READ_ONLY)).Credentials);
    await rejectsWith(assume(keys, WRITE), {
      status: 403,
      code: 'AccessDenied',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/RamTestAppReadOnly/usr001 is not authorized to perform: sts:AssumeRole on resource: ${WRITE}`,
    });
  });

  it('GetSessionToken gives the user a session with its own (no) permissions; sessions cannot call it', async () => {
    const out = await sts(USER_KEY).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const keys = keysOf(out.Credentials);
    const expiresIn = (out.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    assert.ok(expiresIn > 890_000 && expiresIn <= 900_000, `${expiresIn}`);
    assert.equal((await whoAmI(keys)).Arn, USER_ARN);
    await rejectsWith(get(keys, 'test.txt'), {
      status: 403,
      code: 'AccessDenied',
      message: /because no identity-based policy allows/,
    });
    await rejectsWith(sts(keys).send(new GetSessionTokenCommand({})), { status: 403, code: 'AccessDenied' });
  });

  it('DecodeAuthorizationMessage decodes what this server encoded, for callers allowed to', async () => {
    const master = await loadMasterKey(server.dataDir);
    const key = AuthorizationMessageKey.fromMasterKey(master.key);
    const request = {
      principal: { type: 'user' as const, arn: USER_ARN, account: ACCOUNT },
      action: 's3:GetObject',
      resource: `arn:aws:s3:::${BUCKET}/test.txt`,
      context: contextFrom({ 'aws:SecureTransport': 'false' }),
    };
    const decision = {
      decision: 'ImplicitlyDenied' as const,
      deniedBy: 'identity' as const,
      explicit: false,
      decidedBy: 'identity' as const,
      policyId: null,
      statement: null,
      rule: 'identity-no-allow' as const,
      sessionDenies: false,
    };
    const encoded = encodeAuthorizationMessage(
      key,
      explainDecision(request, decision, { id: 'AIDAEXAMPLE', name: 'ram_test_app' }),
    );
    const root = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
    const out = await sts(root).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
    const decoded = JSON.parse(out.DecodedMessage ?? '') as Record<string, unknown>;
    assert.deepEqual(decoded, {
      allowed: false,
      explicitDeny: false,
      matchedStatements: { items: [] },
      failures: { items: [] },
      context: {
        principal: { id: 'AIDAEXAMPLE', name: 'ram_test_app', arn: USER_ARN },
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${BUCKET}/test.txt`,
        conditions: { items: [{ key: 'aws:securetransport', values: { items: [{ value: 'false' }] } }] },
      },
    });
    await rejectsWith(
      sts(USER_KEY).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded })),
      {
        status: 403,
        code: 'AccessDenied',
        message: /sts:DecodeAuthorizationMessage/,
      },
    );
    await rejectsWith(
      sts(root).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: `${encoded.slice(0, -2)}AA` })),
      {
        status: 400,
        code: 'InvalidAuthorizationMessageException',
      },
    );
  });

  describe('with aws-cli', () => {
    const aws = async (keys: Keys, args: string[], input?: string) => {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        AWS_ACCESS_KEY_ID: keys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
        ...(keys.sessionToken !== undefined ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
      };
      const child = run('aws', ['--endpoint-url', server.url, ...args], { env, timeout: 60_000 });
      if (input !== undefined) {
        child.child.stdin?.end(input);
      }
      return child;
    };

    before(async () => {
      // CI installs aws-cli (Debian's awscli); a missing one is a broken environment, not a skip.
      try {
        await run('aws', ['--version']);
      } catch (e) {
        assert.fail(`aws-cli is required for these tests (apt-get install awscli): ${(e as Error).message}`);
      }
    });

    it('assume-role, then s3 cp with the returned credentials', async () => {
      const me = JSON.parse(
        (await aws(USER_KEY, ['sts', 'get-caller-identity', '--output', 'json'])).stdout,
      ) as { Arn: string };
      assert.equal(me.Arn, USER_ARN);
      const direct = await aws(USER_KEY, ['s3', 'cp', `s3://${BUCKET}/test.txt`, '-']).then(
        () => assert.fail('the user alone must not read'),
        (e: { stderr: string }) => e.stderr,
      );
      assert.match(direct, /403|Forbidden|AccessDenied/);

      const assumed = JSON.parse(
        (
          await aws(USER_KEY, [
            'sts',
            'assume-role',
            '--role-arn',
            READ_ONLY,
            '--role-session-name',
            'usr001',
            '--output',
            'json',
          ])
        ).stdout,
      ) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
      const keys = {
        accessKeyId: assumed.Credentials.AccessKeyId,
        secretAccessKey: assumed.Credentials.SecretAccessKey,
        sessionToken: assumed.Credentials.SessionToken,
      };
      assert.equal((await aws(keys, ['s3', 'cp', `s3://${BUCKET}/test.txt`, '-'])).stdout, 'ststest');
      const refused = await aws(keys, ['s3', 'cp', '-', `s3://${BUCKET}/test.txt`], 'ststest').then(
        () => assert.fail('the read-only role must not write'),
        (e: { stderr: string }) => e.stderr,
      );
      assert.match(refused, /AccessDenied/);
      assert.match(refused, /because no identity-based policy allows the s3:PutObject action/);

      const write = JSON.parse(
        (
          await aws(USER_KEY, [
            'sts',
            'assume-role',
            '--role-arn',
            WRITE,
            '--role-session-name',
            'usr001',
            '--policy',
            USR001_PUT,
            '--output',
            'json',
          ])
        ).stdout,
      ) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
      const writer = {
        accessKeyId: write.Credentials.AccessKeyId,
        secretAccessKey: write.Credentials.SecretAccessKey,
        sessionToken: write.Credentials.SessionToken,
      };
      const outside = await aws(writer, ['s3', 'cp', '-', `s3://${BUCKET}/test.txt`], 'ststest').then(
        () => assert.fail('the session policy must keep the write role inside usr001/'),
        (e: { stderr: string }) => e.stderr,
      );
      assert.match(outside, /because no session policy allows the s3:PutObject action/);
      await aws(writer, ['s3', 'cp', '-', `s3://${BUCKET}/usr001/cli.txt`], 'ststest');
    });
  });
});
