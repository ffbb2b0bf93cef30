import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileCondition,
  explainCondition,
  isKnownOperator,
  knownOperators,
  isNegatedOperator,
} from '../../src/policy/conditions/index.js';
import { parseDate } from '../../src/policy/conditions/date.js';
import { parseCidr } from '../../src/policy/conditions/ip.js';
import { parseNumber } from '../../src/policy/conditions/numeric.js';
import type { ConditionClause, SetQualifier } from '../../src/policy/model.js';
import { contextFrom, type ContextValue } from '../../src/policy/request.js';

/** Builds a clause the way the parser does: `ForAnyValue:StringLikeIfExists` → parts. */
function clause(operator: string, key: string, values: string[]): ConditionClause {
  const colon = operator.indexOf(':');
  const qualifier = colon < 0 ? undefined : (operator.slice(0, colon) as SetQualifier);
  const rest = colon < 0 ? operator : operator.slice(colon + 1);
  const ifExists = rest.endsWith('IfExists');
  const baseOperator = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  return {
    operator,
    baseOperator,
    qualifier,
    ifExists,
    key,
    values,
    loc: { path: `Condition.${operator}.${key}` },
  };
}

type Ctx = Record<string, ContextValue>;
/** operator, key, policy values, request context, expected; variables default to on. */
type Case = [
  operator: string,
  key: string,
  values: string[],
  ctx: Ctx,
  expected: boolean,
  variables?: boolean,
];

function run(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const [operator, key, values, ctx, expected, variables = true] of cases) {
      const name = `${operator} ${key} ${JSON.stringify(values)} with ${JSON.stringify(ctx)}${variables ? '' : ' (no variables)'} → ${expected}`;
      it(name, () => {
        const c = compileCondition(clause(operator, key, values), { variables });
        assert.equal(c.test(contextFrom(ctx)), expected);
        // explain must agree with test
        assert.equal(explainCondition(c, contextFrom(ctx)).matched, expected);
      });
    }
  });
}

const K = 'aws:PrincipalTag/team';
const none: Ctx = {};

run('String operators', [
  ['StringEquals', K, ['mobile'], { [K]: 'mobile' }, true],
  ['StringEquals', K, ['mobile'], { [K]: 'Mobile' }, false],
  ['StringEquals', K, ['web', 'mobile'], { [K]: 'mobile' }, true],
  ['StringEquals', K, ['mobile'], { 'AWS:PRINCIPALTAG/TEAM': 'mobile' }, true], // keys case-insensitive
  ['StringEquals', 'AWS:principaltag/Team', ['mobile'], { [K]: 'mobile' }, true],
  ['StringEquals', K, ['mobile'], none, false],
  ['StringEquals', K, ['mobile'], { [K]: [] }, false],
  ['StringEquals', K, ['mobile'], { [K]: ['mobile'] }, true], // one-element list is single-valued
  ['StringEquals', K, ['mobile'], { [K]: ['mobile', 'web'] }, false], // multi-valued under plain
  ['StringEquals', K, ['mob*'], { [K]: 'mobile' }, false], // no wildcards in Equals
  ['StringEquals', K, [], { [K]: 'mobile' }, false],
  ['StringEquals', K, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'mobile'], { [K]: 'mobile' }, true], // map lookup
  ['StringEquals', K, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'mobile'], { [K]: 'x' }, false],
  ['StringEqualsIfExists', K, ['mobile'], none, true],
  ['StringEqualsIfExists', K, ['mobile'], { [K]: 'web' }, false],
  ['StringEqualsIfExists', K, ['mobile'], { [K]: ['mobile', 'web'] }, false],
  ['StringNotEquals', K, ['mobile'], { [K]: 'web' }, true],
  ['StringNotEquals', K, ['mobile'], { [K]: 'mobile' }, false],
  ['StringNotEquals', K, ['mobile', 'web'], { [K]: 'web' }, false],
  ['StringNotEquals', K, ['mobile'], none, true], // negated: missing key holds
  ['StringNotEquals', K, ['mobile'], { [K]: ['x', 'y'] }, false], // multi-valued under plain: no
  ['StringNotEquals', K, ['mobile'], { [K]: ['web'] }, true],
  ['StringEqualsIgnoreCase', K, ['MOBILE'], { [K]: 'mobile' }, true],
  ['StringEqualsIgnoreCase', K, ['Mobile'], { [K]: 'MoBiLe' }, true],
  ['StringEqualsIgnoreCase', K, ['mobile'], { [K]: 'mobiles' }, false],
  ['StringEqualsIgnoreCase', K, ['mobile'], none, false],
  ['StringNotEqualsIgnoreCase', K, ['MOBILE'], { [K]: 'mobile' }, false],
  ['StringNotEqualsIgnoreCase', K, ['MOBILE'], { [K]: 'web' }, true],
  ['StringNotEqualsIgnoreCase', K, ['MOBILE'], none, true],
  ['StringLike', 's3:prefix', ['home/*'], { 's3:prefix': 'home/alice/' }, true],
  ['StringLike', 's3:prefix', ['home/*'], { 's3:prefix': 'Home/alice/' }, false], // case-sensitive
  ['StringLike', 's3:prefix', ['home/?'], { 's3:prefix': 'home/a' }, true],
  ['StringLike', 's3:prefix', ['home/?'], { 's3:prefix': 'home/ab' }, false],
  ['StringLike', 's3:prefix', ['', 'home/'], { 's3:prefix': '' }, true],
  ['StringLike', 's3:prefix', ['home/*'], none, false],
  ['StringLikeIfExists', 's3:prefix', ['home/*'], none, true],
  ['StringNotLike', 's3:prefix', ['home/*'], { 's3:prefix': 'tmp/x' }, true],
  ['StringNotLike', 's3:prefix', ['home/*'], { 's3:prefix': 'home/x' }, false],
  ['StringNotLike', 's3:prefix', ['home/*'], none, true],
  ['StringNotLikeIfExists', 's3:prefix', ['home/*'], none, true],
]);

