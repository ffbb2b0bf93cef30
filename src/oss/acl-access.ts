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
  /** undefined: no such object (a write creates it; a read finds nothing to grant). */
  readonly object: { readonly acl: string | null; readonly owner: string } | undefined;
}

/** Loads the ACLs an action's grant depends on. */
export async function loadOssAcls(
  call: OssCall,
  action: string,
  bucketAcl: string | undefined,
): Promise<OssAcls> {
  const use = aclUse(action);
  const key = call.oss.key;
  let object: OssAcls['object'];
  if (use !== 'list-bucket' && key !== undefined && call.bucket !== undefined) {
    const obj = await call.services.metadata.findObject(call.bucket.name, key);
    if (obj !== null) object = { acl: obj.acl, owner: obj.owner };
  }
  return { bucket: bucketAcl, object };
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
      if (acls.object === undefined) return undefined;
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
