// The audit trail against a real in-process server: one CloudTrail-shaped line per request,
// allowed and denied, signed (SDK, header and presigned SigV4) and anonymous; denials carry the
// deciding policy type, statement and the engine's message; no secret ever reaches the file.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { presignV4, signV4 } from '../../src/auth/sign.js';
import type { AuditRecord } from '../../src/server/audit/record.js';
import { readAuditRecords } from '../../src/server/audit/query.js';
import { openAuditTrail } from '../../src/server/audit/trail.js';
import type { AuditWriter } from '../../src/server/audit/writer.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';

const BUCKET = 'audit-bucket';
const FAKE_TOKEN = 'FwoGZXIvYXdzEFAKESESSIONTOKENdoNotLogMe0123456789';

describe('audit trail (real server)', () => {
  let server: TestServer;
  let writer: AuditWriter;
  let records: AuditRecord[] = [];
  let fileText = '';
  let fileNames: string[] = [];
  const ids: Record<string, string> = {};
  const signatures: string[] = [];

  const idOf = (res: Response): string => res.headers.get('x-amz-request-id') ?? '';
  const byId = (id: string): AuditRecord => {
    const found = records.filter((r) => r.requestID === id);
    assert.equal(found.length, 1, `one record for ${id}`);
    return found[0] as AuditRecord;
  };

  before(async () => {
    server = await startTestServer();
    assert.ok(server.server);
    writer = openAuditTrail(server.server.services, server.dataDir, { flushIntervalMs: 50 });
    const s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'docs/a.txt', Body: 'hello' }));
    ids['put'] = put.$metadata.requestId ?? '';
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: BUCKET,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenySecrets',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: `arn:aws:s3:::${BUCKET}/secret/*`,
            },
          ],
        }),
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'docs/a.txt' }));
    await got.Body?.transformToString();
    ids['get'] = got.$metadata.requestId ?? '';
    const list = await s3.send(new ListBucketsCommand({}));
    ids['list'] = list.$metadata.requestId ?? '';

    // Explicitly denied to the root user by the bucket policy.
    try {
      await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'secret/x' }));
      assert.fail('expected AccessDenied');
    } catch (e) {
      ids['denied'] = (e as { $metadata?: { requestId?: string } }).$metadata?.requestId ?? '';
    }

    // Anonymous: implicitly denied.
    const anon = await fetch(`${server.url}/${BUCKET}/docs/a.txt`, {
      headers: { 'user-agent': 'audit-test/1' },
    });
    assert.equal(anon.status, 403);
    ids['anonymous'] = idOf(anon);

    // Header-signed by hand, so the signature is known.
    const url = `${server.url}/${BUCKET}/docs/a.txt`;
    const creds = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
    const signed = signV4({ method: 'GET', url, credentials: creds, service: 's3' });
    signatures.push(signed.signature);
    const { host: _h, ...headers } = signed.headers;
    const viaHeader = await fetch(url, { headers });
    assert.equal(viaHeader.status, 200);
    await viaHeader.arrayBuffer();
    ids['header'] = idOf(viaHeader);

    // Presigned: the signature travels in the query string.
    const presigned = presignV4({ method: 'GET', url, credentials: creds, service: 's3', expiresIn: 300 });
    signatures.push(presigned.signature);
    const viaQuery = await fetch(presigned.url);
    assert.equal(viaQuery.status, 200);
    await viaQuery.arrayBuffer();
    ids['presigned'] = idOf(viaQuery);

    // A session token the server does not know, in the header and in a presigned query.
    const withToken = signV4({
      method: 'GET',
      url,
      credentials: { ...creds, sessionToken: FAKE_TOKEN },
      service: 's3',
    });
    signatures.push(withToken.signature);
    const { host: _h2, ...tokenHeaders } = withToken.headers;
    const tokenRes = await fetch(url, { headers: tokenHeaders });
    await tokenRes.arrayBuffer();
    ids['token'] = idOf(tokenRes);
    const tokenQuery = presignV4({
      method: 'GET',
      url,
      credentials: { ...creds, sessionToken: FAKE_TOKEN },
      service: 's3',
      expiresIn: 300,
    });
    signatures.push(tokenQuery.signature);
    const tokenQueryRes = await fetch(tokenQuery.url);
    await tokenQueryRes.arrayBuffer();
    ids['tokenQuery'] = idOf(tokenQueryRes);

    // Not found: an error that is not a denial.
    const missing = await fetch(`${server.url}/no-such-bucket-here/x`);
    await missing.arrayBuffer();
    ids['missing'] = idOf(missing);

    // Drain the server (every response finished and recorded), then flush the trail.
    await server.server.close();
    await writer.close();
    fileText = await readFile(join(server.dataDir, 'audit', 'audit.jsonl'), 'utf8').catch(() => '');
    fileNames = await readdir(join(server.dataDir, 'audit'));
    records = fileText
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as AuditRecord);
  });

  after(async () => {
    await writer.close();
    await server.close();
  });

  it('writes one record per request, each with a request id', () => {
    assert.ok(records.length >= 12, `got ${records.length} records`);
    for (const r of records) assert.match(r.requestID, /^[0-9A-F]{16}$/);
    assert.equal(new Set(records.map((r) => r.requestID)).size, records.length);
    for (const id of Object.values(ids)) byId(id);
  });

  it('records an allowed signed GetObject in the CloudTrail shape', () => {
    const r = byId(ids['get'] ?? '');
    assert.equal(r.eventSource, 's3.amazonaws.com');
    assert.equal(r.eventName, 'GetObject');
    assert.equal(r.eventCategory, 'Data');
    assert.equal(r.readOnly, true);
    assert.equal(r.httpStatus, 200);
    assert.ok(!Number.isNaN(Date.parse(r.eventTime)));
    assert.deepEqual(r.userIdentity, {
      type: 'Root',
      arn: `arn:aws:iam::${TEST_ACCOUNT_ID}:root`,
      accountId: TEST_ACCOUNT_ID,
      accessKeyId: server.accessKeyId,
    });
    assert.match(r.sourceIPAddress, /^(127\.0\.0\.1|::1)$/);
    assert.match(r.userAgent ?? '', /aws-sdk-js/);
    assert.equal(r.requestParameters['bucketName'], BUCKET);
    assert.equal(r.requestParameters['key'], 'docs/a.txt');
    assert.equal(r.decision?.decision, 'Allowed');
    assert.equal(r.decision?.action, 's3:GetObject');
    assert.equal(r.decision?.resource, `arn:aws:s3:::${BUCKET}/docs/a.txt`);
    assert.deepEqual(r.resources, [{ ARN: `arn:aws:s3:::${BUCKET}/docs/a.txt`, type: 'AWS::S3::Object' }]);
    assert.equal(r.errorCode, undefined);
    assert.equal(r.additionalEventData.bytesTransferredOut, 5);
  });

  it('records bytes in and readOnly false for a PutObject', () => {
    const r = byId(ids['put'] ?? '');
    assert.equal(r.eventName, 'PutObject');
    assert.equal(r.readOnly, false);
    assert.equal(r.additionalEventData.bytesTransferredIn, 5);
  });

  it('records a request that needed no policy decision (ListBuckets)', () => {
    const r = byId(ids['list'] ?? '');
    assert.equal(r.eventName, 'ListBuckets');
    assert.equal(r.userIdentity.type, 'Root');
    assert.equal(r.httpStatus, 200);
  });

  it('records an explicit deny with the policy type, statement and the engine message', () => {
    const r = byId(ids['denied'] ?? '');
    assert.equal(r.httpStatus, 403);
    assert.equal(r.errorCode, 'AccessDenied');
    assert.equal(
      r.errorMessage,
      `User: arn:aws:iam::${TEST_ACCOUNT_ID}:root is not authorized to perform: s3:GetObject on resource: ` +
        `"arn:aws:s3:::${BUCKET}/secret/x" with an explicit deny in a resource-based policy`,
    );
    assert.equal(r.decision?.decision, 'ExplicitlyDenied');
    assert.equal(r.decision?.deniedBy, 'resource');
    assert.equal(r.decision?.policyType, 'resource');
    assert.equal(r.decision?.statement, 'DenySecrets');
    assert.equal(r.decision?.explicit, true);
  });

  it('records an anonymous denial', () => {
    const r = byId(ids['anonymous'] ?? '');
    assert.equal(r.userIdentity.type, 'Anonymous');
    assert.equal(r.userAgent, 'audit-test/1');
    assert.equal(r.errorCode, 'AccessDenied');
    assert.equal(r.errorMessage, 'Access Denied');
    assert.equal(r.decision?.decision, 'ImplicitlyDenied');
    assert.notEqual(r.decision?.deniedBy, null);
  });

  it('records header-signed and presigned requests with their access key id', () => {
    for (const k of ['header', 'presigned']) {
      const r = byId(ids[k] ?? '');
      assert.equal(r.httpStatus, 200);
      assert.equal(r.userIdentity.accessKeyId, server.accessKeyId);
    }
    const p = byId(ids['presigned'] ?? '');
    assert.equal(p.requestParameters['X-Amz-Algorithm'], 'AWS4-HMAC-SHA256');
    assert.equal(p.requestParameters['X-Amz-Signature'], undefined);
    assert.equal(p.requestParameters['X-Amz-Credential'], undefined);
  });

  it('records errors that are not denials with their code', () => {
    const r = byId(ids['missing'] ?? '');
    assert.equal(r.httpStatus, 404);
    assert.equal(r.errorCode, 'NoSuchBucket');
    assert.equal(r.decision, null);
    const t = byId(ids['token'] ?? '');
    assert.ok(t.httpStatus >= 400);
    assert.equal(typeof t.errorCode, 'string');
  });

  it('never writes a secret key, a signature or a session token', () => {
    const text = fileText;
    assert.ok(!text.includes(server.secretAccessKey), 'secret access key');
    assert.ok(!text.includes(FAKE_TOKEN), 'session token');
    assert.ok(!text.includes(encodeURIComponent(FAKE_TOKEN)), 'session token (encoded)');
    assert.equal(signatures.length, 4);
    for (const s of signatures) assert.ok(!text.includes(s), `signature ${s}`);
    assert.ok(!/signature"\s*:/i.test(text), 'no signature field');
    assert.ok(!/security-token"\s*:/i.test(text), 'no token field');
    assert.deepEqual(fileNames, ['audit.jsonl']);
  });
});

