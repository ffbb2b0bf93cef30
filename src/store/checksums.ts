// Digests computed while a body streams to disk: MD5 (the ETag) and the S3 additional
// checksums. MD5/SHA come from node:crypto; CRC32 from zlib.crc32 when this Node has it
// (20.15+), else the table code below; CRC32C and CRC64/NVME always use the tables below.
// CRCs use slicing-by-8: eight table lookups per eight input bytes instead of one per byte.
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

/** The S3 additional checksum algorithms (x-amz-checksum-<lowercase name>). */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
/** Every digest a blob write can compute or verify. */
export type DigestAlgorithm = 'MD5' | ChecksumAlgorithm;

export function isChecksumAlgorithm(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

export interface Hasher {
  update(chunk: Uint8Array): void;
  /** The digest in network byte order (CRCs big-endian), as S3 base64-encodes it. */
  digest(): Buffer;
}

// ---- reflected CRC-32 family -------------------------------------------------------------

function crc32Tables(poly: number): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const t0 = tables[0] as Uint32Array;
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t0[i] = c >>> 0;
  }
  for (let t = 1; t < 8; t++) {
    const prev = tables[t - 1] as Uint32Array;
    const cur = tables[t] as Uint32Array;
    for (let i = 0; i < 256; i++) {
      const p = prev[i] as number;
      cur[i] = ((p >>> 8) ^ (t0[p & 0xff] as number)) >>> 0;
    }
  }
  return tables;
}

function crc32Updater(poly: number): (crc: number, data: Uint8Array) => number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = crc32Tables(poly) as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  return (initial, data) => {
    let crc = ~initial >>> 0;
    let i = 0;
    const n = data.length;
    for (; i + 8 <= n; i += 8) {
      crc ^=
        (data[i] as number) |
        ((data[i + 1] as number) << 8) |
        ((data[i + 2] as number) << 16) |
        ((data[i + 3] as number) << 24);
      crc =
        (t7[crc & 0xff] as number) ^
        (t6[(crc >>> 8) & 0xff] as number) ^
        (t5[(crc >>> 16) & 0xff] as number) ^
        (t4[crc >>> 24] as number) ^
        (t3[data[i + 4] as number] as number) ^
        (t2[data[i + 5] as number] as number) ^
        (t1[data[i + 6] as number] as number) ^
        (t0[data[i + 7] as number] as number);
    }
    for (; i < n; i++) crc = (t0[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
    return ~crc >>> 0;
  };
}

/** CRC-32 (ISO-HDLC, the zlib one) in pure JS: the fallback and the cross-check for zlib.crc32. */
export const crc32Table = crc32Updater(0xedb88320);

type NativeCrc32 = (data: Uint8Array, value?: number) => number;
// Typed lookup: @types/node for Node 20 may not declare zlib.crc32 even where it exists.
const nativeCrc32 = (zlib as unknown as { crc32?: NativeCrc32 }).crc32;

/** CRC-32 of `data`, continuing from `crc` (0 to start). */
export const crc32: (crc: number, data: Uint8Array) => number = nativeCrc32
  ? (crc, data) => nativeCrc32(data, crc)
  : crc32Table;

/** CRC-32C (Castagnoli), continuing from `crc` (0 to start). */
export const crc32c = crc32Updater(0x82f63b78);

// ---- CRC-64/NVME (reflected, poly 0xAD93D23594C93659, reflected form 0x9A6C9329AC4BC9B5) ----
// JS has no fast 64-bit integers, so each value is split into two 32-bit halves.

const CRC64_LO = Array.from({ length: 8 }, () => new Uint32Array(256));
const CRC64_HI = Array.from({ length: 8 }, () => new Uint32Array(256));
{
  const polyHi = 0x9a6c9329;
  const polyLo = 0xac4bc9b5;
  const lo0 = CRC64_LO[0] as Uint32Array;
  const hi0 = CRC64_HI[0] as Uint32Array;
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    lo0[i] = lo;
    hi0[i] = hi;
  }
  for (let t = 1; t < 8; t++) {
    const plo = CRC64_LO[t - 1] as Uint32Array;
    const phi = CRC64_HI[t - 1] as Uint32Array;
    const clo = CRC64_LO[t] as Uint32Array;
    const chi = CRC64_HI[t] as Uint32Array;
    for (let i = 0; i < 256; i++) {
      const lo = plo[i] as number;
      const hi = phi[i] as number;
      const idx = lo & 0xff;
      // (value >>> 8) ^ T0[value & 0xff], with a 64-bit shift across the halves.
      clo[i] = (((lo >>> 8) | (hi << 24)) ^ (lo0[idx] as number)) >>> 0;
      chi[i] = ((hi >>> 8) ^ (hi0[idx] as number)) >>> 0;
    }
  }
}

