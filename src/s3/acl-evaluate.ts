// ACL grants in authorization (S3 with ACLs enabled): a grant that reaches the caller allows the
// actions its permission stands for, as a resource-policy Allow would. The bucket ACL speaks for
// bucket actions and for writing objects; the object ACL for reading the object and its ACL.
import { canonicalUserId } from '../identity/account.js';
import type { Principal } from '../policy/request.js';
import {
  ALL_USERS,
  AUTHENTICATED_USERS,
  isPublicGrant,
  type AclDocument,
  type Grant,
  type Permission,
} from './acl-document.js';
import type { BucketAccess } from './bucket-access.js';

/** Action → the permission a grant must give, on the bucket ACL or on the object ACL. */
const BUCKET_ACTIONS: Readonly<Record<string, Permission>> = {
  's3:listbucket': 'READ',
  's3:listbucketversions': 'READ',
  's3:listbucketmultipartuploads': 'READ',
  's3:putobject': 'WRITE',
  's3:deleteobject': 'WRITE',
  's3:deleteobjectversion': 'WRITE',
  's3:getbucketacl': 'READ_ACP',
  's3:putbucketacl': 'WRITE_ACP',
};

const OBJECT_ACTIONS: Readonly<Record<string, Permission>> = {
  's3:getobject': 'READ',
  's3:getobjectversion': 'READ',
  's3:getobjectacl': 'READ_ACP',
  's3:getobjectversionacl': 'READ_ACP',
  's3:putobjectacl': 'WRITE_ACP',
  's3:putobjectversionacl': 'WRITE_ACP',
};

function reaches(g: Grant, p: Principal): boolean {
  if (g.grantee.type === 'Group') {
    if (g.grantee.uri === ALL_USERS) return true;
    return g.grantee.uri === AUTHENTICATED_USERS && p.type !== 'anonymous';
  }
  return p.type !== 'anonymous' && p.account !== '' && g.grantee.id === canonicalUserId(p.account);
}

function grantIn(acl: AclDocument, p: Principal, permission: Permission, ignorePublic: boolean): number {
  return acl.grants.findIndex(
    (g) =>
      (g.permission === permission || g.permission === 'FULL_CONTROL') &&
      !(ignorePublic && isPublicGrant(g)) &&
      reaches(g, p),
  );
}

/**
 * Which ACL grant allows `action` to the principal, if any (`bucket ACL` / `object ACL` and the
 * grant's index). `objectTarget` says the action is on the object the request addresses.
 */
export function aclGrant(
  access: BucketAccess,
  principal: Principal,
  action: string,
  objectTarget: boolean,
): { acl: 'bucket ACL' | 'object ACL'; index: number } | undefined {
  if (access.ownership === 'BucketOwnerEnforced') return undefined;
  const a = action.toLowerCase();
  const ignorePublic = access.publicAccessBlock.IgnorePublicAcls;
  const bucketPermission = BUCKET_ACTIONS[a];
  if (bucketPermission !== undefined) {
    const i = grantIn(access.bucketAcl, principal, bucketPermission, ignorePublic);
    if (i >= 0) return { acl: 'bucket ACL', index: i };
  }
  const objectPermission = OBJECT_ACTIONS[a];
  if (objectPermission !== undefined && objectTarget && access.objectAcl !== undefined) {
    const i = grantIn(access.objectAcl, principal, objectPermission, ignorePublic);
    if (i >= 0) return { acl: 'object ACL', index: i };
  }
  return undefined;
}
