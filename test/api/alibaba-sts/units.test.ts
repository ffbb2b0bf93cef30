// The pure parts of Alibaba STS: percent-encoding in both client styles, the nonce ledger's expiry
// and bound, and parameter parsing (repeats refused, GET and POST merged).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NonceLedger } from '../../../src/api/alibaba-sts/nonces.js';
import { RpcParams } from '../../../src/api/alibaba-sts/params.js';
import { candidateStringsToSign, percentEncode } from '../../../src/api/alibaba-sts/signature.js';

describe('percent-encoding', () => {
  it("RFC 3986 encodes !'()* and keeps ~; querystring keeps !'()*", () => {
    assert.equal(percentEncode("a b!'()*~/é"), 'a%20b%21%27%28%29%2A~%2F%C3%A9');
    assert.equal(percentEncode("a b!'()*~/é", 'querystring'), "a%20b!'()*~%2F%C3%A9");
  });

  it('two strings to sign only when the encodings differ', () => {
    assert.equal(candidateStringsToSign('GET', [['A', 'b']]).length, 1);
    assert.equal(candidateStringsToSign('GET', [['Resource', 'acs:oss:*:*:b/*']]).length, 2);
  });
});

describe('NonceLedger', () => {
  it('refuses a nonce seen for the same key, until it expires', () => {
    const ledger = new NonceLedger(1000);
    assert.equal(ledger.claim('k1', 'n', 0), true);
    assert.equal(ledger.claim('k1', 'n', 500), false);
    assert.equal(ledger.claim('k2', 'n', 500), true, 'another key, another ledger line');
    assert.equal(ledger.claim('k1', 'n', 1001), true, 'expired');
  });

  it('keeps at most its capacity, forgetting the oldest first', () => {
    const ledger = new NonceLedger(60_000, 3);
    for (const n of ['a', 'b', 'c', 'd']) assert.equal(ledger.claim('k', n, 0), true);
    assert.equal(ledger.claim('k', 'd', 1), false);
    assert.equal(ledger.claim('k', 'a', 1), true, 'the oldest was forgotten');
  });
});

describe('RpcParams', () => {
  it('merges the query string and the form body, refusing a name given twice', () => {
    const p = RpcParams.parse(
      'Action=AssumeRole&Signature=abc',
      'RoleArn=acs%3Aram%3A%3A1%3Arole%2Fx&Policy=',
    );
    assert.equal(p.get('RoleArn'), 'acs:ram::1:role/x');
    assert.deepEqual(
      p.signed().map(([k]) => k),
      ['Action', 'RoleArn', 'Policy'],
    );
    assert.throws(() => p.required('Policy'), { code: 'MissingPolicy' });
    assert.throws(() => RpcParams.parse('Action=A', 'Action=B'), { code: 'InvalidParameter' });
  });
});
