// Units of the STS layer: sealed authorization messages and the packed session policy size.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyCache } from '../../src/identity/policy-cache.js';
import { MasterKey } from '../../src/identity/secrets.js';
import { QueryError } from '../../src/api/query/errors.js';
import { QueryParams } from '../../src/api/query/params.js';
import {
  AuthorizationMessageKey,
  decodeAuthorizationMessage,
  encodeAuthorizationMessage,
  explainDecision,
} from '../../src/api/sts/authorization-message.js';
import { packedPolicySize, readSessionPolicies } from '../../src/api/sts/session-policy.js';
import { sessionTags } from '../../src/api/sts/params.js';
import { contextFrom } from '../../src/policy/request.js';

const request = {
  principal: { type: 'user' as const, arn: 'arn:aws:iam::111122223333:user/u', account: '111122223333' },
  action: 's3:PutObject',
  resource: 'arn:aws:s3:::b/k',
  context: contextFrom({ 'aws:TagKeys': ['a', 'b'] }),
};
const denied = {
  decision: 'ExplicitlyDenied' as const,
  deniedBy: 'identity' as const,
  explicit: true,
  decidedBy: 'identity' as const,
  policyId: 'user/u/inline/deny',
  statement: 'NoWrites',
  rule: 'explicit-deny' as const,
  sessionDenies: false,
};

describe('authorization messages', () => {
  const key = AuthorizationMessageKey.fromMasterKey(MasterKey.generate());

  it('round-trips the explanation in AWS shape', () => {
    const explanation = explainDecision(request, denied, { id: 'AIDAX' });
    const encoded = encodeAuthorizationMessage(key, explanation);
    assert.match(encoded, /^[A-Za-z0-9_-]+$/);
    const decoded = JSON.parse(decodeAuthorizationMessage(key, encoded) ?? 'null') as typeof explanation;
    assert.equal(decoded.allowed, false);
    assert.equal(decoded.explicitDeny, true);
    assert.deepEqual(decoded.matchedStatements.items, [
      { statementId: 'NoWrites', effect: 'DENY', policyId: 'user/u/inline/deny' },
    ]);
    assert.deepEqual(decoded.context.conditions.items, [
      { key: 'aws:tagkeys', values: { items: [{ value: 'a' }, { value: 'b' }] } },
    ]);
    assert.equal(JSON.stringify(key), '"AuthorizationMessageKey([redacted])"');
  });

  it('refuses altered messages and messages of another installation', () => {
    const encoded = encodeAuthorizationMessage(key, explainDecision(request, denied, { id: 'AIDAX' }));
    const other = AuthorizationMessageKey.fromMasterKey(MasterKey.generate());
    assert.equal(decodeAuthorizationMessage(other, encoded), undefined);
    for (const i of [0, 5, 20, encoded.length - 3]) {
      const c = encoded[i] === 'A' ? 'B' : 'A';
      assert.equal(
        decodeAuthorizationMessage(key, encoded.slice(0, i) + c + encoded.slice(i + 1)),
        undefined,
        `byte ${i}`,
      );
    }
    assert.equal(decodeAuthorizationMessage(key, 'not base64url!'), undefined);
  });
});

describe('session policies', () => {
  const cache = new PolicyCache();
  const params = (entries: Record<string, string>) => new QueryParams(new URLSearchParams(entries));
  const small = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::ram-test-app/usr001/*' }],
  });

  it('reports a small policy as a few percent of the packed limit', () => {
    const size = packedPolicySize(readSessionPolicies(params({ Policy: small }), cache), {});
    assert.ok(size > 0 && size < 20, `${size}`);
  });

  it('rejects a malformed session policy and more than 10 policy ARNs', () => {
    assert.throws(
      () =>
        readSessionPolicies(
          params({ Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}' }),
          cache,
        ),
      (e: unknown) => e instanceof QueryError && e.code === 'MalformedPolicyDocument',
    );
    const arns: Record<string, string> = {};
    for (let i = 1; i <= 11; i++)
      arns[`PolicyArns.member.${i}.arn`] = `arn:aws:iam::111122223333:policy/p${i}`;
    assert.throws(
      () => readSessionPolicies(params(arns), cache),
      (e: unknown) => e instanceof QueryError && e.code === 'ValidationError',
    );
  });

  it('PackedPolicyTooLarge when policies and tags do not fit', () => {
    const tags: Record<string, string> = {};
    // Random values do not compress: 50 of them overflow the packed limit.
    for (let i = 0; i < 50; i++)
      tags[`k${i}`] = MasterKey.generate().derive(`t${i}`).toString('base64').repeat(4).slice(0, 128);
    assert.throws(
      () => packedPolicySize(readSessionPolicies(params({ Policy: small }), cache), tags),
      (e: unknown) => e instanceof QueryError && e.code === 'PackedPolicyTooLarge',
    );
  });

  it('transitive tag keys must be among the session tags', () => {
    assert.throws(
      () =>
        sessionTags(
          params({
            'Tags.member.1.Key': 'team',
            'Tags.member.1.Value': 'a',
            'TransitiveTagKeys.member.1': 'other',
          }),
        ),
      (e: unknown) => e instanceof QueryError && e.code === 'InvalidParameterValue',
    );
    assert.deepEqual(
      sessionTags(
        params({
          'Tags.member.1.Key': 'team',
          'Tags.member.1.Value': 'a',
          'TransitiveTagKeys.member.1': 'team',
        }),
      ),
      {
        tags: { team: 'a' },
        transitiveTagKeys: ['team'],
      },
    );
  });
});
