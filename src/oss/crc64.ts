// CRC-64/XZ, which OSS calls crc64ecma (x-oss-hash-crc64ecma): the ECMA-182 polynomial reflected
// (0xC96C5795D7870F42), init and xorout all ones, sent as an unsigned decimal. "123456789" gives
// 0x995DC9BBDF1939FA = 11051210869376104954. The register is kept as two 32-bit halves so the
// per-byte loop stays in small integers (BigInt per byte would be ~50x slower).
const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

const T_LO = new Uint32Array(256);
const T_HI = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let lo = i;
  let hi = 0;
  for (let k = 0; k < 8; k++) {
    const odd = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (odd) {
      lo = (lo ^ POLY_LO) >>> 0;
      hi = (hi ^ POLY_HI) >>> 0;
    }
  }
  T_LO[i] = lo;
  T_HI[i] = hi;
}

/** A running CRC over a stream of chunks; `resume` continues from a stored value (AppendObject). */
export class Crc64 {
  // The register, pre-inverted.
  private lo: number;
  private hi: number;

  constructor(resume = 0n) {
    const inv = ~resume & 0xffffffffffffffffn;
    this.lo = Number(inv & 0xffffffffn);
    this.hi = Number(inv >> 32n);
  }

  update(data: Uint8Array): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ (data[i] as number)) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ (T_LO[idx] as number)) >>> 0;
      hi = ((hi >>> 8) ^ (T_HI[idx] as number)) >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
  }

  value(): bigint {
    return ~((BigInt(this.hi) << 32n) | BigInt(this.lo)) & 0xffffffffffffffffn;
  }

  /** The decimal string OSS sends. */
  toString(): string {
    return this.value().toString(10);
  }
}

/** The CRC of one buffer, continuing from `crc`. */
export function crc64(crc: bigint, data: Uint8Array): bigint {
  const c = new Crc64(crc);
  c.update(data);
  return c.value();
}

/** Passes a body through unchanged while feeding `crc`. */
export async function* tapCrc(body: AsyncIterable<Uint8Array>, crc: Crc64): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    crc.update(chunk);
    yield chunk;
  }
}

/** Parses a stored decimal CRC; undefined when absent or malformed. */
export function parseCrc(value: string | undefined): bigint | undefined {
  if (value === undefined || !/^\d{1,20}$/.test(value)) return undefined;
  const n = BigInt(value);
  return n <= 0xffffffffffffffffn ? n : undefined;
}
