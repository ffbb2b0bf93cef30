// The IAM policy simulator: SimulatePrincipalPolicy (a user's, group's or role's stored policies,
// plus extra ones) and SimulateCustomPolicy (policies given as text). Every action × resource pair
// is decided by the engine's explain(), so the answer agrees with what a real request would get;
// MatchedStatements point into the documents with the parser's line/column positions.
import { compilePolicyText, type CompiledPolicy } from '../../policy/compile.js';
import type { PolicySet } from '../../policy/decide.js';
import { explain, type Explanation, type PolicyTrace } from '../../policy/explain.js';
import type { PolicyType, SourcePosition } from '../../policy/model.js';
import type { AuthzRequest, ContextValue, Principal } from '../../policy/request.js';
import type { IamStore } from '../../identity/iam-store.js';
import {
  IamError,
  noSuchEntity,
  parseIamArn,
  type ManagedPolicyText,
  type OrganizationPath,
} from '../../identity/model.js';
import {
  authorizeQuery,
  iamStoreOf,
  members,
  missingParameter,
  QueryError,
  type ActionHandler,
  type QueryCall,
  type XmlTree,
} from '../query/index.js';
import { paginate } from './common.js';

/** Where a statement came from, in the words of the PolicySourceType enum. */
type SourceType = 'user' | 'group' | 'role' | 'aws-managed' | 'user-managed' | 'resource' | 'none';

interface Source {
  readonly id: string;
  readonly type: SourceType;
}

interface Simulation {
  readonly principal: Principal;
  readonly policies: PolicySet;
  /** Compiled policy id (unique per simulation) → what to call it in the response. */
  readonly sources: ReadonlyMap<string, Source>;
  readonly context: ReadonlyMap<string, ContextValue>;
  readonly resourceOwner: string | undefined;
  readonly hasResourcePolicy: boolean;
}

const CONTEXT_TYPES = new Set([
  'string',
  'stringList',
  'numeric',
  'numericList',
  'boolean',
  'booleanList',
  'ip',
  'ipList',
  'binary',
  'binaryList',
  'date',
  'dateList',
]);

const DECISION: Readonly<Record<Explanation['decision'], string>> = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicitDeny',
  ImplicitlyDenied: 'implicitDeny',
};

const invalidInput = (message: string) => new IamError('InvalidInput', message);

/** Builds the PolicySet of a simulation, giving every compiled policy an id of its own. */
class PolicyCollector {
  readonly sources = new Map<string, Source>();
  readonly identity: CompiledPolicy[] = [];
  boundary: CompiledPolicy | null = null;
  resource: CompiledPolicy | null = null;
  scp: CompiledPolicy[][] | undefined;

  /** Compiles `text` (kept as text, so statements carry positions); MalformedPolicyDocument if invalid. */
  compile(text: string, type: PolicyType, source: Source, stored = false): CompiledPolicy | null {
    const id = `#${this.sources.size}`;
    const result = compilePolicyText(text, { id, type }, { dialect: stored ? 'auto' : 'aws' });
    if (!result.ok) {
      // Stored documents were validated when written; one that no longer parses simply takes no part.
      if (stored) return null;
      throw new IamError(
        'MalformedPolicyDocument',
        `${source.id}: ${result.problems.map((p) => p.message).join('; ')}`,
      );
    }
    this.sources.set(id, source);
    return result.policy;
  }

  addIdentity(text: string, source: Source, stored = false): void {
    const p = this.compile(text, 'identity', source, stored);
    if (p !== null) this.identity.push(p);
  }

  addManaged(list: readonly ManagedPolicyText[], seen: Set<string>): void {
    for (const m of list) {
      if (seen.has(m.arn)) continue;
      seen.add(m.arn);
      this.addIdentity(m.document, managedSource(m.arn), true);
    }
  }

  addScp(org: OrganizationPath | null): void {
    if (org === null) return;
    this.scp = org.levels.map((level) =>
      level.scps.flatMap((p) => {
        const c = this.compile(p.document, 'scp', { id: p.name, type: 'none' }, true);
        return c === null ? [] : [c];
      }),
    );
  }

  set(): PolicySet {
    return {
      identity: this.identity,
      resource: this.resource,
      boundary: this.boundary,
      ...(this.scp !== undefined ? { scp: this.scp } : {}),
    };
  }
}

function managedSource(arn: string): Source {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  return { id: name, type: arn.startsWith('arn:aws:iam::aws:') ? 'aws-managed' : 'user-managed' };
}

// ---------------------------------------------------------------- parameters

function policyList(call: QueryCall, name: string): string[] {
  const list = call.params.list(name);
  for (const text of list) {
    if (text.length < 1 || text.length > 131072)
      throw new QueryError('ValidationError', `Policy document length out of range in ${name}.`);
  }
  return list;
}

