// What the linter reports: one finding per problem, placed on the offending value.
import type { CheckId, Severity } from './checks.js';

export interface Finding {
  severity: Severity;
  check: CheckId;
  message: string;
  /** JSON path of the offending value, e.g. `Statement[0].Effect` (`""` is the whole document). */
  path: string;
  /** 1-based line and column of the offending value (or key) in the text. */
  line: number;
  column: number;
}
