// A small JSON parser that remembers where every value and key came from, so policy problems can
// point at a line and column. Hand-written (no dependency) and defensive: bounded nesting depth,
// no recursion beyond that bound, rejects lone surrogates, and reports errors instead of throwing.
import type { SourcePosition } from './model.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Where a value or key sits in the text: `start` is its first character, `end` the position just after it. */
export interface SourceSpan {
  start: SourcePosition;
  end: SourcePosition;
}

/** A key that appeared twice in one object (the later value wins, as with `JSON.parse`). */
export interface DuplicateKey {
  /** Path of the object holding the key. */
  path: string;
  key: string;
  /** Position of the second occurrence of the key (absent when positions are off). */
  span?: SourceSpan;
}

export interface JsonSyntaxError {
  message: string;
  line: number;
  column: number;
}

export interface ParsedJson {
  value: JsonValue;
  /** JSON path → span of the value at that path (`""` is the whole document). Empty when positions are off. */
  values: Map<string, SourceSpan>;
  /** JSON path → span of the key that introduced the value (object members only). */
  keys: Map<string, SourceSpan>;
  duplicates: DuplicateKey[];
  /** Number of insignificant whitespace characters (outside strings), for size limits. */
  whitespace: number;
  /** Whether a UTF-8 byte order mark was skipped at the start. */
  bom: boolean;
}

export type JsonParseResult = { ok: true; json: ParsedJson } | { ok: false; error: JsonSyntaxError };

export interface JsonParseOptions {
  /** Deepest allowed nesting of arrays/objects (default 64). */
  maxDepth?: number;
  /** Record spans of values and keys (default true). Turn off for input that has no useful text. */
  positions?: boolean;
}

export const DEFAULT_MAX_DEPTH = 64;

