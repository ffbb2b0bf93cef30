// Condition operators: one file per operator family in this folder; this file compiles a
// ConditionClause into a test function and explains its outcome.
import type { ConditionClause } from '../model.js';
import type { ContextValue, RequestContext } from '../request.js';

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

/** Is `baseOperator` (no qualifier, no IfExists) a known operator name? */
export function isKnownOperator(_baseOperator: string): boolean {
  throw new Error('not implemented');
}

/** Compiles one clause. `variables`: substitute policy variables (only for Version 2012-10-17). */
export function compileCondition(_clause: ConditionClause, _opts: { variables: boolean }): CompiledCondition {
  throw new Error('not implemented');
}

/** Evaluates a compiled condition with the detail an explanation needs. */
export function explainCondition(_condition: CompiledCondition, _ctx: RequestContext): ConditionOutcome {
  throw new Error('not implemented');
}
