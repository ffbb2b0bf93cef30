import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { contextFrom } from '../../src/policy/request.js';
import {
  compileActionPattern,
  compileResourcePattern,
  compileStringPattern,
  patternVariables,
  unresolvedPatternVariable,
} from '../../src/policy/wildcard.js';

type Case = [pattern: string, value: string, expected: boolean];

describe('compileStringPattern (plain, case-sensitive)', () => {
  const cases: Case[] = [
    ['', '', true],
    ['', 'a', false],
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'ABC', false],
    ['*', '', true],
    ['*', 'anything:at/all', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ba', false],
    ['*c', 'abc', true],
    ['*c', 'cb', false],
    ['*b*', 'abc', true],
    ['*b*', 'ac', false],
    ['?', 'a', true],
    ['?', '', false],
    ['?', 'ab', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    ['a*b?d', 'abbbcd', true],
    ['*a*a*b', 'aaaaaab', true],
    ['*a*a*b', 'aaaaaa', false],
    ['*ab', 'aab', true],
    ['a*?', 'a', false],
    ['a*?', 'ab', true],
    ['home/*/x', 'home/a/b/x', true],
    ['home/*/x', 'home/x', false],
    ['a:*', 'a:b:c', true],
    ['**a**', 'xxaxx', true],
    ['?*?', 'ab', true],
    ['?*?', 'a', false],
    ['${aws:username}', '${aws:username}', true], // variables off: plain text
    ['\u{1F600}?', '\u{1F600}\u{1F601}', true], // `?` is one character, even outside the BMP
    ['?', '\u{1F600}', true],
  ];
  for (const [pattern, value, expected] of cases) {
    it(`${JSON.stringify(pattern)} vs ${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(
        compileStringPattern(pattern, { ignoreCase: false, variables: false }).test(value),
        expected,
      );
    });
  }

  it('ignoreCase folds both sides', () => {
    const p = compileStringPattern('Home/*', { ignoreCase: true, variables: false });
    assert.equal(p.test('HOME/x'), true);
    assert.equal(p.test('house/x'), false);
  });

  it('hostile patterns finish fast (no catastrophic backtracking)', () => {
    const value = 'a'.repeat(100_000);
    const started = Date.now();
    assert.equal(
      compileStringPattern('*'.repeat(10_000), { ignoreCase: false, variables: false }).test(value),
      true,
    );
    assert.equal(
      compileStringPattern(`${'*'.repeat(10_000)}b`, { ignoreCase: false, variables: false }).test(value),
      false,
    );
    assert.equal(
      compileStringPattern('*a'.repeat(5_000) + 'b', { ignoreCase: false, variables: false }).test(value),
      false,
    );
    assert.equal(
      compileStringPattern('a*'.repeat(5_000), { ignoreCase: false, variables: false }).test(value),
      true,
    );
    assert.equal(
      compileStringPattern('*?'.repeat(5_000) + 'b', { ignoreCase: false, variables: false }).test(value),
      false,
    );
    // A generous bound only to catch exponential behaviour, not a benchmark.
    assert.ok(Date.now() - started < 5_000);
  });
});

describe('compileActionPattern (case-insensitive)', () => {
  const cases: Case[] = [
    ['s3:GetObject', 's3:getobject', true],
    ['S3:Get*', 's3:getobject', true],
    ['s3:get*', 'S3:GetObjectAcl', true],
    ['s3:*', 'S3:PutObject', true],
    ['s3:*', 'sts:AssumeRole', false],
    ['*', 'iam:CreateUser', true],
    ['s3:?etObject', 's3:GetObject', true],
    ['s3:GetObject', 's3:GetObjectAcl', false],
    ['oss:Get*', 'oss:GetObject', true],
    ['s3:*Object', 's3:DeleteObject', true],
    ['s3:*Object', 's3:DeleteObjects', false],
  ];
  for (const [pattern, value, expected] of cases) {
    it(`${pattern} vs ${value} → ${expected}`, () => {
      assert.equal(compileActionPattern(pattern).test(value), expected);
    });
  }
});

describe('compileResourcePattern (segment-aware, case-sensitive)', () => {
  const cases: Case[] = [
    ['*', 'arn:aws:s3:::b/k', true],
    ['*', '*', true],
    ['**', 'acs:oss:*:1:b', true],
    ['arn:aws:s3:::b', 'arn:aws:s3:::b', true],
    ['arn:aws:s3:::b', 'arn:aws:s3:::B', false],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b', false], // object pattern is not the bucket (seed 004)
    ['arn:aws:s3:::b', 'arn:aws:s3:::b/k', false],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/a/b/c', true],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/a:b:c', true], // resource part keeps its colons
    ['arn:aws:s3:::*', 'arn:aws:s3:::b/k', true],
    ['arn:aws:s3:::*', 'arn:aws:s3:::b:k', true],
    ['arn:aws:s3:::b*', 'arn:aws:s3:::bucket', true],
    ['arn:aws:s3:::b*', 'arn:aws:iam::123456789012:user/b', false],
    ['arn:aws:s3:::b*', 'arn:aws:s3:us-east-1::b', false],
    ['arn:aws:*:*:*:*', 'arn:aws:s3:::b/k', true],
    ['arn:aws:*:*:*:*', 'arn:aws:iam::123456789012:user/x', true],
    ['arn:aws:*:*:*:*', 'arn:aws-cn:s3:::b', false],
    ['arn:*:s3:::b', 'arn:aws-cn:s3:::b', true],
    ['arn:aws:s3*', 'arn:aws:s3:::b', false], // a star never crosses a leading colon
    ['arn:aws:s?:::b', 'arn:aws:s3:::b', true],
    ['arn:aws:s?:::b', 'arn:aws:sts:::b', false],
    ['arn:aws:iam::*:user/*', 'arn:aws:iam::123456789012:user/alice', true],
    ['arn:aws:iam::*:user/*', 'arn:aws:iam::123456789012:role/alice', false],
    ['arn:aws:iam::1234*:user/a', 'arn:aws:iam::123456789012:user/a', true],
    ['arn:aws:iam::1234*:user/a', 'arn:aws:iam::99:user/a', false],
    ['arn:aws:iam::?:user/a', 'arn:aws:iam:::user/a', false],
    ['arn:aws:s3:::b', '*', false],
    ['arn:aws:s3:::b', 'b', false],
    ['acs:oss:*:*:ram-test-app/*', 'acs:oss:*:123:ram-test-app/usr001/test.txt', true],
    ['acs:oss:*:*:ram-test-app/*', 'acs:oss:*:123:ram-test-app', false],
    ['acs:oss:*:*:ram-test-app', 'acs:oss:*:123:ram-test-app', true],
    ['acs:oss:*:*:ram-test-app', 'acs:oss:*:123:ram-test-app/x', false],
    ['acs:oss:*:*:*', 'acs:oss:cn-hangzhou:123:b/k:x', true],
    ['acs:oss:*:123:*', 'acs:oss:*:456:b', false],
    ['acs:oss:*:*:*', 'arn:aws:s3:::b', false],
    ['acs:oss:*:*:b*', 'acs:ram::123:role/b', false],
    ['arn:aws:s3:::*', 'acs:oss:*:1:b', false],
    ['arn:aws:*', 'arn:aws:s3:::b', false], // fewer segments than an ARN: no star reaches past a colon
    ['arn:aws:*', 'arn:aws:x', true],
    ['arn:aws:s3:::', 'arn:aws:s3:::', true],
    ['arn:aws:s3:::', 'arn:aws:s3:::b', false],
    ['b*', 'bucket', true], // no colon in pattern or value: one segment each
    ['b*', 'b:x', false], // a colon-free pattern does not reach across a colon
  ];
  for (const [pattern, value, expected] of cases) {
    it(`${pattern} vs ${value} → ${expected}`, () => {
      assert.equal(compileResourcePattern(pattern, { variables: false }).test(value), expected);
    });
  }

  it('segment-aware patterns with wildcards before the resource part', () => {
    const p = compileResourcePattern('arn:aws:s3:*:*:logs-*/2026/*', { variables: false });
    assert.equal(p.test('arn:aws:s3:::logs-a/2026/01/x'), true);
    assert.equal(p.test('arn:aws:s3:::logs-a/2025/01/x'), false);
  });
});

describe('resource patterns with policy variables', () => {
  const ctx = contextFrom({
    'aws:username': 'alice',
    'aws:PrincipalTag/team': 'mobile',
    'aws:userid': 'AIDA*STAR',
    's3:prefix': ['one', 'two'],
    'single:list': ['only'],
    'aws:region': 'us-east-1',
  });
  const cases: Case[] = [
    ['arn:aws:s3:::b/${aws:username}/*', 'arn:aws:s3:::b/alice/x', true],
    ['arn:aws:s3:::b/${aws:username}/*', 'arn:aws:s3:::b/bob/x', false],
    ['arn:aws:s3:::b/${AWS:UserName}/*', 'arn:aws:s3:::b/alice/x', true], // key case-insensitive
    ['arn:aws:s3:::b/${aws:PrincipalTag/team}/*', 'arn:aws:s3:::b/mobile/x', true],
    ['arn:aws:s3:::b/${aws:userid}', 'arn:aws:s3:::b/AIDA*STAR', true],
    ['arn:aws:s3:::b/${aws:userid}', 'arn:aws:s3:::b/AIDAxSTAR', false], // substituted `*` is literal
    ['arn:aws:s3:::b/${missing:key}/*', 'arn:aws:s3:::b/x/y', false],
    ["arn:aws:s3:::b/${missing:key, 'anon'}/*", 'arn:aws:s3:::b/anon/y', true],
    ["arn:aws:s3:::b/${missing:key,'anon'}/*", 'arn:aws:s3:::b/anon/y', true],
    ["arn:aws:s3:::b/${aws:username, 'anon'}/*", 'arn:aws:s3:::b/alice/y', true],
    ['arn:aws:s3:::b/${s3:prefix}', 'arn:aws:s3:::b/one', false], // multi-valued never matches
    ['arn:aws:s3:::b/${single:list}', 'arn:aws:s3:::b/only', true],
    ['arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*', true],
    ['arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/x', false],
    ['arn:aws:s3:::b/${?}', 'arn:aws:s3:::b/?', true],
    ['arn:aws:s3:::b/${?}', 'arn:aws:s3:::b/x', false],
    ['arn:aws:s3:::b/${$}', 'arn:aws:s3:::b/$', true],
    ['arn:aws:s3:${aws:region}::b', 'arn:aws:s3:us-east-1::b', true], // colon inside ${} is not a segment break
    ['arn:aws:s3:${aws:region}::b', 'arn:aws:s3:eu-west-1::b', false],
    ['arn:aws:s3:::b/${unterminated', 'arn:aws:s3:::b/${unterminated', true],
  ];
  for (const [pattern, value, expected] of cases) {
    it(`${pattern} vs ${value} → ${expected}`, () => {
      assert.equal(compileResourcePattern(pattern, { variables: true }).test(value, ctx), expected);
    });
  }

  it('variables off: ${...} is plain text', () => {
    const p = compileResourcePattern('arn:aws:s3:::b/${aws:username}/*', { variables: false });
    assert.equal(p.hasVariables, false);
    assert.equal(p.test('arn:aws:s3:::b/alice/x', ctx), false);
    assert.equal(p.test('arn:aws:s3:::b/${aws:username}/x', ctx), true);
  });

  it('a pattern with variables never matches without a context', () => {
    const p = compileResourcePattern('arn:aws:s3:::b/${aws:username}', { variables: true });
    assert.equal(p.hasVariables, true);
    assert.equal(p.test('arn:aws:s3:::b/alice'), false);
  });

  it('exposes its variables and the first unresolved one', () => {
    const p = compileResourcePattern('arn:aws:s3:::b/${aws:username}/${aws:PrincipalTag/dept}', {
      variables: true,
    });
    assert.deepEqual(
      patternVariables(p).map((v) => v.key),
      ['aws:username', 'aws:PrincipalTag/dept'],
    );
    assert.equal(unresolvedPatternVariable(p, ctx)?.text, '${aws:PrincipalTag/dept}');
  });

  it('StringLike-style patterns substitute too', () => {
    const p = compileStringPattern('home/${aws:username}/*', { ignoreCase: false, variables: true });
    assert.equal(p.test('home/alice/docs', ctx), true);
    assert.equal(p.test('home/Alice/docs', ctx), false);
    const folded = compileStringPattern('HOME/${aws:username}', { ignoreCase: true, variables: true });
    assert.equal(folded.test('home/ALICE', contextFrom({ 'aws:username': 'Alice' })), true);
  });
});

/** Reference matcher: textbook dynamic programming over characters (slow, obviously right). */
function referenceMatch(pattern: string, value: string): boolean {
  const m = pattern.length;
  const n = value.length;
  let prev: boolean[] = Array.from({ length: n + 1 }, (_, j) => j === 0);
  for (let i = 1; i <= m; i++) {
    const p = pattern[i - 1];
    const row: boolean[] = [p === '*' && prev[0] === true];
    for (let j = 1; j <= n; j++) {
      if (p === '*') row[j] = prev[j] === true || row[j - 1] === true;
      else row[j] = prev[j - 1] === true && (p === '?' || p === value[j - 1]);
    }
    prev = row;
  }
  return prev[n] === true;
}

describe('wildcard matcher agrees with a reference implementation', () => {
  const patternChar = fc.constantFrom('a', 'b', '*', '?');
  const valueChar = fc.constantFrom('a', 'b');
  const pattern = fc.array(patternChar, { maxLength: 12 }).map((a) => a.join(''));
  const value = fc.array(valueChar, { maxLength: 16 }).map((a) => a.join(''));

  it('compileStringPattern', () => {
    fc.assert(
      fc.property(pattern, value, (p, v) => {
        assert.equal(
          compileStringPattern(p, { ignoreCase: false, variables: false }).test(v),
          referenceMatch(p, v),
        );
      }),
      { numRuns: 5_000 },
    );
  });

  it('compileResourcePattern matches segment by segment', () => {
    // Patterns and values of six colon-separated segments: each segment on its own.
    const six = <T>(arb: fc.Arbitrary<T>) => fc.tuple(arb, arb, arb, arb, arb, arb);
    fc.assert(
      fc.property(six(pattern), six(value), (ps, vs) => {
        const p = ['arn', ...ps.slice(1)].join(':');
        const v = ['arn', ...vs.slice(1)].join(':');
        const expected = ps.slice(1).every((seg, i) => referenceMatch(seg, vs[i + 1]!));
        assert.equal(compileResourcePattern(p, { variables: false }).test(v), expected, `${p} vs ${v}`);
      }),
      { numRuns: 3_000 },
    );
  });
});
