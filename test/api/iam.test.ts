// The IAM Query API against a real server with @aws-sdk/client-iam: lifecycles of every entity
// group, AWS error codes, URL-encoded documents, and the access plane end to end (a new user's
// key is denied S3 until a policy says otherwise, and allowed at the very next request).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListGroupPoliciesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutGroupPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  SetDefaultPolicyVersionCommand,
  TagRoleCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';

const ACCT = TEST_ACCOUNT_ID;
let t: TestServer;
let root: IAMClient;
const clients: { destroy(): void }[] = [];

function iamClient(accessKeyId: string, secretAccessKey: string): IAMClient {
  const c = new IAMClient({
    endpoint: t.url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
  });
  clients.push(c);
  return c;
}

function s3Client(accessKeyId: string, secretAccessKey: string): S3Client {
  const c = t.client({ credentials: { accessKeyId, secretAccessKey } });
  return c;
}

const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const ALLOW_LIST = doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::plane' });
const TRUST = doc({
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
  Action: 'sts:AssumeRole',
});

/** The AWS error code and HTTP status of a rejected SDK call. */
async function rejects(p: Promise<unknown>, code: string, status: number, message?: RegExp): Promise<Error> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    // Modeled errors are named `${Code}Exception` by the SDK; others keep the wire code.
    assert.ok(
      err.name === code || err.name === `${code}Exception`,
      `expected ${code}, got ${err.name}: ${err.message}`,
    );
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

before(async () => {
  t = await startTestServer();
  root = iamClient(t.accessKeyId, t.secretAccessKey);
});

after(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

describe('users', () => {
  it('create, get, list, update, tag, delete', async () => {
    const created = await root.send(
      new CreateUserCommand({ UserName: 'alice', Path: '/eng/', Tags: [{ Key: 'team', Value: 'blue' }] }),
    );
    assert.equal(created.User?.UserName, 'alice');
    assert.equal(created.User?.Arn, `arn:aws:iam::${ACCT}:user/eng/alice`);
    assert.match(created.User?.UserId ?? '', /^AIDA[A-Z0-9]{17}$/);
    assert.ok(created.User?.CreateDate instanceof Date);
    assert.deepEqual(created.User?.Tags, [{ Key: 'team', Value: 'blue' }]);

    const got = await root.send(new GetUserCommand({ UserName: 'ALICE' }));
    assert.equal(got.User?.UserName, 'alice');
    assert.equal(got.User?.Path, '/eng/');

    await rejects(root.send(new CreateUserCommand({ UserName: 'Alice' })), 'EntityAlreadyExists', 409);

    const listed = await root.send(new ListUsersCommand({ PathPrefix: '/eng/' }));
    assert.deepEqual(
      listed.Users?.map((u) => u.UserName),
      ['alice'],
    );
    assert.equal(listed.IsTruncated, false);

    await root.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'env', Value: 'prod' }] }));
    await root.send(new UntagUserCommand({ UserName: 'alice', TagKeys: ['team'] }));
    const tags = await root.send(new ListUserTagsCommand({ UserName: 'alice' }));
    assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'prod' }]);

    await root.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'alice2', NewPath: '/ops/' }));
    const renamed = await root.send(new GetUserCommand({ UserName: 'alice2' }));
    assert.equal(renamed.User?.Arn, `arn:aws:iam::${ACCT}:user/ops/alice2`);
    await rejects(
      root.send(new GetUserCommand({ UserName: 'alice' })),
      'NoSuchEntity',
      404,
      /alice cannot be found/,
    );

    await root.send(new DeleteUserCommand({ UserName: 'alice2' }));
    await rejects(root.send(new DeleteUserCommand({ UserName: 'alice2' })), 'NoSuchEntity', 404);
  });

  it('GetUser without UserName describes the caller (root here)', async () => {
    const me = await root.send(new GetUserCommand({}));
    assert.equal(me.User?.Arn, `arn:aws:iam::${ACCT}:root`);
    assert.equal(me.User?.UserId, ACCT);
  });

  it('rejects bad names and paths with AWS codes', async () => {
    // AWS checks botocore's patterns before the action: ValidationError, naming the member.
    await rejects(
      root.send(new CreateUserCommand({ UserName: 'bad name' })),
      'ValidationError',
      400,
      /Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\+=,\.@-\]\+/,
    );
    await rejects(
      root.send(new CreateUserCommand({ UserName: 'x', Path: 'nopath' })),
      'ValidationError',
      400,
      /at 'path' failed to satisfy constraint/,
    );
    await rejects(
      root.send(new CreateRoleCommand({ RoleName: 'r/1', AssumeRolePolicyDocument: TRUST })),
      'ValidationError',
      400,
      /at 'roleName'/,
    );
    await rejects(root.send(new CreateUserCommand({ UserName: 'a'.repeat(65) })), 'ValidationError', 400);
  });

  it('pages with MaxItems and Marker', async () => {
    for (const n of ['p1', 'p2', 'p3'])
      await root.send(new CreateUserCommand({ UserName: n, Path: '/paged/' }));
    const first = await root.send(new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
    assert.equal(first.Users?.length, 2);
    assert.equal(first.IsTruncated, true);
    const second = await root.send(
      new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: first.Marker }),
    );
    assert.deepEqual(
      [...(first.Users ?? []), ...(second.Users ?? [])].map((u) => u.UserName),
      ['p1', 'p2', 'p3'],
    );
    assert.equal(second.IsTruncated, false);
    for (const n of ['p1', 'p2', 'p3']) await root.send(new DeleteUserCommand({ UserName: n }));
  });
});

