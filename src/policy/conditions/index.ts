// Condition operators: one file per operator family in this folder; this file compiles a
// ConditionClause into a test function and explains its outcome.
import type { ConditionClause } from '../model.js';
import type { ContextValue, RequestContext } from '../request.js';
import { ARN_OPERATORS } from './arn.js';
import { BINARY_OPERATORS } from './binary.js';
import { BOOL_OPERATORS } from './bool.js';
import { DATE_OPERATORS } from './date.js';
import { IP_OPERATORS } from './ip.js';
import { compileNull, explainNull, nullHolds, type NullTest } from './null.js';
import { NUMERIC_OPERATORS } from './numeric.js';
import { isAbsent, NEVER, type CompiledValues, type OperatorSpec } from './operator.js';
import { qualify } from './set-qualifiers.js';
import { STRING_OPERATORS } from './string.js';

export interface CompiledCondition {
  readonly clause: ConditionClause;
  /** True when the condition holds for the request context. Never throws. */
  test(ctx: RequestContext): boolean;
}

export interface ConditionOutcome {
  matched: boolean;
  /** The context value the condition looked at (undefined when the key was missing). */
  contextValue?: ContextValue;
  /** Why it did not match (or, for a match that relied on IfExists/missing keys, why it did). */
  reason?: string;
}

/** Every operator that compares values; `Null` is handled on its own (it looks at presence). */
const OPERATORS: ReadonlyMap<string, OperatorSpec> = new Map(
  Object.entries({
    ...STRING_OPERATORS,
    ...NUMERIC_OPERATORS,
    ...DATE_OPERATORS,
    ...BOOL_OPERATORS,
    ...BINARY_OPERATORS,
    ...IP_OPERATORS,
    ...ARN_OPERATORS,
  }),
);

/** Every base operator name (no qualifier, no IfExists). */
export function knownOperators(): string[] {
  return [...OPERATORS.keys(), 'Null'];
}

/** Is `baseOperator` (no qualifier, no IfExists) a known operator name? */
export function isKnownOperator(baseOperator: string): boolean {
  return baseOperator === 'Null' || OPERATORS.has(baseOperator);
}

/** Is `baseOperator` negated (holds when no value matches, and when the key is missing)? */
export function isNegatedOperator(baseOperator: string): boolean {
  return OPERATORS.get(baseOperator)?.negated ?? false;
}

/** Compiles one clause. `variables`: substitute policy variables (only for Version 2012-10-17). */
export function compileCondition(clause: ConditionClause, opts: { variables: boolean }): CompiledCondition {
  const lookup = clause.key.toLowerCase();
  if (clause.baseOperator === 'Null') {
    const nullTest = compileNull(clause.values);
    return new NullCondition(clause, lookup, nullTest);
  }
  const spec = OPERATORS.get(clause.baseOperator);
  // The parser rejects unknown operators; if one gets here anyway it never holds.
  if (spec === undefined) return new UnknownCondition(clause);
  const values = clause.values.length === 0 ? NEVER : spec.compile(clause.values, opts);
  return new ValueCondition(clause, lookup, spec, values);
}

/** Evaluates a compiled condition with the detail an explanation needs. */
export function explainCondition(condition: CompiledCondition, ctx: RequestContext): ConditionOutcome {
  const matched = condition.test(ctx);
  if (condition instanceof NullCondition) {
    const cv = ctx.get(condition.lookup);
    return outcome(
      matched,
      cv,
      matched ? undefined : explainNull(condition.clause.key, condition.nullTest, cv),
    );
  }
  if (condition instanceof ValueCondition) {
    const cv = ctx.get(condition.lookup);
    return outcome(matched, cv, explainValues(condition, cv, ctx, matched));
  }
  if (condition instanceof UnknownCondition) {
    return { matched, reason: `${condition.clause.baseOperator} is not a known condition operator` };
  }
  return { matched };
}

// ---------------------------------------------------------------------------------------------

class ValueCondition implements CompiledCondition {
  readonly test: (ctx: RequestContext) => boolean;
  constructor(
    readonly clause: ConditionClause,
    readonly lookup: string,
    readonly spec: OperatorSpec,
    readonly values: CompiledValues,
  ) {
    this.test = qualify(
      { lookup, qualifier: clause.qualifier, ifExists: clause.ifExists, negated: spec.negated },
      values,
    );
  }
}

