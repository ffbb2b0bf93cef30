// Policy engine benchmark: Portcullis vs @cloud-copilot/iam-simulate vs @cedar-policy/cedar-wasm.
//
//   cd bench && npm install && npm run bench:policy
//
// Environment knobs: BENCH_ROUNDS (5), BENCH_ROUND_MS (1000), BENCH_WARMUP_MS (1000),
// BENCH_ENGINES (comma list of portcullis, portcullis+ctx, iam-simulate, iam-simulate-core,
// iam-simulate-validated, cedar-wasm),
// BENCH_SKIP_COMPILE=1. Results go to stdout (Markdown) and bench/.data/policy-results.json.
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { runCompileBench, type CompileResult } from './compile10k.js';
import {
  prepareCedar,
  prepareIamSimulate,
  prepareIamSimulateCore,
  prepareIamSimulateValidated,
  preparePortcullis,
  type EngineName,
  type PreparedCase,
} from './engines.js';
import { runRounds, sinkValue, type CaseResult, type TimedCase } from './harness.js';
import { BENCH_DIR, DATA_DIR, versionOf } from './paths.js';
import { SCENARIOS, type RequestSpec, type Scenario } from './scenarios.js';

const ALL_ENGINES: EngineName[] = [
  'portcullis',
  'portcullis+ctx',
  'iam-simulate',
  'iam-simulate-core',
  'iam-simulate-validated',
  'cedar-wasm',
];
const env = process.env;
const engines = new Set((env.BENCH_ENGINES ?? ALL_ENGINES.join(',')).split(',').map((s) => s.trim()));
const opts = {
  rounds: Number(env.BENCH_ROUNDS ?? 5),
  roundMs: Number(env.BENCH_ROUND_MS ?? 1000),
  warmupMs: Number(env.BENCH_WARMUP_MS ?? 1000),
};
const LOAD_AT_START = loadavg()[0]?.toFixed(2);
const log = (s: string) => process.stderr.write(`${s}\n`);

function prepare(s: Scenario, r: RequestSpec): PreparedCase[] {
  const out: PreparedCase[] = [];
  if (engines.has('portcullis') || engines.has('portcullis+ctx')) {
    out.push(...preparePortcullis(s, r).filter((c) => engines.has(c.engine)));
  }
  if (engines.has('iam-simulate')) out.push(prepareIamSimulate(s, r));
  if (engines.has('iam-simulate-core')) out.push(prepareIamSimulateCore(s, r));
  if (engines.has('iam-simulate-validated')) out.push(prepareIamSimulateValidated(s, r));
  if (engines.has('cedar-wasm')) out.push(prepareCedar(s, r));
  return out;
}

// ---------------------------------------------------------------------------------------------
// 1. Every engine must give the same answer on every request before anything is timed.

async function verify(): Promise<string[]> {
  const notes: string[] = [];
  const failures: string[] = [];
  for (const s of SCENARIOS) {
    for (const r of s.requests) {
      for (const c of prepare(s, r)) {
        if (c.unavailable) {
          notes.push(`${s.title}: ${c.engine} cannot run this scenario: it ${c.unavailable}`);
          continue;
        }
        const got = await c.answer();
        let want: string = r.expect;
        if (c.engine === 'cedar-wasm') want = r.expect === 'Allowed' ? 'allow' : 'deny';
        if (c.engine === 'iam-simulate' && r.unsafeIgnoresSession) {
          want = 'Allowed';
          notes.push(
            `${s.title}: "${r.name}": iam-simulate runUnsafeSimulation ignores session policies (answers Allowed)`,
          );
        }
        if (got !== want)
          failures.push(`${s.id}: "${r.name}": ${c.engine} answered ${String(got)}, expected ${want}`);
      }
    }
  }
  if (failures.length > 0) throw new Error(`engines disagree, nothing timed:\n  ${failures.join('\n  ')}`);
  return notes;
}

// ---------------------------------------------------------------------------------------------
// 2. Decisions per second.

interface Row {
  scenario: Scenario;
  /** `allowed` / `denied`: one request repeated; `mix`: every request of the scenario in turn. */
  key: 'allowed' | 'denied' | 'mix';
  name: string;
  expect: string;
  rates: Partial<Record<EngineName, CaseResult>>;
}

/** Calls the cases one after another, round robin (each call is one decision). */
function roundRobin(fns: readonly (() => unknown)[]): () => unknown {
  let i = 0;
  return () => {
    const fn = fns[i] as () => unknown;
    i = i + 1 === fns.length ? 0 : i + 1;
    return fn();
  };
}

