import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { knownOperators } from '../../src/policy/conditions/index.js';
import {
  countInsignificantWhitespace,
  measurePolicySize,
  POLICY_SIZE_LIMITS,
  policySizeLimit,
} from '../../src/policy/limits.js';
import type { PolicyDocument, PolicyProblem, PolicyType } from '../../src/policy/model.js';
import { parsePolicy, type ParseOptions } from '../../src/policy/parse.js';

const parse = parsePolicy;

function ok(input: unknown, options: ParseOptions = {}): PolicyDocument {
  const r = parse(input, options);
  if (!r.ok) assert.fail(`expected a valid policy, got:\n${r.problems.map((p) => p.message).join('\n')}`);
  return r.policy;
}

function problems(input: unknown, options: ParseOptions = {}): PolicyProblem[] {
  const r = parse(input, options);
  if (r.ok) assert.fail('expected problems, the policy was accepted');
  return r.problems;
}

function messages(input: unknown, options: ParseOptions = {}): string[] {
  return problems(input, options).map((p) => p.message);
}

/** Exactly one problem, whose message matches. */
function oneProblem(input: unknown, options: ParseOptions, expected: string | RegExp): PolicyProblem {
  const list = problems(input, options);
  assert.equal(list.length, 1, `expected one problem, got:\n${list.map((p) => p.message).join('\n')}`);
  const [p] = list as [PolicyProblem];
  if (typeof expected === 'string') assert.equal(p.message, expected);
  else assert.match(p.message, expected);
  return p;
}

