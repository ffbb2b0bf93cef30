// Hotlink protection through ali-oss: Put/GetBucketReferer, and the check on anonymous and
// presigned-URL requests (allow-empty, `*` and `?` wildcards, truncated query strings, blacklist),
// never on requests signed in a header.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseRefererXml, refererAllowed } from '../../src/oss/referer.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { ossClient } from './helpers.js';

let server: TestServer;
const BUCKET = 'oss-referer-bucket';
before(async () => {
  server = await startTestServer();
  await ossClient(server).putBucket(BUCKET, { acl: 'public-read' });
  await ossClient(server, { bucket: BUCKET }).put('pic.png', Buffer.from('picture'));
});
after(async () => {
  await server.close();
});

function fetchWith(referer: string | undefined): Promise<Response> {
  return fetch(`${server.url}/${BUCKET}/pic.png`, {
    headers: { 'x-oss-date': new Date().toUTCString(), ...(referer !== undefined ? { referer } : {}) },
  });
}

async function statusFor(referer: string | undefined): Promise<number> {
  const res = await fetchWith(referer);
  await res.arrayBuffer();
  return res.status;
}

test('putBucketReferer / getBucketReferer round trip, default before any is set', async () => {
  const client = ossClient(server);
  const initial = await client.getBucketReferer(BUCKET);
  assert.equal(initial.allowEmpty, true);
  assert.equal(initial.referers, null);
  await client.putBucketReferer(BUCKET, false, [
    'http://www.example.com/*',
    'https://*.example.org',
    'http://img?.cdn.net/*',
  ]);
  const got = await client.getBucketReferer(BUCKET);
  assert.equal(got.allowEmpty, false);
  assert.deepEqual(got.referers, [
    'http://www.example.com/*',
    'https://*.example.org',
    'http://img?.cdn.net/*',
  ]);
});

test('anonymous reads: whitelist with wildcards, empty Referer refused, denial in OSS words', async () => {
  await ossClient(server).putBucketReferer(BUCKET, false, [
    'http://www.example.com/*',
    'https://*.example.org',
    'http://img?.cdn.net/*',
  ]);
  assert.equal(await statusFor('http://www.example.com/page.html'), 200);
  assert.equal(await statusFor('https://a.b.example.org'), 200);
  assert.equal(await statusFor('http://img1.cdn.net/x'), 200);
  // `?` is exactly one character.
  assert.equal(await statusFor('http://img12.cdn.net/x'), 403);
  // The query string is cut before matching (AllowTruncateQueryString defaults to true).
  assert.equal(await statusFor('https://a.example.org?from=mail'), 200);
  assert.equal(await statusFor('http://evil.com/page.html'), 403);
  const empty = await fetchWith(undefined);
  assert.equal(empty.status, 403);
  const xml = await empty.text();
  assert.match(xml, /<Code>AccessDenied<\/Code>/);
  assert.match(xml, /<Message>You are denied by bucket referer policy\.<\/Message>/);
  // Requests signed in a header are not subject to it.
  assert.equal((await ossClient(server, { bucket: BUCKET }).get('pic.png')).content.toString(), 'picture');
  // Allow-empty with the same list lets Referer-less requests through.
  await ossClient(server).putBucketReferer(BUCKET, true, ['http://www.example.com/*']);
  assert.equal(await statusFor(undefined), 200);
  assert.equal(await statusFor('http://evil.com/'), 403);
  // An empty whitelist with allow-empty is no protection at all (OSS's default).
  await ossClient(server).putBucketReferer(BUCKET, true, null);
  assert.equal(await statusFor('http://evil.com/'), 200);
});

test('a presigned URL is checked too', async () => {
  const named = ossClient(server, { bucket: BUCKET, endpoint: server.url.replace('127.0.0.1', 'localhost') });
  await ossClient(server).putBucketReferer(BUCKET, false, ['https://app.example.com/*']);
  const url = named.signatureUrl('pic.png', { expires: 300 }).replace('localhost', '127.0.0.1');
  const refused = await fetch(url, { headers: { referer: 'https://other.example.com/' } });
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /You are denied by bucket referer policy\./);
  const allowed = await fetch(url, { headers: { referer: 'https://app.example.com/view' } });
  assert.equal(allowed.status, 200);
  assert.equal(await allowed.text(), 'picture');
  await ossClient(server).putBucketReferer(BUCKET, true, null);
});

test('blacklist and truncation rules (unit)', () => {
  const config = parseRefererXml(
    Buffer.from(
      '<RefererConfiguration><AllowEmptyReferer>true</AllowEmptyReferer>' +
        '<AllowTruncateQueryString>false</AllowTruncateQueryString>' +
        '<RefererList><Referer>*.example.com*</Referer></RefererList>' +
        '<RefererBlacklist><Referer>http://ban.*.com*</Referer></RefererBlacklist></RefererConfiguration>',
    ),
  );
  // An entry without a scheme matches either scheme.
  assert.equal(refererAllowed(config, 'https://www.example.com/a'), true);
  // Blacklist wins over a whitelist match.
  assert.equal(refererAllowed(config, 'http://ban.example.com/a'), false);
  // Without truncation the query string takes part in matching (still matched by the trailing *).
  assert.equal(refererAllowed(config, 'http://x.example.com?a=1'), true);
  assert.equal(refererAllowed(config, 'HTTP://WWW.EXAMPLE.COM/'), true);
  const path = parseRefererXml(
    Buffer.from(
      '<RefererConfiguration><AllowEmptyReferer>false</AllowEmptyReferer><TruncatePath>true</TruncatePath>' +
        '<RefererList><Referer>https://www.example.com</Referer></RefererList></RefererConfiguration>',
    ),
  );
  assert.equal(refererAllowed(path, 'https://www.example.com/deep/page?x=1'), true);
  assert.equal(refererAllowed(path, undefined), false);
  assert.throws(() => parseRefererXml(Buffer.from('<RefererConfiguration></RefererConfiguration>')));
  assert.throws(() =>
    parseRefererXml(
      Buffer.from(
        '<RefererConfiguration><AllowEmptyReferer>maybe</AllowEmptyReferer></RefererConfiguration>',
      ),
    ),
  );
});