class Crc64Nvme implements Hasher {
  // The register, pre-inverted (init = all ones).
  private lo = 0xffffffff;
  private hi = 0xffffffff;

  update(data: Uint8Array): void {
    const L = CRC64_LO as [
      Uint32Array,
      Uint32Array,
      Uint32Array,
      Uint32Array,
      Uint32Array,
      Uint32Array,
      Uint32Array,
      Uint32Array,
    ];
    const H = CRC64_HI as typeof L;
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    const n = data.length;
    for (; i + 8 <= n; i += 8) {
      lo ^=
        (data[i] as number) |
        ((data[i + 1] as number) << 8) |
        ((data[i + 2] as number) << 16) |
        ((data[i + 3] as number) << 24);
      hi ^=
        (data[i + 4] as number) |
        ((data[i + 5] as number) << 8) |
        ((data[i + 6] as number) << 16) |
        ((data[i + 7] as number) << 24);
      const b0 = lo & 0xff,
        b1 = (lo >>> 8) & 0xff,
        b2 = (lo >>> 16) & 0xff,
        b3 = lo >>> 24;
      const b4 = hi & 0xff,
        b5 = (hi >>> 8) & 0xff,
        b6 = (hi >>> 16) & 0xff,
        b7 = hi >>> 24;
      lo =
        (L[7][b0] as number) ^
        (L[6][b1] as number) ^
        (L[5][b2] as number) ^
        (L[4][b3] as number) ^
        (L[3][b4] as number) ^
        (L[2][b5] as number) ^
        (L[1][b6] as number) ^
        (L[0][b7] as number);
      hi =
        (H[7][b0] as number) ^
        (H[6][b1] as number) ^
        (H[5][b2] as number) ^
        (H[4][b3] as number) ^
        (H[3][b4] as number) ^
        (H[2][b5] as number) ^
        (H[1][b6] as number) ^
        (H[0][b7] as number);
    }
    for (; i < n; i++) {
      const idx = (lo ^ (data[i] as number)) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ (L[0][idx] as number);
      hi = (hi >>> 8) ^ (H[0][idx] as number);
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE(~this.hi >>> 0, 0);
    out.writeUInt32BE(~this.lo >>> 0, 4);
    return out;
  }
}

class Crc32Hasher implements Hasher {
  private crc = 0;
  constructor(private readonly fn: (crc: number, data: Uint8Array) => number) {}
  update(chunk: Uint8Array): void {
    this.crc = this.fn(this.crc, chunk);
  }
  digest(): Buffer {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32BE(this.crc, 0);
    return out;
  }
}

export function createHasher(algorithm: DigestAlgorithm): Hasher {
  switch (algorithm) {
    case 'MD5':
      return createHash('md5');
    case 'SHA1':
      return createHash('sha1');
    case 'SHA256':
      return createHash('sha256');
    case 'CRC32':
      return new Crc32Hasher(crc32);
    case 'CRC32C':
      return new Crc32Hasher(crc32c);
    case 'CRC64NVME':
      return new Crc64Nvme();
  }
}

/** One-shot digest of a whole buffer. */
export function digestOf(algorithm: DigestAlgorithm, data: Uint8Array): Buffer {
  const h = createHasher(algorithm);
  h.update(data);
  return h.digest();
}
