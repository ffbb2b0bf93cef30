// Sealed session tokens: round trip, tampering, expiry, key id binding, rotation.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { MasterKey, Secret } from '../../src/identity/secrets.js';
import {
  SessionTokenError,
  TokenKeyRing,
  deriveTokenKey,
  type SessionClaims,
  type SessionTokenErrorCode,
} from '../../src/sts/session-token.js';

const master = new MasterKey(Buffer.alloc(32, 9));
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

function claims(extra: Partial<SessionClaims> = {}): SessionClaims {
  return {
    accessKeyId: 'ASIAEXAMPLE000000001',
    secretAccessKey: new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
    account: '111122223333',
    principal: {
      type: 'assumed-role',
      roleArn: 'arn:aws:iam::111122223333:role/app/Writer',
      roleId: 'AROAEXAMPLEEXAMPLE01',
      sessionName: 'usr001',
    },
    sourceIdentity: 'alice',
    policies: ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'],
    policyArns: ['arn:aws:iam::111122223333:policy/Extra'],
    tags: { project: 'blue', 'cost-center': '42' },
    transitiveTagKeys: ['project'],
    issuedAt: new Date(NOW),
    expiresAt: new Date(NOW + 3600_000),
    chainDepth: 1,
    ...extra,
  };
}

function fails(fn: () => unknown, code: SessionTokenErrorCode): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SessionTokenError, String(e));
    assert.equal(e.code, code);
    return true;
  });
}

