// Wildcard matching (`*` any run, `?` one character) for actions, resources and StringLike,
// compiled once per pattern. Policy variables (`${aws:username}`) are resolved per request.
//
// Matching is iterative: greedy, backtracking only to the most recent `*` (which is enough for
// glob patterns), with indexOf to jump to the next literal. Worst case O(pattern × value), never
// exponential, and no RegExp is ever built from policy text.
import type { RequestContext } from './request.js';
import { parseTemplate, resolveVariable, type PolicyVariable, type TemplatePart } from './variables.js';

export interface CompiledPattern {
  /** The pattern as written. */
  readonly source: string;
  /** True when the pattern contains policy variables (so a context is needed to match). */
  readonly hasVariables: boolean;
  /** Does `value` match? A pattern whose variable is missing from `ctx` never matches. */
  test(value: string, ctx?: RequestContext): boolean;
}

/** Action patterns: `s3:Get*`; service prefix and name compare case-insensitively. No variables. */
export function compileActionPattern(pattern: string): CompiledPattern {
  return new WildcardPattern(pattern, [{ kind: 'text', text: pattern }], true, 0);
}

/**
 * Resource patterns: case-sensitive; `*`/`?` never cross a `:` between the ARN's leading
 * segments (partition, service, region, account) but may inside the resource part.
 * Works for `arn:` (AWS, 6 segments) and `acs:` (Alibaba, 5 segments) ARNs and for `*`.
 */
export function compileResourcePattern(pattern: string, opts: { variables: boolean }): CompiledPattern {
  const parts = opts.variables ? parseTemplate(pattern) : [{ kind: 'text' as const, text: pattern }];
  return new WildcardPattern(pattern, parts, false, pattern.startsWith('acs:') ? 5 : 6);
}

/** Plain string patterns for StringLike/ArnLike-style operators. */
export function compileStringPattern(
  pattern: string,
  opts: { ignoreCase: boolean; variables: boolean },
): CompiledPattern {
  const parts = opts.variables ? parseTemplate(pattern) : [{ kind: 'text' as const, text: pattern }];
  return new WildcardPattern(pattern, parts, opts.ignoreCase, 0);
}

/** The variables a compiled pattern refers to (empty for patterns compiled elsewhere). */
export function patternVariables(pattern: CompiledPattern): readonly PolicyVariable[] {
  return pattern instanceof WildcardPattern ? pattern.variables : [];
}

