// `portcullis lint FILE`: lint one policy document (CONTRACTS.md, "The linter CLI").
// Exit 0: nothing found; 1: findings; 2: unreadable file, not JSON, or bad options.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { lintPolicy, type Finding } from '../policy/lint/lint.js';
import type { Dialect, PolicyType } from '../policy/model.js';

const DIALECTS: readonly Dialect[] = ['aws', 'ram'];
const TYPES: readonly PolicyType[] = ['identity', 'resource', 'trust', 'session', 'scp', 'rcp', 'boundary'];

export interface LintCliOptions {
  dialect?: string;
  type?: string;
  json?: boolean;
}

export interface LintOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  color: boolean;
}

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('lint one policy document: errors, warnings and suggestions with line and column')
    .argument('<file>', 'policy JSON file, or - for standard input')
    .option('--dialect <dialect>', 'aws or ram (default: ram when "Version" is "1", else aws)')
    .option('--type <type>', `how the policy is used: ${TYPES.join(', ')}`)
    .option('--json', 'print the findings as a JSON array')
    .action((file: string, opts: LintCliOptions) => {
      process.exitCode = runLint(file, opts, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        color: process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined,
      });
    });
}

export function runLint(file: string, opts: LintCliOptions, out: LintOutput): number {
  if (opts.dialect !== undefined && !(DIALECTS as readonly string[]).includes(opts.dialect)) {
    out.stderr(`portcullis lint: --dialect must be ${DIALECTS.join(' or ')}, not "${opts.dialect}"\n`);
    return 2;
  }
  if (opts.type !== undefined && !(TYPES as readonly string[]).includes(opts.type)) {
    out.stderr(`portcullis lint: --type must be one of ${TYPES.join(', ')}, not "${opts.type}"\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    out.stderr(`portcullis lint: cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  const options: { dialect?: Dialect; type?: PolicyType } = {};
  if (opts.dialect !== undefined) options.dialect = opts.dialect as Dialect;
  if (opts.type !== undefined) options.type = opts.type as PolicyType;
  const findings = lintPolicy(text, options);
  const name = file === '-' ? '<stdin>' : file;
  if (opts.json) out.stdout(JSON.stringify(findings, null, 2) + '\n');
  const syntax = findings.find((f) => f.check === 'json-syntax');
  if (syntax) {
    out.stderr(`portcullis lint: ${name} is not valid JSON: ${syntax.message}\n`);
    return 2;
  }
  if (!opts.json) {
    for (const f of findings) out.stdout(formatFinding(name, f, out.color) + '\n');
    out.stdout(summary(findings) + '\n');
  }
  return findings.length === 0 ? 0 : 1;
}

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', suggestion: '\x1b[36m' } as const;
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export function formatFinding(file: string, f: Finding, color: boolean): string {
  const severity = color ? `${COLORS[f.severity]}${f.severity}${RESET}` : f.severity;
  const check = color ? `${DIM}${f.check}${RESET}` : f.check;
  return `${file}:${f.line}:${f.column} ${severity} ${check} ${f.message}`;
}

export function summary(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no problems found';
  const count = (s: Finding['severity']): number => findings.filter((f) => f.severity === s).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(findings.length, 'problem')} (${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('suggestion'), 'suggestion')})`;
}
