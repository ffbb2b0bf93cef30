// `portcullis policy generate`: a least-privilege policy from the audit trail a server wrote
// (S3 data events included), and the access the principal's current policies grant but the
// window never used. The policy goes to stdout (redirect it to a file), the report to stderr;
// `--json` prints both as one object on stdout.
// Exit codes: 0 (also when there is no evidence: the report says so), 2 for bad options or an
// unreadable trail.
import { access, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_PREFIX_THRESHOLD } from '../diagnostics/generate/collapse.js';
import { EvidenceCollector } from '../diagnostics/generate/evidence.js';
import { formatPolicyJson } from '../diagnostics/generate/format.js';
import { parsePrincipalSelector, type PrincipalSelector } from '../diagnostics/generate/principal.js';
import { buildReport, renderReport, type GenerationReport } from '../diagnostics/generate/report.js';
import { generatePolicy } from '../diagnostics/generate/statements.js';
import { roleGrants, unusedAccess, userGrants, type GrantedPolicy } from '../diagnostics/generate/unused.js';
import { MasterKey, SecretBox } from '../identity/secrets.js';
import { lintPolicy } from '../policy/lint/lint.js';
import { parseTime, readAuditRecords } from '../server/audit/query.js';
import { openPostgresDatabase } from '../store/postgres/open.js';
import { postgresTraits } from '../store/postgres/traits.js';
import { SqlIamStore } from '../store/sql/iam-sql-store.js';
import { openSqliteDatabase } from '../store/sqlite/open.js';
import { sqliteTraits } from '../store/sqlite/traits.js';

export interface PolicyGenerateOptions {
  principal?: string;
  since?: string;
  until?: string;
  data?: string;
  audit?: string;
  prefixThreshold?: string;
  json?: boolean;
}

export interface PolicyIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now?: Date;
  readonly env?: NodeJS.ProcessEnv;
}

const DEFAULT_SINCE = '7d';

