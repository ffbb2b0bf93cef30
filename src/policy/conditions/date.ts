// Date* operators: ISO 8601 instants or epoch seconds, compared as instants.
import { orderedSpec, type OperatorSpec } from './operator.js';
import { parseNumber } from './numeric.js';

/**
 * Milliseconds since the epoch, or NaN. A plain number is epoch seconds (aws:EpochTime); a time
 * without an offset is UTC (never the server's local zone); date-only means midnight UTC.
 * Accepted: 2026-01-01 | 2026-01-01T10:20 | 2026-01-01T10:20:30.123456789Z | …+05:30 | …-0800 | …+05.
 * Parsed by hand: this runs per request for aws:CurrentTime, and a RegExp exec allocates.
 */
export function parseDate(s: string): number {
  const len = s.length;
  const first = s.charCodeAt(0);
  // No dash after the first character: an epoch number, not a date.
  if (s.indexOf('-', 1) < 0 && (isDigit(first) || first === 0x2d || first === 0x2b || first === 0x2e)) {
    return parseNumber(s) * 1000;
  }
  if (len < 10 || s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return NaN;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let offsetMinutes = 0;
  let i = 10;
  if (i < len) {
    const t = s.charCodeAt(i);
    if ((t !== 0x54 && t !== 0x74) || len < 16 || s.charCodeAt(13) !== COLON) return NaN; // T t
    hour = digits(s, 11, 2);
    minute = digits(s, 14, 2);
    if (hour < 0 || minute < 0) return NaN;
    i = 16;
    if (s.charCodeAt(i) === COLON) {
      second = digits(s, i + 1, 2);
      if (second < 0) return NaN;
      i += 3;
      if (s.charCodeAt(i) === 0x2e) {
        // Fraction: up to nine digits, milliseconds kept.
        const start = ++i;
        while (i < len && isDigit(s.charCodeAt(i))) i++;
        const n = i - start;
        if (n === 0 || n > 9) return NaN;
        ms = digits(s, start, Math.min(n, 3)) * (n === 1 ? 100 : n === 2 ? 10 : 1);
      }
    }
    if (i < len) {
      const z = s.charCodeAt(i);
      if (z === 0x5a || z === 0x7a) {
        if (i + 1 !== len) return NaN; // Z z
      } else if (z === 0x2b || z === 0x2d) {
        const oh = digits(s, i + 1, 2);
        let om = 0;
        let j = i + 3;
        if (j < len) {
          if (s.charCodeAt(j) === COLON) j++;
          om = digits(s, j, 2);
          j += 2;
        }
        if (oh < 0 || oh > 23 || om < 0 || om > 59 || j !== len) return NaN;
        offsetMinutes = (z === 0x2d ? -1 : 1) * (oh * 60 + om);
      } else {
        return NaN;
      }
    }
  }
  // 24:00:00 is the end of the day (ISO 8601); 60 seconds is a leap second.
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0 || ms > 0))) {
    return NaN;
  }
  const seconds = ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + ms;
  return daysFromCivil(year, month, day) * 86_400_000 + seconds;
}

/**
 * Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm): plain
 * arithmetic, where Date.UTC is slower and maps years 0–99 to 1900–1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const DASH = 0x2d;
const COLON = 0x3a;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The `count` decimal digits at `s[start]` as a number, or -1 when any is not a digit. */
function digits(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = s.charCodeAt(i); // NaN past the end: not a digit
    if (!isDigit(c)) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

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
