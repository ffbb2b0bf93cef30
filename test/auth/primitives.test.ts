// URI encoding, query parsing and timestamps: the small pieces every scheme stands on.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalQueryString,
  normalizedCanonicalUri,
  s3CanonicalUri,
} from '../../src/auth/sigv4-canonical.js';
import { formatAmzDate, parseAmzDate, parseHttpDate } from '../../src/auth/time.js';
import { hexBytes, parseQuery, percentDecode, percentDecodeBytes, uriEncode } from '../../src/auth/uri.js';

describe('uri', () => {
  it('encodes everything outside the RFC 3986 unreserved set, upper-case hex, per UTF-8 byte', () => {
    assert.equal(uriEncode("AZaz09-._~ !'()*/+=&ü"), 'AZaz09-._~%20%21%27%28%29%2A%2F%2B%3D%26%C3%BC');
    assert.equal(uriEncode('a/b c', true), 'a/b%20c');
  });

  it('decodes tolerantly', () => {
    assert.equal(percentDecode('a%20b+c'), 'a b+c');
    assert.equal(percentDecode('%zz%4'), '%zz%4');
    assert.deepEqual([...percentDecodeBytes('%ff%41')], [0xff, 0x41]);
  });

  it('parses queries, telling `k` from `k=`', () => {
    assert.deepEqual(
      parseQuery('acl&a=&b=1&&c=%20').map((p) => [p.key, p.rawValue]),
      [
        ['acl', undefined],
        ['a', ''],
        ['b', '1'],
        ['c', '%20'],
      ],
    );
  });

  it('hexBytes', () => {
    assert.equal(hexBytes('GET\n'), '47 45 54 0a');
    assert.equal(hexBytes(''), '');
  });
});

describe('SigV4 canonical pieces', () => {
  it('canonical query: decode, re-encode, sort by key then value; bare keys get "="', () => {
    assert.equal(
      canonicalQueryString(parseQuery('b=2&a=z&a=y&uploads&space=a+b&enc=%7E%2f')),
      'a=y&a=z&b=2&enc=~%2F&space=a%2Bb&uploads=',
    );
  });

  it('S3 paths stay as sent; other services are normalised and encoded again', () => {
    assert.equal(s3CanonicalUri('/b/a%20b/../c'), '/b/a%20b/../c');
    assert.equal(s3CanonicalUri(''), '/');
    assert.equal(normalizedCanonicalUri('/a%20b/./c//../d/'), '/a%2520b/d/');
    assert.equal(normalizedCanonicalUri(''), '/');
  });
});

describe('time', () => {
  it('parses ISO 8601 basic strictly', () => {
    assert.equal(parseAmzDate('20130524T000000Z')?.toISOString(), '2013-05-24T00:00:00.000Z');
    for (const bad of [
      '20130230T000000Z',
      '20130524T240000Z',
      '2013-05-24T00:00:00Z',
      '20130524T000000',
      '',
    ]) {
      assert.equal(parseAmzDate(bad), undefined, bad);
    }
    assert.equal(formatAmzDate(new Date('2013-05-24T01:02:03.456Z')), '20130524T010203Z');
  });

  it('parses the HTTP date forms and nothing else', () => {
    assert.equal(parseHttpDate('Tue, 27 Mar 2007 19:36:42 +0000')?.toISOString(), '2007-03-27T19:36:42.000Z');
    assert.equal(parseHttpDate('Fri, 24 May 2013 00:00:00 GMT')?.toISOString(), '2013-05-24T00:00:00.000Z');
    assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')?.toISOString(), '1994-11-06T08:49:37.000Z');
    assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994')?.getUTCFullYear(), 1994);
    for (const bad of ['2013', 'yesterday', '1175139620', 'Tue, 27 Mar 2007 19:36:42 +0000 extra']) {
      assert.equal(parseHttpDate(bad), undefined, bad);
    }
  });
});
