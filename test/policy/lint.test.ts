// The policy linter: every check id with a document that triggers it and one that does not,
// positions on a multi-line fixture, and the seed policies (001: RAM typos, 004: bucket ARN).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CHECK_IDS,
  CHECKS,
  lintPolicy,
  type CheckId,
  type Finding,
  type LintOptions,
} from '../../src/policy/lint/lint.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { repoPath } from '../support/repo-root.js';

type Doc = string | Record<string, unknown>;
interface Row {
  check: CheckId;
  options?: LintOptions;
  bad: Doc;
  good: Doc;
}

const V = '2012-10-17';
const B = 'arn:aws:s3:::photos';
const O = 'arn:aws:s3:::photos/*';
const ROLE = 'arn:aws:iam::111122223333:role/App';
const doc = (...statements: object[]): Record<string, unknown> => ({ Version: V, Statement: statements });
const ram = (...statements: object[]): Record<string, unknown> => ({ Version: '1', Statement: statements });
const allow = (Action: unknown, Resource: unknown, extra: object = {}): object => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
const deny = (Action: unknown, Resource: unknown, extra: object = {}): object => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...extra,
});
const cond = (Condition: object): object => ({ Condition });
const trust = (Principal: unknown, extra: object = {}): object => ({
  Effect: 'Allow',
  Principal,
  Action: 'sts:AssumeRole',
  ...extra,
});
const text = (d: Doc): string => (typeof d === 'string' ? d : JSON.stringify(d, null, 2));
const lint = (d: Doc, options: LintOptions = {}): Finding[] => lintPolicy(text(d), options);
const checks = (d: Doc, options: LintOptions = {}): CheckId[] => lint(d, options).map((f) => f.check);

const longList = Array.from({ length: 80 }, (_, i) => `arn:aws:s3:::photos/a-rather-long-prefix-${i}/*`);

