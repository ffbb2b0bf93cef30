// A small single-threaded timing harness: every case runs in the same process, one after the
// other, in several rounds (the order reversed every other round), so machine noise and GC debt
// hit all engines alike. The reported rate is the median round.
import { performance } from 'node:perf_hooks';

export interface TimedCase {
  /** Unique label, e.g. `a/allowed/portcullis`. */
  id: string;
  fn: () => unknown;
  /** `fn` returns a promise: each call is awaited before the next. */
  async?: boolean;
}

export interface HarnessOptions {
  warmupMs: number;
  roundMs: number;
  rounds: number;
  /** Called after each round (progress on stderr). */
  onRound?: (round: number, rates: ReadonlyMap<string, number>) => void;
}

export interface CaseResult {
  id: string;
  /** Decisions per second, one per round. */
  rounds: number[];
  median: number;
  min: number;
  max: number;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Anything the timed calls return lands here, so the optimiser cannot drop the calls. */
let sink = 0;
export function sinkValue(): number {
  return sink;
}

type Runner = (
  fn: () => unknown,
  batch: number,
  ms: number,
  now: () => number,
) => [calls: number, ms: number, undef: number];

/**
 * A fresh copy of the timing loop for each case (compiled from source, as benchmark.js does), so
 * the call `fn()` in it only ever sees one function: a loop shared by all cases would turn that
 * call site megamorphic and tax the fastest engine the most.
 */
function makeRunner(): Runner {
  return new Function(
    'fn',
    'batch',
    'ms',
    'now',
    `let calls = 0, undef = 0;
     const start = now();
     let t = start;
     do {
       for (let i = 0; i < batch; i++) if (fn() === undefined) undef++;
       calls += batch;
       t = now();
     } while (t - start < ms);
     return [calls, t - start, undef];`,
  ) as Runner;
}

const clock = () => performance.now();
const runners = new Map<TimedCase, Runner>();

/** Runs `fn` in batches until `ms` have passed; returns calls per second. */
function runFor(c: TimedCase, batch: number, ms: number): number {
  let run = runners.get(c);
  if (run === undefined) runners.set(c, (run = makeRunner()));
  const [calls, elapsed, undef] = run(c.fn, batch, ms, clock);
  sink += undef;
  return (calls * 1000) / elapsed;
}

async function runForAsync(fn: () => unknown, batch: number, ms: number): Promise<number> {
  let calls = 0;
  const start = performance.now();
  let now: number;
  do {
    for (let i = 0; i < batch; i++) if ((await fn()) === undefined) sink++;
    calls += batch;
    now = performance.now();
  } while (now - start < ms);
  return (calls * 1000) / (now - start);
}

function measure(c: TimedCase, batch: number, ms: number): Promise<number> | number {
  return c.async ? runForAsync(c.fn, batch, ms) : runFor(c, batch, ms);
}

/** A batch size that takes about 2 ms, so reading the clock costs nothing measurable. */
async function calibrate(c: TimedCase): Promise<number> {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    await measure(c, batch, 0);
    const elapsed = performance.now() - start;
    if (elapsed >= 2 || batch >= 1 << 20)
      return Math.max(1, Math.round((batch * 2) / Math.max(elapsed, 0.001)));
    batch *= 2;
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export async function runRounds(cases: readonly TimedCase[], opts: HarnessOptions): Promise<CaseResult[]> {
  const batches = new Map<string, number>();
  // Warm-up: lets the JIT settle and sizes the batches.
  for (const c of cases) {
    gc?.();
    await measure(c, await calibrate(c), opts.warmupMs);
    batches.set(c.id, await calibrate(c));
  }
  const samples = new Map<string, number[]>(cases.map((c) => [c.id, []]));
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? cases : [...cases].reverse();
    const rates = new Map<string, number>();
    for (const c of order) {
      gc?.(); // collect the previous case's garbage outside the timed window
      const rate = await measure(c, batches.get(c.id) ?? 1, opts.roundMs);
      samples.get(c.id)?.push(rate);
      rates.set(c.id, rate);
    }
    opts.onRound?.(round + 1, rates);
  }
  return cases.map((c) => {
    const r = samples.get(c.id) ?? [];
    return { id: c.id, rounds: r, median: median(r), min: Math.min(...r), max: Math.max(...r) };
  });
}
