// Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation.
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply } from '../server/reply.js';
import { buildXml, childText, parseXmlBody, S3_XMLNS, xmlEscape } from '../server/xml.js';
import { aclFromHeaders, storedAcl } from './acl-document.js';
import { bucketNameProblem } from './bucket-names.js';
import { isOwnership, ownershipOf } from './ownership.js';
import { bucketOf, type S3Call } from './context.js';
import { intParam, invalidArgument, ownerXml, type OperationSpec } from './operation.js';

const CREATE_BUCKET_BODY_LIMIT = 64 * 1024;

export const ListBuckets: OperationSpec = {
  async handle(call) {
    const account = call.caller.principal.account;
    const prefix = call.route.query.get('prefix') ?? '';
    const max = Math.min(
      intParam(call, 'max-buckets', 10_000, 1, 'Max Buckets must be a positive integer'),
      10_000,
    );
    const token = call.route.query.get('continuation-token');
    let after = '';
    if (token !== null) {
      after = Buffer.from(token, 'base64').toString('utf8');
      if (token === '' || after === '')
        throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
    }
    const all = (await call.services.metadata.listBuckets({ owner: account })).filter(
      (b) => b.name.startsWith(prefix) && b.name > after,
    );
    const page = all.slice(0, max);
    const truncated = all.length > page.length;
    const last = page[page.length - 1];
    return xmlReply(
      buildXml('ListAllMyBucketsResult', {
        Buckets: {
          Bucket: page.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: b.region })),
        },
        Owner: ownerXml(account),
        ContinuationToken: truncated && last ? Buffer.from(last.name).toString('base64') : undefined,
        Prefix: call.route.query.has('prefix') ? prefix : undefined,
      }),
    );
  },
};

export const CreateBucket: OperationSpec = {
  validate(call) {
    const name = call.route.bucket ?? '';
    const problem = bucketNameProblem(name);
    if (problem !== null) throw new S3Error('InvalidBucketName', problem, { BucketName: name });
  },
  async handle(call) {
    const name = call.route.bucket ?? '';
    const region = call.services.config.region;
    const body = await readAll(call.body.stream, CREATE_BUCKET_BODY_LIMIT, () => new S3Error('MalformedXML'));
    if (body.length > 0) {
      const root = parseXmlBody(body, 'CreateBucketConfiguration');
      const constraint = childText(root, 'LocationConstraint');
      if (constraint !== undefined && constraint !== '') checkLocation(constraint, region);
    }
    const owner = call.caller.principal.account;
    const ownershipHeader = call.ctx.header('x-amz-object-ownership');
    if (ownershipHeader !== undefined && !isOwnership(ownershipHeader))
      throw invalidArgument(
        'Invalid x-amz-object-ownership header',
        'x-amz-object-ownership',
        ownershipHeader,
      );
    const ownership = ownershipOf(ownershipHeader);
    const asked = aclFromHeaders((h) => call.ctx.header(h), owner, owner);
    const ownerOnly =
      asked === undefined || asked.canned === 'private' || asked.canned === 'bucket-owner-full-control';
    if (ownership === 'BucketOwnerEnforced' && !ownerOnly)
      throw new S3Error(
        { code: 'InvalidBucketAclWithObjectOwnership', status: 400 },
        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
      );
    const { metadata } = call.services;
    await metadata.createBucket({ name, owner, region, createdAt: new Date() });
    if (ownershipHeader !== undefined) await metadata.putBucketConfig(name, 'ownership', ownership);
    if (asked !== undefined && ownership !== 'BucketOwnerEnforced')
      await metadata.putBucketConfig(name, 'acl', asked.canned ?? storedAcl(asked.doc));
    return emptyReply(200, { location: `/${name}` });
  },
};

/**
 * S3 rejects a LocationConstraint naming us-east-1 (that region is the empty constraint) and one
 * naming a region other than the endpoint's.
 */
function checkLocation(constraint: string, region: string): void {
  if (constraint === 'us-east-1' && region === 'us-east-1') {
    throw new S3Error('InvalidLocationConstraint', undefined, { LocationConstraint: constraint });
  }
  if (constraint !== region) {
    throw new S3Error(
      'IllegalLocationConstraintException',
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
}

export const HeadBucket: OperationSpec = {
  handle(call) {
    const bucket = bucketOf(call);
    return Promise.resolve(
      emptyReply(200, { 'x-amz-bucket-region': bucket.region, 'x-amz-access-point-alias': 'false' }),
    );
  },
};

export const DeleteBucket: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    await call.services.metadata.deleteBucket(bucket.name);
    call.services.policies.forget(bucket.name);
    return emptyReply(204);
  },
};

export const GetBucketLocation: OperationSpec = {
  handle(call: S3Call) {
    const bucket = bucketOf(call);
    // us-east-1 is the empty constraint, as in S3.
    const location = bucket.region === 'us-east-1' ? '' : bucket.region;
    return Promise.resolve(
      xmlReply(
        `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${xmlEscape(location)}</LocationConstraint>`,
      ),
    );
  },
};
