// Evidence → policy: exact grants (object actions on object ARNs, bucket actions on bucket ARNs,
// listings with their prefixes), readable grouping, deterministic order, lint-clean, and — checked
// with the policy engine itself — every used authorization allowed, neighbours denied.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectEvidence, type Evidence } from '../../../src/diagnostics/generate/evidence.js';
import {
  parsePrincipalSelector,
  type PrincipalSelector,
} from '../../../src/diagnostics/generate/principal.js';
import { generatePolicy, type GeneratedPolicy } from '../../../src/diagnostics/generate/statements.js';
import { compilePolicyText } from '../../../src/policy/compile.js';
import { decide } from '../../../src/policy/decide.js';
import { lintPolicy } from '../../../src/policy/lint/lint.js';
import { contextFrom } from '../../../src/policy/request.js';
import { ACCOUNT, ALICE, alice, allow, deny, record } from './fixtures.js';

const selector = (): PrincipalSelector => {
  const p = parsePrincipalSelector(ALICE);
  assert.ok(p.ok);
  return p.selector;
};

const B = 'arn:aws:s3:::photos';

/** Decides one request of alice against the generated policy alone. */
function allows(policy: GeneratedPolicy, action: string, resource: string, prefix?: string): boolean {
  const compiled = compilePolicyText(JSON.stringify(policy), { id: 'generated', type: 'identity' });
  assert.ok(compiled.ok, JSON.stringify(compiled));
  const d = decide(
    {
      principal: { type: 'user', arn: ALICE, account: ACCOUNT },
      action,
      resource,
      context: contextFrom(prefix !== undefined ? { 's3:prefix': prefix } : {}),
    },
    { identity: [compiled.policy] },
  );
  return d.decision === 'Allowed';
}

function lintClean(policy: GeneratedPolicy | null): void {
  assert.ok(policy);
  assert.deepEqual(lintPolicy(JSON.stringify(policy, null, 2), { type: 'identity' }), []);
}

const scenario = () => [
  record(alice, [allow('s3:PutObject', `${B}/2026/01/a.jpg`)]),
  record(alice, [allow('s3:PutObject', `${B}/2026/01/b.jpg`)]),
  record(alice, [allow('s3:PutObject', `${B}/2026/01/c.jpg`)]),
  record(alice, [allow('s3:GetObject', `${B}/2026/01/a.jpg`)]),
  record(alice, [allow('s3:GetObject', `${B}/index.html`)]),
  record(alice, [allow('s3:ListBucket', B, '2026/')]),
  record(alice, [allow('s3:ListBucket', B, '2025/')]),
  record(alice, [allow('s3:GetBucketLocation', B)]),
  record(alice, [allow('s3:ListAllMyBuckets', '*')]),
  record(alice, [allow('iam:GetUser', ALICE)]),
  // CopyObject: both authorizations are evidence.
  record(alice, [allow('s3:PutObject', `${B}/copies/a.jpg`), allow('s3:GetObject', `${B}/2026/01/b.jpg`)]),
];

