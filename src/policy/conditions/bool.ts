// Bool: `true` / `false`, case-insensitively, on both sides.
import type { OperatorSpec } from './operator.js';

/** 1 for true, 0 for false, -1 for anything else. */
export function parseBool(s: string): number {
  if (s.length === 4) return s === 'true' || s.toLowerCase() === 'true' ? 1 : -1;
  if (s.length === 5) return s === 'false' || s.toLowerCase() === 'false' ? 0 : -1;
  return -1;
}

export const BOOL_OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  Bool: {
    negated: false,
    relation: 'equal to',
    quoted: false,
    compile(values) {
      const parsed = values.map(parseBool);
      return {
        find(value) {
          const b = parseBool(value);
          return b < 0 ? -1 : parsed.indexOf(b);
        },
        invalidContextValue: (value) =>
          parseBool(value) < 0 ? 'which is neither true nor false' : undefined,
        unusable: (i) =>
          parsed[i] === -1 ? `${values[i]} is neither true nor false, so the value never matches` : undefined,
      };
    },
  },
};
