// Protocols sharing the S3 port: a front claims requests by shape; everything else stays S3.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import type { ProtocolFront } from '../../src/server/fronts.js';
import { createDispatcher } from '../../src/server/dispatch.js';
import { createServer } from 'node:http';
import type { S3Services } from '../../src/s3/context.js';

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a claiming front answers; a front that throws gives a 500 without stopping the server', async () => {
  const logged: unknown[] = [];
  const services = { log: { error: (o: unknown) => logged.push(o) } } as unknown as S3Services;
  const fronts: ProtocolFront[] = [
    {
      name: 'echo',
      claims: (req) => req.headers['x-test-front'] === 'echo',
      handle: async (_s, req, res) => void res.writeHead(200).end(`echo ${req.url}`),
    },
    {
      name: 'broken',
      claims: (req) => req.headers['x-test-front'] === 'broken',
      handle: async () => {
        throw new Error('bug');
      },
    },
  ];
  const server = createServer(createDispatcher(services, fronts));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    assert.deepEqual(await get(port, '/x?y', { 'x-test-front': 'echo' }), { status: 200, body: 'echo /x?y' });
    assert.equal((await get(port, '/', { 'x-test-front': 'broken' })).status, 500);
    assert.equal(logged.length, 1);
    assert.deepEqual(await get(port, '/again', { 'x-test-front': 'echo' }), {
      status: 200,
      body: 'echo /again',
    });
  } finally {
    server.close();
  }
});
