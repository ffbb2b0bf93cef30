// OSS operation → RAM action and `acs:oss:*:<account>:<bucket>[/<key>]` resource
// (PROTOCOL-NOTES.md "Alibaba OSS"), decided by the same engine as S3 with OSS's condition keys
// (acs:SourceIp, acs:SecureTransport, acs:CurrentTime, acs:UserAgent, oss:Prefix, oss:Delimiter)
// added to the aws: ones, so AWS-form conditions in the same principals' policies still apply.
import { check, type AuthzTarget } from '../s3/authorize.js';
import { accessDenied } from '../s3/authorize.js';
import type { ContextValue } from '../policy/request.js';
import type { CallDialect, S3Call } from '../s3/context.js';
import { aclMayGrant, aclUse, loadOssAcls, ossAclsLoaded, reviseWithAcls } from './acl-access.js';
import type { OssCall } from './call.js';
import type { OssOperation } from './routes.js';

type Scope = 'service' | 'bucket' | 'object';

export const OSS_ACTIONS: Readonly<Record<OssOperation, { action: string; scope: Scope }>> = {
  ListBuckets: { action: 'oss:ListBuckets', scope: 'service' },
  PutBucket: { action: 'oss:PutBucket', scope: 'bucket' },
  DeleteBucket: { action: 'oss:DeleteBucket', scope: 'bucket' },
  GetBucket: { action: 'oss:ListObjects', scope: 'bucket' },
  ListObjectsV2: { action: 'oss:ListObjects', scope: 'bucket' },
  GetBucketInfo: { action: 'oss:GetBucketInfo', scope: 'bucket' },
  GetBucketLocation: { action: 'oss:GetBucketLocation', scope: 'bucket' },
  GetBucketAcl: { action: 'oss:GetBucketAcl', scope: 'bucket' },
  PutBucketAcl: { action: 'oss:PutBucketAcl', scope: 'bucket' },
  GetBucketPolicy: { action: 'oss:GetBucketPolicy', scope: 'bucket' },
  PutBucketPolicy: { action: 'oss:PutBucketPolicy', scope: 'bucket' },
  DeleteBucketPolicy: { action: 'oss:DeleteBucketPolicy', scope: 'bucket' },
  GetBucketReferer: { action: 'oss:GetBucketReferer', scope: 'bucket' },
  PutBucketReferer: { action: 'oss:PutBucketReferer', scope: 'bucket' },
  GetBucketCors: { action: 'oss:GetBucketCors', scope: 'bucket' },
  PutBucketCors: { action: 'oss:PutBucketCors', scope: 'bucket' },
  DeleteBucketCors: { action: 'oss:DeleteBucketCors', scope: 'bucket' },
  // Not authorized: answered from the CORS configuration alone.
  CorsPreflight: { action: 'oss:GetBucketCors', scope: 'bucket' },
  // Authorized by the handler once the form names the key and the signer.
  PostObject: { action: 'oss:PutObject', scope: 'object' },
  // Authorized key by key by the handler.
  DeleteMultipleObjects: { action: 'oss:DeleteObject', scope: 'object' },
  ListMultipartUploads: { action: 'oss:ListMultipartUploads', scope: 'bucket' },
  PutObject: { action: 'oss:PutObject', scope: 'object' },
  // The source's oss:GetObject is decided by the shared copy-source loader.
  CopyObject: { action: 'oss:PutObject', scope: 'object' },
  AppendObject: { action: 'oss:PutObject', scope: 'object' },
  GetObject: { action: 'oss:GetObject', scope: 'object' },
  HeadObject: { action: 'oss:GetObject', scope: 'object' },
  GetObjectMeta: { action: 'oss:GetObject', scope: 'object' },
  DeleteObject: { action: 'oss:DeleteObject', scope: 'object' },
  GetObjectAcl: { action: 'oss:GetObjectAcl', scope: 'object' },
  PutObjectAcl: { action: 'oss:PutObjectAcl', scope: 'object' },
  InitiateMultipartUpload: { action: 'oss:PutObject', scope: 'object' },
  UploadPart: { action: 'oss:PutObject', scope: 'object' },
  CompleteMultipartUpload: { action: 'oss:PutObject', scope: 'object' },
  AbortMultipartUpload: { action: 'oss:AbortMultipartUpload', scope: 'object' },
  ListParts: { action: 'oss:ListParts', scope: 'object' },
};

