// Secrets at rest: the master key (PORTCULLIS_MASTER_KEY, or <data>/master.key created with mode
// 0600), keys derived from it with HKDF, AES-256-GCM sealing of secret access keys, and `Secret`,
// a string holder that never prints its value (logs, JSON, util.inspect).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';

export const MASTER_KEY_FILE = 'master.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every sealed secret: lets the format change without guessing. */
const SEALED_FORMAT_V1 = 0x01;
const REDACTED = '[redacted]';

/** A secret string. Printing, logging or serialising it shows `[redacted]`; `reveal()` is explicit. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** Constant-time comparison (the lengths themselves are not secret: 40 characters for keys). */
  equals(other: Secret | string): boolean {
    const a = Buffer.from(this.#value, 'utf8');
    const b = Buffer.from(typeof other === 'string' ? other : other.#value, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

/** The 32-byte master key. The bytes stay inside; only derived keys leave it. */
export class MasterKey {
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    if (bytes.length !== KEY_BYTES)
      throw new Error(`the master key must be ${KEY_BYTES} bytes, got ${bytes.length}`);
    this.#bytes = Buffer.from(bytes);
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(KEY_BYTES));
  }

  /** A 32-byte key for one purpose (HKDF-SHA256; distinct `purpose` strings give independent keys). */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#bytes, 'portcullis', purpose, KEY_BYTES));
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `MasterKey(${REDACTED})`;
  }

  /** Base64 of the key, for writing the key file only. */
  exportBase64(): string {
    return this.#bytes.toString('base64');
  }
}

export interface LoadedMasterKey {
  readonly key: MasterKey;
  /** `generated`: this call created <data>/master.key. */
  readonly source: 'env' | 'file' | 'generated';
}

function decodeKey(text: string, where: string): MasterKey {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  // Buffer.from ignores junk characters; insist the text is exactly the base64 of 32 bytes.
  if (bytes.length !== KEY_BYTES || bytes.toString('base64') !== trimmed) {
    throw new Error(
      `${where} must be the base64 encoding of ${KEY_BYTES} random bytes (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return new MasterKey(bytes);
}

/**
 * The master key from PORTCULLIS_MASTER_KEY, else <dataDir>/master.key, else a new random key
 * written there with mode 0600. Refuses a key file others can read (like ssh does).
 */
export async function loadMasterKey(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedMasterKey> {
  const fromEnv = env['PORTCULLIS_MASTER_KEY'];
  if (fromEnv !== undefined && fromEnv !== '')
    return { key: decodeKey(fromEnv, 'PORTCULLIS_MASTER_KEY'), source: 'env' };

  const file = join(dataDir, MASTER_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing !== undefined) return { key: existing, source: 'file' };

  await fs.mkdir(dataDir, { recursive: true });
  const key = MasterKey.generate();
  // Private temp file, fsynced, then hard-linked into place: link fails if another process (a
  // second node on a shared volume) created the key first, and then we use theirs.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(`${key.exportBase64()}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.chmod(tmp, 0o600); // the umask cannot widen 0600, but be explicit
    await fs.link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const winner = await readKeyFile(file);
    if (winner === undefined) throw e;
    return { key: winner, source: 'file' };
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
  return { key, source: 'generated' };
}

async function readKeyFile(file: string): Promise<MasterKey | undefined> {
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const stat = await handle.stat();
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new Error(
        `${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); run \`chmod 600 ${file}\``,
      );
    }
    return decodeKey(await handle.readFile('utf8'), file);
  } finally {
    await handle.close();
  }
}

/**
 * AES-256-GCM sealing of short secrets (secret access keys) for storage. Sealed form, base64:
 * version byte | 12-byte random IV | ciphertext | 16-byte tag. `context` is authenticated but not
 * stored (the access key id), so a sealed secret copied to another row does not open there.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`a SecretBox key must be ${KEY_BYTES} bytes`);
    this.#key = Buffer.from(key);
  }

  /** The box for secret access keys, keyed from the master key. */
  static forAccessKeys(master: MasterKey): SecretBox {
    return new SecretBox(master.derive('portcullis/access-key-secrets/v1'));
  }

  seal(secret: Secret, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const header = Buffer.from([SEALED_FORMAT_V1]);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.concat([header, Buffer.from(context, 'utf8')]));
    const body = Buffer.concat([cipher.update(secret.reveal(), 'utf8'), cipher.final()]);
    return Buffer.concat([header, iv, body, cipher.getAuthTag()]).toString('base64');
  }

  /** Opens a sealed secret; throws when it was sealed under another key or context, or altered. */
  open(sealed: string, context: string): Secret {
    const bytes = Buffer.from(sealed, 'base64');
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== SEALED_FORMAT_V1) {
      throw new Error('sealed secret: unknown format');
    }
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const body = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAAD(Buffer.concat([bytes.subarray(0, 1), Buffer.from(context, 'utf8')]));
    decipher.setAuthTag(tag);
    try {
      return new Secret(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8'));
    } catch {
      // Never echo the material: the caller only needs to know it did not open.
      throw new Error('sealed secret: authentication failed (wrong master key or altered data)');
    }
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `SecretBox(${REDACTED})`;
  }
}
