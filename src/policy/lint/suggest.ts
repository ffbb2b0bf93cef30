// "Did you mean …?": the closest known name by edit distance, ignoring case.

/** Levenshtein distance, case-insensitive; stops early once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    prev = cur;
  }
  return prev[t.length] ?? 0;
}

/** The known name closest to `name`, if close enough to be a likely typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  // Short names tolerate one edit, longer ones a few more.
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 5)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const k of known) {
    const d = editDistance(name, k, limit);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** ` Did you mean "x"?` or the empty string. */
export function didYouMean(name: string, known: readonly string[]): string {
  const hit = closest(name, known);
  return hit === undefined ? '' : ` Did you mean "${hit}"?`;
}
