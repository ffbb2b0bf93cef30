// Operation → authorization request(s) (PROTOCOL-NOTES.md "S3 request → IAM action"), the
// condition context, the decision, and the denial. Every decision is recorded by request id so
// `explain` can replay it with a full trace.
import type { CompiledPolicy } from '../policy/compile.js';
import { decide, type Decision, type PolicySet } from '../policy/decide.js';
import { globalContext, recordDecision } from '../server/authorization.js';
import { deniedMessage } from '../policy/messages.js';
import type { AuthzRequest, ContextValue } from '../policy/request.js';
import { denialEncoderOf, ENCODED_MESSAGE_PREFIX, encodeDenial } from '../server/admin/denial-message.js';
import { S3Error } from '../server/errors.js';
import { aclGrant } from './acl-evaluate.js';
import type { S3Call } from './context.js';
import { isPublicPolicy } from './public-access-block.js';
import type { S3Operation } from './routes.js';

type Scope = 'service' | 'bucket' | 'object';

/** The action each operation needs on its own target. Copies also need s3:GetObject on the source. */
export const OPERATION_ACTIONS: Readonly<Record<S3Operation, { action: string; scope: Scope }>> = {
  ListBuckets: { action: 's3:ListAllMyBuckets', scope: 'service' },
  CreateBucket: { action: 's3:CreateBucket', scope: 'bucket' },
  HeadBucket: { action: 's3:ListBucket', scope: 'bucket' },
  DeleteBucket: { action: 's3:DeleteBucket', scope: 'bucket' },
  GetBucketLocation: { action: 's3:GetBucketLocation', scope: 'bucket' },
  ListObjects: { action: 's3:ListBucket', scope: 'bucket' },
  ListObjectsV2: { action: 's3:ListBucket', scope: 'bucket' },
  GetBucketPolicy: { action: 's3:GetBucketPolicy', scope: 'bucket' },
  PutBucketPolicy: { action: 's3:PutBucketPolicy', scope: 'bucket' },
  DeleteBucketPolicy: { action: 's3:DeleteBucketPolicy', scope: 'bucket' },
  // Authorized key by key inside the operation (S3 reports AccessDenied per key).
  DeleteObjects: { action: 's3:DeleteObject', scope: 'object' },
  ListMultipartUploads: { action: 's3:ListBucketMultipartUploads', scope: 'bucket' },
  PutObject: { action: 's3:PutObject', scope: 'object' },
  CopyObject: { action: 's3:PutObject', scope: 'object' },
  GetObject: { action: 's3:GetObject', scope: 'object' },
  HeadObject: { action: 's3:GetObject', scope: 'object' },
  DeleteObject: { action: 's3:DeleteObject', scope: 'object' },
  CreateMultipartUpload: { action: 's3:PutObject', scope: 'object' },
  UploadPart: { action: 's3:PutObject', scope: 'object' },
  UploadPartCopy: { action: 's3:PutObject', scope: 'object' },
  CompleteMultipartUpload: { action: 's3:PutObject', scope: 'object' },
  AbortMultipartUpload: { action: 's3:AbortMultipartUpload', scope: 'object' },
  ListParts: { action: 's3:ListMultipartUploadParts', scope: 'object' },
  GetBucketAcl: { action: 's3:GetBucketAcl', scope: 'bucket' },
  GetObjectAcl: { action: 's3:GetObjectAcl', scope: 'object' },
  GetBucketVersioning: { action: 's3:GetBucketVersioning', scope: 'bucket' },
  ListObjectVersions: { action: 's3:ListBucketVersions', scope: 'bucket' },
  GetObjectTagging: { action: 's3:GetObjectTagging', scope: 'object' },
  PutObjectTagging: { action: 's3:PutObjectTagging', scope: 'object' },
  DeleteObjectTagging: { action: 's3:DeleteObjectTagging', scope: 'object' },
  PutBucketAcl: { action: 's3:PutBucketAcl', scope: 'bucket' },
  PutObjectAcl: { action: 's3:PutObjectAcl', scope: 'object' },
  GetBucketOwnershipControls: { action: 's3:GetBucketOwnershipControls', scope: 'bucket' },
  PutBucketOwnershipControls: { action: 's3:PutBucketOwnershipControls', scope: 'bucket' },
  DeleteBucketOwnershipControls: { action: 's3:PutBucketOwnershipControls', scope: 'bucket' },
  GetPublicAccessBlock: { action: 's3:GetBucketPublicAccessBlock', scope: 'bucket' },
  PutPublicAccessBlock: { action: 's3:PutBucketPublicAccessBlock', scope: 'bucket' },
  DeletePublicAccessBlock: { action: 's3:PutBucketPublicAccessBlock', scope: 'bucket' },
  GetBucketCors: { action: 's3:GetBucketCORS', scope: 'bucket' },
  PutBucketCors: { action: 's3:PutBucketCORS', scope: 'bucket' },
  DeleteBucketCors: { action: 's3:PutBucketCORS', scope: 'bucket' },
  // Not authorized: answered from the CORS configuration alone.
  CorsPreflight: { action: 's3:GetBucketCORS', scope: 'bucket' },
  // Authorized by the handler once the form names the key and the signer.
  PostObject: { action: 's3:PutObject', scope: 'object' },
};

