// The linter's view of a policy: read from the raw JSON (not from the parser's model) so the
// checks also run on documents the parser rejects, with every value's path for positions.
import { childPath, type JsonObject, type JsonValue, type ParsedJson } from '../json-source.js';
import type { Dialect, PolicyType } from '../model.js';
import { CHECKS, type CheckId } from './checks.js';
import type { Finding } from './finding.js';

export interface Item {
  value: string;
  path: string;
}

export interface ConditionView {
  /** Operator as written and its path (the key of the operator block). */
  operator: string;
  opPath: string;
  /** Without qualifier and IfExists. */
  base: string;
  qualifier: string | undefined;
  ifExists: boolean;
  key: string;
  keyPath: string;
  /** Scalar values as strings (numbers and booleans in their JSON form). */
  values: Item[];
}

export interface StatementView {
  index: number;
  path: string;
  raw: JsonObject;
  sid: Item | undefined;
  effect: Item | undefined;
  /** Effect after forgiving case and spaces, so later checks still run on `"allow "`. */
  allow: boolean;
  deny: boolean;
  action: { which: 'Action' | 'NotAction'; items: Item[] } | undefined;
  resource: { which: 'Resource' | 'NotResource'; items: Item[] } | undefined;
  principal: { which: 'Principal' | 'NotPrincipal'; value: JsonValue; path: string } | undefined;
  /** The Condition element, when it is an object. */
  condition: JsonObject | undefined;
  conditions: ConditionView[];
}

export interface LintContext {
  json: ParsedJson;
  root: JsonObject;
  dialect: Dialect;
  type: PolicyType | undefined;
  statements: StatementView[];
  report(check: CheckId, path: string, message: string, anchor?: 'key' | 'value'): void;
}

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function get(obj: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Strings of a string-or-list element, with their paths; other values are skipped. */
export function stringItems(value: JsonValue | undefined, path: string): Item[] {
  if (typeof value === 'string') return [{ value, path }];
  if (!Array.isArray(value)) return [];
  const out: Item[] = [];
  value.forEach((v, i) => {
    if (typeof v === 'string') out.push({ value: v, path: childPath(path, i) });
  });
  return out;
}

function scalarItems(value: JsonValue | undefined, path: string): Item[] {
  const one = (v: JsonValue, p: string): Item | undefined =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? { value: String(v), path: p }
      : undefined;
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    const item = one(value, path);
    return item ? [item] : [];
  }
  const out: Item[] = [];
  value.forEach((v, i) => {
    const item = one(v, childPath(path, i));
    if (item) out.push(item);
  });
  return out;
}

/** `"allow "` → Allow: what the author evidently meant, or undefined. */
export function forgivingEffect(effect: string): 'Allow' | 'Deny' | undefined {
  const e = effect.replace(/\s+/g, '').toLowerCase();
  if (e === 'allow') return 'Allow';
  if (e === 'deny') return 'Deny';
  return undefined;
}

export function splitOperator(operator: string): {
  qualifier: string | undefined;
  base: string;
  ifExists: boolean;
} {
  const colon = operator.indexOf(':');
  const qualifier = colon >= 0 ? operator.slice(0, colon) : undefined;
  const rest = colon >= 0 ? operator.slice(colon + 1) : operator;
  const ifExists = rest.endsWith('IfExists') && rest.length > 'IfExists'.length;
  return { qualifier, base: ifExists ? rest.slice(0, -'IfExists'.length) : rest, ifExists };
}

function readConditions(condition: JsonObject, path: string): ConditionView[] {
  const out: ConditionView[] = [];
  for (const operator of Object.keys(condition)) {
    const opPath = childPath(path, operator);
    const block = get(condition, operator);
    if (!isObject(block)) continue;
    const { qualifier, base, ifExists } = splitOperator(operator);
    for (const key of Object.keys(block)) {
      const keyPath = childPath(opPath, key);
      out.push({
        operator,
        opPath,
        base,
        qualifier,
        ifExists,
        key,
        keyPath,
        values: scalarItems(get(block, key), keyPath),
      });
    }
  }
  return out;
}

function readStatement(raw: JsonObject, index: number, path: string): StatementView {
  const itemOf = (name: string): Item | undefined => {
    const v = get(raw, name);
    return typeof v === 'string' ? { value: v, path: childPath(path, name) } : undefined;
  };
  const effect = itemOf('Effect');
  const forgiven = effect ? forgivingEffect(effect.value) : undefined;
  const pick = <A extends string, B extends string>(a: A, b: B): A | B | undefined =>
    Object.hasOwn(raw, a) ? a : Object.hasOwn(raw, b) ? b : undefined;
  const actionWhich = pick('Action', 'NotAction');
  const resourceWhich = pick('Resource', 'NotResource');
  const principalWhich = pick('Principal', 'NotPrincipal');
  const condition = get(raw, 'Condition');
  const conditionPath = childPath(path, 'Condition');
  return {
    index,
    path,
    raw,
    sid: itemOf('Sid'),
    effect,
    allow: forgiven === 'Allow',
    deny: forgiven === 'Deny',
    action: actionWhich && {
      which: actionWhich,
      items: stringItems(get(raw, actionWhich), childPath(path, actionWhich)),
    },
    resource: resourceWhich && {
      which: resourceWhich,
      items: stringItems(get(raw, resourceWhich), childPath(path, resourceWhich)),
    },
    principal: principalWhich && {
      which: principalWhich,
      value: get(raw, principalWhich) ?? null,
      path: childPath(path, principalWhich),
    },
    condition: isObject(condition) ? condition : undefined,
    conditions: isObject(condition) ? readConditions(condition, conditionPath) : [],
  };
}

/** Statement views of the root object (a single statement object counts as a list of one). */
export function readStatements(root: JsonObject): StatementView[] {
  const raw = get(root, 'Statement');
  if (isObject(raw)) return [readStatement(raw, 0, 'Statement')];
  if (!Array.isArray(raw)) return [];
  const out: StatementView[] = [];
  raw.forEach((s, i) => {
    if (isObject(s)) out.push(readStatement(s, i, childPath('Statement', i)));
  });
  return out;
}

/** Line/column of a path: the value (or key) itself, else the nearest enclosing value. */
export function positionOf(
  json: ParsedJson,
  path: string,
  anchor: 'key' | 'value' = 'value',
): { line: number; column: number } {
  const direct = anchor === 'key' ? (json.keys.get(path) ?? json.values.get(path)) : json.values.get(path);
  if (direct) return direct.start;
  let p = path;
  while (p !== '') {
    p = parentPath(p);
    const span = json.values.get(p);
    if (span) return span.start;
  }
  return { line: 1, column: 1 };
}

function parentPath(path: string): string {
  const last = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return last <= 0 ? '' : path.slice(0, last);
}

export function makeFinding(
  json: ParsedJson | undefined,
  check: CheckId,
  path: string,
  message: string,
  anchor: 'key' | 'value' = 'value',
): Finding {
  const pos = json ? positionOf(json, path, anchor) : { line: 1, column: 1 };
  return { severity: CHECKS[check].severity, check, message, path, line: pos.line, column: pos.column };
}

/** A value for a message: JSON-quoted. */
export function q(value: string): string {
  return JSON.stringify(value);
}
