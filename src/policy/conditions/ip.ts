// IpAddress / NotIpAddress: IPv4 and IPv6 CIDR blocks, parsed once; the request address is
// parsed by hand per request (no allocation). An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`)
// also counts as its IPv4 address; IPv4 and IPv6 blocks otherwise never match each other.
import type { OperatorSpec } from './operator.js';

interface Cidr {
  readonly family: 4 | 6;
  /** Network words (IPv4: word 0 only), host bits cleared. */
  readonly net: readonly [number, number, number, number];
  readonly mask: readonly [number, number, number, number];
}

const HAS_V4 = 1;
const HAS_V6 = 2;
const DOT = 0x2e;
const COLON = 0x3a;

// Scratch space for the address being parsed: words 0–3 = IPv6, word 4 = IPv4. Matching is
// synchronous, so one buffer per process is safe.
const scratch = new Uint32Array(5);
const groups = new Uint16Array(8);

/** `s[start, end)` as an IPv4 address (dotted quad, no leading zeros), or -1. */
export function parseIPv4(s: string, start = 0, end = s.length): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && octet === 0) return -1; // `01` is ambiguous (octal in some parsers)
      octet = octet * 10 + (c - 0x30);
      if (octet > 255) return -1;
      digits++;
    } else if (c === DOT) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Parses an IPv6 address (with `::`, an IPv4 tail, an ignored `%zone`) into `out[0..3]`. */
export function parseIPv6(s: string, out: Uint32Array): boolean {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  else if (end === s.length - 1) return false;
  const g = groups;
  let n = 0;
  let gap = -1;
  let i = 0;
  if (end >= 2 && s.charCodeAt(0) === COLON && s.charCodeAt(1) === COLON) {
    gap = 0;
    i = 2;
  } else if (end === 0) {
    return false;
  }
  while (i < end) {
    if (n === 8) return false;
    const groupStart = i;
    let value = 0;
    let digits = 0;
    for (; i < end; i++) {
      const h = hexValue(s.charCodeAt(i));
      if (h < 0) break;
      if (++digits > 4) return false;
      value = value * 16 + h;
    }
    if (i < end && s.charCodeAt(i) === DOT) {
      // A dotted IPv4 tail fills the last two groups.
      const v4 = parseIPv4(s, groupStart, end);
      if (v4 < 0 || n > 6) return false;
      g[n++] = Math.floor(v4 / 65536);
      g[n++] = v4 % 65536;
      break;
    }
    if (digits === 0) return false;
    g[n++] = value;
    if (i === end) break;
    if (s.charCodeAt(i) !== COLON) return false;
    i++;
    if (i < end && s.charCodeAt(i) === COLON) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    } else if (i === end) {
      return false; // a single trailing colon
    }
  }
  if (gap < 0) {
    if (n !== 8) return false;
  } else {
    if (n > 7) return false; // `::` stands for at least one group
    const tail = n - gap;
    for (let k = 0; k < tail; k++) g[7 - k] = g[n - 1 - k]!;
    for (let k = gap; k < 8 - tail; k++) g[k] = 0;
  }
  for (let k = 0; k < 4; k++) out[k] = g[2 * k]! * 65536 + g[2 * k + 1]!;
  return true;
}

/** Parses a request address into `scratch`; returns HAS_V4/HAS_V6 flags (0 when invalid). */
function parseAddress(s: string): number {
  if (s.indexOf(':') >= 0) {
    if (!parseIPv6(s, scratch)) return 0;
    if (scratch[0] === 0 && scratch[1] === 0 && scratch[2] === 0xffff) {
      scratch[4] = scratch[3]!;
      return HAS_V6 | HAS_V4;
    }
    return HAS_V6;
  }
  const v4 = parseIPv4(s);
  if (v4 < 0) return 0;
  scratch[4] = v4;
  return HAS_V4;
}

/** A CIDR block or a plain address (= /32 or /128); undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const v6 = addr.indexOf(':') >= 0;
  const bits = v6 ? 128 : 32;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > bits) return undefined;
  }
  const words = new Uint32Array(4);
  if (v6) {
    if (addr.indexOf('%') >= 0 || !parseIPv6(addr, words)) return undefined;
  } else {
    const v4 = parseIPv4(addr);
    if (v4 < 0) return undefined;
    words[0] = v4;
  }
  const mask: [number, number, number, number] = [0, 0, 0, 0];
  const net: [number, number, number, number] = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    const b = Math.max(0, Math.min(32, prefix - 32 * k));
    // `x << 32` is `x` in JavaScript: a zero-bit mask must be spelt out.
    mask[k] = b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
    // Host bits in the policy value are ignored (203.0.113.7/24 means 203.0.113.0/24).
    net[k] = (words[k]! & mask[k]!) >>> 0;
  }
  return { family: v6 ? 6 : 4, net, mask };
}

/** Does the address held in `scratch` (with `flags`) lie in `c`? */
function inCidr(c: Cidr, flags: number): boolean {
  if (c.family === 4) return (flags & HAS_V4) !== 0 && (scratch[4]! & c.mask[0]) >>> 0 === c.net[0];
  if ((flags & HAS_V6) === 0) return false;
  for (let k = 0; k < 4; k++) if ((scratch[k]! & c.mask[k]!) >>> 0 !== c.net[k]) return false;
  return true;
}

/** Is `address` a valid IPv4 or IPv6 address? */
export function isIpAddress(address: string): boolean {
  return parseAddress(address) !== 0;
}

function ipSpec(negated: boolean): OperatorSpec {
  return {
    negated,
    relation: 'in',
    quoted: false,
    compile(values) {
      const cidrs = values.map(parseCidr);
      const count = cidrs.length;
      return {
        find(value) {
          const flags = parseAddress(value);
          if (flags === 0) return -1;
          for (let i = 0; i < count; i++) {
            const c = cidrs[i];
            if (c !== undefined && inCidr(c, flags)) return i;
          }
          return -1;
        },
        invalidContextValue: (value) => (isIpAddress(value) ? undefined : 'which is not an IP address'),
        unusable: (i) =>
          cidrs[i] === undefined
            ? `${values[i]} is not an IP address or CIDR block, so the value never matches`
            : undefined,
      };
    },
  };
}

export const IP_OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  IpAddress: ipSpec(false),
  NotIpAddress: ipSpec(true),
};
