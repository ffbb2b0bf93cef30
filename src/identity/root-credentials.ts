// Root credentials of the default account (CONTRACTS.md "The server"): from
// PORTCULLIS_ROOT_ACCESS_KEY_ID / PORTCULLIS_ROOT_SECRET_ACCESS_KEY, else from
// <data>/root-credentials.json, else generated on first start and stored there (mode 0600).
import { randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export interface RootCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Where they came from; `generated` means this start created them (print them once). */
  readonly source: 'env' | 'file' | 'generated';
}

export const ROOT_CREDENTIALS_FILE = 'root-credentials.json';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomString(alphabet: string, length: number): string {
  let out = '';
  // randomInt is uniform (rejection sampling inside), so no modulo bias.
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** An access key id shaped like AWS's long-term ones: AKIA + 16 uppercase letters/digits. */
export function generateAccessKeyId(prefix = 'AKIA'): string {
  return prefix + randomString(UPPER_ALNUM, 16);
}

/** A 40-character secret like AWS's (about 238 bits from node:crypto). */
export function generateSecretAccessKey(): string {
  return randomString(SECRET_CHARS, 40);
}

export async function loadRootCredentials(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RootCredentials> {
  const id = env['PORTCULLIS_ROOT_ACCESS_KEY_ID'];
  const secret = env['PORTCULLIS_ROOT_SECRET_ACCESS_KEY'];
  if (id || secret) {
    if (!id || !secret) {
      throw new Error(
        'set both PORTCULLIS_ROOT_ACCESS_KEY_ID and PORTCULLIS_ROOT_SECRET_ACCESS_KEY, or neither',
      );
    }
    return { accessKeyId: id, secretAccessKey: secret, source: 'env' };
  }

  const file = join(dataDir, ROOT_CREDENTIALS_FILE);
  const stored = await readStored(file);
  if (stored !== undefined) return { ...stored, source: 'file' };

  const fresh = { accessKeyId: generateAccessKeyId(), secretAccessKey: generateSecretAccessKey() };
  await fs.mkdir(dataDir, { recursive: true });
  // Written to a private temp file, fsynced, then renamed: a crash never leaves half a secret.
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(fresh, null, 2) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, file);
  return { ...fresh, source: 'generated' };
}

async function readStored(
  file: string,
): Promise<{ accessKeyId: string; secretAccessKey: string } | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const json = JSON.parse(text) as unknown;
  if (
    typeof json !== 'object' ||
    json === null ||
    typeof (json as Record<string, unknown>)['accessKeyId'] !== 'string' ||
    typeof (json as Record<string, unknown>)['secretAccessKey'] !== 'string'
  ) {
    throw new Error(`${file} must hold {"accessKeyId": "...", "secretAccessKey": "..."}`);
  }
  const j = json as { accessKeyId: string; secretAccessKey: string };
  return { accessKeyId: j.accessKeyId, secretAccessKey: j.secretAccessKey };
}