const U = 'aws:username';
run('Policy variables in string values', [
  ['StringEquals', 's3:prefix', ['${aws:username}'], { [U]: 'alice', 's3:prefix': 'alice' }, true],
  ['StringEquals', 's3:prefix', ['${aws:username}'], { [U]: 'alice', 's3:prefix': 'bob' }, false],
  ['StringEquals', 's3:prefix', ['${aws:username}'], { 's3:prefix': '${aws:username}' }, false], // missing variable
  ['StringEquals', 's3:prefix', ['${aws:username}'], { 's3:prefix': '${aws:username}' }, true, false], // variables off
  ['StringEquals', 's3:prefix', ["${aws:username, 'anon'}"], { 's3:prefix': 'anon' }, true],
  ['StringEquals', 's3:prefix', ['${*}'], { 's3:prefix': '*' }, true],
  ['StringEquals', 's3:prefix', ['${aws:username}'], { [U]: ['a', 'b'], 's3:prefix': 'a' }, false], // multi-valued variable
  ['StringEqualsIgnoreCase', 's3:prefix', ['${aws:username}'], { [U]: 'Alice', 's3:prefix': 'ALICE' }, true],
  [
    'StringLike',
    's3:prefix',
    ['home/${aws:username}/*'],
    { [U]: 'alice', 's3:prefix': 'home/alice/x' },
    true,
  ],
  ['StringLike', 's3:prefix', ['home/${aws:username}/*'], { [U]: 'al*', 's3:prefix': 'home/alice/x' }, false], // literal *
  ['StringLike', 's3:prefix', ['home/${aws:username}/*'], { [U]: 'al*', 's3:prefix': 'home/al*/x' }, true],
  ['StringLike', 's3:prefix', ['home/${aws:username}/*'], { 's3:prefix': 'home/alice/x' }, false],
  ['StringLike', 's3:prefix', ['home/${aws:username}/*', 'public/*'], { 's3:prefix': 'public/x' }, true],
  ['StringLike', 's3:prefix', ['home/${?}'], { 's3:prefix': 'home/?' }, true],
  ['StringLike', 's3:prefix', ['home/${?}'], { 's3:prefix': 'home/x' }, false],
  ['StringNotEquals', 's3:prefix', ['${aws:username}'], { 's3:prefix': 'x' }, true], // nothing can match
  [
    'StringNotLike',
    's3:prefix',
    ['home/${aws:username}/*'],
    { [U]: 'alice', 's3:prefix': 'home/alice/x' },
    false,
  ],
]);

run('Numeric operators', [
  ['NumericEquals', 's3:max-keys', ['10'], { 's3:max-keys': '10' }, true],
  ['NumericEquals', 's3:max-keys', ['10'], { 's3:max-keys': '10.0' }, true],
  ['NumericEquals', 's3:max-keys', ['10'], { 's3:max-keys': '+10' }, true],
  ['NumericEquals', 's3:max-keys', ['10'], { 's3:max-keys': '11' }, false],
  ['NumericEquals', 's3:max-keys', ['10'], { 's3:max-keys': 'ten' }, false],
  ['NumericEquals', 's3:max-keys', ['10'], { 's3:max-keys': '' }, false],
  ['NumericEquals', 's3:max-keys', ['10'], { 's3:max-keys': '0xA' }, false],
  ['NumericEquals', 's3:max-keys', ['10'], { 's3:max-keys': '1e1' }, false],
  ['NumericEquals', 's3:max-keys', ['ten'], { 's3:max-keys': '10' }, false], // bad policy value never matches
  ['NumericEquals', 's3:max-keys', ['10'], none, false],
  ['NumericEqualsIfExists', 's3:max-keys', ['10'], none, true],
  ['NumericEquals', 's3:max-keys', ['10'], { 's3:max-keys': ['10', '10'] }, false],
  ['NumericNotEquals', 's3:max-keys', ['10'], { 's3:max-keys': '11' }, true],
  ['NumericNotEquals', 's3:max-keys', ['10'], { 's3:max-keys': '10' }, false],
  ['NumericNotEquals', 's3:max-keys', ['10'], none, true],
  ['NumericLessThan', 's3:max-keys', ['10'], { 's3:max-keys': '9.99' }, true],
  ['NumericLessThan', 's3:max-keys', ['10'], { 's3:max-keys': '10' }, false],
  ['NumericLessThan', 's3:max-keys', ['10'], { 's3:max-keys': '-5' }, true],
  ['NumericLessThanEquals', 's3:max-keys', ['10'], { 's3:max-keys': '10' }, true],
  ['NumericLessThanEquals', 's3:max-keys', ['10'], { 's3:max-keys': '10.5' }, false],
  ['NumericGreaterThan', 's3:max-keys', ['10'], { 's3:max-keys': '10.5' }, true],
  ['NumericGreaterThan', 's3:max-keys', ['10'], { 's3:max-keys': '10' }, false],
  ['NumericGreaterThanEquals', 's3:max-keys', ['10'], { 's3:max-keys': '10' }, true],
  ['NumericGreaterThanEquals', 's3:max-keys', ['10'], { 's3:max-keys': '.5' }, false],
  ['NumericGreaterThanEquals', 's3:max-keys', ['bad', '5'], { 's3:max-keys': '7' }, true],
  ['NumericLessThanIfExists', 's3:max-keys', ['10'], { 's3:max-keys': '100' }, false],
]);

