// The audit trail's file writer: one JSON object per line appended to `<dir>/audit.jsonl`.
//
// Durability: records are buffered in memory and written out every `flushIntervalMs` (default
// 1 s), when the buffer passes 1 MiB, on close(), and synchronously at process exit. There is no
// fsync per request (nor per flush: only at rotation and close). So a crash of the process
// (SIGKILL, OOM) loses at most the records of the last flush interval; a power loss may also lose
// what the OS had not yet written to disk.
//
// Rotation: once audit.jsonl passes `maxBytes` (default 64 MiB) it is renamed to
// `audit-<UTC timestamp>.jsonl` (names sort in time order) and a new audit.jsonl begins; only
// the newest `maxFiles` rotated files (default 20) are kept.
//
// A request never waits for the trail and never fails because of it: write errors are logged
// once, counted, and the records of that flush are dropped; the next flush tries again.
import { appendFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

export const AUDIT_FILE = 'audit.jsonl';
export const DEFAULT_AUDIT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_AUDIT_MAX_FILES = 20;
export const DEFAULT_AUDIT_FLUSH_MS = 1000;
/** A buffer this large is written at once rather than at the next tick. */
const EAGER_FLUSH_BYTES = 1024 * 1024;
/** Past this much unwritten data (a stalled disk) new records are dropped, not queued forever. */
const MAX_PENDING_BYTES = 32 * 1024 * 1024;

/** Rotated files: `audit-20240102T030405678Z.jsonl`, optionally `-N` when a name is taken. */
export const ROTATED_FILE = /^audit-(\d{8}T\d{9}Z)(?:-\d+)?\.jsonl$/;

export interface AuditWriterOptions {
  readonly dir: string;
  readonly maxBytes?: number;
  readonly maxFiles?: number;
  readonly flushIntervalMs?: number;
  readonly log?: Pick<Logger, 'error'>;
  /** For rotated file names (tests). */
  readonly now?: () => Date;
}

export interface AuditWriterStats {
  written: number;
  dropped: number;
  errors: number;
  rotations: number;
}

/** Where audit records go: the file writer, or a test double. */
export interface AuditSink {
  append(record: object): void;
}

export function rotatedName(at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return `audit-${stamp}.jsonl`;
}

export class AuditWriter implements AuditSink {
  readonly dir: string;
  readonly stats: AuditWriterStats = { written: 0, dropped: 0, errors: 0, rotations: 0 };
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly log: Pick<Logger, 'error'> | undefined;
  private readonly now: () => Date;
  private pending: string[] = [];
  private pendingBytes = 0;
  private pendingCount = 0;
  private handle: FileHandle | undefined;
  private size = 0;
  /** Flushes run one after another. */
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  private closed = false;
  private errorLogged = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onExit = (): void => this.flushSync();

  constructor(options: AuditWriterOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? DEFAULT_AUDIT_MAX_BYTES;
    this.maxFiles = options.maxFiles ?? DEFAULT_AUDIT_MAX_FILES;
    this.log = options.log;
    this.now = options.now ?? (() => new Date());
    if (!(this.maxBytes > 0)) throw new RangeError('maxBytes must be positive');
    if (!Number.isInteger(this.maxFiles) || this.maxFiles < 0)
      throw new RangeError('maxFiles must be a non-negative integer');
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? DEFAULT_AUDIT_FLUSH_MS);
    // The trail must not keep a finished process alive.
    this.timer.unref();
    process.on('exit', this.onExit);
  }

  /** Queues one record; returns at once. */
  append(record: object): void {
    if (this.closed) {
      this.stats.dropped++;
      return;
    }
    let line: string;
    try {
      line = JSON.stringify(record) + '\n';
    } catch (err) {
      this.fail(err);
      this.stats.dropped++;
      return;
    }
    if (this.pendingBytes + line.length > MAX_PENDING_BYTES) {
      this.stats.dropped++;
      return;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    this.pendingCount++;
    if (this.pendingBytes >= EAGER_FLUSH_BYTES && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Writes out everything appended so far (resolves once it is in the file or dropped). */
  flush(): Promise<void> {
    this.scheduled = false;
    if (this.pendingCount === 0) return this.chain;
    const lines = this.pending;
    const count = this.pendingCount;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingCount = 0;
    this.chain = this.chain.then(() => this.write(lines.join(''), count));
    return this.chain;
  }

  /** Flushes, syncs and closes the file; later records are dropped. */
  async close(): Promise<void> {
    if (this.closed) return this.chain;
    clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    process.off('exit', this.onExit);
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) {
      await handle.datasync().catch((err: unknown) => this.fail(err));
      await handle.close().catch((err: unknown) => this.fail(err));
    }
  }

  private async write(text: string, count: number): Promise<void> {
    try {
      const handle = await this.file();
      const data = Buffer.from(text, 'utf8');
      await handle.write(data);
      this.size += data.byteLength;
      this.stats.written += count;
      if (this.size >= this.maxBytes) await this.rotate();
    } catch (err) {
      this.stats.dropped += count;
      this.fail(err);
      // Reopen on the next flush (the directory may have been removed, the disk replaced...).
      const handle = this.handle;
      this.handle = undefined;
      await handle?.close().catch(() => undefined);
    }
  }

  private async file(): Promise<FileHandle> {
    if (this.handle !== undefined) return this.handle;
    await mkdir(this.dir, { recursive: true });
    const handle = await open(join(this.dir, AUDIT_FILE), 'a');
    this.size = (await handle.stat()).size;
    this.handle = handle;
    return handle;
  }

  private async rotate(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) {
      await handle.datasync();
      await handle.close();
    }
    const existing = new Set(await readdir(this.dir));
    const base = rotatedName(this.now());
    let name = base;
    for (let i = 1; existing.has(name); i++) name = base.replace(/\.jsonl$/, `-${i}.jsonl`);
    await rename(join(this.dir, AUDIT_FILE), join(this.dir, name));
    this.size = 0;
    this.stats.rotations++;
    existing.add(name);
    const rotated = [...existing].filter((f) => ROTATED_FILE.test(f)).sort(compareRotated);
    for (const old of rotated.slice(0, Math.max(0, rotated.length - this.maxFiles))) {
      await rm(join(this.dir, old), { force: true });
    }
  }

  /** At process exit only synchronous writes happen: append what is still buffered. */
  private flushSync(): void {
    if (this.pendingCount === 0) return;
    try {
      appendFileSync(join(this.dir, AUDIT_FILE), this.pending.join(''));
      this.stats.written += this.pendingCount;
    } catch {
      this.stats.dropped += this.pendingCount;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingCount = 0;
  }

  private fail(err: unknown): void {
    this.stats.errors++;
    if (this.errorLogged) return;
    this.errorLogged = true;
    this.log?.error({ err, dir: this.dir }, 'audit trail: write failed (further failures are only counted)');
  }
}

/** Rotated file names in time order (`audit-T.jsonl` before `audit-T-1.jsonl`). */
export function compareRotated(a: string, b: string): number {
  const ma = ROTATED_FILE.exec(a);
  const mb = ROTATED_FILE.exec(b);
  const ta = ma?.[1] ?? '';
  const tb = mb?.[1] ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = Number(/-(\d+)\.jsonl$/.exec(a.slice(6 + ta.length))?.[1] ?? 0);
  const nb = Number(/-(\d+)\.jsonl$/.exec(b.slice(6 + tb.length))?.[1] ?? 0);
  return na - nb;
}
