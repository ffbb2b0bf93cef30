// Which records are evidence: the principal's (a user; a role's every session; one session; the
// root user), allowed authorizations of requests that went through, never refused requests;
// denied attempts counted; older records and OSS requests accounted for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectEvidence } from '../../../src/diagnostics/generate/evidence.js';
import { parsePrincipalSelector, selects } from '../../../src/diagnostics/generate/principal.js';
import { ACCOUNT, ALICE, ROLE, alice, allow, bob, deny, record, session } from './fixtures.js';

const B = 'arn:aws:s3:::photos';

function selectorOf(arn: string) {
  const p = parsePrincipalSelector(arn);
  assert.ok(p.ok, arn);
  return p.selector;
}

describe('parsePrincipalSelector', () => {
  it('reads users (with paths), roles, role sessions and root', () => {
    assert.deepEqual(selectorOf(ALICE), { kind: 'user', arn: ALICE, account: ACCOUNT, name: 'alice' });
    assert.deepEqual(selectorOf(`arn:aws:iam::${ACCOUNT}:user/eng/ops/carol`), {
      kind: 'user',
      arn: `arn:aws:iam::${ACCOUNT}:user/eng/ops/carol`,
      account: ACCOUNT,
      name: 'carol',
    });
    assert.deepEqual(selectorOf(ROLE), { kind: 'role', arn: ROLE, account: ACCOUNT, name: 'Reporter' });
    assert.deepEqual(selectorOf(`arn:aws:sts::${ACCOUNT}:assumed-role/Reporter/monday`), {
      kind: 'session',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Reporter/monday`,
      account: ACCOUNT,
      name: 'Reporter',
      sessionName: 'monday',
    });
    assert.equal(selectorOf(`arn:aws:iam::${ACCOUNT}:root`).kind, 'root');
  });

  it('rejects anything else with a message that shows the accepted forms', () => {
    for (const bad of ['alice', 'arn:aws:iam::1234:user/alice', `arn:aws:iam::${ACCOUNT}:group/devs`, '']) {
      const p = parsePrincipalSelector(bad);
      assert.ok(!p.ok, bad);
      assert.match(p.message, /is not a user, role, role session or root ARN.*assumed-role/);
    }
  });

  it('a role selects all its sessions; a session only itself; a user not a same-named role', () => {
    const role = selectorOf(ROLE);
    assert.ok(selects(role, session('monday')));
    assert.ok(selects(role, session('tuesday')));
    assert.ok(!selects(role, session('monday', 'Other')));
    const monday = selectorOf(`arn:aws:sts::${ACCOUNT}:assumed-role/Reporter/monday`);
    assert.ok(selects(monday, session('monday')));
    assert.ok(!selects(monday, session('tuesday')));
    assert.ok(selects(selectorOf(ALICE), alice));
    assert.ok(!selects(selectorOf(ALICE), bob));
    assert.ok(!selects(selectorOf(`arn:aws:iam::${ACCOUNT}:role/alice`), alice));
  });
});

describe('collectEvidence', () => {
  it('keeps the principal’s allowed authorizations, counted per distinct action, resource and prefix', () => {
    const e = collectEvidence(
      [
        record(alice, [allow('s3:GetObject', `${B}/a`)]),
        record(alice, [allow('s3:GetObject', `${B}/a`)]),
        record(alice, [allow('s3:ListBucket', B, 'x/')]),
        record(bob, [allow('s3:DeleteObject', `${B}/a`)]),
      ],
      selectorOf(ALICE),
    );
    assert.deepEqual(e.used, [
      { action: 's3:ListBucket', resource: B, prefix: 'x/', count: 1 },
      { action: 's3:GetObject', resource: `${B}/a`, count: 2 },
    ]);
    assert.equal(e.requests, 3);
    assert.deepEqual(e.principals, [ALICE]);
    assert.equal(e.deniedRequests, 0);
  });

  it('a refused request is no evidence, even for the authorizations it was allowed', () => {
    // CopyObject: allowed to read the source, denied writing the target.
    const e = collectEvidence(
      [record(alice, [allow('s3:GetObject', `${B}/src`), deny('s3:PutObject', `${B}/dst`)])],
      selectorOf(ALICE),
    );
    assert.deepEqual(e.used, []);
    assert.equal(e.requests, 0);
    assert.equal(e.deniedRequests, 1);
    assert.deepEqual(e.denied, [{ action: 's3:PutObject', resource: `${B}/dst`, count: 1 }]);
  });

  it('DeleteObjects that went through: allowed keys are evidence, denied keys denied attempts', () => {
    const r = record(alice, [allow('s3:DeleteObject', `${B}/a`), deny('s3:DeleteObject', `${B}/b`)], {
      httpStatus: 200,
    });
    delete r.errorCode;
    const e = collectEvidence([r], selectorOf(ALICE));
    assert.deepEqual(
      e.used.map((u) => u.resource),
      [`${B}/a`],
    );
    assert.deepEqual(
      e.denied.map((d) => d.resource),
      [`${B}/b`],
    );
    assert.equal(e.requests, 1);
    assert.equal(e.deniedRequests, 1);
  });

  it('older records without the authorization list: the deciding one, flagged when there were several', () => {
    const one = record(alice, [allow('s3:GetObject', `${B}/a`)]);
    delete one.authorizations;
    const copy = record(alice, [allow('s3:PutObject', `${B}/b`), allow('s3:GetObject', `${B}/a`)]);
    delete copy.authorizations;
    const e = collectEvidence([one, copy], selectorOf(ALICE));
    assert.deepEqual(
      e.used.map((u) => u.action),
      ['s3:GetObject'],
    );
    assert.equal(e.incomplete, 1);
  });

  it('records without a decision are skipped; Alibaba Cloud requests (OSS, acs: resources) are counted, not generated from', () => {
    const undecided = record(alice, []);
    const oss = record(alice, [allow('oss:GetObject', `acs:oss:*:${ACCOUNT}:photos/a`)]);
    const ram = record(alice, [allow('sts:AssumeRole', `acs:ram::${ACCOUNT}:role/reader`)]);
    const e = collectEvidence([undecided, oss, ram], selectorOf(ALICE));
    assert.deepEqual(e.used, []);
    assert.equal(e.alibabaRequests, 2);
    assert.equal(e.first, null);
  });

  it('role: every session’s requests, each session named among the principals', () => {
    const e = collectEvidence(
      [
        record(session('monday'), [allow('s3:GetObject', `${B}/a`)]),
        record(session('tuesday'), [allow('s3:GetObject', `${B}/b`)]),
      ],
      selectorOf(ROLE),
    );
    assert.equal(e.requests, 2);
    assert.deepEqual(e.principals, [
      `arn:aws:sts::${ACCOUNT}:assumed-role/Reporter/monday`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/Reporter/tuesday`,
    ]);
    assert.ok(e.first !== null && e.last !== null && e.first < e.last);
  });
});