// Characters that would make a dotted path ambiguous or unreadable.
const NEEDS_QUOTING = /[.[\]"\\\s]/;

/**
 * The path of a child: `Statement[1]`, `Statement[1].Effect`, `Condition.StringEquals.aws:username`.
 * Keys that would make the path ambiguous (dots, brackets, quotes, empty) are written `["a.b"]`.
 */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (key === '' || NEEDS_QUOTING.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Thrown internally to unwind on the first syntax error; never escapes this module. */
class SyntaxFailure {
  constructor(readonly error: JsonSyntaxError) {}
}

/** Describes a character for an error message: printable ones quoted, others as U+XXXX. */
function describeChar(text: string, i: number): string {
  const code = text.codePointAt(i) ?? 0;
  if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff) || code === 0xfeff) {
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${String.fromCodePoint(code)}'`;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Parses JSON text. Never throws; the first syntax error ends parsing with its line and column. */
export function parseJsonSource(input: string, options: JsonParseOptions = {}): JsonParseResult {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const positions = options.positions ?? true;
  const bom = input.charCodeAt(0) === 0xfeff;
  // Columns are counted from the first character after the BOM, the way editors show them.
  const text = bom ? input.slice(1) : input;
  const n = text.length;
  const values = new Map<string, SourceSpan>();
  const keys = new Map<string, SourceSpan>();
  const duplicates: DuplicateKey[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let whitespace = 0;

  const here = (): SourcePosition => ({ line, column: i - lineStart + 1 });
  // Strings cannot contain raw line breaks, so `line` is valid for any offset since the last break.
  const at = (offset: number): SourcePosition => ({ line, column: offset - lineStart + 1 });
  const fail = (message: string, pos: SourcePosition = here(), hint?: string): never => {
    throw new SyntaxFailure({
      message: `${message} at line ${pos.line}, column ${pos.column}${hint ? `: expected ${hint}` : ''}`,
      line: pos.line,
      column: pos.column,
    });
  };
  const unexpected = (expected?: string): never => {
    if (i >= n) return fail('Unexpected end of input', here(), expected);
    return fail(`Unexpected character ${describeChar(text, i)}`, here(), expected);
  };

  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09) {
        i++;
      } else if (c === 0x0a) {
        i++;
        line++;
        lineStart = i;
      } else if (c === 0x0d) {
        i++;
        if (text.charCodeAt(i) === 0x0a) {
          i++;
          whitespace++;
        }
        line++;
        lineStart = i;
      } else {
        return;
      }
      whitespace++;
    }
  };

  const parseString = (): string => {
    const open = i;
    i++; // opening quote
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= n) return fail('Unterminated string starting', at(open));
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(chunk, i);
        const esc = text.charCodeAt(i + 1);
        switch (esc) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            const unit = readHex4(i + 2);
            if (unit < 0) return fail('Invalid \\u escape (expected 4 hex digits)', at(i));
            if (unit >= 0xdc00 && unit <= 0xdfff) return fail('Unpaired surrogate \\u' + hex4(unit), at(i));
            if (unit >= 0xd800 && unit <= 0xdbff) {
              // A high surrogate must be followed by an escaped low surrogate.
              const low =
                text.charCodeAt(i + 6) === 0x5c && text.charCodeAt(i + 7) === 0x75 ? readHex4(i + 8) : -1;
              if (low < 0xdc00 || low > 0xdfff) return fail('Unpaired surrogate \\u' + hex4(unit), at(i));
              out += String.fromCharCode(unit, low);
              i += 6;
            } else {
              out += String.fromCharCode(unit);
            }
            i += 4;
            break;
          }
          default:
            if (i + 1 >= n) return fail('Unterminated string starting', at(open));
            return fail(`Invalid escape '\\${text[i + 1] ?? ''}' in string`, at(i));
        }
        i += 2;
        chunk = i;
        continue;
      }
      if (c < 0x20) return fail(`Control character ${describeChar(text, i)} in string (escape it)`, at(i));
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = text.charCodeAt(i + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          i += 2;
          continue;
        }
        return fail(`Unpaired surrogate ${describeChar(text, i)} in string`, at(i));
      }
      i++;
    }
  };

  const readHex4 = (from: number): number => {
    if (from + 4 > n) return -1;
    for (let k = from; k < from + 4; k++) if (!isHex(text.charCodeAt(k))) return -1;
    return parseInt(text.slice(from, from + 4), 16);
  };
  const hex4 = (unit: number): string => unit.toString(16).toUpperCase().padStart(4, '0');

  const digits = (): number => {
    const from = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      i++;
    }
    return i - from;
  };

  const parseNumber = (): number => {
    const from = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    const c = text.charCodeAt(i);
    if (c === 0x30) {
      i++;
    } else if (c >= 0x31 && c <= 0x39) {
      digits();
    } else {
      return unexpected('a digit');
    }
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (digits() === 0) return unexpected('a digit after the decimal point');
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (digits() === 0) return unexpected('a digit in the exponent');
    }
    return Number(text.slice(from, i));
  };

  const literal = (word: string, value: JsonValue): JsonValue => {
    for (let k = 0; k < word.length; k++) {
      if (text.charCodeAt(i) !== word.charCodeAt(k)) return unexpected(k === 0 ? 'a value' : `"${word}"`);
      i++;
    }
    return value;
  };

  const parseValue = (path: string, depth: number): JsonValue => {
    skipWs();
    const start = positions ? here() : undefined;
    let value: JsonValue;
    const c = text.charCodeAt(i);
    if (c === 0x7b) value = parseObject(path, depth + 1);
    else if (c === 0x5b) value = parseArray(path, depth + 1);
    else if (c === 0x22) value = parseString();
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) value = parseNumber();
    else if (c === 0x74) value = literal('true', true);
    else if (c === 0x66) value = literal('false', false);
    else if (c === 0x6e) value = literal('null', null);
    else value = unexpected('a value');
    if (start) values.set(path, { start, end: here() });
    return value;
  };

  const checkDepth = (depth: number): void => {
    if (depth > maxDepth) fail(`Nesting deeper than ${maxDepth} levels`);
  };

  const parseArray = (path: string, depth: number): JsonValue[] => {
    checkDepth(depth);
    i++; // [
    const out: JsonValue[] = [];
    skipWs();
    if (text.charCodeAt(i) === 0x5d) {
      i++;
      return out;
    }
    for (;;) {
      out.push(parseValue(childPath(path, out.length), depth));
      skipWs();
      const c = text.charCodeAt(i);
      if (c === 0x2c) {
        i++;
        skipWs();
        if (text.charCodeAt(i) === 0x5d) return unexpected("a value after ','");
        continue;
      }
      if (c === 0x5d) {
        i++;
        return out;
      }
      return unexpected("',' or ']'");
    }
  };

  const parseObject = (path: string, depth: number): JsonObject => {
    checkDepth(depth);
    i++; // {
    const out: JsonObject = {};
    skipWs();
    if (text.charCodeAt(i) === 0x7d) {
      i++;
      return out;
    }
    for (;;) {
      if (text.charCodeAt(i) !== 0x22) return unexpected('a property name in double quotes');
      const keyStart = positions ? here() : undefined;
      const key = parseString();
      const keySpan = keyStart ? { start: keyStart, end: here() } : undefined;
      const memberPath = childPath(path, key);
      if (Object.hasOwn(out, key)) duplicates.push(keySpan ? { path, key, span: keySpan } : { path, key });
      if (keySpan) keys.set(memberPath, keySpan);
      skipWs();
      if (text.charCodeAt(i) !== 0x3a) return unexpected("':' after the property name");
      i++;
      const value = parseValue(memberPath, depth);
      // `__proto__` as a key must become an own property, not replace the prototype.
      if (key === '__proto__') {
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        out[key] = value;
      }
      skipWs();
      const c = text.charCodeAt(i);
      if (c === 0x2c) {
        i++;
        skipWs();
        continue;
      }
      if (c === 0x7d) {
        i++;
        return out;
      }
      return unexpected("',' or '}'");
    }
  };

  try {
    skipWs();
    if (i >= n) return { ok: false, error: { message: 'Document is empty', line: 1, column: 1 } };
    const value = parseValue('', 0);
    skipWs();
    if (i < n) unexpected('end of input after the JSON value');
    return { ok: true, json: { value, values, keys, duplicates, whitespace, bom } };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: e.error };
    // Not expected (e.g. out of memory on absurd input): report rather than throw.
    return {
      ok: false,
      error: { message: `Could not parse JSON: ${String(e)}`, line, column: i - lineStart + 1 },
    };
  }
}