const ROWS: Row[] = [
  // Structure.
  { check: 'json-syntax', bad: '{"Version": ', good: doc(allow('s3:GetObject', O)) },
  {
    check: 'json-duplicate-key',
    bad: `{"Version":"${V}","Version":"${V}","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"${O}"}]}`,
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'element-unknown',
    bad: doc({ Effect: 'Allow', Actions: 's3:GetObject', Resource: O }),
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'element-missing',
    bad: doc({ Action: 's3:GetObject', Resource: O }),
    good: doc(allow('s3:GetObject', O)),
  },
  { check: 'element-type', bad: doc(allow(5, O)), good: doc(allow('s3:GetObject', O)) },
  {
    check: 'element-conflict',
    bad: doc(allow('s3:GetObject', O, { NotAction: 's3:PutObject' })),
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'policy-too-large',
    options: { type: 'session' },
    bad: doc(allow('s3:GetObject', longList)),
    good: doc(allow('s3:GetObject', longList.slice(0, 2))),
  },
  {
    check: 'policy-invalid',
    options: { type: 'trust' },
    bad: doc(trust({ AWS: ROLE }, { Resource: '*' })),
    good: doc(trust({ AWS: ROLE })),
  },
  {
    check: 'version-invalid',
    bad: { Version: '2012-10-18', Statement: [allow('s3:GetObject', O)] },
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'version-missing',
    bad: { Statement: [allow('s3:GetObject', O)] },
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'version-old',
    bad: { Version: '2008-10-17', Statement: [allow('s3:GetObject', O)] },
    good: doc(allow('s3:GetObject', O)),
  },
  { check: 'statement-list-empty', bad: doc(), good: doc(allow('s3:GetObject', O)) },
  {
    check: 'sid-duplicate',
    bad: doc(allow('s3:GetObject', O, { Sid: 'A' }), allow('s3:ListBucket', B, { Sid: 'A' })),
    good: doc(allow('s3:GetObject', O, { Sid: 'A' }), allow('s3:ListBucket', B, { Sid: 'B' })),
  },
  {
    check: 'sid-invalid',
    options: { type: 'identity' },
    bad: doc(allow('s3:GetObject', O, { Sid: 'read only' })),
    good: doc(allow('s3:GetObject', O, { Sid: 'ReadOnly' })),
  },
  {
    check: 'sid-characters',
    bad: doc(allow('s3:GetObject', O, { Sid: 'read only' })),
    good: doc(allow('s3:GetObject', O, { Sid: 'ReadOnly' })),
  },
  {
    check: 'sid-empty',
    bad: doc(allow('s3:GetObject', O, { Sid: '' })),
    good: doc(allow('s3:GetObject', O, { Sid: 'Read' })),
  },
  // Effect.
  {
    check: 'effect-invalid',
    bad: doc({ ...allow('s3:GetObject', O), Effect: 'allow ' }),
    good: doc(allow('s3:GetObject', O)),
  },
  // Actions.
  {
    check: 'action-whitespace',
    bad: ram(allow('Oss: GetObject', 'acs:oss:*:*:photos/*')),
    good: ram(allow('oss:GetObject', 'acs:oss:*:*:photos/*')),
  },
  { check: 'action-no-prefix', bad: doc(allow('GetObject', O)), good: doc(allow('s3:GetObject', O)) },
  { check: 'action-invalid', bad: doc(allow('s3:Get.Object', O)), good: doc(allow('s3:GetObject', O)) },
  { check: 'action-case', bad: doc(allow('S3:getobject', O)), good: doc(allow('s3:GetObject', O)) },
  { check: 'action-unknown', bad: doc(allow('s3:GetObjekt', O)), good: doc(allow('s3:GetObject', O)) },
  {
    check: 'action-service-unknown',
    bad: doc(allow('ec2:RunInstances', 'arn:aws:ec2:*:111122223333:instance/*')),
    good: doc(allow('s3:GetObject', O)),
  },
  { check: 'action-wildcard-matches-nothing', bad: doc(allow('s3:Gte*', O)), good: doc(allow('s3:Get*', O)) },
  {
    check: 'action-dialect-mismatch',
    bad: doc(allow('oss:GetObject', O)),
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'action-duplicate',
    bad: doc(allow(['s3:GetObject', 's3:Get*'], O)),
    good: doc(allow(['s3:GetObject', 's3:PutObject'], O)),
  },
  {
    check: 'trust-action-invalid',
    options: { type: 'trust' },
    bad: doc({ ...trust({ AWS: ROLE }), Action: 's3:GetObject' }),
    good: doc(trust({ AWS: ROLE })),
  },
  {
    check: 'not-action-allow',
    bad: doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }),
    good: doc({ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }),
  },
  { check: 'admin-access', bad: doc(allow('*', '*')), good: doc(allow('*', O)) },
  { check: 'service-wildcard-all-resources', bad: doc(allow('s3:*', '*')), good: doc(allow('s3:*', [B, O])) },
  // Resources.
  {
    check: 'resource-not-arn',
    bad: doc(allow('s3:GetObject', 'photos/*')),
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'resource-wildcard-crosses-segment',
    bad: doc(allow('s3:GetObject', 'arn:aws:*')),
    good: doc(allow('s3:GetObject', 'arn:aws:s3:::*')),
  },
  {
    check: 'resource-whitespace',
    bad: doc(allow('s3:GetObject', `${O} `)),
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'resource-duplicate',
    bad: doc(allow('s3:GetObject', [O, 'arn:aws:s3:::photos/2024/a.jpg'])),
    good: doc(allow('s3:GetObject', [O, 'arn:aws:s3:::videos/*'])),
  },
  {
    check: 'not-resource-allow',
    bad: doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: O }),
    good: doc({ Effect: 'Deny', Action: 's3:GetObject', NotResource: O }),
  },
  {
    check: 'object-action-on-bucket-arn',
    bad: doc(allow('s3:GetObject', B)),
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'bucket-action-on-object-arn',
    bad: doc(allow('s3:ListBucket', O)),
    good: doc(allow('s3:ListBucket', B)),
  },
  {
    check: 's3-arn-region-account',
    bad: doc(allow('s3:GetObject', 'arn:aws:s3:us-east-1:111122223333:photos/*')),
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 's3-bucket-name-invalid',
    bad: doc(allow('s3:GetObject', 'arn:aws:s3:::My_Photos/*')),
    good: doc(allow('s3:GetObject', 'arn:aws:s3:::my-photos/*')),
  },
  {
    check: 'resource-service-mismatch',
    bad: doc(allow('s3:GetObject', 'arn:aws:iam::111122223333:user/alice')),
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'resource-wildcard-broad',
    bad: doc(allow('s3:GetObject', '*')),
    good: doc(allow('s3:GetObject', O)),
  },
  // Principals.
  {
    check: 'principal-not-allowed',
    options: { type: 'identity' },
    bad: doc(allow('s3:GetObject', O, { Principal: { AWS: ROLE } })),
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'principal-invalid',
    options: { type: 'resource' },
    bad: doc(allow('s3:GetObject', O, { Principal: { AWS: 'arn:aws:iam::1234:user/alice' } })),
    good: doc(allow('s3:GetObject', O, { Principal: { AWS: 'arn:aws:iam::111122223333:user/alice' } })),
  },
  {
    check: 'rcp-shape',
    options: { type: 'rcp' },
    bad: doc(allow('s3:*', '*', { Principal: '*' })),
    good: doc(
      deny('s3:*', '*', { Principal: '*', ...cond({ BoolIfExists: { 'aws:SecureTransport': 'false' } }) }),
    ),
  },
  {
    check: 'principal-service-invalid',
    options: { type: 'trust' },
    bad: doc(trust({ Service: 'ec2' })),
    good: doc(trust({ Service: 'ec2.amazonaws.com' })),
  },
  {
    check: 'allow-not-principal',
    bad: doc(allow('s3:GetObject', O, { NotPrincipal: { AWS: ROLE } })),
    good: doc(allow('s3:GetObject', O, { Principal: { AWS: ROLE } })),
  },
  {
    check: 'deny-not-principal',
    bad: doc(deny('s3:*', O, { NotPrincipal: { AWS: ROLE } })),
    good: doc(deny('s3:*', O, { Principal: '*', ...cond({ ArnNotEquals: { 'aws:PrincipalArn': ROLE } }) })),
  },
  {
    check: 'public-access',
    options: { type: 'resource' },
    bad: doc(allow('s3:GetObject', O, { Principal: '*' })),
    good: doc(
      allow('s3:GetObject', O, {
        Principal: '*',
        ...cond({ StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }),
      }),
    ),
  },
  {
    check: 'public-write',
    options: { type: 'resource' },
    bad: doc(allow('s3:PutObject', O, { Principal: { AWS: '*' } })),
    good: doc(
      allow('s3:PutObject', O, {
        Principal: { AWS: '*' },
        ...cond({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }),
      }),
    ),
  },
  {
    check: 'trust-public',
    options: { type: 'trust' },
    bad: doc(trust({ AWS: '*' })),
    good: doc(trust({ AWS: '*' }, cond({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }))),
  },
  {
    check: 'trust-external-id',
    options: { type: 'trust' },
    bad: doc(trust({ AWS: '444455556666' })),
    good: doc(trust({ AWS: '444455556666' }, cond({ StringEquals: { 'sts:ExternalId': 'Unique1D' } }))),
  },
  // Conditions.
  {
    check: 'condition-operator-unknown',
    bad: doc(allow('s3:GetObject', O, cond({ StringEqual: { 'aws:username': 'alice' } }))),
    good: doc(allow('s3:GetObject', O, cond({ StringEquals: { 'aws:username': 'alice' } }))),
  },
  {
    check: 'condition-qualifier-unknown',
    bad: doc(allow('s3:GetObject', O, cond({ 'ForAllValue:StringEquals': { 'aws:TagKeys': 'team' } }))),
    good: doc(allow('s3:GetObject', O, cond({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } }))),
  },
  {
    check: 'condition-null-ifexists',
    bad: doc(allow('s3:GetObject', O, cond({ NullIfExists: { 'aws:TokenIssueTime': 'true' } }))),
    good: doc(allow('s3:GetObject', O, cond({ Null: { 'aws:TokenIssueTime': 'true' } }))),
  },
  {
    check: 'condition-null-value',
    bad: doc(allow('s3:GetObject', O, cond({ Null: { 'aws:TokenIssueTime': 'yes' } }))),
    good: doc(allow('s3:GetObject', O, cond({ Null: { 'aws:TokenIssueTime': 'false' } }))),
  },
  {
    check: 'condition-empty',
    bad: doc(allow('s3:GetObject', O, cond({}))),
    good: doc(allow('s3:GetObject', O)),
  },
  {
    check: 'condition-key-unknown',
    bad: doc(allow('s3:GetObject', O, cond({ IpAddress: { 'aws:SorceIp': '203.0.113.0/24' } }))),
    good: doc(allow('s3:GetObject', O, cond({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }))),
  },
  {
    check: 'condition-key-not-for-action',
    bad: doc(allow('s3:GetObject', O, cond({ StringLike: { 's3:prefix': 'home/*' } }))),
    good: doc(allow('s3:ListBucket', B, cond({ StringLike: { 's3:prefix': 'home/*' } }))),
  },
  {
    check: 'condition-key-case-duplicate',
    bad: doc(allow('s3:GetObject', O, cond({ StringEquals: { 'aws:username': 'a', 'aws:UserName': 'b' } }))),
    good: doc(allow('s3:GetObject', O, cond({ StringEquals: { 'aws:username': ['a', 'b'] } }))),
  },
  {
    check: 'condition-set-single-valued',
    bad: doc(allow('s3:GetObject', O, cond({ 'ForAnyValue:StringEquals': { 'aws:username': 'alice' } }))),
    good: doc(allow('s3:GetObject', O, cond({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } }))),
  },
  {
    check: 'condition-forallvalues-allow',
    bad: doc(allow('s3:GetObject', O, cond({ 'ForAllValues:StringEquals': { 'aws:TagKeys': 'team' } }))),
    good: doc(
      allow(
        's3:GetObject',
        O,
        cond({ 'ForAllValues:StringEquals': { 'aws:TagKeys': 'team' }, Null: { 'aws:TagKeys': 'false' } }),
      ),
    ),
  },
  {
    check: 'condition-operator-key-type',
    bad: doc(allow('s3:GetObject', O, cond({ NumericEquals: { 'aws:SourceIp': '1' } }))),
    good: doc(allow('s3:GetObject', O, cond({ IpAddress: { 'aws:SourceIp': '203.0.113.7' } }))),
  },
  {
    check: 'condition-arn-non-arn-key',
    bad: doc(allow('s3:GetObject', O, cond({ ArnLike: { 'aws:username': 'ali*' } }))),
    good: doc(
      allow('s3:GetObject', O, cond({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } })),
    ),
  },
  {
    check: 'condition-date-invalid',
    bad: doc(allow('s3:GetObject', O, cond({ DateLessThan: { 'aws:CurrentTime': 'tomorrow' } }))),
    good: doc(
      allow('s3:GetObject', O, cond({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } })),
    ),
  },
  {
    check: 'condition-numeric-invalid',
    bad: doc(allow('s3:GetObject', O, cond({ NumericLessThan: { 'aws:MultiFactorAuthAge': '1h' } }))),
    good: doc(allow('s3:GetObject', O, cond({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }))),
  },
  {
    check: 'condition-ip-invalid',
    bad: doc(allow('s3:GetObject', O, cond({ IpAddress: { 'aws:SourceIp': '203.0.113.0/33' } }))),
    good: doc(allow('s3:GetObject', O, cond({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }))),
  },
  {
    check: 'condition-bool-invalid',
    bad: doc(allow('s3:GetObject', O, cond({ Bool: { 'aws:MultiFactorAuthPresent': 'yes' } }))),
    good: doc(allow('s3:GetObject', O, cond({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }))),
  },
  {
    check: 'condition-like-no-wildcard',
    bad: doc(allow('s3:ListBucket', B, cond({ StringLike: { 's3:prefix': 'home/' } }))),
    good: doc(allow('s3:ListBucket', B, cond({ StringLike: { 's3:prefix': 'home/*' } }))),
  },
  {
    check: 'condition-equals-wildcard',
    bad: doc(allow('s3:ListBucket', B, cond({ StringEquals: { 's3:prefix': 'home/*' } }))),
    good: doc(allow('s3:ListBucket', B, cond({ StringLike: { 's3:prefix': 'home/*' } }))),
  },
  {
    check: 'condition-ip-private',
    bad: doc(allow('s3:GetObject', O, cond({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }))),
    good: doc(allow('s3:GetObject', O, cond({ IpAddress: { 'aws:VpcSourceIp': '10.0.0.0/8' } }))),
  },
  {
    check: 'secure-transport-false-allow',
    bad: doc(allow('s3:GetObject', O, cond({ Bool: { 'aws:SecureTransport': 'false' } }))),
    good: doc(deny('s3:GetObject', O, cond({ Bool: { 'aws:SecureTransport': 'false' } }))),
  },
  // Variables.
  {
    check: 'variables-old-version',
    bad: {
      Version: '2008-10-17',
      Statement: [allow('s3:GetObject', 'arn:aws:s3:::photos/${aws:username}/*')],
    },
    good: doc(allow('s3:GetObject', 'arn:aws:s3:::photos/${aws:username}/*')),
  },
  {
    check: 'variable-unknown',
    bad: doc(allow('s3:GetObject', 'arn:aws:s3:::photos/${aws:usrname}/*')),
    good: doc(allow('s3:GetObject', 'arn:aws:s3:::photos/${aws:username}/*')),
  },
  {
    check: 'variable-malformed',
    bad: doc(allow('s3:GetObject', 'arn:aws:s3:::photos/${aws:username/*')),
    good: doc(allow('s3:GetObject', 'arn:aws:s3:::photos/${aws:username}/*')),
  },
  {
    check: 'variable-unsupported-element',
    bad: doc(allow('s3:${aws:username}', O)),
    good: doc(allow('s3:GetObject', 'arn:aws:s3:::photos/${aws:username}/*')),
  },
  // Statements as a whole.
  {
    check: 'statement-duplicate',
    bad: doc(allow('s3:GetObject', O, { Sid: 'A' }), allow('s3:GetObject', O, { Sid: 'B' })),
    good: doc(
      allow('s3:GetObject', O, { Sid: 'A' }),
      allow('s3:GetObject', 'arn:aws:s3:::videos/*', { Sid: 'B' }),
    ),
  },
  {
    check: 'statement-redundant',
    bad: doc(allow('s3:Get*', O), allow('s3:GetObject', 'arn:aws:s3:::photos/2024/*')),
    good: doc(allow('s3:Get*', O), allow('s3:GetObject', 'arn:aws:s3:::videos/*')),
  },
  {
    check: 'deny-shadows-allow',
    bad: doc(allow('s3:GetObject', O), deny('s3:*', O)),
    good: doc(allow('s3:GetObject', O), deny('s3:*', O, cond({ Bool: { 'aws:SecureTransport': 'false' } }))),
  },
  // IAM and STS.
  {
    check: 'passrole-wildcard',
    bad: doc(allow('iam:PassRole', '*')),
    good: doc(allow('iam:PassRole', ROLE)),
  },
  {
    check: 'iam-privilege-escalation',
    bad: doc(allow('iam:AttachRolePolicy', '*')),
    good: doc(allow('iam:AttachRolePolicy', ROLE)),
  },
  {
    check: 'assume-role-wildcard',
    bad: doc(allow('sts:AssumeRole', '*')),
    good: doc(allow('sts:AssumeRole', ROLE)),
  },
];

