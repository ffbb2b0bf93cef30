// How one comparison becomes a condition: plain operators need exactly one request value,
// ForAnyValue: needs some value to satisfy it, ForAllValues: every value (vacuously true for
// none). Negated operators (StringNotEquals…) satisfy a value that matches no policy value.
import type { SetQualifier } from '../model.js';
import type { RequestContext } from '../request.js';
import type { CompiledValues } from './operator.js';

export type ConditionTest = (ctx: RequestContext) => boolean;

export interface QualifiedShape {
  /** Lower-cased condition key. */
  readonly lookup: string;
  readonly qualifier: SetQualifier | undefined;
  readonly ifExists: boolean;
  readonly negated: boolean;
}

/** Builds the per-request test, specialised per shape so the hot path has few branches. */
export function qualify(shape: QualifiedShape, values: CompiledValues): ConditionTest {
  const { lookup, qualifier, ifExists, negated } = shape;
  if (qualifier === undefined) {
    // A missing key: IfExists holds, a negated operator holds, a positive one does not.
    const whenMissing = ifExists || negated;
    return (ctx) => {
      const cv = ctx.get(lookup);
      let v: string;
      if (cv === undefined) return whenMissing;
      if (typeof cv === 'string') v = cv;
      else if (cv.length === 1) v = cv[0]!;
      else if (cv.length === 0) return whenMissing;
      else return false; // several values need ForAnyValue:/ForAllValues:
      return values.find(v, ctx) >= 0 !== negated;
    };
  }
  if (qualifier === 'ForAnyValue') {
    return (ctx) => {
      const cv = ctx.get(lookup);
      if (cv === undefined) return ifExists;
      if (typeof cv === 'string') return values.find(cv, ctx) >= 0 !== negated;
      if (cv.length === 0) return ifExists;
      for (const v of cv) if (values.find(v, ctx) >= 0 !== negated) return true;
      return false;
    };
  }
  return (ctx) => {
    const cv = ctx.get(lookup);
    if (cv === undefined) return true;
    if (typeof cv === 'string') return values.find(cv, ctx) >= 0 !== negated;
    for (const v of cv) if (values.find(v, ctx) >= 0 === negated) return false;
    return true;
  };
}
