// The audit writer (buffering, rotation, pruning, failures that never throw) and the record
// builder on its own (identity types, event sources, parameter filtering, error bodies).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseErrorBody } from '../../src/server/audit/hook.js';
import { readAuditRecords } from '../../src/server/audit/query.js';
import { buildAuditRecord, type AuditObservation } from '../../src/server/audit/record.js';
import { AuditWriter, compareRotated, rotatedName } from '../../src/server/audit/writer.js';
import type { Principal } from '../../src/policy/request.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'portcullis-audit-'));
  dirs.push(d);
  return d;
}
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const silent = { error: () => undefined };

describe('AuditWriter', () => {
  it('buffers records and writes them on flush, one JSON object per line', async () => {
    const dir = join(await tempDir(), 'audit');
    const w = new AuditWriter({ dir, flushIntervalMs: 60_000, log: silent });
    w.append({ eventTime: '2024-01-01T00:00:00.000Z', n: 1 });
    w.append({ eventTime: '2024-01-01T00:00:01.000Z', n: 2 });
    await assert.rejects(readFile(join(dir, 'audit.jsonl')), 'nothing written before a flush');
    await w.flush();
    const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { n: number }).n),
      [1, 2],
    );
    await w.close();
    assert.equal(w.stats.written, 2);
  });

  it('flushes on its interval without being asked', async () => {
    const dir = await tempDir();
    const w = new AuditWriter({ dir, flushIntervalMs: 10, log: silent });
    w.append({ eventTime: '2024-01-01T00:00:00.000Z' });
    await new Promise((r) => setTimeout(r, 80));
    assert.match(await readFile(join(dir, 'audit.jsonl'), 'utf8'), /eventTime/);
    await w.close();
  });

  it('rotates past the size limit, keeps the newest K files, and reads back in time order', async () => {
    const dir = await tempDir();
    let t = Date.parse('2024-05-01T00:00:00.000Z');
    const w = new AuditWriter({
      dir,
      maxBytes: 200,
      maxFiles: 3,
      flushIntervalMs: 60_000,
      log: silent,
      now: () => new Date((t += 1000)),
    });
    for (let i = 0; i < 12; i++) {
      w.append({
        eventTime: new Date(Date.parse('2024-05-01T00:00:00.000Z') + i).toISOString(),
        eventName: 'GetObject',
        userIdentity: { type: 'Root' },
        seq: i,
        pad: 'x'.repeat(100),
      });
      await w.flush();
    }
    await w.close();
    const names = (await readdir(dir)).sort();
    const rotated = names.filter((n) => n !== 'audit.jsonl');
    assert.equal(rotated.length, 3, names.join());
    for (const n of rotated) assert.match(n, /^audit-\d{8}T\d{9}Z\.jsonl$/);
    assert.ok(w.stats.rotations >= 5);
    const seqs: number[] = [];
    for await (const r of readAuditRecords(dir)) seqs.push((r as unknown as { seq: number }).seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'oldest first across files',
    );
    assert.equal(seqs.at(-1), 11);
  });

  it('names rotated files so that they sort in time order', () => {
    assert.equal(rotatedName(new Date('2024-01-02T03:04:05.678Z')), 'audit-20240102T030405678Z.jsonl');
    const names = [
      'audit-20240102T030405678Z-2.jsonl',
      'audit-20240102T030405678Z.jsonl',
      'audit-20240101T000000000Z.jsonl',
      'audit-20240102T030405678Z-10.jsonl',
    ];
    assert.deepEqual(names.sort(compareRotated), [
      'audit-20240101T000000000Z.jsonl',
      'audit-20240102T030405678Z.jsonl',
      'audit-20240102T030405678Z-2.jsonl',
      'audit-20240102T030405678Z-10.jsonl',
    ]);
  });

  it('never throws when the directory cannot be written: logs once, counts, drops', async () => {
    const base = await tempDir();
    const blocker = join(base, 'not-a-dir');
    await writeFile(blocker, 'file in the way');
    const logged: unknown[] = [];
    const w = new AuditWriter({
      dir: join(blocker, 'audit'),
      flushIntervalMs: 60_000,
      log: { error: (o: unknown) => logged.push(o) },
    });
    w.append({ a: 1 });
    await w.flush();
    w.append({ a: 2 });
    await w.flush();
    await w.close();
    assert.equal(logged.length, 1);
    assert.equal(w.stats.errors, 2);
    assert.equal(w.stats.dropped, 2);
    assert.equal(w.stats.written, 0);
  });

  it('drops records appended after close', async () => {
    const w = new AuditWriter({ dir: await tempDir(), log: silent });
    await w.close();
    w.append({ late: true });
    assert.equal(w.stats.dropped, 1);
  });
});

const ACCOUNT = '111122223333';
function observe(extra: Partial<AuditObservation>): AuditObservation {
  return {
    front: 's3',
    method: 'GET',
    url: '/b/k',
    region: 'us-east-1',
    sourceIp: '203.0.113.7',
    userAgent: 'test',
    authorization: undefined,
    status: 200,
    requestId: '0123456789ABCDEF',
    startedAt: new Date('2024-01-01T00:00:00.000Z'),
    finishedAt: new Date('2024-01-01T00:00:00.010Z'),
    decisions: undefined,
    ...extra,
  };
}

