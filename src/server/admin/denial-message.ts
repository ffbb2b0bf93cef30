// Encoded authorization messages on denials (`portcullis serve --encode-denials`), as AWS sends
// them for some services: "Encoded authorization failure message: <blob>", which
// sts:DecodeAuthorizationMessage turns back into JSON.
//
// The blob is sealed with the installation's authorization message key (AES-256-GCM, see
// src/api/sts/authorization-message.ts), so only this installation can read it and nobody can
// forge one. It holds AWS's DecodedMessage fields plus the full explain report of the decision
// (both accounts' sides); decoding shows it as the explain endpoint would show it to the decoding
// principal: only to an account that took part, with the other account's policies redacted.
// While the server still holds the request (the decision log keeps the last N), decoding rebuilds
// the trace from it; the blob's own copy serves after that. That copy is compacted (only the
// statements that matched or decided) when the full one would make the blob longer than the
// limit, and left out when even that does not fit. Blobs are not compressed: compressing what the
// caller controls (key names, headers) with policy text it must not see would leak it by length.
import type { PolicyLayer } from '../../policy/decide.js';
import type { Principal } from '../../policy/request.js';
import {
  AuthorizationMessageKey,
  explainDecision,
  MAX_ENCODED_MESSAGE,
  type AuthorizationExplanation,
} from '../../api/sts/authorization-message.js';
import type { DecisionLog, DecisionRecord, RequestDecisions } from '../decisions.js';
import { mayShowPolicy, traceAccess, type DecisionAccounts } from './access.js';
import { buildReport, fullReport, pickDecision, redactReport, type ExplainReport } from './explain.js';

/** The words AWS puts before the blob in the error message. */
export const ENCODED_MESSAGE_PREFIX = 'Encoded authorization failure message: ';

/** Marks the JSON sealed by encodeDenial (older blobs hold AWS's fields only). */
const ENVELOPE = 'portcullis-denial/1';

interface SealedDenial {
  readonly envelope: typeof ENVELOPE;
  readonly requestId: string;
  readonly accounts: DecisionAccounts;
  readonly decidedBy: PolicyLayer | null;
  readonly decoded: AuthorizationExplanation;
  /** The full report (both sides), unless it did not fit. */
  readonly trace?: ExplainReport;
}

/** What DecodeAuthorizationMessage answers: AWS's fields, the request id, and our trace. */
export interface DecodedDenial extends AuthorizationExplanation {
  readonly requestId?: string;
  readonly trace?: ExplainReport;
  /** Why `trace` is absent. */
  readonly traceUnavailable?: string;
}

// The key of each server that encodes denials, bound at start when the option is on.
const ENCODERS = new WeakMap<object, AuthorizationMessageKey>();

export function bindDenialEncoder(services: object, key: AuthorizationMessageKey): void {
  ENCODERS.set(services, key);
}

/** The key to encode denials with, or undefined when the server does not encode them (the default). */
export function denialEncoderOf(services: object): AuthorizationMessageKey | undefined {
  return ENCODERS.get(services);
}

/**
 * The encoded message for one recorded decision of a request (`entry`, default: its denied one).
 * `maxLength` bounds the blob (the OSS dialect repeats the error in a header for HEAD).
 */
export function encodeDenial(
  key: AuthorizationMessageKey,
  record: RequestDecisions,
  entry: DecisionRecord = pickDecision(record.decisions),
  maxLength: number = MAX_ENCODED_MESSAGE,
): string {
  const { request, decision } = entry;
  const userId = request.context.get('aws:userid');
  const username = request.context.get('aws:username');
  const base: SealedDenial = {
    envelope: ENVELOPE,
    requestId: record.requestId,
    accounts: {
      callerAccount: request.principal.account,
      resourceAccount: request.resourceAccount ?? request.principal.account,
    },
    decidedBy: decision.decidedBy,
    decoded: explainDecision(request, decision, {
      id: typeof userId === 'string' ? userId : request.principal.arn,
      ...(typeof username === 'string' ? { name: username } : {}),
    }),
  };
  const limit = Math.min(maxLength, MAX_ENCODED_MESSAGE);
  const trace = fullReport(record, entry);
  for (const candidate of [trace, compactReport(trace)]) {
    const sealed = key.seal(JSON.stringify({ ...base, trace: candidate }));
    if (sealed.length <= limit) return sealed;
  }
  return key.seal(JSON.stringify(base));
}

/**
 * A smaller report for long policies: each policy keeps only the statements that matched or
 * decided (the count of the others is kept), and the context (in the AWS fields already) goes.
 */
function compactReport(report: ExplainReport): ExplainReport {
  return {
    ...report,
    context: {},
    policies: report.policies.map((p) => {
      const kept = p.statements.filter((s) => s.matched || s.statement === p.decidingStatement);
      const omitted = p.statements.length - kept.length;
      return omitted === 0 ? p : { ...p, statements: kept, omittedStatements: omitted };
    }),
  };
}

export type DecodeOutcome =
  | { ok: true; decoded: DecodedDenial }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'foreign'; message: string };

/**
 * Opens a blob for `asker` (already allowed sts:DecodeAuthorizationMessage): `invalid` when it is
 * malformed, altered or sealed elsewhere; `foreign` when neither account of the decision is the
 * asker's. `decisions` serves the trace of blobs too large to carry it, while the request is held.
 */
export function decodeDenial(
  key: AuthorizationMessageKey,
  encoded: string,
  asker: Principal,
  decisions: DecisionLog,
): DecodeOutcome {
  const text = key.open(encoded);
  if (text === undefined) return { ok: false, reason: 'invalid' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!isSealedDenial(json)) {
    // A message sealed with AWS's fields alone: nothing to filter.
    return { ok: true, decoded: json as AuthorizationExplanation };
  }
  const access = traceAccess(asker, [json.accounts], true);
  if (!access.allowed) {
    return {
      ok: false,
      reason: 'foreign',
      message: 'Neither the caller nor the resource of the request behind this message is in your account.',
    };
  }
  const decoded = json.decoded;
  // The deciding statement of the other account's policy stays with that account.
  const hidden = json.decidedBy !== null && !mayShowPolicy(access, json.decidedBy);
  const out = {
    ...decoded,
    ...(hidden ? { matchedStatements: { items: [] } } : {}),
    requestId: json.requestId,
  };
  // While the server still holds the request, its trace is rebuilt in full; after that, the
  // message's own copy (possibly compacted) serves.
  const record = decisions.get(json.requestId);
  if (record !== undefined && sameRequest(record, decoded)) {
    return { ok: true, decoded: { ...out, trace: buildReport(record, access) } };
  }
  if (json.trace !== undefined) {
    return { ok: true, decoded: { ...out, trace: redactReport(json.trace, access) } };
  }
  return {
    ok: true,
    decoded: {
      ...out,
      traceUnavailable: `The trace was too large for the message and request ${json.requestId} is no longer held by the server.`,
    },
  };
}

/** Whether a held record is the request the message was sealed for (ids are random, but check). */
function sameRequest(record: RequestDecisions, decoded: AuthorizationExplanation): boolean {
  return record.decisions.some(
    (d) =>
      d.request.action === decoded.context.action &&
      d.request.principal.arn === decoded.context.principal.arn,
  );
}

function isSealedDenial(v: unknown): v is SealedDenial {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as { envelope?: unknown }).envelope === ENVELOPE &&
    typeof (v as { requestId?: unknown }).requestId === 'string' &&
    typeof (v as { accounts?: unknown }).accounts === 'object'
  );
}
