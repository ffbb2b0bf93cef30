// The error catalogue against the wording AWS and OSS put on the wire (PROTOCOL-NOTES.md, the S3
// error-code list, and error bodies quoted from real services).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as E from '../../src/auth/errors.js';

const NOW = Date.parse('2013-05-24T00:20:00Z');

describe('error catalogue', () => {
  it('SignatureDoesNotMatch carries the S3 fields in S3 order', () => {
    const e = E.signatureDoesNotMatch('s3', {
      accessKeyId: 'AKID',
      stringToSign: 'AB\n',
      signatureProvided: 'sig',
      canonicalRequest: 'GET\n/',
    });
    assert.equal(e.code, 'SignatureDoesNotMatch');
    assert.equal(e.httpStatus, 403);
    assert.equal(
      e.message,
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
    assert.deepEqual(e.fields, {
      AWSAccessKeyId: 'AKID',
      StringToSign: 'AB\n',
      SignatureProvided: 'sig',
      StringToSignBytes: '41 42 0a',
      CanonicalRequest: 'GET\n/',
      CanonicalRequestBytes: '47 45 54 0a 2f',
    });
    assert.match(
      E.signatureDoesNotMatch('query', { accessKeyId: 'A', stringToSign: '', signatureProvided: '' }).message,
      /Consult the service documentation for details\.$/,
    );
    assert.ok(
      'OSSAccessKeyId' in
        E.signatureDoesNotMatch('oss', { accessKeyId: 'A', stringToSign: '', signatureProvided: '' }).fields,
    );
  });

  it('RequestTimeTooSkewed reports RequestTime, ServerTime and the 15-minute limit', () => {
    const e = E.requestTimeTooSkewed(
      's3',
      '20130524T000000Z',
      new Date('2013-05-24T00:00:00Z'),
      NOW,
      900_000,
    );
    assert.equal(e.code, 'RequestTimeTooSkewed');
    assert.equal(e.httpStatus, 403);
    assert.equal(e.message, 'The difference between the request time and the current time is too large.');
    assert.deepEqual(e.fields, {
      RequestTime: '20130524T000000Z',
      ServerTime: '2013-05-24T00:20:00Z',
      MaxAllowedSkewMilliseconds: '900000',
    });
  });

  it('InvalidAccessKeyId in each dialect', () => {
    assert.deepEqual(E.invalidAccessKeyId('s3', 'AK'), {
      code: 'InvalidAccessKeyId',
      httpStatus: 403,
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      fields: { AWSAccessKeyId: 'AK' },
      dialect: 's3',
    });
    assert.equal(E.invalidAccessKeyId('query', 'AK').code, 'InvalidClientTokenId');
    assert.equal(
      E.invalidAccessKeyId('oss', 'AK').message,
      'The OSS Access Key Id you provided does not exist in our records.',
    );
  });

  it('expired presigned URLs', () => {
    const e = E.requestExpired('s3', new Date('2013-05-25T00:00:00Z'), NOW, '86400');
    assert.equal(e.code, 'AccessDenied');
    assert.equal(e.message, 'Request has expired');
    assert.deepEqual(Object.keys(e.fields), ['X-Amz-Expires', 'Expires', 'ServerTime']);
  });

  it('malformed header, wrong region, query parameter errors', () => {
    const e = E.headerMalformed('s3', E.wrongRegionDetail('x', 'us-east-1'), { Region: 'us-east-1' });
    assert.equal(e.code, 'AuthorizationHeaderMalformed');
    assert.equal(e.httpStatus, 400);
    assert.equal(
      e.message,
      "The authorization header is malformed; the region 'x' is wrong; expecting 'us-east-1'",
    );
    assert.equal(E.headerMalformed('query', 'd').code, 'IncompleteSignature');
    assert.equal(
      E.queryParametersError('s3', E.PRESIGN_V4_REQUIRED).code,
      'AuthorizationQueryParametersError',
    );
  });

  it('payload declarations', () => {
    assert.deepEqual(E.missingContentSha256(), {
      code: 'InvalidRequest',
      httpStatus: 400,
      message: 'Missing required header for this request: x-amz-content-sha256',
      fields: {},
      dialect: 's3',
    });
    const bad = E.invalidContentSha256('GIBBERISH');
    assert.equal(bad.code, 'InvalidArgument');
    assert.match(
      bad.message,
      /^x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, /,
    );
    const mismatch = E.contentSha256Mismatch('a', 'b');
    assert.equal(mismatch.code, 'XAmzContentSHA256Mismatch');
    assert.equal(
      mismatch.message,
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
    assert.deepEqual(mismatch.fields, { ClientComputedContentSHA256: 'a', S3ComputedContentSHA256: 'b' });
  });

  it('errors for the identity layer', () => {
    assert.equal(E.expiredToken('s3').message, 'The provided token has expired.');
    assert.equal(E.expiredToken('s3').httpStatus, 400);
    assert.equal(E.invalidToken('s3').message, 'The provided token is malformed or otherwise invalid.');
    assert.equal(E.missingSecurityHeader('s3', 'x-amz-security-token').code, 'MissingSecurityHeader');
  });

  it('AuthStreamError carries the typed error', () => {
    const err = new E.AuthStreamError(E.incompleteBody('s3'));
    assert.ok(err instanceof Error);
    assert.equal(err.code, 'IncompleteBody');
    assert.equal(err.authError.httpStatus, 400);
  });
});
