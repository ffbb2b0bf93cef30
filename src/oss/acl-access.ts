// OSS's ACLs in authorization. After the session policy, RAM policies and the bucket policy have
// not allowed a request (and nothing denied it explicitly), OSS looks at the ACLs: the object's
// when it has one, else the bucket's (`default` inherits). public-read lets everyone (anonymous
// callers and other accounts included) read objects and list the bucket; public-read-write also
// lets them write and delete. An STS session whose own policy does not allow the request is not
// rescued: OSS checks the session policy first. The canned names are read as the S3 dialect's ACL
// documents and matched by its grant evaluation, with OSS's permission model on top.
import { aclGrant } from '../s3/acl-evaluate.js';
import { isPublicGrant, readStoredAcl, type AclDocument } from '../s3/acl-document.js';
import type { BucketAccess } from '../s3/bucket-access.js';
import { NO_BLOCK } from '../s3/public-access-block.js';
import type { Decision } from '../policy/decide.js';
import type { AuthzRequest } from '../policy/request.js';
import type { HttpRequestContext } from '../server/request-context.js';
import { bucketConfigs } from './bucket-configs.js';
import type { OssCall } from './call.js';

/** What an ACL grant can stand for: reading an object, listing the bucket, or writing an object. */
type AclUse = 'read-object' | 'list-bucket' | 'write-object';

const ACL_USES: Readonly<Record<string, AclUse>> = {
  'oss:getobject': 'read-object',
  'oss:listobjects': 'list-bucket',
  'oss:listmultipartuploads': 'list-bucket',
  'oss:putobject': 'write-object',
  'oss:deleteobject': 'write-object',
  'oss:abortmultipartupload': 'write-object',
  'oss:listparts': 'write-object',
};

/** Whether the policy decision leaves room for an ACL grant (OSS: no explicit deny, session allows). */
export function aclMayGrant(decision: Decision): boolean {
  return (
    decision.decision === 'ImplicitlyDenied' &&
    !decision.sessionDenies &&
    (decision.deniedBy === 'identity' || decision.deniedBy === 'resource')
  );
}

export function aclUse(action: string): AclUse | undefined {
  return ACL_USES[action.toLowerCase()];
}

/** The stored ACLs a decision needs: the bucket's canned name, the object's (null = default). */
export interface OssAcls {
  readonly bucket: string | undefined;
  /** undefined: not loaded, or no such object (the bucket's ACL then speaks for it). */
  readonly object: { readonly acl: string | null; readonly owner: string } | undefined;
}

/** A request's loaded ACLs: its bucket's, and its own object's when it addresses one. */
interface LoadedAcls {
  readonly bucketName: string;
  readonly bucketAcl: string | undefined;
  readonly objects: ReadonlyMap<string, OssAcls['object']>;
}

// By request: every decision of the request (the shared handlers' too) reads the same ACLs.
const loaded = new WeakMap<HttpRequestContext, LoadedAcls>();

/** Loads the ACLs of the call's bucket (and of its object, if it addresses one), once. */
export async function loadOssAcls(call: OssCall): Promise<void> {
  if (call.bucket === undefined || loaded.has(call.ctx)) return;
  const bucketAcl = (await bucketConfigs(call)).acl;
  const objects = new Map<string, OssAcls['object']>();
  const key = call.oss.key;
  if (key !== undefined) {
    const obj = await call.services.metadata.findObject(call.bucket.name, key);
    objects.set(key, obj === null ? undefined : { acl: obj.acl, owner: obj.owner });
  }
  loaded.set(call.ctx, { bucketName: call.bucket.name, bucketAcl, objects });
}

export function ossAclsLoaded(call: OssCall): boolean {
  return loaded.has(call.ctx);
}

const RESOURCE = /^acs:oss:[^:]*:[^:]*:([^/]+)(?:\/(.*))?$/s;

/**
 * A policy decision revised by the loaded ACLs (the dialect hook every decision of an OSS
 * request goes through): an implicit deny a public ACL covers becomes an Allow, recorded as the
 * ACL's (`public-read of bucket`, `Grant[i]`).
 */
export function reviseWithAcls(ctx: HttpRequestContext, request: AuthzRequest, decision: Decision): Decision {
  if (!aclMayGrant(decision) || aclUse(request.action) === undefined) return decision;
  const acls = loaded.get(ctx);
  const m = RESOURCE.exec(request.resource);
  if (acls === undefined || m === null || m[1] !== acls.bucketName) return decision;
  const key = m[2];
  const object = key === undefined ? undefined : acls.objects.get(key);
  const grant = ossAclGrant(request.resourceAccount ?? '', request, { bucket: acls.bucketAcl, object });
  if (grant === undefined) return decision;
  return {
    ...decision,
    decision: 'Allowed',
    deniedBy: null,
    explicit: false,
    decidedBy: 'resource',
    policyId: grant.granted,
    statement: `Grant[${grant.index}]`,
    rule: 'resource-allow',
    sessionDenies: false,
  };
}

/**
 * The ACL that grants the request, as `<canned> of <bucket|object>` for the decision log, or
 * undefined. `request.action` is the oss: action.
 */
export function ossAclGrant(
  owner: string,
  request: AuthzRequest,
  acls: OssAcls,
): { granted: string; index: number } | undefined {
  const use = aclUse(request.action);
  if (use === undefined) return undefined;
  const bucketDoc = readStoredAcl(acls.bucket, owner);
  const objectOwn = acls.object !== undefined && acls.object.acl !== null;
  // `default` (null) inherits the bucket's ACL; an object's own ACL takes precedence over it.
  const effective = objectOwn ? readStoredAcl(acls.object?.acl, acls.object?.owner ?? owner) : bucketDoc;
  const name = objectOwn ? `${acls.object?.acl ?? ''} of object` : `${acls.bucket ?? 'private'} of bucket`;
  let grant;
  switch (use) {
    case 'read-object':
      // A missing key reads as the bucket's: a public bucket answers NoSuchKey, not 403.
      grant = aclGrant(access(bucketDoc, effective), request.principal, 's3:GetObject', true);
      break;
    case 'list-bucket':
      grant = aclGrant(access(bucketDoc, undefined), request.principal, 's3:ListBucket', false);
      return grant === undefined
        ? undefined
        : { granted: `${acls.bucket ?? 'private'} of bucket`, index: grant.index };
    case 'write-object':
      // An S3 bucket WRITE grant is what public-read-write stands for; the effective ACL plays the bucket's.
      grant = aclGrant(access(effective, undefined), request.principal, 's3:PutObject', false);
      break;
  }
  return grant === undefined ? undefined : { granted: name, index: grant.index };
}

function access(bucketAcl: AclDocument, objectAcl: AclDocument | undefined): BucketAccess {
  // OSS has no Object Ownership or Block Public Access on these ACLs: they always take part.
  return {
    ownership: 'ObjectWriter',
    bucketAcl: publicOnly(bucketAcl),
    objectAcl: objectAcl === undefined ? undefined : publicOnly(objectAcl),
    publicAccessBlock: NO_BLOCK,
    cors: undefined,
  };
}

/**
 * Only the public grants speak in OSS: the owner's FULL_CONTROL in the S3 reading stands for the
 * account itself, and a RAM user of that account still needs a RAM policy (seed 001).
 */
function publicOnly(doc: AclDocument): AclDocument {
  return { ...doc, grants: doc.grants.filter(isPublicGrant) };
}
