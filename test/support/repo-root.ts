// The repository root: the nearest directory at or above this file that holds package.json.
// Works both from the TypeScript sources (test/support) and from the compiled tests (dist/test/support).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json found above ${start}`);
    dir = parent;
  }
}

export const repoRoot = findRepoRoot();

/** A path inside the repository, from its root (`repoPath('test', 'fixtures')`). */
export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}