describe('inline policies', () => {
  it('put, get (URL-encoded, exact text), list, delete; malformed documents refused', async () => {
    await root.send(new CreateUserCommand({ UserName: 'ivy' }));
    // Odd spacing and characters that need encoding survive the round trip exactly.
    const text = `{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/a+b&c=d %\u00e9/*"}]}`;
    await root.send(new PutUserPolicyCommand({ UserName: 'ivy', PolicyName: 'read', PolicyDocument: text }));
    const got = await root.send(new GetUserPolicyCommand({ UserName: 'ivy', PolicyName: 'READ' }));
    assert.equal(got.UserName, 'ivy');
    assert.equal(got.PolicyName, 'read');
    assert.equal(got.PolicyDocument, encodeURIComponent(text));
    assert.equal(decodeURIComponent(got.PolicyDocument ?? ''), text);
    const names = await root.send(new ListUserPoliciesCommand({ UserName: 'ivy' }));
    assert.deepEqual(names.PolicyNames, ['read']);

    const bad = await rejects(
      root.send(
        new PutUserPolicyCommand({
          UserName: 'ivy',
          PolicyName: 'bad',
          PolicyDocument:
            '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}',
        }),
      ),
      'MalformedPolicyDocument',
      400,
    );
    assert.match(bad.message, /Effect/);
    await rejects(
      root.send(new PutUserPolicyCommand({ UserName: 'ivy', PolicyName: 'bad', PolicyDocument: 'not json' })),
      'MalformedPolicyDocument',
      400,
    );
    // A user cannot be deleted while it has policies.
    await rejects(root.send(new DeleteUserCommand({ UserName: 'ivy' })), 'DeleteConflict', 409);
    await root.send(new DeleteUserPolicyCommand({ UserName: 'ivy', PolicyName: 'read' }));
    await rejects(
      root.send(new GetUserPolicyCommand({ UserName: 'ivy', PolicyName: 'read' })),
      'NoSuchEntity',
      404,
      /user policy with name read/,
    );
    await root.send(new DeleteUserCommand({ UserName: 'ivy' }));
  });

  it('roles and groups have inline policies too', async () => {
    await root.send(new CreateRoleCommand({ RoleName: 'r-inline', AssumeRolePolicyDocument: TRUST }));
    await root.send(
      new PutRolePolicyCommand({ RoleName: 'r-inline', PolicyName: 'p', PolicyDocument: ALLOW_LIST }),
    );
    const got = await root.send(new GetRolePolicyCommand({ RoleName: 'r-inline', PolicyName: 'p' }));
    assert.equal(decodeURIComponent(got.PolicyDocument ?? ''), ALLOW_LIST);
    await root.send(new DeleteRolePolicyCommand({ RoleName: 'r-inline', PolicyName: 'p' }));
    await root.send(new DeleteRoleCommand({ RoleName: 'r-inline' }));

    await root.send(new CreateGroupCommand({ GroupName: 'g-inline' }));
    await root.send(
      new PutGroupPolicyCommand({ GroupName: 'g-inline', PolicyName: 'p', PolicyDocument: ALLOW_LIST }),
    );
    assert.deepEqual((await root.send(new ListGroupPoliciesCommand({ GroupName: 'g-inline' }))).PolicyNames, [
      'p',
    ]);
    await rejects(root.send(new DeleteGroupCommand({ GroupName: 'g-inline' })), 'DeleteConflict', 409);
  });
});

