// What would fix a denial: the smallest change per policy type, each checked by applying it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide } from '../../src/policy/decide.js';
import { explain } from '../../src/policy/explain.js';
import { suggestFixes, type Fix, type FixOptions } from '../../src/policy/fix.js';
import { loadCase } from '../../src/policy/simulate.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const SESSION = 'arn:aws:sts::111122223333:assumed-role/Reader/app';
const ROLE = 'arn:aws:iam::111122223333:role/Reader';
const OBJ = 'arn:aws:s3:::b/reports/q1.csv';

function fixesFor(c: unknown, options: FixOptions = {}): { fixes: Fix[]; deniedBy: string | null } {
  const k = loadCase(c, NOW);
  const e = explain(k.request, k.policies);
  assert.notEqual(e.decision, 'Allowed', 'the case must be denied');
  return { fixes: suggestFixes(k.request, k.policies, e, options), deniedBy: e.deniedBy };
}

const allow = (Action: string, Resource: string | string[], extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Granted', Effect: 'Allow', Action, Resource, ...extra }],
});

test('an allowed request needs no fix', () => {
  const k = loadCase(
    {
      request: { principal: ALICE, action: 's3:GetObject', resource: OBJ },
      policies: { identity: [allow('s3:GetObject', 'arn:aws:s3:::b/*')] },
    },
    NOW,
  );
  assert.deepEqual(suggestFixes(k.request, k.policies, explain(k.request, k.policies)), []);
});

