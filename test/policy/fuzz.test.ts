// Fuzzing: 100,000 random and mutated policy documents and cases must each end in a decision or a
// structured error, never an exception. Seeded, so a failure reproduces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy } from '../../src/policy/compile.js';
import { decide } from '../../src/policy/decide.js';
import { explain } from '../../src/policy/explain.js';
import type { PolicyType } from '../../src/policy/model.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { CaseError, loadCase, simulate } from '../../src/policy/simulate.js';
import { PRINCIPALS, RESOURCES, ACTIONS } from './support/vocabulary.js';
import { contextFrom } from '../../src/policy/request.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 100_000);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASES = [
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Read',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:List*'],
          Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
        },
        {
          Effect: 'Deny',
          Action: 's3:PutObject',
          NotResource: 'arn:aws:s3:::b/${aws:username}/*',
          Condition: {
            StringNotEqualsIfExists: { 'aws:PrincipalTag/team': ['a', 'b'] },
            IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
          },
        },
      ],
    },
    null,
    2,
  ),
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:user/alice', '444455556666'] },
        Action: 's3:*',
        Resource: 'arn:aws:s3:::b/*',
        Condition: {
          'ForAnyValue:StringLike': { 's3:prefix': ['home/*'] },
          DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
        },
      },
    ],
  }),
  JSON.stringify({
    Version: '1',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['oss:GetObject', 'oss:ListObjects'],
        Resource: ['acs:oss:*:*:ram-test-app', 'acs:oss:*:*:ram-test-app/*'],
        Condition: { Bool: { 'acs:SecureTransport': 'true' } },
      },
    ],
  }),
];

const TOKENS = [
  '"',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"Allow"',
  '"Deny"',
  '"*"',
  '"${aws:username}"',
  'null',
  'true',
  '1e999',
  '-0',
  '"\\u0000"',
  '"\\ud800"',
  '"StringLike"',
  '"Condition"',
  '"Principal"',
  '"arn:aws:s3:::*"',
  '\u2028',
  '𝔘',
  '\\',
  '"ForAllValues:Bool"',
  '[[[[[[',
  ']]]]',
];
const TYPES: PolicyType[] = ['identity', 'resource', 'boundary', 'session', 'scp', 'rcp', 'trust'];

function mutate(text: string, rand: () => number): string {
  let s = text;
  const steps = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(rand() * (s.length + 1));
    const choice = rand();
    if (choice < 0.3) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 8));
    else if (choice < 0.7) s = s.slice(0, at) + TOKENS[Math.floor(rand() * TOKENS.length)] + s.slice(at);
    else if (choice < 0.85) {
      const len = Math.floor(rand() * 40);
      s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
    } else s = s.slice(0, at) + s.slice(at, at + 10).toUpperCase() + s.slice(at + 10);
  }
  return s;
}

function randomJson(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 4 || r < 0.3)
    return [null, true, 1, 'Allow', '*', 's3:GetObject', 'arn:aws:s3:::b/*', '', -1.5][
      Math.floor(rand() * 9)
    ];
  if (r < 0.6) return Array.from({ length: Math.floor(rand() * 3) }, () => randomJson(rand, depth + 1));
  const keys = [
    'Version',
    'Statement',
    'Effect',
    'Action',
    'Resource',
    'Condition',
    'Principal',
    'NotAction',
    'Sid',
    'StringEquals',
    'aws:SourceIp',
  ];
  return Object.fromEntries(
    Array.from({ length: Math.floor(rand() * 4) }, () => [
      keys[Math.floor(rand() * keys.length)],
      randomJson(rand, depth + 1),
    ]),
  );
}

test(`${ITERATIONS} mutated or random policies parse, compile and decide without throwing`, () => {
  const rand = prng(SEED);
  let accepted = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const input = rand() < 0.8 ? mutate(BASES[i % BASES.length] as string, rand) : randomJson(rand, 0);
    const type = TYPES[Math.floor(rand() * TYPES.length)] as PolicyType;
    const dialect = rand() < 0.5 ? 'aws' : 'auto';
    let result;
    try {
      result = parsePolicy(input, { type, dialect });
    } catch (err) {
      assert.fail(
        `iteration ${i} (seed ${SEED}): parsePolicy threw ${String(err)} on ${JSON.stringify(input).slice(0, 300)}`,
      );
    }
    if (!result.ok) {
      assert.ok(result.problems.length > 0, `iteration ${i}: rejected without a problem`);
      continue;
    }
    accepted++;
    const policy = compilePolicy(result.policy, { id: 'fuzz', type });
    const principal = PRINCIPALS[i % PRINCIPALS.length]!;
    const req = {
      principal,
      action: ACTIONS[i % ACTIONS.length]!,
      resource: RESOURCES[i % RESOURCES.length]!,
      resourceAccount: '111122223333',
      context: contextFrom({
        'aws:SourceIp': i % 2 ? '10.0.0.1' : 'not-an-ip',
        's3:prefix': ['home/a', 'b'],
        'aws:username': 'alice',
      }),
    };
    const set =
      type === 'resource'
        ? { resource: policy }
        : type === 'scp'
          ? { scp: [[policy]] }
          : { identity: [policy] };
    const d = decide(req, set);
    assert.ok(['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied'].includes(d.decision));
    if (i % 50 === 0) assert.equal(explain(req, set).decision, d.decision);
  }
  assert.ok(accepted > 0, 'some mutations stay valid, so decide() is exercised');
});

test('mutated simulator cases end in a result or a CaseError naming a field', () => {
  const rand = prng(SEED + 1);
  const base = JSON.stringify({
    dialect: 'aws',
    request: {
      principal: 'arn:aws:iam::111122223333:user/alice',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      context: { 'aws:SourceIp': '10.0.0.1' },
    },
    policies: {
      identity: [JSON.parse(BASES[0] as string)],
      scp: [[{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }]],
    },
  });
  for (let i = 0; i < 5000; i++) {
    let json: unknown;
    try {
      json = JSON.parse(mutate(base, rand));
    } catch {
      continue; // not JSON: the CLI rejects it before loadCase
    }
    try {
      const out = simulate(loadCase(json));
      assert.ok(['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied'].includes(out.decision));
    } catch (err) {
      assert.ok(err instanceof CaseError, `iteration ${i}: ${String(err)}`);
      assert.match(
        err.message,
        /^(case|dialect|request|policies)\b/,
        'a case error starts with the field it is about',
      );
    }
  }
});
