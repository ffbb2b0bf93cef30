// Compiles a parsed policy once into matchers, so a decision does no parsing, no RegExp building
// and (after the first request for an action) no action matching at all.
import { compileCondition, type CompiledCondition } from './conditions/index.js';
import type { Effect, PolicyDocument, PolicyProblem, PolicyType, Statement } from './model.js';
import { parsePolicy, type ParseOptions } from './parse.js';
import { compilePrincipal, type PrincipalMatcher } from './principal-match.js';
import type { RequestContext } from './request.js';
import { compileActionPattern, compileResourcePattern, type CompiledPattern } from './wildcard.js';

export interface CompiledStatement {
  readonly statement: Statement;
  readonly effect: Effect;
  /** The Sid, or `Statement[i]` when it has none: how traces and messages name it. */
  readonly label: string;
  readonly actions: readonly CompiledPattern[];
  readonly notAction: boolean;
  /** Empty with `notResource` false means no Resource element (trust policies): any resource. */
  readonly resources: readonly CompiledPattern[];
  readonly notResource: boolean;
  readonly hasResource: boolean;
  /** Present in resource-based, trust and RCP statements. */
  readonly principal?: PrincipalMatcher;
  readonly conditions: readonly CompiledCondition[];
}

export interface CompiledPolicy {
  /** A name or ARN that tells the user which policy this is (`inline:ReadOnly`, a policy ARN, `bucket policy of b`). */
  readonly id: string;
  readonly type: PolicyType;
  readonly document: PolicyDocument;
  readonly statements: readonly CompiledStatement[];
  /** The statements whose Action/NotAction covers `action` (memoized per action string). */
  statementsFor(action: string): readonly CompiledStatement[];
}

/** Upper bound on memoized actions per policy: actions come from a finite API, but callers can send junk. */
const ACTION_MEMO_LIMIT = 4096;

export function compilePolicy(
  document: PolicyDocument,
  meta: { id: string; type: PolicyType },
): CompiledPolicy {
  // Policy variables exist only in the 2012-10-17 language (EVALUATION-RULES.md).
  const variables = document.version === '2012-10-17';
  const statements = document.statements.map((s) => compileStatement(s, variables));
  const memo = new Map<string, readonly CompiledStatement[]>();
  return {
    id: meta.id,
    type: meta.type,
    document,
    statements,
    statementsFor(action: string) {
      let hit = memo.get(action);
      if (hit === undefined) {
        hit = statements.filter((s) => actionMatches(s, action));
        if (memo.size >= ACTION_MEMO_LIMIT) memo.clear();
        memo.set(action, hit);
      }
      return hit;
    },
  };
}

export type CompileResult = { ok: true; policy: CompiledPolicy } | { ok: false; problems: PolicyProblem[] };

/** Parses and compiles in one step (text keeps line/column positions for problems and traces). */
export function compilePolicyText(
  input: string | unknown,
  meta: { id: string; type: PolicyType },
  options: Omit<ParseOptions, 'type'> = {},
): CompileResult {
  const parsed = parsePolicy(input, { ...options, type: meta.type });
  if (!parsed.ok) return parsed;
  return { ok: true, policy: compilePolicy(parsed.policy, meta) };
}

function compileStatement(s: Statement, variables: boolean): CompiledStatement {
  const actionList = s.action ?? s.notAction ?? [];
  const resourceList = s.resource ?? s.notResource;
  const principal = s.principal
    ? compilePrincipal(s.principal)
    : s.notPrincipal
      ? compilePrincipal(s.notPrincipal, true)
      : undefined;
  return {
    statement: s,
    effect: s.effect,
    label: s.sid !== undefined && s.sid !== '' ? s.sid : `Statement[${s.index}]`,
    actions: actionList.map((a) => compileActionPattern(a)),
    notAction: s.notAction !== undefined,
    resources: (resourceList ?? []).map((r) => compileResourcePattern(r, { variables })),
    notResource: s.notResource !== undefined,
    hasResource: resourceList !== undefined,
    ...(principal ? { principal } : {}),
    conditions: s.conditions.map((c) => compileCondition(c, { variables })),
  };
}

export function actionMatches(s: CompiledStatement, action: string): boolean {
  let any = false;
  for (const p of s.actions) {
    if (p.test(action)) {
      any = true;
      break;
    }
  }
  return s.notAction ? !any : any;
}

export function resourceMatches(s: CompiledStatement, resource: string, ctx: RequestContext): boolean {
  if (!s.hasResource) return true;
  let any = false;
  for (const p of s.resources) {
    if (p.test(resource, ctx)) {
      any = true;
      break;
    }
  }
  return s.notResource ? !any : any;
}

export function conditionsHold(s: CompiledStatement, ctx: RequestContext): boolean {
  for (const c of s.conditions) if (!c.test(ctx)) return false;
  return true;
}
