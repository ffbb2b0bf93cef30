// SigV2 against the examples of the S3 "Signing and Authenticating REST Requests" page
// (AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY).

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { SignedRequest } from '../../src/auth/types.js';
import { verifyRequest } from '../../src/auth/verify.js';
import { AWS_DOC_KEY, AWS_DOC_SECRET, assertFails, assertOk, clockAt, keyStore } from './helpers.js';

const options = { lookup: keyStore({ [AWS_DOC_KEY]: AWS_DOC_SECRET }) };

function req(
  partial: Partial<SignedRequest> & { headers: SignedRequest['headers'] },
  date: string,
): SignedRequest {
  return { method: 'GET', path: '/', query: '', clock: clockAt(date), ...partial };
}

const auth = (sig: string) => `AWS ${AWS_DOC_KEY}:${sig}`;

describe('SigV2 documentation examples', () => {
  it('Object GET (bWq2s1WE...)', async () => {
    const r = req(
      {
        path: '/photos/puppy.jpg',
        virtualHostBucket: 'johnsmith',
        headers: {
          host: 'johnsmith.s3.amazonaws.com',
          date: 'Tue, 27 Mar 2007 19:36:42 +0000',
          authorization: auth('bWq2s1WEIj+Ydj0vQ697zp+IXMU='),
        },
      },
      'Tue, 27 Mar 2007 19:36:42 +0000',
    );
    const ok = assertOk(await verifyRequest(r, options));
    assert.equal(ok.scheme, 'sigv2-header');
    assert.equal(ok.signatureVersion, 'AWS');
    assert.equal(ok.authType, 'REST-HEADER');
    // Path-style addressing of the same object signs the same resource.
    assertOk(
      await verifyRequest(
        { ...r, path: '/johnsmith/photos/puppy.jpg', virtualHostBucket: undefined },
        options,
      ),
    );
  });

  it('Object PUT with Content-Type (MyyxeRY7...)', async () => {
    const r = req(
      {
        method: 'PUT',
        path: '/photos/puppy.jpg',
        virtualHostBucket: 'johnsmith',
        headers: {
          host: 'johnsmith.s3.amazonaws.com',
          'content-type': 'image/jpeg',
          'content-length': '94328',
          date: 'Tue, 27 Mar 2007 21:15:45 +0000',
          authorization: auth('MyyxeRY7whkBe+bq8fHCL/2kKUg='),
        },
      },
      'Tue, 27 Mar 2007 21:15:45 +0000',
    );
    assertOk(await verifyRequest(r, options));
  });

  it('List (query parameters are not sub-resources) (htDYFYdu...)', async () => {
    const r = req(
      {
        query: 'prefix=photos&max-keys=50&marker=puppy',
        virtualHostBucket: 'johnsmith',
        headers: {
          host: 'johnsmith.s3.amazonaws.com',
          'user-agent': 'Mozilla/5.0',
          date: 'Tue, 27 Mar 2007 19:42:41 +0000',
          authorization: auth('htDYFYduRNen8P9ZfE/s9SuKy0U='),
        },
      },
      'Tue, 27 Mar 2007 19:42:41 +0000',
    );
    assertOk(await verifyRequest(r, options));
  });

  it('Fetch ACL (sub-resource) (c2WLPFtW...)', async () => {
    const r = req(
      {
        query: 'acl',
        virtualHostBucket: 'johnsmith',
        headers: {
          host: 'johnsmith.s3.amazonaws.com',
          date: 'Tue, 27 Mar 2007 19:44:46 +0000',
          authorization: auth('c2WLPFtWHVgbEmeEG93a4cG37dM='),
        },
      },
      'Tue, 27 Mar 2007 19:44:46 +0000',
    );
    assertOk(await verifyRequest(r, options));
    // `acl=` (as some clients send it) is the same sub-resource.
    assertOk(await verifyRequest({ ...r, query: 'acl=' }, options));
  });

  it('Delete with x-amz-date (lx3byBSc...)', async () => {
    const r = req(
      {
        method: 'DELETE',
        path: '/johnsmith/photos/puppy.jpg',
        headers: {
          host: 's3.amazonaws.com',
          'user-agent': 'dotnet',
          date: 'Tue, 27 Mar 2007 21:20:27 +0000',
          'x-amz-date': 'Tue, 27 Mar 2007 21:20:26 +0000',
          authorization: auth('lx3byBScXR6KzyMaifNkardMwNk='),
        },
      },
      'Tue, 27 Mar 2007 21:20:26 +0000',
    );
    assertOk(await verifyRequest(r, options));
  });

  it('Upload with x-amz-meta headers, repeated values and a CNAME bucket (ilyl83Rw...)', async () => {
    const r = req(
      {
        method: 'PUT',
        path: '/db-backup.dat.gz',
        virtualHostBucket: 'static.johnsmith.net',
        headers: {
          'user-agent': 'curl/7.15.5',
          host: 'static.johnsmith.net:8080',
          date: 'Tue, 27 Mar 2007 21:06:08 +0000',
          'x-amz-acl': 'public-read',
          'content-type': 'application/x-download',
          'content-md5': '4gJE4saaMU4BqNR0kLY+lw==',
          'x-amz-meta-reviewedby': ['joe@johnsmith.net', 'jane@johnsmith.net'],
          'x-amz-meta-filechecksum': '0x02661779',
          'x-amz-meta-checksumalgorithm': 'crc32',
          'content-disposition': 'attachment; filename=database.dat',
          'content-encoding': 'gzip',
          'content-length': '5913339',
          authorization: auth('ilyl83RwaSoYIEdixDQcA4OnAnc='),
        },
      },
      'Tue, 27 Mar 2007 21:06:08 +0000',
    );
    assertOk(await verifyRequest(r, options));
  });

  it('List all my buckets (qGdzdERI...)', async () => {
    const r = req(
      {
        headers: {
          host: 's3.amazonaws.com',
          date: 'Wed, 28 Mar 2007 01:29:59 +0000',
          authorization: auth('qGdzdERIC03wnaRNKh6OqZehG9s='),
        },
      },
      'Wed, 28 Mar 2007 01:29:59 +0000',
    );
    assertOk(await verifyRequest(r, options));
  });

  it('Unicode keys signed as sent, lower-case escapes kept (DNEZGsoi...)', async () => {
    const r = req(
      {
        path: '/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
        headers: {
          host: 's3.amazonaws.com',
          date: 'Wed, 28 Mar 2007 01:49:49 +0000',
          authorization: auth('DNEZGsoieTZ92F3bUfSPQcbGmlM='),
        },
      },
      'Wed, 28 Mar 2007 01:49:49 +0000',
    );
    assertOk(await verifyRequest(r, options));
  });

  it('query string authentication (NpgCjnDz...)', async () => {
    const r = req(
      {
        path: '/photos/puppy.jpg',
        query: `AWSAccessKeyId=${AWS_DOC_KEY}&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620`,
        virtualHostBucket: 'johnsmith',
        headers: { host: 'johnsmith.s3.amazonaws.com' },
      },
      '2007-03-29T03:00:00Z',
    );
    const ok = assertOk(await verifyRequest(r, options));
    assert.equal(ok.scheme, 'sigv2-query');
    assert.equal(ok.authType, 'REST-QUERY-STRING');
    assert.equal(ok.expiresAt?.toISOString(), '2007-03-29T03:40:20.000Z');
    const late = assertFails(
      await verifyRequest({ ...r, clock: clockAt('2007-03-29T03:40:21Z') }, options),
      'AccessDenied',
    );
    assert.equal(late.error.message, 'Request has expired');
    assert.deepEqual(late.error.fields, {
      Expires: '2007-03-29T03:40:20Z',
      ServerTime: '2007-03-29T03:40:21Z',
    });
  });
});

