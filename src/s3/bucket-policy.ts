// GetBucketPolicy, PutBucketPolicy, DeleteBucketPolicy. A policy is validated by the policy
// engine's parser on the way in and linted: MalformedPolicy carries the linter's findings (path,
// line, column) when the parser rejects it; an accepted policy's warnings come back in the
// x-portcullis-policy-* response headers (src/server/admin/policy-findings.ts). It is stored as
// the text the client sent.
import { compilePolicyText } from '../policy/compile.js';
import { lintPolicy } from '../policy/lint/lint.js';
import type { PolicyDocument } from '../policy/model.js';
import { findingHeaders, rejectionMessage, warningsOf } from '../server/admin/policy-findings.js';
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { emptyReply } from '../server/reply.js';
import { bucketPolicyId } from './bucket-policy-cache.js';
import { bucketOf } from './context.js';
import type { OperationSpec } from './operation.js';
import { isPublicPolicy } from './public-access-block.js';

/** S3's bucket policy size limit. */
export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;

export const GetBucketPolicy: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const text = await call.services.metadata.getBucketConfig(bucket.name, 'policy');
    if (text === null) throw new S3Error('NoSuchBucketPolicy', undefined, { BucketName: bucket.name });
    return { status: 200, headers: { 'content-type': 'application/json' }, body: text };
  },
};

export const PutBucketPolicy: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const body = await readAll(
      call.body.stream,
      MAX_BUCKET_POLICY_BYTES,
      () =>
        new S3Error(
          'MalformedPolicy',
          `Policy exceeds the maximum allowed document size of ${MAX_BUCKET_POLICY_BYTES} bytes.`,
        ),
    );
    const text = body.toString('utf8');
    if (text.trim() === '')
      throw new S3Error('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
    const compiled = compilePolicyText(
      text,
      { id: bucketPolicyId(bucket.name), type: 'resource' },
      { dialect: 'aws' },
    );
    const findings = lintPolicy(text, { dialect: 'aws', type: 'resource' });
    if (!compiled.ok) throw new S3Error('MalformedPolicy', rejectionMessage(findings, compiled.problems));
    const outside = resourceOutsideBucket(compiled.policy.document, bucket.name);
    if (outside !== undefined)
      throw new S3Error('MalformedPolicy', 'Policy has invalid resource', { Resource: outside });
    // Block Public Access refuses a public policy with a bare AccessDenied, as S3 does.
    if (call.access?.publicAccessBlock.BlockPublicPolicy && isPublicPolicy(compiled.policy))
      throw new S3Error('AccessDenied');
    await call.services.metadata.putBucketConfig(bucket.name, 'policy', text);
    call.services.policies.remember(bucket.name, text, compiled.policy);
    return emptyReply(204, findingHeaders(warningsOf(findings)));
  },
};

export const DeleteBucketPolicy: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    await call.services.metadata.deleteBucketConfig(bucket.name, 'policy');
    call.services.policies.forget(bucket.name);
    return emptyReply(204);
  },
};

/**
 * S3 accepts a bucket policy only when every Resource names this bucket or objects in it; the
 * first resource that does not is returned. Wildcards may stand in for the bucket's own name.
 */
function resourceOutsideBucket(doc: PolicyDocument, bucket: string): string | undefined {
  for (const s of doc.statements) {
    for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) {
      if (!coversOnlyBucket(r, bucket)) return r;
    }
  }
  return undefined;
}

function coversOnlyBucket(resource: string, bucket: string): boolean {
  const prefix = 'arn:aws:s3:::';
  if (!resource.startsWith(prefix)) return false;
  const rest = resource.slice(prefix.length);
  const slash = rest.indexOf('/');
  const namePart = slash < 0 ? rest : rest.slice(0, slash);
  if (namePart === bucket) return true;
  // A wildcard bucket part must still be able to match this bucket.
  if (!/[*?]/.test(namePart)) return false;
  const re = new RegExp(
    '^' +
      namePart
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
  );
  return re.test(bucket);
}