const T = 'aws:CurrentTime';
const E = 'aws:EpochTime';
run('Date operators', [
  ['DateGreaterThan', T, ['2026-01-01T00:00:00Z'], { [T]: '2026-06-01T12:00:00Z' }, true],
  ['DateGreaterThan', T, ['2026-01-01T00:00:00Z'], { [T]: '2025-12-31T23:59:59Z' }, false],
  ['DateGreaterThan', T, ['2026-01-01'], { [T]: '2026-01-01T00:00:01Z' }, true], // date-only = midnight UTC
  ['DateEquals', T, ['2026-01-01'], { [T]: '2026-01-01T00:00:00Z' }, true],
  ['DateEquals', T, ['2026-01-01T00:00:00Z'], { [T]: '2026-01-01T01:00:00+01:00' }, true], // same instant
  ['DateEquals', T, ['2026-01-01T00:00:00Z'], { [T]: '2025-12-31T16:00:00-0800' }, true],
  ['DateEquals', T, ['2026-01-01T00:00:00Z'], { [T]: '2026-01-01T00:00:00.000Z' }, true],
  ['DateEquals', T, ['2026-01-01T00:00:00Z'], { [T]: '2026-01-01T00:00:00' }, true], // no offset = UTC
  ['DateEquals', T, ['1767225600'], { [T]: '2026-01-01T00:00:00Z' }, true], // epoch seconds
  ['DateEquals', E, ['2026-01-01T00:00:00Z'], { [E]: '1767225600' }, true],
  ['DateLessThan', E, ['2026-01-01T00:00:00Z'], { [E]: '1767225599' }, true],
  ['DateLessThan', E, ['2026-01-01T00:00:00Z'], { [E]: '1767225600' }, false],
  ['DateLessThanEquals', E, ['2026-01-01T00:00:00Z'], { [E]: '1767225600' }, true],
  ['DateGreaterThanEquals', T, ['2026-01-01T00:00:00Z'], { [T]: '2026-01-01T00:00:00Z' }, true],
  ['DateNotEquals', T, ['2026-01-01'], { [T]: '2026-01-02' }, true],
  ['DateNotEquals', T, ['2026-01-01'], { [T]: '2026-01-01T00:00:00Z' }, false],
  ['DateNotEquals', T, ['2026-01-01'], none, true],
  ['DateLessThan', T, ['2026-01-01'], { [T]: 'yesterday' }, false],
  ['DateLessThan', T, ['2026-01-01'], { [T]: 'January 1, 2020' }, false], // not ISO 8601
  ['DateLessThan', T, ['2026-01-01'], { [T]: '2025-02-30' }, false], // no such day
  ['DateLessThan', T, ['2026-13-01'], { [T]: '2020-01-01' }, false], // bad policy value
  ['DateLessThan', T, ['2026-01-01'], none, false],
  ['DateLessThanIfExists', T, ['2026-01-01'], none, true],
  ['DateGreaterThan', T, ['2024-02-29T00:00:00Z'], { [T]: '2024-02-29T00:00:01Z' }, true], // leap day
]);

const ST = 'aws:SecureTransport';
run('Bool', [
  ['Bool', ST, ['true'], { [ST]: 'true' }, true],
  ['Bool', ST, ['true'], { [ST]: 'TRUE' }, true],
  ['Bool', ST, ['True'], { [ST]: 'true' }, true],
  ['Bool', ST, ['true'], { [ST]: 'false' }, false],
  ['Bool', ST, ['false'], { [ST]: 'false' }, true],
  ['Bool', ST, ['false'], { [ST]: 'yes' }, false],
  ['Bool', ST, ['yes'], { [ST]: 'true' }, false],
  ['Bool', ST, ['false'], none, false],
  ['BoolIfExists', ST, ['false'], none, true],
  ['BoolIfExists', ST, ['false'], { [ST]: 'true' }, false],
  ['Bool', ST, ['true'], { [ST]: ['true', 'true'] }, false],
]);

