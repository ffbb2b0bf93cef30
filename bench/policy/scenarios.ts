// The two benchmark scenarios, written once in engine-neutral terms: the IAM policy documents
// (read as-is by Portcullis and iam-simulate), their hand translation into Cedar, the principal,
// and the requests with the answer every engine must give. engines.ts turns these into each
// engine's native, prebuilt input.
//
// Scenario (a): an IAM user with one 3-statement identity policy.
// Scenario (b): a role session (sts:AssumeRole) facing the role's identity policy, a permissions
//   boundary, a session policy and the bucket's policy (with Principal), all in one account.
//
// The Cedar translation of the IAM layering (one policy set, allow = some permit and no forbid):
//   identity Allow           -> permit (scoped to the principal or its role)
//   any explicit Deny        -> forbid
//   permissions boundary     -> forbid ... unless { <what the boundary allows> }   (an intersection)
//   session policy           -> forbid ... unless { <what the session policy allows> }
//   bucket-policy Allow that names the role -> permit (a same-account resource Allow naming the
//     role reaches past the identity policies' implicit deny, not past boundary/session ones)
// Cedar has no string concatenation, so `${aws:username}` in a Resource becomes a comparison
// with an attribute the application derives from the object key (`resource.folder`, the key's
// first path segment), and condition keys are read from the context record by their IAM names.

export type Outcome = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
export type ContextSpec = Record<string, string | string[]>;

export interface PrincipalSpec {
  type: 'user' | 'assumed-role';
  /** The caller's ARN (a user ARN, or an STS assumed-role session ARN). */
  arn: string;
  account: string;
  /** For sessions: the role's IAM ARN. */
  roleArn?: string;
  /** The Cedar entity that stands for the caller. */
  cedarUid: { type: string; id: string };
  cedarAttrs: Record<string, string>;
  /** Cedar parents (a session is `in` its role). */
  cedarParents: { type: string; id: string }[];
}

export interface RequestSpec {
  name: string;
  action: string;
  /** Resource ARN. */
  resource: string;
  /** Condition keys as a signed S3 request would carry them (IAM spelling). */
  context: ContextSpec;
  expect: Outcome;
  /** Timed in the decision rounds (the others are only checked for equal answers). */
  timed?: 'allowed' | 'denied';
  /**
   * iam-simulate's `runUnsafeSimulation` (0.1.173) does not pass session policies to its engine,
   * so for a request only the session policy denies it answers Allowed. Its validated
   * `runSimulation` does apply them and is checked against `expect`.
   */
  unsafeIgnoresSession?: boolean;
}

export interface Scenario {
  id: 'a' | 'b';
  title: string;
  principal: PrincipalSpec;
  identity: { name: string; policy: object }[];
  boundary?: object;
  session?: object;
  bucket?: object;
  cedarPolicies: string;
  requests: RequestSpec[];
}

const ACCOUNT = '111122223333';
const ORG = 'o-a1b2c3d4e5';

/** Keys every signed request carries (the server fills these from the authenticated caller). */
function baseContext(p: PrincipalSpec, userId: string): ContextSpec {
  const ctx: ContextSpec = {
    'aws:userid': userId,
    'aws:PrincipalArn': p.roleArn ?? p.arn,
    'aws:PrincipalAccount': p.account,
    'aws:PrincipalType': p.type === 'user' ? 'User' : 'AssumedRole',
    'aws:PrincipalOrgID': ORG,
    'aws:SecureTransport': 'true',
    'aws:SourceIp': '10.1.2.3',
    'aws:CurrentTime': '2025-06-01T12:00:00Z',
    'aws:EpochTime': '1748779200',
  };
  if (p.type === 'user') ctx['aws:username'] = p.arn.slice(p.arn.lastIndexOf('/') + 1);
  return ctx;
}

// ---------------------------------------------------------------------------------------------
// (a) a 3-statement identity policy

const alice: PrincipalSpec = {
  type: 'user',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  account: ACCOUNT,
  cedarUid: { type: 'User', id: `arn:aws:iam::${ACCOUNT}:user/alice` },
  cedarAttrs: { name: 'alice', account: ACCOUNT },
  cedarParents: [],
};
const aliceCtx = baseContext(alice, 'AIDAEXAMPLEALICE0001');