/** The bucket policy operations the owner account's root user can always perform (lock-out protection). */
const ROOT_ALWAYS = new Set(['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy']);

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/** One thing to authorize: an action on a bucket or object owned by an account, under its policy. */
export interface AuthzTarget {
  readonly action: string;
  /** `*` for ListBuckets. */
  readonly resource: string;
  /** The bucket owner (the resource account); the caller's account for ListBuckets/CreateBucket. */
  readonly owner: string;
  readonly policy: CompiledPolicy | null;
  /** Operation-specific condition keys (s3:prefix...). */
  readonly context?: Readonly<Record<string, ContextValue | undefined>>;
}

// The global keys are the same for every decision of a request: built once per call.
const baseContexts = new WeakMap<S3Call, Map<string, ContextValue>>();

function baseContext(call: S3Call): Map<string, ContextValue> {
  let ctx = baseContexts.get(call);
  if (ctx !== undefined) return ctx;
  ctx = globalContext(call.ctx, call.caller);
  const set = (k: string, v: ContextValue | undefined) => {
    if (v !== undefined) ctx?.set(k.toLowerCase(), v);
  };
  set('s3:signatureversion', call.caller.signatureVersion);
  set('s3:authType', call.caller.authType);
  set('s3:x-amz-content-sha256', call.ctx.header('x-amz-content-sha256'));
  set('s3:x-amz-acl', call.ctx.header('x-amz-acl'));
  set('s3:x-amz-server-side-encryption', call.ctx.header('x-amz-server-side-encryption'));
  const versionId = call.route.query.get('versionId');
  set('s3:VersionId', versionId ?? undefined);
  baseContexts.set(call, ctx);
  return ctx;
}

/** Condition keys particular to the operation being authorized. */
function operationContext(call: S3Call): Record<string, ContextValue | undefined> {
  const q = call.route.query;
  const h = (name: string) => call.ctx.header(name);
  switch (call.route.operation) {
    case 'ListObjects':
    case 'ListObjectsV2':
      return {
        's3:prefix': q.get('prefix') ?? undefined,
        's3:delimiter': q.get('delimiter') ?? undefined,
        's3:max-keys': q.get('max-keys') ?? undefined,
      };
    case 'ListObjectVersions':
      return {
        's3:prefix': q.get('prefix') ?? undefined,
        's3:delimiter': q.get('delimiter') ?? undefined,
        's3:max-keys': q.get('max-keys') ?? undefined,
      };
    case 'ListMultipartUploads':
      return { 's3:prefix': q.get('prefix') ?? undefined, 's3:delimiter': q.get('delimiter') ?? undefined };
    case 'CopyObject':
    case 'UploadPartCopy':
      return {
        's3:x-amz-copy-source': h('x-amz-copy-source'),
        's3:x-amz-metadata-directive': h('x-amz-metadata-directive'),
      };
    case 'PutObject':
    case 'CreateMultipartUpload':
      return { 's3:x-amz-storage-class': h('x-amz-storage-class') };
    default:
      return {};
  }
}

/** Builds the engine's request for a target. */
export function authzRequest(call: S3Call, target: AuthzTarget): AuthzRequest {
  const base = baseContext(call);
  let context: Map<string, ContextValue> = base;
  if (target.context !== undefined) {
    // Copy the shared base only when the operation adds keys of its own.
    for (const [k, v] of Object.entries(target.context)) {
      if (v === undefined) continue;
      if (context === base) context = new Map(base);
      context.set(k.toLowerCase(), v);
    }
  }
  return {
    principal: call.caller.principal,
    action: target.action,
    resource: target.resource,
    resourceAccount: target.owner,
    context,
  };
}

/** Decides a target and records the decision under the request id. */
export function check(call: S3Call, s3Target: AuthzTarget): { request: AuthzRequest; decision: Decision } {
  const target = call.dialect?.target(s3Target) ?? s3Target;
  const request = authzRequest(call, target);
  const p = call.caller.principal;
  let resource = target.policy;
  // AWS: the bucket owner's root user can always read, change or delete the bucket policy, so a
  // policy that denies everyone can still be fixed.
  if (p.type === 'root' && p.account === target.owner && ROOT_ALWAYS.has(target.action)) resource = null;
  const policies: PolicySet = { ...call.caller.policies, resource };
  const rcp = call.services.identities.resourceControlPolicies?.(target.owner);
  if (rcp !== undefined) (policies as { rcp?: PolicySet['rcp'] }).rcp = rcp;
  const decision = withBucketAccess(call, target, request, policies, decide(request, policies));
  recordDecision(
    { ctx: call.ctx, caller: call.caller, decisions: call.services.decisions },
    call.dialect?.operation ?? call.route.operation,
    request,
    policies,
    decision,
  );
  if (decision.decision !== 'Allowed') noteEncodableDenial(call, request);
  return { request, decision };
}

