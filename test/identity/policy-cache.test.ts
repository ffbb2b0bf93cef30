// The policy cache: compile once per (type, text), fail closed on broken stored documents,
// generation-keyed memo with shared loads, and coalesced generation reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isIamError } from '../../src/identity/model.js';
import { GenerationReader, Lru, PolicyCache } from '../../src/identity/policy-cache.js';
import { decide } from '../../src/policy/decide.js';
import { contextFrom } from '../../src/policy/request.js';

const ALLOW =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
const BROKEN =
  '{"Version":"2012-10-17","Statement":[{"Effect":"allow ","Action":"s3:GetObject","Resource":"*"}]}';

function deferred<T>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Lru', () => {
  it('evicts the least recently used entry', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    assert.deepEqual([lru.get('a'), lru.get('b'), lru.get('c'), lru.size], [1, undefined, 3, 2]);
    assert.throws(() => new Lru(0));
  });
});

describe('PolicyCache documents', () => {
  it('compiles a text once per policy type and hands each holder a view with its own id', () => {
    const cache = new PolicyCache();
    const a = cache.compile(ALLOW, 'user/a/inline/p', 'identity');
    const b = cache.compile(ALLOW, 'user/b/inline/p', 'identity');
    assert.equal(cache.stats().compileMisses, 1);
    assert.deepEqual([a.id, b.id], ['user/a/inline/p', 'user/b/inline/p']);
    assert.equal(a.statements, b.statements);
    cache.compile(ALLOW, 'arn:aws:iam::111122223333:policy/B', 'boundary');
    assert.equal(cache.stats().compileMisses, 2);
    assert.equal(cache.stats().compiled, 2);
  });

  it('reports problems for the write path, with the parser messages', () => {
    const cache = new PolicyCache();
    assert.deepEqual(cache.check(ALLOW, 'identity'), []);
    assert.match(
      cache.check(BROKEN, 'identity')[0]?.message ?? '',
      /Statement\[0\]\.Effect: "allow " is not Allow or Deny/,
    );
    assert.throws(
      () => cache.compile(BROKEN, 'x', 'identity'),
      (e: unknown) => isIamError(e, 'MalformedPolicyDocument') && /is not Allow or Deny/.test(e.message),
    );
    // Principal is wrong in an identity policy and required in a trust policy.
    assert.equal(cache.check(ALLOW, 'trust').length > 0, true);
  });

  it('fails closed on a stored document that no longer compiles', () => {
    const seen: string[] = [];
    const cache = new PolicyCache({ onInvalidStoredPolicy: (id) => seen.push(id) });
    const p = cache.compileStored(BROKEN, 'user/a/inline/broken', 'identity');
    assert.deepEqual(seen, ['user/a/inline/broken']);
    assert.match(p.id, /^user\/a\/inline\/broken \(invalid stored document/);
    const allowAll = cache.compile(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      'ok',
      'identity',
    );
    const d = decide(
      {
        principal: { type: 'user', arn: 'arn:aws:iam::111122223333:user/a', account: '111122223333' },
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::b/k',
        context: contextFrom(),
      },
      { identity: [allowAll, p] },
    );
    assert.deepEqual([d.decision, d.policyId], ['ExplicitlyDenied', p.id]);
    for (const type of ['identity', 'boundary', 'session', 'scp', 'rcp', 'resource', 'trust'] as const) {
      const standIn = cache.compileStored(BROKEN, `broken ${type}`, type);
      assert.equal(standIn.type, type);
      assert.equal(standIn.statements[0]?.effect, 'Deny', type);
    }
  });

  it('keeps session policies in a bounded LRU, compiled once per text', () => {
    const cache = new PolicyCache({ maxSessionPolicies: 2 });
    const first = cache.session(ALLOW);
    assert.equal(cache.session(ALLOW), first);
    assert.equal(first.type, 'session');
    const misses = cache.stats().compileMisses;
    cache.session(ALLOW.replace('GetObject', 'PutObject'));
    cache.session(ALLOW.replace('GetObject', 'ListBucket'));
    assert.equal(cache.stats().compileMisses, misses + 2);
    assert.notEqual(cache.session(ALLOW), first, 'evicted, re-wrapped');
  });
});

describe('PolicyCache memo', () => {
  it('serves entries at or after the asked generation and reloads older ones', async () => {
    const cache = new PolicyCache();
    let loads = 0;
    const load = (generation: number) => async () => ({ generation, value: ++loads });
    assert.equal(await cache.memo('k', 5, load(5)), 1);
    assert.equal(await cache.memo('k', 5, load(5)), 1);
    assert.equal(await cache.memo('k', 4, load(4)), 1);
    assert.equal(await cache.memo('k', 6, load(6)), 2);
    assert.equal(cache.peek('k'), 2);
    cache.invalidate();
    assert.equal(cache.peek('k'), undefined);
  });

  it('shares one load among concurrent callers, and repeats it for a caller that needs newer data', async () => {
    const cache = new PolicyCache();
    const gate = deferred<void>();
    let loads = 0;
    let generation = 1;
    const load = async () => {
      const g = generation;
      loads++;
      await gate.promise;
      return { generation: g, value: `v${g}` };
    };
    const a = cache.memo('k', 1, load);
    const b = cache.memo('k', 1, load);
    generation = 2;
    const c = cache.memo('k', 2, load);
    gate.resolve();
    assert.deepEqual(await Promise.all([a, b, c]), ['v1', 'v1', 'v2']);
    assert.equal(loads, 2);
  });

  it('does not cache a failed load', async () => {
    const cache = new PolicyCache();
    await assert.rejects(
      cache.memo('k', 1, () => Promise.reject(new Error('db down'))),
      /db down/,
    );
    assert.equal(await cache.memo('k', 1, async () => ({ generation: 1, value: 'ok' })), 'ok');
  });
});

describe('GenerationReader', () => {
  it('never answers with a value read before the call', async () => {
    let value = 1;
    const pending: { resolve(v: number): void }[] = [];
    const reader = new GenerationReader(() => {
      const seen = value;
      const d = deferred<number>();
      pending.push({ resolve: () => d.resolve(seen) });
      return d.promise;
    });
    const first = reader.read();
    value = 2; // a write commits while the first read is in flight
    const second = reader.read();
    const third = reader.read();
    assert.equal(pending.length, 1);
    pending[0]?.resolve(0);
    assert.equal(await first, 1);
    await new Promise((r) => setImmediate(r));
    assert.equal(pending.length, 2, 'one shared follow-up read');
    pending[1]?.resolve(0);
    assert.deepEqual(await Promise.all([second, third]), [2, 2]);
  });

  it('keeps at most two reads in flight however many callers there are', async () => {
    let fetches = 0;
    const reader = new GenerationReader(async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 5));
      return fetches;
    });
    const results = await Promise.all(Array.from({ length: 100 }, () => reader.read()));
    assert.equal(fetches, 2);
    assert.ok(results.every((r) => r === 1 || r === 2));
    assert.equal(await reader.read(), 3);
  });

  it('recovers after a failed read', async () => {
    let fail = true;
    const reader = new GenerationReader(async () => {
      if (fail) throw new Error('boom');
      return 7;
    });
    await assert.rejects(reader.read(), /boom/);
    fail = false;
    assert.equal(await reader.read(), 7);
  });
});
