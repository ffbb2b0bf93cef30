// The last N authorization decisions, by request id, for `portcullis explain`. Recording is cheap
// (references to the request and the compiled policy set the decision used); the trace itself is
// computed only when someone asks, by re-running the same evaluation with explain().
import { explain, type Explanation } from '../policy/explain.js';
import type { Decision, PolicySet } from '../policy/decide.js';
import type { AuthzRequest } from '../policy/request.js';

export interface DecisionRecord {
  readonly request: AuthzRequest;
  readonly policies: PolicySet;
  readonly decision: Decision;
  /** How the caller signed in, for the explain endpoint (absent for anonymous callers). */
  readonly caller?: CallerDetails;
}

/** What `explain` shows about the credentials used, beyond the principal. */
export interface CallerDetails {
  readonly accessKeyId?: string;
  /** The role session name (or federated user name) of temporary credentials. */
  readonly sessionName?: string;
}

export interface RequestDecisions {
  readonly requestId: string;
  readonly at: Date;
  /** The S3/IAM/STS operation (`GetObject`, `CopyObject`...). */
  readonly operation: string;
  readonly decisions: DecisionRecord[];
}

export const DEFAULT_DECISION_CAPACITY = 10_000;

export class DecisionLog {
  private readonly ring: (RequestDecisions | undefined)[];
  private readonly byId = new Map<string, RequestDecisions>();
  private next = 0;

  constructor(readonly capacity: number = DEFAULT_DECISION_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.ring = new Array<RequestDecisions | undefined>(capacity);
  }

  /** Adds one decision to a request's record (a request may need several: CopyObject). */
  record(requestId: string, operation: string, entry: DecisionRecord, at: Date = new Date()): void {
    const existing = this.byId.get(requestId);
    if (existing !== undefined) {
      existing.decisions.push(entry);
      return;
    }
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.byId.delete(evicted.requestId);
    const fresh: RequestDecisions = { requestId, at, operation, decisions: [entry] };
    this.ring[this.next] = fresh;
    this.byId.set(requestId, fresh);
    this.next = (this.next + 1) % this.capacity;
  }

  get(requestId: string): RequestDecisions | undefined {
    return this.byId.get(requestId);
  }

  /** Full traces for a request's decisions, computed now; undefined once it left the ring. */
  explain(requestId: string): { record: RequestDecisions; explanations: Explanation[] } | undefined {
    const record = this.byId.get(requestId);
    if (record === undefined) return undefined;
    return { record, explanations: record.decisions.map((d) => explain(d.request, d.policies)) };
  }

  get size(): number {
    return this.byId.size;
  }
}
