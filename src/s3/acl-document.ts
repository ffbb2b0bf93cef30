// S3 access control lists as data: the grants, the canned ACLs that expand to them, the
// `x-amz-grant-*` headers and the AccessControlPolicy XML that spell them, and the stored form.
// Stored as JSON in the bucket's `acl` config slot and the object's `acl` field; a bare canned
// name (what the OSS dialect stores there) is read as that canned ACL.
import { canonicalUserId } from '../identity/account.js';
import { S3Error } from '../server/errors.js';
import { childElements, childText, parseXmlBody, S3_XMLNS, xmlEscape } from '../server/xml.js';

export const PERMISSIONS = ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const GROUPS = new Set([ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY]);

export type Grantee =
  { readonly type: 'CanonicalUser'; readonly id: string } | { readonly type: 'Group'; readonly uri: string };

export interface Grant {
  readonly grantee: Grantee;
  readonly permission: Permission;
}

export interface AclDocument {
  /** The owning account id (its canonical user id is derived). */
  readonly owner: string;
  readonly grants: readonly Grant[];
}

export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
  'aws-exec-read',
] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

export function isCannedAcl(v: string): v is CannedAcl {
  return (CANNED_ACLS as readonly string[]).includes(v);
}

const user = (account: string): Grantee => ({ type: 'CanonicalUser', id: canonicalUserId(account) });
const group = (uri: string): Grantee => ({ type: 'Group', uri });

/** The grants a canned ACL stands for; `bucketOwner` matters for the bucket-owner-* ones. */
export function cannedAcl(name: CannedAcl, owner: string, bucketOwner: string = owner): AclDocument {
  const grants: Grant[] = [{ grantee: user(owner), permission: 'FULL_CONTROL' }];
  const add = (grantee: Grantee, permission: Permission) => grants.push({ grantee, permission });
  switch (name) {
    case 'public-read':
      add(group(ALL_USERS), 'READ');
      break;
    case 'public-read-write':
      add(group(ALL_USERS), 'READ');
      add(group(ALL_USERS), 'WRITE');
      break;
    case 'authenticated-read':
      add(group(AUTHENTICATED_USERS), 'READ');
      break;
    case 'bucket-owner-read':
      if (bucketOwner !== owner) add(user(bucketOwner), 'READ');
      break;
    case 'bucket-owner-full-control':
      if (bucketOwner !== owner) add(user(bucketOwner), 'FULL_CONTROL');
      break;
    case 'log-delivery-write':
      add(group(LOG_DELIVERY), 'WRITE');
      add(group(LOG_DELIVERY), 'READ_ACP');
      break;
    case 'private':
    case 'aws-exec-read':
      break;
  }
  return { owner, grants };
}

/** A stored ACL (JSON, or an OSS canned name); null or `default` means the owner's private ACL. */
export function readStoredAcl(text: string | null | undefined, owner: string): AclDocument {
  if (text === null || text === undefined || text === 'default') return cannedAcl('private', owner);
  if (!text.startsWith('{')) return isCannedAcl(text) ? cannedAcl(text, owner) : cannedAcl('private', owner);
  try {
    const doc = JSON.parse(text) as { owner?: unknown; grants?: unknown };
    const grants = Array.isArray(doc.grants) ? doc.grants.filter(isGrant) : [];
    return { owner: typeof doc.owner === 'string' ? doc.owner : owner, grants };
  } catch {
    return cannedAcl('private', owner);
  }
}

function isGrant(g: unknown): g is Grant {
  if (typeof g !== 'object' || g === null) return false;
  const { grantee, permission } = g as {
    grantee?: { type?: unknown; id?: unknown; uri?: unknown };
    permission?: unknown;
  };
  if (typeof permission !== 'string' || !(PERMISSIONS as readonly string[]).includes(permission))
    return false;
  if (grantee?.type === 'CanonicalUser') return typeof grantee.id === 'string';
  return grantee?.type === 'Group' && typeof grantee.uri === 'string';
}

export function storedAcl(doc: AclDocument): string {
  return JSON.stringify(doc);
}

/** True when a grant reaches everyone or every authenticated AWS user (S3's "public" ACL). */
export function isPublicGrant(g: Grant): boolean {
  return g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS || g.grantee.uri === AUTHENTICATED_USERS);
}

export function isPublicAcl(doc: AclDocument): boolean {
  return doc.grants.some(isPublicGrant);
}

// ---- request forms ------------------------------------------------------------------------

const GRANT_HEADERS: readonly (readonly [string, Permission])[] = [
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
];

export function invalidCannedAcl(value: string): S3Error {
  return new S3Error('InvalidArgument', undefined, { ArgumentName: 'x-amz-acl', ArgumentValue: value });
}

/**
 * The ACL a request asks for through `x-amz-acl` or `x-amz-grant-*` headers, or undefined when it
 * names none. `owner` owns the resource; `bucketOwner` is used by bucket-owner-* canned ACLs.
 */
