// Policy variables (`${aws:username}`, `${s3:prefix, 'none'}`, escapes `${*}` `${?}` `${$}`).
// A template is parsed once into parts; each request only looks the variables up.
import type { RequestContext } from './request.js';

export interface PolicyVariable {
  /** The whole reference as written, e.g. `${aws:PrincipalTag/team, 'none'}`. */
  readonly text: string;
  /** The key as written, e.g. `aws:PrincipalTag/team`. */
  readonly key: string;
  /** The lower-cased key used for the context lookup. */
  readonly lookup: string;
  /** Used when the key is missing from the request. */
  readonly defaultValue?: string;
}

/**
 * One piece of a template: `text` may hold wildcards (the caller decides), `literal` is text
 * that must match as is (escapes), `variable` is resolved per request and matches literally.
 */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly variable: PolicyVariable };

const ESCAPES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

/**
 * Splits `source` into parts. A `${` that does not form a valid reference stays plain text,
 * the way an unrecognised sequence in a policy is just characters.
 */
export function parseTemplate(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let textStart = 0;
  let i = source.indexOf('${');
  while (i >= 0) {
    const ref = parseReference(source, i);
    if (ref === undefined) {
      i = source.indexOf('${', i + 1);
      continue;
    }
    if (i > textStart) parts.push({ kind: 'text', text: source.slice(textStart, i) });
    parts.push(ref.part);
    textStart = ref.end;
    i = source.indexOf('${', ref.end);
  }
  if (textStart < source.length) parts.push({ kind: 'text', text: source.slice(textStart) });
  return parts;
}

/** True when the template has at least one variable (escapes alone need no context). */
export function hasVariables(parts: readonly TemplatePart[]): boolean {
  return parts.some((p) => p.kind === 'variable');
}

/**
 * The value a variable stands for in this request, or undefined when it cannot be used: the
 * key is missing without a default, or it has several values (a template needs exactly one).
 */
export function resolveVariable(
  variable: PolicyVariable,
  ctx: RequestContext | undefined,
): string | undefined {
  const value = ctx?.get(variable.lookup);
  if (value === undefined) return variable.defaultValue;
  if (typeof value === 'string') return value;
  if (value.length === 1) return value[0];
  // An empty list is as good as missing; several values cannot be substituted.
  return value.length === 0 ? variable.defaultValue : undefined;
}

/** The template with every variable substituted, or undefined when a variable cannot be resolved. */
export function resolveTemplate(
  parts: readonly TemplatePart[],
  ctx: RequestContext | undefined,
): string | undefined {
  let out = '';
  for (const p of parts) {
    if (p.kind === 'variable') {
      const v = resolveVariable(p.variable, ctx);
      if (v === undefined) return undefined;
      out += v;
    } else {
      out += p.text;
    }
  }
  return out;
}

/** The first variable of the template that cannot be resolved in `ctx` (for explanations). */
export function unresolvedVariable(
  parts: readonly TemplatePart[],
  ctx: RequestContext | undefined,
): PolicyVariable | undefined {
  for (const p of parts) {
    if (p.kind === 'variable' && resolveVariable(p.variable, ctx) === undefined) return p.variable;
  }
  return undefined;
}

/** Why a variable cannot be resolved, in words (off the hot path). */
export function describeUnresolved(variable: PolicyVariable, ctx: RequestContext | undefined): string {
  const value = ctx?.get(variable.lookup);
  if (value !== undefined && typeof value !== 'string' && value.length > 1) {
    return `${variable.text} has several values ${JSON.stringify(value)}, so the value never matches`;
  }
  return `${variable.text} is missing from the request, so the value never matches`;
}

/** Parses `${...}` starting at `start` (which points at `$`). */
function parseReference(source: string, start: number): { part: TemplatePart; end: number } | undefined {
  const close = source.indexOf('}', start + 2);
  if (close < 0) return undefined;
  const inner = source.slice(start + 2, close);
  const text = source.slice(start, close + 1);
  const escaped = ESCAPES[inner];
  if (escaped !== undefined) return { part: { kind: 'literal', text: escaped }, end: close + 1 };

  const comma = inner.indexOf(',');
  const key = (comma < 0 ? inner : inner.slice(0, comma)).trim();
  if (!isKey(key)) return undefined;
  if (comma < 0) {
    return { part: { kind: 'variable', variable: { text, key, lookup: key.toLowerCase() } }, end: close + 1 };
  }
  // `${key, 'default'}`: the default is single-quoted; it may contain `}`, so re-scan for the
  // closing quote from the comma instead of trusting the first `}`.
  let q = start + 2 + comma + 1;
  while (source[q] === ' ') q++;
  if (source[q] !== "'") return undefined;
  const endQuote = source.indexOf("'", q + 1);
  if (endQuote < 0) return undefined;
  let e = endQuote + 1;
  while (source[e] === ' ') e++;
  if (source[e] !== '}') return undefined;
  const defaultValue = source.slice(q + 1, endQuote);
  const fullText = source.slice(start, e + 1);
  return {
    part: { kind: 'variable', variable: { text: fullText, key, lookup: key.toLowerCase(), defaultValue } },
    end: e + 1,
  };
}

/** Condition keys: no spaces, quotes, braces or `$` (so `${ }` and `${a b}` stay text). */
function isKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    // space, ', $, {, }, and control characters
    if (c <= 0x20 || c === 0x27 || c === 0x24 || c === 0x7b || c === 0x7d) return false;
  }
  return true;
}
