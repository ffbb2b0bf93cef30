// One audit record, CloudTrail-shaped, built from what is known once a response has finished:
// the request line, the peer, the status, the decisions recorded under its request id and the
// error the front answered with. Pure: no I/O, so it is tested without a server.
//
// Secrets are never written: no headers but User-Agent, query parameters filtered by name
// (signatures, session tokens, secret keys, passwords), and the access key id alone from the
// Authorization header.
import { randomUUID } from 'node:crypto';
import type { DecisionRecord, RequestDecisions } from '../decisions.js';
import type { Decision } from '../../policy/decide.js';
import { deniedMessage } from '../../policy/messages.js';
import type { Principal } from '../../policy/request.js';

export type IdentityType =
  | 'Root'
  | 'IAMUser'
  | 'AssumedRole'
  | 'FederatedUser'
  | 'AWSAccount'
  | 'AWSService'
  | 'Anonymous'
  | 'Unknown';

export interface AuditUserIdentity {
  type: IdentityType;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  sessionContext?: {
    sessionIssuer: { type: 'Role' | 'IAMUser'; arn: string; accountId: string; userName?: string };
    attributes: Record<string, string>;
  };
}

export interface AuditDecision {
  decision: Decision['decision'];
  deniedBy: Decision['deniedBy'];
  explicit: boolean;
  policyType: Decision['decidedBy'];
  policyId: string | null;
  statement: string | null;
  rule: string;
  /** The authorization request that decided: action and resource ARN. */
  action: string;
  resource: string;
  /** How many authorization decisions the request needed (CopyObject: two). */
  evaluations: number;
}

/** One authorization request of a request and its outcome. */
export interface AuditAuthorization {
  action: string;
  resource: string;
  decision: Decision['decision'];
  /** The condition keys that narrow what was asked beyond the ARN (a listing's s3:prefix). */
  context?: Record<string, string | string[]>;
}

export interface AuditRecord {
  eventVersion: '1.09';
  eventTime: string;
  eventSource: string;
  eventName: string;
  eventCategory: 'Data' | 'Management';
  awsRegion: string;
  userIdentity: AuditUserIdentity;
  sourceIPAddress: string;
  userAgent: string | null;
  requestParameters: Record<string, string>;
  responseElements: null;
  httpStatus: number;
  errorCode?: string;
  errorMessage?: string;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: { ARN: string; type?: string }[];
  decision: AuditDecision | null;
  /**
   * Every authorization the request needed, in the order it was asked (CopyObject: s3:PutObject
   * on the target and s3:GetObject on the source). `decision` names only the deciding one; this
   * list is what least-privilege generation (src/diagnostics/generate) reads.
   */
  authorizations?: AuditAuthorization[];
  additionalEventData: {
    bytesTransferredIn?: number;
    bytesTransferredOut?: number;
    /** Milliseconds from the request's arrival to the end of its response. */
    durationMs: number;
  };
}

/** Everything the record is built from. */
export interface AuditObservation {
  /** `s3` for the S3 pipeline, else the front's name (`oss`, `query`, `explain`...). */
  readonly front: string;
  readonly method: string;
  readonly url: string;
  readonly region: string;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  /** The Authorization header (only its access key id is kept). */
  readonly authorization: string | undefined;
  readonly status: number;
  readonly requestId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly decisions: RequestDecisions | undefined;
  /** The operation when no decision names it (the S3 router's answer). */
  readonly operation?: string;
  readonly bucket?: string;
  readonly key?: string;
  /** The caller the pipeline authenticated, when the request got that far without a decision. */
  readonly principal?: Principal;
  readonly accessKeyId?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly bytesIn?: number;
  readonly bytesOut?: number;
}

/** Query parameter names never written (compared lower-cased, and as substrings). */
const SECRET_PARAM = /signature|security-?token|session-?token|secret|password|credential/i;
/** Long values (policy documents in a URL) are cut so one line stays readable. */
const MAX_PARAM_CHARS = 2048;