/** The first variable of `pattern` that cannot be resolved in `ctx`, for explanations. */
export function unresolvedPatternVariable(
  pattern: CompiledPattern,
  ctx: RequestContext | undefined,
): PolicyVariable | undefined {
  for (const v of patternVariables(pattern)) if (resolveVariable(v, ctx) === undefined) return v;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Tokens: a literal string, STAR, ANY, or (>= 0) the index of a variable resolved per request.
type Token = string | number;
const STAR = -1;
const ANY = -2;

// The shapes a glob can take; the common ones get a single native string call.
/** Only `*`: anything matches. */
const ALL = 0;
/** One literal (possibly empty): equality. */
const EXACT = 1;
/** `lit*` */
const PREFIX = 2;
/** `*lit` */
const SUFFIX = 3;
/** `*lit*` */
const CONTAINS = 4;
/** Anything else, including variables. */
const GENERAL = 5;

const NO_TOKENS: readonly Token[] = Object.freeze([]);

/** One wildcard expression over a range of the value (a whole string or one ARN segment). */
class Glob {
  readonly shape: number = GENERAL;
  readonly lit: string = '';
  /** Kept only for GENERAL globs (the other shapes never read them): compiled policies stay small. */
  readonly tokens: readonly Token[] = NO_TOKENS;

  constructor(tokens: readonly Token[]) {
    const [a, b, c] = tokens;
    switch (tokens.length) {
      case 0:
        this.shape = EXACT;
        break;
      case 1:
        if (a === STAR) this.shape = ALL;
        else if (typeof a === 'string') [this.shape, this.lit] = [EXACT, a];
        break;
      case 2:
        if (typeof a === 'string' && b === STAR) [this.shape, this.lit] = [PREFIX, a];
        else if (a === STAR && typeof b === 'string') [this.shape, this.lit] = [SUFFIX, b];
        break;
      case 3:
        if (a === STAR && typeof b === 'string' && c === STAR) [this.shape, this.lit] = [CONTAINS, b];
        break;
    }
    // slice() trims the spare capacity `push` left behind.
    if (this.shape === GENERAL) this.tokens = tokens.slice();
  }

  /** Does `v[start, end)` match? `resolved` holds the request's variable values, by index. */
  match(v: string, start: number, end: number, resolved: readonly string[] | undefined): boolean {
    const lit = this.lit;
    switch (this.shape) {
      case ALL:
        return true;
      case EXACT:
        // Whole-string equality: V8 checks identity and length before comparing characters.
        if (start === 0 && end === v.length) return v === lit;
        return end - start === lit.length && v.startsWith(lit, start);
      case PREFIX:
        return end - start >= lit.length && v.startsWith(lit, start);
      case SUFFIX:
        return end - start >= lit.length && v.startsWith(lit, end - lit.length);
      case CONTAINS: {
        const i = v.indexOf(lit, start);
        return i >= 0 && i + lit.length <= end;
      }
      default:
        return matchTokens(this.tokens, resolved, v, start, end);
    }
  }
}

function matchTokens(
  toks: readonly Token[],
  resolved: readonly string[] | undefined,
  v: string,
  start: number,
  end: number,
): boolean {
  const count = toks.length;
  let ti = 0;
  let si = start;
  let starTi = -1;
  let starSi = start;
  for (;;) {
    if (ti < count) {
      const t = toks[ti]!;
      if (t === STAR) {
        if (ti + 1 === count) return true; // a trailing star takes the rest
        starTi = ti++;
        starSi = si;
        continue;
      }
      if (t === ANY) {
        if (si < end) {
          si += charWidth(v, si, end);
          ti++;
          continue;
        }
      } else {
        const lit = typeof t === 'string' ? t : resolved![t]!;
        if (si + lit.length <= end && v.startsWith(lit, si)) {
          si += lit.length;
          ti++;
          continue;
        }
      }
    } else if (si === end) {
      return true;
    }
    // Mismatch: let the last star swallow more. Earlier stars never need to (glob property).
    if (starTi < 0) return false;
    const next = toks[starTi + 1]!;
    if (next !== ANY) {
      const lit = typeof next === 'string' ? next : resolved![next]!;
      if (lit.length > 0) {
        const j = v.indexOf(lit, starSi + 1);
        if (j < 0 || j + lit.length > end) return false;
        starSi = j;
      } else {
        starSi++;
      }
    } else {
      starSi++;
    }
    if (starSi > end) return false;
    si = starSi;
    ti = starTi + 1;
  }
}

/** `?` is one character: a surrogate pair counts as one. */
function charWidth(v: string, i: number, end: number): number {
  const c = v.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
    const d = v.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/**
 * A compiled pattern. `segments` > 0 makes it ARN-aware: the pattern and the value are split at
 * their first `segments - 1` colons and compared segment by segment; the last segment (the
 * resource part) keeps any further colons.
 */
class WildcardPattern implements CompiledPattern {
  readonly hasVariables: boolean;
  readonly variables: PolicyVariable[] = [];
  /** One glob per segment (a single glob when not segment-aware or merged). */
  private readonly globs: Glob[];
  /** Segment-aware matching needed (false when a single glob over the whole value is exact). */
  private readonly segmented: boolean;
  /** The pattern has fewer segments than a full ARN, so the value must too. */
  private readonly short: boolean;

  constructor(
    readonly source: string,
    parts: readonly TemplatePart[],
    private readonly ignoreCase: boolean,
    maxSegments: number,
  ) {
    const segs = maxSegments > 0 ? splitSegments(parts, maxSegments) : [parts];
    const tokenLists = segs.map((s) => this.tokenize(s));
    this.hasVariables = this.variables.length > 0;
    if (tokenLists.length === 1 && tokenLists[0]!.length === 1 && tokenLists[0]![0] === STAR) {
      // A lone `*` (or `**`) matches any resource, ARN or not.
      this.globs = [new Glob([STAR])];
      this.segmented = false;
      this.short = false;
      return;
    }
    this.short = maxSegments > 0 && segs.length < maxSegments;
    const leadingLiteral = tokenLists.slice(0, -1).every((t) => t.every((x) => typeof x === 'string'));
    if (maxSegments === 0 || (!this.short && leadingLiteral)) {
      // No wildcard can reach a colon before the resource part: one glob over the whole value,
      // so `arn:aws:s3:::bucket/*` becomes a startsWith.
      const merged: Token[] = [];
      tokenLists.forEach((t, i) => {
        if (i > 0) pushLiteral(merged, ':');
        for (const x of t) {
          if (typeof x === 'string') pushLiteral(merged, x);
          else merged.push(x);
        }
      });
      this.globs = [new Glob(merged)];
      this.segmented = false;
    } else {
      this.globs = tokenLists.map((t) => new Glob(t));
      this.segmented = true;
    }
  }

  test(value: string, ctx?: RequestContext): boolean {
    let resolved: string[] | undefined;
    if (this.hasVariables) {
      resolved = [];
      for (const variable of this.variables) {
        const r = resolveVariable(variable, ctx);
        if (r === undefined) return false;
        resolved.push(this.ignoreCase ? r.toLowerCase() : r);
      }
    }
    const v = this.ignoreCase ? value.toLowerCase() : value;
    if (!this.segmented) return this.globs[0]!.match(v, 0, v.length, resolved);
    const globs = this.globs;
    const last = globs.length - 1;
    let pos = 0;
    for (let k = 0; k < last; k++) {
      const colon = v.indexOf(':', pos);
      if (colon < 0) return false;
      if (!globs[k]!.match(v, pos, colon, resolved)) return false;
      pos = colon + 1;
    }
    // A short pattern's last segment is not the resource part: the value may not go on.
    if (this.short && v.indexOf(':', pos) >= 0) return false;
    return globs[last]!.match(v, pos, v.length, resolved);
  }

  private tokenize(parts: readonly TemplatePart[]): Token[] {
    const out: Token[] = [];
    for (const p of parts) {
      if (p.kind === 'variable') {
        out.push(this.variables.length);
        this.variables.push(p.variable);
      } else if (p.kind === 'literal') {
        pushLiteral(out, this.ignoreCase ? p.text.toLowerCase() : p.text);
      } else {
        const text = this.ignoreCase ? p.text.toLowerCase() : p.text;
        let run = 0;
        for (let i = 0; i < text.length; i++) {
          const c = text[i];
          if (c !== '*' && c !== '?') continue;
          if (i > run) pushLiteral(out, text.slice(run, i));
          // Consecutive stars are one star: keeps `*****…` linear.
          if (c === '?') out.push(ANY);
          else if (out[out.length - 1] !== STAR) out.push(STAR);
          run = i + 1;
        }
        if (run < text.length) pushLiteral(out, text.slice(run));
      }
    }
    return out;
  }
}

/** Appends a literal, merging with a literal just before it. */
function pushLiteral(out: Token[], text: string): void {
  const prev = out[out.length - 1];
  if (typeof prev === 'string') out[out.length - 1] = prev + text;
  else out.push(text);
}

/** Splits template parts at the first `max - 1` colons of their text (never inside variables). */
function splitSegments(parts: readonly TemplatePart[], max: number): TemplatePart[][] {
  const segs: TemplatePart[][] = [[]];
  for (const p of parts) {
    if (p.kind !== 'text') {
      segs[segs.length - 1]!.push(p);
      continue;
    }
    let text = p.text;
    let colon = text.indexOf(':');
    while (colon >= 0 && segs.length < max) {
      if (colon > 0) segs[segs.length - 1]!.push({ kind: 'text', text: text.slice(0, colon) });
      segs.push([]);
      text = text.slice(colon + 1);
      colon = text.indexOf(':');
    }
    if (text.length > 0) segs[segs.length - 1]!.push({ kind: 'text', text });
  }
  return segs;
}