run('BinaryEquals', [
  ['BinaryEquals', 'k', ['QUJD'], { k: 'QUJD' }, true],
  ['BinaryEquals', 'k', ['QQ=='], { k: 'QQ' }, true], // same bytes, padding optional
  ['BinaryEquals', 'k', ['QQ=='], { k: 'Qg==' }, false],
  ['BinaryEquals', 'k', ['QQ=='], { k: 'not base64!' }, false],
  ['BinaryEquals', 'k', ['!!'], { k: '!!' }, false], // invalid policy value never matches
  ['BinaryEquals', 'k', ['QQ=='], none, false],
  ['BinaryEqualsIfExists', 'k', ['QQ=='], none, true],
]);

const IP = 'aws:SourceIp';
run('IpAddress / NotIpAddress', [
  ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: '203.0.113.7' }, true],
  ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: '203.0.114.7' }, false],
  ['IpAddress', IP, ['203.0.113.0/24', '198.51.100.0/24'], { [IP]: '198.51.100.4' }, true],
  ['IpAddress', IP, ['203.0.113.7'], { [IP]: '203.0.113.7' }, true], // plain address = /32
  ['IpAddress', IP, ['203.0.113.7'], { [IP]: '203.0.113.8' }, false],
  ['IpAddress', IP, ['203.0.113.7/32'], { [IP]: '203.0.113.7' }, true],
  ['IpAddress', IP, ['0.0.0.0/0'], { [IP]: '255.255.255.255' }, true],
  ['IpAddress', IP, ['0.0.0.0/0'], { [IP]: '2001:db8::1' }, false], // IPv4 block, IPv6 address
  ['IpAddress', IP, ['203.0.113.7/24'], { [IP]: '203.0.113.200' }, true], // host bits ignored
  ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: '::ffff:203.0.113.7' }, true], // IPv4-mapped
  ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: '::FFFF:cb00:7107' }, true], // mapped, hex form
  ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: '::ffff:203.0.114.7' }, false],
  ['IpAddress', IP, ['2001:db8::/32'], { [IP]: '2001:db8:1234::1' }, true],
  ['IpAddress', IP, ['2001:db8::/32'], { [IP]: '2001:db9::1' }, false],
  ['IpAddress', IP, ['2001:DB8::/32'], { [IP]: '2001:0db8:0000:0000:0000:0000:0000:0001' }, true],
  ['IpAddress', IP, ['2001:db8::1/128'], { [IP]: '2001:db8::1' }, true],
  ['IpAddress', IP, ['2001:db8::1/128'], { [IP]: '2001:db8::2' }, false],
  ['IpAddress', IP, ['2001:db8::1'], { [IP]: '2001:db8:0:0:0:0:0:1' }, true],
  ['IpAddress', IP, ['::/0'], { [IP]: '2001:db8::1' }, true],
  ['IpAddress', IP, ['::/0'], { [IP]: '203.0.113.7' }, false], // IPv6 block, IPv4 address
  ['IpAddress', IP, ['2001:db8::/33'], { [IP]: '2001:db8:7fff::1' }, true],
  ['IpAddress', IP, ['2001:db8::/33'], { [IP]: '2001:db8:8000::1' }, false],
  ['IpAddress', IP, ['fe80::/10'], { [IP]: 'fe80::1%eth0' }, true], // zone id ignored
  ['IpAddress', IP, ['::ffff:0:0/96'], { [IP]: '::ffff:1.2.3.4' }, true],
  ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: 'not-an-ip' }, false],
  ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: '203.0.113' }, false],
  ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: '203.0.113.256' }, false],
  ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: '203.0.113.07' }, false], // leading zero
  ['IpAddress', IP, ['0.0.0.0/0'], { [IP]: '' }, false],
  ['IpAddress', IP, ['::/0'], { [IP]: '1::2::3' }, false],
  ['IpAddress', IP, ['::/0'], { [IP]: '1:2:3:4:5:6:7:8:9' }, false],
  ['IpAddress', IP, ['::/0'], { [IP]: '12345::' }, false],
  ['IpAddress', IP, ['::/0'], { [IP]: '1:2:3:4:5:6:7:' }, false],
  ['IpAddress', IP, ['::/0'], { [IP]: '1:2:3:4:5:6:7::' }, true],
  ['IpAddress', IP, ['203.0.113.0/33'], { [IP]: '203.0.113.7' }, false], // invalid block never matches
  ['IpAddress', IP, ['2001:db8::/129'], { [IP]: '2001:db8::' }, false],
  ['IpAddress', IP, ['garbage', '203.0.113.0/24'], { [IP]: '203.0.113.7' }, true],
  ['IpAddress', IP, ['203.0.113.0/24'], none, false],
  ['IpAddressIfExists', IP, ['203.0.113.0/24'], none, true],
  ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: ['203.0.113.7', '203.0.113.8'] }, false],
  ['NotIpAddress', IP, ['203.0.113.0/24'], { [IP]: '198.51.100.4' }, true],
  ['NotIpAddress', IP, ['203.0.113.0/24'], { [IP]: '203.0.113.7' }, false],
  ['NotIpAddress', IP, ['203.0.113.0/24'], { [IP]: '::ffff:203.0.113.7' }, false],
  ['NotIpAddress', IP, ['203.0.113.0/24'], none, true],
  ['NotIpAddress', IP, ['203.0.113.0/24'], { [IP]: 'not-an-ip' }, true], // not in the block
  ['NotIpAddressIfExists', IP, ['203.0.113.0/24'], none, true],
]);

