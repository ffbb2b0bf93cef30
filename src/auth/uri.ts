// Percent-encoding as the signature schemes define it. Works on bytes so that a request with
// non-UTF-8 escapes is re-encoded exactly rather than mangled by a UTF-8 round trip.

const HEX = '0123456789ABCDEF';

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

/** AWS UriEncode(): every byte outside the RFC 3986 unreserved set as %XX (upper-case hex).
 *  `keepSlash` leaves '/' alone, as for object key paths. OSS's encodeString is the same set. */
export function uriEncode(input: string | Uint8Array, keepSlash = false): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let out = '';
  for (const byte of bytes) {
    if (isUnreserved(byte) || (keepSlash && byte === 0x2f)) out += String.fromCharCode(byte);
    else out += '%' + HEX[byte >> 4] + HEX[byte & 15];
  }
  return out;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** Percent-decodes to bytes. A '%' not followed by two hex digits stays literal (never throws);
 *  '+' stays '+' (SigV4 clients encode spaces as %20). */
export function percentDecodeBytes(input: string): Buffer {
  if (!input.includes('%')) return Buffer.from(input, 'utf8');
  const raw = Buffer.from(input, 'utf8');
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] as number;
    if (byte === 0x25 && i + 2 < raw.length) {
      const hi = hexValue(raw[i + 1] as number);
      const lo = hexValue(raw[i + 2] as number);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

/** Percent-decodes to a string (invalid UTF-8 becomes U+FFFD). */
export function percentDecode(input: string): string {
  return percentDecodeBytes(input).toString('utf8');
}

/** One `key[=value]` pair of a raw query string. */
export interface QueryParam {
  readonly rawKey: string;
  /** undefined when the pair had no '=' at all (`?acl`). */
  readonly rawValue: string | undefined;
  readonly key: string;
  readonly value: string;
}

/** Splits a raw query string. Empty segments (`a=1&&b=2`) are skipped. */
export function parseQuery(raw: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (raw === '') return params;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? undefined : pair.slice(eq + 1);
    params.push({
      rawKey,
      rawValue,
      key: percentDecode(rawKey),
      value: rawValue === undefined ? '' : percentDecode(rawValue),
    });
  }
  return params;
}

/** "47 45 54 0a ..." — the StringToSignBytes / CanonicalRequestBytes form of AWS error bodies. */
export function hexBytes(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const parts: string[] = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = (bytes[i] as number).toString(16).padStart(2, '0');
  return parts.join(' ');
}

/** Byte-wise (code unit) comparison, the order AWS sorts encoded keys in. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
