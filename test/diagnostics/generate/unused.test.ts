// The unused-access report: per Allow statement, each (action, resource) pair nothing used;
// wildcard pairs that were used, with the actions used; Deny statements ignored; NotAction,
// NotResource, missing Resource and policy variables handled; where each grant comes from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsedAuthorization } from '../../../src/diagnostics/generate/evidence.js';
import { roleGrants, unusedAccess, userGrants } from '../../../src/diagnostics/generate/unused.js';
import type { RoleAuthorization, UserAuthorization } from '../../../src/identity/model.js';

const used = (action: string, resource: string, prefix?: string): UsedAuthorization => ({
  action,
  resource,
  ...(prefix !== undefined ? { prefix } : {}),
  count: 1,
});

const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('unusedAccess', () => {
  const evidence = [
    used('s3:GetObject', 'arn:aws:s3:::data/a'),
    used('s3:PutObject', 'arn:aws:s3:::data/b'),
    used('s3:ListBucket', 'arn:aws:s3:::data', 'x/'),
  ];

  it('reports each unused (action, resource) pair of every Allow statement', () => {
    const r = unusedAccess(
      [
        {
          source: 'user alice inline policy broad',
          document: doc(
            {
              Sid: 'Data',
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:DeleteObject'],
              Resource: ['arn:aws:s3:::data/*', 'arn:aws:s3:::archive/*'],
            },
            {
              Effect: 'Allow',
              Action: 'iam:GetUser',
              Resource: '*',
              Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
            },
            { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
          ),
        },
      ],
      evidence,
    );
    assert.deepEqual(
      r.unused.map((u) => [u.statement, u.action, u.resource, u.conditional]),
      [
        ['Data', 's3:GetObject', 'arn:aws:s3:::archive/*', false],
        ['Data', 's3:DeleteObject', 'arn:aws:s3:::data/*', false],
        ['Data', 's3:DeleteObject', 'arn:aws:s3:::archive/*', false],
        ['Statement[1]', 'iam:GetUser', '*', true],
      ],
    );
    assert.deepEqual(r.wildcards, []);
    assert.deepEqual(r.policies, ['user alice inline policy broad']);
  });

  it('a used wildcard is reported with the actions actually used', () => {
    const r = unusedAccess(
      [
        {
          source: 'p',
          document: doc({
            Effect: 'Allow',
            Action: ['s3:*'],
            Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'],
          }),
        },
      ],
      evidence,
    );
    assert.deepEqual(r.unused, []);
    assert.deepEqual(
      r.wildcards.map((w) => [w.resource, w.usedActions]),
      [
        ['arn:aws:s3:::data', ['s3:ListBucket']],
        ['arn:aws:s3:::data/*', ['s3:GetObject', 's3:PutObject']],
      ],
    );
  });

  it('NotAction and NotResource are matched as negations', () => {
    const r = unusedAccess(
      [
        {
          source: 'na',
          document: doc({ Effect: 'Allow', NotAction: ['iam:*'], Resource: 'arn:aws:s3:::data/*' }),
        },
        {
          source: 'nr',
          document: doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::data/*' }),
        },
      ],
      evidence,
    );
    assert.deepEqual(
      r.unused.map((u) => [u.policy, u.action, u.resource]),
      [['nr', 's3:GetObject', 'NotResource: arn:aws:s3:::data/*']],
    );
    assert.deepEqual(
      r.wildcards.map((w) => [w.action, w.usedActions]),
      [['NotAction: iam:*', ['s3:GetObject', 's3:PutObject']]],
    );
  });

  it('resolves ${aws:username} for users', () => {
    const policies = [
      {
        source: 'home',
        document: doc({
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::home/${aws:username}/*',
        }),
      },
    ];
    const mine = [used('s3:GetObject', 'arn:aws:s3:::home/alice/x')];
    assert.deepEqual(unusedAccess(policies, mine, { userName: 'alice' }).unused, []);
    assert.equal(unusedAccess(policies, mine, { userName: 'bob' }).unused.length, 1);
  });

  it('names a policy that cannot be read instead of failing', () => {
    const r = unusedAccess([{ source: 'bad', document: '{"Statement": 1}' }], evidence);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0] ?? '', /^bad: /);
  });
});

describe('grants of users and roles', () => {
  const snapshot = { generation: 1, organization: null };
  it('a user: inline, attached, then each group’s inline and attached', () => {
    const auth = {
      ...snapshot,
      user: { name: 'alice' },
      inline: [{ name: 'own', document: '{}' }],
      attached: [{ arn: 'arn:aws:iam::111122223333:policy/Shared', versionId: 'v1', document: '{}' }],
      groups: [
        {
          group: { name: 'devs' },
          inline: [{ name: 'g', document: '{}' }],
          attached: [{ arn: 'arn:aws:iam::111122223333:policy/G', versionId: 'v1', document: '{}' }],
        },
      ],
      boundary: null,
    } as unknown as UserAuthorization;
    assert.deepEqual(
      userGrants(auth).map((g) => g.source),
      [
        'user alice inline policy own',
        'user alice managed policy arn:aws:iam::111122223333:policy/Shared',
        'group devs inline policy g',
        'group devs managed policy arn:aws:iam::111122223333:policy/G',
      ],
    );
  });

  it('a role: its inline and attached policies', () => {
    const auth = {
      ...snapshot,
      role: { name: 'Reporter' },
      inline: [{ name: 'read', document: '{}' }],
      attached: [],
      boundary: null,
    } as unknown as RoleAuthorization;
    assert.deepEqual(
      roleGrants(auth).map((g) => g.source),
      ['role Reporter inline policy read'],
    );
  });
});
