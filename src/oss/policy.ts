// Bucket policy in OSS: a RAM `Version "1"` document (`"Principal": ["*"]` lists allowed,
// resources `acs:oss:*:<uid|*>:<bucket>[/<key>]`), validated by the policy parser in the ram
// dialect and stored in the same slot S3 uses; the shared cache compiles either dialect.
import { bucketPolicyId } from '../s3/bucket-policy-cache.js';
import { bucketOf } from '../s3/context.js';
import { compilePolicyText } from '../policy/compile.js';
import { lintPolicy } from '../policy/lint/lint.js';
import type { PolicyDocument } from '../policy/model.js';
import { findingHeaders, rejectionMessage, warningsOf } from '../server/admin/policy-findings.js';
import { readAll } from '../server/body.js';
import { emptyReply } from '../server/reply.js';
import type { OssOperationSpec } from './call.js';
import { ossError } from './errors.js';

/** OSS's bucket policy size limit. */
export const MAX_OSS_POLICY_BYTES = 16 * 1024;

export const GetBucketPolicy: OssOperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const text = await call.services.metadata.getBucketConfig(bucket.name, 'policy');
    if (text === null) throw ossError('NoSuchBucketPolicy', undefined, { BucketName: bucket.name });
    return { status: 200, headers: { 'content-type': 'application/json' }, body: text };
  },
};

export const PutBucketPolicy: OssOperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const body = await readAll(call.body.stream, MAX_OSS_POLICY_BYTES, () =>
      ossError(
        'InvalidPolicyDocument',
        `Policy exceeds the maximum allowed size of ${MAX_OSS_POLICY_BYTES} bytes.`,
      ),
    );
    const text = body.toString('utf8');
    const compiled = compilePolicyText(
      text,
      { id: bucketPolicyId(bucket.name), type: 'resource' },
      { dialect: 'ram' },
    );
    // Linted like every policy write: the linter's words for a rejection, warnings in headers.
    const findings = lintPolicy(text, { dialect: 'ram', type: 'resource' });
    if (!compiled.ok) throw ossError('InvalidPolicyDocument', rejectionMessage(findings, compiled.problems));
    const outside = resourceOutsideBucket(compiled.policy.document, bucket.name);
    if (outside !== undefined)
      throw ossError('InvalidPolicyDocument', `The resource ${outside} is not in bucket ${bucket.name}.`);
    await call.services.metadata.putBucketConfig(bucket.name, 'policy', text);
    call.services.policies.remember(bucket.name, text, compiled.policy);
    return emptyReply(200, findingHeaders(warningsOf(findings)));
  },
};

export const DeleteBucketPolicy: OssOperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    await call.services.metadata.deleteBucketConfig(bucket.name, 'policy');
    call.services.policies.forget(bucket.name);
    return emptyReply(204);
  },
};

/** The first Resource that is not this bucket or an object in it (`*` may stand for the uid). */
function resourceOutsideBucket(doc: PolicyDocument, bucket: string): string | undefined {
  const shape = /^acs:oss:[^:]*:[^:]*:([^/]+)(?:\/.*)?$/;
  for (const s of doc.statements) {
    for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) {
      const m = shape.exec(r);
      if (m === null || (m[1] !== bucket && m[1] !== '*')) return r;
    }
  }
  return undefined;
}
