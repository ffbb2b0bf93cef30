// The Range header of a GET: one `bytes=` range. Like S3, a header that is not a single valid
// byte range is ignored (the whole object is sent); a valid range that starts past the end is
// 416 InvalidRange.
import { S3Error } from '../server/errors.js';
import type { ByteRange } from '../store/blobs.js';

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/** Undefined: send the whole object. Otherwise the inclusive range, clipped to the object. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = SINGLE_RANGE.exec(header.trim());
  if (m === null) return undefined;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return undefined;
  let start: number;
  let end: number;
  if (first === '') {
    // Suffix range: the last N bytes.
    const n = Number(last);
    if (n === 0) throw invalidRange(header, size);
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return undefined; // syntactically invalid: ignored
  }
  if (start >= size || size === 0) throw invalidRange(header, size);
  return { start, end };
}

function invalidRange(header: string, size: number): S3Error {
  return new S3Error('InvalidRange', undefined, { RangeRequested: header, ActualObjectSize: size });
}
