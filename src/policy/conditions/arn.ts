// Arn* operators: segment-aware, case-sensitive wildcard matching (ArnEquals honours wildcards
// too, as AWS does), so `arn:aws:s3:::b*` never reaches into another service's ARNs.
import { compileResourcePattern } from '../wildcard.js';
import { patternSpec, type OperatorSpec } from './operator.js';

const arn = (negated: boolean): OperatorSpec =>
  patternSpec(negated, 'like', (v, opts) => compileResourcePattern(v, { variables: opts.variables }));

export const ARN_OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  ArnEquals: arn(false),
  ArnLike: arn(false),
  ArnNotEquals: arn(true),
  ArnNotLike: arn(true),
};
