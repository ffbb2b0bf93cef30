// `portcullis simulate` as a user runs it: the built CLI, a case on stdin or in a file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../support/repo-root.js';

const BIN = repoPath('bin', 'portcullis.js');

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const WRITE_SESSION_CASE = {
  dialect: 'aws',
  request: {
    principal: 'arn:aws:sts::111122223333:assumed-role/RamTestAppWrite/usr001',
    action: 's3:PutObject',
    resource: 'arn:aws:s3:::ram-test-app/test.txt',
  },
  policies: {
    identity: [
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              's3:DeleteObject',
              's3:ListMultipartUploadParts',
              's3:AbortMultipartUpload',
              's3:PutObject',
            ],
            Resource: ['arn:aws:s3:::ram-test-app', 'arn:aws:s3:::ram-test-app/*'],
          },
        ],
      },
    ],
    session: [
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::ram-test-app/usr001/*' },
        ],
      },
    ],
  },
};

test('simulate reads a case on stdin and answers per the contract', () => {
  const r = run(['simulate', '--input', '-'], JSON.stringify(WRITE_SESSION_CASE));
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.decision, 'ImplicitlyDenied');
  assert.equal(out.deniedBy, 'session');
  assert.equal(out.explicit, false);
  assert.equal(
    out.message,
    'User: arn:aws:sts::111122223333:assumed-role/RamTestAppWrite/usr001 is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::ram-test-app/test.txt" because no session policy allows the s3:PutObject action',
  );
});

test('simulate reads a case from a file; the usr001 prefix is allowed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-sim-'));
  const file = join(dir, 'case.json');
  const allowed = structuredClone(WRITE_SESSION_CASE);
  allowed.request.resource = 'arn:aws:s3:::ram-test-app/usr001/test.txt';
  writeFileSync(file, JSON.stringify(allowed));
  const r = run(['simulate', '--input', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    (({ decision, deniedBy, explicit, message }) => ({ decision, deniedBy, explicit, message }))(
      JSON.parse(r.stdout),
    ),
    { decision: 'Allowed', deniedBy: null, explicit: false, message: null },
  );
});

test('simulate exits 2 naming the bad field', () => {
  const bad = structuredClone(WRITE_SESSION_CASE) as {
    policies: { identity: { Statement: { Effect: string }[] }[] };
  };
  bad.policies.identity[0]!.Statement[0]!.Effect = 'allow ';
  const r = run(['simulate', '--input', '-'], JSON.stringify(bad));
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /policies\.identity\[0\]: Statement\[0\]\.Effect: "allow " is not Allow or Deny/);
});

test('simulate exits 2 on input that is not JSON, and on a missing file', () => {
  const notJson = run(['simulate', '--input', '-'], '{"request": ');
  assert.equal(notJson.code, 2);
  assert.match(notJson.stderr, /not valid JSON/);
  const missing = run(['simulate', '--input', '/nonexistent/case.json']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read/);
  const noAction = run(
    ['simulate', '--input', '-'],
    JSON.stringify({ request: { principal: 'anonymous', resource: '*' } }),
  );
  assert.equal(noAction.code, 2);
  assert.match(noAction.stderr, /request\.action: must be a non-empty string/);
});

test('simulate --explain prints the trace naming the session policy and its statement', () => {
  const r = run(['simulate', '--input', '-', '--explain'], JSON.stringify(WRITE_SESSION_CASE));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Implicitly denied by the session policy/);
  assert.match(r.stdout, /session policy session\[0\] → no statement applies/);
  assert.match(r.stdout, /identity-based policy identity\[0\] → Allow \(Statement\[0\]\)/);
  assert.match(r.stdout, /resource ✘/);
});
