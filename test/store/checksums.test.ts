// Checksums against published check values ("123456789") and against each other.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CHECKSUM_ALGORITHMS,
  crc32,
  crc32Table,
  crc32c,
  createHasher,
  digestOf,
  isChecksumAlgorithm,
  type DigestAlgorithm,
} from '../../src/store/checksums.js';

const CHECK = Buffer.from('123456789');

/** Bit-at-a-time reflected CRC, the textbook definition, to check the sliced tables against. */
function crcBitwise(data: Uint8Array, poly: bigint, width: number): bigint {
  const mask = (1n << BigInt(width)) - 1n;
  let crc = mask;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc ^ mask;
}

describe('checksums', () => {
  it('match the published check values', () => {
    assert.equal(crc32(0, CHECK), 0xcbf43926);
    assert.equal(crc32Table(0, CHECK), 0xcbf43926);
    assert.equal(crc32c(0, CHECK), 0xe3069283);
    assert.equal(digestOf('CRC32', CHECK).toString('hex'), 'cbf43926');
    assert.equal(digestOf('CRC32C', CHECK).toString('hex'), 'e3069283');
    assert.equal(digestOf('CRC64NVME', CHECK).toString('hex'), 'ae8b14860a799888');
    assert.equal(digestOf('MD5', CHECK).toString('hex'), '25f9e794323b453885f5181f1b624d0b');
    assert.equal(digestOf('SHA1', CHECK).toString('hex'), 'f7c3bc1d808e04732adf679965ccc34ca7ae3441');
    assert.equal(
      digestOf('SHA256', CHECK).toString('hex'),
      '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
    );
  });

  it('match what S3 sends for an empty body and for "hello"', () => {
    // Values as the AWS SDK computes x-amz-checksum-* (base64 of the big-endian digest).
    assert.equal(digestOf('CRC32', Buffer.alloc(0)).toString('base64'), 'AAAAAA==');
    assert.equal(digestOf('CRC32', Buffer.from('hello')).toString('base64'), 'NhCmhg==');
    assert.equal(digestOf('CRC32C', Buffer.from('hello')).toString('base64'), 'mnG7TA==');
    assert.equal(digestOf('CRC64NVME', Buffer.alloc(0)).toString('base64'), 'AAAAAAAAAAA=');
  });

  it('agree with the bit-at-a-time definition on random lengths and alignments', () => {
    for (let n = 0; n < 70; n++) {
      const data = randomBytes(n).subarray(n % 3);
      assert.equal(
        crc32Table(0, data),
        Number(crcBitwise(data, 0xedb88320n, 32)),
        `crc32 len ${data.length}`,
      );
      assert.equal(crc32(0, data), crc32Table(0, data));
      assert.equal(crc32c(0, data), Number(crcBitwise(data, 0x82f63b78n, 32)), `crc32c len ${data.length}`);
      assert.equal(
        digestOf('CRC64NVME', data).readBigUInt64BE(0),
        crcBitwise(data, 0x9a6c9329ac4bc9b5n, 64),
        `crc64nvme len ${data.length}`,
      );
    }
  });

  it('give the same digest however the input is chunked', () => {
    const data = randomBytes(100_003);
    for (const alg of ['MD5', ...CHECKSUM_ALGORITHMS] as DigestAlgorithm[]) {
      const whole = digestOf(alg, data);
      const h = createHasher(alg);
      for (let i = 0; i < data.length;) {
        const step = 1 + ((i * 7919) % 4099);
        h.update(data.subarray(i, i + step));
        i += step;
      }
      assert.deepEqual(h.digest(), whole, alg);
    }
  });

  it('recognise algorithm names', () => {
    assert.equal(isChecksumAlgorithm('CRC32C'), true);
    assert.equal(isChecksumAlgorithm('crc32c'), false);
    assert.equal(isChecksumAlgorithm('MD5'), false);
  });
});
