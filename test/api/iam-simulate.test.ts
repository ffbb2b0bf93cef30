// The IAM policy simulator against a real server: SimulatePrincipalPolicy over a user's inline and
// group policies (allowed / explicitDeny / implicitDeny, the statement that decided and where it
// sits in the document), missing condition keys, SimulateCustomPolicy with line/column positions,
// AWS error codes, authorization, and one call from aws-cli.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  CreatePolicyCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
  type EvaluationResult,
} from '@aws-sdk/client-iam';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';

const ACCT = TEST_ACCOUNT_ID;
const USER_ARN = `arn:aws:iam::${ACCT}:user/sim-alice`;
let t: TestServer;
let root: IAMClient;
const clients: IAMClient[] = [];

function iamClient(accessKeyId: string, secretAccessKey: string): IAMClient {
  const c = new IAMClient({
    endpoint: t.url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
  });
  clients.push(c);
  return c;
}

/** Pretty-printed, so statements sit on known lines. */
const policy = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);

// Statement[0] spans lines 4-9 of this document (see the custom policy test for the layout).
const READ = policy({ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::sim/*' });
const GROUP_WRITE = policy(
  { Sid: 'Other', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::sim' },
  {
    Sid: 'Write',
    Effect: 'Allow',
    Action: ['s3:PutObject', 's3:DeleteObject'],
    Resource: 'arn:aws:s3:::sim/*',
  },
);
const NO_DELETE = policy({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' });
const TAGGED = policy({
  Effect: 'Allow',
  Action: 's3:PutObjectAcl',
  Resource: '*',
  Condition: { StringEquals: { 's3:x-amz-acl': 'private' }, Bool: { 'aws:SecureTransport': 'true' } },
});

async function rejects(p: Promise<unknown>, code: string, status: number, message?: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    assert.ok(
      err.name === code || err.name === `${code}Exception`,
      `expected ${code}, got ${err.name}: ${err.message}`,
    );
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (message) assert.match(err.message, message);
    return;
  }
  assert.fail(`expected ${code}`);
}

function byAction(results: EvaluationResult[] | undefined, action: string): EvaluationResult {
  const r = results?.find((x) => x.EvalActionName === action);
  assert.ok(r, `no result for ${action}`);
  return r;
}

before(async () => {
  t = await startTestServer();
  root = iamClient(t.accessKeyId, t.secretAccessKey);
  await root.send(new CreateUserCommand({ UserName: 'sim-alice' }));
  await root.send(
    new PutUserPolicyCommand({ UserName: 'sim-alice', PolicyName: 'ReadSim', PolicyDocument: READ }),
  );
  await root.send(new CreateGroupCommand({ GroupName: 'sim-writers' }));
  await root.send(
    new PutGroupPolicyCommand({
      GroupName: 'sim-writers',
      PolicyName: 'GroupWrite',
      PolicyDocument: GROUP_WRITE,
    }),
  );
  await root.send(new AddUserToGroupCommand({ GroupName: 'sim-writers', UserName: 'sim-alice' }));
});

after(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

describe('SimulatePrincipalPolicy', () => {
  it('allowed by the user and the group policy, with the statement positions; nothing → implicitDeny', async () => {
    const out = await root.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: USER_ARN,
        ActionNames: ['s3:GetObject', 's3:PutObject', 's3:PutBucketPolicy'],
        ResourceArns: ['arn:aws:s3:::sim/report.csv'],
      }),
    );
    assert.equal(out.EvaluationResults?.length, 3);
    assert.equal(out.IsTruncated, false);

    const get = byAction(out.EvaluationResults, 's3:GetObject');
    assert.equal(get.EvalDecision, 'allowed');
    assert.equal(get.EvalResourceName, 'arn:aws:s3:::sim/report.csv');
    assert.deepEqual(get.MatchedStatements, [
      {
        SourcePolicyId: 'ReadSim',
        SourcePolicyType: 'user',
        StartPosition: { Line: 4, Column: 5 },
        EndPosition: { Line: 9, Column: 6 },
      },
    ]);

    const put = byAction(out.EvaluationResults, 's3:PutObject');
    assert.equal(put.EvalDecision, 'allowed');
    assert.equal(put.MatchedStatements?.length, 1);
    assert.equal(put.MatchedStatements?.[0]?.SourcePolicyId, 'GroupWrite');
    assert.equal(put.MatchedStatements?.[0]?.SourcePolicyType, 'group');
    // The second statement of the group policy: after the first one (lines 4-9).
    assert.equal(put.MatchedStatements?.[0]?.StartPosition?.Line, 10);

    const none = byAction(out.EvaluationResults, 's3:PutBucketPolicy');
    assert.equal(none.EvalDecision, 'implicitDeny');
    assert.deepEqual(none.MatchedStatements ?? [], []);
  });

  it('a Deny wins: explicitDeny, and only the deny statement is matched', async () => {
    await root.send(
      new PutUserPolicyCommand({ UserName: 'sim-alice', PolicyName: 'NoDelete', PolicyDocument: NO_DELETE }),
    );
    const out = await root.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: USER_ARN, ActionNames: ['s3:DeleteObject'] }),
    );
    const del = byAction(out.EvaluationResults, 's3:DeleteObject');
    assert.equal(del.EvalResourceName, '*');
    assert.equal(del.EvalDecision, 'explicitDeny');
    assert.deepEqual(
      del.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType, s.StartPosition?.Line]),
      [['NoDelete', 'user', 4]],
    );
  });

  it('condition keys the context lacks are MissingContextValues; given, they decide', async () => {
    await root.send(
      new PutUserPolicyCommand({ UserName: 'sim-alice', PolicyName: 'Acl', PolicyDocument: TAGGED }),
    );
    const missing = await root.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: USER_ARN, ActionNames: ['s3:PutObjectAcl'] }),
    );
    const r = byAction(missing.EvaluationResults, 's3:PutObjectAcl');
    assert.equal(r.EvalDecision, 'implicitDeny');
    assert.deepEqual([...(r.MissingContextValues ?? [])].sort(), ['aws:SecureTransport', 's3:x-amz-acl']);

    const given = await root.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: USER_ARN,
        ActionNames: ['s3:PutObjectAcl'],
        ContextEntries: [
          { ContextKeyName: 's3:x-amz-acl', ContextKeyValues: ['private'], ContextKeyType: 'string' },
          { ContextKeyName: 'aws:SecureTransport', ContextKeyValues: ['true'], ContextKeyType: 'boolean' },
        ],
      }),
    );
    const g = byAction(given.EvaluationResults, 's3:PutObjectAcl');
    assert.equal(g.EvalDecision, 'allowed');
    assert.deepEqual(g.MissingContextValues ?? [], []);
    assert.equal(g.MatchedStatements?.[0]?.SourcePolicyId, 'Acl');
  });

  it('extra PolicyInputList policies, a permissions boundary, and a role as the source', async () => {
    const out = await root.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: USER_ARN,
        ActionNames: ['s3:GetObject', 's3:ListAllMyBuckets'],
        PolicyInputList: [policy({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' })],
        PermissionsBoundaryPolicyInputList: [
          policy({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }),
        ],
      }),
    );
    const list = byAction(out.EvaluationResults, 's3:ListAllMyBuckets');
    assert.equal(list.EvalDecision, 'allowed');
    assert.equal(list.MatchedStatements?.[0]?.SourcePolicyId, 'PolicyInputList.1');
    assert.equal(list.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary, true);
    const get = byAction(out.EvaluationResults, 's3:GetObject');
    assert.equal(get.EvalDecision, 'implicitDeny');
    assert.equal(get.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary, false);

    await root.send(
      new CreateRoleCommand({
        RoleName: 'sim-role',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    await root.send(
      new PutRolePolicyCommand({ RoleName: 'sim-role', PolicyName: 'RoleRead', PolicyDocument: READ }),
    );
    const role = await root.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCT}:role/sim-role`,
        ActionNames: ['s3:GetObject'],
        ResourceArns: ['arn:aws:s3:::sim/x'],
      }),
    );
    const r = byAction(role.EvaluationResults, 's3:GetObject');
    assert.equal(r.EvalDecision, 'allowed');
    assert.deepEqual(
      [r.MatchedStatements?.[0]?.SourcePolicyId, r.MatchedStatements?.[0]?.SourcePolicyType],
      ['RoleRead', 'role'],
    );
  });

  it('a group as the source, policy variables as missing keys, and MaxItems/Marker pages', async () => {
    const group = await root.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCT}:group/sim-writers`,
        ActionNames: ['s3:PutObject', 's3:GetObject'],
        ResourceArns: ['arn:aws:s3:::sim/a'],
        PolicyInputList: [
          policy({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::home/${aws:username}' }),
        ],
        MaxItems: 1,
      }),
    );
    assert.equal(group.IsTruncated, true);
    assert.equal(group.EvaluationResults?.length, 1);
    const put = byAction(group.EvaluationResults, 's3:PutObject');
    assert.equal(put.EvalDecision, 'allowed');
    assert.equal(put.MatchedStatements?.[0]?.SourcePolicyType, 'group');
    const next = await root.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCT}:group/sim-writers`,
        ActionNames: ['s3:PutObject', 's3:GetObject'],
        ResourceArns: ['arn:aws:s3:::sim/a'],
        Marker: group.Marker,
      }),
    );
    assert.equal(next.IsTruncated, false);
    assert.equal(byAction(next.EvaluationResults, 's3:GetObject').EvalDecision, 'implicitDeny');

    const vars = await root.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: USER_ARN,
        ActionNames: ['s3:ListBucket'],
        ResourceArns: ['arn:aws:s3:::home/sim-alice'],
        PolicyInputList: [
          policy({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::home/${aws:username}' }),
        ],
      }),
    );
    const v = byAction(vars.EvaluationResults, 's3:ListBucket');
    assert.equal(v.EvalDecision, 'implicitDeny');
    assert.deepEqual(v.MissingContextValues, ['aws:username']);
    assert.deepEqual(v.ResourceSpecificResults?.[0]?.MissingContextValues, ['aws:username']);
  });

  it('stored managed boundary of the user limits the result', async () => {
    await root.send(new CreateUserCommand({ UserName: 'sim-bounded' }));
    await root.send(
      new PutUserPolicyCommand({ UserName: 'sim-bounded', PolicyName: 'ReadSim', PolicyDocument: READ }),
    );
    const created = await root.send(
      new CreatePolicyCommand({
        PolicyName: 'sim-boundary',
        PolicyDocument: policy({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }),
      }),
    );
    await root.send(
      new PutUserPermissionsBoundaryCommand({
        UserName: 'sim-bounded',
        PermissionsBoundary: created.Policy?.Arn,
      }),
    );
    const out = await root.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCT}:user/sim-bounded`,
        ActionNames: ['s3:GetObject'],
      }),
    );
    const r = byAction(out.EvaluationResults, 's3:GetObject');
    assert.equal(r.EvalDecision, 'implicitDeny');
    assert.equal(r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary, false);
  });

  it('errors: unknown principal, malformed ARN, malformed extra policy, missing actions', async () => {
    await rejects(
      root.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${ACCT}:user/nobody`,
          ActionNames: ['s3:GetObject'],
        }),
      ),
      'NoSuchEntity',
      404,
      /nobody/,
    );
    await rejects(
      root.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: 'arn:aws:s3:::not-a-principal',
          ActionNames: ['s3:GetObject'],
        }),
      ),
      'InvalidInput',
      400,
    );
    await rejects(
      root.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: USER_ARN,
          ActionNames: ['s3:GetObject'],
          PolicyInputList: [
            '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}',
          ],
        }),
      ),
      'MalformedPolicyDocument',
      400,
    );
    await rejects(
      root.send(
        new SimulatePrincipalPolicyCommand({ PolicySourceArn: USER_ARN, ActionNames: ['GetObject'] }),
      ),
      'InvalidInput',
      400,
    );
  });

  it('needs iam:SimulatePrincipalPolicy on the source ARN', async () => {
    const key = await root.send(new CreateAccessKeyCommand({ UserName: 'sim-alice' }));
    const alice = iamClient(key.AccessKey?.AccessKeyId ?? '', key.AccessKey?.SecretAccessKey ?? '');
    await rejects(
      alice.send(
        new SimulatePrincipalPolicyCommand({ PolicySourceArn: USER_ARN, ActionNames: ['s3:GetObject'] }),
      ),
      'AccessDenied',
      403,
      /iam:SimulatePrincipalPolicy/,
    );
    await rejects(
      alice.send(new SimulateCustomPolicyCommand({ PolicyInputList: [READ], ActionNames: ['s3:GetObject'] })),
      'AccessDenied',
      403,
      /iam:SimulateCustomPolicy/,
    );
    await root.send(
      new PutUserPolicyCommand({
        UserName: 'sim-alice',
        PolicyName: 'MaySimulate',
        PolicyDocument: policy({
          Effect: 'Allow',
          Action: 'iam:SimulatePrincipalPolicy',
          Resource: USER_ARN,
        }),
      }),
    );
    const out = await alice.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: USER_ARN,
        ActionNames: ['iam:SimulatePrincipalPolicy'],
        ResourceArns: [USER_ARN],
      }),
    );
    assert.equal(out.EvaluationResults?.[0]?.EvalDecision, 'allowed');
    assert.equal(out.EvaluationResults?.[0]?.MatchedStatements?.[0]?.SourcePolicyId, 'MaySimulate');
  });
});

describe('SimulateCustomPolicy', () => {
  // Line 1 `{`, 2 Version, 3 `"Statement": [`, 4 `    {` (column 5) ... `    },` closes on line 9.
  const CUSTOM = policy(
    { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::sim/*' },
    { Sid: 'NoSecret', Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::sim/secret/*' },
  );

  it('multi-line document: decisions and StartPosition/EndPosition line and column', async () => {
    const out = await root.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [READ.replace('sim/*', 'other/*'), CUSTOM],
        ActionNames: ['s3:GetObject'],
        ResourceArns: ['arn:aws:s3:::sim/public/a', 'arn:aws:s3:::sim/secret/b', 'arn:aws:s3:::elsewhere/c'],
      }),
    );
    const [pub, secret, elsewhere] = out.EvaluationResults ?? [];
    assert.equal(pub?.EvalDecision, 'allowed');
    assert.deepEqual(pub?.MatchedStatements, [
      {
        SourcePolicyId: 'PolicyInputList.2',
        SourcePolicyType: 'none',
        StartPosition: { Line: 4, Column: 5 },
        EndPosition: { Line: 9, Column: 6 },
      },
    ]);
    assert.equal(secret?.EvalDecision, 'explicitDeny');
    assert.deepEqual(secret?.MatchedStatements, [
      {
        SourcePolicyId: 'PolicyInputList.2',
        SourcePolicyType: 'none',
        StartPosition: { Line: 10, Column: 5 },
        EndPosition: { Line: 15, Column: 6 },
      },
    ]);
    assert.equal(elsewhere?.EvalDecision, 'implicitDeny');
    assert.equal(elsewhere?.ResourceSpecificResults?.[0]?.EvalResourceDecision, 'implicitDeny');
  });

  it('a resource policy with a caller: EvalDecisionDetails per side', async () => {
    const out = await root.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [policy({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' })],
        ActionNames: ['s3:GetObject'],
        ResourceArns: ['arn:aws:s3:::shared/k'],
        ResourcePolicy: policy({
          Effect: 'Allow',
          Principal: { AWS: USER_ARN },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::shared/*',
        }),
        CallerArn: USER_ARN,
      }),
    );
    const r = out.EvaluationResults?.[0];
    assert.equal(r?.EvalDecision, 'allowed');
    assert.equal(r?.MatchedStatements?.[0]?.SourcePolicyType, 'resource');
    assert.deepEqual(r?.EvalDecisionDetails, { 'IAM Policy': 'implicitDeny', 'Resource Policy': 'allowed' });
  });

  it('errors: malformed document, missing PolicyInputList, wildcard actions', async () => {
    await rejects(
      root.send(
        new SimulateCustomPolicyCommand({
          PolicyInputList: ['{"Version": "2012-10-17",'],
          ActionNames: ['s3:GetObject'],
        }),
      ),
      'MalformedPolicyDocument',
      400,
    );
    await rejects(
      root.send(new SimulateCustomPolicyCommand({ PolicyInputList: [], ActionNames: ['s3:GetObject'] })),
      'ValidationError',
      400,
    );
    await rejects(
      root.send(new SimulateCustomPolicyCommand({ PolicyInputList: [READ], ActionNames: ['s3:Get*'] })),
      'InvalidInput',
      400,
    );
  });

  it('aws-cli simulate-custom-policy', async () => {
    const run = promisify(execFile);
    await run('aws', ['--version']).catch(() => {
      throw new Error('aws-cli is not installed: install it (apt-get install -y awscli; .ci/run does)');
    });
    const dir = await mkdtemp(join(tmpdir(), 'sim-'));
    try {
      const file = join(dir, 'policy.json');
      // A list parameter: aws-cli splits a bare document on commas, so give it a JSON list.
      await writeFile(file, JSON.stringify([CUSTOM]));
      const { stdout } = await run(
        'aws',
        [
          'iam',
          'simulate-custom-policy',
          '--endpoint-url',
          t.url,
          '--policy-input-list',
          `file://${file}`,
          '--action-names',
          's3:GetObject',
          '--resource-arns',
          'arn:aws:s3:::sim/secret/x',
          '--output',
          'json',
        ],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: t.accessKeyId,
            AWS_SECRET_ACCESS_KEY: t.secretAccessKey,
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_CONFIG_FILE: join(dir, 'none'),
            AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
            AWS_PAGER: '',
          },
        },
      );
      const parsed = JSON.parse(stdout) as { EvaluationResults: EvaluationResult[] };
      const r = parsed.EvaluationResults[0];
      assert.equal(r?.EvalDecision, 'explicitDeny');
      assert.deepEqual(r?.MatchedStatements?.[0]?.StartPosition, { Line: 10, Column: 5 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
