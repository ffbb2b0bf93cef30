// When the evidence supports granting a prefix instead of each key.
//
// The rule, per action and bucket: the keys are grouped by their folder (everything up to the
// last `/`). A folder collapses to `folder/*` when
//   - at least `threshold` distinct keys in that very folder were used with the action, and
//   - no request of the principal for that action on a key under the folder was denied (someone
//     decided those keys are off limits; a prefix grant would hand them out).
// Keys at the top of a bucket never collapse (that would be the whole bucket), nor do ancestors
// of a folder (a few keys in logs/2024/ say nothing about logs/). A threshold of 0 turns
// collapsing off: every key is listed.
import { literalInArn } from './resources.js';

export const DEFAULT_PREFIX_THRESHOLD = 3;

/**
 * The resource suffixes (after `bucket/`) to grant one action in one bucket: collapsed folders
 * as `folder/*`, every other key literally; sorted.
 */
export function collapseKeys(
  keys: Iterable<string>,
  deniedKeys: readonly string[],
  threshold: number = DEFAULT_PREFIX_THRESHOLD,
): string[] {
  const distinct = [...new Set(keys)];
  const folders = new Map<string, number>();
  for (const key of distinct) {
    const folder = folderOf(key);
    if (folder !== '') folders.set(folder, (folders.get(folder) ?? 0) + 1);
  }
  const collapsed =
    threshold <= 0
      ? []
      : [...folders]
          .filter(([folder, n]) => n >= threshold && !deniedKeys.some((k) => k.startsWith(folder)))
          .map(([folder]) => folder)
          .sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  // A folder inside a collapsed one is already covered.
  const kept: string[] = [];
  for (const folder of collapsed) if (!kept.some((k) => folder.startsWith(k))) kept.push(folder);
  const out = kept.map((folder) => `${literalInArn(folder)}*`);
  for (const key of distinct) if (!kept.some((k) => key.startsWith(k))) out.push(literalInArn(key));
  return out.sort();
}

/** `a/b/c.txt` → `a/b/`; `c.txt` → ``. */
export function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}
