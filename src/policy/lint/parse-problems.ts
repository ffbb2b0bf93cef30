// The parser's problems as `error` findings. The parser knows nothing about check ids, so each
// problem is classified by its path and message wording (parse.ts stays untouched).
import type { PolicyProblem } from '../model.js';
import type { CheckId } from './checks.js';

const RULES: readonly (readonly [RegExp, CheckId])[] = [
  [/duplicate key /, 'json-duplicate-key'],
  [/duplicate Sid /, 'sid-duplicate'],
  [/may contain only letters and digits/, 'sid-invalid'],
  [/unknown (policy|statement) element /, 'element-unknown'],
  [/cannot have both /, 'element-conflict'],
  [/resource control policy/, 'rcp-shape'],
  [/ is not Allow or Deny$/, 'effect-invalid'],
  [/contains whitespace; an action/, 'action-whitespace'],
  [/has no service prefix/, 'action-no-prefix'],
  [/is not a valid action;/, 'action-invalid'],
  [/is not allowed in a role trust policy/, 'trust-action-invalid'],
  [/must be in ARN format/, 'resource-not-arn'],
  [/must not specify a principal/, 'principal-not-allowed'],
  [
    /not a valid (AWS |RAM |[A-Za-z]+ )?principal|unknown principal type|must name at least one principal|a principal must not be empty/,
    'principal-invalid',
  ],
  [/unknown condition operator/, 'condition-operator-unknown'],
  [/unknown set qualifier/, 'condition-qualifier-unknown'],
  [/Null cannot be combined with IfExists/, 'condition-null-ifexists'],
  [/not a valid (RAM )?policy version|RAM policy must have "Version"/, 'version-invalid'],
  [/^missing /, 'element-missing'],
  [
    / is not a string$|must be a string or a list|must be a statement object|a statement must be an object|must be an object|must be a JSON object|not a valid condition value|an empty list is not allowed|condition key must not be empty/,
    'element-type',
  ],
  [/the limit for |the largest policy allowed/, 'policy-too-large'],
];

export function classifyProblem(problem: PolicyProblem): CheckId {
  const text = stripPath(problem);
  for (const [pattern, check] of RULES) if (pattern.test(text)) return check;
  return 'policy-invalid';
}

/** The parser prefixes messages with `Path: `; findings carry the path separately. */
export function stripPath(problem: PolicyProblem): string {
  const prefix = `${problem.path === '' ? 'Policy document' : problem.path}: `;
  return problem.message.startsWith(prefix) ? problem.message.slice(prefix.length) : problem.message;
}