function actionNames(call: QueryCall, custom: boolean): string[] {
  const actions = call.params.list('ActionNames');
  if (actions.length === 0) throw missingParameter('ActionNames');
  for (const a of actions) {
    if (a.length < 3 || a.length > 128 || !/^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$/.test(a))
      throw invalidInput(`Invalid action name ${a}: actions must be written service:Action.`);
    if (custom && /[*?]/.test(a))
      throw invalidInput(`Invalid action name ${a}: wildcards are not supported in action names.`);
  }
  return actions;
}

function resourceArns(call: QueryCall): string[] {
  const list = call.params.list('ResourceArns');
  for (const r of list) {
    if (r.length < 1 || r.length > 2048 || (r !== '*' && !/^(arn|acs):[^:]*:[^:]*:[^:]*:[^:]*:.+$/.test(r)))
      throw invalidInput(`Invalid resource ARN ${r}.`);
  }
  return list.length === 0 ? ['*'] : list;
}

function contextEntries(call: QueryCall): Map<string, ContextValue> {
  const ctx = new Map<string, ContextValue>();
  for (let i = 1; ; i++) {
    const prefix = `ContextEntries.member.${i}.`;
    const name = call.params.get(`${prefix}ContextKeyName`);
    const type = call.params.get(`${prefix}ContextKeyType`);
    const values = call.params.list(`${prefix}ContextKeyValues`);
    if (name === undefined && type === undefined && values.length === 0) return ctx;
    if (name === undefined || name.length < 5 || name.length > 256)
      throw invalidInput(`Context entry ${i} needs a ContextKeyName of 5 to 256 characters.`);
    if (type === undefined || !CONTEXT_TYPES.has(type))
      throw invalidInput(`Context entry ${name} needs a ContextKeyType (${[...CONTEXT_TYPES].join(', ')}).`);
    if (values.length === 0) throw invalidInput(`Context entry ${name} has no ContextKeyValues.`);
    if (!type.endsWith('List') && values.length > 1)
      throw invalidInput(`Context entry ${name} of type ${type} takes a single value.`);
    ctx.set(name.toLowerCase(), type.endsWith('List') ? values : (values[0] as string));
  }
}

/** ResourceOwner: an account id or `arn:aws:iam::ACCOUNT:root`. */
function resourceOwner(call: QueryCall): string | undefined {
  const raw = call.params.string('ResourceOwner', 1, 2048);
  if (raw === undefined) return undefined;
  const m = /^(?:arn:aws:iam::(\d{12}):root|(\d{12}))$/.exec(raw);
  if (m === null) throw invalidInput(`Invalid ResourceOwner ${raw}: give an account id or its root ARN.`);
  return m[1] ?? m[2];
}

/** CallerArn: only IAM user ARNs, as in AWS. */
function callerArn(call: QueryCall): { arn: string; account: string } | undefined {
  const arn = call.params.string('CallerArn', 1, 2048);
  if (arn === undefined) return undefined;
  const parsed = parseIamArn(arn);
  if (parsed === undefined || parsed.type !== 'user')
    throw invalidInput(`Invalid CallerArn ${arn}: only the ARN of an IAM user can be the caller.`);
  return { arn, account: parsed.account };
}

/** The extra inputs both actions take: policies, boundary, resource policy. */
function addInputs(call: QueryCall, c: PolicyCollector, inputs: readonly string[]): void {
  inputs.forEach((text, i) => c.addIdentity(text, { id: `PolicyInputList.${i + 1}`, type: 'none' }));
  const boundaries = policyList(call, 'PermissionsBoundaryPolicyInputList');
  if (boundaries.length > 1)
    throw invalidInput('Only one permissions boundary policy can be given in a simulation.');
  if (boundaries[0] !== undefined) {
    c.boundary = c.compile(boundaries[0], 'boundary', {
      id: 'PermissionsBoundaryPolicyInputList.1',
      type: 'none',
    });
  }
  const resourcePolicy = call.params.string('ResourcePolicy', 1, 131072);
  if (resourcePolicy !== undefined) {
    c.resource = c.compile(resourcePolicy, 'resource', { id: 'ResourcePolicy', type: 'resource' });
  }
}

// ---------------------------------------------------------------- the principal's own policies

