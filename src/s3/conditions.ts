// Conditional requests (RFC 7232 as S3 applies it): If-Match / If-None-Match / If-Modified-Since /
// If-Unmodified-Since on GET and HEAD, the x-amz-copy-source-if-* family on copies, and
// If-None-Match / If-Match on writes.
import { S3Error } from '../server/errors.js';
import type { ObjectRecord } from '../store/metadata.js';
import { bareEtag, httpDate } from './operation.js';

type HeaderGetter = (name: string) => string | undefined;

/** Whether an If-Match / If-None-Match list (`"a", "b"`, or `*`) names the ETag. */
export function etagListMatches(list: string, etag: string): boolean {
  const want = bareEtag(etag);
  for (let item of list.split(',')) {
    item = item.trim();
    if (item === '*') return true;
    if (item.startsWith('W/')) item = item.slice(2);
    if (bareEtag(item) === want) return true;
  }
  return false;
}

/** An HTTP date in seconds, or undefined when absent or unparseable (such headers are ignored). */
function dateHeader(get: HeaderGetter, name: string): number | undefined {
  const v = get(name);
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}

function modifiedSeconds(obj: ObjectRecord): number {
  return Math.floor(obj.lastModified.getTime() / 1000);
}

/** GET/HEAD: 412 PreconditionFailed or 304 NotModified when the conditions say so. */
export function checkReadConditions(get: HeaderGetter, obj: ObjectRecord): void {
  const ifMatch = get('if-match');
  const ifNoneMatch = get('if-none-match');
  const modified = modifiedSeconds(obj);
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, obj.etag)) throw preconditionFailed('If-Match');
  } else {
    const since = dateHeader(get, 'if-unmodified-since');
    if (since !== undefined && modified > since) throw preconditionFailed('If-Unmodified-Since');
  }
  const notModified = () =>
    new S3Error(
      'NotModified',
      undefined,
      {},
      { etag: obj.etag, 'last-modified': httpDate(obj.lastModified) },
    );
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, obj.etag)) throw notModified();
  } else {
    const since = dateHeader(get, 'if-modified-since');
    if (since !== undefined && modified <= since) throw notModified();
  }
}

/** CopyObject / UploadPartCopy: every failed x-amz-copy-source-if-* condition is a 412. */
export function checkCopySourceConditions(get: HeaderGetter, obj: ObjectRecord): void {
  const ifMatch = get('x-amz-copy-source-if-match');
  const ifNoneMatch = get('x-amz-copy-source-if-none-match');
  const modified = modifiedSeconds(obj);
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, obj.etag)) throw preconditionFailed('x-amz-copy-source-If-Match');
  } else {
    const since = dateHeader(get, 'x-amz-copy-source-if-unmodified-since');
    if (since !== undefined && modified > since)
      throw preconditionFailed('x-amz-copy-source-If-Unmodified-Since');
  }
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, obj.etag)) throw preconditionFailed('x-amz-copy-source-If-None-Match');
  } else {
    const since = dateHeader(get, 'x-amz-copy-source-if-modified-since');
    if (since !== undefined && modified <= since)
      throw preconditionFailed('x-amz-copy-source-If-Modified-Since');
  }
}

/**
 * Conditional writes (PutObject, CompleteMultipartUpload, CopyObject destination):
 * `If-None-Match: *` fails when the key exists, `If-Match` when its ETag differs or it is absent.
 */
export function checkWriteConditions(get: HeaderGetter, existing: ObjectRecord | null): void {
  const ifNoneMatch = get('if-none-match');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*')
      throw new S3Error('NotImplemented', 'If-None-Match on writes supports only *.', {
        Header: 'If-None-Match',
      });
    if (existing !== null) throw preconditionFailed('If-None-Match');
  }
  const ifMatch = get('if-match');
  if (ifMatch !== undefined) {
    if (existing === null) throw new S3Error('NoSuchKey');
    if (!etagListMatches(ifMatch, existing.etag)) throw preconditionFailed('If-Match');
  }
}

export function hasWriteConditions(get: HeaderGetter): boolean {
  return get('if-none-match') !== undefined || get('if-match') !== undefined;
}

function preconditionFailed(condition: string): S3Error {
  return new S3Error('PreconditionFailed', undefined, { Condition: condition });
}
