// GET /_portcullis/explain/<request-id>: the full trace of an earlier request's authorization,
// with what would fix a denial (CONTRACTS.md "The explain CLI"). Served on the S3 port: bucket
// names cannot start with `_`, so the path never collides with a path-style S3 request.
// Signed like any S3 request (SigV4 through the same verifier and identity resolver); who may
// read a trace is decided in access.ts (root, or an IAM principal allowed EXPLAIN_ACTION by its
// policies: privilege.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PolicyLayer } from '../../policy/decide.js';
import { explain, type Explanation, type PolicyTrace } from '../../policy/explain.js';
import { suggestFixes, type Fix } from '../../policy/fix.js';
import { deniedMessage } from '../../policy/messages.js';
import type { ContextValue, Principal } from '../../policy/request.js';
import type { S3Services } from '../../s3/context.js';
import { route as routeS3 } from '../../s3/routes.js';
import { authenticate } from '../authenticate.js';
import type { DecisionRecord, RequestDecisions } from '../decisions.js';
import { toS3Error } from '../errors.js';
import type { ProtocolFront } from '../fronts.js';
import { HttpRequestContext } from '../request-context.js';
import { mayShowPolicy, traceAccess, type TraceAccess } from './access.js';
import { iamPrivileged } from './privilege.js';

export const EXPLAIN_PATH = '/_portcullis/explain/';

/**
 * A policy of the trace; `redacted` when it belongs to the other account of a cross-account
 * request; `omittedStatements` when an encoded message kept only the statements that mattered.
 */
export type ReportPolicy = PolicyTrace & { redacted?: true; omittedStatements?: number };

/** The endpoint's answer: an Explanation (so the CLI can render it) plus who called and what fixes it. */
export interface ExplainReport extends Omit<Explanation, 'policies'> {
  requestId: string;
  at: string;
  /** The S3 operation (`GetObject`, `CopyObject`...). */
  operation: string;
  principalType: Principal['type'];
  principalAccount: string;
  accessKeyId: string | null;
  sessionName: string | null;
  userId: string | null;
  resourceAccount: string;
  /** The AccessDenied message the caller received (null when allowed). */
  message: string | null;
  /** The condition context values the decision used (lower-cased keys). */
  context: Record<string, ContextValue>;
  policies: ReportPolicy[];
  fix: Fix[];
  /** How many authorization decisions the request needed (CopyObject: two); this is the one that denied. */
  decisionCount: number;
}

export const explainFront: ProtocolFront = {
  name: 'explain',
  claims(req) {
    if (!(req.url ?? '').startsWith(EXPLAIN_PATH)) return false;
    // Virtual-hosted style, the same path is an object key in a bucket named by the Host header.
    try {
      return !routeS3({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        host: req.headers.host,
        copySource: false,
      }).virtualHosted;
    } catch {
      return true;
    }
  },
  handle: handleExplain,
};

async function handleExplain(services: S3Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = new HttpRequestContext(req, res);
  try {
    if (req.method !== 'GET') throw new AdminError(405, 'MethodNotAllowed', 'Use GET.');
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const id = decodeURIComponent((q < 0 ? url : url.slice(0, q)).slice(EXPLAIN_PATH.length));
    const { caller } = await authenticate(ctx, {
      identities: services.identities,
      region: services.config.region,
      virtualHostBucket: undefined,
    });
    if (id === '' || id.includes('/')) throw new AdminError(400, 'InvalidRequest', 'Give one request id.');
    const record = services.decisions.get(id);
    if (record === undefined) {
      throw new AdminError(
        404,
        'NoSuchRequest',
        `No decision is recorded for request ${id}: it made none, or it is older than the last ${services.decisions.capacity} requests.`,
      );
    }
    const access = traceAccess(caller.principal, record, iamPrivileged(ctx, caller, services.decisions));
    if (!access.allowed) throw new AdminError(403, 'AccessDenied', access.reason);
    sendJson(res, 200, buildReport(record, access));
  } catch (e) {
    if (e instanceof AdminError) {
      sendJson(res, e.status, { error: { code: e.code, message: e.message }, requestId: ctx.requestId });
      return;
    }
    const { error, internal } = toS3Error(e, {});
    if (internal) services.log.error({ err: e, requestId: ctx.requestId, url: req.url }, 'internal error');
    sendJson(res, error.status, {
      error: { code: error.code, message: error.message },
      requestId: ctx.requestId,
    });
  }
}

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The trace, fixes and caller details of a recorded request, as the asker may see them. */
export function buildReport(record: RequestDecisions, access: TraceAccess): ExplainReport {
  return redactReport(fullReport(record), access);
}

/** The trace, fixes and caller details of a recorded request, both sides in full (not for display). */
export function fullReport(record: RequestDecisions, chosen = pickDecision(record.decisions)): ExplainReport {
  const { request, policies: set } = chosen;
  const explanation = explain(request, set);
  const fixes = explanation.decision === 'Allowed' ? [] : suggestFixes(request, set, explanation);
  const p = request.principal;
  const dialect = request.resource.startsWith('acs:') ? 'ram' : 'aws';
  const userId = request.context.get('aws:userid');
  return {
    requestId: record.requestId,
    at: record.at.toISOString(),
    operation: record.operation,
    ...explanation,
    principalType: p.type,
    principalAccount: p.account,
    accessKeyId: chosen.caller?.accessKeyId ?? null,
    sessionName: chosen.caller?.sessionName ?? sessionNameOf(p),
    userId: typeof userId === 'string' ? userId : null,
    resourceAccount: request.resourceAccount ?? p.account,
    message: deniedMessage(dialect, request, explanation),
    context: Object.fromEntries(request.context),
    policies: explanation.policies,
    fix: fixes,
    decisionCount: record.decisions.length,
  };
}

/** A full report as the asker may see it: the other account's policies and fixes redacted. */
export function redactReport(report: ExplainReport, access: TraceAccess): ExplainReport {
  const hiddenDecider = report.decidedBy !== null && !mayShowPolicy(access, report.decidedBy);
  return {
    ...report,
    ...(hiddenDecider ? { statement: null } : {}),
    policies: report.policies.map((t) => (mayShowPolicy(access, t.type) ? t : redact(t))),
    fix: report.fix.map((f) =>
      mayShowPolicy(access, f.policyType)
        ? f
        : redactFix(f, f.policyType, report.principalAccount, report.resourceAccount),
    ),
  };
}

/** The denied decision when there is one (the one the caller's error came from), else the last. */
export function pickDecision(decisions: readonly DecisionRecord[]): DecisionRecord {
  return (
    decisions.find((d) => d.decision.decision !== 'Allowed') ??
    (decisions[decisions.length - 1] as DecisionRecord)
  );
}

function sessionNameOf(p: Principal): string | null {
  if (p.type !== 'assumed-role' && p.type !== 'federated-user') return null;
  const slash = p.arn.lastIndexOf('/');
  return slash < 0 ? null : p.arn.slice(slash + 1);
}

function redact(t: PolicyTrace): ReportPolicy {
  return { ...t, decidingStatement: null, statements: [], redacted: true };
}

function redactFix(f: Fix, layer: PolicyLayer, callerAccount: string, resourceAccount: string): Fix {
  const owner =
    layer === 'resource' || layer === 'rcp' || layer === 'trust' ? resourceAccount : callerAccount;
  return {
    policyType: f.policyType,
    policy: f.policy,
    change: `This policy belongs to account ${owner}, which must change it; its root user can ask explain for the details.`,
  };
}
