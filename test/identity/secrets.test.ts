// Master key loading (env, file, generated with mode 0600) and sealing of secret access keys.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { MASTER_KEY_FILE, MasterKey, Secret, SecretBox, loadMasterKey } from '../../src/identity/secrets.js';

const KEY_B64 = Buffer.alloc(32, 7).toString('base64');

describe('Secret', () => {
  it('never shows its value in strings, JSON or inspect', () => {
    const s = new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    assert.equal(String(s), '[redacted]');
    assert.equal(`${s}`, '[redacted]');
    assert.equal(JSON.stringify({ s }), '{"s":"[redacted]"}');
    assert.ok(!inspect({ s }).includes('EXAMPLEKEY'));
    assert.ok(!inspect(s, { showHidden: true }).includes('EXAMPLEKEY'));
    assert.equal(s.reveal(), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  });

  it('compares in constant time, also against plain strings', () => {
    const s = new Secret('abc');
    assert.ok(s.equals('abc'));
    assert.ok(s.equals(new Secret('abc')));
    assert.ok(!s.equals('abd'));
    assert.ok(!s.equals('abcd'));
  });
});

describe('master key', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-secrets-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('comes from PORTCULLIS_MASTER_KEY (exactly 32 bytes of base64)', async () => {
    const loaded = await loadMasterKey(join(dir, 'env'), { PORTCULLIS_MASTER_KEY: KEY_B64 });
    assert.equal(loaded.source, 'env');
    assert.equal(loaded.key.exportBase64(), KEY_B64);
    await assert.rejects(
      loadMasterKey(dir, { PORTCULLIS_MASTER_KEY: 'dG9vIHNob3J0' }),
      /base64 encoding of 32/,
    );
    await assert.rejects(
      loadMasterKey(dir, { PORTCULLIS_MASTER_KEY: `${KEY_B64}!!` }),
      /base64 encoding of 32/,
    );
  });

  it('is generated into <data>/master.key with mode 0600, then read back', async () => {
    const data = join(dir, 'gen');
    const first = await loadMasterKey(data, {});
    assert.equal(first.source, 'generated');
    const file = join(data, MASTER_KEY_FILE);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await readFile(file, 'utf8')).trim(), first.key.exportBase64());
    const second = await loadMasterKey(data, {});
    assert.equal(second.source, 'file');
    assert.equal(second.key.exportBase64(), first.key.exportBase64());
  });

  it('agrees when several processes create it at once', async () => {
    const data = join(dir, 'race');
    const loaded = await Promise.all(Array.from({ length: 8 }, () => loadMasterKey(data, {})));
    assert.equal(new Set(loaded.map((l) => l.key.exportBase64())).size, 1);
    assert.equal(loaded.filter((l) => l.source === 'generated').length, 1);
  });

  it('refuses a key file other users can read, and a corrupt one', async () => {
    const data = join(dir, 'open');
    await loadMasterKey(data, {});
    await chmod(join(data, MASTER_KEY_FILE), 0o644);
    await assert.rejects(loadMasterKey(data, {}), /readable by other users.*chmod 600/);
    const bad = join(dir, 'bad');
    await loadMasterKey(bad, {});
    await writeFile(join(bad, MASTER_KEY_FILE), 'not a key\n', { mode: 0o600 });
    await assert.rejects(loadMasterKey(bad, {}), /base64 encoding of 32/);
  });

  it('derives independent keys per purpose and hides itself', () => {
    const master = new MasterKey(Buffer.alloc(32, 1));
    assert.notDeepEqual(master.derive('a'), master.derive('b'));
    assert.deepEqual(master.derive('a'), new MasterKey(Buffer.alloc(32, 1)).derive('a'));
    assert.equal(master.derive('a').length, 32);
    assert.ok(!inspect(master).includes('AQEB'));
    assert.equal(JSON.stringify(master), '"[redacted]"');
    assert.throws(() => new MasterKey(Buffer.alloc(16)), /32 bytes/);
  });
});

describe('SecretBox', () => {
  const box = SecretBox.forAccessKeys(new MasterKey(Buffer.alloc(32, 2)));
  const secret = new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');

  it('round-trips, with a fresh IV each time', () => {
    const a = box.seal(secret, 'AKIA1');
    const b = box.seal(secret, 'AKIA1');
    assert.notEqual(a, b);
    assert.ok(box.open(a, 'AKIA1').equals(secret));
    const bytes = Buffer.from(a, 'base64');
    assert.equal(bytes[0], 1, 'version byte');
    assert.equal(bytes.length, 1 + 12 + 40 + 16);
  });

  it('fails with the wrong key, the wrong context, or any altered byte', () => {
    const sealed = box.seal(secret, 'AKIA1');
    const other = SecretBox.forAccessKeys(new MasterKey(Buffer.alloc(32, 3)));
    assert.throws(() => other.open(sealed, 'AKIA1'), /authentication failed/);
    assert.throws(() => box.open(sealed, 'AKIA2'), /authentication failed/);
    const bytes = Buffer.from(sealed, 'base64');
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] = (altered[i] as number) ^ 0x01;
      assert.throws(() => box.open(altered.toString('base64'), 'AKIA1'), /sealed secret/, `byte ${i}`);
    }
    assert.throws(() => box.open('', 'AKIA1'), /unknown format/);
  });

  it('is keyed apart from other uses of the master key', () => {
    const master = new MasterKey(Buffer.alloc(32, 2));
    const sealed = SecretBox.forAccessKeys(master).seal(secret, 'x');
    assert.throws(() => new SecretBox(master.derive('something else')).open(sealed, 'x'));
  });
});
