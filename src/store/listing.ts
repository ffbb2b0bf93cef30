// S3 listing semantics over any store that can return rows in key order from a seek position:
// prefix, delimiter roll-up into common prefixes, exclusive start, max items with truncation.
// Shared by object and multipart-upload listings and by every metadata implementation.
//
// Common prefixes are skipped with one index seek each (to the prefix's upper bound) rather
// than by reading every key beneath them.
import { commonPrefixOf, compareKeys, prefixUpperBound } from './keys.js';

/** A seek position: keys from `key` (inclusive), or after it (with a tiebreak, after that entry). */
export interface Position {
  readonly key: string;
  readonly inclusive: boolean;
  /** With inclusive=false: rows of `key` whose tiebreak column is greater still follow. */
  readonly tiebreak?: string;
}

export interface ListRequest<E> {
  readonly prefix: string;
  /** Null or empty: no roll-up. */
  readonly delimiter: string | null;
  /** Exclusive start, or null to start at the prefix. */
  readonly start: Position | null;
  readonly maxItems: number;
  keyOf(entry: E): string;
  /** The position just after an entry (so the next fetch does not return it again). */
  positionAfter(entry: E): Position;
  /** Rows with key in [lower, upper) in order, at most `limit` of them. */
  fetch(lower: Position | null, upper: string | null, limit: number): Promise<E[]>;
}

export type ListItem<E> =
  { readonly kind: 'entry'; readonly entry: E } | { readonly kind: 'prefix'; readonly prefix: string };

export interface ListPage<E> {
  readonly entries: E[];
  readonly prefixes: string[];
  readonly isTruncated: boolean;
  /** The last item returned when truncated (the next page starts after it), else null. */
  readonly last: ListItem<E> | null;
}

// Enough rows per round trip to fill a typical 1000-key page plus one to detect truncation.
const MAX_BATCH = 1001;
// Under a delimiter, a fetched batch is cut short by the first key that rolls up, so rows are
// fetched a few at first and the batch doubles while rows keep being used: a listing of many
// common prefixes reads one row per prefix, a flat one reaches full batches in a few steps.
const FIRST_DELIMITED_BATCH = 4;

export async function listPage<E>(req: ListRequest<E>): Promise<ListPage<E>> {
  const entries: E[] = [];
  const prefixes: string[] = [];
  if (req.maxItems <= 0) return { entries, prefixes, isTruncated: false, last: null };

  const delimiter = req.delimiter || null;
  const upper = req.prefix ? prefixUpperBound(req.prefix) : null;
  let lower = tighter(req.start, req.prefix);
  let last: ListItem<E> | null = null;
  let count = 0;
  let batch = delimiter ? FIRST_DELIMITED_BATCH : MAX_BATCH;

  for (;;) {
    const limit = Math.min(req.maxItems - count + 1, batch);
    const rows = await req.fetch(lower, upper, limit);
    let reseek = false;
    for (const row of rows) {
      const key = req.keyOf(row);
      const cp = commonPrefixOf(key, req.prefix, delimiter);
      if (cp !== null) {
        // A prefix at or before the start was returned on an earlier page: skip its keys.
        const fresh = req.start === null || compareKeys(cp, req.start.key) > 0;
        if (fresh) {
          if (count === req.maxItems) return { entries, prefixes, isTruncated: true, last };
          prefixes.push(cp);
          last = { kind: 'prefix', prefix: cp };
          count++;
        }
        const next = prefixUpperBound(cp);
        if (next === null) return { entries, prefixes, isTruncated: false, last: null };
        lower = { key: next, inclusive: true };
        reseek = true;
        batch = 1;
        break;
      }
      if (count === req.maxItems) return { entries, prefixes, isTruncated: true, last };
      entries.push(row);
      last = { kind: 'entry', entry: row };
      count++;
      lower = req.positionAfter(row);
    }
    if (!reseek && rows.length < limit) return { entries, prefixes, isTruncated: false, last: null };
    if (!reseek) batch = Math.min(batch * 2, MAX_BATCH);
  }
}

/** The later of the start position and the prefix (as an inclusive position). */
function tighter(start: Position | null, prefix: string): Position | null {
  if (!prefix) return start;
  if (start === null || compareKeys(start.key, prefix) < 0) return { key: prefix, inclusive: true };
  return start;
}