const SA = 'aws:SourceArn';
run('Arn operators', [
  ['ArnEquals', SA, ['arn:aws:s3:::b'], { [SA]: 'arn:aws:s3:::b' }, true],
  ['ArnEquals', SA, ['arn:aws:s3:::b'], { [SA]: 'arn:aws:s3:::B' }, false],
  ['ArnEquals', SA, ['arn:aws:s3:::b*'], { [SA]: 'arn:aws:s3:::bucket' }, true], // wildcards honoured
  ['ArnLike', SA, ['arn:aws:s3:::b*'], { [SA]: 'arn:aws:s3:::bucket' }, true],
  ['ArnLike', SA, ['arn:aws:s3:::b*'], { [SA]: 'arn:aws:iam::123456789012:user/b' }, false],
  ['ArnLike', SA, ['arn:aws:*:*:123456789012:*'], { [SA]: 'arn:aws:sns:us-east-1:123456789012:topic' }, true],
  [
    'ArnLike',
    SA,
    ['arn:aws:*:*:123456789012:*'],
    { [SA]: 'arn:aws:sns:us-east-1:999999999999:topic' },
    false,
  ],
  ['ArnLike', SA, ['acs:oss:*:*:ram-test-app/*'], { [SA]: 'acs:oss:*:1:ram-test-app' }, false],
  [
    'ArnLike',
    SA,
    ['arn:aws:iam::*:user/${aws:username}'],
    { [SA]: 'arn:aws:iam::1:user/alice', [U]: 'alice' },
    true,
  ],
  ['ArnLike', SA, ['arn:aws:iam::*:user/${aws:username}'], { [SA]: 'arn:aws:iam::1:user/alice' }, false],
  ['ArnLike', SA, ['arn:aws:s3:::b'], { [SA]: 'not an arn' }, false],
  ['ArnLike', SA, ['arn:aws:s3:::b'], none, false],
  ['ArnLikeIfExists', SA, ['arn:aws:s3:::b'], none, true],
  ['ArnNotEquals', SA, ['arn:aws:s3:::b'], { [SA]: 'arn:aws:s3:::c' }, true],
  ['ArnNotEquals', SA, ['arn:aws:s3:::b'], { [SA]: 'arn:aws:s3:::b' }, false],
  ['ArnNotLike', SA, ['arn:aws:s3:::b*'], { [SA]: 'arn:aws:s3:::bucket' }, false],
  ['ArnNotLike', SA, ['arn:aws:s3:::b*'], { [SA]: 'arn:aws:s3:::c' }, true],
  ['ArnNotLike', SA, ['arn:aws:s3:::b*'], none, true],
]);

const TIT = 'aws:TokenIssueTime';
run('Null', [
  ['Null', TIT, ['true'], none, true],
  ['Null', TIT, ['true'], { [TIT]: '2026-01-01T00:00:00Z' }, false],
  ['Null', TIT, ['true'], { [TIT]: [] }, true], // empty list counts as missing
  ['Null', TIT, ['TRUE'], none, true],
  ['Null', TIT, ['false'], none, false],
  ['Null', TIT, ['false'], { [TIT]: 'x' }, true],
  ['Null', TIT, ['false'], { [TIT]: ['x', 'y'] }, true],
  ['Null', TIT, ['false'], { [TIT]: '' }, true], // an empty string is present
  ['Null', TIT, ['true', 'false'], none, true],
  ['Null', TIT, ['maybe'], none, false],
  ['Null', TIT, [], { [TIT]: 'x' }, false],
]);

