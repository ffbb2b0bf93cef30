// The string-to-sign shared by AWS SigV2 and Alibaba OSS V1:
//   VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n
//   <prefixed headers, sorted, "name:value\n" each> <resource>[?sorted sub-resources]
// (AWS "Signing and Authenticating REST Requests"; botocore HmacV1Auth; ali-oss
// lib/common/signUtils.js buildCanonicalString / buildCanonicalizedResource.)

import { headerValues, type ParsedRequest } from './request.js';
import type { AuthScheme, AuthSuccess, SecretRecord } from './types.js';
import { compareStrings, type QueryParam } from './uri.js';

export interface V1Parts {
  readonly method: string;
  readonly contentMd5: string;
  readonly contentType: string;
  readonly date: string;
  /** Already canonical "name:value\n" lines. */
  readonly prefixedHeaders: string;
  readonly resource: string;
}

export function v1StringToSign(p: V1Parts): string {
  return `${p.method}\n${p.contentMd5}\n${p.contentType}\n${p.date}\n${p.prefixedHeaders}${p.resource}`;
}

/** Header values are trimmed and unfolded; repeats join with ",". */
function v1Value(values: readonly string[]): string {
  return values.map((v) => v.replace(/\s*\r?\n\s*/g, ' ').trim()).join(',');
}

/** Every header (and, for query auth, every query parameter) starting with `prefix`, lower-cased,
 *  sorted by name. Headers win over query parameters of the same name. */
export function canonicalPrefixedHeaders(
  req: ParsedRequest,
  prefix: string,
  fromQuery: readonly QueryParam[] = [],
): string {
  const merged = new Map<string, string>();
  for (const p of fromQuery) {
    const name = p.key.toLowerCase();
    if (name.startsWith(prefix) && !merged.has(name)) merged.set(name, p.value.trim());
  }
  for (const name of req.headerNames) {
    if (!name.startsWith(prefix)) continue;
    merged.set(name, v1Value(headerValues(req, name) ?? []));
  }
  const names = [...merged.keys()].sort(compareStrings);
  let out = '';
  for (const name of names) out += `${name}:${merged.get(name) as string}\n`;
  return out;
}

/** "?a&b=c" over the parameters that are sub-resources, sorted by name; values decoded. A
 *  parameter sent as `key=` signs as `key=` unless `bareEmpty`, which signs it as `key` (clients
 *  differ; verifiers try both). */
export function subresourceSuffix(
  params: readonly QueryParam[],
  subresources: ReadonlySet<string>,
  bareEmpty: boolean,
): string {
  const chosen = params.filter((p) => subresources.has(p.key));
  if (chosen.length === 0) return '';
  const sorted = [...chosen].sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.value, b.value));
  const parts = sorted.map((p) =>
    p.rawValue === undefined || (bareEmpty && p.value === '') ? p.key : `${p.key}=${p.value}`,
  );
  return '?' + parts.join('&');
}

/** Distinct candidates, in order. */
export function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The success both V1-style schemes return once a signature compares equal. */
export function v1Success<I extends SecretRecord>(p: {
  scheme: AuthScheme;
  accessKeyId: string;
  identity: I;
  signatureVersion: 'AWS' | 'OSS';
  isQuery: boolean;
  signedAt: Date | undefined;
  expiresAt: Date | undefined;
  securityToken: string | undefined;
}): AuthSuccess<I> {
  return {
    ok: true,
    anonymous: false,
    scheme: p.scheme,
    accessKeyId: p.accessKeyId,
    identity: p.identity,
    signatureVersion: p.signatureVersion,
    authType: p.isQuery ? 'REST-QUERY-STRING' : 'REST-HEADER',
    payload: { mode: 'unsigned' },
    ...(p.signedAt === undefined ? {} : { signedAt: p.signedAt }),
    ...(p.expiresAt === undefined ? {} : { expiresAt: p.expiresAt }),
    ...(p.securityToken === undefined ? {} : { securityToken: p.securityToken }),
  };
}
