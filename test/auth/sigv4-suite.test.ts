// The published AWS SigV4 test suite, verified by the server side: every signature must verify,
// and a corrupted one must be reported with exactly the suite's canonical request and
// string to sign.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyRequest } from '../../src/auth/verify.js';
import { SUITE_DATE, SUITE_SECRET, SUITE_VECTORS } from './fixtures/sigv4-test-suite.js';
import { assertFails, assertOk, clockAt, fromRawHttp, keyStore } from './helpers.js';

const options = { lookup: keyStore({ AKIDEXAMPLE: SUITE_SECRET }), services: ['service'] };
const clock = clockAt(SUITE_DATE);

describe('AWS SigV4 test suite (service "service")', () => {
  for (const v of SUITE_VECTORS) {
    it(`${v.name} verifies`, async () => {
      const req = fromRawHttp(v.req, clock, {});
      const result = await verifyRequest(
        { ...req, headers: { ...req.headers, authorization: v.authorization } },
        options,
      );
      const ok = assertOk(result, v.name);
      assert.equal(ok.scheme, 'sigv4-header');
      assert.deepEqual(ok.scope, { date: '20150830', region: 'us-east-1', service: 'service' });
    });

    if (v.creq !== null && v.sts !== null) {
      it(`${v.name} reports the suite's canonical request on a bad signature`, async () => {
        const req = fromRawHttp(v.req, clock);
        const bad = v.authorization.replace(/Signature=[0-9a-f]{64}/, `Signature=${'0'.repeat(64)}`);
        const result = await verifyRequest(
          { ...req, headers: { ...req.headers, authorization: bad } },
          options,
        );
        const failure = assertFails(result, 'SignatureDoesNotMatch', v.name);
        assert.equal(failure.error.fields.CanonicalRequest, v.creq);
        assert.equal(failure.error.fields.StringToSign, v.sts);
        assert.equal(failure.error.fields.SignatureProvided, '0'.repeat(64));
      });
    }
  }

  it('post-x-www-form-urlencoded fails when the body differs from what was signed', async () => {
    const v = SUITE_VECTORS.find((x) => x.name === 'post-x-www-form-urlencoded');
    assert.ok(v);
    const req = fromRawHttp(v.req, clock);
    const result = await verifyRequest(
      { ...req, body: 'Param1=value2', headers: { ...req.headers, authorization: v.authorization } },
      options,
    );
    assertFails(result, 'SignatureDoesNotMatch');
  });
});
