// Compile time and retained heap for 10,000 distinct policies (text in, compiled policy out),
// the work a server does when it loads every stored policy at start-up.
import { performance } from 'node:perf_hooks';
import { compilePolicyText, type CompiledPolicy } from '../../src/policy/compile.js';
import type { PolicyType } from '../../src/policy/model.js';

export interface CompileResult {
  policies: number;
  statements: number;
  textBytes: number;
  /** First pass over all policies (cold: includes JIT warm-up), ms. */
  coldMs: number;
  /** Median of three further passes, ms. */
  warmMs: number;
  /** heapUsed growth from holding the compiled policies of one pass (after full GCs), bytes. */
  retainedBytes: number;
  gcAvailable: boolean;
}

const ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:ListBucket',
  's3:DeleteObject',
  's3:GetObjectTagging',
  's3:PutObjectTagging',
  's3:GetBucketLocation',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
  's3:Get*',
  's3:List*',
];

/** Condition blocks of different operator families, parameterised by the policy number. */
const CONDITIONS: ((i: number) => Record<string, Record<string, string | string[]>>)[] = [
  (i) => ({ StringLike: { 's3:prefix': [`team-${i}/*`, 'shared/*'] } }),
  (i) => ({ IpAddress: { 'aws:SourceIp': [`10.${i % 256}.0.0/16`, '192.168.0.0/16'] } }),
  (i) => ({ StringEquals: { 'aws:PrincipalTag/team': `team-${i}` } }),
  () => ({ Bool: { 'aws:SecureTransport': 'true' } }),
  (i) => ({ DateLessThan: { 'aws:CurrentTime': `20${30 + (i % 60)}-01-01T00:00:00Z` } }),
  (i) => ({ NumericLessThanEquals: { 's3:max-keys': String(100 + (i % 900)) } }),
  (i) => ({ StringNotEqualsIfExists: { 'aws:PrincipalAccount': String(100000000000 + i) } }),
  (i) => ({ ArnLike: { 'aws:SourceArn': `arn:aws:sns:*:${100000000000 + i}:topic-*` } }),
];

function pick<T>(xs: readonly T[], n: number): T {
  return xs[n % xs.length] as T;
}

/** Policy `i`: 3 or 4 statements; every fourth one is a bucket policy (with Principal). */
export function generatePolicy(i: number): { text: string; type: PolicyType; statements: number } {
  const bucket = `bucket-${i}-${(i * 7919) % 10007}`;
  const isBucketPolicy = i % 4 === 3;
  const principal = isBucketPolicy
    ? { Principal: { AWS: [`arn:aws:iam::${100000000000 + (i % 5000)}:role/app-${i % 97}`] } }
    : {};
  const statements: object[] = [
    {
      Sid: `Read${i}`,
      Effect: 'Allow',
      ...principal,
      Action: [pick(ACTIONS, i), pick(ACTIONS, i + 3), 's3:ListBucket'],
      Resource: [
        `arn:aws:s3:::${bucket}`,
        `arn:aws:s3:::${bucket}/${pick(['reports', 'logs', 'data', 'tmp'], i)}/*`,
      ],
      Condition: pick(CONDITIONS, i)(i),
    },
    {
      Sid: `Write${i}`,
      Effect: 'Allow',
      ...principal,
      Action: [pick(ACTIONS, i + 1), 's3:PutObject'],
      Resource: isBucketPolicy
        ? `arn:aws:s3:::${bucket}/uploads/*`
        : `arn:aws:s3:::${bucket}/\${aws:username}/*`,
      Condition: { ...pick(CONDITIONS, i + 1)(i), ...pick(CONDITIONS, i + 4)(i) },
    },
    {
      Sid: `Deny${i}`,
      Effect: 'Deny',
      ...(isBucketPolicy ? { Principal: '*' } : {}),
      Action: 's3:DeleteObject',
      Resource: `arn:aws:s3:::${bucket}/*`,
      Condition: pick(CONDITIONS, i + 2)(i),
    },
  ];
  if (i % 2 === 0) {
    statements.push({
      Effect: 'Allow',
      ...principal,
      NotAction: ['s3:Delete*', 's3:PutBucketPolicy'],
      Resource: `arn:aws:s3:::${bucket}-archive/*`,
    });
  }
  return {
    text: JSON.stringify({ Version: '2012-10-17', Id: `policy-${i}`, Statement: statements }, null, 2),
    type: isBucketPolicy ? 'resource' : 'identity',
    statements: statements.length,
  };
}

function compileAll(docs: readonly { text: string; type: PolicyType }[]): CompiledPolicy[] {
  const out: CompiledPolicy[] = [];
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i] as { text: string; type: PolicyType };
    const r = compilePolicyText(d.text, { id: `policy-${i}`, type: d.type }, { dialect: 'aws' });
    if (!r.ok) throw new Error(`policy-${i}: ${JSON.stringify(r.problems)}`);
    out.push(r.policy);
  }
  return out;
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** Compiles every policy once, holding the results while the heap is measured. */
function measureFirstPass(docs: readonly { text: string; type: PolicyType }[]): {
  coldMs: number;
  retainedBytes: number;
} {
  fullGc();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const kept = compileAll(docs);
  const coldMs = performance.now() - t0;
  fullGc();
  const retainedBytes = process.memoryUsage().heapUsed - before;
  if (kept.length !== docs.length) throw new Error('lost policies');
  return { coldMs, retainedBytes };
}

export function runCompileBench(count = 10_000): CompileResult {
  const docs = Array.from({ length: count }, (_, i) => generatePolicy(i));
  const statements = docs.reduce((n, d) => n + d.statements, 0);
  const textBytes = docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0);

  const { coldMs, retainedBytes } = measureFirstPass(docs);
  const warm: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    fullGc();
    const t = performance.now();
    compileAll(docs);
    warm.push(performance.now() - t);
  }
  warm.sort((a, b) => a - b);
  return {
    policies: count,
    statements,
    textBytes,
    coldMs,
    warmMs: warm[1] as number,
    retainedBytes,
    gcAvailable: (globalThis as { gc?: () => void }).gc !== undefined,
  };
}