type Json = Record<string, unknown>;
const stmt = (extra: Json = {}): Json => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::b/*',
  ...extra,
});
const without = (obj: Json, ...keys: string[]): Json =>
  Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));
const doc = (...statements: Json[]): Json => ({ Version: '2012-10-17', Statement: statements });
const ramStmt = (extra: Json = {}): Json => ({
  Effect: 'Allow',
  Action: 'oss:GetObject',
  Resource: 'acs:oss:*:*:bucket/*',
  ...extra,
});
const ramDoc = (...statements: Json[]): Json => ({ Version: '1', Statement: statements });
const bucketStmt = (extra: Json = {}): Json => stmt({ Principal: { AWS: '111122223333' }, ...extra });
const trustStmt = (extra: Json = {}): Json => ({
  Effect: 'Allow',
  Principal: { Service: 'ec2.amazonaws.com' },
  Action: 'sts:AssumeRole',
  ...extra,
});
const ID = { type: 'identity' } as const;
const RES = { type: 'resource' } as const;
const TRUST = { type: 'trust' } as const;

// Seed 001 (Alibaba RAM docs): the read-only policy, typos included, pasted verbatim.
const SEED_001_READ_ONLY = `{
"Version": "1",
"Statement": [
 {
   "Effect": "allow ",
   "Action": [
     "oss:ListObjects",
     "Oss: GetObject"
   ],
   "Resource": [
     "acs:oss:*:*:ram-test-app",
     "acs:oss:*:*:ram-test-app/*"
   ]
 }
]
}`;
const SEED_001_WRITE = `{
"Version": "1",
"Statement": [
 {
   "Effect": "Allow",
   "Action": [
     "oss:DeleteObject",
     "oss:ListParts",
     "oss:AbortMultipartUpload",
     "oss:PutObject"
   ],
   "Resource": [
     "acs:oss:*:*:ram-test-app",
     "acs:oss:*:*:ram-test-app/*"
   ]
 }
]
}`;
const SEED_001_SESSION =
  '{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:PutObject"],"Resource":["acs:oss:*:*:ram-test-app/usr001/*"]}]}';
const SEED_001_ASSUME = `{
"Statement": [
 {
   "Action": "sts:AssumeRole",
   "Effect": "Allow",
   "Resource": "acs:ram::1894xxxxxx722283:role/ramtestappreadonly"
 }
],
"Version": "1"
}`;
// Seed 003 (AWS troubleshooting docs): a bucket policy naming a role.
const SEED_003_BUCKET_POLICY =
  '{ "Version": "2012-10-17", "Statement": [{ "Sid": "S3BucketPolicy", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/MyRole"]}, "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket/*"] }] }';

describe('parse: seeds', () => {
  it('rejects seed 001 read-only policy with both typos at their line and column', () => {
    const list = problems(SEED_001_READ_ONLY, { dialect: 'ram', type: 'identity' });
    assert.equal(list.length, 2);
    assert.deepEqual(list[0], {
      path: 'Statement[0].Effect',
      message: 'Statement[0].Effect: "allow " is not Allow or Deny',
      line: 5,
      column: 14,
    });
    assert.equal(list[1]?.path, 'Statement[0].Action[1]');
    assert.match(
      list[1]?.message ?? '',
      /^Statement\[0\]\.Action\[1\]: "Oss: GetObject" contains whitespace/,
    );
    assert.equal(list[1]?.line, 8);
    assert.equal(list[1]?.column, 6);
  });

  it('rejects seed 001 read-only policy the same way with auto dialect and no type', () => {
    const list = problems(SEED_001_READ_ONLY, { dialect: 'auto' });
    assert.deepEqual(
      list.map((p) => p.path),
      ['Statement[0].Effect', 'Statement[0].Action[1]'],
    );
  });

  it('accepts seed 001 write policy, session policy and AssumeRole policy as RAM', () => {
    const write = ok(SEED_001_WRITE, { dialect: 'ram', type: 'identity' });
    assert.equal(write.dialect, 'ram');
    assert.equal(write.version, '1');
    assert.deepEqual(write.statements[0]?.resource, [
      'acs:oss:*:*:ram-test-app',
      'acs:oss:*:*:ram-test-app/*',
    ]);
    assert.deepEqual(write.statements[0]?.loc, {
      path: 'Statement[0]',
      start: { line: 4, column: 2 },
      end: { line: 16, column: 3 },
    });
    ok(SEED_001_SESSION, { dialect: 'ram', type: 'session' });
    ok(SEED_001_ASSUME, { dialect: 'ram', type: 'identity' });
  });

  it('accepts seed 003 bucket policy as an AWS resource policy', () => {
    const p = ok(SEED_003_BUCKET_POLICY, RES);
    assert.deepEqual(p.statements[0]?.principal, { AWS: ['arn:aws:iam::111122223333:role/MyRole'] });
    assert.equal(p.statements[0]?.sid, 'S3BucketPolicy');
  });
});

describe('parse: document', () => {
  it('normalizes a minimal identity policy', () => {
    const p = ok(doc(stmt()), ID);
    assert.deepEqual(p, {
      dialect: 'aws',
      version: '2012-10-17',
      statements: [
        {
          index: 0,
          effect: 'Allow',
          action: ['s3:GetObject'],
          resource: ['arn:aws:s3:::b/*'],
          conditions: [],
          loc: { path: 'Statement[0]' },
        },
      ],
    });
  });

  it('gives statements of text input their start and end positions', () => {
    const text =
      '{"Version": "2012-10-17",\n "Statement": [\n  {"Effect": "Allow", "Action": "*", "Resource": "*"},\n  {"Effect": "Deny", "Action": "*", "Resource": "*"}\n ]}';
    const p = ok(text, ID);
    assert.deepEqual(p.statements[1]?.loc, {
      path: 'Statement[1]',
      start: { line: 4, column: 3 },
      end: { line: 4, column: 53 },
    });
    assert.equal(p.statements[1]?.index, 1);
  });

  it('accepts a single statement object (path "Statement")', () => {
    const p = ok({ Version: '2012-10-17', Statement: stmt() }, ID);
    assert.equal(p.statements.length, 1);
    assert.equal(p.statements[0]?.loc.path, 'Statement');
    const e = problems({ Version: '2012-10-17', Statement: stmt({ Effect: 'allow' }) }, ID);
    assert.equal(e[0]?.message, 'Statement.Effect: "allow" is not Allow or Deny');
  });

  it('accepts an empty Statement list', () => {
    assert.deepEqual(ok({ Version: '2012-10-17', Statement: [] }, ID).statements, []);
  });

  it('requires a Statement of the right shape', () => {
    oneProblem({ Version: '2012-10-17' }, ID, 'Policy document: missing Statement');
    oneProblem(
      { Version: '2012-10-17', Statement: 'x' },
      ID,
      'Statement: must be a statement object or a list of statements, not a string',
    );
    oneProblem(
      doc(stmt(), 5 as unknown as Json),
      ID,
      'Statement[1]: a statement must be an object, not a number',
    );
  });

  it('requires the document to be an object', () => {
    oneProblem('[]', ID, 'Policy document: must be a JSON object, not a list');
    oneProblem('"x"', ID, /not a string$/);
    oneProblem(null, ID, /not null$/);
    oneProblem(42, ID, /not a number$/);
  });

  it('rejects unknown top-level elements, case-sensitively, with a hint', () => {
    const p = oneProblem(
      '{"version": "2012-10-17", "Statement": []}',
      ID,
      'version: unknown policy element "version"; expected Version, Id or Statement (names are case-sensitive: did you mean "Version"?)',
    );
    assert.deepEqual([p.line, p.column], [1, 2]);
  });

  it('keeps a string Id and rejects any other', () => {
    assert.equal(ok({ ...doc(stmt()), Id: 'my-policy' }, ID).id, 'my-policy');
    oneProblem({ ...doc(stmt()), Id: 5 }, ID, 'Id: 5 is not a string');
  });

  it('gives no line or column for non-text input', () => {
    const [p] = problems(doc(stmt({ Effect: 'allow' })), ID);
    assert.deepEqual(p, {
      path: 'Statement[0].Effect',
      message: 'Statement[0].Effect: "allow" is not Allow or Deny',
    });
  });

  it('reports a JSON syntax error as one problem with its line and column', () => {
    const list = problems('{\n  "Version": "2012-10-17",\n    }', ID);
    assert.deepEqual(list, [
      {
        path: '',
        message: "Unexpected character '}' at line 3, column 5: expected a property name in double quotes",
        line: 3,
        column: 5,
      },
    ]);
  });

  it('reports duplicate keys in statements and at the top level', () => {
    const text =
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n"Effect": "Allow", "Action": "*", "Resource": "*"}],\n"Version": "2012-10-17"}';
    const list = problems(text, ID);
    assert.deepEqual(list, [
      { path: 'Statement[0]', message: 'Statement[0]: duplicate key "Effect"', line: 2, column: 1 },
      { path: '', message: 'Policy document: duplicate key "Version"', line: 3, column: 1 },
    ]);
  });

  it('collects every problem, in reading order', () => {
    const text = JSON.stringify(
      doc(stmt({ Effect: 'allow' }), stmt({ Action: 'GetObject', Resource: 'bucket' }), stmt({ Foo: 1 })),
      null,
      2,
    );
    const list = problems(text, ID);
    assert.deepEqual(
      list.map((p) => p.path),
      ['Statement[0].Effect', 'Statement[1].Action', 'Statement[1].Resource', 'Statement[2].Foo'],
    );
    for (let i = 1; i < list.length; i++) assert.ok((list[i - 1]?.line ?? 0) <= (list[i]?.line ?? 0));
  });

  it('tolerates a BOM and surrounding whitespace, counting columns after the BOM', () => {
    const text = '\uFEFF\n  {"Version": "2012-10-17", "Statement": [{"Effect": "allow"}]}  \n';
    const p = problems(text, ID).find((x) => x.path === 'Statement[0].Effect');
    assert.deepEqual([p?.line, p?.column], [2, 54]);
  });

  it('counts CRLF line breaks once', () => {
    const text =
      '{\r\n"Version": "2012-10-17",\r\n"Statement": {\r\n  "Effect": "Allw", "Action": "*", "Resource": "*"}}';
    const [p] = problems(text, ID);
    assert.deepEqual([p?.path, p?.line, p?.column], ['Statement.Effect', 4, 13]);
  });
});

describe('parse: Version and dialect', () => {
  it('accepts both AWS versions', () => {
    assert.equal(ok(doc(stmt()), ID).version, '2012-10-17');
    assert.equal(ok({ Version: '2008-10-17', Statement: [stmt()] }, ID).version, '2008-10-17');
  });

  it('treats a missing AWS Version as 2008-10-17', () => {
    assert.equal(ok({ Statement: [stmt()] }, ID).version, '2008-10-17');
  });

  it('names the allowed values for a wrong AWS Version', () => {
    oneProblem(
      { Version: '2012-10-18', Statement: [] },
      ID,
      'Version: "2012-10-18" is not a valid policy version; use "2012-10-17" or "2008-10-17"',
    );
    oneProblem({ Version: '1', Statement: [] }, { dialect: 'aws' }, /"1" is the Alibaba RAM version/);
    oneProblem({ Version: 2012, Statement: [] }, ID, /^Version: 2012 is not a valid policy version/);
  });

  it('requires Version "1" in RAM', () => {
    assert.equal(ok(ramDoc(ramStmt()), { dialect: 'ram' }).version, '1');
    oneProblem(
      { ...ramDoc(ramStmt()), Version: '2012-10-17' },
      { dialect: 'ram' },
      'Version: "2012-10-17" is not a valid RAM policy version; use "1"',
    );
    oneProblem(
      { ...ramDoc(ramStmt()), Version: 1 },
      { dialect: 'ram' },
      'Version: 1 is not a valid RAM policy version; use "1"',
    );
    oneProblem(
      { Statement: [ramStmt()] },
      { dialect: 'ram' },
      'Policy document: missing Version; a RAM policy must have "Version": "1"',
    );
  });

  it('auto picks RAM for Version "1" and AWS otherwise', () => {
    assert.equal(ok(ramDoc(ramStmt()), { dialect: 'auto' }).dialect, 'ram');
    assert.equal(ok(doc(stmt()), { dialect: 'auto' }).dialect, 'aws');
    const noVersion = ok({ Statement: [stmt()] }, { dialect: 'auto' });
    assert.deepEqual([noVersion.dialect, noVersion.version], ['aws', '2008-10-17']);
  });

  it('defaults to the AWS dialect', () => {
    assert.equal(ok(doc(stmt())).dialect, 'aws');
    assert.ok(!parse(ramDoc(ramStmt())).ok);
  });
});

describe('parse: statement elements', () => {
  it('keeps Sid and rejects a non-string Sid', () => {
    assert.equal(ok(doc(stmt({ Sid: 'ReadOnly1' })), ID).statements[0]?.sid, 'ReadOnly1');
    oneProblem(doc(stmt({ Sid: 1 })), ID, 'Statement[0].Sid: 1 is not a string');
  });

  it('rejects a duplicate Sid at its second use', () => {
    oneProblem(
      doc(stmt({ Sid: 'A' }), stmt({ Sid: 'B' }), stmt({ Sid: 'A' })),
      ID,
      'Statement[2].Sid: duplicate Sid "A" (already used by Statement[0])',
    );
  });

  it('allows only letters and digits in a Sid of an AWS identity policy or boundary', () => {
    oneProblem(
      doc(stmt({ Sid: 'read-only' })),
      ID,
      'Statement[0].Sid: "read-only" may contain only letters and digits (A-Z, a-z, 0-9) in an identity policy',
    );
    oneProblem(doc(stmt({ Sid: 'a b' })), { type: 'boundary' }, /in a permissions boundary$/);
    ok(doc(bucketStmt({ Sid: 'Allow read-only, 1' })), RES);
    ok(doc(stmt({ Sid: 'read-only' })), { type: 'session' });
    ok(ramDoc(ramStmt({ Sid: 'read-only' })), { dialect: 'ram', type: 'identity' });
  });

  it('requires Effect to be exactly Allow or Deny', () => {
    oneProblem(doc(stmt({ Effect: 'allow ' })), ID, 'Statement[0].Effect: "allow " is not Allow or Deny');
    oneProblem(doc(stmt({ Effect: 'ALLOW' })), ID, 'Statement[0].Effect: "ALLOW" is not Allow or Deny');
    oneProblem(doc(stmt({ Effect: ' Deny' })), ID, 'Statement[0].Effect: " Deny" is not Allow or Deny');
    oneProblem(doc(stmt({ Effect: true })), ID, 'Statement[0].Effect: true is not Allow or Deny');
    oneProblem(
      ramDoc(ramStmt({ Effect: 'allow' })),
      { dialect: 'ram' },
      'Statement[0].Effect: "allow" is not Allow or Deny',
    );
    assert.equal(ok(doc(stmt({ Effect: 'Deny' })), ID).statements[0]?.effect, 'Deny');
  });

  it('requires Effect, pointing at the statement', () => {
    const p = oneProblem(
      JSON.stringify(doc(without(stmt(), 'Effect'))),
      ID,
      'Statement[0]: missing Effect; use "Allow" or "Deny"',
    );
    assert.deepEqual([p.line, p.column], [1, 38]);
  });

  it('rejects unknown statement elements with a hint', () => {
    const text = JSON.stringify(doc(without(stmt({ Actions: 's3:GetObject' }), 'Action')));
    const list = messages(text, ID);
    assert.deepEqual(list, [
      'Statement[0]: missing Action or NotAction',
      'Statement[0].Actions: unknown statement element "Actions"; expected Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition (did you mean "Action"?)',
    ]);
    oneProblem(
      doc(stmt({ condition: {} })),
      ID,
      /unknown statement element "condition".*case-sensitive: did you mean "Condition"\?/,
    );
  });

  it('requires exactly one of Action and NotAction', () => {
    oneProblem(
      doc(stmt({ NotAction: 's3:PutObject' })),
      ID,
      'Statement[0].NotAction: a statement cannot have both Action and NotAction; use one of them',
    );
    oneProblem(doc(without(stmt(), 'Action')), ID, 'Statement[0]: missing Action or NotAction');
    const p = ok(doc(without(stmt({ NotAction: ['iam:*', 'sts:*'] }), 'Action')), ID);
    assert.deepEqual(p.statements[0]?.notAction, ['iam:*', 'sts:*']);
    assert.equal(p.statements[0]?.action, undefined);
  });

  it('requires exactly one of Resource and NotResource', () => {
    oneProblem(
      doc(stmt({ NotResource: '*' })),
      ID,
      /^Statement\[0\]\.NotResource: a statement cannot have both Resource and NotResource/,
    );
    oneProblem(doc(without(stmt(), 'Resource')), ID, 'Statement[0]: missing Resource or NotResource');
    assert.deepEqual(
      ok(doc(without(stmt({ NotResource: 'arn:aws:s3:::secret/*' }), 'Resource')), ID).statements[0]
        ?.notResource,
      ['arn:aws:s3:::secret/*'],
    );
  });

  it('accepts a string or a non-empty list of strings for lists', () => {
    assert.deepEqual(ok(doc(stmt({ Action: ['s3:GetObject', 's3:ListBucket'] })), ID).statements[0]?.action, [
      's3:GetObject',
      's3:ListBucket',
    ]);
    oneProblem(
      doc(stmt({ Action: [] })),
      ID,
      'Statement[0].Action: an empty list is not allowed; give at least one value',
    );
    oneProblem(
      doc(stmt({ Resource: [] })),
      ID,
      'Statement[0].Resource: an empty list is not allowed; give at least one value',
    );
    oneProblem(doc(stmt({ Action: ['s3:GetObject', 5] })), ID, 'Statement[0].Action[1]: 5 is not a string');
    oneProblem(
      doc(stmt({ Resource: { arn: 'x' } })),
      ID,
      'Statement[0].Resource: must be a string or a list of strings, not an object',
    );
    oneProblem(
      doc(stmt({ Action: null })),
      ID,
      'Statement[0].Action: must be a string or a list of strings, not null',
    );
  });
});

describe('parse: actions', () => {
  it('accepts *, service:name and wildcards', () => {
    for (const a of [
      '*',
      's3:*',
      's3:Get*',
      's3:Get?bject',
      'iam:PassRole',
      's3-outposts:GetObject',
      'ec2:Describe_X-y',
    ]) {
      ok(doc(stmt({ Action: a })), ID);
    }
  });

  it('rejects whitespace anywhere and says so', () => {
    for (const a of ['Oss: GetObject', ' s3:GetObject', 's3:GetObject ', 's3 :GetObject', 's3:Get\tObject']) {
      oneProblem(
        doc(stmt({ Action: a })),
        ID,
        new RegExp(
          `^Statement\\[0\\]\\.Action: ${JSON.stringify(a).replace(/[\\[\]*?.]/g, '\\$&')} contains whitespace`,
        ),
      );
    }
  });

  it('rejects an action without a service prefix in AWS wording', () => {
    oneProblem(
      doc(stmt({ Action: 'GetObject' })),
      ID,
      'Statement[0].Action: "GetObject" has no service prefix; Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    );
  });

  it('rejects malformed actions', () => {
    for (const a of [
      's3:',
      ':GetObject',
      's3:Get:Object',
      's3:Get.Object',
      's3*:GetObject',
      '',
      's3:Get/Object',
    ]) {
      const list = messages(doc(stmt({ Action: a })), ID);
      assert.equal(list.length, 1, a);
      assert.match(list[0] ?? '', /is not a valid action|has no service prefix/, a);
    }
  });

  it('accepts any service in RAM', () => {
    ok(ramDoc(ramStmt({ Action: ['oss:*', 'sts:AssumeRole', 'ram:ListUsers', 'ecs:Describe*'] })), {
      dialect: 'ram',
      type: 'identity',
    });
  });
});

describe('parse: resources', () => {
  it('accepts AWS ARNs with at least six segments and *', () => {
    for (const r of [
      '*',
      'arn:aws:s3:::b',
      'arn:aws:s3:::b/*',
      'arn:aws:iam::123456789012:user/${aws:username}',
      'arn:aws:ec2:us-east-1:123456789012:instance/*',
      'arn:aws:s3:::b/key with spaces',
    ]) {
      ok(doc(stmt({ Resource: r })), ID);
    }
  });

  it('rejects anything else in AWS', () => {
    oneProblem(
      doc(stmt({ Resource: 'bucket/*' })),
      ID,
      'Statement[0].Resource: "bucket/*" must be in ARN format (arn:partition:service:region:account:resource) or "*"',
    );
    oneProblem(doc(stmt({ Resource: 'arn:aws:s3:b' })), ID, /must be in ARN format/);
    oneProblem(
      doc(stmt({ Resource: ['*', 'acs:oss:*:*:b'] })),
      ID,
      /^Statement\[0\]\.Resource\[1\]: .*\("acs:" ARNs belong to the RAM dialect\)$/,
    );
    oneProblem(doc(stmt({ Resource: '' })), ID, /"" must be in ARN format/);
  });

  it('accepts acs: ARNs with at least five segments and * in RAM', () => {
    for (const r of [
      '*',
      'acs:oss:*:*:ram-test-app',
      'acs:oss:*:*:ram-test-app/*',
      'acs:ram::1894xxxxxx722283:role/ramtestappreadonly',
      'acs:oss:*:*:*',
    ]) {
      ok(ramDoc(ramStmt({ Resource: r })), { dialect: 'ram', type: 'identity' });
    }
  });

  it('rejects AWS ARNs and short ARNs in RAM', () => {
    oneProblem(
      ramDoc(ramStmt({ Resource: 'arn:aws:s3:::b' })),
      { dialect: 'ram' },
      'Statement[0].Resource: "arn:aws:s3:::b" must be in ARN format (acs:service:region:account:resource) or "*" ("arn:" ARNs belong to the AWS dialect)',
    );
    oneProblem(
      ramDoc(ramStmt({ Resource: 'acs:oss:*:b' })),
      { dialect: 'ram' },
      /must be in ARN format \(acs:/,
    );
  });
});

describe('parse: principals', () => {
  for (const [type, name] of [
    ['identity', 'an identity policy'],
    ['boundary', 'a permissions boundary'],
    ['session', 'a session policy'],
    ['scp', 'a service control policy'],
  ] as const) {
    it(`forbids Principal and NotPrincipal in ${name}`, () => {
      oneProblem(
        doc(stmt({ Principal: '*' })),
        { type },
        `Statement[0].Principal: ${name} must not specify a principal`,
      );
      oneProblem(
        doc(stmt({ NotPrincipal: { AWS: '111122223333' } })),
        { type },
        `Statement[0].NotPrincipal: ${name} must not specify a principal`,
      );
    });
  }

  it('requires a principal in resource-based and trust policies', () => {
    oneProblem(
      doc(stmt()),
      RES,
      'Statement[0]: missing Principal; a resource-based policy must name a Principal or NotPrincipal',
    );
    oneProblem(
      doc(without(trustStmt(), 'Principal')),
      TRUST,
      /^Statement\[0\]: missing Principal; a role trust policy must/,
    );
  });

  it('normalizes "*" and {"AWS": "*"}', () => {
    assert.equal(ok(doc(bucketStmt({ Principal: '*' })), RES).statements[0]?.principal, '*');
    assert.deepEqual(ok(doc(bucketStmt({ Principal: { AWS: '*' } })), RES).statements[0]?.principal, {
      AWS: ['*'],
    });
  });

  it('accepts account ids and IAM/STS principal ARNs', () => {
    const values = [
      '111122223333',
      'arn:aws:iam::111122223333:root',
      'arn:aws:iam::111122223333:user/alice',
      'arn:aws:iam::111122223333:user/division/team/alice',
      'arn:aws:iam::111122223333:role/AppWriter',
      'arn:aws:sts::111122223333:assumed-role/AppWriter/usr001',
      'arn:aws:sts::111122223333:federated-user/bob',
      'arn:aws-cn:iam::111122223333:root',
    ];
    const p = ok(doc(bucketStmt({ Principal: { AWS: values } })), RES);
    assert.deepEqual(p.statements[0]?.principal, { AWS: values });
  });

  it('rejects other AWS principal values', () => {
    for (const v of [
      'bob',
      '12345',
      'arn:aws:s3:::b',
      'arn:aws:iam::111122223333:group/g',
      'arn:aws:iam::1111:root',
    ]) {
      oneProblem(
        doc(bucketStmt({ Principal: { AWS: v } })),
        RES,
        /^Statement\[0\]\.Principal\.AWS: .* is not a valid AWS principal; use "\*", a 12-digit account ID/,
      );
    }
    oneProblem(
      doc(bucketStmt({ Principal: { AWS: ['111122223333', 'arn:aws:iam::111122223333:user/*'] } })),
      RES,
      /^Statement\[0\]\.Principal\.AWS\[1\]: .*wildcards are not allowed in principal ARNs/,
    );
  });

  it('normalizes Service, Federated and CanonicalUser values to lists', () => {
    const p = ok(
      doc(
        bucketStmt({
          Principal: {
            Service: 'cloudtrail.amazonaws.com',
            Federated: 'accounts.google.com',
            CanonicalUser: 'abc123',
          },
        }),
      ),
      RES,
    );
    assert.deepEqual(p.statements[0]?.principal, {
      Service: ['cloudtrail.amazonaws.com'],
      Federated: ['accounts.google.com'],
      CanonicalUser: ['abc123'],
    });
    oneProblem(
      doc(bucketStmt({ Principal: { Service: 'ec2 amazonaws.com' } })),
      RES,
      /is not a valid Service principal/,
    );
  });

  it('rejects unknown principal types and malformed Principal elements', () => {
    oneProblem(
      doc(bucketStmt({ Principal: { Aws: '111122223333' } })),
      RES,
      'Statement[0].Principal.Aws: unknown principal type "Aws"; use AWS, Service, Federated or CanonicalUser (names are case-sensitive: did you mean "AWS"?)',
    );
    oneProblem(doc(bucketStmt({ Principal: { RAM: '111122223333' } })), RES, /unknown principal type "RAM"/);
    oneProblem(
      doc(bucketStmt({ Principal: {} })),
      RES,
      'Statement[0].Principal: must name at least one principal (AWS, Service, Federated or CanonicalUser)',
    );
    oneProblem(
      doc(bucketStmt({ Principal: { AWS: [] } })),
      RES,
      'Statement[0].Principal.AWS: an empty list is not allowed; give at least one value',
    );
    oneProblem(
      doc(bucketStmt({ Principal: { AWS: [1] } })),
      RES,
      'Statement[0].Principal.AWS[0]: 1 is not a string',
    );
    oneProblem(
      doc(bucketStmt({ Principal: { AWS: '' } })),
      RES,
      'Statement[0].Principal.AWS: a principal must not be empty',
    );
    oneProblem(
      doc(bucketStmt({ Principal: 'arn:aws:iam::111122223333:root' })),
      RES,
      /^Statement\[0\]\.Principal: "arn:aws:iam::111122223333:root" is not a valid principal; use "\*" or an object such as \{"AWS": \[\.\.\.\]\}$/,
    );
  });

  it('rejects both Principal and NotPrincipal, and keeps NotPrincipal', () => {
    oneProblem(
      doc(bucketStmt({ NotPrincipal: '*' })),
      RES,
      /a statement cannot have both Principal and NotPrincipal/,
    );
    const p = ok(
      doc(stmt({ Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/Admin' } })),
      RES,
    );
    assert.deepEqual(p.statements[0]?.notPrincipal, { AWS: ['arn:aws:iam::111122223333:role/Admin'] });
    assert.equal(p.statements[0]?.principal, undefined);
  });

  it('accepts RAM, Service and OSS-style principal lists in RAM', () => {
    const opts = { dialect: 'ram', type: 'resource' } as const;
    assert.deepEqual(
      ok(ramDoc(ramStmt({ Principal: { RAM: ['acs:ram::1234567890123456:root'] } })), opts).statements[0]
        ?.principal,
      {
        RAM: ['acs:ram::1234567890123456:root'],
      },
    );
    assert.deepEqual(
      ok(ramDoc(ramStmt({ Principal: ['1234567890123456', '*'] })), opts).statements[0]?.principal,
      {
        RAM: ['1234567890123456', '*'],
      },
    );
    assert.deepEqual(ok(ramDoc(ramStmt({ Principal: '1234567890123456' })), opts).statements[0]?.principal, {
      RAM: ['1234567890123456'],
    });
    ok(ramDoc(ramStmt({ Principal: { Service: 'ecs.aliyuncs.com' } })), opts);
    ok(ramDoc(ramStmt({ Principal: { RAM: 'acs:ram::1234567890123456:role/app/session1' } })), opts);
    oneProblem(
      ramDoc(ramStmt({ Principal: { AWS: '111122223333' } })),
      opts,
      /unknown principal type "AWS"; use RAM, Service or Federated/,
    );
    oneProblem(ramDoc(ramStmt({ Principal: { RAM: 'bob' } })), opts, /"bob" is not a valid RAM principal/);
  });

  it('without a type, allows a principal and validates it', () => {
    ok(doc(bucketStmt()));
    ok(doc(stmt()));
    oneProblem(doc(bucketStmt({ Principal: { AWS: 'bob' } })), {}, /not a valid AWS principal/);
  });
});

describe('parse: trust policies', () => {
  it('accepts a role trust policy without Resource', () => {
    const p = ok(doc(trustStmt()), TRUST);
    assert.deepEqual(p.statements[0]?.principal, { Service: ['ec2.amazonaws.com'] });
    assert.equal(p.statements[0]?.resource, undefined);
    ok(
      doc(
        trustStmt({
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        }),
      ),
      TRUST,
    );
    ok(
      doc(
        trustStmt({
          Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/idp' },
          Action: 'sts:AssumeRoleWithSAML',
        }),
      ),
      TRUST,
    );
  });

  it('forbids Resource and NotResource', () => {
    oneProblem(
      doc(trustStmt({ Resource: '*' })),
      TRUST,
      'Statement[0].Resource: a role trust policy must not specify Resource',
    );
    oneProblem(
      doc(trustStmt({ NotResource: '*' })),
      TRUST,
      'Statement[0].NotResource: a role trust policy must not specify NotResource',
    );
  });

  it('allows only sts role-assumption actions, wildcards included', () => {
    for (const a of [
      '*',
      'sts:*',
      'sts:Assume*',
      'STS:assumerole',
      'sts:SetSourceIdentity',
      'sts:AssumeRoleWithWebIdentity',
    ]) {
      ok(doc(trustStmt({ Action: a })), TRUST);
    }
    oneProblem(
      doc(trustStmt({ Action: 's3:GetObject' })),
      TRUST,
      'Statement[0].Action: "s3:GetObject" is not allowed in a role trust policy; use sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity or sts:SetContext',
    );
    oneProblem(
      doc(trustStmt({ Action: ['sts:AssumeRole', 'sts:GetCallerIdentity'] })),
      TRUST,
      /^Statement\[0\]\.Action\[1\]: "sts:GetCallerIdentity" is not allowed/,
    );
    oneProblem(doc(trustStmt({ Action: 'sts:Get*' })), TRUST, /is not allowed in a role trust policy/);
  });

  it('accepts a RAM trust policy', () => {
    ok(
      ramDoc({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { RAM: ['acs:ram::1234567890123456:root'] },
      }),
      { dialect: 'ram', type: 'trust' },
    );
  });

  it('without a type, Resource is optional only when a principal is named', () => {
    ok(doc(trustStmt()));
    oneProblem(doc(without(stmt(), 'Resource')), {}, 'Statement[0]: missing Resource or NotResource');
  });
});

describe('parse: resource control policies', () => {
  const RCP = { type: 'rcp' } as const;
  const rcpStmt = (extra: Json = {}): Json => ({
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: '*',
    Condition: { BoolIfExists: { 'aws:SecureTransport': false } },
    ...extra,
  });

  it('accepts Deny statements with Principal "*"', () => {
    const p = ok(doc(rcpStmt()), RCP);
    assert.equal(p.statements[0]?.principal, '*');
    assert.deepEqual(p.statements[0]?.conditions[0]?.values, ['false']);
  });

  it('rejects other shapes', () => {
    oneProblem(
      doc(rcpStmt({ Effect: 'Allow' })),
      RCP,
      'Statement[0].Effect: "Allow" is not allowed in a resource control policy; customer RCPs can only deny',
    );
    oneProblem(
      doc(rcpStmt({ Principal: { AWS: '111122223333' } })),
      RCP,
      'Statement[0].Principal: an object is not allowed in a resource control policy; use "Principal": "*"',
    );
    oneProblem(
      doc(without(rcpStmt(), 'Principal')),
      RCP,
      'Statement[0]: missing Principal; a resource control policy must use "Principal": "*"',
    );
    assert.deepEqual(
      messages(JSON.stringify(doc(without(rcpStmt({ NotPrincipal: '*' }), 'Principal'))), RCP),
      [
        'Statement[0]: missing Principal; a resource control policy must use "Principal": "*"',
        'Statement[0].NotPrincipal: a resource control policy cannot use NotPrincipal; use "Principal": "*"',
      ],
    );
  });
});

describe('parse: conditions', () => {
  it('normalizes clauses and stringifies numbers and booleans', () => {
    const text = JSON.stringify(
      doc(
        stmt({
          Condition: {
            StringEquals: { 'aws:username': ['alice', 7] },
            Bool: { 'aws:SecureTransport': true },
          },
        }),
      ),
      null,
      2,
    );
    const [a, b] = ok(text, ID).statements[0]?.conditions ?? [];
    assert.deepEqual(a, {
      operator: 'StringEquals',
      baseOperator: 'StringEquals',
      ifExists: false,
      key: 'aws:username',
      values: ['alice', '7'],
      loc: {
        path: 'Statement[0].Condition.StringEquals.aws:username',
        start: { line: 10, column: 27 },
        end: { line: 13, column: 12 },
      },
    });
    assert.deepEqual(b?.values, ['true']);
    assert.equal(b?.loc.path, 'Statement[0].Condition.Bool.aws:SecureTransport');
  });

  it('splits set qualifiers and IfExists', () => {
    const c = ok(
      doc(
        stmt({
          Condition: {
            'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['a*'] },
            'ForAllValues:StringEquals': { 'aws:TagKeys': 'b' },
            NumericLessThanIfExists: { 's3:max-keys': 10 },
          },
        }),
      ),
      ID,
    ).statements[0]?.conditions;
    assert.deepEqual(
      c?.map((x) => [x.operator, x.qualifier, x.baseOperator, x.ifExists]),
      [
        ['ForAnyValue:StringLikeIfExists', 'ForAnyValue', 'StringLike', true],
        ['ForAllValues:StringEquals', 'ForAllValues', 'StringEquals', false],
        ['NumericLessThanIfExists', undefined, 'NumericLessThan', true],
      ],
    );
    assert.equal(Object.hasOwn(c?.[2] ?? {}, 'qualifier'), false);
  });

  it('accepts every known operator, with and without IfExists', () => {
    for (const op of knownOperators()) {
      ok(doc(stmt({ Condition: { [op]: { 'aws:k': 'v' } } })), ID);
      if (op !== 'Null') ok(doc(stmt({ Condition: { [`${op}IfExists`]: { 'aws:k': 'v' } } })), ID);
    }
  });

  it('rejects unknown operators, case-sensitively', () => {
    oneProblem(
      doc(stmt({ Condition: { StringEqual: { 'aws:k': 'v' } } })),
      ID,
      'Statement[0].Condition.StringEqual: unknown condition operator "StringEqual"',
    );
    oneProblem(
      doc(stmt({ Condition: { stringequals: { 'aws:k': 'v' } } })),
      ID,
      /unknown condition operator "stringequals"/,
    );
    oneProblem(
      doc(stmt({ Condition: { IfExists: { 'aws:k': 'v' } } })),
      ID,
      /unknown condition operator "IfExists"/,
    );
  });

  it('rejects unknown set qualifiers', () => {
    oneProblem(
      doc(stmt({ Condition: { 'forallvalues:StringLike': { 'aws:k': 'v' } } })),
      ID,
      'Statement[0].Condition.forallvalues:StringLike: unknown set qualifier "forallvalues"; use ForAllValues or ForAnyValue (names are case-sensitive: did you mean "ForAllValues"?)',
    );
    oneProblem(
      doc(stmt({ Condition: { 'ForSomeValues:StringLike': { 'aws:k': 'v' } } })),
      ID,
      /unknown set qualifier "ForSomeValues"/,
    );
  });

  it('rejects NullIfExists', () => {
    oneProblem(
      doc(stmt({ Condition: { NullIfExists: { 'aws:k': 'true' } } })),
      ID,
      /^Statement\[0\]\.Condition\.NullIfExists: Null cannot be combined with IfExists/,
    );
  });

  it('points at the operator name for operator problems', () => {
    const text =
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",\n  "Condition": {"StringEqual": {"a:b": "c"}}}]}';
    const [p] = problems(text, ID);
    assert.deepEqual([p?.line, p?.column], [2, 17]);
  });

  it('rejects malformed Condition blocks and values', () => {
    oneProblem(
      doc(stmt({ Condition: 'x' })),
      ID,
      /^Statement\[0\]\.Condition: must be an object of operators/,
    );
    oneProblem(
      doc(stmt({ Condition: { StringEquals: ['a'] } })),
      ID,
      'Statement[0].Condition.StringEquals: must be an object of condition keys and values, not a list',
    );
    oneProblem(
      doc(stmt({ Condition: { StringEquals: { 'aws:k': null } } })),
      ID,
      'Statement[0].Condition.StringEquals.aws:k: null is not a valid condition value; use a string, number or boolean',
    );
    oneProblem(
      doc(stmt({ Condition: { StringEquals: { 'aws:k': { a: 1 } } } })),
      ID,
      /aws:k: an object is not a valid condition value/,
    );
    oneProblem(
      doc(stmt({ Condition: { StringEquals: { 'aws:k': ['a', ['b']] } } })),
      ID,
      /^Statement\[0\]\.Condition\.StringEquals\.aws:k\[1\]: a list is not a valid condition value/,
    );
    oneProblem(
      doc(stmt({ Condition: { StringEquals: { 'aws:k': [] } } })),
      ID,
      'Statement[0].Condition.StringEquals.aws:k: an empty list is not allowed; give at least one value',
    );
    oneProblem(
      doc(stmt({ Condition: { StringEquals: { '': 'v' } } })),
      ID,
      'Statement[0].Condition.StringEquals[""]: a condition key must not be empty',
    );
  });

  it('accepts an empty Condition object', () => {
    assert.deepEqual(ok(doc(stmt({ Condition: {} })), ID).statements[0]?.conditions, []);
  });

  it('accepts RAM condition keys', () => {
    const c = ok(ramDoc(ramStmt({ Condition: { IpAddress: { 'acs:SourceIp': ['192.168.0.0/16'] } } })), {
      dialect: 'ram',
    }).statements[0]?.conditions;
    assert.deepEqual(c?.[0]?.values, ['192.168.0.0/16']);
  });
});

describe('parse: size limits', () => {
  /** A compact identity policy of exactly `size` characters, padded through Id. */
  function compactOfSize(size: number, base: Json = doc(stmt()), pad = 'x'): string {
    const empty = JSON.stringify({ Id: '', ...base });
    const padding = size - empty.length;
    assert.ok(padding >= 0);
    return JSON.stringify({ Id: pad.repeat(padding), ...base });
  }

  it('accepts an identity policy at the limit and rejects one past it', () => {
    ok(compactOfSize(6144), ID);
    const p = oneProblem(
      compactOfSize(7001),
      ID,
      'Policy document is 7001 characters (excluding whitespace); the limit for an identity policy is 6144 characters',
    );
    assert.deepEqual([p.path, p.line, p.column], ['', 1, 1]);
  });

  it('does not count whitespace for AWS IAM policies', () => {
    const text = compactOfSize(6000).replace(/,/g, ',\n' + ' '.repeat(200));
    assert.ok(text.length > 6144);
    ok(text, ID);
  });

  it('applies the AWS limit of each policy type', () => {
    const cases: [PolicyType, number, Json][] = [
      ['boundary', 6144, doc(stmt())],
      ['trust', 2048, doc(trustStmt())],
      ['session', 2048, doc(stmt())],
      ['scp', 5120, doc(stmt())],
      ['rcp', 5120, doc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' })],
    ];
    for (const [type, max, base] of cases) {
      assert.equal(POLICY_SIZE_LIMITS.aws[type].max, max);
      ok(compactOfSize(max, base), { type });
      oneProblem(
        compactOfSize(max + 1, base),
        { type },
        new RegExp(
          `^Policy document is ${max + 1} characters \\(excluding whitespace\\); the limit for an? [a-z ]+ is ${max} characters$`,
        ),
      );
    }
    oneProblem(compactOfSize(2049), { type: 'session' }, /the limit for a session policy is 2048/);
  });

  it('counts bytes, whitespace included, for S3 bucket policies', () => {
    const base = doc(bucketStmt());
    ok(compactOfSize(20480, base), RES);
    oneProblem(
      compactOfSize(20481, base),
      RES,
      'Policy document is 20481 bytes; the limit for a resource-based policy is 20480 bytes',
    );
    // 10000 two-byte characters: 10000 characters, over 20000 bytes.
    oneProblem(compactOfSize(10400, base, 'é'), RES, /^Policy document is 2\d{4} bytes/);
    const spaced = compactOfSize(20000, base).replace('{', '{' + ' '.repeat(600));
    oneProblem(
      spaced,
      RES,
      'Policy document is 20600 bytes; the limit for a resource-based policy is 20480 bytes',
    );
  });

  it('applies RAM limits: whole-text characters, bucket policies in bytes', () => {
    const ram = (type: PolicyType) => ({ dialect: 'ram', type }) as const;
    const base = ramDoc(ramStmt());
    ok(compactOfSize(1024, base), ram('session'));
    oneProblem(
      compactOfSize(1025, base),
      ram('session'),
      'Policy document is 1025 characters; the limit for a session policy is 1024 characters',
    );
    const spaced = compactOfSize(1000, base).replace('{', '{' + ' '.repeat(100));
    oneProblem(spaced, ram('session'), /^Policy document is 1100 characters;/);
    ok(compactOfSize(6144, base), ram('identity'));
    oneProblem(
      compactOfSize(6145, base),
      ram('identity'),
      /the limit for an identity policy is 6144 characters$/,
    );
    const bucket = ramDoc(ramStmt({ Principal: ['1234567890123456'] }));
    ok(compactOfSize(16384, bucket), ram('resource'));
    oneProblem(
      compactOfSize(16385, bucket),
      ram('resource'),
      'Policy document is 16385 bytes; the limit for a resource-based policy is 16384 bytes',
    );
  });

  it('measures non-text input as JSON.stringify of it', () => {
    const value = JSON.parse(compactOfSize(6145)) as Json;
    oneProblem(
      value,
      ID,
      'Policy document is 6145 characters (excluding whitespace); the limit for an identity policy is 6144 characters',
    );
    ok(JSON.parse(compactOfSize(6144)), ID);
  });

  it('uses the largest limit of the dialect when no type is given', () => {
    assert.deepEqual(policySizeLimit('aws'), { max: 20480, unit: 'bytes' });
    oneProblem(
      compactOfSize(20481),
      {},
      'Policy document is 20481 bytes; the largest policy allowed is 20480 bytes',
    );
  });

  it('exports measuring helpers for the IAM API', () => {
    const text = '{ "a b" :\n "c" }';
    assert.equal(countInsignificantWhitespace(text), 5);
    assert.equal(countInsignificantWhitespace('"a\\" b"  '), 2);
    assert.equal(measurePolicySize(text, 'characters-excluding-whitespace'), text.length - 5);
    assert.equal(measurePolicySize('é', 'bytes'), 2);
    assert.equal(measurePolicySize('é', 'characters'), 1);
  });
});