test('explicit deny: names the Deny statement, its policy and the condition that made it match; never an Allow', () => {
  const { fixes } = fixesFor({
    request: {
      principal: ALICE,
      action: 's3:GetObject',
      resource: OBJ,
      context: { 'aws:SourceIp': '198.51.100.4' },
    },
    policies: {
      identity: [allow('s3:*', '*')],
      resource: {
        Id: 'bucket policy of b',
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Reads',
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::b/*',
          },
          {
            Sid: 'OfficeOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: 'arn:aws:s3:::b/*',
            Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
          },
        ],
      },
    },
  });
  assert.equal(fixes.length, 1);
  const [f] = fixes as [Fix];
  assert.equal(f.policyType, 'resource');
  assert.equal(f.policy, 'bucket policy of b');
  assert.equal(f.existingStatement, 'OfficeOnly');
  assert.match(f.change, /Deny statement OfficeOnly/);
  assert.match(f.change, /NotIpAddress aws:SourceIp \["203\.0\.113\.0\/24"\]/);
  assert.match(f.change, /198\.51\.100\.4/);
  assert.match(f.change, /Remove it, or narrow it/);
  assert.equal(f.statement, undefined, 'no Allow is loosened');
  assert.equal(f.verified, true);
});

test('explicit deny that hides an implicit one: both the Deny and the missing Allow are listed', () => {
  const { fixes } = fixesFor({
    request: { principal: ALICE, action: 's3:DeleteObject', resource: OBJ },
    policies: {
      identity: [
        {
          Id: 'inline:NoDeletes',
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }],
        },
      ],
    },
  });
  assert.deepEqual(
    fixes.map((f) => [f.policyType, f.policy, f.existingStatement ?? null]),
    [
      ['identity', 'inline:NoDeletes', 'Statement[0]'],
      ['identity', 'inline:NoDeletes', null],
    ],
  );
  assert.deepEqual(fixes[1]?.statement, { Effect: 'Allow', Action: 's3:DeleteObject', Resource: OBJ });
});

test('implicit deny by identity: a statement allowing exactly the action on exactly the ARN', () => {
  const { fixes, deniedBy } = fixesFor({
    request: { principal: ALICE, action: 's3:PutObject', resource: OBJ },
    policies: { identity: [{ Id: 'inline:ReadOnly', ...allow('s3:GetObject', 'arn:aws:s3:::other/*') }] },
  });
  assert.equal(deniedBy, 'identity');
  assert.equal(fixes.length, 1);
  const [f] = fixes as [Fix];
  assert.equal(f.policyType, 'identity');
  assert.equal(f.policy, 'inline:ReadOnly');
  assert.deepEqual(f.statement, { Effect: 'Allow', Action: 's3:PutObject', Resource: OBJ });
  assert.match(f.change, /attached to the user arn:aws:iam::111122223333:user\/alice/);
  assert.equal(f.verified, true);
});

test('a user with no identity policy at all: a new inline policy on the user', () => {
  const { fixes } = fixesFor({
    request: { principal: ALICE, action: 's3:GetObject', resource: OBJ },
    policies: {},
  });
  assert.equal(fixes[0]?.policy, `inline policy of ${ALICE}`);
  assert.equal(fixes[0]?.verified, true);
});

test('seed 004: an Allow on the bucket ARN for an object action points at that statement', () => {
  const { fixes } = fixesFor({
    request: { principal: ALICE, action: 's3:GetObject', resource: 'arn:aws:s3:::my-bucket/data.json' },
    policies: { identity: [{ Id: 'inline:App', ...allow('s3:GetObject', 'arn:aws:s3:::my-bucket') }] },
  });
  assert.equal(fixes.length, 1);
  const [f] = fixes as [Fix];
  assert.equal(f.existingStatement, 'Granted');
  assert.equal(f.policy, 'inline:App');
  assert.match(f.change, /names the bucket arn:aws:s3:::my-bucket/);
  assert.match(f.change, /object ARN/);
  assert.match(
    f.change,
    /add arn:aws:s3:::my-bucket\/data\.json to its Resource \(or arn:aws:s3:::my-bucket\/\* /,
  );
  assert.deepEqual(f.statement, {
    Sid: 'Granted',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: ['arn:aws:s3:::my-bucket', 'arn:aws:s3:::my-bucket/data.json'],
  });
  assert.equal(f.verified, true);
});

test('an Allow whose condition fails: points at the condition and its context value', () => {
  const { fixes } = fixesFor({
    request: {
      principal: ALICE,
      action: 's3:GetObject',
      resource: OBJ,
      context: { 'aws:SourceIp': '198.51.100.4' },
    },
    policies: {
      identity: [
        allow('s3:GetObject', 'arn:aws:s3:::b/*', {
          Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
        }),
      ],
    },
  });
  assert.equal(fixes.length, 1);
  assert.equal(fixes[0]?.existingStatement, 'Granted');
  assert.match(fixes[0]?.change ?? '', /IpAddress aws:SourceIp .*198\.51\.100\.4.*does not hold/);
  assert.equal(fixes[0]?.statement, undefined);
});

test('boundary: named; when identity lacks it too, both fixes, verified together', () => {
  const { fixes, deniedBy } = fixesFor({
    request: { principal: ALICE, action: 's3:PutObject', resource: OBJ },
    policies: {
      identity: [{ Id: 'inline:Read', ...allow('s3:GetObject', '*') }],
      boundary: { Id: 'arn:aws:iam::111122223333:policy/ReadBoundary', ...allow('s3:GetObject', '*') },
    },
  });
  assert.equal(deniedBy, 'identity');
  assert.deepEqual(
    fixes.map((f) => [f.policyType, f.policy, f.verified]),
    [
      ['identity', 'inline:Read', true],
      ['boundary', 'arn:aws:iam::111122223333:policy/ReadBoundary', true],
    ],
  );
  assert.match(fixes[1]?.change ?? '', /permissions boundary arn:aws:iam::111122223333:policy\/ReadBoundary/);
});

test('boundary alone', () => {
  const { fixes, deniedBy } = fixesFor({
    request: { principal: ALICE, action: 's3:PutObject', resource: OBJ },
    policies: {
      identity: [allow('s3:*', '*')],
      boundary: { Id: 'Boundary', ...allow('s3:GetObject', '*') },
    },
  });
  assert.equal(deniedBy, 'boundary');
  assert.deepEqual(
    fixes.map((f) => f.policyType),
    ['boundary'],
  );
  assert.deepEqual(fixes[0]?.statement, { Effect: 'Allow', Action: 's3:PutObject', Resource: OBJ });
});

test('role session, role lacks it: the ROLE is named, not the session', () => {
  const { fixes } = fixesFor({
    request: { principal: SESSION, action: 's3:PutObject', resource: OBJ },
    policies: {
      identity: [{ Id: 'arn:aws:iam::111122223333:policy/ReadOnly', ...allow('s3:GetObject', '*') }],
    },
  });
  assert.equal(fixes.length, 1);
  assert.match(fixes[0]?.change ?? '', new RegExp(`attached to the role ${ROLE}, not to the session`));
  assert.equal(fixes[0]?.verified, true);
});

test('session policy narrowing (seed 000): the application must request a broader session policy', () => {
  const { fixes, deniedBy } = fixesFor({
    request: { principal: SESSION, action: 's3:PutObject', resource: OBJ },
    policies: {
      identity: [allow('s3:*', 'arn:aws:s3:::b/*')],
      session: [{ Id: 'session policy', ...allow('s3:GetObject', 'arn:aws:s3:::b/*') }],
    },
  });
  assert.equal(deniedBy, 'session');
  assert.equal(fixes.length, 1);
  const [f] = fixes as [Fix];
  assert.equal(f.policyType, 'session');
  assert.match(
    f.change,
    /^The application must request a broader session policy when it calls AssumeRole: add .* to the Policy parameter/,
  );
  assert.deepEqual(f.statement, { Effect: 'Allow', Action: 's3:PutObject', Resource: OBJ });
  assert.equal(f.verified, true);
});

// Seed 001: Alibaba STS. The roles and the session policies as the walkthrough writes them.
const UID = '1894000000722283';
const READ_ROLE = {
  Id: 'RamTestAppReadOnly',
  Version: '1',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['oss:ListObjects', 'oss:GetObject'],
      Resource: ['acs:oss:*:*:ram-test-app', 'acs:oss:*:*:ram-test-app/*'],
    },
  ],
};
const WRITE_ROLE = {
  Id: 'RamTestAppWrite',
  Version: '1',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['oss:DeleteObject', 'oss:ListParts', 'oss:AbortMultipartUpload', 'oss:PutObject'],
      Resource: ['acs:oss:*:*:ram-test-app', 'acs:oss:*:*:ram-test-app/*'],
    },
  ],
};
const READ_SESSION = { ...READ_ROLE, Id: 'session policy (usr001, read)' };
const WRITE_SESSION = {
  Id: 'session policy (usr001, write)',
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: ['oss:PutObject'], Resource: ['acs:oss:*:*:ram-test-app/usr001/*'] },
  ],
};
const ramCase = (role: string, action: string, identity: unknown, session: unknown) => ({
  dialect: 'ram',
  request: {
    principal: `acs:ram::${UID}:role/${role}/usr001`,
    action,
    resource: `acs:oss:*:${UID}:ram-test-app/test.txt`,
  },
  policies: { identity: [identity], session: [session] },
});
const TEST_TXT = 'acs:oss:*:*:ram-test-app/test.txt';

test('seed 001: read-only session puts test.txt → the role and the session policy both lack oss:PutObject', () => {
  const { fixes } = fixesFor(ramCase('ramtestappreadonly', 'oss:PutObject', READ_ROLE, READ_SESSION));
  assert.deepEqual(
    fixes.map((f) => [f.policyType, f.policy]),
    [
      ['identity', 'RamTestAppReadOnly'],
      ['session', 'session policy (usr001, read)'],
    ],
  );
  for (const f of fixes) {
    assert.deepEqual(f.statement, { Effect: 'Allow', Action: 'oss:PutObject', Resource: TEST_TXT });
    assert.equal(f.verified, true);
  }
  assert.match(fixes[0]?.change ?? '', new RegExp(`role acs:ram::${UID}:role/ramtestappreadonly`));
  assert.match(fixes[1]?.change ?? '', /must request a broader session policy/);
});

test('seed 001: write session gets test.txt → the ROLE lacks oss:GetObject (and so does the session)', () => {
  const { fixes, deniedBy } = fixesFor(
    ramCase('ramtestappwrite', 'oss:GetObject', WRITE_ROLE, WRITE_SESSION),
  );
  assert.equal(deniedBy, 'identity');
  assert.equal(fixes[0]?.policyType, 'identity');
  assert.equal(fixes[0]?.policy, 'RamTestAppWrite');
  assert.deepEqual(fixes[0]?.statement, { Effect: 'Allow', Action: 'oss:GetObject', Resource: TEST_TXT });
  assert.equal(fixes[1]?.policyType, 'session');
  assert.ok(fixes.every((f) => f.verified === true));
});

test('seed 001: write session puts test.txt → the session policy only allows the usr001/ prefix', () => {
  const { fixes, deniedBy } = fixesFor(
    ramCase('ramtestappwrite', 'oss:PutObject', WRITE_ROLE, WRITE_SESSION),
  );
  assert.equal(deniedBy, 'session');
  assert.equal(fixes.length, 1);
  const [f] = fixes as [Fix];
  assert.equal(f.policyType, 'session');
  assert.equal(f.existingStatement, 'Statement[0]');
  assert.match(f.change, /^The application must request a broader session policy when it calls AssumeRole/);
  assert.match(f.change, /acs:oss:\*:\*:ram-test-app\/usr001\/\*/);
  assert.deepEqual(f.statement, {
    Effect: 'Allow',
    Action: 'oss:PutObject',
    Resource: ['acs:oss:*:*:ram-test-app/usr001/*', TEST_TXT],
  });
  assert.equal(f.verified, true);
});

test('SCP: the level without an Allow is named', () => {
  const { fixes, deniedBy } = fixesFor({
    request: { principal: ALICE, action: 's3:PutObject', resource: OBJ },
    policies: {
      identity: [allow('s3:*', '*')],
      scp: [[{ Id: 'FullAWSAccess', ...allow('*', '*') }], [{ Id: 'ou-reads', ...allow('s3:Get*', '*') }]],
    },
  });
  assert.equal(deniedBy, 'scp');
  assert.equal(fixes.length, 1);
  assert.equal(fixes[0]?.policy, 'ou-reads');
  assert.match(fixes[0]?.change ?? '', /level 1/);
  assert.equal(fixes[0]?.verified, true);
});

test('cross-account: the identity side and the resource policy naming the principal ARN', () => {
  const bob = 'arn:aws:iam::444455556666:user/bob';
  const { fixes } = fixesFor({
    request: { principal: bob, action: 's3:GetObject', resource: OBJ, resourceAccount: '111122223333' },
    policies: {
      identity: [{ Id: 'inline:Bob', ...allow('s3:ListBucket', '*') }],
      resource: { Id: 'bucket policy of b', ...allow('s3:ListBucket', 'arn:aws:s3:::b', { Principal: '*' }) },
    },
  });
  assert.deepEqual(
    fixes.map((f) => [f.policyType, f.policy]),
    [
      ['identity', 'inline:Bob'],
      ['resource', 'bucket policy of b'],
    ],
  );
  assert.deepEqual(fixes[1]?.statement, {
    Effect: 'Allow',
    Principal: { AWS: bob },
    Action: 's3:GetObject',
    Resource: OBJ,
  });
  assert.ok(fixes.every((f) => f.verified === true));
});

test('anonymous: prefer signing; a public statement only when asked, and it says so', () => {
  const c = { request: { principal: 'anonymous', action: 's3:GetObject', resource: OBJ }, policies: {} };
  const advice = fixesFor(c).fixes;
  assert.equal(advice.length, 1);
  assert.match(advice[0]?.change ?? '', /Sign it/);
  assert.equal(advice[0]?.statement, undefined);
  const pub = fixesFor(c, { allowPublic: true }).fixes;
  assert.deepEqual(pub[0]?.statement, {
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: OBJ,
  });
  assert.match(pub[0]?.change ?? '', /anyone/);
  assert.equal(pub[0]?.verified, true);
});

test('every verified fix really allows when applied (checked independently for a simple case)', () => {
  const k = loadCase(
    { request: { principal: ALICE, action: 's3:PutObject', resource: OBJ }, policies: {} },
    NOW,
  );
  const [f] = suggestFixes(k.request, k.policies, explain(k.request, k.policies));
  const fixed = loadCase(
    {
      request: { principal: ALICE, action: 's3:PutObject', resource: OBJ },
      policies: { identity: [{ Version: '2012-10-17', Statement: [f?.statement] }] },
    },
    NOW,
  );
  assert.equal(decide(fixed.request, fixed.policies).decision, 'Allowed');
});