describe('generatePolicy', () => {
  it('grants exactly what was used, grouped by resources with the same actions, in a fixed order', () => {
    const policy = generatePolicy(collectEvidence(scenario(), selector()));
    assert.deepEqual(policy, {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'S3Account', Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'] },
        {
          Sid: 'IAM',
          Effect: 'Allow',
          Action: ['iam:GetUser'],
          Resource: [ALICE],
        },
        { Sid: 'S3Buckets', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [B] },
        {
          Sid: 'S3ListPrefixes',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: [B],
          Condition: { StringEquals: { 's3:prefix': ['2025/', '2026/'] } },
        },
        {
          Sid: 'S3Objects1',
          Effect: 'Allow',
          Action: ['s3:PutObject'],
          Resource: [`${B}/2026/01/*`, `${B}/copies/a.jpg`],
        },
        {
          Sid: 'S3Objects2',
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: [`${B}/2026/01/a.jpg`, `${B}/2026/01/b.jpg`, `${B}/index.html`],
        },
      ],
    });
    lintClean(policy);
  });

  it('is the same policy whatever the order of the evidence', () => {
    const records = scenario();
    const a = generatePolicy(collectEvidence(records, selector()));
    const b = generatePolicy(collectEvidence([...records].reverse(), selector()));
    assert.deepEqual(b, a);
  });

  it('allows every used authorization and denies the neighbours (checked with the engine)', () => {
    const records = scenario();
    const evidence = collectEvidence(records, selector());
    const policy = generatePolicy(evidence);
    assert.ok(policy);
    for (const u of evidence.used)
      assert.ok(allows(policy, u.action, u.resource, u.prefix), `${u.action} ${u.resource}`);
    assert.ok(allows(policy, 's3:PutObject', `${B}/2026/01/new.jpg`), 'inside the collapsed folder');
    assert.ok(!allows(policy, 's3:PutObject', `${B}/2026/02/a.jpg`), 'another folder');
    assert.ok(!allows(policy, 's3:GetObject', `${B}/2026/01/c.jpg`), 'GetObject was not collapsed');
    assert.ok(!allows(policy, 's3:DeleteObject', `${B}/2026/01/a.jpg`), 'an action never used');
    assert.ok(!allows(policy, 's3:ListBucket', B), 'listing without a prefix');
    assert.ok(!allows(policy, 's3:ListBucket', B, '2024/'), 'listing another prefix');
    assert.ok(!allows(policy, 's3:GetObject', 'arn:aws:s3:::other/index.html'), 'another bucket');
    assert.ok(!allows(policy, 'iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/bob`), 'another user');
  });

  it('a listing without a prefix (or with an empty one) grants the listing without a condition', () => {
    for (const whole of [undefined, '']) {
      const policy = generatePolicy(
        collectEvidence(
          [
            record(alice, [allow('s3:ListBucket', B, 'a/')]),
            record(alice, [allow('s3:ListBucket', B, whole)]),
          ],
          selector(),
        ),
      );
      assert.deepEqual(policy?.Statement, [
        { Sid: 'S3Buckets', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [B] },
      ]);
      lintClean(policy);
    }
  });

  it('does not collapse a folder under which the principal was denied the same action', () => {
    const records = [
      record(alice, [allow('s3:GetObject', `${B}/docs/a`)]),
      record(alice, [allow('s3:GetObject', `${B}/docs/b`)]),
      record(alice, [allow('s3:GetObject', `${B}/docs/c`)]),
      record(alice, [deny('s3:GetObject', `${B}/docs/private/x`)]),
    ];
    const evidence = collectEvidence(records, selector());
    const policy = generatePolicy(evidence);
    assert.deepEqual(policy?.Statement[0]?.Resource, [`${B}/docs/a`, `${B}/docs/b`, `${B}/docs/c`]);
    assert.ok(!allows(policy as GeneratedPolicy, 's3:GetObject', `${B}/docs/private/x`));
    // A denial of another action does not veto it.
    const other = collectEvidence(
      [...records.slice(0, 3), record(alice, [deny('s3:PutObject', `${B}/docs/z`)])],
      selector(),
    );
    assert.deepEqual(generatePolicy(other)?.Statement[0]?.Resource, [`${B}/docs/*`]);
  });

  it('honours the threshold option', () => {
    const records = [1, 2, 3].map((i) => record(alice, [allow('s3:GetObject', `${B}/docs/${i}`)]));
    assert.equal(
      generatePolicy(collectEvidence(records, selector()), { prefixThreshold: 0 })?.Statement[0]?.Resource
        .length,
      3,
    );
    assert.deepEqual(
      generatePolicy(collectEvidence(records, selector()), { prefixThreshold: 4 })?.Statement[0]?.Resource
        .length,
      3,
    );
    assert.deepEqual(
      generatePolicy(collectEvidence(records, selector()), { prefixThreshold: 2 })?.Statement[0]?.Resource,
      [`${B}/docs/*`],
    );
  });

  it('keys holding wildcard characters are granted literally, lint-clean', () => {
    const evidence = collectEvidence([record(alice, [allow('s3:GetObject', `${B}/what?*.txt`)])], selector());
    const policy = generatePolicy(evidence);
    assert.deepEqual(policy?.Statement[0]?.Resource, [`${B}/what\${?}\${*}.txt`]);
    assert.ok(allows(policy as GeneratedPolicy, 's3:GetObject', `${B}/what?*.txt`));
    assert.ok(!allows(policy as GeneratedPolicy, 's3:GetObject', `${B}/whatX-anything.txt`));
    lintClean(policy);
  });

  it('returns null without evidence', () => {
    const empty: Evidence = collectEvidence([], selector());
    assert.equal(generatePolicy(empty), null);
  });
});
