// Date* operators: ISO 8601 instants or epoch seconds, compared as instants.
import { orderedSpec, type OperatorSpec } from './operator.js';
import { parseNumber } from './numeric.js';

// 2026-01-01 | 2026-01-01T10:20 | 2026-01-01T10:20:30.123456Z | …+05:30 | …-0800 | …+05
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Milliseconds since the epoch, or NaN. A plain number is epoch seconds (aws:EpochTime); a time
 * without an offset is UTC (never the server's local zone); date-only means midnight UTC.
 */
export function parseDate(s: string): number {
  const first = s.charCodeAt(0);
  // No dash after the first character: an epoch number, not a date.
  if (s.indexOf('-', 1) < 0 && ((first >= 0x30 && first <= 0x39) || first === 0x2d || first === 0x2b || first === 0x2e)) {
    const seconds = parseNumber(s);
    return seconds * 1000;
  }
  const m = ISO.exec(s);
  if (m === null) return NaN;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const hour = m[4] === undefined ? 0 : +m[4];
  const minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  const ms = m[7] === undefined ? 0 : +m[7].padEnd(3, '0').slice(0, 3);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return NaN;
  // 24:00:00 is the end of the day (ISO 8601); 60 seconds is a leap second.
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0 || ms > 0))) return NaN;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2);
    const om = digits.length > 2 ? +digits.slice(2) : 0;
    if (oh > 23 || om > 59) return NaN;
    offsetMinutes = sign * (oh * 60 + om);
  }
  // Date.UTC maps years 0–99 to 1900–1999: shift by one 400-year Gregorian cycle and back.
  return Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - CYCLE_MS - offsetMinutes * 60_000;
}

const CYCLE_MS = 146_097 * 86_400_000;

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const A_DATE = 'a date';

export const DATE_OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  DateEquals: orderedSpec('eq', false, 'the same instant as', parseDate, A_DATE),
  DateNotEquals: orderedSpec('eq', true, 'the same instant as', parseDate, A_DATE),
  DateLessThan: orderedSpec('lt', false, 'before', parseDate, A_DATE),
  DateLessThanEquals: orderedSpec('le', false, 'at or before', parseDate, A_DATE),
  DateGreaterThan: orderedSpec('gt', false, 'after', parseDate, A_DATE),
  DateGreaterThanEquals: orderedSpec('ge', false, 'at or after', parseDate, A_DATE),
};