/** The RAM action for the S3 actions shared handlers authorize on their own. */
const FROM_S3: Readonly<Record<string, string>> = {
  's3:getobject': 'oss:GetObject',
  's3:putobject': 'oss:PutObject',
  's3:deleteobject': 'oss:DeleteObject',
  's3:listbucket': 'oss:ListObjects',
  's3:abortmultipartupload': 'oss:AbortMultipartUpload',
  's3:listmultipartuploadparts': 'oss:ListParts',
  's3:listallmybuckets': 'oss:ListBuckets',
  's3:createbucket': 'oss:PutBucket',
  's3:listbucketmultipartuploads': 'oss:ListMultipartUploads',
};

export function ossResource(owner: string, bucket: string, key?: string): string {
  return key === undefined ? `acs:oss:*:${owner}:${bucket}` : `acs:oss:*:${owner}:${bucket}/${key}`;
}

/** OSS's condition keys for this request (added to the aws: ones the shared code sets). */
function ossContext(
  call: S3Call,
  listing: boolean,
  query: URLSearchParams,
): Record<string, ContextValue | undefined> {
  const now = call.ctx.startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    'acs:SourceIp': call.ctx.sourceIp || undefined,
    'acs:SecureTransport': call.ctx.secure ? 'true' : 'false',
    'acs:CurrentTime': now,
    'acs:UserAgent': call.ctx.header('user-agent'),
    'oss:Prefix': listing ? (query.get('prefix') ?? '') : undefined,
    'oss:Delimiter': listing ? (query.get('delimiter') ?? undefined) : undefined,
  };
}

/**
 * Rewrites an S3 target (from a shared handler) into RAM terms; OSS targets pass through with
 * OSS's condition keys added.
 */
export function ossDialect(call: S3Call, oss: OssCall['oss']): CallDialect {
  const listing = oss.operation === 'GetBucket' || oss.operation === 'ListObjectsV2';
  return {
    operation: oss.operation,
    target: (t) => inRamTerms(t, ossContext(call, listing, oss.query)),
    revise: (request, decision) => reviseWithAcls(call.ctx, request, decision),
  };
}

/**
 * An S3 request on a bucket whose policy is a RAM document (`Version "1"`, written through OSS):
 * the policy speaks oss: actions and acs: resources, so the request is decided in those terms —
 * an anonymous plain GET is served when the policy lets everyone oss:GetObject, as OSS would.
 */
export function ramPolicyDialect(call: S3Call): CallDialect {
  const op = call.route.operation;
  const listing = op === 'ListObjects' || op === 'ListObjectsV2';
  return { operation: op, target: (t) => inRamTerms(t, ossContext(call, listing, call.route.query)) };
}

function inRamTerms(t: AuthzTarget, context: Record<string, ContextValue | undefined>): AuthzTarget {
  {
    let action = t.action;
    let resource = t.resource;
    if (!action.toLowerCase().startsWith('oss:')) {
      action = FROM_S3[action.toLowerCase()] ?? `oss:${action.slice(action.indexOf(':') + 1)}`;
      const arn = 'arn:aws:s3:::';
      if (resource.startsWith(arn)) resource = `acs:oss:*:${t.owner}:${resource.slice(arn.length)}`;
    }
    return { ...t, action, resource, context: { ...context, ...t.context } };
  }
}

/** The operation's own target. */
export function ossTarget(call: OssCall): AuthzTarget {
  const { action, scope } = OSS_ACTIONS[call.oss.operation];
  const owner = call.bucket?.owner ?? call.caller.principal.account;
  const bucket = call.oss.bucket ?? '';
  const resource =
    scope === 'service'
      ? `acs:oss:*:${owner}:*`
      : scope === 'bucket'
        ? ossResource(owner, bucket)
        : ossResource(owner, bucket, call.oss.key ?? '');
  return { action, resource, owner, policy: call.bucketPolicy };
}

/**
 * Decides (and records) a target. When the policies leave it implicitly denied and an ACL could
 * grant it, the bucket's and object's ACLs are loaded and the target decided again (the dialect's
 * `revise` applies them; both decisions are recorded). 403 AccessDenied in OSS's words.
 */
export async function authorizeOss(call: OssCall, target: AuthzTarget): Promise<void> {
  let { request, decision } = check(call, target);
  if (
    decision.decision !== 'Allowed' &&
    call.bucket !== undefined &&
    aclMayGrant(decision) &&
    aclUse(request.action) !== undefined &&
    !ossAclsLoaded(call)
  ) {
    await loadOssAcls(call);
    ({ request, decision } = check(call, target));
  }
  if (decision.decision !== 'Allowed') throw accessDenied(request, decision);
}
