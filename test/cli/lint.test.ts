// `portcullis lint`: exit codes 0/1/2, --json shape, human output. In-process through
// runLint/registerLint, and through the built CLI once main.ts registers the command.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { registerLint, runLint, type LintCliOptions } from '../../src/cli/lint.js';
import { repoPath } from '../support/repo-root.js';

const fixture = (name: string): string => repoPath('test', 'fixtures', 'lint', name);
const dir = mkdtempSync(join(tmpdir(), 'portcullis-lint-'));

function run(file: string, opts: LintCliOptions = {}) {
  let stdout = '';
  let stderr = '';
  const code = runLint(file, opts, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    color: false,
  });
  return { code, stdout, stderr };
}

describe('runLint', () => {
  it('exits 0 and says so when it finds nothing', () => {
    const r = run(fixture('clean-identity.json'));
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'no problems found\n');
  });

  it('exits 1 with FILE:LINE:COLUMN severity check message lines and a summary', () => {
    const file = fixture('seed-001-readonly.json');
    const r = run(file);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(
      lines[0],
      `${file}:5:14 error effect-invalid Effect "allow " is not valid; did you mean "Allow"? (Effect is case-sensitive and cannot contain spaces)`,
    );
    assert.match(
      lines[1] ?? '',
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:6 error action-whitespace `),
    );
    assert.equal(lines[2], '2 problems (2 errors, 0 warnings, 0 suggestions)');
  });

  it('--json prints the findings array', () => {
    const r = run(fixture('seed-004-bucket-arn.json'), { json: true });
    assert.equal(r.code, 1);
    const findings = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.equal(findings.length, 1);
    assert.deepEqual(Object.keys(findings[0] ?? {}).sort(), [
      'check',
      'column',
      'line',
      'message',
      'path',
      'severity',
    ]);
    assert.equal(findings[0]?.['check'], 'object-action-on-bucket-arn');
    assert.equal(findings[0]?.['severity'], 'warning');
    assert.equal(findings[0]?.['line'], 6);
    assert.deepEqual(JSON.parse(run(fixture('clean-identity.json'), { json: true }).stdout), []);
  });

  it('exits 2 for a missing file, a file that is not JSON, and bad options', () => {
    assert.equal(run(join(dir, 'missing.json')).code, 2);
    const notJson = run(fixture('not-json.json'));
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /not valid JSON/);
    assert.equal(run(fixture('clean-identity.json'), { dialect: 'gcp' }).code, 2);
    assert.equal(run(fixture('clean-identity.json'), { type: 'bucket' }).code, 2);
  });

  it('--type and --dialect change what is checked', () => {
    const file = join(dir, 'sid.json');
    writeFileSync(
      file,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'read only', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' },
        ],
      }),
    );
    const typed = JSON.parse(run(file, { type: 'identity', json: true }).stdout) as { check: string }[];
    assert.deepEqual(
      typed.map((f) => f.check),
      ['sid-invalid'],
    );
    const ram = JSON.parse(run(fixture('clean-ram-write.json'), { dialect: 'aws', json: true }).stdout) as {
      check: string;
    }[];
    assert.ok(ram.some((f) => f.check === 'version-invalid'));
  });
});

describe('registerLint', () => {
  it('adds a lint command with --dialect, --type and --json', () => {
    const program = new Command();
    registerLint(program);
    const lint = program.commands.find((c) => c.name() === 'lint');
    assert.ok(lint);
    assert.deepEqual(lint.options.map((o) => o.long).sort(), ['--dialect', '--json', '--type']);
  });

  it('sets the exit code from the findings', async () => {
    const program = new Command().exitOverride();
    registerLint(program);
    const write = process.stdout.write.bind(process.stdout);
    const saved = process.exitCode;
    let out = '';
    process.stdout.write = ((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'portcullis', 'lint', fixture('seed-004-bucket-arn.json'), '--json']);
      assert.equal(process.exitCode, 1);
    } finally {
      process.stdout.write = write;
      process.exitCode = saved;
    }
    assert.equal((JSON.parse(out) as unknown[]).length, 1);
  });
});

// The built CLI, as users run it: bin/portcullis.js loads dist/src/cli/main.js (npm test builds first).
const BIN = repoPath('bin', 'portcullis.js');

describe('portcullis lint (built CLI)', () => {
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, 'lint', ...args], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('exit codes 0, 1 and 2', () => {
    assert.equal(cli(fixture('clean-identity.json')).code, 0);
    assert.equal(cli(fixture('seed-001-readonly.json')).code, 1);
    assert.equal(cli(fixture('not-json.json')).code, 2);
    assert.equal(cli(join(dir, 'missing.json')).code, 2);
  });

  it('--json with --dialect and --type', () => {
    const r = cli(fixture('seed-001-readonly.json'), '--dialect', 'ram', '--type', 'identity', '--json');
    assert.equal(r.code, 1);
    const findings = JSON.parse(r.stdout) as { check: string; line: number; column: number }[];
    assert.deepEqual(
      findings.map((f) => `${f.line}:${f.column} ${f.check}`),
      ['5:14 effect-invalid', '8:6 action-whitespace'],
    );
  });
});