class NullCondition implements CompiledCondition {
  constructor(
    readonly clause: ConditionClause,
    readonly lookup: string,
    readonly nullTest: NullTest,
  ) {}
  test(ctx: RequestContext): boolean {
    return nullHolds(this.nullTest, ctx.get(this.lookup));
  }
}

class UnknownCondition implements CompiledCondition {
  constructor(readonly clause: ConditionClause) {}
  test(): boolean {
    return false;
  }
}

function outcome(
  matched: boolean,
  contextValue: ContextValue | undefined,
  reason: string | undefined,
): ConditionOutcome {
  const o: ConditionOutcome = { matched };
  if (contextValue !== undefined) o.contextValue = contextValue;
  if (reason !== undefined) o.reason = reason;
  return o;
}

/** The reason for a value-comparing condition's outcome; undefined for an ordinary match. */
function explainValues(
  c: ValueCondition,
  cv: ContextValue | undefined,
  ctx: RequestContext,
  matched: boolean,
): string | undefined {
  const { clause, spec } = c;
  const key = clause.key;
  const q = clause.qualifier;

  if (isAbsent(cv)) {
    const absent =
      cv === undefined ? `${key} is missing from the request` : `${key} has no values in the request`;
    if (!matched) return q === 'ForAnyValue' ? `${absent} (ForAnyValue: needs at least one value)` : absent;
    if (clause.ifExists) return `${absent}; ${clause.operator} holds when the key is missing`;
    if (q === 'ForAllValues') return `${absent}; ForAllValues: holds for an empty set of values`;
    return `${absent}; the negated operator ${clause.baseOperator} holds when the key is missing`;
  }

  const list = typeof cv === 'string' ? [cv] : cv;
  if (q === undefined && list.length > 1) {
    return `${key} has several values ${JSON.stringify(list)}; a plain operator needs a single value (use ForAnyValue: or ForAllValues:)`;
  }
  if (matched) return undefined;

  const policy = formatValues(clause.values, spec.quoted);
  const unusable = unusableNotes(c, ctx);
  if (q === undefined) return withNotes(describeValue(c, key, list[0]!, ctx, policy), unusable);
  if (q === 'ForAnyValue') {
    const verdict = spec.negated
      ? `every value of ${key} ${JSON.stringify(list)} is ${spec.relation} one of ${policy}`
      : `no value of ${key} ${JSON.stringify(list)} is ${spec.relation} any of ${policy}`;
    return withNotes(verdict, unusable);
  }
  // ForAllValues: name the first value that fails.
  for (const v of list) {
    const satisfied = c.values.find(v, ctx) >= 0 !== spec.negated;
    if (!satisfied) return withNotes(describeValue(c, `${key} value`, v, ctx, policy), unusable);
  }
  return undefined;
}

/** Why one request value does not satisfy the comparison. */
function describeValue(
  c: ValueCondition,
  subject: string,
  v: string,
  ctx: RequestContext,
  policy: string,
): string {
  const { spec, values, clause } = c;
  const shown = `${subject} is ${JSON.stringify(v)}`;
  const index = values.find(v, ctx);
  if (spec.negated && index >= 0) {
    return `${shown}, which is ${spec.relation} ${formatValue(clause.values[index]!, spec.quoted)}`;
  }
  const invalid = values.invalidContextValue?.(v);
  if (invalid !== undefined) return `${shown}, ${invalid}`;
  return `${shown}, not ${spec.relation} any of ${policy}`;
}

/** Policy values that cannot match in this request (missing variables, unparseable values). */
function unusableNotes(c: ValueCondition, ctx: RequestContext): string[] {
  const notes: string[] = [];
  const unusable = c.values.unusable;
  if (unusable === undefined) return notes;
  for (let i = 0; i < c.clause.values.length; i++) {
    const note = unusable.call(c.values, i, ctx);
    if (note !== undefined && !notes.includes(note)) notes.push(note);
  }
  return notes;
}

function withNotes(reason: string, notes: readonly string[]): string {
  return notes.length === 0 ? reason : `${reason}; ${notes.join('; ')}`;
}

function formatValue(v: string, quoted: boolean): string {
  return quoted ? JSON.stringify(v) : v;
}

function formatValues(values: readonly string[], quoted: boolean): string {
  return quoted ? JSON.stringify(values) : `[${values.join(', ')}]`;
}