describe('lint checks', () => {
  it('registers at least 40 checks, each with a severity and a description', () => {
    assert.ok(CHECK_IDS.length >= 40, `only ${CHECK_IDS.length} checks`);
    for (const id of CHECK_IDS) {
      assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(CHECKS[id].description.length > 10, id);
    }
  });

  it('has a triggering and a clean document for every check id', () => {
    const covered = new Set(ROWS.map((r) => r.check));
    assert.deepEqual(
      CHECK_IDS.filter((id) => !covered.has(id)),
      [],
    );
  });

  for (const row of ROWS) {
    it(`${row.check}: triggered by the bad document, not by the good one`, () => {
      const bad = lint(row.bad, row.options);
      const hit = bad.find((f) => f.check === row.check);
      assert.ok(hit, `expected ${row.check}, got ${JSON.stringify(bad, null, 1)}`);
      assert.equal(hit.severity, CHECKS[row.check].severity);
      assert.ok(hit.line >= 1 && hit.column >= 1);
      const good = checks(row.good, row.options);
      assert.ok(!good.includes(row.check), `${row.check} on the good document: ${good.join(', ')}`);
    });
  }
});

describe('lint seeds', () => {
  it('seed 001: flags "allow " and "Oss: GetObject" as errors with the fix', () => {
    const findings = lintPolicy(
      readFileSync(repoPath('test', 'fixtures', 'lint', 'seed-001-readonly.json'), 'utf8'),
    );
    const effect = findings.find((f) => f.check === 'effect-invalid');
    assert.ok(effect);
    assert.equal(effect.severity, 'error');
    assert.match(effect.message, /did you mean "Allow"/);
    assert.deepEqual([effect.path, effect.line, effect.column], ['Statement[0].Effect', 5, 14]);
    const action = findings.find((f) => f.check === 'action-whitespace');
    assert.ok(action);
    assert.equal(action.severity, 'error');
    assert.match(action.message, /did you mean "oss:GetObject"/);
    assert.deepEqual([action.path, action.line, action.column], ['Statement[0].Action[1]', 8, 6]);
    // Each problem once: the parser's own report of the same value is not repeated.
    assert.equal(findings.length, 2, JSON.stringify(findings, null, 1));
  });

  it('seed 004: s3:GetObject on the bucket ARN suggests the object ARN', () => {
    const findings = lintPolicy(
      readFileSync(repoPath('test', 'fixtures', 'lint', 'seed-004-bucket-arn.json'), 'utf8'),
    );
    assert.equal(findings.length, 1);
    const [f] = findings as [Finding];
    assert.equal(f.check, 'object-action-on-bucket-arn');
    assert.match(f.message, /s3:GetObject/);
    assert.match(f.message, /"arn:aws:s3:::bucket\/\*"/);
    assert.deepEqual([f.path, f.line, f.column], ['Statement[0].Resource', 6, 17]);
  });

  it('RAM: oss:ListObjects on an object ARN only', () => {
    const findings = lint(ram(allow('oss:ListObjects', 'acs:oss:*:*:ram-test-app/*')));
    const f = findings.find((x) => x.check === 'bucket-action-on-object-arn');
    assert.ok(f);
    assert.match(f.message, /"acs:oss:\*:\*:ram-test-app"/);
  });
});

