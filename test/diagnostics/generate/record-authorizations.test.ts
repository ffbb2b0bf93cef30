// The audit record lists every authorization a request needed (the evidence of generation), with
// its outcome and the listing prefix; `decision` still names the deciding one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Decision } from '../../../src/policy/decide.js';
import { contextFrom, type AuthzRequest } from '../../../src/policy/request.js';
import { buildAuditRecord, type AuditObservation } from '../../../src/server/audit/record.js';
import type { DecisionRecord } from '../../../src/server/decisions.js';

const principal = {
  type: 'user' as const,
  arn: 'arn:aws:iam::111122223333:user/alice',
  account: '111122223333',
};

function decided(action: string, resource: string, kind: Decision['decision'], ctx = {}): DecisionRecord {
  const request: AuthzRequest = {
    principal,
    action,
    resource,
    context: contextFrom({ 'aws:SourceIp': '1.2.3.4', ...ctx }),
  };
  const allowed = kind === 'Allowed';
  return {
    request,
    policies: {},
    decision: {
      decision: kind,
      deniedBy: allowed ? null : 'identity',
      explicit: false,
      decidedBy: 'identity',
      policyId: null,
      statement: null,
      rule: allowed ? 'allowed' : 'identity-no-allow',
      sessionDenies: false,
    } as Decision,
  };
}

function observe(decisions: DecisionRecord[], operation: string): AuditObservation {
  return {
    front: 's3',
    method: 'PUT',
    url: '/b/k',
    region: 'us-east-1',
    sourceIp: '1.2.3.4',
    userAgent: 'test',
    authorization: undefined,
    status: 200,
    requestId: '0123456789ABCDEF',
    startedAt: new Date('2026-01-01T00:00:00.000Z'),
    finishedAt: new Date('2026-01-01T00:00:00.010Z'),
    decisions: { requestId: '0123456789ABCDEF', at: new Date(), operation, decisions },
  };
}

describe('audit record: authorizations', () => {
  it('CopyObject: both authorizations, in the order asked, with their outcomes', () => {
    const r = buildAuditRecord(
      observe(
        [
          decided('s3:PutObject', 'arn:aws:s3:::b/dst', 'Allowed'),
          decided('s3:GetObject', 'arn:aws:s3:::b/src', 'Allowed'),
        ],
        'CopyObject',
      ),
    );
    assert.deepEqual(r.authorizations, [
      { action: 's3:PutObject', resource: 'arn:aws:s3:::b/dst', decision: 'Allowed' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/src', decision: 'Allowed' },
    ]);
    assert.equal(r.decision?.evaluations, 2);
  });

  it('keeps the listing prefix and nothing else of the context', () => {
    const r = buildAuditRecord(
      observe(
        [decided('s3:ListBucket', 'arn:aws:s3:::b', 'Allowed', { 's3:prefix': 'logs/', 's3:max-keys': '5' })],
        'ListObjectsV2',
      ),
    );
    assert.deepEqual(r.authorizations, [
      {
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::b',
        decision: 'Allowed',
        context: { 's3:prefix': 'logs/' },
      },
    ]);
  });

  it('a denied authorization is listed as denied; no decisions, no list', () => {
    const r = buildAuditRecord(
      observe(
        [
          decided('s3:PutObject', 'arn:aws:s3:::b/dst', 'Allowed'),
          decided('s3:GetObject', 'arn:aws:s3:::b/src', 'ImplicitlyDenied'),
        ],
        'CopyObject',
      ),
    );
    assert.deepEqual(
      r.authorizations?.map((a) => a.decision),
      ['Allowed', 'ImplicitlyDenied'],
    );
    assert.equal(r.decision?.action, 's3:GetObject');
    const none = buildAuditRecord({ ...observe([], 'x'), decisions: undefined });
    assert.equal(none.authorizations, undefined);
  });
});