describe('managed policies', () => {
  it('create, versions, default, attach, list attached, detach, delete', async () => {
    const created = await root.send(
      new CreatePolicyCommand({
        PolicyName: 'Lister',
        Path: '/app/',
        PolicyDocument: ALLOW_LIST,
        Description: 'lists',
      }),
    );
    const arn = created.Policy?.Arn ?? '';
    assert.equal(arn, `arn:aws:iam::${ACCT}:policy/app/Lister`);
    assert.equal(created.Policy?.DefaultVersionId, 'v1');
    assert.equal(created.Policy?.AttachmentCount, 0);
    await rejects(
      root.send(new CreatePolicyCommand({ PolicyName: 'Lister', PolicyDocument: ALLOW_LIST })),
      'EntityAlreadyExists',
      409,
    );

    const v2doc = doc({ Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: '*' });
    const v2 = await root.send(
      new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: v2doc, SetAsDefault: true }),
    );
    assert.equal(v2.PolicyVersion?.VersionId, 'v2');
    assert.equal(v2.PolicyVersion?.IsDefaultVersion, true);
    const gotV2 = await root.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    assert.equal(decodeURIComponent(gotV2.PolicyVersion?.Document ?? ''), v2doc);
    assert.equal((await root.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId, 'v2');

    await root.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    const versions = await root.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion]).sort(), [
      ['v1', true],
      ['v2', false],
    ]);
    await rejects(
      root.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' })),
      'DeleteConflict',
      409,
    );
    await root.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    await rejects(
      root.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })),
      'NoSuchEntity',
      404,
    );

    // Five versions at most.
    for (let i = 0; i < 4; i++)
      await root.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: ALLOW_LIST }));
    await rejects(
      root.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: ALLOW_LIST })),
      'LimitExceeded',
      409,
    );

    await root.send(new CreateUserCommand({ UserName: 'mo' }));
    await root.send(new AttachUserPolicyCommand({ UserName: 'mo', PolicyArn: arn }));
    const attached = await root.send(new ListAttachedUserPoliciesCommand({ UserName: 'mo' }));
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'Lister', PolicyArn: arn }]);
    const local = await root.send(new ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true }));
    assert.deepEqual(
      local.Policies?.map((p) => p.Arn),
      [arn],
    );
    await rejects(root.send(new DeletePolicyCommand({ PolicyArn: arn })), 'DeleteConflict', 409);
    await root.send(new DetachUserPolicyCommand({ UserName: 'mo', PolicyArn: arn }));
    await rejects(
      root.send(new DetachUserPolicyCommand({ UserName: 'mo', PolicyArn: arn })),
      'NoSuchEntity',
      404,
    );
    for (const v of ['v3', 'v4', 'v5', 'v6']) {
      await root
        .send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }))
        .catch(() => undefined);
    }
    await root.send(new DeletePolicyCommand({ PolicyArn: arn }));
    await rejects(root.send(new GetPolicyCommand({ PolicyArn: arn })), 'NoSuchEntity', 404);
    await root.send(new DeleteUserCommand({ UserName: 'mo' }));
  });

  it('unknown and invalid policy ARNs', async () => {
    await root.send(new CreateUserCommand({ UserName: 'np' }));
    await rejects(
      root.send(
        new AttachUserPolicyCommand({ UserName: 'np', PolicyArn: `arn:aws:iam::${ACCT}:policy/Nope` }),
      ),
      'NoSuchEntity',
      404,
    );
    await rejects(
      root.send(new AttachUserPolicyCommand({ UserName: 'np', PolicyArn: 'arn:aws:s3:::not-a-policy' })),
      'InvalidInput',
      400,
    );
    await root.send(new DeleteUserCommand({ UserName: 'np' }));
  });
});

