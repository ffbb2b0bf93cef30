// One conformance suite, every scheme: each verifier must accept its own scheme's signature,
// pass the identity and token through, and answer every way of getting it wrong with the right
// typed error — never an exception.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthFailure, AuthResult, SignedRequest } from '../../src/auth/types.js';
import { hexBytes } from '../../src/auth/uri.js';
import { verifyRequest } from '../../src/auth/verify.js';
import { assertFails, assertOk, keyStore } from './helpers.js';
import { SCHEME_SIGNERS, type SignInput } from './scheme-signers.js';

const AKID = 'AKIACONFORMANCE00001';
const SECRET = 'conformance/secret+key=0123456789abcdef';
const AT = new Date('2024-03-01T12:00:00Z');

const INPUT: SignInput = {
  method: 'GET',
  path: '/bkt/dir/obj%20name.txt',
  query: 'versionId=v1',
  headers: { 'content-type': 'text/plain' },
  accessKeyId: AKID,
  secret: SECRET,
  at: AT,
};

const withTime = (req: SignedRequest, ms: number): SignedRequest => ({ ...req, clock: () => ms });

for (const signer of SCHEME_SIGNERS) {
  describe(`conformance: ${signer.scheme}`, () => {
    const lookup = keyStore({ [AKID]: SECRET });
    const options = { lookup };
    const request = signer.sign(INPUT);

    it('accepts its own signature and passes the identity through', async () => {
      const ok = assertOk(await verifyRequest(request, options));
      assert.equal(ok.scheme, signer.scheme);
      assert.equal(ok.accessKeyId, AKID);
      assert.deepEqual(ok.identity, { secretAccessKey: SECRET, user: `user-${AKID}` });
      assert.equal(ok.authType, signer.kind === 'header' ? 'REST-HEADER' : 'REST-QUERY-STRING');
      assert.equal(ok.securityToken, undefined);
      if (signer.kind === 'query') assert.ok(ok.expiresAt instanceof Date);
    });

    it('hands the security token to the lookup and returns it', async () => {
      const store = keyStore({ [AKID]: SECRET });
      const ok = assertOk(
        await verifyRequest(signer.sign({ ...INPUT, token: 'session/token+=' }), { lookup: store }),
      );
      assert.equal(ok.securityToken, 'session/token+=');
      assert.deepEqual(store.calls, [{ accessKeyId: AKID, securityToken: 'session/token+=' }]);
    });

    it('reports a wrong secret as SignatureDoesNotMatch with StringToSign and its bytes', async () => {
      const f = assertFails(
        await verifyRequest(request, { lookup: keyStore({ [AKID]: 'other' }) }),
        'SignatureDoesNotMatch',
      );
      assert.equal(f.error.httpStatus, 403);
      assert.equal(f.error.dialect, signer.dialect);
      const fields = f.error.fields;
      assert.ok(fields.StringToSign);
      assert.equal(fields.StringToSignBytes, hexBytes(fields.StringToSign));
      assert.ok(fields.SignatureProvided);
      assert.equal(fields[signer.dialect === 'oss' ? 'OSSAccessKeyId' : 'AWSAccessKeyId'], AKID);
      assert.equal(f.scheme, signer.scheme);
      assert.equal(f.accessKeyId, AKID);
    });

    it('reports an unknown access key', async () => {
      const f = assertFails(await verifyRequest(request, { lookup: keyStore({}) }), 'InvalidAccessKeyId');
      assert.equal(f.error.httpStatus, 403);
    });

    it('passes a typed refusal of the lookup through', async () => {
      const refusal: AuthFailure = {
        ok: false,
        error: {
          code: 'InvalidToken',
          httpStatus: 400,
          message: 'The provided token is malformed or otherwise invalid.',
          fields: {},
          dialect: 's3',
        },
      };
      const f = assertFails(await verifyRequest(request, { lookup: async () => refusal }), 'InvalidToken');
      assert.equal(f.scheme, signer.scheme);
    });

    it('detects a changed path, method or signed query parameter', async () => {
      const changed: SignedRequest[] = [
        { ...request, path: '/bkt/dir/obj%20other.txt' },
        { ...request, method: 'DELETE' },
        { ...request, query: request.query.replace('versionId=v1', 'versionId=v2') },
      ];
      for (const r of changed)
        assertFails(
          await verifyRequest(r, options),
          'SignatureDoesNotMatch',
          `${r.method} ${r.path}?${r.query}`,
        );
    });

    if (signer.kind === 'header') {
      it('refuses a request time more than 15 minutes away', async () => {
        assertOk(await verifyRequest(withTime(request, AT.getTime() + 14 * 60_000), options));
        for (const delta of [16 * 60_000, -16 * 60_000]) {
          const f = assertFails(
            await verifyRequest(withTime(request, AT.getTime() + delta), options),
            'RequestTimeTooSkewed',
          );
          assert.equal(f.error.fields.MaxAllowedSkewMilliseconds, '900000');
        }
      });
    } else {
      it('refuses an expired URL', async () => {
        assertOk(await verifyRequest(withTime(request, AT.getTime() + 299_000), options));
        const f = assertFails(
          await verifyRequest(withTime(request, AT.getTime() + 301_000), options),
          'AccessDenied',
        );
        assert.match(f.error.message, /^Request has expired/);
        assert.ok(f.error.fields.Expires);
        assert.ok(f.error.fields.ServerTime);
      });
    }

    it('never throws and never accepts when its signature material is cut or garbled', async () => {
      const material = signer.kind === 'header' ? String(request.headers.authorization) : request.query;
      const variants = new Set<string>();
      for (let i = 0; i < material.length; i += Math.max(1, Math.floor(material.length / 60))) {
        variants.add(material.slice(0, i));
        variants.add(material.slice(0, i) + '\u0000' + material.slice(i + 1));
        variants.add(material.slice(0, i) + material.slice(i + 1));
        variants.add(material.slice(0, i) + ',' + material.slice(i));
        variants.add(material.slice(0, i) + '%' + material.slice(i));
      }
      variants.delete(material);
      for (const v of variants) {
        const r: SignedRequest =
          signer.kind === 'header'
            ? { ...request, headers: { ...request.headers, authorization: v } }
            : { ...request, query: v };
        let result: AuthResult;
        try {
          result = await verifyRequest(r, options);
        } catch (err) {
          assert.fail(`threw on ${JSON.stringify(v)}: ${String(err)}`);
        }
        // Acceptable acceptances: a cut query that lost a non-auth parameter, or a header whose
        // separators changed (", " vs ",") while every signed token survived intact.
        if (result.ok && !result.anonymous) {
          const tokens = material.split(/[ ,&]+/).filter((t) => t !== '' && !t.startsWith('versionId'));
          assert.ok(
            tokens.every((t) => v.includes(t)),
            `accepted garbled ${JSON.stringify(v)}`,
          );
          continue;
        }
        if (!result.ok) {
          assert.notEqual(result.error.code, 'InternalError', `internal error on ${JSON.stringify(v)}`);
          assert.ok(result.error.httpStatus >= 400 && result.error.httpStatus < 600);
        }
      }
    });
  });
}
