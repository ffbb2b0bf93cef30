// What every Query action handler receives.
import type { IamStore } from '../../identity/iam-store.js';
import type { S3Services } from '../../s3/context.js';
import type { Caller } from '../../server/caller.js';
import type { HttpRequestContext } from '../../server/request-context.js';
import { QueryError } from './errors.js';
import type { QueryParams } from './params.js';
import type { QueryServiceName } from './registry.js';

/** The server's services as the Query APIs see them. */
export type QueryServices = S3Services;

// The IAM store of each server, bound at start-up (src/server/start.ts) next to the services it
// serves: S3 itself never needs it, so it stays out of S3Services.
const IAM_STORES = new WeakMap<object, IamStore>();

export function bindIamStore(services: object, store: IamStore): void {
  IAM_STORES.set(services, store);
}

export interface QueryCall {
  readonly ctx: HttpRequestContext;
  readonly services: QueryServices;
  readonly caller: Caller;
  readonly params: QueryParams;
  readonly service: QueryServiceName;
  readonly action: string;
  readonly version: string;
  /** The caller's account: where IAM entities are created and looked up. */
  readonly account: string;
  /** SigV4 credential scope region (IAM is global; STS answers for this region). */
  readonly region: string;
}

/** The IAM store, or a 500 when this server runs without one (a wiring bug, not a client error). */
export function iamStoreOf(call: QueryCall): IamStore {
  const store = IAM_STORES.get(call.services);
  if (store === undefined) {
    throw new QueryError('ServiceFailure', 'This server has no IAM store configured.', 500, 'Receiver');
  }
  return store;
}
