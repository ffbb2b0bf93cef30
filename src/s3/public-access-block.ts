// Block Public Access (Get/Put/DeletePublicAccessBlock) and S3's definition of "public" for
// bucket policies and ACLs, which the four settings act on.
import type { PolicyDocument, Statement } from '../policy/model.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply } from '../server/reply.js';
import { buildXml, childText, parseXmlBody } from '../server/xml.js';
import { bucketOf } from './context.js';
import type { OperationSpec } from './operation.js';

export interface PublicAccessBlock {
  readonly BlockPublicAcls: boolean;
  readonly IgnorePublicAcls: boolean;
  readonly BlockPublicPolicy: boolean;
  readonly RestrictPublicBuckets: boolean;
}

const FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

export const NO_BLOCK: PublicAccessBlock = {
  BlockPublicAcls: false,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};

/** The stored settings (JSON); none stored blocks nothing. */
export function publicAccessBlockOf(stored: string | null | undefined): PublicAccessBlock {
  if (stored === null || stored === undefined) return NO_BLOCK;
  try {
    const v = JSON.parse(stored) as Record<string, unknown>;
    return {
      BlockPublicAcls: v['BlockPublicAcls'] === true,
      IgnorePublicAcls: v['IgnorePublicAcls'] === true,
      BlockPublicPolicy: v['BlockPublicPolicy'] === true,
      RestrictPublicBuckets: v['RestrictPublicBuckets'] === true,
    };
  } catch {
    return NO_BLOCK;
  }
}

export const GetPublicAccessBlock: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const stored = await call.services.metadata.getBucketConfig(bucket.name, 'public-access-block');
    if (stored === null)
      throw new S3Error(
        { code: 'NoSuchPublicAccessBlockConfiguration', status: 404 },
        'The public access block configuration was not found',
        { BucketName: bucket.name },
      );
    const pab = publicAccessBlockOf(stored);
    return xmlReply(buildXml('PublicAccessBlockConfiguration', { ...pab }));
  },
};

export const PutPublicAccessBlock: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const body = await readAll(call.body.stream, 64 * 1024, () => new S3Error('MalformedXML'));
    const root = parseXmlBody(body, 'PublicAccessBlockConfiguration');
    const out: Record<string, boolean> = {};
    for (const flag of FLAGS) {
      const v = childText(root, flag);
      if (v !== undefined && v !== 'true' && v !== 'false') throw new S3Error('MalformedXML');
      out[flag] = v === 'true';
    }
    await call.services.metadata.putBucketConfig(bucket.name, 'public-access-block', JSON.stringify(out));
    return emptyReply(200);
  },
};

export const DeletePublicAccessBlock: OperationSpec = {
  async handle(call) {
    await call.services.metadata.deleteBucketConfig(bucketOf(call).name, 'public-access-block');
    return emptyReply(204);
  },
};

// ---- "public" -----------------------------------------------------------------------------

/**
 * Condition keys whose fixed values narrow a `Principal: "*"` statement to known parties (S3's
 * list for "non-public" policies).
 */
const RESTRICTING_KEYS = new Set([
  'aws:sourceip',
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:userid',
  's3:dataaccesspointaccount',
  's3:dataaccesspointarn',
]);

const FIXING_OPERATORS = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'ArnEquals',
  'ArnLike',
  'IpAddress',
]);

function restricts(st: Statement): boolean {
  return st.conditions.some((c) => {
    if (c.ifExists || c.qualifier === 'ForAllValues') return false;
    if (!RESTRICTING_KEYS.has(c.key.toLowerCase()) || !FIXING_OPERATORS.has(c.baseOperator)) return false;
    // A wildcard or an all-addresses range is not a restriction.
    return c.values.every((v) => {
      if (c.baseOperator === 'IpAddress') return !/\/0$/.test(v);
      return !v.includes('*') && !v.includes('?') && v !== '';
    });
  });
}

function everyone(st: Statement): boolean {
  if (st.notPrincipal !== undefined) return true;
  const p = st.principal;
  if (p === undefined) return false;
  if (p === '*') return true;
  return (p.AWS ?? []).includes('*') || (p.CanonicalUser ?? []).includes('*');
}

export function isPublicPolicyDocument(doc: PolicyDocument): boolean {
  return doc.statements.some((st) => st.effect === 'Allow' && everyone(st) && !restricts(st));
}

const publicCache = new WeakMap<CompiledPolicy, boolean>();

export function isPublicPolicy(policy: CompiledPolicy): boolean {
  let v = publicCache.get(policy);
  if (v === undefined) {
    v = isPublicPolicyDocument(policy.document);
    publicCache.set(policy, v);
  }
  return v;
}
