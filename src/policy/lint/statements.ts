// The document and its statements as a whole: Version, Sid, empty lists, and statements that
// duplicate, cover, or are shadowed by others.
import { compileActionPattern, compileResourcePattern } from '../wildcard.js';
import type { JsonValue } from '../json-source.js';
import { get, q, type LintContext, type StatementView } from './document.js';
import { hasWildcard, normalizeAction } from './facts.js';

export function checkDocument(ctx: LintContext): void {
  const version = get(ctx.root, 'Version');
  if (ctx.dialect === 'aws') {
    if (version === undefined) {
      ctx.report(
        'version-missing',
        '',
        'No Version: AWS assumes "2008-10-17", where policy variables do not work; add "Version": "2012-10-17"',
      );
    } else if (version === '2008-10-17') {
      ctx.report(
        'version-old',
        'Version',
        '"2008-10-17" is the old policy language (no policy variables); use "2012-10-17"',
      );
    }
  }
  const statement = get(ctx.root, 'Statement');
  if (Array.isArray(statement) && statement.length === 0) {
    ctx.report(
      'statement-list-empty',
      'Statement',
      'Statement is empty: the policy neither allows nor denies anything',
    );
  }
  for (const st of ctx.statements) {
    if (!st.sid) continue;
    if (st.sid.value === '') {
      ctx.report(
        'sid-empty',
        st.sid.path,
        'An empty Sid names nothing; remove it or give the statement a name',
      );
    } else if (ctx.type === undefined && ctx.dialect === 'aws' && !/^[A-Za-z0-9]+$/.test(st.sid.value)) {
      ctx.report(
        'sid-characters',
        st.sid.path,
        `Sid ${q(st.sid.value)} has characters IAM identity policies reject (only A-Z, a-z, 0-9)`,
      );
    }
  }
  checkOverlaps(ctx);
}

/** A stable text for a JSON value: object keys sorted, lists sorted. */
function canonical(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function signature(st: StatementView): string {
  const { Sid: _sid, Effect: _effect, ...rest } = st.raw;
  return `${st.allow ? 'Allow' : st.deny ? 'Deny' : '?'}${canonical(rest)}`;
}

/** Does glob `a` match everything glob `b` matches? Sound, not complete. */
function covers(a: string, b: string, kind: 'action' | 'resource'): boolean {
  const same = kind === 'action' ? a.toLowerCase() === b.toLowerCase() : a === b;
  if (same || a === '*') return true;
  if (a.includes('${') || b.includes('${')) return false;
  if (!hasWildcard(b)) {
    return kind === 'action'
      ? compileActionPattern(a).test(b)
      : compileResourcePattern(a, { variables: false }).test(b);
  }
  // A pattern `prefix*` covers any pattern starting with `prefix`.
  const body = a.slice(0, -1);
  if (!a.endsWith('*') || hasWildcard(body)) return false;
  return kind === 'action' ? b.toLowerCase().startsWith(body.toLowerCase()) : b.startsWith(body);
}

function allCovered(a: readonly string[], b: readonly string[], kind: 'action' | 'resource'): boolean {
  return b.length > 0 && b.every((x) => a.some((y) => covers(y, x, kind)));
}

/** Values of Action and Resource (trust statements have no Resource: everything). */
function shape(st: StatementView): { actions: string[]; resources: string[] } | undefined {
  if (st.action?.which !== 'Action') return undefined;
  if (st.resource && st.resource.which !== 'Resource') return undefined;
  return {
    actions: st.action.items.map((i) => normalizeAction(i.value)),
    resources: st.resource ? st.resource.items.map((i) => i.value) : ['*'],
  };
}

function name(st: StatementView): string {
  return st.sid && st.sid.value !== '' ? `statement ${q(st.sid.value)}` : `${st.path}`;
}

function principalCovers(a: StatementView, b: StatementView): boolean {
  if (a.principal?.which === 'NotPrincipal' || b.principal?.which === 'NotPrincipal') return false;
  const pa = canonical(a.principal?.value);
  return pa === canonical(b.principal?.value) || pa === '"*"' || pa === '{"AWS":"*"}';
}

function checkOverlaps(ctx: LintContext): void {
  const list = ctx.statements;
  const signatures = list.map(signature);
  const shapes = list.map(shape);
  list.forEach((b, j) => {
    if (!b.allow && !b.deny) return;
    const twin = signatures.indexOf(signatures[j] ?? '');
    if (twin < j) {
      ctx.report(
        'statement-duplicate',
        b.path,
        `This statement repeats ${name(list[twin] ?? b)}; remove one`,
      );
      return;
    }
    const sb = shapes[j];
    if (!sb) return;
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      const sa = shapes[i];
      if (
        i === j ||
        !a ||
        !sa ||
        a.conditions.length > 0 ||
        (a.condition && Object.keys(a.condition).length > 0)
      )
        continue;
      if (!principalCovers(a, b)) continue;
      if (
        !allCovered(sa.actions, sb.actions, 'action') ||
        !allCovered(sa.resources, sb.resources, 'resource')
      )
        continue;
      if (a.deny && b.allow) {
        ctx.report(
          'deny-shadows-allow',
          b.effect?.path ?? b.path,
          `${name(a)} denies every action and resource this Allow grants, without conditions, so this statement never allows anything`,
        );
        return;
      }
      if (a.allow === b.allow && a.deny === b.deny) {
        // Two statements covering each other: report only the later one.
        if (
          i > j &&
          allCovered(sb.actions, sa.actions, 'action') &&
          allCovered(sb.resources, sa.resources, 'resource') &&
          b.conditions.length === 0
        )
          continue;
        ctx.report(
          'statement-redundant',
          b.path,
          `${name(a)} already ${a.allow ? 'allows' : 'denies'} everything this statement does (without conditions); remove it or narrow ${name(a)}`,
        );
        return;
      }
    }
  });
}
