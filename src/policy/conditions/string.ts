// String* operators: exact (optionally case-insensitive) and wildcard comparisons.
import {
  describeUnresolved,
  hasVariables,
  parseTemplate,
  resolveTemplate,
  unresolvedVariable,
  type TemplatePart,
} from '../variables.js';
import { compileStringPattern } from '../wildcard.js';
import { patternSpec, type OperatorSpec } from './operator.js';

/** Above this many fixed values a Map beats a linear scan. */
const MAP_THRESHOLD = 8;

function equalsSpec(negated: boolean, ignoreCase: boolean): OperatorSpec {
  const fold = (s: string): string => (ignoreCase ? s.toLowerCase() : s);
  return {
    negated,
    relation: ignoreCase ? 'equal (ignoring case) to' : 'equal to',
    quoted: true,
    compile(values, opts) {
      // Values without variables are compared directly; templates are resolved per request.
      const fixed: string[] = [];
      const fixedIndex: number[] = [];
      const templates: TemplatePart[][] = [];
      const templateIndex: number[] = [];
      values.forEach((raw, i) => {
        const parts = opts.variables ? parseTemplate(raw) : undefined;
        if (parts !== undefined && hasVariables(parts)) {
          templates.push(parts);
          templateIndex.push(i);
        } else {
          // Escapes (`${*}`) still turn into their character when variables are on.
          fixed.push(fold(parts === undefined ? raw : (resolveTemplate(parts, undefined) ?? raw)));
          fixedIndex.push(i);
        }
      });
      let lookup: Map<string, number> | undefined;
      if (fixed.length > MAP_THRESHOLD) {
        lookup = new Map();
        for (let k = fixed.length - 1; k >= 0; k--) lookup.set(fixed[k]!, fixedIndex[k]!);
      }
      const fixedCount = fixed.length;
      const templateCount = templates.length;
      return {
        find(value, ctx) {
          const v = fold(value);
          if (lookup !== undefined) {
            const i = lookup.get(v);
            if (i !== undefined) return i;
          } else {
            for (let k = 0; k < fixedCount; k++) if (fixed[k] === v) return fixedIndex[k]!;
          }
          for (let k = 0; k < templateCount; k++) {
            const r = resolveTemplate(templates[k]!, ctx);
            if (r !== undefined && fold(r) === v) return templateIndex[k]!;
          }
          return -1;
        },
        unusable(i, ctx) {
          const k = templateIndex.indexOf(i);
          const missing = k < 0 ? undefined : unresolvedVariable(templates[k]!, ctx);
          return missing === undefined ? undefined : describeUnresolved(missing, ctx);
        },
      };
    },
  };
}

const like = (negated: boolean): OperatorSpec =>
  patternSpec(negated, 'like', (v, opts) =>
    compileStringPattern(v, { ignoreCase: false, variables: opts.variables }),
  );

export const STRING_OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  StringEquals: equalsSpec(false, false),
  StringNotEquals: equalsSpec(true, false),
  StringEqualsIgnoreCase: equalsSpec(false, true),
  StringNotEqualsIgnoreCase: equalsSpec(true, true),
  StringLike: like(false),
  StringNotLike: like(true),
};
