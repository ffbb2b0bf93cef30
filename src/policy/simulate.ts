// The simulator case format of CONTRACTS.md ("The policy simulator CLI"): validates a case,
// decides it, and renders the required output. Pure: the CLI does the reading and printing.
import { compilePolicyText, type CompiledPolicy } from './compile.js';
import { decide, type Decision, type PolicySet } from './decide.js';
import { explain, type Explanation } from './explain.js';
import { deniedMessage } from './messages.js';
import type { Dialect, PolicyType } from './model.js';
import { principalFromArn } from './principal-arn.js';
import {
  contextFrom,
  principalTypeKey,
  type AuthzRequest,
  type ContextValue,
  type Principal,
} from './request.js';

export interface SimulationCase {
  dialect: Dialect;
  request: AuthzRequest;
  policies: PolicySet;
}

export interface SimulationOutput {
  decision: Decision['decision'];
  deniedBy: Decision['deniedBy'];
  explicit: boolean;
  message: string | null;
  decidedBy: Decision['decidedBy'];
  policyId: string | null;
  statement: string | null;
  rule: Decision['rule'];
}

/** A case problem names the bad field (`request.principal: ...`). */
export class CaseError extends Error {}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates and compiles a case (throws CaseError naming the field). */
export function loadCase(input: unknown, now: Date = new Date()): SimulationCase {
  if (!isObject(input)) throw new CaseError('case: must be a JSON object with "request" and "policies"');
  const dialect = input.dialect ?? 'aws';
  if (dialect !== 'aws' && dialect !== 'ram')
    throw new CaseError(`dialect: must be "aws" or "ram", not ${JSON.stringify(dialect)}`);
  const request = loadRequest(input.request, now);
  const policies = loadPolicies(input.policies, dialect);
  return { dialect, request, policies };
}

export function simulate(c: SimulationCase): SimulationOutput {
  return render(c, decide(c.request, c.policies));
}

export function simulateWithTrace(c: SimulationCase): { output: SimulationOutput; explanation: Explanation } {
  const explanation = explain(c.request, c.policies);
  return { output: render(c, explanation), explanation };
}

function render(c: SimulationCase, d: Decision): SimulationOutput {
  return {
    decision: d.decision,
    deniedBy: d.deniedBy,
    explicit: d.explicit,
    message: deniedMessage(c.dialect, c.request, d),
    decidedBy: d.decidedBy,
    policyId: d.policyId,
    statement: d.statement,
    rule: d.rule,
  };
}

function loadRequest(value: unknown, now: Date): AuthzRequest {
  if (!isObject(value)) throw new CaseError('request: must be an object with principal, action and resource');
  const principalArn = requireString(value, 'principal', 'request.principal');
  const parsed = principalFromArn(principalArn);
  if (!parsed.ok) throw new CaseError(`request.principal: ${parsed.message}`);
  const principal: Principal = { ...parsed.principal };
  if (value.principalAccount !== undefined) {
    principal.account = requireString(value, 'principalAccount', 'request.principalAccount');
  }
  const action = requireString(value, 'action', 'request.action');
  if (action !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$/.test(action)) {
    throw new CaseError(`request.action: "${action}" is not service:Action (e.g. s3:GetObject)`);
  }
  const resource = requireString(value, 'resource', 'request.resource');
  const resourceAccount =
    value.resourceAccount !== undefined
      ? requireString(value, 'resourceAccount', 'request.resourceAccount')
      : (accountOfArn(resource) ?? principal.account);
  const context = loadContext(value.context);
  addDerivedKeys(context, principal, now);
  return { principal, action, resource, resourceAccount, context };
}

function loadContext(value: unknown): Map<string, ContextValue> {
  if (value === undefined || value === null) return new Map();
  if (!isObject(value))
    throw new CaseError('request.context: must be an object of condition key → string or list of strings');
  for (const [key, v] of Object.entries(value)) {
    const ok = typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!ok) throw new CaseError(`request.context.${key}: must be a string or a list of strings`);
  }
  return contextFrom(value as Record<string, ContextValue>);
}

