// What every operator family provides: its policy values compiled for one comparison. The
// set-qualifier logic (plain / ForAnyValue / ForAllValues, IfExists, negation) is shared.
import type { ContextValue, RequestContext } from '../request.js';
import { describeUnresolved } from '../variables.js';
import { unresolvedPatternVariable, type CompiledPattern } from '../wildcard.js';

export interface CompileOptions {
  /** Substitute policy variables in the values (Version 2012-10-17 only). */
  readonly variables: boolean;
}

/** The policy values of one clause, compiled for an operator's positive comparison. */
export interface CompiledValues {
  /** Index of a policy value that `value` satisfies (positive sense: equal, like, in…), or -1. */
  find(value: string, ctx: RequestContext): number;
  /** Explanations only: why `value` cannot be compared at all (`which is not a number`). */
  invalidContextValue?(value: string): string | undefined;
  /** Explanations only: why policy value `index` can never match in this request. */
  unusable?(index: number, ctx: RequestContext): string | undefined;
}

export interface OperatorSpec {
  /** Negated operators hold when no policy value matches, and when the key is missing. */
  readonly negated: boolean;
  /** How a context value relates to a policy value it satisfies: `equal to`, `like`, `in`. */
  readonly relation: string;
  /** Show policy values quoted (strings, ARNs) or bare (numbers, dates, CIDRs) in explanations. */
  readonly quoted: boolean;
  compile(values: readonly string[], opts: CompileOptions): CompiledValues;
}

/** Values that never match: a policy value that cannot be parsed, or no values at all. */
export const NEVER: CompiledValues = { find: () => -1 };

/** The comparisons of the Numeric* and Date* families. */
export type Ordering = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

/**
 * Numeric* and Date* operators: both parse every value to a number (NaN when unparseable) and
 * compare numbers. `what` names the kind of value for explanations (`a number`, `a date`).
 */
export function orderedSpec(
  ordering: Ordering,
  negated: boolean,
  relation: string,
  parse: (s: string) => number,
  what: string,
): OperatorSpec {
  return {
    negated,
    relation,
    quoted: false,
    compile(values) {
      const parsed = Float64Array.from(values, parse);
      const count = parsed.length;
      const cmp = COMPARE[ordering];
      return {
        find(value) {
          const x = parse(value);
          if (x !== x) return -1; // NaN: an unparseable request value matches nothing
          for (let i = 0; i < count; i++) if (cmp(x, parsed[i]!)) return i;
          return -1;
        },
        invalidContextValue: (value) => (parse(value) !== parse(value) ? `which is not ${what}` : undefined),
        unusable: (i) =>
          Number.isNaN(parsed[i]) ? `${values[i]} is not ${what}, so the value never matches` : undefined,
      };
    },
  };
}

// NaN compares false everywhere, so an unparseable policy value never matches.
const COMPARE: Readonly<Record<Ordering, (a: number, b: number) => boolean>> = {
  eq: (a, b) => a === b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
};

/** Operators whose values are wildcard patterns (StringLike, Arn*): any pattern matching counts. */
export function patternSpec(
  negated: boolean,
  relation: string,
  compilePattern: (value: string, opts: CompileOptions) => CompiledPattern,
): OperatorSpec {
  return {
    negated,
    relation,
    quoted: true,
    compile(values, opts) {
      const patterns = values.map((v) => compilePattern(v, opts));
      const count = patterns.length;
      return {
        find(value, ctx) {
          for (let i = 0; i < count; i++) if (patterns[i]!.test(value, ctx)) return i;
          return -1;
        },
        unusable(i, ctx) {
          const p = patterns[i];
          const missing = p === undefined ? undefined : unresolvedPatternVariable(p, ctx);
          return missing === undefined ? undefined : describeUnresolved(missing, ctx);
        },
      };
    },
  };
}

/** A key counts as absent when it is missing or is an empty list. */
export function isAbsent(value: ContextValue | undefined): value is undefined | readonly [] {
  return value === undefined || (typeof value !== 'string' && value.length === 0);
}