const scenarioA: Scenario = {
  id: 'a',
  title: '(a) 3-statement identity policy',
  principal: alice,
  identity: [
    {
      name: 'alice-s3',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReadReports',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: ['arn:aws:s3:::corp-data', 'arn:aws:s3:::corp-data/reports/*'],
            Condition: { StringLikeIfExists: { 's3:prefix': ['reports/*', 'shared/*'] } },
          },
          {
            Sid: 'WriteOwnFolder',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: 'arn:aws:s3:::corp-data/${aws:username}/*',
          },
          { Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
        ],
      },
    },
  ],
  cedarPolicies: `
@id("alice-s3.ReadReports")
permit (
  principal == User::"${alice.arn}",
  action in [Action::"s3:GetObject", Action::"s3:ListBucket"],
  resource
) when {
  (resource.arn == "arn:aws:s3:::corp-data" || resource.arn like "arn:aws:s3:::corp-data/reports/*") &&
  (!(context has "s3:prefix") || context["s3:prefix"] like "reports/*" || context["s3:prefix"] like "shared/*")
};

@id("alice-s3.WriteOwnFolder")
permit (principal == User::"${alice.arn}", action == Action::"s3:PutObject", resource)
when { resource.bucket == "corp-data" && resource has folder && resource.folder == principal.name };

@id("alice-s3.NoDeletes")
forbid (principal == User::"${alice.arn}", action == Action::"s3:DeleteObject", resource);
`,
  requests: [
    {
      name: 'ListBucket with s3:prefix reports/2024/',
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::corp-data',
      context: { ...aliceCtx, 's3:prefix': 'reports/2024/' },
      expect: 'Allowed',
      timed: 'allowed',
    },
    {
      name: 'DeleteObject reports/2024/q1.csv',
      action: 's3:DeleteObject',
      resource: 'arn:aws:s3:::corp-data/reports/2024/q1.csv',
      context: aliceCtx,
      expect: 'ExplicitlyDenied',
      timed: 'denied',
    },
    {
      name: 'GetObject reports/2024/q1.csv',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::corp-data/reports/2024/q1.csv',
      context: aliceCtx,
      expect: 'Allowed',
    },
    {
      name: 'PutObject alice/notes.txt (own folder via ${aws:username})',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::corp-data/alice/notes.txt',
      context: aliceCtx,
      expect: 'Allowed',
    },
    {
      name: "PutObject bob/notes.txt (someone else's folder)",
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::corp-data/bob/notes.txt',
      context: aliceCtx,
      expect: 'ImplicitlyDenied',
    },
    {
      name: 'ListBucket with s3:prefix private/',
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::corp-data',
      context: { ...aliceCtx, 's3:prefix': 'private/' },
      expect: 'ImplicitlyDenied',
    },
    {
      name: 'GetObject private/payroll.csv',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::corp-data/private/payroll.csv',
      context: aliceCtx,
      expect: 'ImplicitlyDenied',
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// (b) identity + permissions boundary + session policy + bucket policy, for a role session

const roleArn = `arn:aws:iam::${ACCOUNT}:role/DataRole`;
const etl: PrincipalSpec = {
  type: 'assumed-role',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/DataRole/etl-7`,
  account: ACCOUNT,
  roleArn,
  cedarUid: { type: 'Session', id: `arn:aws:sts::${ACCOUNT}:assumed-role/DataRole/etl-7` },
  cedarAttrs: { account: ACCOUNT },
  cedarParents: [{ type: 'Role', id: roleArn }],
};
const etlCtx = baseContext(etl, 'AROAEXAMPLEDATAROLE01:etl-7');

const scenarioB: Scenario = {
  id: 'b',
  title: '(b) identity + boundary + session + bucket policy',
  principal: etl,
  identity: [
    {
      name: 'DataRole-s3',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReadWriteReports',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject'],
            Resource: 'arn:aws:s3:::corp-data/reports/*',
          },
          {
            Sid: 'ListReports',
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: 'arn:aws:s3:::corp-data',
            Condition: { StringLike: { 's3:prefix': 'reports/*' } },
          },
          { Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
        ],
      },
    },
  ],
  boundary: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'BoundaryS3',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
        Resource: ['arn:aws:s3:::corp-*', 'arn:aws:s3:::corp-*/*'],
        Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } },
      },
    ],
  },
  session: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadOnlySession',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: ['arn:aws:s3:::corp-data', 'arn:aws:s3:::corp-data/*'],
      },
    ],
  },
  bucket: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::corp-data', 'arn:aws:s3:::corp-data/*'],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'AllowDataRoleReports',
        Effect: 'Allow',
        Principal: { AWS: roleArn },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::corp-data/reports/*',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
      },
    ],
  },
  cedarPolicies: `
@id("DataRole-s3.ReadWriteReports")
permit (principal in Role::"${roleArn}", action in [Action::"s3:GetObject", Action::"s3:PutObject"], resource)
when { resource.arn like "arn:aws:s3:::corp-data/reports/*" };

@id("DataRole-s3.ListReports")
permit (principal in Role::"${roleArn}", action == Action::"s3:ListBucket", resource)
when { resource.arn == "arn:aws:s3:::corp-data" && context has "s3:prefix" && context["s3:prefix"] like "reports/*" };

@id("DataRole-s3.NoDeletes")
forbid (principal in Role::"${roleArn}", action == Action::"s3:DeleteObject", resource);

@id("boundary.BoundaryS3")
forbid (principal in Role::"${roleArn}", action, resource)
unless {
  action in [Action::"s3:GetObject", Action::"s3:PutObject", Action::"s3:ListBucket"] &&
  (resource.arn like "arn:aws:s3:::corp-*" || resource.arn like "arn:aws:s3:::corp-*/*") &&
  context has "aws:SourceIp" &&
  (context["aws:SourceIp"].isInRange(ip("10.0.0.0/8")) || context["aws:SourceIp"].isInRange(ip("192.168.0.0/16")))
};