describe('buildAuditRecord', () => {
  it('maps every principal type to a CloudTrail identity type', () => {
    const cases: [Principal, string][] = [
      [{ type: 'root', arn: `arn:aws:iam::${ACCOUNT}:root`, account: ACCOUNT }, 'Root'],
      [{ type: 'user', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, account: ACCOUNT }, 'IAMUser'],
      [
        {
          type: 'assumed-role',
          arn: `arn:aws:sts::${ACCOUNT}:assumed-role/App/s1`,
          account: ACCOUNT,
          roleArn: `arn:aws:iam::${ACCOUNT}:role/App`,
        },
        'AssumedRole',
      ],
      [
        {
          type: 'federated-user',
          arn: `arn:aws:sts::${ACCOUNT}:federated-user/bob`,
          account: ACCOUNT,
          federatedUserArn: `arn:aws:iam::${ACCOUNT}:user/bob`,
        },
        'FederatedUser',
      ],
      [{ type: 'anonymous', arn: 'anonymous', account: '' }, 'Anonymous'],
    ];
    for (const [principal, type] of cases) {
      const r = buildAuditRecord(observe({ principal, accessKeyId: 'AKIAEXAMPLE' }));
      assert.equal(r.userIdentity.type, type);
    }
    const role = buildAuditRecord(observe({ principal: cases[2]?.[0] as Principal }));
    assert.deepEqual(role.userIdentity.sessionContext?.sessionIssuer, {
      type: 'Role',
      arn: `arn:aws:iam::${ACCOUNT}:role/App`,
      accountId: ACCOUNT,
      userName: 'App',
    });
    assert.equal(role.userIdentity.sessionContext?.attributes['mfaAuthenticated'], 'false');
    const fed = buildAuditRecord(observe({ principal: cases[3]?.[0] as Principal }));
    assert.equal(fed.userIdentity.sessionContext?.sessionIssuer.arn, `arn:aws:iam::${ACCOUNT}:user/bob`);
  });

  it('names the event source by front and version', () => {
    assert.equal(buildAuditRecord(observe({})).eventSource, 's3.amazonaws.com');
    assert.equal(buildAuditRecord(observe({ front: 'oss' })).eventSource, 'oss.aliyuncs.com');
    const sts = buildAuditRecord(
      observe({ front: 'query', url: '/?Action=GetCallerIdentity&Version=2011-06-15' }),
    );
    assert.equal(sts.eventSource, 'sts.amazonaws.com');
    assert.equal(sts.eventName, 'GetCallerIdentity');
    assert.equal(
      buildAuditRecord(observe({ front: 'query', url: '/?Action=ListUsers&Version=2010-05-08' })).eventSource,
      'iam.amazonaws.com',
    );
  });

  it('keeps safe query parameters and the access key id, never signatures, tokens or passwords', () => {
    const url =
      '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAQUERY%2F20240101%2Fus-east-1%2Fs3%2Faws4_request' +
      '&X-Amz-Signature=deadbeefsig&X-Amz-Security-Token=tok3n&Signature=v2sig&security-token=osstok' +
      '&SecretAccessKey=s3cr3t&Password=hunter2&NewPassword=hunter3&versionId=v1&Policy=%7B%7D';
    const r = buildAuditRecord(observe({ url, bucket: 'b', key: 'k' }));
    assert.deepEqual(r.requestParameters, {
      bucketName: 'b',
      key: 'k',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      versionId: 'v1',
      Policy: '{}',
    });
    assert.equal(r.userIdentity.accessKeyId, 'AKIAQUERY');
    const text = JSON.stringify(r);
    for (const secret of ['deadbeefsig', 'tok3n', 'v2sig', 'osstok', 's3cr3t', 'hunter2', 'hunter3'])
      assert.ok(!text.includes(secret), secret);
    const header = buildAuditRecord(
      observe({
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAHEADER/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abcdef0123',
      }),
    );
    assert.equal(header.userIdentity.accessKeyId, 'AKIAHEADER');
    assert.ok(!JSON.stringify(header).includes('abcdef0123'));
    const v2 = buildAuditRecord(observe({ authorization: 'AWS AKIAV2:c2lnbmF0dXJl' }));
    assert.equal(v2.userIdentity.accessKeyId, 'AKIAV2');
    assert.ok(!JSON.stringify(v2).includes('c2lnbmF0dXJl'));
  });

  it('reads the code and message of XML and JSON error bodies', () => {
    assert.deepEqual(
      parseErrorBody(
        '<Error><Code>NoSuchKey</Code><Message>The key &quot;a&amp;b&quot; does not exist</Message></Error>',
      ),
      { code: 'NoSuchKey', message: 'The key "a&b" does not exist' },
    );
    assert.deepEqual(parseErrorBody('{"error":{"code":"NotFound","message":"gone"}}'), {
      code: 'NotFound',
      message: 'gone',
    });
    assert.deepEqual(parseErrorBody('<html>'), {});
  });
});
