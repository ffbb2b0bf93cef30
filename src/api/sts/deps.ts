// What the STS actions need beyond the Query call: the IAM store (roles, managed session
// policies), the policy cache (compiled trust and session policies), the token key ring, the key
// of encoded authorization messages, and the clock that issues tokens. The server binds them to its
// services object at start (one server, one set), so several servers can share a process.
import type { IamStore } from '../../identity/iam-store.js';
import type { PolicyCache } from '../../identity/policy-cache.js';
import type { TokenKeyRing } from '../../sts/session-token.js';
import type { QueryCall } from '../query/call.js';
import { QueryError } from '../query/errors.js';
import type { AuthorizationMessageKey } from './authorization-message.js';

export interface StsDeps {
  readonly store: IamStore;
  readonly cache: PolicyCache;
  readonly tokens: TokenKeyRing;
  readonly messages: AuthorizationMessageKey;
  /** Epoch milliseconds; the resolver opens tokens with the same clock. */
  readonly clock: () => number;
}

const BOUND = new WeakMap<object, StsDeps>();

export function bindStsDeps(services: object, deps: StsDeps): void {
  BOUND.set(services, deps);
}

/** The deps of the server that received the call, or a 500 (a wiring bug, not a client error). */
export function stsDepsOf(call: QueryCall): StsDeps {
  const deps = BOUND.get(call.services);
  if (deps === undefined) {
    throw new QueryError('ServiceFailure', 'This server has no STS configured.', 500, 'Receiver');
  }
  return deps;
}
