// Chunk and trailer signatures of SigV4 streaming uploads (AWS "Transferring Payload in Multiple
// Chunks" and "Including Trailing Headers"; the trailer chunk as signed by aws-sdk-net
// ConstructSignedTrailersChunk: sorted "name:value\n" lines).

import { EMPTY_SHA256, hmacSha256, sha256Hex } from './crypto.js';
import type { ChunkSigningContext } from './types.js';

export const CHUNK_ALGORITHM = 'AWS4-HMAC-SHA256-PAYLOAD';
export const TRAILER_ALGORITHM = 'AWS4-HMAC-SHA256-TRAILER';

export function chunkStringToSign(ctx: ChunkSigningContext, previous: string, chunkSha256: string): string {
  return `${CHUNK_ALGORITHM}\n${ctx.amzDate}\n${ctx.scope}\n${previous}\n${EMPTY_SHA256}\n${chunkSha256}`;
}

/** `trailerLines` is the canonical trailer block: "name:value\n" per trailing header. */
export function trailerStringToSign(
  ctx: ChunkSigningContext,
  previous: string,
  trailerLines: string,
): string {
  return `${TRAILER_ALGORITHM}\n${ctx.amzDate}\n${ctx.scope}\n${previous}\n${sha256Hex(trailerLines)}`;
}

export function signString(ctx: ChunkSigningContext, stringToSign: string): string {
  return hmacSha256(ctx.signingKey, stringToSign).toString('hex');
}

/** Canonical trailer block from [name, value] pairs, names lower-cased, values trimmed. */
export function canonicalTrailerLines(
  trailers: ReadonlyArray<readonly [string, string]>,
  sort: boolean,
): string {
  const lines = trailers.map(([n, v]) => [n.toLowerCase(), v.trim()] as const);
  if (sort) lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return lines.map(([n, v]) => `${n}:${v}\n`).join('');
}