const TK = 'aws:TagKeys';
run('ForAnyValue: and ForAllValues:', [
  ['ForAnyValue:StringEquals', TK, ['env', 'team'], { [TK]: ['cost', 'team'] }, true],
  ['ForAnyValue:StringEquals', TK, ['env', 'team'], { [TK]: ['cost', 'owner'] }, false],
  ['ForAnyValue:StringEquals', TK, ['env'], { [TK]: 'env' }, true], // a single value is a set of one
  ['ForAnyValue:StringEquals', TK, ['env'], none, false],
  ['ForAnyValue:StringEquals', TK, ['env'], { [TK]: [] }, false],
  ['ForAnyValue:StringEqualsIfExists', TK, ['env'], none, true],
  ['ForAnyValue:StringEqualsIfExists', TK, ['env'], { [TK]: [] }, true],
  ['ForAnyValue:StringEqualsIfExists', TK, ['env'], { [TK]: ['x'] }, false],
  ['ForAnyValue:StringNotEquals', TK, ['env'], { [TK]: ['env', 'team'] }, true], // team is not env
  ['ForAnyValue:StringNotEquals', TK, ['env'], { [TK]: ['env'] }, false],
  ['ForAnyValue:StringNotEquals', TK, ['env'], none, false],
  ['ForAnyValue:StringLike', TK, ['t*'], { [TK]: ['env', 'team'] }, true],
  ['ForAllValues:StringEquals', TK, ['env', 'team'], { [TK]: ['env', 'team'] }, true],
  ['ForAllValues:StringEquals', TK, ['env', 'team'], { [TK]: ['env'] }, true],
  ['ForAllValues:StringEquals', TK, ['env', 'team'], { [TK]: ['env', 'cost'] }, false],
  ['ForAllValues:StringEquals', TK, ['env'], none, true], // vacuously true
  ['ForAllValues:StringEquals', TK, ['env'], { [TK]: [] }, true],
  ['ForAllValues:StringEquals', TK, ['env'], { [TK]: 'env' }, true],
  ['ForAllValues:StringEquals', TK, ['env'], { [TK]: 'cost' }, false],
  ['ForAllValues:StringNotEquals', TK, ['secret'], { [TK]: ['env', 'team'] }, true],
  ['ForAllValues:StringNotEquals', TK, ['secret'], { [TK]: ['env', 'secret'] }, false],
  ['ForAllValues:StringNotEquals', TK, ['secret'], none, true],
  ['ForAllValues:StringLike', TK, ['e*', 't*'], { [TK]: ['env', 'team'] }, true],
  ['ForAllValues:StringLike', TK, ['e*'], { [TK]: ['env', 'team'] }, false],
  ['ForAllValues:StringEqualsIfExists', TK, ['env'], none, true],
  ['ForAnyValue:NumericLessThan', 'k', ['10'], { k: ['50', '5'] }, true],
  ['ForAllValues:NumericLessThan', 'k', ['10'], { k: ['50', '5'] }, false],
  ['ForAllValues:NumericLessThan', 'k', ['10'], { k: ['1', 'x'] }, false], // unparseable value fails
  ['ForAnyValue:IpAddress', IP, ['10.0.0.0/8'], { [IP]: ['192.0.2.1', '10.1.2.3'] }, true],
  ['ForAllValues:IpAddress', IP, ['10.0.0.0/8'], { [IP]: ['192.0.2.1', '10.1.2.3'] }, false],
  ['ForAnyValue:NotIpAddress', IP, ['10.0.0.0/8'], { [IP]: ['10.0.0.1', '10.1.2.3'] }, false],
  ['ForAnyValue:ArnLike', SA, ['arn:aws:s3:::b*'], { [SA]: ['arn:aws:s3:::x', 'arn:aws:s3:::bb'] }, true],
  [
    'ForAllValues:ArnNotLike',
    SA,
    ['arn:aws:s3:::b*'],
    { [SA]: ['arn:aws:s3:::x', 'arn:aws:s3:::bb'] },
    false,
  ],
  ['ForAnyValue:DateLessThan', T, ['2026-01-01'], { [T]: ['2027-01-01', '2025-01-01'] }, true],
  ['ForAnyValue:Bool', ST, ['true'], { [ST]: ['false', 'true'] }, true],
  ['ForAnyValue:BinaryEquals', 'k', ['QQ=='], { k: ['Qg==', 'QQ=='] }, true],
  [
    'ForAnyValue:StringLike',
    's3:prefix',
    ['home/${aws:username}/*'],
    { [U]: 'al', 's3:prefix': ['x', 'home/al/'] },
    true,
  ],
]);

describe('unknown operators', () => {
  it('never hold', () => {
    const c = compileCondition(clause('StringSortOf', 'k', ['v']), { variables: true });
    assert.equal(c.test(contextFrom({ k: 'v' })), false);
    assert.match(explainCondition(c, contextFrom({})).reason ?? '', /not a known condition operator/);
  });
});

describe('isKnownOperator', () => {
  const known = [
    'StringEquals',
    'StringNotEquals',
    'StringEqualsIgnoreCase',
    'StringNotEqualsIgnoreCase',
    'StringLike',
    'StringNotLike',
    'NumericEquals',
    'NumericNotEquals',
    'NumericLessThan',
    'NumericLessThanEquals',
    'NumericGreaterThan',
    'NumericGreaterThanEquals',
    'DateEquals',
    'DateNotEquals',
    'DateLessThan',
    'DateLessThanEquals',
    'DateGreaterThan',
    'DateGreaterThanEquals',
    'Bool',
    'BinaryEquals',
    'IpAddress',
    'NotIpAddress',
    'ArnEquals',
    'ArnLike',
    'ArnNotEquals',
    'ArnNotLike',
    'Null',
  ];
  it('knows every base operator', () => {
    for (const op of known) assert.equal(isKnownOperator(op), true, op);
    assert.deepEqual(
      knownOperators().sort(),
      [...known].sort(),
      'the exported list is exactly the documented operators',
    );
  });
  it('is case-sensitive and rejects qualified or suffixed names', () => {
    for (const op of [
      'stringequals',
      'STRINGEQUALS',
      'StringEqualsIfExists',
      'ForAnyValue:StringEquals',
      'BinaryNotEquals',
      '',
      'toString',
      'constructor',
    ]) {
      assert.equal(isKnownOperator(op), false, op);
    }
  });
  it('tells negated operators apart', () => {
    const negated = known.filter(isNegatedOperator);
    assert.deepEqual(negated, [
      'StringNotEquals',
      'StringNotEqualsIgnoreCase',
      'StringNotLike',
      'NumericNotEquals',
      'DateNotEquals',
      'NotIpAddress',
      'ArnNotEquals',
      'ArnNotLike',
    ]);
  });
});

