// Alibaba's RPC request signature (SignatureMethod HMAC-SHA1, SignatureVersion 1.0):
//   StringToSign = METHOD + "&" + percentEncode("/") + "&" + percentEncode(canonicalized query)
//   canonicalized query = the parameters (without Signature) sorted by name, each
//                         percentEncode(name) + "=" + percentEncode(value), joined with "&"
//   Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
// percentEncode is RFC 3986 (only A-Z a-z 0-9 - _ . ~ left as is). Clients built on Node's
// `querystring` leave !'()* unencoded; both encodings are accepted, and compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { escape as querystringEscape } from 'node:querystring';

export type PercentEncoding = 'rfc3986' | 'querystring';

const RESERVED_BY_RFC3986 = /[!'()*]/g;

export function percentEncode(value: string, encoding: PercentEncoding = 'rfc3986'): string {
  if (encoding === 'querystring') return querystringEscape(value);
  return encodeURIComponent(value).replace(
    RESERVED_BY_RFC3986,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Sorted by name as code units, as the SDKs sort. */
export function canonicalizedQuery(
  params: readonly (readonly [string, string])[],
  encoding: PercentEncoding,
): string {
  return [...params]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${percentEncode(k, encoding)}=${percentEncode(v, encoding)}`)
    .join('&');
}

export function stringToSign(
  method: string,
  params: readonly (readonly [string, string])[],
  encoding: PercentEncoding = 'rfc3986',
): string {
  const canonical = canonicalizedQuery(params, encoding);
  return `${method}&${percentEncode('/', encoding)}&${percentEncode(canonical, encoding)}`;
}

export function sign(secret: string, text: string): string {
  return createHmac('sha1', `${secret}&`).update(text, 'utf8').digest('base64');
}

/** The strings a client may have signed: RFC 3986 throughout, or Node's querystring escaping. */
export function candidateStringsToSign(
  method: string,
  params: readonly (readonly [string, string])[],
): string[] {
  const rfc = stringToSign(method, params, 'rfc3986');
  const qs = stringToSign(method, params, 'querystring');
  return rfc === qs ? [rfc] : [rfc, qs];
}

/** Whether `provided` is the signature of one of the candidate strings (every candidate is checked). */
export function signatureMatches(secret: string, candidates: readonly string[], provided: string): boolean {
  // A form-decoded `+` arrives as a space; base64 has no spaces.
  const given = Buffer.from(provided.replace(/ /g, '+'), 'utf8');
  let ok = false;
  for (const text of candidates) {
    const expected = Buffer.from(sign(secret, text), 'utf8');
    if (expected.byteLength === given.byteLength && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}
