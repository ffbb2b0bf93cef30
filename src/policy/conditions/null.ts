// Null: `true` holds when the key is absent (missing or an empty list), `false` when present.
// It looks at presence only, so set qualifiers and IfExists do not change it.
import type { ContextValue } from '../request.js';
import { parseBool } from './bool.js';
import { isAbsent } from './operator.js';

export interface NullTest {
  /** A policy value `true` is present: an absent key satisfies the condition. */
  readonly whenAbsent: boolean;
  /** A policy value `false` is present: a present key satisfies the condition. */
  readonly whenPresent: boolean;
}

export function compileNull(values: readonly string[]): NullTest {
  const parsed = values.map(parseBool);
  return { whenAbsent: parsed.includes(1), whenPresent: parsed.includes(0) };
}

export function nullHolds(test: NullTest, value: ContextValue | undefined): boolean {
  return isAbsent(value) ? test.whenAbsent : test.whenPresent;
}

/** Why a Null condition failed (explanations only). */
export function explainNull(key: string, test: NullTest, value: ContextValue | undefined): string {
  if (isAbsent(value)) {
    return test.whenPresent
      ? `${key} is missing from the request; Null: false needs it present`
      : `${key} is missing from the request, and no value of the Null condition is true or false`;
  }
  const shown = JSON.stringify(value);
  return test.whenAbsent
    ? `${key} is present (${shown}); Null: true needs it missing`
    : `${key} is present (${shown}), and no value of the Null condition is true or false`;
}
