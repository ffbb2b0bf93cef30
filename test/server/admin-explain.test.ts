// GET /_portcullis/explain/<request-id> against a real server: a denied request's trace and fix,
// readable by the root user of the caller's or the resource's account and by no one else.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { signV4, type Credentials } from '../../src/auth/sign.js';
import { rootPrincipal } from '../../src/identity/account.js';
import type { IdentityResolver, ResolvedIdentity } from '../../src/identity/resolver.js';
import { compilePolicyText } from '../../src/policy/compile.js';
import { contextFrom, type Principal } from '../../src/policy/request.js';
import { traceAccess, mayShowPolicy } from '../../src/server/admin/access.js';
import type { ExplainReport } from '../../src/server/admin/explain.js';
import type { RequestDecisions } from '../../src/server/decisions.js';
import { startServer, type RunningServer } from '../../src/server/start.js';

const A = '111122223333';
const B = '444455556666';
const ROOT_A: Credentials = {
  accessKeyId: 'AKIAROOTA0000000001',
  secretAccessKey: 'rootA/secret/000000000000000000000000',
};
const ROOT_B: Credentials = {
  accessKeyId: 'AKIAROOTB0000000001',
  secretAccessKey: 'rootB/secret/000000000000000000000000',
};
const ALICE: Credentials = {
  accessKeyId: 'AKIAALICE000000001',
  secretAccessKey: 'alice/secret/000000000000000000000000',
};
const ALICE_ARN = `arn:aws:iam::${A}:user/alice`;

/** Two accounts' root users and one IAM user (alice, account A, allowed s3:* by her own policy). */
class TwoAccounts implements IdentityResolver {
  private readonly byKey = new Map<string, ResolvedIdentity>();
  constructor() {
    const allowAll = compilePolicyText(
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
      { id: 'inline:AliceS3', type: 'identity' },
    );
    if (!allowAll.ok) throw new Error('bad test policy');
    this.add(ROOT_A, rootPrincipal(A), {}, A);
    this.add(ROOT_B, rootPrincipal(B), {}, B);
    this.add(
      ALICE,
      { type: 'user', arn: ALICE_ARN, account: A },
      { identity: [allowAll.policy] },
      'AIDAALICE',
      'alice',
    );
  }
  private add(
    c: Credentials,
    principal: Principal,
    policies: ResolvedIdentity['policies'],
    userId: string,
    username?: string,
  ) {
    this.byKey.set(c.accessKeyId, { ...c, principal, policies, userId, ...(username ? { username } : {}) });
  }
  resolveAccessKey(id: string): Promise<ResolvedIdentity | undefined> {
    return Promise.resolve(this.byKey.get(id));
  }
}

let server: RunningServer;
let dataDir: string;

async function call(
  method: string,
  path: string,
  credentials?: Credentials,
  body?: string,
): Promise<{ status: number; text: string; requestId: string | null }> {
  const url = new URL(path, server.url);
  let headers: Record<string, string> = {};
  if (credentials) {
    const { host: _h, ...signed } = signV4({
      method,
      url,
      credentials,
      service: 's3',
      region: 'us-east-1',
      ...(body ? { body } : {}),
    }).headers;
    headers = signed;
  }
  const res = await fetch(url, { method, headers, ...(body ? { body } : {}) });
  return { status: res.status, text: await res.text(), requestId: res.headers.get('x-amz-request-id') };
}

const explainAs = async (id: string, c?: Credentials) => {
  const r = await call('GET', `/_portcullis/explain/${id}`, c);
  return {
    status: r.status,
    json: JSON.parse(r.text) as ExplainReport & { error?: { code: string; message: string } },
  };
};