export function buildAuditRecord(o: AuditObservation): AuditRecord {
  const decided = decidingRecord(o.decisions);
  const principal = decided?.request.principal ?? o.principal;
  // A Query call names itself in its Action parameter, even when it failed before a decision.
  const operation = o.decisions?.operation ?? o.operation ?? queryOf(o.url).get('Action') ?? o.method;
  const action = decided?.request.action;
  const source = eventSource(o.front, action, o.url);
  const accessKeyId = decided?.caller?.accessKeyId ?? o.accessKeyId ?? accessKeyFrom(o);
  const readOnly = o.method === 'GET' || o.method === 'HEAD';
  const record: AuditRecord = {
    eventVersion: '1.09',
    eventTime: o.startedAt.toISOString(),
    eventSource: source,
    eventName: operation,
    // CloudTrail: object-level calls are data events, bucket and account calls management events.
    eventCategory: o.key !== undefined ? 'Data' : 'Management',
    awsRegion: o.region,
    userIdentity: userIdentity(principal, accessKeyId, decided),
    sourceIPAddress: o.sourceIp,
    userAgent: o.userAgent ?? null,
    requestParameters: requestParameters(o),
    responseElements: null,
    httpStatus: o.status,
    requestID: o.requestId,
    eventID: randomUUID(),
    readOnly,
    decision: decided === undefined ? null : auditDecision(decided, o.decisions?.decisions.length ?? 1),
    additionalEventData: {
      ...(o.bytesIn !== undefined ? { bytesTransferredIn: o.bytesIn } : {}),
      ...(o.bytesOut !== undefined ? { bytesTransferredOut: o.bytesOut } : {}),
      durationMs: Math.max(0, o.finishedAt.getTime() - o.startedAt.getTime()),
    },
  };
  const resources = resourcesOf(o.decisions);
  if (resources.length > 0) record.resources = resources;
  const authorizations = authorizationsOf(o.decisions);
  if (authorizations.length > 0) record.authorizations = authorizations;
  const denied = decided !== undefined && decided.decision.decision !== 'Allowed';
  if (denied) {
    // The engine's own words, as the client was told (AWS or OSS wording by the action's dialect).
    const dialect = decided.request.action.toLowerCase().startsWith('oss:') ? 'ram' : 'aws';
    record.errorCode = 'AccessDenied';
    record.errorMessage =
      deniedMessage(dialect, decided.request, decided.decision) ?? o.errorMessage ?? 'Access Denied';
  } else if (o.status >= 400 || o.errorCode !== undefined) {
    if (o.errorCode !== undefined) record.errorCode = o.errorCode;
    if (o.errorMessage !== undefined) record.errorMessage = o.errorMessage;
  }
  return record;
}

/** The denying decision if any, else the last one (the one that let the request through). */
function decidingRecord(d: RequestDecisions | undefined): DecisionRecord | undefined {
  if (d === undefined || d.decisions.length === 0) return undefined;
  return d.decisions.find((r) => r.decision.decision !== 'Allowed') ?? d.decisions[d.decisions.length - 1];
}

function auditDecision(r: DecisionRecord, evaluations: number): AuditDecision {
  const d = r.decision;
  return {
    decision: d.decision,
    deniedBy: d.deniedBy,
    explicit: d.explicit,
    policyType: d.decidedBy,
    policyId: d.policyId,
    statement: d.statement,
    rule: d.rule,
    action: r.request.action,
    resource: r.request.resource,
    evaluations,
  };
}

function eventSource(front: string, action: string | undefined, url: string): string {
  if (front === 'alibaba-sts') return 'sts.aliyuncs.com';
  const service = action?.slice(0, action.indexOf(':')).toLowerCase();
  if (service === 'iam' || service === 'sts' || service === 's3') return `${service}.amazonaws.com`;
  if (service === 'oss' || front === 'oss') return 'oss.aliyuncs.com';
  if (front === 's3') return 's3.amazonaws.com';
  if (front === 'query')
    return /[?&]Version=2011-06-15(?:&|$)/.test(url) ? 'sts.amazonaws.com' : 'iam.amazonaws.com';
  if (front === 'explain') return 'portcullis.admin';
  return `${front}.portcullis`;
}

function userIdentity(
  p: Principal | undefined,
  accessKeyId: string | undefined,
  decided: DecisionRecord | undefined,
): AuditUserIdentity {
  const key = accessKeyId !== undefined ? { accessKeyId } : {};
  if (p === undefined) return { type: 'Unknown', ...key };
  const base = { arn: p.arn, accountId: p.account, ...key };
  const tail = p.arn.slice(p.arn.lastIndexOf('/') + 1);
  switch (p.type) {
    case 'root':
      return { type: 'Root', ...base };
    case 'user':
      return { type: 'IAMUser', ...base, userName: tail };
    case 'assumed-role':
    case 'role': {
      const roleArn = p.roleArn ?? (p.type === 'role' ? p.arn : undefined);
      if (roleArn === undefined) return { type: 'AssumedRole', ...base };
      return {
        type: 'AssumedRole',
        ...base,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            arn: roleArn,
            accountId: p.account,
            userName: roleArn.slice(roleArn.lastIndexOf('/') + 1),
          },
          attributes: sessionAttributes(decided),
        },
      };
    }
    case 'federated-user':
      return {
        type: 'FederatedUser',
        ...base,
        ...(p.federatedUserArn !== undefined
          ? {
              sessionContext: {
                sessionIssuer: { type: 'IAMUser' as const, arn: p.federatedUserArn, accountId: p.account },
                attributes: sessionAttributes(decided),
              },
            }
          : {}),
      };
    case 'service':
      return { type: 'AWSService', ...(p.service !== undefined ? { invokedBy: p.service } : {}) };
    case 'anonymous':
      return { type: 'Anonymous', arn: 'anonymous', accountId: 'ANONYMOUS_PRINCIPAL' };
  }
}