describe('lint positions and output', () => {
  it('places every finding on its value, sorted by line and column', () => {
    const findings = lintPolicy(readFileSync(repoPath('test', 'fixtures', 'lint', 'positions.json'), 'utf8'));
    const at = findings.map((f) => `${f.line}:${f.column} ${f.check} ${f.path}`);
    assert.deepEqual(at, [
      '5:17 effect-invalid Statement[0].Effect',
      '8:9 action-unknown Statement[0].Action[1]',
      '10:19 bucket-action-on-object-arn Statement[0].Resource',
      '12:40 condition-ip-private Statement[0].Condition.IpAddress.aws:SourceIp',
      '13:9 condition-operator-unknown Statement[0].Condition.StringEqual',
    ]);
    assert.match(findings[1]?.message ?? '', /Did you mean "s3:GetObject"\?/);
    assert.match(findings[4]?.message ?? '', /Did you mean "StringEquals"\?/);
  });

  it('finds nothing in clean policies', () => {
    for (const name of ['clean-identity.json', 'clean-ram-write.json']) {
      const findings = lintPolicy(readFileSync(repoPath('test', 'fixtures', 'lint', name), 'utf8'));
      assert.deepEqual(findings, [], name);
    }
    assert.deepEqual(
      lintPolicy(readFileSync(repoPath('test', 'fixtures', 'lint', 'clean-identity.json'), 'utf8'), {
        type: 'identity',
      }),
      [],
    );
  });

  it('reports a JSON syntax error with its position', () => {
    const [f, ...rest] = lintPolicy('{\n  "Version": "2012-10-17",\n  "Statement": [\n');
    assert.equal(rest.length, 0);
    assert.equal(f?.check, 'json-syntax');
    assert.equal(f?.line, 4);
  });

  it('keeps running structural checks when the parser rejects the document', () => {
    const bad = doc({ Effect: 'Alow', Action: 's3:GetObject', Resource: B, Sid: 'x y' });
    const found = checks(bad, { type: 'identity' });
    assert.ok(found.includes('effect-invalid'));
    assert.ok(found.includes('sid-invalid'));
    assert.ok(found.includes('object-action-on-bucket-arn'));
  });

  it('findings have exactly the documented fields', () => {
    for (const f of lint(doc(allow('s3:GetObject', B)))) {
      assert.deepEqual(Object.keys(f).sort(), ['check', 'column', 'line', 'message', 'path', 'severity']);
    }
  });
});

