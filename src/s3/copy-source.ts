// The source of CopyObject / UploadPartCopy: `x-amz-copy-source: [/]bucket/key[?versionId=v]`,
// URL-encoded. Reading it needs s3:GetObject on the source object under the source bucket's
// policy and owner, decided and recorded like the destination's permission.
import { S3Error } from '../server/errors.js';
import type { BucketRecord, ObjectRecord } from '../store/metadata.js';
import { authorize, objectArn } from './authorize.js';
import { checkCopySourceConditions } from './conditions.js';
import type { S3Call } from './context.js';
import { MAX_KEY_BYTES } from './routes.js';

export interface CopySource {
  readonly bucket: BucketRecord;
  readonly key: string;
  readonly object: ObjectRecord;
}

function invalidSource(
  message = 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
): S3Error {
  return new S3Error('InvalidArgument', message, { ArgumentName: 'x-amz-copy-source' });
}

export function parseCopySource(header: string): {
  bucket: string;
  key: string;
  versionId: string | undefined;
} {
  let raw = header.startsWith('/') ? header.slice(1) : header;
  let versionId: string | undefined;
  const q = raw.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(raw.slice(q + 1));
    versionId = params.get('versionId') ?? undefined;
    raw = raw.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw invalidSource();
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw invalidSource();
  const key = decoded.slice(slash + 1);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError');
  return { bucket: decoded.slice(0, slash), key, versionId };
}

export async function loadCopySource(call: S3Call): Promise<CopySource> {
  const header = call.ctx.header('x-amz-copy-source') ?? '';
  const { bucket: name, key, versionId } = parseCopySource(header);
  if (versionId !== undefined && versionId !== 'null') throw invalidSource('Invalid version id specified');
  const { metadata, policies } = call.services;
  const bucket = await metadata.getBucket(name);
  if (bucket === null) throw new S3Error('NoSuchBucket', undefined, { BucketName: name });
  const expectedOwner = call.ctx.header('x-amz-source-expected-bucket-owner');
  if (expectedOwner !== undefined && expectedOwner !== bucket.owner) throw new S3Error('AccessDenied');
  authorize(call, {
    action: 's3:GetObject',
    resource: objectArn(name, key),
    owner: bucket.owner,
    policy: await policies.get(name),
  });
  const object = await metadata.findObject(name, key);
  if (object === null) throw new S3Error('NoSuchKey', undefined, { Key: key });
  checkCopySourceConditions((h) => call.ctx.header(h), object);
  return { bucket, key, object };
}