async function timeDecisions(): Promise<Row[]> {
  const rows: Row[] = [];
  const cases: TimedCase[] = [];
  const byId = new Map<string, { row: Row; engine: EngineName }>();
  const add = (row: Row, engine: EngineName, fn: () => unknown, isAsync: boolean) => {
    const id = `${row.scenario.id}/${row.key}/${engine}`;
    cases.push({ id, fn, ...(isAsync ? { async: true } : {}) });
    byId.set(id, { row, engine });
  };
  for (const s of SCENARIOS) {
    for (const r of s.requests) {
      if (!r.timed) continue;
      const row: Row = { scenario: s, key: r.timed, name: r.name, expect: r.expect, rates: {} };
      rows.push(row);
      for (const c of prepare(s, r)) if (!c.unavailable) add(row, c.engine, c.decide, c.async === true);
    }
    // The mix: only engines that run every request of the scenario and answer it right.
    const mix: Row = {
      scenario: s,
      key: 'mix',
      name: `all ${s.requests.length} requests above and in the checks, in turn`,
      expect: 'mixed',
      rates: {},
    };
    rows.push(mix);
    const perEngine = new Map<EngineName, PreparedCase[]>();
    for (const r of s.requests) {
      for (const c of prepare(s, r)) {
        const ok = !c.unavailable && !(c.engine === 'iam-simulate' && r.unsafeIgnoresSession);
        const list = perEngine.get(c.engine) ?? [];
        list.push(ok ? c : { ...c, unavailable: 'wrong answer' });
        perEngine.set(c.engine, list);
      }
    }
    for (const [engine, list] of perEngine) {
      if (list.some((c) => c.unavailable)) continue;
      add(
        mix,
        engine,
        roundRobin(list.map((c) => c.decide)),
        list.some((c) => c.async === true),
      );
    }
  }
  log(
    `timing ${cases.length} cases: warm-up ${opts.warmupMs} ms each, then ${opts.rounds} rounds × ${opts.roundMs} ms`,
  );
  const results = await runRounds(cases, {
    ...opts,
    onRound: (n, rates) =>
      log(
        `  round ${n}: ${[...rates].map(([id, v]) => `${id} ${Math.round(v).toLocaleString('en-US')}/s`).join(', ')}`,
      ),
  });
  for (const res of results) {
    const where = byId.get(res.id);
    if (where) where.row.rates[where.engine] = res;
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 3. Report.

const fmt = (n: number | undefined) => (n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? '–' : `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×`;

function machine(): string[] {
  let cpu = '?';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?';
  } catch {
    /* not Linux */
  }
  let commit = '?';
  try {
    const git = (args: string) => execSync(`git ${args}`, { cwd: BENCH_DIR, encoding: 'utf8' });
    commit = git('rev-parse --short HEAD').trim();
    // Porcelain lines are `XY path`; paths are relative to the repository root.
    const dirty = git('status --porcelain -- ../src/policy')
      .split('\n')
      .filter((l) => l.length > 3)
      .map((l) => l.slice(3).replace(/^src\/policy\//, ''));
    if (dirty.length > 0) commit += ` (uncommitted changes in src/policy: ${dirty.join(', ')})`;
  } catch {
    /* not a checkout */
  }
  return [
    `- Machine: ${availableParallelism()} CPUs (nproc), ${cpu}; Node ${process.version} (V8 ${process.versions.v8})`,
    `- Portcullis commit ${commit}; @cloud-copilot/iam-simulate ${versionOf('@cloud-copilot/iam-simulate')}; @cedar-policy/cedar-wasm ${versionOf('@cedar-policy/cedar-wasm')}`,
    `- Load average (1 min) at start ${LOAD_AT_START}, at end ${loadavg()[0]?.toFixed(2)} (other work on the machine shows up as spread between rounds)`,
    `- One thread; ${opts.rounds} rounds × ${opts.roundMs} ms per case after ${opts.warmupMs} ms warm-up, engines interleaved; median round shown`,
  ];
}

function report(rows: Row[], compile: CompileResult | undefined, notes: string[]): string {
  const out: string[] = [...machine(), ''];
  out.push(
    'Decisions per second (median round):',
    '',
    '| Scenario | Request (answer) | Portcullis `decide` | Portcullis, context Map built per decision | iam-simulate `runUnsafeSimulation` | iam-simulate core `authorize`, policies preparsed | iam-simulate `runSimulation` (validated, async) | Cedar `statefulIsAuthorized` (preparsed) |',
    '|---|---|--:|--:|--:|--:|--:|--:|',
  );
  const cols: EngineName[] = [
    'portcullis',
    'portcullis+ctx',
    'iam-simulate',
    'iam-simulate-core',
    'iam-simulate-validated',
    'cedar-wasm',
  ];
  for (const row of rows) {
    out.push(
      `| ${row.scenario.title} | ${row.name} (${row.expect}) | ${cols.map((e) => fmt(row.rates[e]?.median)).join(' | ')} |`,
    );
  }
  out.push(
    '',
    'Portcullis `decide` (prebuilt request) relative to each peer:',
    '',
    '| Scenario | Request | ÷ `runUnsafeSimulation` | ÷ core `authorize` | ÷ `runSimulation` | ÷ Cedar |',
    '|---|---|--:|--:|--:|--:|',
  );
  for (const row of rows) {
    const p = row.rates.portcullis?.median;
    const peers: EngineName[] = ['iam-simulate', 'iam-simulate-core', 'iam-simulate-validated', 'cedar-wasm'];
    out.push(
      `| ${row.scenario.title} | ${row.key} | ${peers.map((e) => ratio(p, row.rates[e]?.median)).join(' | ')} |`,
    );
  }
  out.push('', 'Spread over the rounds (min–max decisions/s):', '');
  for (const row of rows) {
    const spread = ALL_ENGINES.filter((e) => row.rates[e])
      .map((e) => `${e} ${fmt(row.rates[e]?.min)}–${fmt(row.rates[e]?.max)}`)
      .join('; ');
    out.push(`- ${row.scenario.id}/${row.key}: ${spread}`);
  }

  out.push('', 'Targets:', '');
  for (const row of rows) {
    const p = row.rates.portcullis?.median;
    const pc = row.rates['portcullis+ctx']?.median;
    const iam = row.rates['iam-simulate']?.median ?? row.rates['iam-simulate-core']?.median;
    const iamName = row.rates['iam-simulate'] ? 'runUnsafeSimulation' : 'iam-simulate core';
    const floor = row.scenario.id === 'a' ? 1_000_000 : 300_000;
    const checks: string[] = [];
    if (p !== undefined) checks.push(`${fmt(p)}/s ≥ ${fmt(floor)}: ${p >= floor ? 'met' : 'MISSED'}`);
    if (pc !== undefined)
      checks.push(`with per-decision context ${fmt(pc)}/s: ${pc >= floor ? 'met' : 'MISSED'}`);
    if (row.scenario.id === 'a' && p !== undefined && iam !== undefined) {
      checks.push(`${ratio(p, iam)} ${iamName} ≥ 30×: ${p / iam >= 30 ? 'met' : 'MISSED'}`);
    }
    out.push(`- ${row.scenario.id}/${row.key}: ${checks.join('; ')}`);
  }

  if (compile) {
    out.push(
      '',
      `Compile (\`compilePolicyText\`, JSON text → compiled policy) of ${compile.policies.toLocaleString('en-US')} distinct policies ` +
        `(${compile.statements.toLocaleString('en-US')} statements, ${(compile.textBytes / 1e6).toFixed(1)} MB of JSON text):`,
      '',
      `- first pass (cold JIT): ${compile.coldMs.toFixed(0)} ms (${((compile.coldMs * 1000) / compile.policies).toFixed(1)} µs/policy)`,
      `- warm pass (median of 3): ${compile.warmMs.toFixed(0)} ms (${((compile.warmMs * 1000) / compile.policies).toFixed(1)} µs/policy)`,
      `- heap retained by the compiled set: ${(compile.retainedBytes / 2 ** 20).toFixed(1)} MiB ` +
        `(${Math.round(compile.retainedBytes / compile.policies).toLocaleString('en-US')} bytes/policy)` +
        (compile.gcAvailable ? '' : ' — WITHOUT --expose-gc, unreliable'),
    );
  }
  if (notes.length > 0) out.push('', 'Notes:', '', ...[...new Set(notes)].map((n) => `- ${n}`));
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

const notes = await verify();
log('all engines agree on every request');
let compile: CompileResult | undefined;
if (env.BENCH_SKIP_COMPILE !== '1' && (engines.has('portcullis') || engines.has('portcullis+ctx'))) {
  log('compiling 10,000 policies');
  compile = runCompileBench(10_000);
}
const rows = await timeDecisions();
const markdown = report(rows, compile, notes);
process.stdout.write(`${markdown}\n`);
mkdirSync(DATA_DIR, { recursive: true });
writeFileSync(
  join(DATA_DIR, 'policy-results.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      options: opts,
      compile,
      rows: rows.map((r) => ({ scenario: r.scenario.id, key: r.key, request: r.name, rates: r.rates })),
      sink: sinkValue(),
    },
    null,
    2,
  ),
);
