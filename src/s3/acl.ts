// GetBucketAcl and GetObjectAcl. Portcullis buckets behave like S3's default since 2023
// (Object Ownership "BucketOwnerEnforced"): ACLs are disabled, the bucket owner has full control
// of everything, and access is decided by policies alone. These read-only answers say exactly
// that, which is what tools such as `aws s3 sync` and s3cmd ask for.
import { canonicalUserId } from '../identity/account.js';
import { S3Error } from '../server/errors.js';
import { xmlReply } from '../server/reply.js';
import { S3_XMLNS, xmlEscape } from '../server/xml.js';
import { bucketOf, keyOf } from './context.js';
import type { OperationSpec } from './operation.js';

function ownerFullControl(accountId: string): string {
  const id = canonicalUserId(accountId);
  const owner = `<ID>${id}</ID><DisplayName>${xmlEscape(accountId)}</DisplayName>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy xmlns="${S3_XMLNS}"><Owner>${owner}</Owner>` +
    `<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">${owner}</Grantee>` +
    `<Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`
  );
}

export const GetBucketAcl: OperationSpec = {
  handle(call) {
    return Promise.resolve(xmlReply(ownerFullControl(bucketOf(call).owner)));
  },
};

export const GetObjectAcl: OperationSpec = {
  async handle(call) {
    const obj = await call.services.metadata.findObject(bucketOf(call).name, keyOf(call));
    if (obj === null) throw new S3Error('NoSuchKey', undefined, { Key: keyOf(call) });
    return xmlReply(ownerFullControl(obj.owner));
  },
};
