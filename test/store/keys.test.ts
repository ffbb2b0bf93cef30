// Key order helpers against the definition: UTF-8 bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { commonPrefixOf, compareKeys, prefixUpperBound } from '../../src/store/keys.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const sign = (n: number): number => Math.sign(n);
// Full Unicode, biased toward the characters where UTF-16 and UTF-8 orders disagree.
const unit = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 1 }),
  fc.constantFrom('\ud7ff', '\ue000', '\uffff', '\ufffd', '😀', '\u{10ffff}', '\u{10000}', 'a', '/'),
);
const key = fc.string({ unit, maxLength: 8 });

describe('keys', () => {
  it('compareKeys orders like UTF-8 bytes', () => {
    assert.ok(compareKeys('\ufffd', '😀') < 0); // JS's `<` says the opposite
    assert.ok('😀' < '\ufffd');
    assert.equal(compareKeys('a', 'a'), 0);
    assert.ok(compareKeys('a', 'ab') < 0);
    fc.assert(
      fc.property(key, key, (a, b) => sign(compareKeys(a, b)) === sign(Buffer.compare(bytes(a), bytes(b)))),
      { numRuns: 5000 },
    );
  });

  it('prefixUpperBound bounds exactly the keys that start with the prefix', () => {
    assert.equal(prefixUpperBound(''), null);
    assert.equal(prefixUpperBound('a/'), 'a0');
    assert.equal(prefixUpperBound('\ud7ff'), '\ue000');
    assert.equal(prefixUpperBound('a\u{10ffff}'), 'b');
    assert.equal(prefixUpperBound('\u{10ffff}\u{10ffff}'), null);
    fc.assert(
      fc.property(key, key, (prefix, s) => {
        const upper = prefixUpperBound(prefix);
        const inRange = compareKeys(s, prefix) >= 0 && (upper === null || compareKeys(s, upper) < 0);
        return inRange === s.startsWith(prefix);
      }),
      { numRuns: 5000 },
    );
  });

  it('commonPrefixOf rolls up at the first delimiter after the prefix', () => {
    assert.equal(commonPrefixOf('a/b/c', '', '/'), 'a/');
    assert.equal(commonPrefixOf('a/b/c', 'a/', '/'), 'a/b/');
    assert.equal(commonPrefixOf('a/b', 'a/b', '/'), null);
    assert.equal(commonPrefixOf('a/', 'a/', '/'), null);
    assert.equal(commonPrefixOf('a/b', '', null), null);
    assert.equal(commonPrefixOf('a/b', '', ''), null);
    assert.equal(commonPrefixOf('x--y--z', 'x-', '--'), 'x--y--');
  });
});
