// Requests signed by botocore (what aws-cli and s3cmd-era Python tools use): S3SigV4Auth,
// presigned S3/STS, IAM form posts, and the SigV2 HmacV1 signers. Skipped when python3 with
// botocore is not installed.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { SignedRequest } from '../../src/auth/types.js';
import { verifyRequest } from '../../src/auth/verify.js';
import { assertFails, assertOk, keyStore } from './helpers.js';

const SCRIPT = `
import json, sys
from botocore.auth import S3SigV4Auth, SigV4Auth, S3SigV4QueryAuth, SigV4QueryAuth, HmacV1Auth, HmacV1QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
spec = json.load(sys.stdin)
out = []
for case in spec['cases']:
    creds = Credentials(spec['accessKeyId'], spec['secret'], case.get('token'))
    body = case.get('body', '').encode() or None
    r = AWSRequest(method=case['method'], url=case['url'], data=body, headers=case.get('headers', {}))
    kind = case['kind']
    if kind == 's3v4': S3SigV4Auth(creds, 's3', 'us-east-1').add_auth(r)
    elif kind == 's3v4-query': S3SigV4QueryAuth(creds, 's3', 'us-east-1', expires=300).add_auth(r)
    elif kind == 'v4': SigV4Auth(creds, case['service'], 'us-east-1').add_auth(r)
    elif kind == 'v4-query': SigV4QueryAuth(creds, case['service'], 'us-east-1', expires=300).add_auth(r)
    elif kind == 's3': HmacV1Auth(creds).add_auth(r)
    elif kind == 's3-query': HmacV1QueryAuth(creds, expires=300).add_auth(r)
    out.append({'method': r.method, 'url': r.url, 'headers': {k: v for k, v in r.headers.items()}})
print(json.dumps(out))
`;

const hasBotocore = spawnSync('python3', ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0;

interface Case {
  readonly label: string;
  readonly kind: 's3v4' | 's3v4-query' | 'v4' | 'v4-query' | 's3' | 's3-query';
  readonly method: string;
  readonly url: string;
  readonly service?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly token?: string;
}

interface Signed {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

const AKID = 'AKIABOTOCORETEST0001';
const SECRET = 'botocore/secret+key';
const options = { lookup: keyStore({ [AKID]: SECRET }) };
const BASE = 'http://127.0.0.1:9000';

const CASES: readonly Case[] = [
  {
    label: 'S3 GET with sub-resource',
    kind: 's3v4',
    method: 'GET',
    url: `${BASE}/bucket/dir/a%20b%21.txt?tagging`,
  },
  {
    label: 'S3 PUT with body and metadata',
    kind: 's3v4',
    method: 'PUT',
    url: `${BASE}/bucket/k.txt`,
    headers: { 'Content-Type': 'text/plain', 'x-amz-meta-note': '  spaced   out  ' },
    body: 'hello botocore',
  },
  {
    label: 'S3 with session token',
    kind: 's3v4',
    method: 'GET',
    url: `${BASE}/bucket/?list-type=2&prefix=a%2Fb`,
    token: 'FQoG//token=',
  },
  {
    label: 'S3 presigned GET',
    kind: 's3v4-query',
    method: 'GET',
    url: `${BASE}/bucket/x%20y.txt?versionId=1`,
    token: 'tok',
  },
  {
    label: 'IAM form post',
    kind: 'v4',
    service: 'iam',
    method: 'POST',
    url: `${BASE}/`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: 'Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fa%2F',
  },
  {
    label: 'STS presigned GetCallerIdentity',
    kind: 'v4-query',
    service: 'sts',
    method: 'GET',
    url: `${BASE}/?Action=GetCallerIdentity&Version=2011-06-15`,
  },
  { label: 'SigV2 header with sub-resource', kind: 's3', method: 'GET', url: `${BASE}/bucket/k?acl` },
  {
    label: 'SigV2 header with x-amz headers and a token',
    kind: 's3',
    method: 'PUT',
    url: `${BASE}/bucket/k?partNumber=1&uploadId=abc`,
    headers: { 'Content-Type': 'application/octet-stream', 'x-amz-meta-a': 'b' },
    token: 'v2token',
  },
  {
    label: 'SigV2 query with a token',
    kind: 's3-query',
    method: 'GET',
    url: `${BASE}/bucket/k%20k`,
    token: 'qtoken',
  },
];

function sign(cases: readonly Case[]): Signed[] {
  const input = JSON.stringify({ accessKeyId: AKID, secret: SECRET, cases });
  const run = spawnSync('python3', ['-c', SCRIPT], { input, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Signed[];
}

function toRequest(c: Case, s: Signed): SignedRequest {
  const u = new URL(s.url);
  const isQuery = c.kind.endsWith('-query');
  const headers: Record<string, string> = { host: u.host };
  // A presigned URL is used without the signer's headers; header auth sends them all.
  if (!isQuery) for (const [k, v] of Object.entries(s.headers)) headers[k.toLowerCase()] = v;
  return {
    method: s.method,
    path: u.pathname,
    query: u.search.slice(1),
    headers,
    clock: Date.now,
    ...(c.body === undefined ? {} : { body: c.body }),
  };
}

describe('botocore', { skip: hasBotocore ? false : 'python3 with botocore is not installed' }, () => {
  const signed = hasBotocore ? sign(CASES) : [];
  CASES.forEach((c, i) => {
    it(c.label, async () => {
      const req = toRequest(c, signed[i] as Signed);
      const ok = assertOk(await verifyRequest(req, { ...options, services: ['s3', 'iam', 'sts'] }), c.label);
      if (c.token !== undefined) assert.equal(ok.securityToken, c.token);
      assertFails(
        await verifyRequest({ ...req, method: req.method === 'GET' ? 'HEAD' : 'GET' }, options),
        'SignatureDoesNotMatch',
      );
    });
  });
});