export function aclFromHeaders(
  header: (name: string) => string | undefined,
  owner: string,
  bucketOwner: string,
): { doc: AclDocument; canned: CannedAcl | undefined } | undefined {
  const canned = header('x-amz-acl');
  const grantHeaders = GRANT_HEADERS.filter(([name]) => header(name) !== undefined);
  if (canned !== undefined && grantHeaders.length > 0)
    throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
  if (canned !== undefined) {
    if (!isCannedAcl(canned)) throw invalidCannedAcl(canned);
    return { doc: cannedAcl(canned, owner, bucketOwner), canned };
  }
  if (grantHeaders.length === 0) return undefined;
  const grants: Grant[] = [];
  for (const [name, permission] of grantHeaders) {
    for (const grantee of parseGranteeList(header(name) ?? '', name)) grants.push({ grantee, permission });
  }
  return { doc: { owner, grants }, canned: undefined };
}

/** `id="…", uri="…"` as in x-amz-grant-read. */
function parseGranteeList(value: string, headerName: string): Grantee[] {
  const out: Grantee[] = [];
  for (const part of value.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const m = /^(id|uri|emailAddress)\s*=\s*"?([^"]*)"?$/i.exec(item);
    if (m === null || m[1] === undefined || m[2] === undefined)
      throw new S3Error('InvalidArgument', undefined, { ArgumentName: headerName, ArgumentValue: value });
    out.push(granteeOf(m[1].toLowerCase(), m[2]));
  }
  return out;
}

function granteeOf(kind: string, value: string): Grantee {
  if (kind === 'id') {
    if (!/^[0-9a-f]{64}$/.test(value))
      throw new S3Error('InvalidArgument', 'Invalid id', { ArgumentName: 'id', ArgumentValue: value });
    return { type: 'CanonicalUser', id: value };
  }
  if (kind === 'uri') {
    if (!GROUPS.has(value))
      throw new S3Error('InvalidArgument', 'Invalid group uri', {
        ArgumentName: 'uri',
        ArgumentValue: value,
      });
    return { type: 'Group', uri: value };
  }
  // There is no email directory here, as in every region that launched after 2014.
  throw new S3Error(
    { code: 'UnresolvableGrantByEmailAddress', status: 400 },
    'The e-mail address you provided does not match any account on record.',
    { EmailAddress: value },
  );
}

const MALFORMED_ACL = (): S3Error =>
  new S3Error(
    { code: 'MalformedACLError', status: 400 },
    'The XML you provided was not well-formed or did not validate against our published schema',
  );

/** The AccessControlPolicy XML body of PutBucketAcl / PutObjectAcl. */
export function aclFromXml(body: Buffer, owner: string): AclDocument {
  let root;
  try {
    root = parseXmlBody(body, 'AccessControlPolicy', { arrays: ['Grant'], maxBytes: 64 * 1024 });
  } catch {
    throw MALFORMED_ACL();
  }
  const ownerEl = childElements(root, 'Owner')[0];
  const ownerId = ownerEl ? childText(ownerEl, 'ID') : undefined;
  if (ownerId === undefined) throw MALFORMED_ACL();
  // S3 refuses an ACL that hands the resource to someone else.
  if (ownerId !== canonicalUserId(owner)) throw new S3Error('AccessDenied');
  const list = childElements(root, 'AccessControlList')[0];
  if (list === undefined) throw MALFORMED_ACL();
  const grants: Grant[] = [];
  for (const g of childElements(list, 'Grant')) {
    const permission = childText(g, 'Permission');
    const granteeEl = childElements(g, 'Grantee')[0];
    if (permission === undefined || granteeEl === undefined) throw MALFORMED_ACL();
    if (!(PERMISSIONS as readonly string[]).includes(permission)) throw MALFORMED_ACL();
    const id = childText(granteeEl, 'ID');
    const uri = childText(granteeEl, 'URI');
    const email = childText(granteeEl, 'EmailAddress');
    const grantee =
      id !== undefined
        ? granteeOf('id', id)
        : uri !== undefined
          ? granteeOf('uri', uri)
          : email !== undefined
            ? granteeOf('emailaddress', email)
            : undefined;
    if (grantee === undefined) throw MALFORMED_ACL();
    grants.push({ grantee, permission: permission as Permission });
  }
  return { owner, grants };
}

/** GetBucketAcl / GetObjectAcl's answer. */
export function aclXml(doc: AclDocument): string {
  const ownerXml = `<ID>${canonicalUserId(doc.owner)}</ID><DisplayName>${xmlEscape(doc.owner)}</DisplayName>`;
  let grants = '';
  for (const g of doc.grants) {
    const grantee =
      g.grantee.type === 'CanonicalUser'
        ? `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${g.grantee.id}</ID>${g.grantee.id === canonicalUserId(doc.owner) ? `<DisplayName>${xmlEscape(doc.owner)}</DisplayName>` : ''}</Grantee>`
        : `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${xmlEscape(g.grantee.uri)}</URI></Grantee>`;
    grants += `<Grant>${grantee}<Permission>${g.permission}</Permission></Grant>`;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy xmlns="${S3_XMLNS}"><Owner>${ownerXml}</Owner>` +
    `<AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`
  );
}
