// The printed policy is plain JSON (parses back to the same value), with short string lists on
// one line and long ones one item per line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPolicyJson } from '../../../src/diagnostics/generate/format.js';

describe('formatPolicyJson', () => {
  it('parses back to the same value; short lists inline, long lists split', () => {
    const long = Array.from({ length: 6 }, (_, i) => `arn:aws:s3:::bucket/some/longer/folder/key-${i}.json`);
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: long }],
    };
    const text = formatPolicyJson(policy);
    assert.deepEqual(JSON.parse(text), policy);
    assert.match(text, /\n {6}"Action": \["s3:GetObject", "s3:PutObject"\],\n/);
    assert.match(
      text,
      /\n {6}"Resource": \[\n {8}"arn:aws:s3:::bucket\/some\/longer\/folder\/key-0\.json",\n/,
    );
    assert.equal(
      formatPolicyJson({ a: [], b: {}, c: 'x"y' }),
      '{\n  "a": [],\n  "b": {},\n  "c": "x\\"y"\n}',
    );
  });
});
