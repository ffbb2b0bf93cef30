// `portcullis policy generate` over a fixture trail (no server): bad options exit 2 naming the
// flag, the window bounds the evidence, human output is the policy on stdout and the report on
// stderr, --json is {policy, unused, evidence, notes}; without an IAM store the report says why.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerPolicy, runPolicyGenerate, type PolicyGenerateOptions } from '../../../src/cli/policy.js';
import type { GenerationReport } from '../../../src/diagnostics/generate/report.js';
import { ALICE, alice, allow, deny, record } from './fixtures.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const B = 'arn:aws:s3:::photos';
let data: string;

async function run(opts: PolicyGenerateOptions) {
  let stdout = '';
  let stderr = '';
  const code = await runPolicyGenerate(opts, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
    env: {},
  });
  return { code, stdout, stderr };
}

before(async () => {
  data = await mkdtemp(join(tmpdir(), 'portcullis-generate-cli-'));
  await mkdir(join(data, 'audit'));
  const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3600_000).toISOString();
  const lines = [
    { ...record(alice, [allow('s3:GetObject', `${B}/old`)]), eventTime: at(24 * 10) },
    { ...record(alice, [allow('s3:GetObject', `${B}/a`)]), eventTime: at(3) },
    { ...record(alice, [allow('s3:PutObject', `${B}/b`)]), eventTime: at(2) },
    { ...record(alice, [deny('s3:DeleteObject', `${B}/a`)]), eventTime: at(1) },
  ];
  await writeFile(join(data, 'audit', 'audit.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
});

after(async () => {
  await rm(data, { recursive: true, force: true });
});

describe('portcullis policy generate (CLI)', () => {
  it('bad options exit 2 with a message naming the flag', async () => {
    const cases: [PolicyGenerateOptions, RegExp][] = [
      [{ data }, /--principal is required/],
      [{ data, principal: 'alice' }, /--principal "alice" is not a user, role, role session or root ARN/],
      [
        { data, principal: ALICE, since: 'last week' },
        /--since must be a duration like 30m, 1h, 7d or an ISO 8601 time, not "last week"/,
      ],
      [{ data, principal: ALICE, until: '5 minutes' }, /--until must be a duration/],
      [{ data, principal: ALICE, since: '1h', until: '2d' }, /--since \(.*\) is after --until/],
      [
        { data, principal: ALICE, prefixThreshold: '-1' },
        /--prefix-threshold must be a non-negative integer, not "-1"/,
      ],
      [
        { data, principal: ALICE, prefixThreshold: 'many' },
        /--prefix-threshold must be a non-negative integer/,
      ],
      [{ data, principal: ALICE, audit: join(data, 'nope') }, /--audit: no audit trail at .*nope/],
      [{ data: join(data, 'nope'), principal: ALICE }, /--data: no audit trail at .*nope[/\\]audit/],
    ];
    for (const [opts, message] of cases) {
      const r = await run(opts);
      assert.equal(r.code, 2, JSON.stringify(opts));
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^portcullis policy generate: /);
      assert.equal(r.stdout, '');
    }
  });

  it('human output: the policy on stdout, the evidence, denied attempts and notes on stderr', async () => {
    const r = await run({ data, principal: ALICE, since: '7d' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'S3Objects1', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${B}/a`] },
        { Sid: 'S3Objects2', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`${B}/b`] },
      ],
    });
    assert.match(
      r.stderr,
      /^Evidence: 2 allowed requests by arn:aws:iam::111122223333:user\/alice\n {2}window 2026-11-16T12:00:00.000Z \.\. 2026-11-23T12:00:00.000Z \(first /,
    );
    assert.match(
      r.stderr,
      /Denied attempts: 1 request \(not granted\)\n {2}s3:DeleteObject on arn:aws:s3:::photos\/a\n/,
    );
    assert.match(r.stderr, /Note: no IAM store in .* \(--data\): no unused-access report\./);
  });

  it('--json: {policy, unused, evidence: {requests, principals, window}}, bounded by --since/--until', async () => {
    const r = await run({ data, principal: ALICE, since: '30d', until: '150m', json: true });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout) as GenerationReport;
    assert.deepEqual(Object.keys(report), ['policy', 'unused', 'evidence', 'notes']);
    assert.equal(report.unused, null);
    assert.equal(report.evidence.requests, 2);
    assert.deepEqual(report.evidence.principals, [ALICE]);
    assert.deepEqual(report.evidence.window, {
      since: '2026-10-24T12:00:00.000Z',
      until: '2026-11-23T09:30:00.000Z',
    });
    assert.deepEqual(
      report.policy?.Statement.flatMap((s) => s.Resource),
      [`${B}/a`, `${B}/old`],
    );
  });

  it('no evidence in the window: no policy, and the report says so (exit 0)', async () => {
    const r = await run({ data, principal: 'arn:aws:iam::111122223333:user/nobody', since: '7d' });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Evidence: 0 allowed requests by the principal/);
    assert.match(r.stderr, /no allowed request of the principal in the window: nothing to grant/);
  });

  it('is registered as `policy generate` with its flags', async () => {
    let stdout = '';
    let stderr = '';
    const program = new Command().exitOverride();
    registerPolicy(program, {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      now: NOW,
      env: {},
    });
    const saved = process.exitCode;
    await program.parseAsync(
      [
        'policy',
        'generate',
        '--principal',
        ALICE,
        '--data',
        data,
        '--since',
        '7d',
        '--prefix-threshold',
        '2',
        '--json',
      ],
      { from: 'user' },
    );
    const code = process.exitCode;
    process.exitCode = saved;
    assert.equal(code, 0, stderr);
    assert.equal((JSON.parse(stdout) as GenerationReport).evidence.requests, 2);
  });
});
