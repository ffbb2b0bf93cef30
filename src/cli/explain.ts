// `portcullis explain REQUEST_ID`: asks a running server why an earlier request was decided the
// way it was (GET /_portcullis/explain/<id>, signed with SigV4 like aws-cli would), and prints
// the trace tree and what would fix it, or the JSON answer with --json. The credentials are the
// root user's of an account involved in the request, or an IAM user's or role session's of that
// account allowed iam:GetAccountAuthorizationDetails on "*" (src/server/admin/access.ts).
// Exit codes: 0 answered, 1 the server refused (its message is printed), 2 bad usage or no server.
import type { Command } from 'commander';
import { signV4, type Credentials } from '../auth/sign.js';
import type { Explanation } from '../policy/explain.js';
import type { Fix } from '../policy/fix.js';
import { renderExplanation } from '../policy/render.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:9000';
const EXPLAIN_PATH = '/_portcullis/explain/';

export interface ExplainIo {
  readonly stdout: { write(s: string): unknown; isTTY?: boolean };
  readonly stderr: { write(s: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  /** Receives the exit code (default: sets process.exitCode). */
  readonly exit?: (code: number) => void;
}

export interface ExplainOptions {
  endpoint?: string;
  json?: boolean;
}

/** The fields of the server's answer the CLI reads (see src/server/admin/explain.ts). */
interface Report extends Explanation {
  requestId: string;
  operation: string;
  principalType: string;
  accessKeyId: string | null;
  sessionName: string | null;
  resourceAccount: string;
  message: string | null;
  fix: Fix[];
}

export function registerExplain(program: Command, io?: ExplainIo): void {
  program
    .command('explain')
    .description('show why a request was allowed or denied, and what would fix a denial')
    .argument('[requestId]', 'the x-amz-request-id of the request (RequestId in the error body)')
    .option('--endpoint <url>', 'the Portcullis server', DEFAULT_ENDPOINT)
    .option('--json', 'print the server answer as JSON')
    .action(async (requestId: string | undefined, opts: ExplainOptions) => {
      const streams: ExplainIo = io ?? { stdout: process.stdout, stderr: process.stderr, env: process.env };
      const code = await runExplain(requestId, opts, streams);
      if (streams.exit) streams.exit(code);
      else process.exitCode = code;
    });
}

export async function runExplain(
  requestId: string | undefined,
  opts: ExplainOptions,
  io: ExplainIo,
): Promise<number> {
  const fail = (code: number, message: string) => {
    io.stderr.write(`portcullis explain: ${message}\n`);
    return code;
  };
  if (requestId === undefined || requestId.trim() === '')
    return fail(2, 'give the request id (x-amz-request-id of the request to explain)');
  let base: URL;
  try {
    base = new URL(opts.endpoint ?? DEFAULT_ENDPOINT);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    return fail(
      2,
      `--endpoint must be an http(s) URL like ${DEFAULT_ENDPOINT}, not ${JSON.stringify(opts.endpoint)}`,
    );
  }
  const accessKeyId = io.env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = io.env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey)
    return fail(
      2,
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the root user of the account to explain for, or one of its principals allowed iam:GetAccountAuthorizationDetails)',
    );
  const sessionToken = io.env['AWS_SESSION_TOKEN'];
  const credentials: Credentials = {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
  };
  const region = io.env['AWS_REGION'] || io.env['AWS_DEFAULT_REGION'] || 'us-east-1';

  const url = new URL(`${EXPLAIN_PATH}${encodeURIComponent(requestId.trim())}`, base);
  const signed = signV4({ method: 'GET', url, credentials, service: 's3', region });
  // fetch sets Host itself from the URL (the same value that was signed).
  const { host: _host, ...headers } = signed.headers;
  let res: Response;
  try {
    res = await fetch(url, { method: 'GET', headers });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    return fail(2, `cannot reach ${base.origin}: ${cause}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    const detail = error ? `${error.code ?? 'Error'}: ${error.message ?? ''}` : text.trim() || res.statusText;
    return fail(1, `the server refused (${res.status}) ${detail}`);
  }
  if (body === undefined || typeof body !== 'object')
    return fail(1, `the server answered something that is not JSON: ${text.slice(0, 200)}`);
  if (opts.json) {
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return 0;
  }
  io.stdout.write(renderReport(body as Report, io.stdout.isTTY === true && !io.env['NO_COLOR']) + '\n');
  return 0;
}

/** The trace tree, who called, and the fixes. */
export function renderReport(r: Report, color: boolean): string {
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
  const green = (s: string) => (color ? `\x1b[32m${s}\x1b[0m` : s);
  const lines = [renderExplanation(r, { color, message: r.message })];
  const who = [`${r.principalType}`];
  if (r.accessKeyId) who.push(`access key ${r.accessKeyId}`);
  if (r.sessionName) who.push(`session ${r.sessionName}`);
  lines.push(`  request   ${r.requestId} (${r.operation})`, `  caller    ${who.join(', ')}`);
  if (r.decision === 'Allowed') return lines.join('\n');
  lines.push('', bold('Fix:'));
  if (r.fix.length === 0) lines.push('  (no change to a policy would allow this request)');
  r.fix.forEach((f, i) => {
    const at = f.existingStatement ? ` statement ${f.existingStatement}` : '';
    lines.push(
      `  ${i + 1}. ${bold(`${f.policyType} ${f.policy}${at}`)}${f.verified ? green(' (verified)') : ''}`,
    );
    lines.push(`     ${f.change}`);
    if (f.statement) {
      const label = f.existingStatement ? 'corrected statement:' : 'statement to add:';
      lines.push(`     ${label}`);
      for (const l of JSON.stringify(f.statement, null, 2).split('\n')) lines.push(`       ${l}`);
    }
  });
  return lines.join('\n');
}
