// S3 orders keys by their UTF-8 bytes. UTF-8 byte order equals code point order, which differs
// from JavaScript's UTF-16 code unit order only where a surrogate pair meets U+E000..U+FFFF.
// Every key comparison done in JS must go through `compareKeys`, never `<` on strings.

/** Compares two strings in UTF-8 byte order (negative, zero or positive). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Move surrogates above the rest of the BMP: a surrogate starts a supplementary code point.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The smallest string greater than every string that starts with `prefix` (in code point order),
 * or null when no such bound exists (the prefix is empty or all U+10FFFF). Keys starting with
 * `prefix` are exactly those in [prefix, prefixUpperBound(prefix)), which an index can seek.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = (points.pop() as string).codePointAt(0) as number;
    if (last < 0x10ffff) {
      // No scalar value lives in the surrogate range, so skip straight past it.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      points.push(String.fromCodePoint(next));
      return points.join('');
    }
  }
  return null;
}

/** The common prefix a key rolls up into under `delimiter`, or null when it does not roll up. */
export function commonPrefixOf(key: string, prefix: string, delimiter: string | null): string | null {
  if (!delimiter) return null;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? null : key.slice(0, at + delimiter.length);
}
