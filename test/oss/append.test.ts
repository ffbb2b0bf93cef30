// AppendObject under contention: appends at the same position race, exactly one wins, the losers
// are told where to append next (PositionNotEqualToLength, x-oss-next-append-position), and the
// object is never torn.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';
import { ossClient } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
  // public-read-write so that a raw (unsigned) append can read the reply headers ali-oss drops.
  await ossClient(server).putBucket('oss-append-race', { acl: 'public-read-write' });
});
after(async () => {
  await server.close();
});

test('concurrent appends at one position: one wins, the rest get PositionNotEqualToLength', async () => {
  const client = ossClient(server, { bucket: 'oss-append-race' });
  await client.append('race.log', Buffer.from('base|'));
  for (let round = 0; round < 3; round++) {
    const position = (await client.head('race.log')).res.headers['content-length'] ?? '0';
    const payloads = Array.from({ length: 8 }, (_, i) => Buffer.from(`r${round}w${i}-`.repeat(50 + i)));
    const results = await Promise.allSettled(
      payloads.map((p) => client.append('race.log', p, { position: Number(position) })),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    assert.equal(won.length, 1, `round ${round}: exactly one append wins`);
    const winner = payloads[won[0] ?? 0] ?? Buffer.alloc(0);
    const length = Number(position) + winner.length;
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      const err = r.reason as { code?: string; status?: number };
      assert.equal(err.code, 'PositionNotEqualToLength');
      assert.equal(err.status, 409);
    }
    const content = (await client.get('race.log')).content;
    assert.equal(content.length, length);
    assert.ok(content.subarray(Number(position)).equals(winner), 'the winner is appended whole, alone');
  }
  const total = (await client.get('race.log')).content;
  assert.ok(total.toString().startsWith('base|'));
  // A loser learns where to append next, in the error response's headers.
  const stale = await fetch(`${server.url}/oss-append-race/race.log?append&position=5`, {
    method: 'POST',
    headers: { 'x-oss-date': new Date().toUTCString() },
    body: 'late',
  });
  assert.equal(stale.status, 409);
  assert.equal(stale.headers.get('x-oss-next-append-position'), String(total.length));
  assert.match(await stale.text(), /<Code>PositionNotEqualToLength<\/Code>/);
});