describe('roles', () => {
  it('create, get (trust policy URL-encoded), update, trust policy, tags, list, attach, delete', async () => {
    const created = await root.send(
      new CreateRoleCommand({
        RoleName: 'Writer',
        Path: '/svc/',
        AssumeRolePolicyDocument: TRUST,
        Description: 'writes',
        MaxSessionDuration: 7200,
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    );
    assert.equal(created.Role?.Arn, `arn:aws:iam::${ACCT}:role/svc/Writer`);
    assert.match(created.Role?.RoleId ?? '', /^AROA/);
    assert.equal(decodeURIComponent(created.Role?.AssumeRolePolicyDocument ?? ''), TRUST);
    assert.equal(created.Role?.MaxSessionDuration, 7200);

    await root.send(
      new UpdateRoleCommand({ RoleName: 'Writer', MaxSessionDuration: 43200, Description: 'new' }),
    );
    let role = (await root.send(new GetRoleCommand({ RoleName: 'Writer' }))).Role;
    assert.equal(role?.MaxSessionDuration, 43200);
    assert.equal(role?.Description, 'new');
    await rejects(
      root.send(new UpdateRoleCommand({ RoleName: 'Writer', MaxSessionDuration: 100 })),
      'ValidationError',
      400,
    );

    const trust2 = doc({
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
    await root.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Writer', PolicyDocument: trust2 }));
    role = (await root.send(new GetRoleCommand({ RoleName: 'Writer' }))).Role;
    assert.equal(decodeURIComponent(role?.AssumeRolePolicyDocument ?? ''), trust2);
    // A trust policy needs a Principal.
    await rejects(
      root.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: 'Writer',
          PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }),
        }),
      ),
      'MalformedPolicyDocument',
      400,
    );

    await root.send(new TagRoleCommand({ RoleName: 'Writer', Tags: [{ Key: 'k2', Value: 'v2' }] }));
    const tags = await root.send(new ListRoleTagsCommand({ RoleName: 'Writer' }));
    assert.deepEqual(tags.Tags?.map((x) => x.Key).sort(), ['k', 'k2']);

    const roles = await root.send(new ListRolesCommand({ PathPrefix: '/svc/' }));
    assert.deepEqual(
      roles.Roles?.map((r) => r.RoleName),
      ['Writer'],
    );

    const p = await root.send(new CreatePolicyCommand({ PolicyName: 'RolePol', PolicyDocument: ALLOW_LIST }));
    await root.send(new AttachRolePolicyCommand({ RoleName: 'Writer', PolicyArn: p.Policy?.Arn }));
    assert.equal(
      (await root.send(new ListAttachedRolePoliciesCommand({ RoleName: 'Writer' }))).AttachedPolicies?.length,
      1,
    );
    await rejects(root.send(new DeleteRoleCommand({ RoleName: 'Writer' })), 'DeleteConflict', 409);
    await root.send(new DetachRolePolicyCommand({ RoleName: 'Writer', PolicyArn: p.Policy?.Arn }));
    await root.send(new DeleteRoleCommand({ RoleName: 'Writer' }));
    await rejects(
      root.send(new GetRoleCommand({ RoleName: 'Writer' })),
      'NoSuchEntity',
      404,
      /role with name Writer/,
    );
    await root.send(new DeletePolicyCommand({ PolicyArn: p.Policy?.Arn }));
  });

  it('nothing is left behind by a failed CreateRole', async () => {
    await rejects(
      root.send(
        new CreateRoleCommand({
          RoleName: 'Half',
          AssumeRolePolicyDocument: TRUST,
          Tags: [{ Key: 'aws:bad', Value: 'x' }],
        }),
      ),
      'InvalidInput',
      400,
    );
    await rejects(root.send(new GetRoleCommand({ RoleName: 'Half' })), 'NoSuchEntity', 404);
  });
});