describe('explainCondition', () => {
  const explain = (operator: string, key: string, values: string[], ctx: Ctx) =>
    explainCondition(compileCondition(clause(operator, key, values), { variables: true }), contextFrom(ctx));

  const cases: Array<[string, string, string[], Ctx, boolean, string | undefined]> = [
    ['IpAddress', IP, ['203.0.113.0/24'], none, false, 'aws:SourceIp is missing from the request'],
    [
      'IpAddress',
      IP,
      ['203.0.113.0/24'],
      { [IP]: '198.51.100.4' },
      false,
      'aws:SourceIp is "198.51.100.4", not in any of [203.0.113.0/24]',
    ],
    ['IpAddress', IP, ['203.0.113.0/24'], { [IP]: '203.0.113.9' }, true, undefined],
    [
      'IpAddress',
      IP,
      ['203.0.113.0/24'],
      { [IP]: 'nope' },
      false,
      'aws:SourceIp is "nope", which is not an IP address',
    ],
    [
      'NotIpAddress',
      IP,
      ['10.0.0.0/8', '203.0.113.0/24'],
      { [IP]: '203.0.113.9' },
      false,
      'aws:SourceIp is "203.0.113.9", which is in 203.0.113.0/24',
    ],
    [
      'StringLike',
      's3:prefix',
      ['a/*'],
      { 's3:prefix': ['a/', 'b/'] },
      false,
      's3:prefix has several values ["a/","b/"]; a plain operator needs a single value (use ForAnyValue: or ForAllValues:)',
    ],
    [
      'StringEquals',
      's3:prefix',
      ['${aws:username}'],
      { 's3:prefix': 'x' },
      false,
      's3:prefix is "x", not equal to any of ["${aws:username}"]; ${aws:username} is missing from the request, so the value never matches',
    ],
    [
      'StringLike',
      's3:prefix',
      ['home/${aws:username}/*'],
      { 's3:prefix': 'home/x/', [U]: ['a', 'b'] },
      false,
      's3:prefix is "home/x/", not like any of ["home/${aws:username}/*"]; ${aws:username} has several values ["a","b"], so the value never matches',
    ],
    [
      'StringEqualsIfExists',
      K,
      ['x'],
      none,
      true,
      'aws:PrincipalTag/team is missing from the request; StringEqualsIfExists holds when the key is missing',
    ],
    [
      'StringNotEquals',
      K,
      ['x'],
      none,
      true,
      'aws:PrincipalTag/team is missing from the request; the negated operator StringNotEquals holds when the key is missing',
    ],
    [
      'StringNotEquals',
      K,
      ['x', 'y'],
      { [K]: 'y' },
      false,
      'aws:PrincipalTag/team is "y", which is equal to "y"',
    ],
    [
      'ForAllValues:StringEquals',
      TK,
      ['a'],
      none,
      true,
      'aws:TagKeys is missing from the request; ForAllValues: holds for an empty set of values',
    ],
    [
      'ForAllValues:StringEquals',
      TK,
      ['a', 'b'],
      { [TK]: ['a', 'c'] },
      false,
      'aws:TagKeys value is "c", not equal to any of ["a","b"]',
    ],
    [
      'ForAnyValue:StringEquals',
      TK,
      ['a'],
      { [TK]: [] },
      false,
      'aws:TagKeys has no values in the request (ForAnyValue: needs at least one value)',
    ],
    [
      'ForAnyValue:StringEquals',
      TK,
      ['a'],
      { [TK]: ['b', 'c'] },
      false,
      'no value of aws:TagKeys ["b","c"] is equal to any of ["a"]',
    ],
    [
      'ForAnyValue:StringNotEquals',
      TK,
      ['a'],
      { [TK]: ['a'] },
      false,
      'every value of aws:TagKeys ["a"] is equal to one of ["a"]',
    ],
    ['NumericLessThan', 'k', ['10'], { k: 'ten' }, false, 'k is "ten", which is not a number'],
    [
      'NumericLessThan',
      'k',
      ['ten', '5'],
      { k: '7' },
      false,
      'k is "7", not less than any of [ten, 5]; ten is not a number, so the value never matches',
    ],
    [
      'DateLessThan',
      T,
      ['2026-01-01T00:00:00Z'],
      { [T]: '2027-01-01T00:00:00Z' },
      false,
      'aws:CurrentTime is "2027-01-01T00:00:00Z", not before any of [2026-01-01T00:00:00Z]',
    ],
    [
      'Bool',
      ST,
      ['true'],
      { [ST]: 'false' },
      false,
      'aws:SecureTransport is "false", not equal to any of [true]',
    ],
    [
      'Null',
      TIT,
      ['true'],
      { [TIT]: 'x' },
      false,
      'aws:TokenIssueTime is present ("x"); Null: true needs it missing',
    ],
    [
      'Null',
      TIT,
      ['false'],
      none,
      false,
      'aws:TokenIssueTime is missing from the request; Null: false needs it present',
    ],
    ['Null', TIT, ['true'], none, true, undefined],
  ];
  for (const [operator, key, values, ctx, matched, reason] of cases) {
    it(`${operator} ${JSON.stringify(ctx)} → ${reason ?? '(no reason)'}`, () => {
      const o = explain(operator, key, values, ctx);
      assert.equal(o.matched, matched);
      assert.equal(o.reason, reason);
    });
  }

  it('reports the context value it looked at', () => {
    assert.equal(explain('IpAddress', IP, ['10.0.0.0/8'], { [IP]: '10.0.0.1' }).contextValue, '10.0.0.1');
    assert.deepEqual(explain('ForAnyValue:StringEquals', TK, ['a'], { [TK]: ['a', 'b'] }).contextValue, [
      'a',
      'b',
    ]);
    assert.equal('contextValue' in explain('IpAddress', IP, ['10.0.0.0/8'], {}), false);
  });
});

