// The evidence a generated policy rests on: the authorization requests an audit trail shows one
// principal needed and was granted. Pure: records in, evidence out (the CLI streams the files).
//
// Rules:
// - A request refused with AccessDenied is never evidence; its denied authorizations are
//   reported as denied attempts (and veto prefix collapsing under those keys).
// - A request that went through is evidence for every authorization it was allowed, even when
//   it failed later (a GetObject answered 404 still needed s3:GetObject and s3:ListBucket).
//   DeleteObjects may be allowed some keys and denied others: the allowed ones are evidence.
// - Records written before the trail listed every authorization carry only the deciding one;
//   such a record with several evaluations (CopyObject) is counted as incomplete.
// - Alibaba Cloud requests (OSS actions, acs: resources) are counted but not generated from: the
//   policy is in the AWS language.
import type { AuditAuthorization, AuditRecord } from '../../server/audit/record.js';
import { selects, type PrincipalSelector } from './principal.js';

/** An allowed authorization request, counted once per distinct action, resource and prefix. */
export interface UsedAuthorization {
  readonly action: string;
  readonly resource: string;
  /** The listing prefix asked for (s3:prefix); absent when the listing named none. */
  readonly prefix?: string;
  count: number;
}

export interface DeniedAttempt {
  readonly action: string;
  readonly resource: string;
  count: number;
}

export interface Evidence {
  readonly used: UsedAuthorization[];
  readonly denied: DeniedAttempt[];
  /** Requests that contributed evidence. */
  readonly requests: number;
  /** Requests refused (or partly refused) by a policy. */
  readonly deniedRequests: number;
  /** The caller ARNs seen (several sessions of one role). */
  readonly principals: string[];
  /** Older records with several authorizations but only the deciding one written. */
  readonly incomplete: number;
  /** Requests of the principal through the Alibaba fronts: OSS, RAM STS (not covered by the AWS policy). */
  readonly alibabaRequests: number;
  /** The first and last event times of the evidence. */
  readonly first: string | null;
  readonly last: string | null;
}

/** Accumulates evidence one record at a time (a trail can be larger than memory). */
export class EvidenceCollector {
  private readonly used = new Map<string, UsedAuthorization>();
  private readonly denied = new Map<string, DeniedAttempt>();
  private readonly principals = new Set<string>();
  private requests = 0;
  private deniedRequests = 0;
  private incomplete = 0;
  private alibabaRequests = 0;
  private first: string | null = null;
  private last: string | null = null;

  constructor(private readonly selector: PrincipalSelector) {}

  add(record: AuditRecord): void {
    if (!selects(this.selector, record.userIdentity)) return;
    const authorizations = authorizationsOf(record);
    if (authorizations.length === 0) return;
    if (
      authorizations.some((a) => a.action.toLowerCase().startsWith('oss:') || a.resource.startsWith('acs:'))
    ) {
      this.alibabaRequests++;
      return;
    }
    if (record.authorizations === undefined && (record.decision?.evaluations ?? 1) > 1) this.incomplete++;
    const refused = record.errorCode === 'AccessDenied';
    let anyDenied = false;
    let anyUsed = false;
    for (const a of authorizations) {
      if (a.decision !== 'Allowed') {
        anyDenied = true;
        this.deny(a);
      } else if (!refused) {
        anyUsed = true;
        this.use(a);
      }
    }
    if (refused || anyDenied) this.deniedRequests++;
    if (!anyUsed) return;
    this.requests++;
    if (record.userIdentity.arn !== undefined) this.principals.add(record.userIdentity.arn);
    if (this.first === null || record.eventTime < this.first) this.first = record.eventTime;
    if (this.last === null || record.eventTime > this.last) this.last = record.eventTime;
  }

  result(): Evidence {
    const byKey = <T extends { action: string; resource: string }>(a: T, b: T): number =>
      a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : a.action.localeCompare(b.action);
    return {
      used: [...this.used.values()].sort(byKey),
      denied: [...this.denied.values()].sort(byKey),
      requests: this.requests,
      deniedRequests: this.deniedRequests,
      principals: [...this.principals].sort(),
      incomplete: this.incomplete,
      alibabaRequests: this.alibabaRequests,
      first: this.first,
      last: this.last,
    };
  }

  private use(a: AuditAuthorization): void {
    const prefix = listingPrefix(a);
    const key = `${a.action}\n${a.resource}\n${prefix ?? '\u0000'}`;
    const hit = this.used.get(key);
    if (hit !== undefined) hit.count++;
    else
      this.used.set(key, {
        action: a.action,
        resource: a.resource,
        ...(prefix !== undefined ? { prefix } : {}),
        count: 1,
      });
  }

  private deny(a: AuditAuthorization): void {
    const key = `${a.action}\n${a.resource}`;
    const hit = this.denied.get(key);
    if (hit !== undefined) hit.count++;
    else this.denied.set(key, { action: a.action, resource: a.resource, count: 1 });
  }
}

/** Evidence from a list of records (tests, small trails). */
export function collectEvidence(records: Iterable<AuditRecord>, selector: PrincipalSelector): Evidence {
  const collector = new EvidenceCollector(selector);
  for (const r of records) collector.add(r);
  return collector.result();
}

/** The record's authorization list, or (older records) its deciding authorization alone. */
function authorizationsOf(r: AuditRecord): readonly AuditAuthorization[] {
  if (Array.isArray(r.authorizations)) return r.authorizations;
  const d = r.decision;
  if (d === null || typeof d !== 'object' || typeof d.action !== 'string') return [];
  return [{ action: d.action, resource: d.resource, decision: d.decision }];
}

/** A non-empty s3:prefix (an empty one asks for the whole bucket, like none). */
function listingPrefix(a: AuditAuthorization): string | undefined {
  const value = a.context?.['s3:prefix'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
