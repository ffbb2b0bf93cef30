// Where things are, whether this runs from bench/policy or compiled into bench/.data/build.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findBenchDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'portcullis-bench'
    ) {
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('bench/package.json not found above this file');
    dir = up;
  }
}

/** The bench/ directory. */
export const BENCH_DIR = findBenchDir();
/** Generated files (gitignored): build output, results JSON, profiles. */
export const DATA_DIR = join(BENCH_DIR, '.data');

/** The installed version of a dependency of bench/. */
export function versionOf(pkg: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(BENCH_DIR, 'node_modules', pkg, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '?';
  }
}