describe('value parsers', () => {
  it('parseNumber is strict decimal', () => {
    const ok: Array<[string, number]> = [
      ['0', 0],
      ['-3', -3],
      ['+2.5', 2.5],
      ['.5', 0.5],
      ['10.', 10],
    ];
    for (const [s, n] of ok) assert.equal(parseNumber(s), n, s);
    for (const s of ['', '-', '.', '1e3', '0x10', ' 1', '1 ', '1.2.3', 'Infinity', 'NaN'])
      assert.ok(Number.isNaN(parseNumber(s)), s);
  });

  it('parseDate accepts ISO 8601 and epoch seconds, always as UTC unless an offset is given', () => {
    const at = Date.UTC(2026, 0, 1);
    const ok: Array<[string, number]> = [
      ['2026-01-01', at],
      ['2026-01-01T00:00:00Z', at],
      ['2026-01-01T00:00Z', at],
      ['2026-01-01T00:00:00.5Z', at + 500],
      ['2026-01-01T00:00:00.12Z', at + 120],
      ['2026-01-01T00:00:00.1239Z', at + 123],
      ['1970-01-01T00:00:00Z', 0],
      ['1969-12-31T23:59:59Z', -1000],
      ['2000-02-29T12:00:00Z', Date.UTC(2000, 1, 29, 12)],
      ['2100-03-01T00:00:00Z', Date.UTC(2100, 2, 1)],
      ['1600-12-31T23:59:59.999Z', Date.UTC(1600, 11, 31, 23, 59, 59, 999)],
      ['2026-01-01t00:00:00z', at],
      ['2026-01-01T10:20', at + (10 * 60 + 20) * 60_000],
      ['2026-01-01T00:00:00.123456789Z', at + 123],
      ['2026-01-01T05:30:00+05:30', at],
      ['2026-01-01T05:30:00+0530', at],
      ['2026-01-01T05:00:00+05', at],
      ['2025-12-31T24:00:00Z', at],
      ['1767225600', at],
      ['1767225600.5', at + 500],
      ['0', 0],
    ];
    for (const [s, ms] of ok) assert.equal(parseDate(s), ms, s);
    assert.equal(new Date(parseDate('0099-01-01')).toISOString(), '0099-01-01T00:00:00.000Z');
    for (const s of [
      '',
      'now',
      '2026-1-1',
      '2026-02-29',
      '2026-01-01T25:00Z',
      '2026-01-01T00:60Z',
      '2026-01-01T00:00:00+24:00',
      '2026-01-01 00:00:00',
      '2026-01-01T',
      '2026-01-01T10:2',
      '2026-01-01T00:00:00.Z',
      '2026-01-01T00:00:00Zx',
      '2026-01-01T00:00:00+05:3',
      '2026-01-01T00:00:00+5',
      '2100-02-29',
      '2026-00-10',
      '2026-04-31',
      '20260101',
    ]) {
      // '20260101' reads as epoch seconds, which is a valid (if odd) instant
      if (s === '20260101') assert.equal(parseDate(s), 20260101000, s);
      else assert.ok(Number.isNaN(parseDate(s)), s);
    }
  });

  it('parseCidr accepts addresses and blocks, rejects the rest', () => {
    for (const s of [
      '10.0.0.0/8',
      '10.0.0.1',
      '0.0.0.0/0',
      '::/0',
      '::1',
      '2001:db8::/32',
      '::ffff:1.2.3.4/128',
    ]) {
      assert.notEqual(parseCidr(s), undefined, s);
    }
    for (const s of [
      '',
      '10.0.0.0/',
      '10.0.0.0/33',
      '10.0.0.0/-1',
      '10.0.0.0/8/8',
      '::/129',
      'fe80::1%eth0',
      '1.2.3.4.5',
      'a.b.c.d',
    ]) {
      assert.equal(parseCidr(s), undefined, s);
    }
  });
});
