// `portcullis audit`: searches the audit trail a server wrote (`<data>/audit/`), oldest first.
// Exit codes: 0 with or without results (a summary goes to stderr), 2 for bad options or an
// unreadable directory.
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  actionOf,
  isDenied,
  parseTime,
  readAuditRecords,
  type AuditFilter,
  type ReadStats,
} from '../server/audit/query.js';
import type { AuditRecord } from '../server/audit/record.js';

export const DEFAULT_AUDIT_DIR = './data/audit';

export interface AuditCliOptions {
  dir?: string;
  principal?: string;
  denied?: boolean;
  allowed?: boolean;
  action?: string;
  bucket?: string;
  since?: string;
  until?: string;
  limit?: string;
  json?: boolean;
}

export interface AuditIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now?: Date;
}

export function registerAudit(program: Command, io?: AuditIo): void {
  program
    .command('audit')
    .description('search the audit trail: who did what, allowed or denied, and why')
    .option('--dir <dir>', 'the audit directory', DEFAULT_AUDIT_DIR)
    .option('--principal <arn>', 'caller ARN, access key id or account (substring)')
    .option('--denied', 'only denied requests')
    .option('--allowed', 'only allowed requests')
    .option('--action <action>', 'only this action (s3:GetObject, or GetObject)')
    .option('--bucket <bucket>', 'only requests on this bucket')
    .option('--since <time>', 'from this time: 1h, 30m, 7d or ISO 8601')
    .option('--until <time>', 'up to this time: 1h, 30m, 7d or ISO 8601')
    .option('--limit <n>', 'at most this many events (the oldest first)')
    .option('--json', 'one JSON record per line')
    .action(async (opts: AuditCliOptions) => {
      process.exitCode = await runAudit(
        opts,
        io ?? { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
      );
    });
}

export async function runAudit(opts: AuditCliOptions, io: AuditIo): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(`portcullis audit: ${message}\n`);
    return 2;
  };
  const now = io.now ?? new Date();
  const filter: {
    -readonly [K in keyof AuditFilter]: AuditFilter[K];
  } = {};
  if (opts.denied === true && opts.allowed === true) return fail('--denied and --allowed exclude each other');
  if (opts.denied === true) filter.denied = true;
  if (opts.allowed === true) filter.allowed = true;
  for (const name of ['since', 'until'] as const) {
    const text = opts[name];
    if (text === undefined) continue;
    const at = parseTime(text, now);
    if (at === undefined)
      return fail(
        `--${name} must be a duration like 30m, 1h, 7d or an ISO 8601 time, not ${JSON.stringify(text)}`,
      );
    filter[name] = at;
  }
  if (opts.limit !== undefined) {
    const n = Number(opts.limit);
    if (!/^\d+$/.test(opts.limit) || !Number.isSafeInteger(n) || n < 1)
      return fail(`--limit must be a positive integer, not ${JSON.stringify(opts.limit)}`);
    filter.limit = n;
  }
  for (const name of ['principal', 'action', 'bucket'] as const) {
    const value = opts[name];
    if (value === undefined) continue;
    if (value.trim() === '') return fail(`--${name} must not be empty`);
    filter[name] = value.trim();
  }
  const dir = opts.dir ?? DEFAULT_AUDIT_DIR;
  try {
    if (!(await stat(dir)).isDirectory()) return fail(`--dir ${dir} is not a directory`);
  } catch {
    return fail(`--dir ${dir}: no such directory (the server writes its trail to <data>/audit)`);
  }

  const stats: ReadStats = { files: 0, lines: 0, skipped: 0, matched: 0 };
  try {
    for await (const r of readAuditRecords(dir, filter, stats)) {
      io.stdout(opts.json === true ? JSON.stringify(r) + '\n' : formatRecord(r) + '\n');
    }
  } catch (err) {
    return fail(`--dir ${dir}: ${(err as Error).message}`);
  }
  const skipped = stats.skipped > 0 ? `, ${stats.skipped} unreadable line(s) skipped` : '';
  io.stderr(`${stats.matched} event(s) from ${stats.lines} line(s) in ${stats.files} file(s)${skipped}\n`);
  return 0;
}

/** One event per line: time, principal, action, resource, decision (and why), status, request id. */
export function formatRecord(r: AuditRecord): string {
  const u = r.userIdentity;
  const who = u.arn ?? (u.accessKeyId !== undefined ? `key:${u.accessKeyId}` : u.type);
  const resource =
    r.decision?.resource ??
    (r.requestParameters?.bucketName !== undefined
      ? `${r.requestParameters.bucketName}${r.requestParameters.key !== undefined ? `/${r.requestParameters.key}` : ''}`
      : '-');
  let verdict: string;
  if (r.decision === null) verdict = r.errorCode ?? 'NoDecision';
  else if (isDenied(r)) {
    const where = [r.decision.deniedBy, r.decision.statement].filter((x) => x !== null).join(' ');
    verdict = `${r.decision.decision}${where !== '' ? ` (${where})` : ''}`;
  } else
    verdict = `Allowed${r.decision.statement !== null ? ` (${r.decision.policyType ?? ''} ${r.decision.statement})` : ''}`;
  const error =
    r.errorCode !== undefined && r.decision !== null && r.errorCode !== 'AccessDenied'
      ? ` ${r.errorCode}`
      : '';
  return [r.eventTime, who, actionOf(r), resource, verdict, `${r.httpStatus}${error}`, r.requestID].join(
    '  ',
  );
}
