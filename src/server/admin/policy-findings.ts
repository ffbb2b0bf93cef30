// Lint on every policy write (PutBucketPolicy, CreatePolicy, PutUserPolicy, ...): a document the
// policy parser rejects is refused with the linter's findings (message, JSON path, line and
// column) instead of the parser's bare words; a document it accepts is stored, and the linter's
// warnings travel back on the response without failing the call.
//
// AWS's responses have no place for warnings, and SDKs must still parse them, so they ride in two
// response headers that every client ignores unless it looks:
//   x-portcullis-policy-warnings: 2
//   x-portcullis-policy-findings: [{"severity":"warning","check":"object-action-on-bucket-arn",...}]
// The findings header is compact JSON (non-ASCII escaped, so header-safe), at most
// MAX_FINDINGS_HEADER bytes: findings beyond that are left out (the count still says how many
// there are; `portcullis lint` shows them all). Suggestions (style advice) are left to
// `portcullis lint`. The audit trail sees the same headers on the response.
//
// What is refused stays exactly what the parser refuses (what AWS refuses): a check the linter
// rates `error` that the parser accepts (e.g. a wildcard spanning ARN segments) is returned as a
// finding, not a rejection, so no document AWS accepts is refused here.
import type { ServerResponse } from 'node:http';
import type { Finding } from '../../policy/lint/lint.js';
import type { PolicyProblem } from '../../policy/model.js';

export const WARNINGS_HEADER = 'x-portcullis-policy-warnings';
export const FINDINGS_HEADER = 'x-portcullis-policy-findings';
/** Keeps the response headers far below clients' limits (Node's default is 16 KiB for all). */
export const MAX_FINDINGS_HEADER = 4096;
/** How many errors a rejection message lists. */
const MAX_LISTED_ERRORS = 5;

/** The findings returned with an accepted document (no suggestions). */
export function warningsOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity !== 'suggestion');
}

/**
 * The message of a rejected document: the linter's errors with path, line and column; the
 * parser's own words when the linter found no error (never an empty message).
 */
export function rejectionMessage(findings: readonly Finding[], problems: readonly PolicyProblem[]): string {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return problems.map((p) => p.message).join('; ') || 'Invalid policy document';
  const listed = errors.slice(0, MAX_LISTED_ERRORS).map(describeFinding);
  const more = errors.length - listed.length;
  return listed.join('; ') + (more > 0 ? `; and ${more} more (portcullis lint shows them all)` : '');
}

/** `Statement[0].Effect: Effect "allow " is not valid ... (line 5, column 17) [effect-invalid]` */
export function describeFinding(f: Finding): string {
  return `${f.path === '' ? '' : `${f.path}: `}${f.message} (line ${f.line}, column ${f.column}) [${f.check}]`;
}

/** The two response headers for an accepted document's findings; none when there are none. */
export function findingHeaders(findings: readonly Finding[]): Record<string, string> {
  if (findings.length === 0) return {};
  const kept: Finding[] = [];
  let json = '[]';
  for (const f of findings) {
    const next = headerJson([...kept, f]);
    if (next.length > MAX_FINDINGS_HEADER) break;
    kept.push(f);
    json = next;
  }
  return { [WARNINGS_HEADER]: String(findings.length), [FINDINGS_HEADER]: json };
}

/** Sets the findings headers on a response about to be sent. */
export function setFindingHeaders(res: ServerResponse, findings: readonly Finding[]): void {
  for (const [name, value] of Object.entries(findingHeaders(findings))) res.setHeader(name, value);
}

/** Compact JSON with every non-ASCII character escaped: valid in an HTTP header as it is. */
function headerJson(findings: readonly Finding[]): string {
  const compact = findings.map(({ severity, check, message, path, line, column }) => ({
    severity,
    check,
    message,
    path,
    line,
    column,
  }));
  return JSON.stringify(compact).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
