// Encoded authorization messages end to end (`serve --encode-denials`): a denied S3 or IAM call
// carries "Encoded authorization failure message: <blob>", which sts:DecodeAuthorizationMessage
// (AWS SDK and aws-cli) turns into AWS's DecodedMessage JSON plus the explain trace naming the
// deciding policy and statement; only for callers allowed to decode, only for the accounts that
// took part; hostile blobs are InvalidAuthorizationMessageException; off unless asked for.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DecodeAuthorizationMessageCommand } from '@aws-sdk/client-sts';
import { AuthorizationMessageKey } from '../../src/api/sts/authorization-message.js';
import { loadMasterKey } from '../../src/identity/secrets.js';
import { rootPrincipal } from '../../src/identity/account.js';
import { DecisionLog } from '../../src/server/decisions.js';
import { decodeDenial, type DecodedDenial } from '../../src/server/admin/denial-message.js';
import { ossClient, rejection } from '../oss/helpers.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';
import { awsCli, awsCliFailure, Clients, failure, statusOf, type Keys } from './helpers.js';

const BUCKET = 'reports';
const BLOB = /Encoded authorization failure message: ([A-Za-z0-9_-]+)$/;

function blobOf(message: string): string {
  const m = BLOB.exec(message);
  assert.ok(m?.[1], `an encoded message at the end of: ${message}`);
  return m[1];
}

