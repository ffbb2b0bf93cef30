// The AWS Organizations API (JSON 1.1) against a real server: aws-cli creates the organization,
// an OU and an SCP denying s3:DeleteObject, attaches it to a member account, and that account's
// IAM user (allowed s3:* by its own policy) is denied DeleteObject at the very next request
// "with an explicit deny in a service control policy", then allowed again after detach-policy.
// Hand-signed requests (signV4) check the JSON error shapes and the management-root-only rule.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { signV4 } from '../../src/auth/sign.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';

const MEMBER = '444455556666';
const MEMBER_ROOT = {
  accessKeyId: 'AKIAMEMBERROOT000001',
  secretAccessKey: 'memberRootSecret/000000000000000000000000',
};
const MEMBER_USER = {
  accessKeyId: 'AKIAMEMBERUSER000001',
  secretAccessKey: 'memberUserSecret/000000000000000000000000',
};
const BUCKET = 'member-bucket';

const DENY_DELETE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }],
});

interface Json {
  [key: string]: unknown;
}

const run = promisify(execFile);

describe('AWS Organizations API', () => {
  let t: TestServer;
  let dir: string;
  let member: S3Client;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-orgs-'));
    const bootstrapFile = join(dir, 'bootstrap.json');
    await writeFile(
      bootstrapFile,
      JSON.stringify({
        accounts: [
          {
            id: MEMBER,
            name: 'member',
            root: MEMBER_ROOT,
            users: [
              {
                name: 'dev',
                accessKeys: [MEMBER_USER],
                policies: {
                  all: {
                    Version: '2012-10-17',
                    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
                  },
                },
              },
            ],
            buckets: [{ name: BUCKET, policy: null }],
          },
        ],
      }),
    );
    t = await startTestServer({ bootstrapFile });
    member = t.client({ credentials: MEMBER_USER });
  });

  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** aws-cli with the given credentials (the management account's root by default). */
  async function aws(
    args: readonly string[],
    creds = { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
  ) {
    const env = {
      PATH: process.env['PATH'] ?? '',
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    };
    try {
      const { stdout } = await run(
        'aws',
        ['--endpoint-url', t.url, '--output', 'json', 'organizations', ...args],
        {
          env,
        },
      );
      return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Json);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        assert.fail("the aws CLI is not on PATH: install awscli (CI installs Debian's awscli)");
      }
      throw e;
    }
  }

  /** A hand-signed JSON 1.1 call: status and parsed body. */
  async function call(
    operation: string,
    input: Json,
    creds = { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
  ): Promise<{ status: number; body: Json; type: string | null }> {
    const body = JSON.stringify(input);
    const signed = signV4({
      method: 'POST',
      url: `${t.url}/`,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSOrganizationsV20161128.${operation}`,
      },
      body,
      credentials: creds,
      service: 'organizations',
      region: 'us-east-1',
    });
    const res = await fetch(`${t.url}/`, { method: 'POST', headers: signed.headers, body });
    return {
      status: res.status,
      body: (await res.json()) as Json,
      type: res.headers.get('content-type'),
    };
  }

  let rootId = '';
  let ouId = '';
  let policyId = '';

  it('answers AWSOrganizationsNotInUseException before there is an organization', async () => {
    const r = await call('DescribeOrganization', {});
    assert.equal(r.status, 400);
    assert.equal(r.type, 'application/x-amz-json-1.1');
    assert.deepEqual(r.body, {
      __type: 'AWSOrganizationsNotInUseException',
      message: 'Your account is not a member of an organization.',
    });
  });

  it('aws organizations create-organization / list-roots / create-organizational-unit / list-accounts', async () => {
    const created = (await aws(['create-organization', '--feature-set', 'ALL'])) as {
      Organization: { Id: string; MasterAccountId: string; FeatureSet: string };
    };
    assert.match(created.Organization.Id, /^o-[a-z0-9]{10}$/);
    assert.equal(created.Organization.MasterAccountId, TEST_ACCOUNT_ID);
    assert.equal(created.Organization.FeatureSet, 'ALL');

    const roots = (await aws(['list-roots'])) as { Roots: { Id: string; Name: string }[] };
    assert.equal(roots.Roots.length, 1);
    rootId = roots.Roots[0]?.Id ?? '';
    assert.match(rootId, /^r-[a-z0-9]{4}$/);

    const ou = (await aws(['create-organizational-unit', '--parent-id', rootId, '--name', 'Workloads'])) as {
      OrganizationalUnit: { Id: string; Name: string; Arn: string };
    };
    ouId = ou.OrganizationalUnit.Id;
    assert.match(ouId, /^ou-[a-z0-9]{4}-[a-z0-9]{8}$/);
    assert.equal(ou.OrganizationalUnit.Name, 'Workloads');

    const listed = (await aws(['list-organizational-units-for-parent', '--parent-id', rootId])) as {
      OrganizationalUnits: { Id: string }[];
    };
    assert.deepEqual(
      listed.OrganizationalUnits.map((u) => u.Id),
      [ouId],
    );

    const accounts = (await aws(['list-accounts'])) as { Accounts: { Id: string; Status: string }[] };
    assert.deepEqual(accounts.Accounts.map((a) => a.Id).sort(), [TEST_ACCOUNT_ID, MEMBER].sort());

    await aws([
      'move-account',
      '--account-id',
      MEMBER,
      '--source-parent-id',
      rootId,
      '--destination-parent-id',
      ouId,
    ]);
    const inOu = (await aws(['list-accounts-for-parent', '--parent-id', ouId])) as {
      Accounts: { Id: string }[];
    };
    assert.deepEqual(
      inOu.Accounts.map((a) => a.Id),
      [MEMBER],
    );
    // A second create is AlreadyInOrganizationException.
    await assert.rejects(aws(['create-organization']), /AlreadyInOrganizationException/);
  });

  it('an SCP attached to the member account denies its IAM user at the very next request, until detached', async () => {
    await member.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a.txt', Body: 'a' }));
    await member.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'b.txt', Body: 'b' }));

    const created = (await aws([
      'create-policy',
      '--type',
      'SERVICE_CONTROL_POLICY',
      '--name',
      'DenyDeletes',
      '--description',
      'no deletes',
      '--content',
      DENY_DELETE,
    ])) as { Policy: { PolicySummary: { Id: string; Type: string; AwsManaged: boolean }; Content: string } };
    policyId = created.Policy.PolicySummary.Id;
    assert.match(policyId, /^p-[a-z0-9]{8}$/);
    assert.equal(created.Policy.PolicySummary.Type, 'SERVICE_CONTROL_POLICY');
    assert.equal(created.Policy.PolicySummary.AwsManaged, false);
    assert.equal(created.Policy.Content, DENY_DELETE);

    const listed = (await aws(['list-policies', '--filter', 'SERVICE_CONTROL_POLICY'])) as {
      Policies: { Id: string; Name: string }[];
    };
    assert.deepEqual(listed.Policies.map((p) => p.Name).sort(), ['DenyDeletes', 'FullAWSAccess']);

    await aws(['attach-policy', '--policy-id', policyId, '--target-id', MEMBER]);
    const forTarget = (await aws([
      'list-policies-for-target',
      '--target-id',
      MEMBER,
      '--filter',
      'SERVICE_CONTROL_POLICY',
    ])) as { Policies: { Id: string }[] };
    assert.deepEqual(forTarget.Policies.map((p) => p.Id).sort(), [policyId, 'p-FullAWSAccess'].sort());

    await assert.rejects(
      member.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'a.txt' })),
      (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(e.name, 'AccessDenied');
        assert.equal(e.$metadata?.httpStatusCode, 403);
        assert.match(
          e.message,
          new RegExp(
            `^User: arn:aws:iam::${MEMBER}:user/dev is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::${BUCKET}/a\\.txt" with an explicit deny in a service control policy`,
          ),
        );
        return true;
      },
    );
    // Writes other than deletes still work.
    await member.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'c.txt', Body: 'c' }));

    // Attaching it again is DuplicatePolicyAttachmentException.
    await assert.rejects(
      aws(['attach-policy', '--policy-id', policyId, '--target-id', MEMBER]),
      /DuplicatePolicyAttachmentException/,
    );
    // Deleting an attached policy is PolicyInUseException.
    await assert.rejects(aws(['delete-policy', '--policy-id', policyId]), /PolicyInUseException/);

    await aws(['detach-policy', '--policy-id', policyId, '--target-id', MEMBER]);
    await member.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'a.txt' }));
  });

  it('an SCP attached to the OU applies to the accounts under it', async () => {
    await aws(['attach-policy', '--policy-id', policyId, '--target-id', ouId]);
    await assert.rejects(
      member.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'b.txt' })),
      /explicit deny in a service control policy/,
    );
    await aws(['detach-policy', '--policy-id', policyId, '--target-id', ouId]);
    await member.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'b.txt' }));
  });

  it('answers in AWS exception names (hand-signed JSON 1.1)', async () => {
    const malformed = await call('CreatePolicy', {
      Type: 'SERVICE_CONTROL_POLICY',
      Name: 'Bad',
      Description: '',
      Content: '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}',
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body['__type'], 'MalformedPolicyDocumentException');

    const rcp = await call('CreatePolicy', {
      Type: 'RESOURCE_CONTROL_POLICY',
      Name: 'NoReads',
      Description: 'rcp',
      Content: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
      }),
    });
    assert.equal(rcp.status, 200, JSON.stringify(rcp.body));
    const rcpId = ((rcp.body['Policy'] as Json)['PolicySummary'] as Json)['Id'] as string;
    const rcps = await call('ListPolicies', { Filter: 'RESOURCE_CONTROL_POLICY' });
    assert.deepEqual(
      (rcps.body['Policies'] as Json[]).map((p) => p['Id']),
      [rcpId],
    );
    // An RCP on the member account guards its resources at the very next request of the account's
    // own IAM user (whose key resolution never touches the account's RCPs), and stops when detached.
    assert.equal((await call('AttachPolicy', { PolicyId: rcpId, TargetId: MEMBER })).status, 200);
    await assert.rejects(
      member.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'c.txt' })),
      /with an explicit deny in a resource control policy/,
    );
    assert.equal((await call('DetachPolicy', { PolicyId: rcpId, TargetId: MEMBER })).status, 200);
    const read = await member.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'c.txt' }));
    assert.equal(await read.Body?.transformToString(), 'c');
    assert.equal((await call('DeletePolicy', { PolicyId: rcpId })).status, 200);

    const missing = await call('AttachPolicy', { PolicyId: 'p-zzzzzzzz', TargetId: MEMBER });
    assert.equal(missing.body['__type'], 'PolicyNotFoundException');
    const noTarget = await call('AttachPolicy', { PolicyId: policyId, TargetId: '999988887777' });
    assert.equal(noTarget.body['__type'], 'TargetNotFoundException');
    // The last SCP of a target cannot be detached.
    const last = await call('DetachPolicy', { PolicyId: 'p-FullAWSAccess', TargetId: MEMBER });
    assert.equal(last.body['__type'], 'ConstraintViolationException');
    assert.equal(last.body['Reason'], 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED');
    const notAttached = await call('DetachPolicy', { PolicyId: policyId, TargetId: MEMBER });
    assert.equal(notAttached.body['__type'], 'PolicyNotAttachedException');

    const unknown = await call('InviteAccountToOrganization', {});
    assert.equal(unknown.body['__type'], 'UnknownOperationException');
  });

  it('only the management account root manages the organization', async () => {
    const byMemberUser = await call('AttachPolicy', { PolicyId: policyId, TargetId: MEMBER }, MEMBER_USER);
    assert.equal(byMemberUser.status, 403);
    assert.equal(byMemberUser.body['__type'], 'AccessDeniedException');
    const byMemberRoot = await call('ListAccounts', {}, MEMBER_ROOT);
    assert.equal(byMemberRoot.status, 403);
    assert.equal(byMemberRoot.body['__type'], 'AccessDeniedException');
    // Members may see which organization they are in.
    const described = await call('DescribeOrganization', {}, MEMBER_USER);
    assert.equal(described.status, 200);
    await assert.rejects(aws(['list-roots'], MEMBER_USER), /AccessDeniedException/);

    const bad = await call('ListRoots', {}, { accessKeyId: t.accessKeyId, secretAccessKey: 'wrong' });
    assert.equal(bad.body['__type'], 'InvalidSignatureException');
  });

  it('deletes the policy once detached', async () => {
    await aws(['delete-policy', '--policy-id', policyId]);
    await assert.rejects(aws(['describe-policy', '--policy-id', policyId]), /PolicyNotFoundException/);
  });

  it('delete-organization needs the members gone first, then takes its OUs and policies with it', async () => {
    await aws([
      'create-policy',
      '--type',
      'SERVICE_CONTROL_POLICY',
      '--name',
      'Leftover',
      '--description',
      'deleted with the organization',
      '--content',
      DENY_DELETE,
    ]);
    await assert.rejects(aws(['delete-organization']), /OrganizationNotEmptyException/);
    await assert.rejects(
      aws(['remove-account-from-organization', '--account-id', TEST_ACCOUNT_ID]),
      /ConstraintViolationException/,
    );
    await aws(['remove-account-from-organization', '--account-id', MEMBER]);
    await aws(['delete-organization']);
    await assert.rejects(aws(['describe-organization']), /AWSOrganizationsNotInUseException/);
    // A new organization starts empty.
    await aws(['create-organization']);
    const policies = (await aws(['list-policies', '--filter', 'SERVICE_CONTROL_POLICY'])) as {
      Policies: { Name: string }[];
    };
    assert.deepEqual(
      policies.Policies.map((p) => p.Name),
      ['FullAWSAccess'],
    );
  });
});
