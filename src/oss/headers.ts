// The OSS headers of a request, restated in the S3 names the shared handlers read, and a shared
// handler's reply restated in OSS's: ETags in uppercase hex, x-oss-meta-*, no S3 namespaces.
// Signatures were verified on the raw headers before any of this runs.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { HeaderMap, Reply } from '../server/reply.js';
import { S3_XMLNS } from '../server/xml.js';

/** OSS storage classes → the S3 names the store keeps (and back). */
const STORAGE_TO_S3: Readonly<Record<string, string>> = {
  standard: 'STANDARD',
  ia: 'STANDARD_IA',
  archive: 'GLACIER',
  coldarchive: 'DEEP_ARCHIVE',
  deepcoldarchive: 'DEEP_ARCHIVE',
};
const STORAGE_TO_OSS: Readonly<Record<string, string>> = {
  STANDARD: 'Standard',
  STANDARD_IA: 'IA',
  GLACIER: 'Archive',
  DEEP_ARCHIVE: 'ColdArchive',
};

export function ossStorageClass(s3Class: string): string {
  return STORAGE_TO_OSS[s3Class] ?? 'Standard';
}

const RENAMED: ReadonlyArray<readonly [string, string]> = [
  ['x-oss-copy-source', 'x-amz-copy-source'],
  ['x-oss-metadata-directive', 'x-amz-metadata-directive'],
  ['x-oss-copy-source-if-match', 'x-amz-copy-source-if-match'],
  ['x-oss-copy-source-if-none-match', 'x-amz-copy-source-if-none-match'],
  ['x-oss-copy-source-if-modified-since', 'x-amz-copy-source-if-modified-since'],
  ['x-oss-copy-source-if-unmodified-since', 'x-amz-copy-source-if-unmodified-since'],
  ['x-oss-tagging', 'x-amz-tagging'],
  ['x-oss-tagging-directive', 'x-amz-tagging-directive'],
];

/**
 * Rewrites the request's headers in place for the shared handlers: x-amz-* the client sent mean
 * nothing to OSS and are dropped; x-oss-* become their S3 twins; `x-oss-forbid-overwrite: true`
 * is S3's `If-None-Match: *`.
 */
export function restateRequestHeaders(req: IncomingMessage): void {
  const h = req.headers;
  for (const name of Object.keys(h)) if (name.startsWith('x-amz-')) delete h[name];
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith('x-oss-meta-') && value !== undefined) h[`x-amz-meta-${name.slice(11)}`] = value;
  }
  for (const [from, to] of RENAMED) {
    const v = h[from];
    if (v !== undefined) h[to] = v;
  }
  const storage = h['x-oss-storage-class'];
  if (typeof storage === 'string') h['x-amz-storage-class'] = STORAGE_TO_S3[storage.toLowerCase()] ?? storage;
  if (String(h['x-oss-forbid-overwrite']).toLowerCase() === 'true') h['if-none-match'] = '*';
}

/** `"abc..."` → `"ABC..."` (OSS sends uppercase hex; multipart `-N` suffixes are unaffected). */
export function ossEtag(etag: string): string {
  // Only the hex digits: an escaped `&quot;` around it must stay as it is.
  return etag.replace(/[a-f]/g, (c) => c.toUpperCase());
}

/** A shared handler's reply in OSS terms. */
export function restateReply(reply: Reply): Reply {
  const headers: HeaderMap = {};
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'etag' && typeof value === 'string') headers['etag'] = ossEtag(value);
    else if (lower.startsWith('x-amz-meta-')) headers[`x-oss-meta-${lower.slice(11)}`] = value;
    else if (lower === 'x-amz-storage-class' && typeof value === 'string')
      headers['x-oss-storage-class'] = ossStorageClass(value);
    else if (lower === 'x-amz-tagging-count') headers['x-oss-tagging-count'] = value;
    else if (!lower.startsWith('x-amz-')) headers[lower] = value;
  }
  let body = reply.body;
  if (typeof body === 'string' && body.includes(S3_XMLNS)) {
    body = body
      .replace(` xmlns="${S3_XMLNS}"`, '')
      .replace(/<ETag>([^<]*)<\/ETag>/g, (_m, e: string) => `<ETag>${ossEtag(e)}</ETag>`)
      .replace(
        /<StorageClass>([^<]*)<\/StorageClass>/g,
        (_m, c: string) => `<StorageClass>${ossStorageClass(c)}</StorageClass>`,
      );
  }
  return body instanceof Readable || body === undefined
    ? { status: reply.status, headers, ...(body !== undefined ? { body } : {}) }
    : { status: reply.status, headers, body };
}