describe('session tokens', () => {
  const ring = TokenKeyRing.fromMasterKey(master);

  it('round-trip every claim', () => {
    const c = claims();
    const token = ring.seal(c);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    const opened = ring.open(token, { accessKeyId: c.accessKeyId, now: NOW });
    assert.deepEqual(
      { ...opened, secretAccessKey: opened.secretAccessKey.reveal() },
      { ...c, secretAccessKey: c.secretAccessKey.reveal() },
    );
  });

  it('round-trip federated and GetSessionToken principals, and minimal claims', () => {
    for (const principal of [
      {
        type: 'federated-user',
        name: 'bob',
        userArn: 'arn:aws:iam::111122223333:user/alice',
        userId: 'AIDAEXAMPLE',
      },
      {
        type: 'session-token',
        subjectArn: 'arn:aws:iam::111122223333:user/alice',
        subjectId: 'AIDAEXAMPLE',
        userName: 'alice',
      },
      { type: 'session-token', subjectArn: 'arn:aws:iam::111122223333:root', subjectId: '111122223333' },
    ] as const) {
      const c = claims({
        principal,
        policies: [],
        policyArns: [],
        tags: {},
        transitiveTagKeys: [],
        chainDepth: 0,
      });
      const { sourceIdentity: _drop, ...withoutSource } = c;
      void _drop;
      const opened = ring.open(ring.seal(withoutSource), { now: NOW });
      assert.deepEqual(opened.principal, principal);
      assert.deepEqual(
        [opened.policies, opened.policyArns, opened.tags, opened.chainDepth, opened.sourceIdentity],
        [[], [], {}, 0, undefined],
      );
    }
  });

  it('are fresh each time (random IV) and do not show the secret', () => {
    const a = ring.seal(claims());
    const b = ring.seal(claims());
    assert.notEqual(a, b);
    assert.ok(!Buffer.from(a, 'base64url').toString('latin1').includes('EXAMPLEKEY'));
    assert.ok(!inspect(ring.open(a, { now: NOW })).includes('EXAMPLEKEY'));
    assert.ok(!inspect(ring).includes(master.derive('x').toString('base64')));
  });

  it('reject any altered byte as InvalidToken (header, key id, IV, ciphertext, tag)', () => {
    const token = ring.seal(claims());
    const bytes = Buffer.from(token, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] = (altered[i] as number) ^ 0x80;
      fails(() => ring.open(altered.toString('base64url'), { now: NOW }), 'InvalidToken');
    }
  });

  it('reject truncated, extended, non-canonical and junk tokens as InvalidToken', () => {
    const token = ring.seal(claims());
    fails(() => ring.open(token.slice(0, -1), { now: NOW }), 'InvalidToken');
    fails(() => ring.open(token.slice(0, 20), { now: NOW }), 'InvalidToken');
    fails(() => ring.open(`${token}A`, { now: NOW }), 'InvalidToken');
    fails(() => ring.open(`${token}=`, { now: NOW }), 'InvalidToken');
    // Standard base64 characters are not base64url: one token, one spelling.
    fails(() => ring.open(`${token.slice(0, 5)}+${token.slice(6)}`, { now: NOW }), 'InvalidToken');
    fails(() => ring.open('', { now: NOW }), 'InvalidToken');
    fails(() => ring.open('not a token', { now: NOW }), 'InvalidToken');
    fails(() => ring.open('A'.repeat(20_000), { now: NOW }), 'InvalidToken');
    assert.equal(
      new SessionTokenError('InvalidToken').message,
      'The provided token is malformed or otherwise invalid.',
    );
    assert.equal(new SessionTokenError('InvalidToken').httpStatus, 400);
  });

  it('expire at their expiry time (ExpiredToken)', () => {
    const token = ring.seal(claims());
    ring.open(token, { now: NOW + 3600_000 - 1 });
    fails(() => ring.open(token, { now: NOW + 3600_000 }), 'ExpiredToken');
    assert.equal(new SessionTokenError('ExpiredToken').message, 'The provided token has expired.');
  });

  it('belong to their access key id (InvalidClientTokenId)', () => {
    const token = ring.seal(claims());
    fails(() => ring.open(token, { accessKeyId: 'ASIAEXAMPLE000000002', now: NOW }), 'InvalidClientTokenId');
    fails(() => ring.open(token, { accessKeyId: 'ASIA', now: NOW }), 'InvalidClientTokenId');
    const e = new SessionTokenError('InvalidClientTokenId');
    assert.equal(e.message, 'The security token included in the request is invalid.');
    assert.equal(e.httpStatus, 403);
  });

  it('rotate: new tokens use the first key, old keys still open theirs until removed', () => {
    const v1 = TokenKeyRing.fromMasterKey(master, [1]);
    const old = v1.seal(claims());
    const v2 = TokenKeyRing.fromMasterKey(master, [2, 1]);
    assert.equal(v2.sealingKeyId, 2);
    const fresh = v2.seal(claims());
    assert.equal(Buffer.from(fresh, 'base64url')[1], 2);
    assert.equal(Buffer.from(old, 'base64url')[1], 1);
    v2.open(old, { now: NOW });
    v2.open(fresh, { now: NOW });
    fails(() => v1.open(fresh, { now: NOW }), 'InvalidToken');
    const v3 = TokenKeyRing.fromMasterKey(master, [2]);
    v3.open(fresh, { now: NOW });
    fails(() => v3.open(old, { now: NOW }), 'InvalidToken');
  });

  it('do not open under another master key with the same key id', () => {
    const token = ring.seal(claims());
    fails(
      () => TokenKeyRing.fromMasterKey(new MasterKey(Buffer.alloc(32, 1))).open(token, { now: NOW }),
      'InvalidToken',
    );
  });

  it('read PORTCULLIS_TOKEN_KEYS: explicit keys and derived ids, first one seals', () => {
    const explicit = Buffer.alloc(32, 5).toString('base64');
    const ring2 = TokenKeyRing.fromEnv(master, { PORTCULLIS_TOKEN_KEYS: `7:${explicit}, 1` });
    assert.equal(ring2.sealingKeyId, 7);
    const token = ring2.seal(claims());
    new TokenKeyRing([{ id: 7, key: Buffer.alloc(32, 5) }]).open(token, { now: NOW });
    ring2.open(ring.seal(claims()), { now: NOW });
    assert.equal(TokenKeyRing.fromEnv(master, {}).sealingKeyId, 1);
    assert.throws(() => TokenKeyRing.fromEnv(master, { PORTCULLIS_TOKEN_KEYS: '300' }), /ID 0-255/);
    assert.throws(() => TokenKeyRing.fromEnv(master, { PORTCULLIS_TOKEN_KEYS: '1:c2hvcnQ=' }), /32 bytes/);
    assert.throws(() => TokenKeyRing.fromEnv(master, { PORTCULLIS_TOKEN_KEYS: '1,1' }), /twice/);
    assert.throws(() => new TokenKeyRing([]), /at least one key/);
    assert.deepEqual(deriveTokenKey(master, 3).key, deriveTokenKey(master, 3).key);
    assert.notDeepEqual(deriveTokenKey(master, 3).key, deriveTokenKey(master, 4).key);
  });

  it('stay far below header limits with a full session policy and 50 tags', () => {
    const tags: Record<string, string> = {};
    for (let i = 0; i < 50; i++) tags[`key-${i}`] = 'v'.repeat(32);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${'b'.repeat(1900)}` }],
    });
    const token = ring.seal(
      claims({
        tags,
        policies: [policy],
        policyArns: Array.from({ length: 10 }, (_, i) => `arn:aws:iam::111122223333:policy/p${i}`),
      }),
    );
    assert.ok(token.length < 8192, `token is ${token.length} characters`);
    assert.equal(ring.open(token, { now: NOW }).policies[0], policy);
  });
});
