// Reads an audit directory back: the rotated files oldest first, then audit.jsonl, streamed line
// by line. A line that is not a JSON object with an eventTime (a truncated last line after a
// crash, a hand edit) is skipped and counted, never fatal.
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditRecord } from './record.js';
import { AUDIT_FILE, compareRotated, ROTATED_FILE } from './writer.js';

export interface AuditFilter {
  /** A substring (case-insensitive) of the caller's ARN, access key id or account id. */
  readonly principal?: string;
  readonly denied?: boolean;
  readonly allowed?: boolean;
  /** `s3:GetObject` (or just `GetObject`), case-insensitive. */
  readonly action?: string;
  readonly bucket?: string;
  readonly since?: Date;
  readonly until?: Date;
  readonly limit?: number;
}

export interface ReadStats {
  files: number;
  lines: number;
  skipped: number;
  matched: number;
}

/** The trail's files in time order (rotated ones by the timestamp in their names). */
export async function auditFiles(dir: string, since?: Date): Promise<string[]> {
  const names = await readdir(dir);
  const rotated = names.filter((n) => ROTATED_FILE.test(n)).sort(compareRotated);
  // A rotated file holds nothing newer than its rotation time: skip those older than --since.
  const kept = rotated.filter((n) => since === undefined || rotationTime(n) >= since.getTime());
  if (names.includes(AUDIT_FILE)) kept.push(AUDIT_FILE);
  return kept.map((n) => join(dir, n));
}

function rotationTime(name: string): number {
  const s = ROTATED_FILE.exec(name)?.[1] ?? '';
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** The matching records, in file order, up to `limit`. */
export async function* readAuditRecords(
  dir: string,
  filter: AuditFilter = {},
  stats: ReadStats = { files: 0, lines: 0, skipped: 0, matched: 0 },
): AsyncGenerator<AuditRecord> {
  const files = await auditFiles(dir, filter.since);
  for (const file of files) {
    stats.files++;
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        stats.lines++;
        const record = parseLine(line);
        if (record === undefined) {
          stats.skipped++;
          continue;
        }
        if (!matches(record, filter)) continue;
        stats.matched++;
        yield record;
        if (filter.limit !== undefined && stats.matched >= filter.limit) return;
      }
    } finally {
      lines.close();
    }
  }
}

/** A record, or undefined for anything that is not one. */
export function parseLine(line: string): AuditRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Partial<AuditRecord>;
  if (typeof r.eventTime !== 'string' || Number.isNaN(Date.parse(r.eventTime))) return undefined;
  if (typeof r.eventName !== 'string' || typeof r.userIdentity !== 'object' || r.userIdentity === null)
    return undefined;
  return value as AuditRecord;
}

export function isDenied(r: AuditRecord): boolean {
  if (r.decision !== null && typeof r.decision === 'object') return r.decision.decision !== 'Allowed';
  return r.errorCode === 'AccessDenied';
}

/** `s3:GetObject`: the deciding action, else the event source's service and the event name. */
export function actionOf(r: AuditRecord): string {
  if (r.decision !== null && typeof r.decision?.action === 'string') return r.decision.action;
  const service = typeof r.eventSource === 'string' ? r.eventSource.split('.')[0] : '';
  return `${service}:${r.eventName}`;
}

export function matches(r: AuditRecord, f: AuditFilter): boolean {
  const time = Date.parse(r.eventTime);
  if (f.since !== undefined && time < f.since.getTime()) return false;
  if (f.until !== undefined && time > f.until.getTime()) return false;
  const denied = isDenied(r);
  if (f.denied === true && !denied) return false;
  if (f.allowed === true && (denied || r.decision === null)) return false;
  if (f.principal !== undefined) {
    const needle = f.principal.toLowerCase();
    const u = r.userIdentity;
    const hay = [u.arn, u.accessKeyId, u.accountId, u.sessionContext?.sessionIssuer?.arn];
    if (!hay.some((h) => typeof h === 'string' && h.toLowerCase().includes(needle))) return false;
  }
  if (f.action !== undefined) {
    const want = f.action.toLowerCase();
    const action = actionOf(r).toLowerCase();
    if (want.includes(':') ? action !== want : action.slice(action.indexOf(':') + 1) !== want) return false;
  }
  if (f.bucket !== undefined && r.requestParameters?.bucketName !== f.bucket) return false;
  return true;
}

/** `1h`, `30m`, `7d`, `45s` before `now`, or an ISO 8601 time; undefined when it is neither. */
export function parseTime(text: string, now: Date = new Date()): Date | undefined {
  const rel = /^(\d+)\s*(s|m|h|d|w)$/i.exec(text.trim());
  if (rel?.[1] !== undefined && rel[2] !== undefined) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[
      rel[2].toLowerCase() as 's' | 'm' | 'h' | 'd' | 'w'
    ];
    return new Date(now.getTime() - Number(rel[1]) * unit * 1000);
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return undefined;
  const t = Date.parse(text.trim());
  return Number.isNaN(t) ? undefined : new Date(t);
}
