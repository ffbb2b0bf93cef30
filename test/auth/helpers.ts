// Shared test plumbing: raw HTTP text → SignedRequest, a fixed clock, an in-memory key store.

import assert from 'node:assert/strict';
import type {
  AuthFailure,
  AuthResult,
  AuthSuccess,
  CredentialLookup,
  HeaderValue,
  SecretRecord,
  SignedRequest,
} from '../../src/auth/types.js';
import { parseAmzDate } from '../../src/auth/time.js';

export interface TestIdentity extends SecretRecord {
  readonly user: string;
}

export const AWS_DOC_KEY = 'AKIAIOSFODNN7EXAMPLE';
export const AWS_DOC_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** A lookup over a fixed map; records the contexts it was called with. */
export function keyStore(keys: Record<string, string>): CredentialLookup<TestIdentity> & {
  calls: Array<{ accessKeyId: string; securityToken?: string }>;
} {
  const calls: Array<{ accessKeyId: string; securityToken?: string }> = [];
  const lookup = async (accessKeyId: string, ctx: { securityToken?: string }) => {
    calls.push(
      ctx.securityToken === undefined ? { accessKeyId } : { accessKeyId, securityToken: ctx.securityToken },
    );
    const secret = keys[accessKeyId];
    return secret === undefined ? undefined : { secretAccessKey: secret, user: `user-${accessKeyId}` };
  };
  return Object.assign(lookup, { calls });
}

export function clockAt(when: string | number | Date): () => number {
  if (typeof when === 'number') return () => when;
  if (when instanceof Date) return () => when.getTime();
  const amz = parseAmzDate(when);
  const ms = amz ? amz.getTime() : Date.parse(when);
  assert.ok(Number.isFinite(ms), `bad test time ${when}`);
  return () => ms;
}

/** "GET /path?q HTTP/1.1\nName:value\n...\n\nbody" → SignedRequest (repeated headers as arrays). */
export function fromRawHttp(
  raw: string,
  clock: () => number,
  extra: Partial<SignedRequest> = {},
): SignedRequest {
  const blank = raw.indexOf('\n\n');
  const head = blank < 0 ? raw : raw.slice(0, blank);
  const body = blank < 0 ? undefined : raw.slice(blank + 2);
  const [requestLine = '', ...lines] = head.split('\n');
  const firstSpace = requestLine.indexOf(' ');
  const lastSpace = requestLine.lastIndexOf(' ');
  const method = requestLine.slice(0, firstSpace);
  const target = requestLine.slice(firstSpace + 1, lastSpace);
  const q = target.indexOf('?');
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1));
  }
  const flat: Record<string, HeaderValue> = {};
  for (const [name, values] of Object.entries(headers))
    flat[name] = values.length === 1 ? (values[0] as string) : values;
  return {
    method,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers: flat,
    clock,
    ...(body === undefined ? {} : { body }),
    ...extra,
  };
}

export function assertOk<I extends SecretRecord>(result: AuthResult<I>, label = ''): AuthSuccess<I> {
  if (!result.ok) {
    assert.fail(
      `${label} expected success, got ${result.error.code}: ${result.error.message}\n${JSON.stringify(result.error.fields, null, 2)}`,
    );
  }
  assert.equal(result.anonymous, false, `${label} unexpectedly anonymous`);
  return result as AuthSuccess<I>;
}

export function assertFails<I extends SecretRecord>(
  result: AuthResult<I>,
  code: string,
  label = '',
): AuthFailure {
  assert.equal(result.ok, false, `${label} expected ${code}, got success`);
  const failure = result as AuthFailure;
  assert.equal(
    failure.error.code,
    code,
    `${label} expected ${code}, got ${failure.error.code}: ${failure.error.message}`,
  );
  return failure;
}