/** Keys every real request carries, filled from the principal when the case does not give them. */
function addDerivedKeys(ctx: Map<string, ContextValue>, p: Principal, now: Date): void {
  const setDefault = (key: string, v: string | undefined) => {
    if (v !== undefined && v !== '' && !ctx.has(key)) ctx.set(key, v);
  };
  if (p.type !== 'anonymous') {
    setDefault('aws:principalarn', p.roleArn ?? p.arn);
    setDefault('aws:principalaccount', p.account);
    setDefault('aws:principaltype', principalTypeKey(p));
  }
  if (p.type === 'user') setDefault('aws:username', p.arn.slice(p.arn.lastIndexOf('/') + 1));
  setDefault('aws:currenttime', now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  setDefault('aws:epochtime', String(Math.floor(now.getTime() / 1000)));
}

function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  const account = arn.startsWith('acs:') ? parts[3] : parts[4];
  return account && /^\d+$/.test(account) ? account : undefined;
}

const POLICY_FIELDS = ['identity', 'resource', 'boundary', 'session', 'scp', 'rcp', 'trust'] as const;

function loadPolicies(value: unknown, dialect: Dialect): PolicySet {
  if (value === undefined || value === null) return {};
  if (!isObject(value))
    throw new CaseError('policies: must be an object (identity, resource, boundary, session, scp, rcp)');
  for (const key of Object.keys(value)) {
    if (!(POLICY_FIELDS as readonly string[]).includes(key)) {
      throw new CaseError(
        `policies.${key}: unknown policy field (expected one of ${POLICY_FIELDS.join(', ')})`,
      );
    }
  }
  const one = (field: 'resource' | 'boundary' | 'trust', type: PolicyType): CompiledPolicy | null =>
    value[field] === undefined || value[field] === null
      ? null
      : compileOne(value[field], `policies.${field}`, type, dialect);
  const list = (field: 'identity' | 'session', type: PolicyType): CompiledPolicy[] => {
    const v = value[field];
    if (v === undefined || v === null) return [];
    const items = Array.isArray(v) ? v : [v];
    return items.map((doc, i) => compileOne(doc, `policies.${field}[${i}]`, type, dialect));
  };
  const levels = (field: 'scp' | 'rcp'): CompiledPolicy[][] => {
    const v = value[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v))
      throw new CaseError(`policies.${field}: must be a list of levels, each a list of policies`);
    return v.map((level, i) => {
      // A lone policy object stands for a level holding just that policy.
      const docs = Array.isArray(level) ? level : [level];
      return docs.map((doc, j) => compileOne(doc, `policies.${field}[${i}][${j}]`, field, dialect));
    });
  };
  return {
    identity: list('identity', 'identity'),
    resource: one('resource', 'resource'),
    boundary: one('boundary', 'boundary'),
    session: list('session', 'session'),
    scp: levels('scp'),
    rcp: levels('rcp'),
    trust: one('trust', 'trust'),
  };
}

function compileOne(doc: unknown, field: string, type: PolicyType, dialect: Dialect): CompiledPolicy {
  const id = isObject(doc) && typeof doc.Id === 'string' ? doc.Id : field.replace(/^policies\./, '');
  const result = compilePolicyText(doc, { id, type }, { dialect });
  if (!result.ok) {
    const first = result.problems[0];
    const detail = result.problems
      .map((p) => (p.path ? `${p.path}: ${stripPath(p)}` : stripPath(p)))
      .join('; ');
    throw new CaseError(`${field}: ${first ? detail : 'invalid policy'}`);
  }
  return result.policy;
}

/** Problems carry their path in the message already when the parser wrote it that way. */
function stripPath(p: { path: string; message: string }): string {
  return p.path && p.message.startsWith(`${p.path}: `) ? p.message.slice(p.path.length + 2) : p.message;
}

function requireString(obj: Json, key: string, field: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v === '') throw new CaseError(`${field}: must be a non-empty string`);
  return v;
}