@id("session.ReadOnlySession")
forbid (principal == Session::"${etl.arn}", action, resource)
unless {
  action in [Action::"s3:GetObject", Action::"s3:ListBucket"] &&
  (resource.arn == "arn:aws:s3:::corp-data" || resource.arn like "arn:aws:s3:::corp-data/*")
};

@id("bucket.DenyInsecureTransport")
forbid (principal, action, resource)
when {
  (resource.arn == "arn:aws:s3:::corp-data" || resource.arn like "arn:aws:s3:::corp-data/*") &&
  context has "aws:SecureTransport" && context["aws:SecureTransport"] == false
};

@id("bucket.AllowDataRoleReports")
permit (principal in Role::"${roleArn}", action == Action::"s3:GetObject", resource)
when {
  resource.arn like "arn:aws:s3:::corp-data/reports/*" &&
  context has "aws:PrincipalOrgID" && context["aws:PrincipalOrgID"] == "${ORG}"
};
`,
  requests: [
    {
      name: 'GetObject reports/2024/q1.csv',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::corp-data/reports/2024/q1.csv',
      context: etlCtx,
      expect: 'Allowed',
      timed: 'allowed',
    },
    {
      name: 'GetObject private/payroll.csv (no identity allow)',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::corp-data/private/payroll.csv',
      context: etlCtx,
      expect: 'ImplicitlyDenied',
      timed: 'denied',
    },
    {
      name: 'GetObject over plain HTTP (bucket policy deny)',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::corp-data/reports/2024/q1.csv',
      context: { ...etlCtx, 'aws:SecureTransport': 'false' },
      expect: 'ExplicitlyDenied',
    },
    {
      name: 'GetObject from 203.0.113.9 (outside the boundary)',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::corp-data/reports/2024/q1.csv',
      context: { ...etlCtx, 'aws:SourceIp': '203.0.113.9' },
      expect: 'ImplicitlyDenied',
    },
    {
      name: 'PutObject reports/new.csv (session policy is read-only)',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::corp-data/reports/new.csv',
      context: etlCtx,
      expect: 'ImplicitlyDenied',
      unsafeIgnoresSession: true,
    },
    {
      name: 'ListBucket with s3:prefix reports/',
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::corp-data',
      context: { ...etlCtx, 's3:prefix': 'reports/' },
      expect: 'Allowed',
    },
    {
      name: 'DeleteObject reports/2024/q1.csv (identity deny)',
      action: 's3:DeleteObject',
      resource: 'arn:aws:s3:::corp-data/reports/2024/q1.csv',
      context: etlCtx,
      expect: 'ExplicitlyDenied',
    },
  ],
};

export const SCENARIOS: readonly Scenario[] = [scenarioA, scenarioB];