describe('SigV2 rules', () => {
  const base = req(
    {
      path: '/photos/puppy.jpg',
      virtualHostBucket: 'johnsmith',
      headers: {
        host: 'johnsmith.s3.amazonaws.com',
        date: 'Tue, 27 Mar 2007 19:36:42 +0000',
        authorization: auth('bWq2s1WEIj+Ydj0vQ697zp+IXMU='),
      },
    },
    'Tue, 27 Mar 2007 19:36:42 +0000',
  );

  it('signs sub-resources, including response overrides, with decoded values', async () => {
    const stringToSign =
      'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg?response-content-type=text/plain; charset=x&versionId=v 1';
    const sig = createHmac('sha1', AWS_DOC_SECRET).update(stringToSign).digest('base64');
    const r = {
      ...base,
      query: 'versionId=v%201&foo=bar&response-content-type=text%2Fplain%3B%20charset%3Dx',
      headers: { ...base.headers, authorization: auth(sig) },
    };
    assertOk(await verifyRequest(r, options));
    const f = assertFails(
      await verifyRequest({ ...r, query: r.query.replace('v%201', 'v%202') }, options),
      'SignatureDoesNotMatch',
    );
    assert.equal(f.error.fields.StringToSign, stringToSign.replace('v 1', 'v 2'));
    assert.equal(f.error.fields.SignatureProvided, sig);
    assert.equal(f.error.fields.AWSAccessKeyId, AWS_DOC_KEY);
  });

  it('rejects a malformed header', async () => {
    for (const bad of [`AWS ${AWS_DOC_KEY}`, `AWS ${AWS_DOC_KEY}:`, 'AWS :abc', `AWS a b:c`]) {
      const f = assertFails(
        await verifyRequest({ ...base, headers: { ...base.headers, authorization: bad } }, options),
        'InvalidArgument',
        bad,
      );
      assert.equal(
        f.error.message,
        'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature',
      );
    }
    const bare = assertFails(
      await verifyRequest({ ...base, headers: { ...base.headers, authorization: 'AWS' } }, options),
      'InvalidArgument',
    );
    assert.equal(bare.error.message, 'Unsupported Authorization Type');
  });

  it('requires a date and applies the skew rule', async () => {
    const headers = { ...base.headers };
    delete headers.date;
    const f = assertFails(await verifyRequest({ ...base, headers }, options), 'AccessDenied');
    assert.equal(f.error.message, 'AWS authentication requires a valid Date or x-amz-date header');
    assertFails(
      await verifyRequest({ ...base, clock: clockAt('2007-03-27T19:51:43Z') }, options),
      'RequestTimeTooSkewed',
    );
  });

  it('rejects an incomplete or non-numeric query form', async () => {
    const q = (query: string) => verifyRequest({ ...base, query, headers: { host: 'x' } }, options);
    assertFails(await q(`AWSAccessKeyId=${AWS_DOC_KEY}&Expires=1`), 'AccessDenied');
    const f = assertFails(await q(`AWSAccessKeyId=${AWS_DOC_KEY}&Signature=x&Expires=soon`), 'AccessDenied');
    assert.equal(f.error.message, 'Invalid date (should be seconds since epoch): soon');
    assertFails(await q(`AWSAccessKeyId=${AWS_DOC_KEY}&Signature=x&Signature=y&Expires=1`), 'AccessDenied');
  });

  it('signs x-amz-security-token and hands it to the lookup', async () => {
    const store = keyStore({ [AWS_DOC_KEY]: AWS_DOC_SECRET });
    const stringToSign =
      'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\nx-amz-security-token:tok\n/johnsmith/photos/puppy.jpg';
    const sig = createHmac('sha1', AWS_DOC_SECRET).update(stringToSign).digest('base64');
    const ok = assertOk(
      await verifyRequest(
        { ...base, headers: { ...base.headers, 'x-amz-security-token': 'tok', authorization: auth(sig) } },
        { lookup: store },
      ),
    );
    assert.equal(ok.securityToken, 'tok');
    assert.deepEqual(store.calls, [{ accessKeyId: AWS_DOC_KEY, securityToken: 'tok' }]);
  });
});