describe('groups', () => {
  it('create, add/remove members, list groups for user, get with members, delete', async () => {
    await root.send(new CreateGroupCommand({ GroupName: 'devs', Path: '/t/' }));
    await rejects(root.send(new CreateGroupCommand({ GroupName: 'DEVS' })), 'EntityAlreadyExists', 409);
    await root.send(new CreateUserCommand({ UserName: 'gus' }));
    await root.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'gus' }));
    const g = await root.send(new GetGroupCommand({ GroupName: 'devs' }));
    assert.equal(g.Group?.Arn, `arn:aws:iam::${ACCT}:group/t/devs`);
    assert.deepEqual(
      g.Users?.map((u) => u.UserName),
      ['gus'],
    );
    const forUser = await root.send(new ListGroupsForUserCommand({ UserName: 'gus' }));
    assert.deepEqual(
      forUser.Groups?.map((x) => x.GroupName),
      ['devs'],
    );
    await rejects(
      root.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'nobody' })),
      'NoSuchEntity',
      404,
    );
    await rejects(root.send(new DeleteGroupCommand({ GroupName: 'devs' })), 'DeleteConflict', 409);
    await root.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'gus' }));
    await root.send(new DeleteGroupCommand({ GroupName: 'devs' }));
    await root.send(new DeleteUserCommand({ UserName: 'gus' }));
  });
});

describe('permissions boundaries', () => {
  it('put and delete on users and roles', async () => {
    const p = await root.send(
      new CreatePolicyCommand({ PolicyName: 'Boundary', PolicyDocument: ALLOW_LIST }),
    );
    const arn = p.Policy?.Arn ?? '';
    await root.send(new CreateUserCommand({ UserName: 'bo' }));
    await root.send(new PutUserPermissionsBoundaryCommand({ UserName: 'bo', PermissionsBoundary: arn }));
    let u = (await root.send(new GetUserCommand({ UserName: 'bo' }))).User;
    assert.equal(u?.PermissionsBoundary?.PermissionsBoundaryArn, arn);
    assert.equal(u?.PermissionsBoundary?.PermissionsBoundaryType, 'PermissionsBoundaryPolicy');
    assert.equal(
      (await root.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.PermissionsBoundaryUsageCount,
      1,
    );
    await root.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'bo' }));
    u = (await root.send(new GetUserCommand({ UserName: 'bo' }))).User;
    assert.equal(u?.PermissionsBoundary, undefined);

    await root.send(new CreateRoleCommand({ RoleName: 'bounded', AssumeRolePolicyDocument: TRUST }));
    await root.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'bounded', PermissionsBoundary: arn }));
    assert.equal(
      (await root.send(new GetRoleCommand({ RoleName: 'bounded' }))).Role?.PermissionsBoundary
        ?.PermissionsBoundaryArn,
      arn,
    );
    await root.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'bounded' }));
    await root.send(new DeleteRoleCommand({ RoleName: 'bounded' }));
    await root.send(new DeleteUserCommand({ UserName: 'bo' }));
    await root.send(new DeletePolicyCommand({ PolicyArn: arn }));
  });
});

