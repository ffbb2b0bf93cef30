// Size limits of policy documents per dialect and policy type, and how each is measured.
// Shared by the parser and the IAM / RAM APIs so both reject the same documents.
import type { Dialect, PolicyType } from './model.js';

/**
 * How a limit counts:
 * - `characters-excluding-whitespace`: UTF-16 characters, not counting JSON whitespace outside
 *   strings (AWS IAM: "IAM doesn't count white space when calculating the size of a policy");
 * - `characters`: every character of the text, whitespace included;
 * - `bytes`: UTF-8 bytes of the text, whitespace included (S3 and OSS bucket policies).
 */
export type SizeUnit = 'characters-excluding-whitespace' | 'characters' | 'bytes';

export interface SizeLimit {
  readonly max: number;
  readonly unit: SizeUnit;
}

const awsIam = (max: number): SizeLimit => ({ max, unit: 'characters-excluding-whitespace' });
const chars = (max: number): SizeLimit => ({ max, unit: 'characters' });
const bytes = (max: number): SizeLimit => ({ max, unit: 'bytes' });

/**
 * AWS: IAM quotas (managed policy 6144, role trust 2048, session policy 2048, SCP/RCP 5120) and
 * the S3 bucket policy limit (20 KB, whitespace counted).
 * RAM: the API parameters state whole-text lengths — CreatePolicy 6144, CreateRole trust 2048,
 * STS AssumeRole Policy 1024, Resource Directory control policy 4096 — and OSS bucket policies
 * 16 KB. RAM has no RCP; the AWS figure stands in.
 */
export const POLICY_SIZE_LIMITS: Readonly<Record<Dialect, Readonly<Record<PolicyType, SizeLimit>>>> = {
  aws: {
    identity: awsIam(6144),
    boundary: awsIam(6144),
    trust: awsIam(2048),
    session: awsIam(2048),
    scp: awsIam(5120),
    rcp: awsIam(5120),
    resource: bytes(20480),
  },
  ram: {
    identity: chars(6144),
    boundary: chars(6144),
    trust: chars(2048),
    session: chars(1024),
    scp: chars(4096),
    rcp: chars(5120),
    resource: bytes(16384),
  },
};

/** The limit for a policy type, or — without a type — the most generous limit of the dialect. */
export function policySizeLimit(dialect: Dialect, type?: PolicyType): SizeLimit {
  return POLICY_SIZE_LIMITS[dialect][type ?? 'resource'];
}

/** Counts JSON whitespace (space, tab, CR, LF) outside string literals. */
export function countInsignificantWhitespace(text: string): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      count++;
    }
  }
  return count;
}

/**
 * Size of `text` in the limit's unit. `whitespace` (insignificant whitespace count) may be passed
 * when the caller already knows it, to avoid scanning again.
 */
export function measurePolicySize(text: string, unit: SizeUnit, whitespace?: number): number {
  switch (unit) {
    case 'bytes':
      return Buffer.byteLength(text, 'utf8');
    case 'characters':
      return text.length;
    case 'characters-excluding-whitespace':
      return text.length - (whitespace ?? countInsignificantWhitespace(text));
  }
}

const TYPE_NAMES: Record<PolicyType, string> = {
  identity: 'an identity policy',
  resource: 'a resource-based policy',
  trust: 'a role trust policy',
  boundary: 'a permissions boundary',
  session: 'a session policy',
  scp: 'a service control policy',
  rcp: 'a resource control policy',
};

/** `an identity policy`, `a permissions boundary`, ... — for messages. */
export function describePolicyType(type: PolicyType): string {
  return TYPE_NAMES[type];
}

function unitWords(unit: SizeUnit): string {
  return unit === 'bytes' ? 'bytes' : 'characters';
}

/** The problem text when a document is too large, or undefined when it fits. */
export function checkPolicySize(
  text: string,
  dialect: Dialect,
  type: PolicyType | undefined,
  whitespace?: number,
): string | undefined {
  const limit = policySizeLimit(dialect, type);
  const size = measurePolicySize(text, limit.unit, whitespace);
  if (size <= limit.max) return undefined;
  const qualifier = limit.unit === 'characters-excluding-whitespace' ? ' (excluding whitespace)' : '';
  const target = type ? `the limit for ${describePolicyType(type)}` : 'the largest policy allowed';
  return `Policy document is ${size} ${unitWords(limit.unit)}${qualifier}; ${target} is ${limit.max} ${unitWords(limit.unit)}`;
}