export function registerPolicy(program: Command, io?: PolicyIo): void {
  const policy = program.command('policy').description('policy tools');
  policy
    .command('generate')
    .description(
      'least-privilege policy from the audit trail (S3 data events included), and the access granted but not used',
    )
    .option('--principal <arn>', 'user, role (all its sessions), role session or root ARN')
    .option('--since <time>', 'from this time: 1h, 30m, 7d or ISO 8601', DEFAULT_SINCE)
    .option('--until <time>', 'up to this time: 1h, 30m, 7d or ISO 8601 (default: now)')
    .option('--data <dir>', 'the data directory (IAM store for the unused-access report)', './data')
    .option('--audit <dir>', 'the audit directory (default: <data>/audit)')
    .option(
      '--prefix-threshold <n>',
      'distinct keys in one folder that turn into folder/* (0: list every key)',
      String(DEFAULT_PREFIX_THRESHOLD),
    )
    .option('--json', 'print {policy, unused, evidence} as JSON')
    .action(async (opts: PolicyGenerateOptions) => {
      process.exitCode = await runPolicyGenerate(
        opts,
        io ?? { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
      );
    });
}

export async function runPolicyGenerate(opts: PolicyGenerateOptions, io: PolicyIo): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(`portcullis policy generate: ${message}\n`);
    return 2;
  };
  const now = io.now ?? new Date();
  if (opts.principal === undefined || opts.principal.trim() === '')
    return fail('--principal is required (the user, role or role session ARN to generate a policy for)');
  const parsed = parsePrincipalSelector(opts.principal);
  if (!parsed.ok) return fail(`--principal ${parsed.message}`);
  const selector = parsed.selector;

  const window: { since?: Date; until?: Date } = {};
  for (const name of ['since', 'until'] as const) {
    const text = name === 'since' ? (opts.since ?? DEFAULT_SINCE) : opts.until;
    if (text === undefined) continue;
    const at = parseTime(text, now);
    if (at === undefined)
      return fail(
        `--${name} must be a duration like 30m, 1h, 7d or an ISO 8601 time, not ${JSON.stringify(text)}`,
      );
    window[name] = at;
  }
  const since = window.since ?? now;
  const until = window.until ?? now;
  if (since > until)
    return fail(`--since (${since.toISOString()}) is after --until (${until.toISOString()})`);

  const thresholdText = opts.prefixThreshold ?? String(DEFAULT_PREFIX_THRESHOLD);
  const threshold = Number(thresholdText);
  if (!/^\d+$/.test(thresholdText) || !Number.isSafeInteger(threshold))
    return fail(`--prefix-threshold must be a non-negative integer, not ${JSON.stringify(thresholdText)}`);

  const dataDir = resolve(opts.data ?? './data');
  const auditDir = opts.audit ?? join(dataDir, 'audit');
  const flag = opts.audit !== undefined ? '--audit' : '--data';
  try {
    if (!(await stat(auditDir)).isDirectory()) return fail(`${flag}: ${auditDir} is not a directory`);
  } catch {
    return fail(`${flag}: no audit trail at ${auditDir} (the server writes it to <data>/audit)`);
  }

  const collector = new EvidenceCollector(selector);
  try {
    for await (const record of readAuditRecords(auditDir, { since, until })) collector.add(record);
  } catch (err) {
    return fail(`${flag}: cannot read ${auditDir}: ${(err as Error).message}`);
  }
  const evidence = collector.result();
  const policy = generatePolicy(evidence, { prefixThreshold: threshold });
  const notes: string[] = [];
  if (policy === null) notes.push('no allowed request of the principal in the window: nothing to grant.');
  else {
    // The generator is built to be lint-clean; say so loudly if a case slips through.
    for (const f of lintPolicy(formatPolicyJson(policy), { type: 'identity' })) {
      notes.push(`lint ${f.severity} ${f.check} at ${f.path}: ${f.message}`);
      if (f.check === 'policy-too-large')
        notes.push(
          'to shrink it: a lower --prefix-threshold collapses more keys; a managed policy may be larger than an inline one.',
        );
    }
  }

  let unused: GenerationReport['unused'] = null;
  const grants = await currentGrants(selector, dataDir, io.env ?? process.env).catch(
    (err: unknown) => `cannot read the IAM store of ${dataDir}: ${(err as Error).message}`,
  );
  if (typeof grants === 'string') notes.push(grants);
  else
    unused = {
      principal: grants.principal,
      ...unusedAccess(
        grants.policies,
        evidence.used,
        grants.userName !== undefined ? { userName: grants.userName } : {},
      ),
    };

  const report = buildReport(evidence, policy, { since, until }, unused, notes);
  if (opts.json === true) {
    io.stdout(JSON.stringify(report, null, 2) + '\n');
  } else {
    if (policy !== null) io.stdout(formatPolicyJson(policy) + '\n');
    io.stderr(renderReport(report));
  }
  return 0;
}

/** The principal's identity policies from the IAM store, or why there are none to compare. */
async function currentGrants(
  selector: PrincipalSelector,
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ principal: string; policies: GrantedPolicy[]; userName?: string } | string> {
  if (selector.kind === 'root') return 'the root user has no policies: no unused-access report.';
  const postgresUrl = env['PORTCULLIS_POSTGRES_URL'];
  const usePostgres = postgresUrl !== undefined && postgresUrl !== '';
  if (!usePostgres) {
    try {
      await access(join(dataDir, 'metadata.db'));
    } catch {
      return `no IAM store in ${dataDir} (--data): no unused-access report.`;
    }
  }
  // The database alone: a diagnostic has no business with the blob store or its start-up work.
  const db = usePostgres
    ? await openPostgresDatabase({ connectionString: postgresUrl, maxConnections: 1 })
    : await openSqliteDatabase({ path: join(dataDir, 'metadata.db') });
  // Only policy documents are read: no secret is ever opened, so a throwaway key does.
  const store = new SqlIamStore(db, usePostgres ? postgresTraits : sqliteTraits, {
    secrets: SecretBox.forAccessKeys(MasterKey.generate()),
    ownsDatabase: true,
  });
  try {
    if (selector.kind === 'user') {
      const auth = await store.userAuthorization(selector.account, selector.name);
      if (auth === null)
        return `user ${selector.name} is not in the IAM store any more: no unused-access report.`;
      return { principal: selector.arn, policies: userGrants(auth), userName: selector.name };
    }
    const auth = await store.roleAuthorization(selector.account, selector.name);
    if (auth === null)
      return `role ${selector.name} is not in the IAM store any more: no unused-access report.`;
    return { principal: auth.role.arn, policies: roleGrants(auth) };
  } finally {
    await store.close();
  }
}