describe('access keys and the access plane', () => {
  it('a new user is denied S3 until PutUserPolicy, allowed at the very next request', async () => {
    await t.client().send(new CreateBucketCommand({ Bucket: 'plane' }));
    await root.send(new CreateUserCommand({ UserName: 'app' }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'app' }))).AccessKey;
    assert.match(key?.AccessKeyId ?? '', /^AKIA[A-Z2-7]{16}$/);
    assert.equal(key?.SecretAccessKey?.length, 40);
    assert.equal(key?.Status, 'Active');
    const s3 = s3Client(key?.AccessKeyId ?? '', key?.SecretAccessKey ?? '');

    await rejects(
      s3.send(new ListObjectsV2Command({ Bucket: 'plane' })),
      'AccessDenied',
      403,
      new RegExp(
        `^User: arn:aws:iam::${ACCT}:user/app is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::plane" because no identity-based policy allows the s3:ListBucket action$`,
      ),
    );
    await root.send(
      new PutUserPolicyCommand({ UserName: 'app', PolicyName: 'list', PolicyDocument: ALLOW_LIST }),
    );
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'plane' }));
    assert.equal(listed.KeyCount, 0);

    // Inactive keys stop working at once, and work again when reactivated.
    await root.send(
      new UpdateAccessKeyCommand({ UserName: 'app', AccessKeyId: key?.AccessKeyId, Status: 'Inactive' }),
    );
    await rejects(s3.send(new ListObjectsV2Command({ Bucket: 'plane' })), 'InvalidAccessKeyId', 403);
    await root.send(
      new UpdateAccessKeyCommand({ UserName: 'app', AccessKeyId: key?.AccessKeyId, Status: 'Active' }),
    );
    await s3.send(new ListObjectsV2Command({ Bucket: 'plane' }));

    const keys = await root.send(new ListAccessKeysCommand({ UserName: 'app' }));
    assert.deepEqual(
      keys.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status, k.UserName]),
      [[key?.AccessKeyId, 'Active', 'app']],
    );
    assert.equal((keys.AccessKeyMetadata?.[0] as Record<string, unknown>)['SecretAccessKey'], undefined);
    // The S3 requests signed with the key show as its last use (written off the request path, so
    // give the bookkeeping a moment).
    let lastUsed = await root.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key?.AccessKeyId }));
    for (let i = 0; i < 20 && lastUsed.AccessKeyLastUsed?.ServiceName !== 's3'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      lastUsed = await root.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key?.AccessKeyId }));
    }
    assert.equal(lastUsed.UserName, 'app');
    assert.equal(lastUsed.AccessKeyLastUsed?.ServiceName, 's3');
    assert.equal(lastUsed.AccessKeyLastUsed?.Region, 'us-east-1');
    const usedAt = lastUsed.AccessKeyLastUsed?.LastUsedDate?.getTime() ?? 0;
    assert.ok(Date.now() - usedAt < 60_000, `last used ${new Date(usedAt).toISOString()}`);

    // Two keys per user at most.
    await root.send(new CreateAccessKeyCommand({ UserName: 'app' }));
    await rejects(root.send(new CreateAccessKeyCommand({ UserName: 'app' })), 'LimitExceeded', 409);
    await rejects(
      root.send(
        new UpdateAccessKeyCommand({
          UserName: 'app',
          AccessKeyId: 'AKIANOTAKEY000000000',
          Status: 'Active',
        }),
      ),
      'NoSuchEntity',
      404,
    );
  });

  it('a user without IAM permissions is denied CreateUser; with them, manages its own keys', async () => {
    await root.send(new CreateUserCommand({ UserName: 'plain' }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'plain' }))).AccessKey;
    const plain = iamClient(key?.AccessKeyId ?? '', key?.SecretAccessKey ?? '');
    await rejects(
      plain.send(new CreateUserCommand({ UserName: 'x' })),
      'AccessDenied',
      403,
      new RegExp(
        `^User: arn:aws:iam::${ACCT}:user/plain is not authorized to perform: iam:CreateUser on resource: "arn:aws:iam::${ACCT}:user/x" because no identity-based policy allows the iam:CreateUser action$`,
      ),
    );
    await rejects(plain.send(new GetUserCommand({})), 'AccessDenied', 403);
    await root.send(
      new PutUserPolicyCommand({
        UserName: 'plain',
        PolicyName: 'self',
        PolicyDocument: doc({
          Effect: 'Allow',
          Action: ['iam:GetUser', 'iam:ListAccessKeys'],
          Resource: `arn:aws:iam::${ACCT}:user/\${aws:username}`,
        }),
      }),
    );
    const me = await plain.send(new GetUserCommand({}));
    assert.equal(me.User?.UserName, 'plain');
    const mine = await plain.send(new ListAccessKeysCommand({}));
    assert.equal(mine.AccessKeyMetadata?.[0]?.AccessKeyId, key?.AccessKeyId);
    await rejects(plain.send(new ListAccessKeysCommand({ UserName: 'app' })), 'AccessDenied', 403);
    await rejects(plain.send(new CreateUserCommand({ UserName: 'x' })), 'AccessDenied', 403);
    await rejects(root.send(new GetUserCommand({ UserName: 'x' })), 'NoSuchEntity', 404);
  });

  it('deletes keys; a user with keys cannot be deleted', async () => {
    await root.send(new CreateUserCommand({ UserName: 'temp' }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'temp' }))).AccessKey;
    await rejects(root.send(new DeleteUserCommand({ UserName: 'temp' })), 'DeleteConflict', 409);
    await root.send(new DeleteAccessKeyCommand({ UserName: 'temp', AccessKeyId: key?.AccessKeyId }));
    await root.send(new DeleteUserCommand({ UserName: 'temp' }));
  });
});
