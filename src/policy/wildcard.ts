// Wildcard matching (`*` any run, `?` one character) for actions, resources and StringLike,
// compiled once per pattern. Policy variables (`${aws:username}`) are resolved per request.
import type { RequestContext } from './request.js';

export interface CompiledPattern {
  /** The pattern as written. */
  readonly source: string;
  /** True when the pattern contains policy variables (so a context is needed to match). */
  readonly hasVariables: boolean;
  /** Does `value` match? A pattern whose variable is missing from `ctx` never matches. */
  test(value: string, ctx?: RequestContext): boolean;
}

/** Action patterns: `s3:Get*`; service prefix and name compare case-insensitively. No variables. */
export function compileActionPattern(_pattern: string): CompiledPattern {
  throw new Error('not implemented');
}

/**
 * Resource patterns: case-sensitive; `*`/`?` never cross a `:` between the ARN's leading
 * segments (partition, service, region, account) but may inside the resource part.
 * Works for `arn:` (AWS, 6 segments) and `acs:` (Alibaba, 5 segments) ARNs and for `*`.
 */
export function compileResourcePattern(_pattern: string, _opts: { variables: boolean }): CompiledPattern {
  throw new Error('not implemented');
}

/** Plain string patterns for StringLike/ArnLike-style operators. */
export function compileStringPattern(
  _pattern: string,
  _opts: { ignoreCase: boolean; variables: boolean },
): CompiledPattern {
  throw new Error('not implemented');
}
