// What every S3 operation handler receives: the routed request, the authenticated caller, the
// bucket (already loaded when the operation addresses one), the body, and the services.
import type { Logger } from 'pino';
import type { CompiledPolicy } from '../policy/compile.js';
import type { IdentityResolver } from '../identity/resolver.js';
import type { Caller, RequestBody } from '../server/caller.js';
import type { DecisionLog } from '../server/decisions.js';
import type { HttpRequestContext } from '../server/request-context.js';
import type { BlobStore } from '../store/blobs.js';
import type { BucketRecord, MetadataStore } from '../store/metadata.js';
import type { Decision } from '../policy/decide.js';
import type { AuthzRequest } from '../policy/request.js';
import type { AuthzTarget } from './authorize.js';
import type { BucketAccess } from './bucket-access.js';
import type { BucketPolicyCache } from './bucket-policy-cache.js';
import type { S3Route } from './routes.js';

export type { Caller, RequestBody };

export interface S3Config {
  /** The region this server is (`us-east-1`): bucket locations, SigV4 scopes. */
  readonly region: string;
  /** The default account (owner of what the root user creates). */
  readonly accountId: string;
}

export interface S3Services {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  readonly identities: IdentityResolver;
  readonly decisions: DecisionLog;
  readonly policies: BucketPolicyCache;
  readonly config: S3Config;
  readonly log: Logger;
}

export interface S3Call {
  readonly ctx: HttpRequestContext;
  readonly route: S3Route;
  readonly caller: Caller;
  readonly services: S3Services;
  /** Set for every operation on an existing bucket (all but ListBuckets and CreateBucket). */
  readonly bucket: BucketRecord | undefined;
  /** The bucket's compiled policy (null when it has none or there is no bucket). */
  readonly bucketPolicy: CompiledPolicy | null;
  readonly body: RequestBody;
  /** Ownership, ACLs, Block Public Access and CORS of the bucket (S3 dialect, existing bucket). */
  readonly access?: BucketAccess;
  /** Set when another dialect (OSS) runs these handlers over the same stores. */
  readonly dialect?: CallDialect;
}

export interface CallDialect {
  /** The operation as that dialect names it (what the decision log records). */
  readonly operation: string;
  /**
   * Rewrites every target a handler authorizes (a copy source, a missing key's list permission)
   * into that dialect's action, resource and condition keys before the decision.
   */
  target(target: AuthzTarget): AuthzTarget;
  /** That dialect's own access rules on a policy decision (OSS: public ACLs after an implicit deny). */
  revise?(request: AuthzRequest, decision: Decision): Decision;
}

/** The bucket of a bucket-level operation (dispatch guarantees it for those operations). */
export function bucketOf(call: S3Call): BucketRecord {
  if (call.bucket === undefined) throw new Error(`${call.route.operation} needs a bucket`);
  return call.bucket;
}

/** The key of an object-level operation (the router guarantees it). */
export function keyOf(call: S3Call): string {
  if (call.route.key === undefined) throw new Error(`${call.route.operation} needs a key`);
  return call.route.key;
}
