// Session policies passed to AssumeRole / GetFederationToken: the inline `Policy` (validated as a
// session policy), the managed `PolicyArns.member.N.arn` (at most 10), and the packed size AWS
// reports as PackedPolicySize (a percentage of the limit; over 100 is PackedPolicyTooLarge).
import { deflateRawSync } from 'node:zlib';
import type { PolicyCache } from '../../identity/policy-cache.js';
import { parseIamArn } from '../../identity/model.js';
import { badLength, QueryError } from '../query/errors.js';
import type { QueryParams } from '../query/params.js';

export const MAX_POLICY_ARNS = 10;
/**
 * Bytes of the compressed policies, ARNs and tags that fit in a session. AWS does not publish
 * its packing; with this limit a 2048-character inline policy alone always fits, and a small one
 * reports a few percent, as AWS does.
 */
export const PACKED_POLICY_LIMIT = 2048;

export interface SessionPolicies {
  /** The inline policy text, as passed. */
  readonly policy: string | undefined;
  readonly policyArns: readonly string[];
}

export function readSessionPolicies(params: QueryParams, cache: PolicyCache): SessionPolicies {
  const policy = params.string('Policy', 1, 2048);
  if (policy !== undefined) {
    const problems = cache.check(policy, 'session');
    if (problems.length > 0) {
      throw new QueryError('MalformedPolicyDocument', problems.map((p) => p.message).join('; '));
    }
  }
  const arns = params.structList('PolicyArns', ['arn'] as const);
  if (arns.length > MAX_POLICY_ARNS) {
    throw new QueryError(
      'ValidationError',
      `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`,
    );
  }
  const policyArns = arns.map((a, i) => {
    const arn = a.arn;
    if (arn === undefined)
      throw new QueryError('ValidationError', `PolicyArns.member.${i + 1}.arn is required.`);
    if (arn.length < 20 || arn.length > 2048)
      throw badLength(`policyArns.${i + 1}.member.arn`, arn, 20, 2048);
    // Customer managed policies only: AWS managed ones are not modelled here.
    const parsed = parseIamArn(arn);
    if (parsed === undefined || parsed.type !== 'policy') {
      throw new QueryError('InvalidParameterValue', `The policy ARN ${arn} is not valid.`);
    }
    return arn;
  });
  return { policy, policyArns };
}

/** PackedPolicySize: the compressed size of everything the session carries, in percent of the limit. */
export function packedPolicySize(policies: SessionPolicies, tags: Readonly<Record<string, string>>): number {
  const parts: string[] = [];
  // Whitespace does not count against the limit (AWS packs a binary form, not the text).
  if (policies.policy !== undefined) parts.push(JSON.stringify(JSON.parse(policies.policy)));
  parts.push(...policies.policyArns);
  for (const [k, v] of Object.entries(tags)) parts.push(`${k}=${v}`);
  if (parts.length === 0) return 0;
  const packed = deflateRawSync(Buffer.from(parts.join('\n'), 'utf8')).byteLength;
  const percent = Math.ceil((packed * 100) / PACKED_POLICY_LIMIT);
  if (percent > 100) {
    throw new QueryError(
      'PackedPolicyTooLarge',
      `Packed size of consolidated session policies and session tags exceeds the limit (${percent}% of the allowed size).`,
    );
  }
  return percent;
}
