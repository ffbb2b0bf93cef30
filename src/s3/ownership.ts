// Object Ownership (GetBucketOwnershipControls, PutBucketOwnershipControls,
// DeleteBucketOwnershipControls). A bucket without the setting behaves as S3's default since
// 2023, BucketOwnerEnforced: ACLs are disabled and the bucket owner owns every object.
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply } from '../server/reply.js';
import { buildXml, childElements, childText, parseXmlBody } from '../server/xml.js';
import { bucketOf } from './context.js';
import type { OperationSpec } from './operation.js';

export const OWNERSHIPS = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;
export type ObjectOwnership = (typeof OWNERSHIPS)[number];

export function isOwnership(v: string): v is ObjectOwnership {
  return (OWNERSHIPS as readonly string[]).includes(v);
}

/** The stored setting (the bare value), or the default when there is none. */
export function ownershipOf(stored: string | undefined | null): ObjectOwnership {
  return stored !== undefined && stored !== null && isOwnership(stored) ? stored : 'BucketOwnerEnforced';
}

export function aclNotSupported(): S3Error {
  return new S3Error(
    { code: 'AccessControlListNotSupported', status: 400 },
    'The bucket does not allow ACLs',
  );
}

export const GetBucketOwnershipControls: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const stored = await call.services.metadata.getBucketConfig(bucket.name, 'ownership');
    if (stored === null)
      throw new S3Error(
        { code: 'OwnershipControlsNotFoundError', status: 404 },
        'The bucket ownership controls were not found',
        { BucketName: bucket.name },
      );
    return xmlReply(buildXml('OwnershipControls', { Rule: { ObjectOwnership: ownershipOf(stored) } }));
  },
};

export const PutBucketOwnershipControls: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const body = await readAll(call.body.stream, 64 * 1024, () => new S3Error('MalformedXML'));
    const root = parseXmlBody(body, 'OwnershipControls', { arrays: ['Rule'] });
    const rules = childElements(root, 'Rule');
    const rule = rules[0];
    if (rules.length !== 1 || rule === undefined) throw new S3Error('MalformedXML');
    const value = childText(rule, 'ObjectOwnership');
    if (value === undefined || !isOwnership(value)) throw new S3Error('MalformedXML');
    await call.services.metadata.putBucketConfig(bucket.name, 'ownership', value);
    return emptyReply(200);
  },
};

export const DeleteBucketOwnershipControls: OperationSpec = {
  async handle(call) {
    await call.services.metadata.deleteBucketConfig(bucketOf(call).name, 'ownership');
    return emptyReply(204);
  },
};
