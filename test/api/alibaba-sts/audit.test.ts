// Alibaba STS calls in the audit trail: each call is one record under its RequestId, a refused
// AssumeRole carries the decision (the trust policy), and no SecurityToken or signature is written —
// not even the one SignatureDoesNotMatch quotes back in its string to sign.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../support/repo-root.js';
import { startTestServer, TEST_ACCOUNT_ID } from '../../support/server.js';
import { call, SEED_KEYS } from './helpers.js';

interface AuditLine {
  eventName: string;
  eventSource: string;
  requestID: string;
  errorCode?: string;
  errorMessage?: string;
  decision: { deniedBy: string | null; action: string; resource: string } | null;
}

test('the audit trail records Alibaba STS calls with their decisions, and never a token', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'portcullis-alibaba-audit-'));
  try {
    const server = await startTestServer({
      dataDir,
      bootstrapFile: join(repoRoot, 'test/fixtures/alibaba/seed-001-bootstrap.json'),
    });
    const ok = await call(server.url, SEED_KEYS.ramTestApp, 'AssumeRole', {
      RoleArn: `acs:ram::${TEST_ACCOUNT_ID}:role/ramtestappreadonly`,
      RoleSessionName: 'usr001',
    });
    assert.equal(ok.status, 200, ok.text);
    const c = ok.json['Credentials'] as {
      AccessKeyId: string;
      AccessKeySecret: string;
      SecurityToken: string;
    };
    const refused = await call(server.url, SEED_KEYS.tester, 'AssumeRole', {
      RoleArn: `acs:ram::${TEST_ACCOUNT_ID}:role/trustsanotheraccount`,
      RoleSessionName: 'usr001',
    });
    assert.equal(refused.status, 403);
    const badSignature = await call(
      server.url,
      { accessKeyId: c.AccessKeyId, accessKeySecret: 'wrong', securityToken: c.SecurityToken },
      'GetCallerIdentity',
    );
    assert.equal(badSignature.json.Code, 'SignatureDoesNotMatch');
    assert.ok(badSignature.json.Message?.includes(encodeURIComponent(encodeURIComponent(c.SecurityToken))));
    await server.close();

    const text = await readFile(join(dataDir, 'audit', 'audit.jsonl'), 'utf8');
    for (const secret of [c.SecurityToken, c.AccessKeySecret, SEED_KEYS.ramTestApp.accessKeySecret]) {
      assert.ok(!text.includes(secret), 'no secret in the trail');
      assert.ok(!text.includes(encodeURIComponent(encodeURIComponent(secret))), 'not even encoded');
    }
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditLine);
    const byId = (id: unknown) => lines.find((l) => l.requestID === id);
    assert.equal(byId(ok.json.RequestId)?.eventName, 'AssumeRole');
    assert.equal(byId(ok.json.RequestId)?.eventSource, 'sts.aliyuncs.com');
    assert.equal(byId(ok.json.RequestId)?.decision?.action, 'sts:AssumeRole');
    const denied = byId(refused.json.RequestId);
    assert.equal(denied?.decision?.deniedBy, 'trust');
    assert.equal(denied?.decision?.resource, `acs:ram::${TEST_ACCOUNT_ID}:role/trustsanotheraccount`);
    const bad = byId(badSignature.json.RequestId);
    assert.equal(bad?.eventName, 'GetCallerIdentity');
    assert.equal(bad?.eventSource, 'sts.aliyuncs.com');
    assert.equal(bad?.errorCode, 'SignatureDoesNotMatch');
    assert.equal(bad?.errorMessage, 'Specified signature is not matched with our calculation.');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
