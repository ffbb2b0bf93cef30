// Each engine's native input, prebuilt once per request the way a server would hold it, and the
// call that is timed. Nothing here is timed except the returned `decide` thunks.
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { loadPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { compilePolicyText, type CompiledPolicy } from '../../src/policy/compile.js';
import { decide, type PolicySet } from '../../src/policy/decide.js';
import type { PolicyType } from '../../src/policy/model.js';
import { contextFrom, type AuthzRequest } from '../../src/policy/request.js';
import type { ContextSpec, Outcome, RequestSpec, Scenario } from './scenarios.js';

// iam-simulate's core evaluator is not in the package's exports: load its modules by file, next to
// the package's entry point, so policies can be parsed once (see prepareIamSimulateCore).
const IAM_SIMULATE_ESM = import.meta.resolve('@cloud-copilot/iam-simulate');
const internal = (path: string): Promise<unknown> => import(new URL(path, IAM_SIMULATE_ESM).href);
const { authorize } = (await internal(
  './core_engine/CoreSimulatorEngine.js',
)) as typeof import('../node_modules/@cloud-copilot/iam-simulate/dist/esm/core_engine/CoreSimulatorEngine.js');
const { DiscoveryContextKeyConstraints } = (await internal(
  './context_keys/discoveryContextKeyConstraints.js',
)) as typeof import('../node_modules/@cloud-copilot/iam-simulate/dist/esm/context_keys/discoveryContextKeyConstraints.js');
const { AwsRequestImpl } = (await internal(
  './request/request.js',
)) as typeof import('../node_modules/@cloud-copilot/iam-simulate/dist/esm/request/request.js');
const { RequestContextImpl } = (await internal(
  './requestContext.js',
)) as typeof import('../node_modules/@cloud-copilot/iam-simulate/dist/esm/requestContext.js');

export type EngineName =
  | 'portcullis'
  | 'portcullis+ctx'
  | 'iam-simulate'
  | 'iam-simulate-core'
  | 'iam-simulate-validated'
  | 'cedar-wasm';

export interface PreparedCase {
  engine: EngineName;
  /** Runs one decision; the result is consumed by the harness so it cannot be optimised away. */
  decide: () => unknown;
  /** `decide` returns a promise (awaited one call at a time). */
  async?: boolean;
  /** The engine's answer, in IAM terms (Cedar only knows allow/deny). */
  answer: () => Outcome | 'allow' | 'deny' | string | Promise<string>;
  /** Set when the engine cannot run this request at all (why). */
  unavailable?: string;
}

// ---------------------------------------------------------------------------------------------
// Portcullis

function compileOrThrow(doc: object, id: string, type: PolicyType): CompiledPolicy {
  const r = compilePolicyText(JSON.stringify(doc), { id, type }, { dialect: 'aws' });
  if (!r.ok) throw new Error(`${id}: ${r.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return r.policy;
}

/** One compiled set per scenario, shared by all its requests (as a server shares them). */
const portcullisSets = new Map<Scenario, PolicySet>();

function portcullisPolicySet(s: Scenario): PolicySet {
  let set = portcullisSets.get(s);
  if (set === undefined) portcullisSets.set(s, (set = compileScenario(s)));
  return set;
}

function compileScenario(s: Scenario): PolicySet {
  return {
    identity: s.identity.map((p) => compileOrThrow(p.policy, p.name, 'identity')),
    resource: s.bucket ? compileOrThrow(s.bucket, 'bucket policy of corp-data', 'resource') : null,
    boundary: s.boundary ? compileOrThrow(s.boundary, 'boundary', 'boundary') : null,
    session: s.session ? [compileOrThrow(s.session, 'session', 'session')] : [],
  };
}

function portcullisPrincipal(s: Scenario): AuthzRequest['principal'] {
  const p = s.principal;
  return { type: p.type, arn: p.arn, account: p.account, ...(p.roleArn ? { roleArn: p.roleArn } : {}) };
}

/** `portcullis`: the request is prebuilt. `portcullis+ctx`: the context Map is built per decision. */
export function preparePortcullis(s: Scenario, r: RequestSpec): PreparedCase[] {
  const set = portcullisPolicySet(s);
  const principal = portcullisPrincipal(s);
  const account = s.principal.account;
  const req: AuthzRequest = {
    principal,
    action: r.action,
    resource: r.resource,
    resourceAccount: account,
    context: contextFrom(r.context),
  };
  const prebuilt = () => decide(req, set);
  const perRequest = () =>
    decide(
      {
        principal,
        action: r.action,
        resource: r.resource,
        resourceAccount: account,
        context: contextFrom(r.context),
      },
      set,
    );
  return [
    { engine: 'portcullis', decide: prebuilt, answer: () => prebuilt().decision },
    { engine: 'portcullis+ctx', decide: perRequest, answer: () => perRequest().decision },
  ];
}

// ---------------------------------------------------------------------------------------------
// iam-simulate (AGPL; used only as an installed benchmark peer)

export function iamSimulation(s: Scenario, r: RequestSpec): Simulation {
  return {
    request: {
      principal: s.principal.arn,
      action: r.action,
      resource: { resource: r.resource, accountId: s.principal.account },
      contextVariables: { ...r.context },
    },
    identityPolicies: s.identity.map((p) => ({ name: p.name, policy: p.policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(s.bucket ? { resourcePolicy: s.bucket } : {}),
    ...(s.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: s.boundary }] } : {}),
    ...(s.session ? { sessionPolicy: s.session } : {}),
  };
}

/** The public fast path the issue names: no validation, but it parses every policy on every call. */
export function prepareIamSimulate(s: Scenario, r: RequestSpec): PreparedCase {
  const sim = iamSimulation(s, r);
  const run = () => runUnsafeSimulation(sim, {});
  try {
    run();
  } catch (e) {
    return { engine: 'iam-simulate', decide: run, answer: run, unavailable: `throws ${String(e)}` };
  }
  return { engine: 'iam-simulate', decide: run, answer: run };
}

type Loaded = Pick<
  Parameters<typeof authorize>[0],
  'sessionPolicy' | 'identityPolicies' | 'resourcePolicy' | 'permissionBoundaries'
>;
const iamSimulatePolicies = new Map<Scenario, Loaded>();

/** The scenario's policies parsed once by iam-simulate's parser, shared by all its requests. */
function iamSimulateLoaded(s: Scenario): Loaded {
  let loaded = iamSimulatePolicies.get(s);
  if (loaded === undefined) {
    loaded = {
      sessionPolicy: s.session ? loadPolicy(s.session, { name: 'session' }) : undefined,
      identityPolicies: s.identity.map((p) => loadPolicy(p.policy, { name: p.name })),
      resourcePolicy: s.bucket ? loadPolicy(s.bucket, { name: 'bucket' }) : undefined,
      permissionBoundaries: s.boundary ? [loadPolicy(s.boundary, { name: 'boundary' })] : undefined,
    };
    iamSimulatePolicies.set(s, loaded);
  }
  return loaded;
}

/**
 * iam-simulate's core evaluator (`authorize`, not part of the package's exports) with every
 * policy parsed once and the request object prebuilt: the least work iam-simulate can do per
 * decision. Unlike `runUnsafeSimulation` it applies session policies and accepts a bucket policy.
 */
export function prepareIamSimulateCore(s: Scenario, r: RequestSpec): PreparedCase {
  const request = new AwsRequestImpl(
    s.principal.arn,
    { resource: r.resource, accountId: s.principal.account },
    r.action,
    new RequestContextImpl({ ...r.context }),
  );
  const input: Parameters<typeof authorize>[0] = {
    request,
    ...iamSimulateLoaded(s),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    vpcEndpointPolicies: undefined,
    simulationParameters: {
      simulationMode: 'Strict',
      discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]),
    },
  };
  const run = () => authorize(input);
  return { engine: 'iam-simulate-core', decide: run, answer: () => run().result };
}

/** The validated (async) public entry point: checks policies, actions and context keys on every call. */
export function prepareIamSimulateValidated(s: Scenario, r: RequestSpec): PreparedCase {
  const sim = iamSimulation(s, r);
  const run = () => runSimulation(sim, {});
  const answer = async () => {
    const res = await run();
    if (res.resultType === 'error')
      throw new Error(`iam-simulate rejected ${r.name}: ${JSON.stringify(res.errors)}`);
    return res.overallResult;
  };
  return { engine: 'iam-simulate-validated', decide: run, async: true, answer };
}

// ---------------------------------------------------------------------------------------------
// Cedar (policy set parsed once with preparsePolicySet; statefulIsAuthorized per decision)

const preparsed = new Set<string>();

function cedarValue(key: string, v: string | string[]): cedar.CedarValueJson {
  if (Array.isArray(v)) return v.map((x) => cedarValue(key, x));
  switch (key.toLowerCase()) {
    case 'aws:securetransport':
      return v === 'true';
    case 'aws:sourceip':
      return { __extn: { fn: 'ip', arg: v } };
    case 'aws:epochtime':
      return Number(v);
    default:
      return v;
  }
}

function cedarContext(ctx: ContextSpec): cedar.Context {
  const out: cedar.Context = {};
  for (const [k, v] of Object.entries(ctx)) out[k] = cedarValue(k, v);
  return out;
}

/** The S3 resource as a Cedar entity: its ARN, bucket, key and (for `${aws:username}`) first folder. */
function cedarResource(arn: string): cedar.EntityJson {
  const path = arn.slice('arn:aws:s3:::'.length);
  const slash = path.indexOf('/');
  const bucket = slash < 0 ? path : path.slice(0, slash);
  const attrs: Record<string, cedar.CedarValueJson> = { arn, bucket };
  if (slash >= 0) {
    const key = path.slice(slash + 1);
    attrs.key = key;
    const folderEnd = key.indexOf('/');
    if (folderEnd > 0) attrs.folder = key.slice(0, folderEnd);
  }
  return { uid: { type: slash < 0 ? 'S3Bucket' : 'S3Object', id: arn }, attrs, parents: [] };
}

export function prepareCedar(s: Scenario, r: RequestSpec): PreparedCase {
  const setId = `scenario-${s.id}`;
  if (!preparsed.has(setId)) {
    const res = cedar.preparsePolicySet(setId, { staticPolicies: s.cedarPolicies });
    if (res.type !== 'success') throw new Error(`Cedar policies of ${s.id}: ${JSON.stringify(res.errors)}`);
    preparsed.add(setId);
  }
  const resource = cedarResource(r.resource);
  const principal: cedar.EntityJson = {
    uid: s.principal.cedarUid,
    attrs: s.principal.cedarAttrs,
    parents: s.principal.cedarParents,
  };
  const call: cedar.StatefulAuthorizationCall = {
    principal: s.principal.cedarUid,
    action: { type: 'Action', id: r.action },
    resource: resource.uid,
    context: cedarContext(r.context),
    entities: [principal, resource],
    preparsedPolicySetId: setId,
  };
  const run = () => cedar.statefulIsAuthorized(call);
  const answer = () => {
    const a = run();
    if (a.type !== 'success') throw new Error(`Cedar failed on ${r.name}: ${JSON.stringify(a.errors)}`);
    // A policy that errors is skipped by Cedar, which would silently weaken a forbid: refuse.
    if (a.response.diagnostics.errors.length > 0) {
      throw new Error(`Cedar policy errors on ${r.name}: ${JSON.stringify(a.response.diagnostics.errors)}`);
    }
    return a.response.decision;
  };
  return { engine: 'cedar-wasm', decide: run, answer };
}