describe('explain endpoint', () => {
  let deniedId: string;
  let anonymousId: string;
  let crossId: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portcullis-admin-'));
    server = await startServer({
      dataDir,
      port: 0,
      env: {
        PORTCULLIS_ACCOUNT_ID: A,
        PORTCULLIS_ROOT_ACCESS_KEY_ID: ROOT_A.accessKeyId,
        PORTCULLIS_ROOT_SECRET_ACCESS_KEY: ROOT_A.secretAccessKey,
      },
      identities: new TwoAccounts(),
      log: pino({ level: 'silent' }),
      drainTimeoutMs: 1000,
    });
    assert.equal((await call('PUT', '/docs', ROOT_A)).status, 200);
    assert.equal((await call('PUT', '/docs/secret.txt', ROOT_A, 'top secret')).status, 200);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'NoAliceReads',
          Effect: 'Deny',
          Principal: { AWS: ALICE_ARN },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::docs/*',
        },
      ],
    });
    assert.equal((await call('PUT', '/docs?policy', ROOT_A, policy)).status, 204);

    const denied = await call('GET', '/docs/secret.txt', ALICE);
    assert.equal(denied.status, 403);
    assert.match(denied.text, /explicit deny in a resource-based policy/);
    deniedId = denied.requestId ?? '';
    assert.match(denied.text, new RegExp(`<RequestId>${deniedId}</RequestId>`));

    const anonymous = await call('GET', '/docs/secret.txt');
    assert.equal(anonymous.status, 403);
    anonymousId = anonymous.requestId ?? '';

    const cross = await call('GET', '/docs/secret.txt', ROOT_B);
    assert.equal(cross.status, 403);
    crossId = cross.requestId ?? '';
  });

  after(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the resource account root reads a bucket-policy Deny: deciding statement, caller, context, fix', async () => {
    const { status, json } = await explainAs(deniedId, ROOT_A);
    assert.equal(status, 200);
    assert.equal(json.requestId, deniedId);
    assert.equal(json.operation, 'GetObject');
    assert.equal(json.principal, ALICE_ARN);
    assert.equal(json.principalType, 'user');
    assert.equal(json.action, 's3:GetObject');
    assert.equal(json.resource, 'arn:aws:s3:::docs/secret.txt');
    assert.equal(json.decision, 'ExplicitlyDenied');
    assert.equal(json.deniedBy, 'resource');
    assert.equal(json.explicit, true);
    assert.equal(json.statement, 'NoAliceReads');
    assert.equal(json.userId, 'AIDAALICE');
    assert.equal(json.context['aws:username'], 'alice');
    assert.equal(json.accessKeyId, 'AKIAALICE000000001', 'the key alice signed with');
    assert.equal(json.sessionName, null);
    const bucket = json.policies.find((p) => p.type === 'resource');
    assert.equal(bucket?.outcome, 'Deny');
    assert.equal(bucket?.decidingStatement, 'NoAliceReads');
    assert.equal(json.fix.length, 1);
    assert.equal(json.fix[0]?.policyType, 'resource');
    assert.equal(json.fix[0]?.existingStatement, 'NoAliceReads');
    assert.match(json.fix[0]?.change ?? '', /Remove it, or narrow it/);
    assert.equal(json.fix[0]?.verified, true);
  });

  it('anonymous read of a private object: the fix prefers a signed request', async () => {
    const { status, json } = await explainAs(anonymousId, ROOT_A);
    assert.equal(status, 200);
    assert.equal(json.principalType, 'anonymous');
    assert.equal(json.deniedBy, 'resource');
    assert.equal(json.explicit, false);
    assert.match(json.fix[0]?.change ?? '', /Sign it/);
  });

  it('another account root cannot read it (403), nor can an IAM user, nor an anonymous caller', async () => {
    const b = await explainAs(deniedId, ROOT_B);
    assert.equal(b.status, 403);
    assert.equal(b.json.error?.code, 'AccessDenied');
    assert.equal(b.json.policies, undefined);
    assert.equal((await explainAs(deniedId, ALICE)).status, 403);
    assert.equal((await explainAs(deniedId)).status, 403);
  });

  it('wrong credentials → 403; unknown id → 404 with a JSON error', async () => {
    const wrong = await explainAs(deniedId, { ...ROOT_A, secretAccessKey: 'not-the-secret' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.json.error?.code, 'SignatureDoesNotMatch');
    const unknown = await explainAs('0123456789ABCDEF', ROOT_A);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error?.code, 'NoSuchRequest');
  });

  it('cross-account: each side sees its own policies; the other side is redacted', async () => {
    const owner = await explainAs(crossId, ROOT_A);
    assert.equal(owner.status, 200);
    assert.equal(owner.json.deniedBy, 'resource');
    assert.equal(owner.json.fix[0]?.policyType, 'resource');
    assert.deepEqual(owner.json.fix[0]?.statement, {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${B}:root` },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::docs/secret.txt',
    });
    const caller = await explainAs(crossId, ROOT_B);
    assert.equal(caller.status, 200);
    const bucket = caller.json.policies.find((p) => p.type === 'resource');
    assert.equal(bucket?.redacted, true);
    assert.deepEqual(bucket?.statements, []);
    assert.equal(caller.json.fix[0]?.statement, undefined);
    assert.match(caller.json.fix[0]?.change ?? '', new RegExp(`belongs to account ${A}`));
  });

  it('a virtual-hosted request for a key named _portcullis/... stays S3', async () => {
    // fetch will not send a Host of our choosing; node:http will.
    const contentType = await new Promise<string | undefined>((resolve, reject) => {
      const req = httpRequest(
        {
          port: server.port,
          host: '127.0.0.1',
          path: `/_portcullis/explain/${deniedId}`,
          headers: { host: `docs.localhost:${server.port}` },
        },
        (res) => {
          res.resume();
          resolve(res.headers['content-type']);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(contentType, 'application/xml', 'answered by S3 (a key in bucket docs), not by explain');
  });
});

describe('explain authorization rule (unit)', () => {
  const record = (principal: Principal, resourceAccount: string): RequestDecisions => ({
    requestId: 'X',
    at: new Date(),
    operation: 'GetObject',
    decisions: [
      {
        request: {
          principal,
          action: 's3:GetObject',
          resource: 'arn:aws:s3:::b/k',
          resourceAccount,
          context: contextFrom(),
        },
        policies: {},
        decision: {
          decision: 'ImplicitlyDenied',
          deniedBy: 'resource',
          explicit: false,
          decidedBy: 'resource',
          policyId: null,
          statement: null,
          rule: 'cross-account-resource-no-allow',
          sessionDenies: false,
        },
      },
    ],
  });
  const alice: Principal = { type: 'user', arn: ALICE_ARN, account: A };

  it('root of the caller account or of the resource account; nobody else', () => {
    const sameAccount = record(alice, A);
    assert.deepEqual(traceAccess(rootPrincipal(A), sameAccount), {
      allowed: true,
      callerSide: true,
      resourceSide: true,
    });
    assert.equal(traceAccess(rootPrincipal(B), sameAccount).allowed, false);
    assert.equal(traceAccess(alice, sameAccount).allowed, false);
    assert.equal(
      traceAccess({ type: 'anonymous', arn: 'anonymous', account: '' }, sameAccount).allowed,
      false,
    );
  });

  it('cross-account: both roots, each with only its own side', () => {
    const cross = record({ type: 'user', arn: `arn:aws:iam::${B}:user/bob`, account: B }, A);
    const owner = traceAccess(rootPrincipal(A), cross);
    const callerRoot = traceAccess(rootPrincipal(B), cross);
    assert.deepEqual(owner, { allowed: true, callerSide: false, resourceSide: true });
    assert.deepEqual(callerRoot, { allowed: true, callerSide: true, resourceSide: false });
    assert.equal(mayShowPolicy(owner, 'resource'), true);
    assert.equal(mayShowPolicy(owner, 'identity'), false);
    assert.equal(mayShowPolicy(callerRoot, 'identity'), true);
    assert.equal(mayShowPolicy(callerRoot, 'resource'), false);
    assert.equal(traceAccess(rootPrincipal('999988887777'), cross).allowed, false);
  });

  it('anonymous requests: only the resource account root', () => {
    const anon = record({ type: 'anonymous', arn: 'anonymous', account: '' }, A);
    assert.equal(traceAccess(rootPrincipal(A), anon).allowed, true);
    assert.equal(traceAccess(rootPrincipal(B), anon).allowed, false);
  });
});