async function collectPrincipal(
  store: IamStore,
  c: PolicyCollector,
  kind: 'user' | 'group' | 'role',
  account: string,
  name: string,
): Promise<boolean> {
  const seen = new Set<string>();
  if (kind === 'user') {
    const auth = await store.userAuthorization(account, name);
    if (auth === null) return false;
    for (const p of auth.inline) c.addIdentity(p.document, { id: p.name, type: 'user' }, true);
    c.addManaged(auth.attached, seen);
    for (const g of auth.groups) {
      for (const p of g.inline) c.addIdentity(p.document, { id: p.name, type: 'group' }, true);
      c.addManaged(g.attached, seen);
    }
    if (auth.boundary !== null)
      c.boundary = c.compile(auth.boundary.document, 'boundary', managedSource(auth.boundary.arn), true);
    c.addScp(auth.organization);
    return true;
  }
  if (kind === 'role') {
    const auth = await store.roleAuthorization(account, name);
    if (auth === null) return false;
    for (const p of auth.inline) c.addIdentity(p.document, { id: p.name, type: 'role' }, true);
    c.addManaged(auth.attached, seen);
    if (auth.boundary !== null)
      c.boundary = c.compile(auth.boundary.document, 'boundary', managedSource(auth.boundary.arn), true);
    c.addScp(auth.organization);
    return true;
  }
  const group = await store.getGroup(account, name);
  if (group === null) return false;
  const ref = { account, kind, name } as const;
  for (const policyName of await store.listInlinePolicies(ref)) {
    const p = await store.getInlinePolicy(ref, policyName);
    if (p !== null) c.addIdentity(p.document, { id: p.name, type: 'group' }, true);
  }
  const attached: ManagedPolicyText[] = [];
  for (const a of await store.listAttachedPolicies(ref)) {
    const text = await store.getPolicyDocument(a.arn);
    if (text !== null) attached.push(text);
  }
  c.addManaged(attached, seen);
  c.addScp(await store.organizationPath(account));
  return true;
}

// ---------------------------------------------------------------- evaluation

function positionXml(p: SourcePosition | undefined): XmlTree | undefined {
  return p === undefined ? undefined : { Line: p.line, Column: p.column };
}

/** Condition keys and policy variables (`${aws:username}`) a statement needs. */
function keysOf(policy: CompiledPolicy, index: number): string[] {
  const s = policy.statements[index]?.statement;
  if (s === undefined) return [];
  const keys = s.conditions.map((c) => c.key);
  for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) {
    for (const m of r.matchAll(/\$\{([^}*?$]+?)(?:,[^}]*)?\}/g)) if (m[1] !== undefined) keys.push(m[1]);
  }
  return keys;
}

function layerDecision(traces: readonly PolicyTrace[], layer: PolicyTrace['type']): string {
  const own = traces.filter((t) => t.type === layer);
  if (own.some((t) => t.outcome === 'Deny')) return 'explicitDeny';
  if (own.some((t) => t.outcome === 'Allow')) return 'allowed';
  return 'implicitDeny';
}

function evaluateOne(sim: Simulation, action: string, resource: string, specific: boolean): XmlTree {
  const resourceAccount = sim.resourceOwner ?? accountOfArn(resource) ?? sim.principal.account;
  const request: AuthzRequest = {
    principal: sim.principal,
    action,
    resource,
    resourceAccount,
    context: sim.context,
  };
  const ex = explain(request, sim.policies);
  const decision = DECISION[ex.decision];
  const matched: XmlTree[] = [];
  const missing = new Map<string, string>();
  const policyById = new Map<string, CompiledPolicy>();
  for (const p of sim.policies.identity ?? []) policyById.set(p.id, p);
  if (sim.policies.boundary) policyById.set(sim.policies.boundary.id, sim.policies.boundary);
  if (sim.policies.resource) policyById.set(sim.policies.resource.id, sim.policies.resource);
  for (const level of sim.policies.scp ?? []) for (const p of level) policyById.set(p.id, p);

  for (const trace of ex.policies) {
    const source = sim.sources.get(trace.id);
    const policy = policyById.get(trace.id);
    if (source === undefined || policy === undefined) continue;
    trace.statements.forEach((st, i) => {
      // Statements that could apply to this action and resource: their keys are needed.
      if (st.action && (st.resource || st.resourceReason !== undefined)) {
        for (const key of keysOf(policy, i)) {
          if (!sim.context.has(key.toLowerCase()) && !missing.has(key.toLowerCase()))
            missing.set(key.toLowerCase(), key);
        }
      }
      if (!st.matched) return;
      const wanted =
        decision === 'explicitDeny'
          ? st.effect === 'Deny'
          : decision === 'allowed' &&
            st.effect === 'Allow' &&
            (trace.type === 'identity' || trace.type === 'resource');
      if (!wanted) return;
      matched.push({
        SourcePolicyId: source.id,
        SourcePolicyType: source.type,
        StartPosition: positionXml(st.location.start),
        EndPosition: positionXml(st.location.end),
      });
    });
  }

  const details: XmlTree | undefined = sim.hasResourcePolicy
    ? {
        entry: [
          { key: 'IAM Policy', value: layerDecision(ex.policies, 'identity') },
          { key: 'Resource Policy', value: layerDecision(ex.policies, 'resource') },
        ],
      }
    : undefined;
  const boundary =
    sim.policies.boundary != null
      ? { AllowedByPermissionsBoundary: layerDecision(ex.policies, 'boundary') === 'allowed' }
      : undefined;
  const organizations =
    sim.policies.scp !== undefined ? { AllowedByOrganizations: !(ex.deniedBy === 'scp') } : undefined;
  const missingList = members([...missing.values()]);
  return {
    EvalActionName: action,
    EvalResourceName: resource,
    EvalDecision: decision,
    MatchedStatements: members(matched),
    MissingContextValues: missingList,
    OrganizationsDecisionDetail: organizations,
    PermissionsBoundaryDecisionDetail: boundary,
    EvalDecisionDetails: details,
    ResourceSpecificResults: specific
      ? members([
          {
            EvalResourceName: resource,
            EvalResourceDecision: decision,
            MatchedStatements: members(matched),
            MissingContextValues: missingList,
            EvalDecisionDetails: details,
            PermissionsBoundaryDecisionDetail: boundary,
          },
        ])
      : undefined,
  };
}

