// Request timestamps: the ISO 8601 basic form SigV4 uses, HTTP dates, and the skew rule.

export const MAX_SKEW_MS = 900_000;

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses yyyyMMdd'T'HHmmss'Z', rejecting impossible dates (20130230T...). */
export function parseAmzDate(text: string): Date | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(ms);
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    date.getUTCHours() !== h ||
    date.getUTCMinutes() !== mi ||
    date.getUTCSeconds() !== s
  ) {
    return undefined;
  }
  return date;
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** "2013-05-24T00:00:00Z": the form of ServerTime/Expires in S3 error bodies. */
export function isoSeconds(date: Date | number): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// RFC 1123 ("Tue, 27 Mar 2007 19:36:42 +0000"), RFC 850 and asctime, the forms HTTP allows.
const HTTP_DATE =
  /^(?:[A-Za-z]{3}, \d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} \d{2}:\d{2}:\d{2} (?:GMT|UTC|[+-]\d{4})|[A-Za-z]+, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT|[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/** Parses an HTTP date (Date / x-amz-date / x-oss-date header in the V1/V2 schemes). */
export function parseHttpDate(text: string): Date | undefined {
  const trimmed = text.trim();
  if (trimmed.length > 64 || !HTTP_DATE.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** Either form: SigV4 allows the Date header instead of x-amz-date. */
export function parseAnyDate(text: string): Date | undefined {
  return parseAmzDate(text.trim()) ?? parseHttpDate(text);
}

export function isSkewed(requestTime: Date, now: number, maxSkewMs: number): boolean {
  return Math.abs(now - requestTime.getTime()) > maxSkewMs;
}
