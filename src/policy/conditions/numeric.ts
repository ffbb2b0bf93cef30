// Numeric* operators: integers and decimals, compared as numbers.
import { orderedSpec, type OperatorSpec } from './operator.js';

/**
 * Strict decimal syntax (`42`, `-3`, `+0.5`, `.5`, `10.`): no exponent, hex, spaces or empty
 * string, which `Number()` would all accept. NaN when the text is not such a number.
 */
export function parseNumber(s: string): number {
  const n = s.length;
  let i = 0;
  if (n === 0) return NaN;
  const first = s.charCodeAt(0);
  if (first === 0x2b || first === 0x2d) i = 1; // + -
  let digits = 0;
  let dot = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2e && !dot) dot = true;
    else return NaN;
  }
  return digits === 0 ? NaN : Number(s);
}

const A_NUMBER = 'a number';

export const NUMERIC_OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  NumericEquals: orderedSpec('eq', false, 'equal to', parseNumber, A_NUMBER),
  NumericNotEquals: orderedSpec('eq', true, 'equal to', parseNumber, A_NUMBER),
  NumericLessThan: orderedSpec('lt', false, 'less than', parseNumber, A_NUMBER),
  NumericLessThanEquals: orderedSpec('le', false, 'less than or equal to', parseNumber, A_NUMBER),
  NumericGreaterThan: orderedSpec('gt', false, 'greater than', parseNumber, A_NUMBER),
  NumericGreaterThanEquals: orderedSpec('ge', false, 'greater than or equal to', parseNumber, A_NUMBER),
};
