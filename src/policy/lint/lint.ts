// `lintPolicy`: every check over one policy document. Pure (no I/O); findings sorted by position.
// The parser's problems become `error` findings; the checks read the raw JSON so they also run
// on documents the parser rejects (that is where users most need to learn why).
import { parseJsonSource } from '../json-source.js';
import type { Dialect, PolicyType } from '../model.js';
import { parsePolicy } from '../parse.js';
import { checkActions } from './actions.js';
import { checkConditions } from './conditions.js';
import { get, isObject, makeFinding, readStatements, type LintContext } from './document.js';
import { checkEffect } from './effect.js';
import type { Finding } from './finding.js';
import { checkIam } from './iam.js';
import { classifyProblem, stripPath } from './parse-problems.js';
import { checkPrincipals } from './principals.js';
import { checkPublicAccess } from './public-access.js';
import { checkResources } from './resources.js';
import { checkDocument } from './statements.js';
import { checkVariables } from './variables.js';

export type { Finding } from './finding.js';
export { CHECKS, CHECK_IDS, type CheckId, type Severity } from './checks.js';

export interface LintOptions {
  /** `aws` or `ram`; without it, `"Version": "1"` selects RAM. */
  dialect?: Dialect;
  /** How the document is used; without it, checks that depend on the type guess from its shape. */
  type?: PolicyType;
}

const SEVERITY_ORDER = { error: 0, warning: 1, suggestion: 2 } as const;

export function lintPolicy(text: string, options: LintOptions = {}): Finding[] {
  const parsed = parseJsonSource(text);
  if (!parsed.ok) {
    const { message, line, column } = parsed.error;
    return [{ severity: 'error', check: 'json-syntax', message, path: '', line, column }];
  }
  const json = parsed.json;
  const root = json.value;
  const dialect: Dialect =
    options.dialect ?? (isObject(root) && get(root, 'Version') === '1' ? 'ram' : 'aws');
  const findings: Finding[] = [];
  if (isObject(root)) {
    const ctx: LintContext = {
      json,
      root,
      dialect,
      type: options.type,
      statements: readStatements(root),
      report(check, path, message, anchor) {
        findings.push(makeFinding(json, check, path, message, anchor));
      },
    };
    checkDocument(ctx);
    checkEffect(ctx);
    checkActions(ctx);
    checkResources(ctx);
    checkPrincipals(ctx);
    checkConditions(ctx);
    checkVariables(ctx);
    checkPublicAccess(ctx);
    checkIam(ctx);
  }
  const result = parsePolicy(text, options.type ? { dialect, type: options.type } : { dialect });
  if (!result.ok) {
    // A check that already explains the same value as an error says more than the parser.
    const explained = new Set(findings.filter((f) => f.severity === 'error').map((f) => f.path));
    for (const problem of result.problems) {
      if (explained.has(problem.path)) continue;
      const finding = makeFinding(json, classifyProblem(problem), problem.path, stripPath(problem));
      if (problem.line !== undefined && problem.column !== undefined) {
        finding.line = problem.line;
        finding.column = problem.column;
      }
      findings.push(finding);
    }
  }
  return findings.sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.check.localeCompare(b.check),
  );
}