describe('lint robustness', () => {
  it('never throws; errors exactly when the parser rejects; findings registered, placed, sorted', () => {
    const atoms = [
      '*',
      'Allow',
      'allow ',
      'Deny',
      's3:GetObject',
      'Oss: GetObject',
      O,
      B,
      '${aws:username}',
      '10.0.0.0/8',
      '',
      5,
      true,
      null,
    ];
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(...atoms),
        fc.string(),
        tie('list'),
        tie('object'),
      ),
      list: fc.array(tie('any'), { maxLength: 4 }),
      object: fc.dictionary(
        fc.oneof(
          fc.constantFrom(
            'Version',
            'Statement',
            'Effect',
            'Action',
            'NotAction',
            'Resource',
            'Principal',
            'NotPrincipal',
            'Condition',
            'StringLike',
            'Null',
            'aws:SourceIp',
            'Sid',
            'AWS',
          ),
          fc.string(),
        ),
        tie('any'),
        { maxKeys: 5 },
      ),
    })).any;
    const types = fc.constantFrom(
      undefined,
      'identity',
      'resource',
      'trust',
      'session',
      'scp',
      'rcp',
      'boundary',
    );
    fc.assert(
      fc.property(value, fc.constantFrom<'aws' | 'ram'>('aws', 'ram'), types, (v, dialect, type) => {
        const options = type ? { dialect, type } : { dialect };
        const text = JSON.stringify({ Version: V, Statement: v }, null, 2);
        const findings = lintPolicy(text, options);
        // The API contract: a document is rejected exactly when the linter reports an error.
        assert.equal(
          findings.some((f) => f.severity === 'error'),
          !parsePolicy(text, options).ok,
        );
        findings.forEach((f, i) => {
          assert.ok(CHECK_IDS.includes(f.check));
          assert.ok(f.line >= 1 && f.column >= 1);
          const prev = findings[i - 1];
          if (prev) assert.ok(prev.line < f.line || (prev.line === f.line && prev.column <= f.column));
        });
      }),
      { numRuns: 2000 },
    );
  });
});
