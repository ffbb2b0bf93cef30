// Bucket operations in OSS's shapes: ListBuckets (GetService), PutBucket, DeleteBucket,
// GetBucketInfo, GetBucketLocation, and the bucket and object ACLs. A canned ACL is stored as
// its name: the bucket's in the bucket `acl` config slot, an object's in the object record
// (null = `default`, inherit the bucket's). The S3 dialect keeps answering "owner full control"
// (BucketOwnerEnforced) whatever is stored there.
import { bucketNameProblem } from '../s3/bucket-names.js';
import { DeleteBucket } from '../s3/buckets.js';
import { bucketOf } from '../s3/context.js';
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply } from '../server/reply.js';
import { buildXml, childText, parseXmlBody } from '../server/xml.js';
import { ossKeyOf, type OssCall, type OssOperationSpec } from './call.js';
import { restateReply } from './headers.js';
import { BUCKET_ACLS, OBJECT_ACLS } from './objects.js';

/** OSS regions are `oss-<region>`. */
export function ossLocation(region: string): string {
  return region.startsWith('oss-') ? region : `oss-${region}`;
}

function owner(accountId: string) {
  return { ID: accountId, DisplayName: accountId };
}

function xml(root: string, tree: Parameters<typeof buildXml>[1]) {
  return xmlReply(buildXml(root, tree, null));
}

export const ListBuckets: OssOperationSpec = {
  async handle(call) {
    const account = call.caller.principal.account;
    const q = call.oss.query;
    const prefix = q.get('prefix') ?? '';
    const marker = q.get('marker') ?? '';
    const rawMax = q.get('max-keys');
    const max =
      rawMax !== null && /^\d{1,4}$/.test(rawMax) ? Math.min(Math.max(Number(rawMax), 1), 1000) : 1000;
    const all = (await call.services.metadata.listBuckets({ owner: account })).filter(
      (b) => b.name.startsWith(prefix) && b.name > marker,
    );
    const page = all.slice(0, max);
    const truncated = all.length > page.length;
    const host = call.ctx.header('host') ?? '';
    return xml('ListAllMyBucketsResult', {
      Prefix: q.has('prefix') ? prefix : undefined,
      Marker: q.has('marker') ? marker : undefined,
      MaxKeys: rawMax !== null ? max : undefined,
      IsTruncated: truncated ? true : undefined,
      NextMarker: truncated ? page[page.length - 1]?.name : undefined,
      Owner: owner(account),
      Buckets: {
        Bucket: page.map((b) => ({
          CreationDate: b.createdAt,
          ExtranetEndpoint: host,
          IntranetEndpoint: host,
          Location: ossLocation(b.region),
          Name: b.name,
          Region: b.region,
          StorageClass: 'Standard',
        })),
      },
    });
  },
};

const CREATE_BODY_LIMIT = 64 * 1024;

export const PutBucket: OssOperationSpec = {
  async handle(call) {
    const name = call.oss.bucket ?? '';
    const problem = bucketNameProblem(name);
    if (problem !== null || name.includes('.'))
      throw new S3Error('InvalidBucketName', undefined, { BucketName: name });
    const acl = bucketAclHeader(call);
    const body = await readAll(call.body.stream, CREATE_BODY_LIMIT, () => new S3Error('MalformedXML'));
    if (body.length > 0) {
      const root = parseXmlBody(body, 'CreateBucketConfiguration');
      const storage = childText(root, 'StorageClass');
      if (
        storage !== undefined &&
        !['standard', 'ia', 'archive', 'coldarchive'].includes(storage.toLowerCase())
      )
        throw new S3Error('InvalidArgument', 'Invalid storage class', { ArgumentName: 'StorageClass' });
    }
    const { metadata, config } = call.services;
    await metadata.createBucket({
      name,
      owner: call.caller.principal.account,
      region: config.region,
      createdAt: new Date(),
    });
    if (acl !== undefined) await metadata.putBucketConfig(name, 'acl', acl);
    return emptyReply(200, { location: `/${name}` });
  },
};

function bucketAclHeader(call: OssCall): string | undefined {
  const acl = call.ctx.header('x-oss-acl');
  if (acl === undefined) return undefined;
  if (!BUCKET_ACLS.has(acl))
    throw new S3Error('InvalidArgument', 'no such bucket access control exists', {
      ArgumentName: 'x-oss-acl',
      ArgumentValue: acl,
    });
  return acl;
}

export const DeleteBucketOss: OssOperationSpec = {
  async handle(call) {
    return restateReply(await DeleteBucket.handle(call));
  },
};

export const GetBucketLocation: OssOperationSpec = {
  handle(call) {
    return Promise.resolve(
      xmlReply(
        `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint>${ossLocation(bucketOf(call).region)}</LocationConstraint>`,
      ),
    );
  },
};

async function bucketAcl(call: OssCall): Promise<string> {
  return (await call.services.metadata.getBucketConfig(bucketOf(call).name, 'acl')) ?? 'private';
}

export const GetBucketInfo: OssOperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const host = call.ctx.header('host') ?? '';
    return xml('BucketInfo', {
      Bucket: {
        AccessMonitor: 'Disabled',
        CreationDate: bucket.createdAt,
        CrossRegionReplication: 'Disabled',
        DataRedundancyType: 'LRS',
        ExtranetEndpoint: host,
        IntranetEndpoint: host,
        Location: ossLocation(bucket.region),
        Name: bucket.name,
        StorageClass: 'Standard',
        TransferAcceleration: 'Disabled',
        Owner: owner(bucket.owner),
        AccessControlList: { Grant: await bucketAcl(call) },
        ServerSideEncryptionRule: { SSEAlgorithm: 'None' },
        BucketPolicy: { LogBucket: '', LogPrefix: '' },
      },
    });
  },
};

export const GetBucketAcl: OssOperationSpec = {
  async handle(call) {
    return xml('AccessControlPolicy', {
      Owner: owner(bucketOf(call).owner),
      AccessControlList: { Grant: await bucketAcl(call) },
    });
  },
};

export const PutBucketAcl: OssOperationSpec = {
  async handle(call) {
    const acl = bucketAclHeader(call);
    if (acl === undefined)
      throw new S3Error('InvalidArgument', 'no such bucket access control exists', {
        ArgumentName: 'x-oss-acl',
      });
    await call.services.metadata.putBucketConfig(bucketOf(call).name, 'acl', acl);
    return emptyReply(200);
  },
};

export const GetObjectAcl: OssOperationSpec = {
  async handle(call) {
    const key = ossKeyOf(call);
    const obj = await call.services.metadata.findObject(bucketOf(call).name, key);
    if (obj === null) throw new S3Error('NoSuchKey', undefined, { Key: key });
    return xml('AccessControlPolicy', {
      Owner: owner(obj.owner),
      AccessControlList: { Grant: obj.acl ?? 'default' },
    });
  },
};

export const PutObjectAcl: OssOperationSpec = {
  async handle(call) {
    const key = ossKeyOf(call);
    const acl = call.ctx.header('x-oss-object-acl') ?? '';
    if (!OBJECT_ACLS.has(acl))
      throw new S3Error('InvalidArgument', 'no such object access control exists', {
        ArgumentName: 'x-oss-object-acl',
        ArgumentValue: acl,
      });
    const bucket = bucketOf(call).name;
    if ((await call.services.metadata.findObject(bucket, key)) === null)
      throw new S3Error('NoSuchKey', undefined, { Key: key });
    await call.services.metadata.putObjectAcl(bucket, key, acl === 'default' ? null : acl);
    return emptyReply(200);
  },
};