/** CloudTrail's session attributes, from the condition keys the request was decided with. */
function sessionAttributes(decided: DecisionRecord | undefined): Record<string, string> {
  const ctx = decided?.request.context;
  const one = (k: string): string | undefined => {
    const v = ctx?.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const out: Record<string, string> = { mfaAuthenticated: one('aws:multifactorauthpresent') ?? 'false' };
  const issued = one('aws:tokenissuetime');
  if (issued !== undefined) out['creationDate'] = issued;
  const sourceIdentity = one('aws:sourceidentity');
  if (sourceIdentity !== undefined) out['sourceIdentity'] = sourceIdentity;
  return out;
}

/** The access key id from `AWS4-HMAC-SHA256 Credential=AKIA/...`, `AWS AKIA:sig`, `OSS id:sig`... */
function accessKeyFrom(o: AuditObservation): string | undefined {
  const auth = o.authorization;
  if (auth !== undefined) {
    const m = /Credential=([A-Za-z0-9._-]+)\//.exec(auth) ?? /^(?:AWS|OSS) ([A-Za-z0-9._-]+):/.exec(auth);
    if (m?.[1] !== undefined) return m[1];
  }
  const query = queryOf(o.url);
  const credential = query.get('X-Amz-Credential') ?? query.get('x-oss-credential');
  if (credential !== null) return credential.split('/')[0];
  return query.get('AWSAccessKeyId') ?? query.get('OSSAccessKeyId') ?? undefined;
}

function queryOf(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

/** Bucket, key, then the query parameters that are safe to keep. */
function requestParameters(o: AuditObservation): Record<string, string> {
  const out: Record<string, string> = {};
  if (o.bucket !== undefined) out['bucketName'] = o.bucket;
  if (o.key !== undefined) out['key'] = o.key;
  for (const [name, value] of queryOf(o.url)) {
    if (SECRET_PARAM.test(name) || name in out) continue;
    out[name] = value.length > MAX_PARAM_CHARS ? `${value.slice(0, MAX_PARAM_CHARS)}…` : value;
  }
  return out;
}

function resourcesOf(d: RequestDecisions | undefined): { ARN: string; type?: string }[] {
  if (d === undefined) return [];
  const seen = new Map<string, { ARN: string; type?: string }>();
  for (const r of d.decisions) {
    const arn = r.request.resource;
    if (arn === '*' || seen.has(arn)) continue;
    const type = resourceType(arn);
    seen.set(arn, type !== undefined ? { ARN: arn, type } : { ARN: arn });
  }
  return [...seen.values()];
}

/** Condition keys that say which part of a resource was asked for (lower-cased, as in contexts). */
const DECISIVE_KEYS = ['s3:prefix', 'oss:prefix'] as const;
/** DeleteObjects decides up to 1,000 keys; a line stays bounded all the same. */
const MAX_AUTHORIZATIONS = 1000;

function authorizationsOf(d: RequestDecisions | undefined): AuditAuthorization[] {
  if (d === undefined) return [];
  return d.decisions.slice(0, MAX_AUTHORIZATIONS).map((r) => {
    const out: AuditAuthorization = {
      action: r.request.action,
      resource: r.request.resource,
      decision: r.decision.decision,
    };
    for (const key of DECISIVE_KEYS) {
      const value = r.request.context.get(key);
      if (value === undefined) continue;
      out.context ??= {};
      out.context[key] = typeof value === 'string' ? value : [...value];
    }
    return out;
  });
}

function resourceType(arn: string): string | undefined {
  if (arn.startsWith('arn:aws:s3:::')) return arn.includes('/') ? 'AWS::S3::Object' : 'AWS::S3::Bucket';
  if (arn.startsWith('acs:oss:'))
    return arn.split(':')[4]?.includes('/') ? 'ACS::OSS::Object' : 'ACS::OSS::Bucket';
  const iam = /^arn:aws:iam::\d*:(user|role|group|policy)\//.exec(arn);
  if (iam?.[1] !== undefined) return `AWS::IAM::${iam[1][0]?.toUpperCase()}${iam[1].slice(1)}`;
  return undefined;
}
