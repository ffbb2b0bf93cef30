// `portcullis audit` over a fixture trail: filters, time order across rotated files, hostile and
// truncated lines skipped, human and JSON output, exit codes naming the bad option.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerAudit, runAudit, type AuditCliOptions } from '../../src/cli/audit.js';
import { parseTime } from '../../src/server/audit/query.js';

const NOW = new Date('2024-06-01T12:00:00.000Z');
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const ROOT = 'arn:aws:iam::111122223333:root';

function event(
  minutesAgo: number,
  id: string,
  arn: string,
  action: string,
  decision: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied',
  bucket = 'photos',
) {
  const denied = decision !== 'Allowed';
  return {
    eventVersion: '1.09',
    eventTime: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
    eventSource: 's3.amazonaws.com',
    eventName: action.split(':')[1],
    userIdentity: { type: arn === ROOT ? 'Root' : 'IAMUser', arn, accountId: '111122223333' },
    requestParameters: { bucketName: bucket, key: 'a.jpg' },
    httpStatus: denied ? 403 : 200,
    requestID: id,
    ...(denied ? { errorCode: 'AccessDenied', errorMessage: 'denied' } : {}),
    decision: {
      decision,
      deniedBy: denied ? 'identity' : null,
      explicit: decision === 'ExplicitlyDenied',
      policyType: denied ? 'identity' : 'identity',
      policyId: null,
      statement: decision === 'ExplicitlyDenied' ? 'NoDeletes' : null,
      rule: 'x',
      action,
      resource: `arn:aws:s3:::${bucket}/a.jpg`,
      evaluations: 1,
    },
  };
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portcullis-audit-cli-'));
  const line = (o: object) => JSON.stringify(o) + '\n';
  // Oldest rotated file, then a newer one, then the current file (with a truncated last line).
  await writeFile(
    join(dir, 'audit-20240601T090000000Z.jsonl'),
    line(event(200, 'OLD0000000000001', ROOT, 's3:GetObject', 'Allowed')),
  );
  await writeFile(
    join(dir, 'audit-20240601T113000000Z.jsonl'),
    line(event(50, 'MID0000000000001', ALICE, 's3:DeleteObject', 'ExplicitlyDenied')) +
      '[1,2,3]\n' +
      '{"eventTime":"not a time","eventName":"x","userIdentity":{}}\n' +
      '"just a string"\n' +
      line(event(40, 'MID0000000000002', ALICE, 's3:GetObject', 'Allowed')),
  );
  const current = line(event(20, 'NEW0000000000001', ROOT, 's3:PutObject', 'Allowed', 'docs'));
  const truncated = JSON.stringify(event(5, 'NEW0000000000002', ALICE, 's3:GetObject', 'ImplicitlyDenied'));
  await writeFile(join(dir, 'audit.jsonl'), current + '\u0000\u001b[31mgarbage\n' + truncated.slice(0, 60));
  // Not part of the trail.
  await writeFile(join(dir, 'notes.txt'), 'ignore me');
});
after(async () => rm(dir, { recursive: true, force: true }));

async function run(opts: AuditCliOptions) {
  let stdout = '';
  let stderr = '';
  const code = await runAudit(
    { dir, ...opts },
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: NOW },
  );
  return { code, stdout, stderr, lines: stdout.split('\n').filter((l) => l !== '') };
}

const idsOf = (lines: string[]) => lines.map((l) => (JSON.parse(l) as { requestID: string }).requestID);

describe('portcullis audit', () => {
  it('lists every readable event oldest first, skipping hostile and truncated lines', async () => {
    const r = await run({ json: true });
    assert.equal(r.code, 0);
    assert.deepEqual(idsOf(r.lines), [
      'OLD0000000000001',
      'MID0000000000001',
      'MID0000000000002',
      'NEW0000000000001',
    ]);
    assert.match(r.stderr, /4 event\(s\) from 9 line\(s\) in 3 file\(s\), 5 unreadable line\(s\) skipped/);
  });

  it('--denied keeps denials only, in human form with the deciding statement', async () => {
    const r = await run({ denied: true });
    assert.equal(r.code, 0);
    assert.equal(r.lines.length, 1);
    assert.equal(
      r.lines[0],
      `${new Date(NOW.getTime() - 50 * 60_000).toISOString()}  ${ALICE}  s3:DeleteObject  ` +
        'arn:aws:s3:::photos/a.jpg  ExplicitlyDenied (identity NoDeletes)  403  MID0000000000001',
    );
  });

  it('--allowed, --principal (substring), --action, --bucket', async () => {
    assert.deepEqual(idsOf((await run({ json: true, allowed: true, principal: 'user/ALICE' })).lines), [
      'MID0000000000002',
    ]);
    assert.deepEqual(idsOf((await run({ json: true, principal: ':root' })).lines), [
      'OLD0000000000001',
      'NEW0000000000001',
    ]);
    assert.deepEqual(idsOf((await run({ json: true, action: 's3:getobject' })).lines), [
      'OLD0000000000001',
      'MID0000000000002',
    ]);
    assert.deepEqual(idsOf((await run({ json: true, action: 'PutObject' })).lines), ['NEW0000000000001']);
    assert.deepEqual(idsOf((await run({ json: true, bucket: 'docs' })).lines), ['NEW0000000000001']);
  });

  it('--since and --until, relative or ISO; --limit', async () => {
    assert.deepEqual(idsOf((await run({ json: true, since: '1h' })).lines), [
      'MID0000000000001',
      'MID0000000000002',
      'NEW0000000000001',
    ]);
    assert.deepEqual(idsOf((await run({ json: true, since: '45m', until: '2024-06-01T11:30:00Z' })).lines), [
      'MID0000000000002',
    ]);
    assert.deepEqual(idsOf((await run({ json: true, limit: '2' })).lines), [
      'OLD0000000000001',
      'MID0000000000001',
    ]);
  });

  it('prints nothing and exits 0 when nothing matches', async () => {
    const r = await run({ principal: 'nobody' });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^0 event\(s\)/);
  });

  it('exits 2 naming the bad option', async () => {
    const cases: [AuditCliOptions, RegExp][] = [
      [{ since: 'yesterday' }, /--since/],
      [{ until: '5 parsecs' }, /--until/],
      [{ limit: '0' }, /--limit/],
      [{ limit: 'ten' }, /--limit/],
      [{ denied: true, allowed: true }, /--denied and --allowed/],
      [{ dir: join(dir, 'missing') }, /--dir/],
      [{ principal: ' ' }, /--principal/],
    ];
    for (const [opts, message] of cases) {
      const r = await run(opts);
      assert.equal(r.code, 2, JSON.stringify(opts));
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });

  it('parses durations and ISO times', () => {
    assert.equal(parseTime('30m', NOW)?.toISOString(), '2024-06-01T11:30:00.000Z');
    assert.equal(parseTime('7d', NOW)?.toISOString(), '2024-05-25T12:00:00.000Z');
    assert.equal(parseTime('2024-01-01', NOW)?.toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(parseTime('1.5h', NOW), undefined);
    assert.equal(parseTime('12345', NOW), undefined);
  });

  it('registers as a commander sub-command', async () => {
    let out = '';
    const program = new Command().exitOverride();
    registerAudit(program, { stdout: (t) => (out += t), stderr: () => undefined });
    const previous = process.exitCode;
    await program.parseAsync(['node', 'portcullis', 'audit', '--dir', dir, '--denied', '--json']);
    assert.equal(process.exitCode, 0);
    process.exitCode = previous;
    assert.deepEqual(idsOf(out.split('\n').filter((l) => l !== '')), ['MID0000000000001']);
  });
});
