// GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl, and the ACL a write (PutObject,
// CopyObject, CreateMultipartUpload) asks for. Under BucketOwnerEnforced (the default) ACLs are
// disabled: reads answer "bucket owner, FULL_CONTROL" and writes accept only the ACLs that say
// the same (private, bucket-owner-full-control); anything else is AccessControlListNotSupported.
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply } from '../server/reply.js';
import type { BucketRecord } from '../store/metadata.js';
import {
  aclFromHeaders,
  aclFromXml,
  aclXml,
  cannedAcl,
  isPublicAcl,
  readStoredAcl,
  storedAcl,
  type AclDocument,
  type CannedAcl,
} from './acl-document.js';
import { bucketOf, keyOf, type S3Call } from './context.js';
import type { OperationSpec } from './operation.js';
import { aclNotSupported } from './ownership.js';
import { NO_BLOCK } from './public-access-block.js';

/** Canned ACLs stored by name (the OSS dialect reads the same names). */
const STORED_BY_NAME = new Set<string>(['private', 'public-read', 'public-read-write', 'authenticated-read']);

function storedForm(doc: AclDocument, canned: CannedAcl | undefined): string {
  return canned !== undefined && STORED_BY_NAME.has(canned) ? canned : storedAcl(doc);
}

/** An ACL that only gives the owner full control: all BucketOwnerEnforced accepts. */
function ownerOnly(doc: AclDocument, bucketOwner: string): boolean {
  const own = cannedAcl('private', bucketOwner).grants[0];
  return doc.grants.every(
    (g) =>
      g.permission === 'FULL_CONTROL' &&
      g.grantee.type === 'CanonicalUser' &&
      own?.grantee.type === 'CanonicalUser' &&
      g.grantee.id === own.grantee.id,
  );
}

function ownershipOfCall(call: S3Call) {
  return call.access?.ownership ?? 'BucketOwnerEnforced';
}

function blockPublic(call: S3Call, doc: AclDocument): void {
  if ((call.access?.publicAccessBlock ?? NO_BLOCK).BlockPublicAcls && isPublicAcl(doc))
    throw new S3Error('AccessDenied');
}

const header = (call: S3Call) => (name: string) => call.ctx.header(name);

/**
 * The owner and stored ACL of an object a write creates. BucketOwnerPreferred gives the object
 * to the bucket owner when the writer says bucket-owner-full-control; ObjectWriter to the writer.
 */
export function aclForWrite(
  call: S3Call,
  bucket: BucketRecord,
  headerOf: (name: string) => string | undefined = header(call),
): { acl: string | null; owner: string } {
  const writer = call.caller.principal.account || bucket.owner;
  const canned = headerOf('x-amz-acl');
  const ownership = ownershipOfCall(call);
  const owner =
    ownership === 'BucketOwnerEnforced' ||
    (ownership === 'BucketOwnerPreferred' && canned === 'bucket-owner-full-control')
      ? bucket.owner
      : writer;
  const asked = aclFromHeaders(headerOf, owner, bucket.owner);
  if (ownership === 'BucketOwnerEnforced') {
    if (asked !== undefined && !ownerOnly(cannedOrDoc(asked, bucket.owner), bucket.owner))
      throw aclNotSupported();
    return { acl: null, owner };
  }
  if (asked === undefined) return { acl: null, owner };
  blockPublic(call, asked.doc);
  return { acl: storedForm(asked.doc, asked.canned), owner };
}

/** bucket-owner-full-control under enforcement reads as the bucket owner's private ACL. */
function cannedOrDoc(
  asked: { doc: AclDocument; canned: CannedAcl | undefined },
  bucketOwner: string,
): AclDocument {
  return asked.canned === 'bucket-owner-full-control' ? cannedAcl('private', bucketOwner) : asked.doc;
}

/** The ACL a PutBucketAcl / PutObjectAcl request sets: headers, else the XML body. */
async function requestedAcl(
  call: S3Call,
  owner: string,
  bucketOwner: string,
): Promise<{ doc: AclDocument; canned: CannedAcl | undefined }> {
  const fromHeaders = aclFromHeaders(header(call), owner, bucketOwner);
  const body = await readAll(call.body.stream, 64 * 1024, () => new S3Error('MalformedXML'));
  if (fromHeaders !== undefined) {
    if (body.length > 0) throw new S3Error('UnexpectedContent', 'This request does not support content');
    return fromHeaders;
  }
  if (body.length === 0)
    throw new S3Error(
      { code: 'MissingSecurityHeader', status: 400 },
      'Your request was missing a required header',
      { MissingHeaderName: 'x-amz-acl' },
    );
  return { doc: aclFromXml(body, owner), canned: undefined };
}

export const GetBucketAcl: OperationSpec = {
  handle(call) {
    const bucket = bucketOf(call);
    const doc =
      ownershipOfCall(call) === 'BucketOwnerEnforced'
        ? cannedAcl('private', bucket.owner)
        : (call.access?.bucketAcl ?? cannedAcl('private', bucket.owner));
    return Promise.resolve(xmlReply(aclXml(doc)));
  },
};

export const PutBucketAcl: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const asked = await requestedAcl(call, bucket.owner, bucket.owner);
    if (ownershipOfCall(call) === 'BucketOwnerEnforced') {
      if (!ownerOnly(cannedOrDoc(asked, bucket.owner), bucket.owner)) throw aclNotSupported();
      return emptyReply(200);
    }
    blockPublic(call, asked.doc);
    await call.services.metadata.putBucketConfig(bucket.name, 'acl', storedForm(asked.doc, asked.canned));
    return emptyReply(200);
  },
};

export const GetObjectAcl: OperationSpec = {
  async handle(call) {
    const obj = await call.services.metadata.findObject(bucketOf(call).name, keyOf(call));
    if (obj === null) throw new S3Error('NoSuchKey', undefined, { Key: keyOf(call) });
    const doc =
      ownershipOfCall(call) === 'BucketOwnerEnforced'
        ? cannedAcl('private', obj.owner)
        : readStoredAcl(obj.acl, obj.owner);
    return xmlReply(aclXml(doc));
  },
};

export const PutObjectAcl: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const key = keyOf(call);
    const obj = await call.services.metadata.findObject(bucket.name, key);
    if (obj === null) throw new S3Error('NoSuchKey', undefined, { Key: key });
    const asked = await requestedAcl(call, obj.owner, bucket.owner);
    if (ownershipOfCall(call) === 'BucketOwnerEnforced') {
      if (!ownerOnly(cannedOrDoc(asked, bucket.owner), bucket.owner)) throw aclNotSupported();
      return emptyReply(200);
    }
    blockPublic(call, asked.doc);
    await call.services.metadata.putObjectAcl(bucket.name, key, storedForm(asked.doc, asked.canned));
    return emptyReply(200);
  },
};