describe('audit trail rotation and Query calls (real server)', () => {
  it('rotates at a tiny size and reads every request back in order; IAM calls are iam.amazonaws.com', async () => {
    const server = await startTestServer();
    try {
      assert.ok(server.server);
      const writer = openAuditTrail(server.server.services, server.dataDir, {
        maxBytes: 1500,
        maxFiles: 100,
        flushIntervalMs: 5,
      });
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${server.url}/rotation-bucket/k${i}`);
        await res.arrayBuffer();
        ids.push(res.headers.get('x-amz-request-id') ?? '');
        // Let each record reach the file, so rotation happens between requests.
        await new Promise((r) => setTimeout(r, 15));
      }
      const body = 'Action=ListUsers&Version=2010-05-08';
      const signed = signV4({
        method: 'POST',
        url: `${server.url}/`,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
        credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
        service: 'iam',
      });
      const { host: _h, ...headers } = signed.headers;
      const iam = await fetch(`${server.url}/`, { method: 'POST', headers, body });
      await iam.text();
      const iamId = iam.headers.get('x-amzn-requestid') ?? '';
      await server.server.close();
      await writer.close();

      const dir = join(server.dataDir, 'audit');
      const names = await readdir(dir);
      assert.ok(names.filter((n) => n.startsWith('audit-')).length >= 2, names.join());
      const seen: AuditRecord[] = [];
      for await (const r of readAuditRecords(dir)) seen.push(r);
      assert.deepEqual(
        seen.slice(0, 8).map((r) => r.requestID),
        ids,
      );
      const last = seen.at(-1);
      assert.equal(last?.requestID, iamId);
      assert.equal(last?.eventSource, 'iam.amazonaws.com');
      assert.equal(last?.eventName, 'ListUsers');
      assert.equal(last?.userIdentity.type, 'Root');
    } finally {
      await server.close();
    }
  });
});
