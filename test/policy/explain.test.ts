// The trace a user reads: every policy considered, per statement what matched, with the context
// value and the reason a condition failed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCase, simulateWithTrace } from '../../src/policy/simulate.js';
import { renderExplanation } from '../../src/policy/render.js';
import { compilePolicyText } from '../../src/policy/compile.js';
import { explain } from '../../src/policy/explain.js';
import { contextFrom } from '../../src/policy/request.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const USER = 'arn:aws:iam::111122223333:user/alice';

test('a failed condition shows the operator, the context value and why', () => {
  const c = loadCase(
    {
      request: {
        principal: USER,
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::b/k',
        context: { 'aws:SourceIp': '198.51.100.4' },
      },
      policies: {
        identity: [
          {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'OfficeOnly',
                Effect: 'Allow',
                Action: 's3:GetObject',
                Resource: 'arn:aws:s3:::b/*',
                Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
              },
            ],
          },
        ],
      },
    },
    NOW,
  );
  const { output, explanation } = simulateWithTrace(c);
  assert.equal(output.deniedBy, 'identity');
  const [policy] = explanation.policies;
  assert.equal(policy?.type, 'identity');
  assert.equal(policy?.outcome, 'NoMatch');
  const statement = policy?.statements[0];
  assert.equal(statement?.statement, 'OfficeOnly');
  assert.equal(statement?.action, true);
  assert.equal(statement?.resource, true);
  assert.equal(statement?.matched, false);
  const condition = statement?.conditions[0];
  assert.equal(condition?.operator, 'IpAddress');
  assert.equal(condition?.contextValue, '198.51.100.4');
  assert.match(condition?.reason ?? '', /198\.51\.100\.4.*203\.0\.113\.0\/24/);
  assert.deepEqual(statement?.location.start, undefined, 'object input has no text positions');
});

test('a resource with a missing policy variable says which variable', () => {
  const c = loadCase(
    {
      request: {
        principal: 'arn:aws:sts::111122223333:assumed-role/R/s1',
        action: 's3:PutObject',
        resource: 'arn:aws:s3:::b/s1/k',
      },
      policies: {
        identity: [
          {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' },
            ],
          },
        ],
      },
    },
    NOW,
  );
  const { explanation } = simulateWithTrace(c);
  const statement = explanation.policies[0]?.statements[0];
  assert.equal(statement?.resource, false);
  assert.match(statement?.resourceReason ?? '', /\$\{aws:username\} is missing from the request/);
});

test('resource-policy statements report how specifically they name the caller', () => {
  const c = loadCase(
    {
      request: {
        principal: 'arn:aws:sts::111122223333:assumed-role/R/s1',
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::b/k',
      },
      policies: {
        resource: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ByRole',
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::111122223333:role/R' },
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::b/*',
            },
            {
              Sid: 'Other',
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::444455556666:root' },
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::b/*',
            },
          ],
        },
      },
    },
    NOW,
  );
  const { output, explanation } = simulateWithTrace(c);
  assert.equal(output.decision, 'Allowed');
  assert.equal(output.rule, 'resource-allow');
  const [byRole, other] = explanation.policies[0]?.statements ?? [];
  assert.deepEqual(byRole?.principal, { matched: true, reach: 'role' });
  assert.deepEqual(other?.principal, { matched: false, reach: 'not named' });
});

test('SCP levels are numbered and the missing level decides', () => {
  const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const ec2Only = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] };
  const c = loadCase(
    {
      request: { principal: USER, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
      policies: { identity: [allowAll], scp: [[allowAll], [ec2Only]] },
    },
    NOW,
  );
  const { output, explanation } = simulateWithTrace(c);
  assert.equal(output.deniedBy, 'scp');
  const scps = explanation.policies.filter((p) => p.type === 'scp');
  assert.deepEqual(
    scps.map((p) => [p.level, p.outcome]),
    [
      [0, 'Allow'],
      [1, 'NoMatch'],
    ],
  );
  assert.match(explanation.ruleText, /every level/);
});

test('an explicit deny names its policy and statement; the trace still lists every policy', () => {
  const c = loadCase(
    {
      request: { principal: USER, action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k' },
      policies: {
        identity: [
          { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
        ],
        boundary: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'NoDelete', Effect: 'Deny', Action: 's3:Delete*', Resource: '*' }],
        },
      },
    },
    NOW,
  );
  const { output, explanation } = simulateWithTrace(c);
  assert.deepEqual(
    [output.decision, output.deniedBy, output.statement],
    ['ExplicitlyDenied', 'boundary', 'NoDelete'],
  );
  assert.deepEqual(
    explanation.policies.map((p) => [p.type, p.outcome]),
    [
      ['identity', 'Allow'],
      ['boundary', 'Deny'],
    ],
  );
  const text = renderExplanation(explanation, { color: false, message: output.message });
  assert.match(text, /^Explicitly denied by the permissions boundary boundary \(NoDelete\)/);
  assert.match(text, /with an explicit deny in a permissions boundary/);
});

test('text policies carry line numbers into the trace', () => {
  const text = [
    '{',
    '  "Version": "2012-10-17",',
    '  "Statement": [',
    '    { "Sid": "A", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*" },',
    '    { "Sid": "B", "Effect": "Allow", "Action": "s3:GetObject",',
    '      "Resource": "arn:aws:s3:::b/*" }',
    '  ]',
    '}',
  ].join('\n');
  const compiled = compilePolicyText(text, { id: 'ReadB', type: 'identity' });
  assert.ok(compiled.ok);
  const req = {
    principal: { type: 'user' as const, arn: USER, account: '111122223333' },
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    context: contextFrom({}),
  };
  const explanation = explain(req, { identity: [compiled.policy] });
  const [a, b] = explanation.policies[0]?.statements ?? [];
  assert.equal(a?.location.start?.line, 4);
  assert.equal(b?.location.start?.line, 5);
  assert.equal(b?.matched, true);
  assert.match(renderExplanation(explanation, { color: false }), /✔ B Allow line 5/);
});
