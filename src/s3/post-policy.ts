// The POST policy of a browser upload form: a base64 JSON document with an expiration and
// conditions every form field must satisfy. Failures answer in S3's words
// ("Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\", \"x\"]").
import { S3Error } from '../server/errors.js';

export type PostCondition =
  | {
      readonly kind: 'eq' | 'starts-with';
      readonly field: string;
      readonly value: string;
      readonly text: string;
    }
  | { readonly kind: 'content-length-range'; readonly min: number; readonly max: number };

export interface PostPolicy {
  readonly expiration: Date;
  readonly conditions: readonly PostCondition[];
}

function invalidPolicy(detail: string): S3Error {
  return new S3Error({ code: 'InvalidPolicyDocument', status: 400 }, `Invalid Policy: ${detail}`);
}

export function policyDenied(detail: string): S3Error {
  return new S3Error('AccessDenied', `Invalid according to Policy: ${detail}`);
}

/** `["eq", "$key", "v"]` as S3 quotes a failed condition. */
function conditionText(op: string, field: string, value: string): string {
  return `[${JSON.stringify(op)}, ${JSON.stringify(field)}, ${JSON.stringify(value)}]`;
}

export function parsePostPolicy(base64: string): PostPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as unknown;
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (typeof expiration !== 'string') throw invalidPolicy('Policy missing expiration.');
  const exp = new Date(expiration);
  if (Number.isNaN(exp.getTime())) throw invalidPolicy(`Invalid 'expiration' value: '${expiration}'`);
  if (!Array.isArray(conditions)) throw invalidPolicy('Policy missing conditions.');
  return { expiration: exp, conditions: conditions.map(parseCondition) };
}

function parseCondition(c: unknown): PostCondition {
  if (Array.isArray(c)) {
    const [op, a, b] = c as unknown[];
    if (c.length !== 3 || typeof op !== 'string')
      throw invalidPolicy(`Invalid condition: ${JSON.stringify(c)}`);
    const kind = op.toLowerCase();
    if (kind === 'content-length-range') {
      const min = Number(a);
      const max = Number(b);
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min)
        throw invalidPolicy('Invalid content-length-range.');
      return { kind: 'content-length-range', min, max };
    }
    if (
      (kind !== 'eq' && kind !== 'starts-with') ||
      typeof a !== 'string' ||
      typeof b !== 'string' ||
      !a.startsWith('$')
    )
      throw invalidPolicy(`Invalid condition: ${JSON.stringify(c)}`);
    return { kind, field: a.slice(1).toLowerCase(), value: b, text: conditionText(op, a, b) };
  }
  if (typeof c === 'object' && c !== null) {
    const entries = Object.entries(c as Record<string, unknown>);
    const [entry] = entries;
    if (entries.length !== 1 || entry === undefined || typeof entry[1] !== 'string')
      throw invalidPolicy(`Invalid condition: ${JSON.stringify(c)}`);
    return {
      kind: 'eq',
      field: entry[0].toLowerCase(),
      value: entry[1],
      text: conditionText('eq', `$${entry[0]}`, entry[1]),
    };
  }
  throw invalidPolicy(`Invalid condition: ${JSON.stringify(c)}`);
}

/** Fields that no condition has to cover. */
function exempt(name: string): boolean {
  return (
    name === 'policy' ||
    name === 'x-amz-signature' ||
    name === 'signature' ||
    name === 'awsaccesskeyid' ||
    name === 'file' ||
    name.startsWith('x-ignore-')
  );
}

/**
 * Checks the policy against the form (lower-cased field names → value, `bucket` included):
 * expiration, then every condition, then fields no condition covers.
 */
export function checkPostPolicy(
  policy: PostPolicy,
  fields: ReadonlyMap<string, string>,
  originalNames: ReadonlyMap<string, string>,
  now: Date,
): void {
  if (policy.expiration.getTime() <= now.getTime()) throw policyDenied('Policy expired.');
  const covered = new Set<string>();
  for (const c of policy.conditions) {
    if (c.kind === 'content-length-range') continue;
    covered.add(c.field);
    const value = fields.get(c.field);
    const ok =
      value !== undefined &&
      (c.kind === 'eq'
        ? value === c.value
        : c.field === 'content-type'
          ? value.split(',').every((v) => v.trim().startsWith(c.value))
          : value.startsWith(c.value));
    if (!ok) throw policyDenied(`Policy Condition failed: ${c.text}`);
  }
  const extra = [...fields.keys()].filter((k) => k !== 'bucket' && !exempt(k) && !covered.has(k));
  if (extra.length > 0)
    throw policyDenied(`Extra input fields: ${extra.map((k) => originalNames.get(k) ?? k).join(', ')}`);
}

/** The content-length-range bounds, when the policy has one. */
export function lengthRange(policy: PostPolicy): { min: number; max: number } | undefined {
  for (const c of policy.conditions) if (c.kind === 'content-length-range') return { min: c.min, max: c.max };
  return undefined;
}
