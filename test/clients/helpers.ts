// Shared by the real-client tests (s3cmd, rclone): runs a Debian binary, failing — never
// skipping — with a clear message when it is missing, and builds a small file tree to upload.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const MiB = 1024 * 1024;

/** Asserts that `binary` runs (`binary --version`), naming the Debian package to install. */
export async function requireBinary(binary: string, versionArgs: string[] = ['--version']): Promise<void> {
  try {
    await execFileP(binary, versionArgs, { timeout: 10_000 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    assert.fail(
      code === 'ENOENT'
        ? `${binary} is not installed: install it (apt-get install -y ${binary}; .ci/run does) — this test does not skip`
        : `${binary} ${versionArgs.join(' ')} failed: ${String(error)}`,
    );
  }
}

/** Runs a client command; on failure, the error carries its stdout and stderr. */
export async function runClient(
  binary: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  try {
    const { stdout } = await execFileP(binary, args, { env, timeout: 60_000, maxBuffer: 16 * MiB });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${binary} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
      {
        cause: error,
      },
    );
  }
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Writes a small tree (nested directories, an empty file, odd names) and returns its files. */
export async function writeTree(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>([
    ['a.txt', Buffer.from('alpha\n')],
    ['empty.bin', Buffer.alloc(0)],
    ['sub/b.json', Buffer.from('{"b":1}')],
    ['sub/deeper/c.bin', randomBytes(70_000)],
    ['sub/with space.txt', Buffer.from('spaced')],
  ]);
  for (const [name, body] of files) {
    await mkdir(join(root, name, '..'), { recursive: true });
    await writeFile(join(root, name), body);
  }
  return files;
}

/** Reads every file under `root` (relative path → bytes). */
export async function readTree(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.set(relative(root, full), await readFile(full));
    }
  };
  await walk(root);
  return out;
}

export function assertSameTree(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [name, body] of expected) assert.ok(actual.get(name)?.equals(body), `${name} differs`);
}