function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

function run(
  call: QueryCall,
  sim: Simulation,
  actions: readonly string[],
  resources: readonly string[],
): XmlTree {
  const results: XmlTree[] = [];
  for (const action of actions) {
    for (const resource of resources) results.push(evaluateOne(sim, action, resource, resource !== '*'));
  }
  const { page, more } = paginate(call, results);
  return { EvaluationResults: members(page), ...more };
}

// ---------------------------------------------------------------- the actions

const simulatePrincipalPolicy: ActionHandler = async (call) => {
  const sourceArn = call.params.requiredString('PolicySourceArn', 20, 2048);
  const parsed = parseIamArn(sourceArn);
  if (parsed === undefined || parsed.type === 'policy')
    throw invalidInput(`Invalid PolicySourceArn ${sourceArn}: give the ARN of a user, group or role.`);
  const actions = actionNames(call, false);
  const resources = resourceArns(call);
  const inputs = policyList(call, 'PolicyInputList');
  const caller = callerArn(call);
  const context = contextEntries(call);
  const owner = resourceOwner(call);

  authorizeQuery(call, 'iam:SimulatePrincipalPolicy', sourceArn, undefined, parsed.account);
  const store = iamStoreOf(call);
  const c = new PolicyCollector();
  if (!(await collectPrincipal(store, c, parsed.type, parsed.account, parsed.name)))
    throw noSuchEntity(parsed.type, parsed.name);
  addInputs(call, c, inputs);
  if (c.resource !== null && caller === undefined && parsed.type !== 'user')
    throw invalidInput('CallerArn is required with a ResourcePolicy when PolicySourceArn is not a user.');

  const principal: Principal =
    caller !== undefined
      ? { type: 'user', arn: caller.arn, account: caller.account }
      : parsed.type === 'role'
        ? { type: 'role', arn: sourceArn, account: parsed.account, roleArn: sourceArn }
        : { type: 'user', arn: sourceArn, account: parsed.account };
  const sim: Simulation = {
    principal,
    policies: c.set(),
    sources: c.sources,
    context,
    resourceOwner: owner,
    hasResourcePolicy: c.resource !== null,
  };
  return run(call, sim, actions, resources);
};

const simulateCustomPolicy: ActionHandler = async (call) => {
  const inputs = policyList(call, 'PolicyInputList');
  if (inputs.length === 0) throw missingParameter('PolicyInputList');
  const actions = actionNames(call, true);
  const resources = resourceArns(call);
  const caller = callerArn(call);
  const context = contextEntries(call);
  const owner = resourceOwner(call);

  authorizeQuery(call, 'iam:SimulateCustomPolicy', '*');
  const c = new PolicyCollector();
  addInputs(call, c, inputs);
  if (c.resource !== null && caller === undefined)
    throw invalidInput('CallerArn is required when a ResourcePolicy is given.');
  // Without a CallerArn the policies are tried as if held by an IAM user of the caller's account.
  const principal: Principal =
    caller !== undefined
      ? { type: 'user', arn: caller.arn, account: caller.account }
      : { type: 'user', arn: `arn:aws:iam::${call.account}:user/simulated-caller`, account: call.account };
  const sim: Simulation = {
    principal,
    policies: c.set(),
    sources: c.sources,
    context,
    resourceOwner: owner,
    hasResourcePolicy: c.resource !== null,
  };
  return run(call, sim, actions, resources);
};

export const SIMULATE_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  SimulatePrincipalPolicy: simulatePrincipalPolicy,
  SimulateCustomPolicy: simulateCustomPolicy,
};
