// A small vocabulary of policy pieces and requests, shared by the property and fuzz tests so the
// random policies actually hit each other (same actions, resources, keys).
import fc from 'fast-check';
import { contextFrom, type AuthzRequest, type Principal } from '../../../src/policy/request.js';

export const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject', 'sts:AssumeRole'];
export const ACTION_PATTERNS = [...ACTIONS, 's3:*', 's3:Get*', 's3:?utObject', '*', 'S3:getobject'];
export const RESOURCES = [
  'arn:aws:s3:::b',
  'arn:aws:s3:::b/usr001/a.txt',
  'arn:aws:s3:::b/test.txt',
  'arn:aws:s3:::other/x',
  'arn:aws:iam::111122223333:role/R',
];
export const RESOURCE_PATTERNS = [
  ...RESOURCES,
  '*',
  'arn:aws:s3:::b/*',
  'arn:aws:s3:::b/usr001/*',
  'arn:aws:s3:::*',
  'arn:aws:s3:::b/${aws:username}/*',
];

export const CONDITIONS: Record<string, Record<string, string | string[]>>[] = [
  { StringEquals: { 'aws:username': 'alice' } },
  { StringLike: { 's3:prefix': ['usr001/*', 'home/'] } },
  { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
  { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  { Bool: { 'aws:SecureTransport': 'true' } },
  { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 'env'] } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } },
  { NumericLessThan: { 's3:max-keys': '100' } },
  { Null: { 'aws:SourceIp': 'false' } },
  { StringNotEqualsIfExists: { 'aws:PrincipalTag/team': 'blue' } },
];

const ACCOUNT = '111122223333';
const OTHER = '444455556666';

export const PRINCIPALS: Principal[] = [
  { type: 'user', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, account: ACCOUNT },
  { type: 'user', arn: `arn:aws:iam::${OTHER}:user/bob`, account: OTHER },
  {
    type: 'assumed-role',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/R/usr001`,
    account: ACCOUNT,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/R`,
  },
  { type: 'root', arn: `arn:aws:iam::${ACCOUNT}:root`, account: ACCOUNT },
  { type: 'anonymous', arn: 'anonymous', account: '' },
];

export const PRINCIPAL_VALUES = [
  '*',
  { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` },
  { AWS: `arn:aws:iam::${ACCOUNT}:role/R` },
  { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/R/usr001` },
  { AWS: ACCOUNT },
  { AWS: `arn:aws:iam::${OTHER}:root` },
];

export interface StatementShape {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  Principal?: unknown;
}

export const statementArb = (
  withPrincipal: boolean,
  effect?: 'Allow' | 'Deny',
): fc.Arbitrary<StatementShape> =>
  fc
    .record({
      Effect: effect ? fc.constant(effect) : fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
      Action: fc.uniqueArray(fc.constantFrom(...ACTION_PATTERNS), { minLength: 1, maxLength: 3 }),
      Resource: fc.uniqueArray(fc.constantFrom(...RESOURCE_PATTERNS), { minLength: 1, maxLength: 3 }),
      Condition: fc.option(fc.constantFrom(...CONDITIONS), { nil: undefined }),
      Principal: withPrincipal ? fc.constantFrom<unknown>(...PRINCIPAL_VALUES) : fc.constant(undefined),
    })
    .map((s) => {
      const out: StatementShape = { Effect: s.Effect, Action: s.Action, Resource: s.Resource };
      if (s.Condition) out.Condition = s.Condition;
      if (withPrincipal) out.Principal = s.Principal;
      return out;
    });

export const policyArb = (withPrincipal: boolean, maxStatements = 3) =>
  fc
    .array(statementArb(withPrincipal), { minLength: 1, maxLength: maxStatements })
    .map((Statement) => ({ Version: '2012-10-17', Statement }));

export const requestArb: fc.Arbitrary<AuthzRequest> = fc
  .record({
    principal: fc.constantFrom(...PRINCIPALS),
    action: fc.constantFrom(...ACTIONS),
    resource: fc.constantFrom(...RESOURCES),
    sourceIp: fc.option(fc.constantFrom('10.1.2.3', '203.0.113.9', '::1'), { nil: undefined }),
    secure: fc.option(fc.constantFrom('true', 'false'), { nil: undefined }),
    prefix: fc.option(fc.constantFrom('usr001/x', 'home/', 'other/'), { nil: undefined }),
    tagKeys: fc.option(fc.uniqueArray(fc.constantFrom('team', 'env', 'cost'), { maxLength: 3 }), {
      nil: undefined,
    }),
    maxKeys: fc.option(fc.constantFrom('10', '1000', 'abc'), { nil: undefined }),
  })
  .map((r) => ({
    principal: r.principal,
    action: r.action,
    resource: r.resource,
    resourceAccount: ACCOUNT,
    context: contextFrom({
      'aws:username': r.principal.type === 'user' ? r.principal.arn.split('/').pop() : undefined,
      'aws:SourceIp': r.sourceIp,
      'aws:SecureTransport': r.secure,
      's3:prefix': r.prefix,
      'aws:TagKeys': r.tagKeys,
      's3:max-keys': r.maxKeys,
    }),
  }));
