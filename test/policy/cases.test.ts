// Table-driven policy decision cases: an oracle written from EVALUATION-RULES.md and the simulator
// contract (CONTRACTS.md), independent of the engine. Each fixture file in
// test/fixtures/policy-cases holds an array of cases; every case becomes one test named
// `<file> › <name>`. The expected values come from the rules, never from running the engine:
// when a case fails, decide by the rules which side is wrong.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CaseError, loadCase, simulate, simulateWithTrace } from '../../src/policy/simulate.js';
import { repoPath } from '../support/repo-root.js';

/** The clock every case runs at, so aws:CurrentTime / aws:EpochTime defaults are fixed. */
const FIXED_NOW = new Date('2026-03-01T12:00:00Z');
const MIN_DECISION_CASES = 300;
const MIN_INVALID_CASES = 25;

const DECISIONS = ['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied'] as const;
const LAYERS = ['scp', 'rcp', 'resource', 'identity', 'boundary', 'session', 'trust'] as const;

interface Expectation {
  decision: (typeof DECISIONS)[number];
  deniedBy: (typeof LAYERS)[number] | null;
  explicit: boolean;
  /** Checked only when present (null: an allowed request carries no message). */
  message?: string | null;
}

interface DecisionCase {
  name: string;
  rule: string;
  case: unknown;
  expect: Expectation;
}

interface InvalidCase {
  name: string;
  rule: string;
  case: unknown;
  /** Every string must appear in the CaseError message (the field it names). */
  errorIncludes: string | string[];
}

const CASES_DIR = repoPath('test', 'fixtures', 'policy-cases');
const INVALID_FILE = 'invalid-cases.json';

function readArray(file: string): unknown[] {
  const value: unknown = JSON.parse(readFileSync(join(CASES_DIR, file), 'utf8'));
  if (!Array.isArray(value)) throw new Error(`${file}: must be a JSON array of cases`);
  return value;
}

const decisionFiles = readdirSync(CASES_DIR)
  .filter((f) => f.endsWith('.json') && f !== INVALID_FILE)
  .sort();
const decisionTables = decisionFiles.map((file) => ({ file, cases: readArray(file) as DecisionCase[] }));
const invalidCases = readArray(INVALID_FILE) as InvalidCase[];

/** The fields a case asserts, picked from an output in the same shape as the expectation. */
function observed(
  output: { decision: string; deniedBy: string | null; explicit: boolean; message: string | null },
  expect: Expectation,
) {
  return {
    decision: output.decision,
    deniedBy: output.deniedBy,
    explicit: output.explicit,
    ...('message' in expect ? { message: output.message } : {}),
  };
}

for (const { file, cases } of decisionTables) {
  for (const c of cases) {
    test(`${file} › ${c.name}`, () => {
      const loaded = loadCase(c.case, FIXED_NOW);
      const output = simulate(loaded);
      assert.deepEqual(observed(output, c.expect), c.expect, `rule: ${c.rule}`);

      // The trace is the same evaluation walked in full: it must reach the same answer.
      const traced = simulateWithTrace(loadCase(c.case, FIXED_NOW));
      assert.deepEqual(
        observed(traced.output, { ...c.expect, message: null }),
        observed(output, { ...c.expect, message: null }),
        'simulateWithTrace disagrees with simulate',
      );
      assert.equal(traced.explanation.decision, output.decision, 'the explanation names another decision');
    });
  }
}

for (const c of invalidCases) {
  test(`${INVALID_FILE} › ${c.name}`, () => {
    const wanted = Array.isArray(c.errorIncludes) ? c.errorIncludes : [c.errorIncludes];
    assert.throws(
      () => loadCase(c.case, FIXED_NOW),
      (err: unknown) => {
        assert.ok(err instanceof CaseError, `expected a CaseError, got ${String(err)}`);
        for (const part of wanted) {
          assert.ok(
            err.message.includes(part),
            `error ${JSON.stringify(err.message)} does not name ${JSON.stringify(part)}`,
          );
        }
        return true;
      },
      `rule: ${c.rule}`,
    );
  });
}

test('policy case tables: well-formed, every case names a rule, names unique per file', () => {
  let total = 0;
  const tables = [
    ...decisionTables,
    { file: INVALID_FILE, cases: invalidCases as unknown as DecisionCase[] },
  ];
  for (const { file, cases } of tables) {
    const names = new Set<string>();
    for (const [i, c] of cases.entries()) {
      const where = `${file}[${i}]`;
      assert.equal(typeof c.name, 'string', `${where}: name must be a string`);
      assert.ok(c.name.trim() !== '', `${where}: empty name`);
      assert.ok(!names.has(c.name), `${where}: duplicate name ${JSON.stringify(c.name)}`);
      names.add(c.name);
      assert.equal(typeof c.rule, 'string', `${where} (${c.name}): rule must be a string`);
      assert.ok(c.rule.trim() !== '', `${where} (${c.name}): every case names the rule it checks`);
      assert.ok(c.case !== undefined, `${where} (${c.name}): missing "case"`);
    }
    if (file !== INVALID_FILE) total += cases.length;
  }
  assert.ok(
    total >= MIN_DECISION_CASES,
    `only ${total} decision cases (want at least ${MIN_DECISION_CASES})`,
  );
  assert.ok(
    invalidCases.length >= MIN_INVALID_CASES,
    `only ${invalidCases.length} invalid cases (want at least ${MIN_INVALID_CASES})`,
  );
});

test('policy case tables: expectations are self-consistent', () => {
  for (const { file, cases } of decisionTables) {
    for (const c of cases) {
      const where = `${file} › ${c.name}`;
      const e = c.expect;
      assert.ok(e !== null && typeof e === 'object', `${where}: missing "expect"`);
      assert.ok(
        (DECISIONS as readonly string[]).includes(e.decision),
        `${where}: bad decision ${String(e.decision)}`,
      );
      assert.equal(
        e.explicit,
        e.decision === 'ExplicitlyDenied',
        `${where}: explicit must be true exactly for ExplicitlyDenied`,
      );
      if (e.decision === 'Allowed') {
        assert.equal(e.deniedBy, null, `${where}: an allowed case has deniedBy null`);
        if ('message' in e) assert.equal(e.message, null, `${where}: an allowed case has no message`);
      } else {
        assert.ok(
          (LAYERS as readonly string[]).includes(String(e.deniedBy)),
          `${where}: bad deniedBy ${String(e.deniedBy)}`,
        );
        if ('message' in e)
          assert.equal(typeof e.message, 'string', `${where}: a denial's message is a string`);
      }
      const extra = Object.keys(e).filter(
        (k) => !['decision', 'deniedBy', 'explicit', 'message'].includes(k),
      );
      assert.deepEqual(extra, [], `${where}: unknown expect fields`);
    }
  }
  for (const c of invalidCases) {
    const parts = Array.isArray(c.errorIncludes) ? c.errorIncludes : [c.errorIncludes];
    assert.ok(
      parts.length > 0 && parts.every((p) => typeof p === 'string' && p !== ''),
      `${INVALID_FILE} › ${c.name}: errorIncludes`,
    );
  }
});
