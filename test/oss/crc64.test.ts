// CRC-64/ECMA as OSS computes it (CRC-64/XZ: reflected 0xC96C5795D7870F42, init/xorout all ones).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Crc64, crc64, parseCrc } from '../../src/oss/crc64.js';

test('check value and known vectors', () => {
  assert.equal(crc64(0n, Buffer.from('123456789')), 0x995dc9bbdf1939fan);
  assert.equal(crc64(0n, Buffer.from('123456789')).toString(), '11051210869376104954');
  assert.equal(crc64(0n, Buffer.alloc(0)), 0n);
  assert.equal(crc64(0n, Buffer.from('a')), 0x330284772e652b05n);
});

test('continuing from a stored value equals one pass (AppendObject)', () => {
  const data = Buffer.from('The quick brown fox jumps over the lazy dog');
  const whole = crc64(0n, data);
  for (const cut of [0, 1, 7, 20, data.length]) {
    const resumed = new Crc64(crc64(0n, data.subarray(0, cut)));
    resumed.update(data.subarray(cut));
    assert.equal(resumed.value(), whole);
  }
  assert.equal(parseCrc(whole.toString()), whole);
  assert.equal(parseCrc('18446744073709551616'), undefined);
  assert.equal(parseCrc('x'), undefined);
});
