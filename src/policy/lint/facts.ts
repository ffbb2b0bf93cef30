// Small facts about statements that several check families need.
import type { JsonValue } from '../json-source.js';
import { compileActionPattern } from '../wildcard.js';
import { serviceActions, findAction, type ActionInfo, CATALOGUED_SERVICES } from './catalog.js';
import { isObject, type LintContext, type StatementView } from './document.js';

/** `"Oss: GetObject"` → `oss:GetObject`: whitespace removed, service lower-cased. */
export function normalizeAction(action: string): string {
  const compact = action.replace(/\s+/g, '');
  const colon = compact.indexOf(':');
  return colon < 0 ? compact : compact.slice(0, colon).toLowerCase() + compact.slice(colon);
}

export function splitAction(action: string): { service: string; name: string } | undefined {
  const colon = action.indexOf(':');
  if (colon <= 0) return undefined;
  return { service: action.slice(0, colon).toLowerCase(), name: action.slice(colon + 1) };
}

export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

/** Catalogued actions an action pattern stands for (`*` → every catalogued action). */
export function expandAction(pattern: string): ActionInfo[] {
  const norm = normalizeAction(pattern);
  const split = splitAction(norm);
  const services = split === undefined ? (norm === '*' ? CATALOGUED_SERVICES : []) : [split.service];
  const compiled = compileActionPattern(norm);
  const out: ActionInfo[] = [];
  for (const service of services) {
    if (hasWildcard(service)) continue;
    for (const a of serviceActions(service)) if (compiled.test(`${a.service}:${a.name}`)) out.push(a);
  }
  return out;
}

/** The statement's Action values (not NotAction), normalised. */
export function actions(st: StatementView): string[] {
  return st.action?.which === 'Action' ? st.action.items.map((i) => normalizeAction(i.value)) : [];
}

/** Catalogued actions named literally (no wildcard) in Action. */
export function literalActions(st: StatementView): ActionInfo[] {
  const out: ActionInfo[] = [];
  for (const a of actions(st)) {
    const split = splitAction(a);
    if (!split || hasWildcard(a)) continue;
    const info = findAction(split.service, split.name);
    if (info) out.push(info);
  }
  return out;
}

/** Resource (not NotResource) includes `"*"`. */
export function resourceIsStar(st: StatementView): boolean {
  return st.resource?.which === 'Resource' && st.resource.items.some((i) => i.value === '*');
}

export function hasConditions(st: StatementView): boolean {
  return st.conditions.length > 0;
}

/** Does an action pattern of the statement match `action` (e.g. `iam:passrole`)? */
export function statementAllowsAction(st: StatementView, action: string, { star = true } = {}): boolean {
  return actions(st).some((a) => (star || a !== '*') && compileActionPattern(a).test(action));
}

/** `"*"`, `{"AWS": "*"}`, `{"RAM": ["*"]}`, `["*"]`: everyone, anonymous included. */
export function isPublicPrincipal(value: JsonValue): boolean {
  if (value === '*') return true;
  if (Array.isArray(value)) return value.includes('*');
  if (!isObject(value)) return false;
  for (const kind of ['AWS', 'RAM']) {
    const v = value[kind];
    if (v === '*' || (Array.isArray(v) && v.includes('*'))) return true;
  }
  return false;
}

/** A role trust policy statement: by type, or (untyped) a principal with only sts:AssumeRole* actions. */
export function isTrustStatement(ctx: LintContext, st: StatementView): boolean {
  if (ctx.type === 'trust') return true;
  if (ctx.type !== undefined || st.principal === undefined) return false;
  const list = actions(st);
  return list.length > 0 && list.every((a) => /^sts:(assumerole|tagsession|setsourceidentity)/i.test(a));
}

/** Resource-based statement: by type, or (untyped) any statement naming a principal. */
export function isResourceStatement(ctx: LintContext, st: StatementView): boolean {
  if (ctx.type === 'resource') return true;
  return ctx.type === undefined && st.principal !== undefined && !isTrustStatement(ctx, st);
}

/** Condition keys used in the statement, lower-cased. */
export function conditionKeys(st: StatementView): Set<string> {
  return new Set(st.conditions.map((c) => c.key.toLowerCase()));
}
