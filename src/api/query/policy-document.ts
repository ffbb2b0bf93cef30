// A policy document parameter of an IAM write (CreatePolicy, PutUserPolicy, UpdateAssumeRolePolicy
// ...), linted on the way in: MalformedPolicyDocument with the linter's findings (path, line,
// column) when the parser rejects it, else the linter's warnings on the response headers
// (src/server/admin/policy-findings.ts; the front drops them again if the call then fails).
import { lintPolicy } from '../../policy/lint/lint.js';
import { parsePolicy } from '../../policy/parse.js';
import { rejectionMessage, setFindingHeaders, warningsOf } from '../../server/admin/policy-findings.js';
import type { QueryCall } from './call.js';
import { QueryError } from './errors.js';

/** IAM's limit on a policy document parameter (the IAM model's 1–131072 characters). */
const MAX_DOCUMENT = 131072;

export function policyDocumentParam(call: QueryCall, name: string, type: 'identity' | 'trust'): string {
  const text = call.params.requiredString(name, 1, MAX_DOCUMENT);
  lintDocument(call, text, type);
  return text;
}

/** Lints a document for `call`: throws MalformedPolicyDocument, or notes the warnings. */
export function lintDocument(call: QueryCall, text: string, type: 'identity' | 'trust' | 'boundary'): void {
  const findings = lintPolicy(text, { dialect: 'aws', type });
  // Only for documents written now: a stored one (a boundary being attached) is never refused.
  if (type !== 'boundary') {
    const parsed = parsePolicy(text, { type });
    if (!parsed.ok)
      throw new QueryError('MalformedPolicyDocument', rejectionMessage(findings, parsed.problems));
  }
  setFindingHeaders(call.ctx.res, warningsOf(findings));
}
