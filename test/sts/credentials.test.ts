// Shapes of generated identifiers and secrets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generateAccessKeyId,
  generateSecretAccessKey,
  generateUniqueId,
  isTemporaryAccessKeyId,
  randomLowerAlnum,
} from '../../src/sts/credentials.js';

describe('credentials', () => {
  it('access key ids: 20 characters, AKIA/ASIA and base32', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = generateAccessKeyId(i % 2 === 0 ? 'AKIA' : 'ASIA');
      assert.match(id, /^A[KS]IA[A-Z2-7]{16}$/);
      ids.add(id);
    }
    assert.equal(ids.size, 1000);
    assert.ok(isTemporaryAccessKeyId(generateAccessKeyId('ASIA')));
    assert.ok(!isTemporaryAccessKeyId(generateAccessKeyId('AKIA')));
  });

  it('secrets: 40 characters of base64, all different', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const s = generateSecretAccessKey().reveal();
      assert.match(s, /^[A-Za-z0-9+/]{40}$/);
      seen.add(s);
    }
    assert.equal(seen.size, 1000);
    assert.equal(String(generateSecretAccessKey()), '[redacted]');
  });

  it('unique ids: 21 characters with the entity prefix', () => {
    for (const prefix of ['AIDA', 'AROA', 'AGPA', 'ANPA'] as const)
      assert.match(generateUniqueId(prefix), new RegExp(`^${prefix}[A-Z2-7]{17}$`));
  });

  it('uses every base32 symbol about evenly (no bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++)
      for (const c of generateAccessKeyId('AKIA').slice(4)) counts.set(c, (counts.get(c) ?? 0) + 1);
    assert.equal(counts.size, 32);
    const expected = (4000 * 16) / 32;
    for (const [c, n] of counts) assert.ok(Math.abs(n - expected) < expected * 0.15, `${c}: ${n}`);
  });

  it('organization ids: lower-case letters and digits', () => {
    assert.match(randomLowerAlnum(10), /^[a-z0-9]{10}$/);
    assert.equal(randomLowerAlnum(300).length, 300);
  });
});
