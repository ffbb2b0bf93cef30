// A request parsed once (headers, query) and shared by detection and every scheme verifier.

import type { HeaderValue, SignedRequest } from './types.js';
import { parseQuery, type QueryParam } from './uri.js';

export interface ParsedRequest {
  readonly raw: SignedRequest;
  readonly method: string;
  /** Server time of this verification, read once from the clock. */
  readonly now: number;
  readonly query: readonly QueryParam[];
  /** Header names present, lower case. */
  readonly headerNames: readonly string[];
}

export function parseRequest(raw: SignedRequest): ParsedRequest {
  const headerNames: string[] = [];
  for (const name of Object.keys(raw.headers)) {
    if (raw.headers[name] !== undefined) headerNames.push(name.toLowerCase());
  }
  return {
    raw,
    method: raw.method.toUpperCase(),
    now: raw.clock(),
    query: parseQuery(raw.query),
    headerNames,
  };
}

function valuesOf(value: HeaderValue | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : value;
}

/** All values of a header (name compared lower case). */
export function headerValues(req: ParsedRequest, name: string): readonly string[] | undefined {
  const lower = name.toLowerCase();
  const direct = valuesOf(req.raw.headers[lower]);
  if (direct !== undefined) return direct;
  // Tolerate callers that did not lower-case the names.
  for (const key of Object.keys(req.raw.headers)) {
    if (key.toLowerCase() === lower) return valuesOf(req.raw.headers[key]);
  }
  return undefined;
}

/** One header's value; repeats joined with ",". */
export function header(req: ParsedRequest, name: string): string | undefined {
  const values = headerValues(req, name);
  return values === undefined ? undefined : values.join(',');
}

/** SigV4 canonical header value: each value trimmed, inner whitespace runs folded to one space,
 *  repeats joined with "," (botocore `' '.join(v.split())`, smithy `trim().replace(/\s+/g, ' ')`). */
export function canonicalHeaderValue(values: readonly string[] | undefined): string {
  if (values === undefined) return '';
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

/** Query parameters named `name` (exact or case-insensitive match). */
export function queryValues(req: ParsedRequest, name: string, caseInsensitive = false): QueryParam[] {
  const lower = name.toLowerCase();
  return req.query.filter((p) => (caseInsensitive ? p.key.toLowerCase() === lower : p.key === name));
}