/** A denied request → how to encode its message, when the server encodes denials (see accessDenied). */
const encodableDenials = new WeakMap<AuthzRequest, () => string>();

/** Longest encoded message in an OSS error: OSS repeats the error document in a header for HEAD. */
const OSS_MAX_ENCODED_MESSAGE = 4096;

function noteEncodableDenial(call: S3Call, request: AuthzRequest): void {
  const key = denialEncoderOf(call.services);
  // DeleteObjects answers per key: a blob per denied key would bloat the result.
  if (key === undefined || call.route.operation === 'DeleteObjects') return;
  const { decisions } = call.services;
  const requestId = call.ctx.requestId;
  const maxLength = call.dialect === undefined ? undefined : OSS_MAX_ENCODED_MESSAGE;
  // Encoded only when the denial becomes the error (checks that only probe are never encoded).
  encodableDenials.set(request, () => {
    const record = decisions.get(requestId);
    const entry = record?.decisions.find((d) => d.request === request);
    if (record === undefined || entry === undefined) return '';
    try {
      return encodeDenial(key, record, entry, maxLength);
    } catch (e) {
      // A bug here must not turn the caller's AccessDenied into an InternalError.
      call.services.log.error({ err: e, requestId }, 'cannot encode the authorization message');
      return '';
    }
  });
}

/**
 * S3's other access settings on top of the policy decision: RestrictPublicBuckets takes a public
 * bucket policy away from everyone outside the bucket owner's account, and (with ACLs enabled)
 * an ACL grant allows like a resource-policy Allow. An explicit deny is never overridden, and an
 * IAM principal whose own account does not allow the request (an implicit deny in its identity
 * policies) is not rescued by a grant to its account, as in S3's user-context evaluation.
 */
function withBucketAccess(
  call: S3Call,
  target: AuthzTarget,
  request: AuthzRequest,
  policies: PolicySet,
  decision: Decision,
): Decision {
  const access = call.access;
  if (call.dialect !== undefined) return call.dialect.revise?.(request, decision) ?? decision;
  if (access === undefined) return decision;
  const p = request.principal;
  let d = decision;
  if (
    d.decision === 'Allowed' &&
    access.publicAccessBlock.RestrictPublicBuckets &&
    policies.resource &&
    isPublicPolicy(policies.resource) &&
    p.account !== target.owner
  ) {
    const without = decide(request, { ...policies, resource: null });
    if (without.decision !== 'Allowed')
      d = { ...without, decision: 'ImplicitlyDenied', deniedBy: 'resource', explicit: false };
  }
  if (d.decision === 'ImplicitlyDenied' && (d.deniedBy === 'resource' || p.type === 'anonymous')) {
    const key = call.route.key;
    const objectTarget = key !== undefined && target.resource === objectArn(call.route.bucket ?? '', key);
    const grant = aclGrant(access, p, target.action, objectTarget);
    if (grant !== undefined)
      d = {
        ...d,
        decision: 'Allowed',
        deniedBy: null,
        explicit: false,
        decidedBy: 'resource',
        policyId: `${grant.acl} of ${call.route.bucket ?? ''}`,
        statement: `Grant[${grant.index}]`,
        rule: 'resource-allow',
        sessionDenies: false,
      };
  }
  return d;
}

/** Decides a target; throws 403 AccessDenied with the engine's message when it is denied. */
export function authorize(call: S3Call, target: AuthzTarget): void {
  const { request, decision } = check(call, target);
  if (decision.decision !== 'Allowed') throw accessDenied(request, decision);
}

export function accessDenied(request: AuthzRequest, decision: Decision): S3Error {
  // OSS actions are denied in OSS's words (the OSS dialect runs these handlers too).
  const dialect = request.action.toLowerCase().startsWith('oss:') ? 'ram' : 'aws';
  const message = deniedMessage(dialect, request, decision) ?? 'Access Denied';
  // With `serve --encode-denials`: AWS's "Encoded authorization failure message: <blob>" after the
  // readable message (and, for S3, the blob alone in its own element, for scripts).
  const encoded = encodableDenials.get(request)?.();
  if (encoded === undefined || encoded === '') return new S3Error('AccessDenied', message);
  return new S3Error(
    'AccessDenied',
    `${message}${/[.!?]$/.test(message) ? '' : '.'} ${ENCODED_MESSAGE_PREFIX}${encoded}`,
    dialect === 'aws' ? { EncodedAuthorizationMessage: encoded } : {},
  );
}

/** The target of the operation itself (its own bucket or object, under the bucket's policy). */
export function operationTarget(call: S3Call, policy: CompiledPolicy | null): AuthzTarget {
  const { action, scope } = OPERATION_ACTIONS[call.route.operation];
  const bucket = call.route.bucket ?? '';
  const owner = call.bucket?.owner ?? call.caller.principal.account;
  const resource =
    scope === 'service'
      ? '*'
      : scope === 'bucket'
        ? bucketArn(bucket)
        : objectArn(bucket, call.route.key ?? '');
  return { action, resource, owner, policy, context: operationContext(call) };
}