describe('parse: hostile input', () => {
  it('rejects 100000 nested arrays without throwing', () => {
    oneProblem('['.repeat(100_000), ID, 'Nesting deeper than 64 levels at line 1, column 65');
  });

  it('rejects deeply nested values given as objects', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const list = problems(
      { Version: '2012-10-17', Statement: [stmt({ Condition: { StringEquals: { k: deep } } })] },
      ID,
    );
    assert.ok(list.length >= 1);
    assert.ok(list.every((p) => p.path === '' && typeof p.message === 'string'));
  });

  it('handles a 1 MB string with short messages', () => {
    const big = 'x'.repeat(1 << 20);
    const list = problems(JSON.stringify(doc(stmt({ Action: big }))), ID);
    assert.equal(list.length, 2);
    assert.match(list[0]?.message ?? '', /^Policy document is \d+ characters/);
    assert.match(
      list[1]?.message ?? '',
      /^Statement\[0\]\.Action: "x{64}"… \(1048576 characters\) has no service prefix/,
    );
    assert.ok((list[1]?.message.length ?? 0) < 300);
  });

  it('rejects invalid UTF-16 in text and in values', () => {
    oneProblem(
      '{"Version": "2012-10-17", "Id": "\uD800", "Statement": []}',
      ID,
      /^Unpaired surrogate U\+D800 in string at line 1, column 34$/,
    );
    oneProblem(
      '{"Version": "2012-10-17", "Id": "\\uDC00", "Statement": []}',
      ID,
      /^Unpaired surrogate \\uDC00/,
    );
    oneProblem(
      { Version: '2012-10-17', Id: '\uD800', Statement: [] },
      ID,
      /^Policy document: Unpaired surrogate/,
    );
  });

  it('never throws on values JSON cannot hold', () => {
    const cyclic: Json = { Version: '2012-10-17' };
    cyclic['Statement'] = cyclic;
    const inputs: unknown[] = [
      undefined,
      () => 1,
      Symbol('x'),
      10n,
      cyclic,
      {
        toJSON: () => {
          throw new Error('boom');
        },
      },
      Object.defineProperty({}, 'Version', {
        enumerable: true,
        get: () => {
          throw new Error('getter');
        },
      }),
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('proxy');
          },
        },
      ),
    ];
    for (const input of inputs) {
      const r = parse(input, ID);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.problems.length, 1);
        assert.equal(r.problems[0]?.path, '');
      }
    }
  });

  it('never throws on arbitrary text or structures', () => {
    const texts = [
      '',
      ' ',
      '{',
      '}',
      'null',
      '{"Statement": [null, [], {}, "x", 1]}',
      '{"Statement": {"Condition": {"": {"": [[]]}}}}',
      '\uFEFF',
      '\uFEFF{}',
    ];
    for (const t of texts) assert.equal(typeof parse(t, ID).ok, 'boolean');
    for (const type of ['identity', 'resource', 'trust', 'boundary', 'session', 'scp', 'rcp'] as const) {
      for (const dialect of ['aws', 'ram', 'auto'] as const) {
        const r = parse(
          {
            Statement: [
              {
                Principal: { AWS: [null] },
                Condition: { Null: null },
                Effect: {},
                Action: [{}],
                Resource: [[]],
              },
            ],
          },
          { type, dialect },
        );
        assert.equal(r.ok, false);
      }
    }
  });
});

describe('parse: the default entry point', () => {
  it('never throws, even while the conditions module is not ready', () => {
    const r = parsePolicy(doc(stmt({ Condition: { StringEquals: { 'aws:username': 'alice' } } })), ID);
    assert.equal(typeof r.ok, 'boolean');
    assert.ok(parsePolicy(doc(stmt()), ID).ok);
  });

  it('checks operators through the conditions module', () => {
    assert.ok(parsePolicy(doc(stmt({ Condition: { StringLike: { 'aws:username': 'a*' } } })), ID).ok);
    assert.ok(!parsePolicy(doc(stmt({ Condition: { StringLikes: { 'aws:username': 'a*' } } })), ID).ok);
  });

  it('is fast for a small policy', () => {
    const text = JSON.stringify(
      doc(stmt({ Sid: 'Read', Action: ['s3:GetObject', 's3:ListBucket'] })),
      null,
      2,
    );
    const n = 2000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) parse(text, ID);
    const micros = Number(process.hrtime.bigint() - start) / n / 1000;
    assert.ok(micros < 200, `${micros} µs per parse`); // generous: CI machines vary; typical is ~5 µs
  });
});