describe('encoded authorization messages (PORTCULLIS_ENCODE_DENIALS=1)', () => {
  let server: TestServer;
  let clients: Clients;
  let reader: Keys;
  let auditor: Keys;
  let nobody: Keys;

  before(async () => {
    server = await startTestServer({ env: { PORTCULLIS_ENCODE_DENIALS: '1' } });
    clients = new Clients(server);
    await clients.s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
    await clients.s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'q3.txt', Body: 'numbers' }));
    reader = await clients.user('reader', [
      { Sid: 'ReadReports', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
      { Sid: 'NoQ3', Effect: 'Deny', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/q3.txt` },
    ]);
    auditor = await clients.user('auditor', [
      { Effect: 'Allow', Action: 'sts:DecodeAuthorizationMessage', Resource: '*' },
    ]);
    nobody = await clients.user('nobody', [
      { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
    ]);
  });

  after(async () => {
    clients.destroy();
    await server.close();
  });

  const decode = async (as: Keys, blob: string): Promise<DecodedDenial> => {
    const out = await clients.sts(as).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: blob }));
    return JSON.parse(out.DecodedMessage ?? '') as DecodedDenial;
  };

  const deniedGet = async () => {
    const e = await failure(clients.s3(reader).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'q3.txt' })));
    assert.equal(e.name, 'AccessDenied');
    assert.equal(statusOf(e), 403);
    return e;
  };

  it('a denied GetObject keeps its readable message and appends the encoded one (also in its own element)', async () => {
    const e = await deniedGet();
    assert.match(
      e.message,
      /^User: arn:aws:iam::111122223333:user\/reader is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::reports\/q3.txt" with an explicit deny in an identity-based policy\. Encoded authorization failure message: /,
    );
    const blob = blobOf(e.message);
    assert.ok(blob.length <= 10240, `within AWS's limit: ${blob.length}`);
    assert.equal(e['EncodedAuthorizationMessage'], blob, 'the SDK exposes the extra element');
  });

  it('decoded by a principal allowed sts:DecodeAuthorizationMessage: AWS fields plus the trace naming the Deny', async () => {
    const e = await deniedGet();
    const requestId = (e['$metadata'] as { requestId?: string }).requestId;
    const decoded = await decode(auditor, blobOf(e.message));
    assert.equal(decoded.allowed, false);
    assert.equal(decoded.explicitDeny, true);
    assert.equal(decoded.matchedStatements.items.length, 1);
    assert.equal(decoded.matchedStatements.items[0]?.statementId, 'NoQ3');
    assert.equal(decoded.matchedStatements.items[0]?.effect, 'DENY');
    assert.match(decoded.matchedStatements.items[0]?.policyId ?? '', /reader-policy/);
    assert.equal(decoded.context.action, 's3:GetObject');
    assert.equal(decoded.context.resource, `arn:aws:s3:::${BUCKET}/q3.txt`);
    assert.equal(decoded.context.principal.arn, `arn:aws:iam::${TEST_ACCOUNT_ID}:user/reader`);
    assert.equal(decoded.context.principal.name, 'reader');
    assert.ok(decoded.context.conditions.items.some((c) => c.key === 'aws:sourceip'));
    assert.equal(decoded.requestId, requestId);
    const trace = decoded.trace;
    assert.ok(trace, 'the trace is in the message');
    assert.equal(trace.decision, 'ExplicitlyDenied');
    assert.equal(trace.deniedBy, 'identity');
    assert.equal(trace.statement, 'NoQ3');
    assert.equal(trace.operation, 'GetObject');
    const identity = trace.policies.find((p) => p.type === 'identity');
    assert.equal(identity?.outcome, 'Deny');
    assert.equal(identity?.decidingStatement, 'NoQ3');
    assert.equal(trace.fix[0]?.policyType, 'identity');
    assert.equal(trace.fix[0]?.existingStatement, 'NoQ3');
  });

  it('aws sts decode-authorization-message decodes it too', async () => {
    const blob = blobOf((await deniedGet()).message);
    const out = await awsCli(server, auditor, [
      'sts',
      'decode-authorization-message',
      '--encoded-message',
      blob,
      '--output',
      'json',
    ]);
    const decoded = JSON.parse(
      (JSON.parse(out.stdout) as { DecodedMessage: string }).DecodedMessage,
    ) as DecodedDenial;
    assert.equal(decoded.explicitDeny, true);
    assert.equal(decoded.matchedStatements.items[0]?.statementId, 'NoQ3');
    assert.equal(decoded.trace?.statement, 'NoQ3');
  });

  it('a principal not allowed sts:DecodeAuthorizationMessage gets AccessDenied', async () => {
    const blob = blobOf((await deniedGet()).message);
    const e = await failure(
      clients.sts(nobody).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: blob })),
    );
    assert.equal(e.name, 'AccessDenied');
    assert.equal(statusOf(e), 403);
    assert.match(e.message, /is not authorized to perform: sts:DecodeAuthorizationMessage/);
    const cli = await awsCliFailure(server, nobody, [
      'sts',
      'decode-authorization-message',
      '--encoded-message',
      blob,
    ]);
    assert.match(cli, /AccessDenied/);
  });

  it('truncated, tampered, too long or garbage messages: InvalidAuthorizationMessageException', async () => {
    const blob = blobOf((await deniedGet()).message);
    const middle = Math.floor(blob.length / 2);
    const flipped = blob[middle] === 'A' ? 'B' : 'A';
    const hostile = [
      blob.slice(0, middle),
      blob.slice(0, -1),
      `${blob.slice(0, middle)}${flipped}${blob.slice(middle + 1)}`,
      'A'.repeat(10241),
      'x'.repeat(60_000),
      'not base64 at all!',
      Buffer.from('{"allowed":true}').toString('base64url'),
    ];
    for (const message of hostile) {
      const e = await failure(decode(auditor, message));
      assert.equal(e.name, 'InvalidAuthorizationMessageException', `${message.slice(0, 40)}…: ${e.message}`);
      assert.equal(statusOf(e), 400);
    }
    const cli = await awsCliFailure(server, auditor, [
      'sts',
      'decode-authorization-message',
      '--encoded-message',
      blob.slice(0, middle),
    ]);
    assert.match(cli, /InvalidAuthorizationMessageException/);
  });

  it('an IAM Query AccessDenied carries one too, decoding to the missing identity Allow', async () => {
    const e = await failure(clients.iam(reader).send(new ListUsersCommand({})));
    assert.equal(e.name, 'AccessDenied');
    assert.match(
      e.message,
      /^User: .*user\/reader is not authorized to perform: iam:ListUsers on resource: /,
    );
    const decoded = await decode(auditor, blobOf(e.message));
    assert.equal(decoded.allowed, false);
    assert.equal(decoded.explicitDeny, false);
    assert.deepEqual(decoded.matchedStatements, { items: [] });
    assert.equal(decoded.context.action, 'iam:ListUsers');
    assert.equal(decoded.trace?.operation, 'ListUsers');
    assert.equal(decoded.trace?.deniedBy, 'identity');
    assert.match(decoded.trace?.fix[0]?.change ?? '', /iam:ListUsers|Add/);
  });

  it('an anonymous denial is encoded for the bucket owner, who decodes it', async () => {
    const res = await fetch(`${server.url}/${BUCKET}/q3.txt`);
    assert.equal(res.status, 403);
    const body = await res.text();
    const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '';
    assert.match(message, /^Access Denied\. Encoded authorization failure message: /);
    const element = /<EncodedAuthorizationMessage>([^<]*)<\/EncodedAuthorizationMessage>/.exec(body)?.[1];
    assert.equal(element, blobOf(message));
    const decoded = await decode(clients.root, blobOf(message));
    assert.equal(decoded.context.principal.arn, 'anonymous');
    assert.equal(decoded.trace?.principalType, 'anonymous');
  });

  it('the OSS dialect: the OSS message, then the encoded one (GET body and HEAD x-oss-err alike)', async () => {
    const bucket = 'oss-encoded';
    const oss = ossClient(server, { bucket });
    await oss.putBucket(bucket);
    await oss.put('secret.txt', Buffer.from('s'));
    await oss.putBucketPolicy(bucket, {
      Version: '1',
      Statement: [
        {
          Effect: 'Deny',
          Principal: ['*'],
          Action: ['oss:GetObject'],
          Resource: [`acs:oss:*:*:${bucket}/secret.txt`],
        },
      ],
    });
    const get = await rejection(oss.get('secret.txt'));
    assert.equal(get.code, 'AccessDenied');
    assert.match(get.message, /^Access denied by bucket policy\. Encoded authorization failure message: /);
    const head = await rejection(oss.head('secret.txt'));
    assert.equal(head.code, 'AccessDenied');
    const blob = blobOf(head.message);
    assert.ok(blob.length <= 4096, `small enough for the x-oss-err header: ${blob.length}`);
    const decoded = await decode(clients.root, blob);
    assert.equal(decoded.explicitDeny, true);
    assert.equal(decoded.context.action, 'oss:GetObject');
    assert.equal(decoded.trace?.deniedBy, 'resource');
    assert.equal(decoded.trace?.operation, 'HeadObject');
  });

  it('long policies: the blob stays within the limit; the full trace while held, a compact copy after', async () => {
    // As long as an inline policy may be (6144 characters), and far longer as a trace.
    const statements = Array.from({ length: 28 }, (_, i) => ({
      Sid: `U${i}`,
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/t${i}/*`,
      Condition: { IpAddress: { 'aws:SourceIp': [`10.${i}.0.0/16`, `10.${i + 100}.0.0/16`] } },
    }));
    statements.push({
      Sid: 'NoQ3Either',
      Effect: 'Deny',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/q3.txt`,
      Condition: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/0', '::/0'] } },
    });
    const busy = await clients.user('busy', statements);
    const e = await failure(clients.s3(busy).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'q3.txt' })));
    const blob = blobOf(e.message);
    assert.ok(blob.length <= 10240, `within AWS's limit: ${blob.length}`);
    const held = await decode(auditor, blob);
    assert.equal(held.trace?.policies.find((p) => p.type === 'identity')?.statements.length, 29);
    assert.equal(held.trace?.statement, 'NoQ3Either');

    // The same blob once the server no longer holds the request (an empty decision log).
    const key = AuthorizationMessageKey.fromMasterKey((await loadMasterKey(server.dataDir)).key);
    const later = decodeDenial(key, blob, rootPrincipal(TEST_ACCOUNT_ID), new DecisionLog(1));
    assert.ok(later.ok);
    const identity = later.decoded.trace?.policies.find((p) => p.type === 'identity');
    assert.deepEqual(
      identity?.statements.map((s) => s.statement),
      ['NoQ3Either'],
    );
    assert.equal(identity?.omittedStatements, 28);
    assert.equal(later.decoded.trace?.statement, 'NoQ3Either');
    assert.equal(later.decoded.matchedStatements.items[0]?.statementId, 'NoQ3Either');
  });

  it('another account cannot read the message, whatever its permissions', async () => {
    const blob = blobOf((await deniedGet()).message);
    const key = AuthorizationMessageKey.fromMasterKey((await loadMasterKey(server.dataDir)).key);
    const decisions = server.server?.services.decisions;
    assert.ok(decisions);
    const foreign = decodeDenial(key, blob, rootPrincipal('999988887777'), decisions);
    assert.equal(foreign.ok, false);
    assert.equal(foreign.ok === false && foreign.reason, 'foreign');
    const own = decodeDenial(key, blob, rootPrincipal(TEST_ACCOUNT_ID), decisions);
    assert.equal(own.ok && own.decoded.trace?.statement, 'NoQ3');
  });
});

describe('encoded authorization messages are off by default', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    await server.client().send(new CreateBucketCommand({ Bucket: BUCKET }));
    await server.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'q3.txt', Body: 'numbers' }));
  });

  after(async () => {
    await server.close();
  });

  it('a denial says only Access Denied, with no encoded message', async () => {
    const res = await fetch(`${server.url}/${BUCKET}/q3.txt`);
    assert.equal(res.status, 403);
    const body = await res.text();
    assert.match(body, /<Message>Access Denied<\/Message>/);
    assert.doesNotMatch(body, /Encoded|EncodedAuthorizationMessage/);
  });
});
