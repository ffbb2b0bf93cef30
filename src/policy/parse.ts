// Parsing and validation of policy documents in both dialects (AWS and Alibaba RAM).
import type { Dialect, PolicyDocument, PolicyProblem, PolicyType } from './model.js';

export interface ParseOptions {
  /** `aws` (default) or `ram`; with `auto`, `Version: "1"` selects RAM. */
  dialect?: Dialect | 'auto';
  /** The policy type decides size limits and which elements are allowed (Principal etc.). */
  type?: PolicyType;
}

export type ParseResult = { ok: true; policy: PolicyDocument } | { ok: false; problems: PolicyProblem[] };

/** Parses a policy from JSON text (positions in problems) or an already-parsed value. Never throws. */
export function parsePolicy(_input: string | unknown, _options: ParseOptions = {}): ParseResult {
  throw new Error('not implemented');
}
