// The Query protocol layer on the wire: which requests the front claims, the response and error
// documents, AWS's wording for unknown actions, wrong versions and missing parameters, signing
// (body hash, GET), unsigned requests, the body cap, decisions recorded for explain, and the
// parameter helpers (.member.N lists, tags).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { signV4, type Credentials } from '../../src/auth/sign.js';
import { MAX_QUERY_BODY, QueryParams } from '../../src/api/query/index.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../support/server.js';

let t: TestServer;
let root: Credentials;

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly requestId: string | null;
  readonly contentType: string | null;
}

async function query(
  params: Record<string, string>,
  options: { credentials?: Credentials; service?: string; method?: 'GET' | 'POST'; rawBody?: string } = {},
): Promise<Reply> {
  const method = options.method ?? 'POST';
  const form = new URLSearchParams(params).toString();
  const url = new URL(method === 'GET' ? `/?${form}` : '/', t.url);
  const body = method === 'POST' ? (options.rawBody ?? form) : undefined;
  let headers: Record<string, string> =
    method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {};
  if (options.credentials) {
    const { host: _host, ...signed } = signV4({
      method,
      url,
      headers,
      credentials: options.credentials,
      service: options.service ?? 'iam',
      region: 'us-east-1',
      ...(body !== undefined ? { body } : {}),
    }).headers;
    headers = signed;
  }
  const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  return {
    status: res.status,
    text: await res.text(),
    requestId: res.headers.get('x-amzn-requestid'),
    contentType: res.headers.get('content-type'),
  };
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

function errorOf(r: Reply): { type: string; code: string; message: string; requestId: string } {
  const m =
    /<ErrorResponse xmlns="([^"]+)"><Error><Type>(\w+)<\/Type><Code>(\w+)<\/Code><Message>([^<]*)<\/Message><\/Error><RequestId>(\w+)<\/RequestId><\/ErrorResponse>/.exec(
      r.text,
    );
  assert.ok(m, `not an ErrorResponse: ${r.text}`);
  const message = (m[4] ?? '').replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ENTITIES[e] ?? '');
  return { type: m[2] ?? '', code: m[3] ?? '', message, requestId: m[5] ?? '' };
}

before(async () => {
  t = await startTestServer();
  root = { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey };
});

after(async () => {
  await t.close();
});

describe('Query responses', () => {
  it('answers with <{Action}Response> in the IAM namespace and the request id in body and header', async () => {
    const r = await query(
      { Action: 'CreateUser', Version: '2010-05-08', UserName: 'q1' },
      { credentials: root },
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.contentType, 'text/xml');
    assert.match(
      r.text,
      /<CreateUserResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><CreateUserResult><User><Path>\/<\/Path><UserName>q1<\/UserName>/,
    );
    assert.match(
      r.text,
      new RegExp(
        `<ResponseMetadata><RequestId>${r.requestId}</RequestId></ResponseMetadata></CreateUserResponse>$`,
      ),
    );
    // The decision is recorded for explain under the same request id.
    const recorded = t.server?.services.decisions.get(r.requestId ?? '');
    assert.equal(recorded?.operation, 'CreateUser');
    assert.equal(recorded?.decisions[0]?.request.action, 'iam:CreateUser');
    assert.equal(recorded?.decisions[0]?.request.resource, `arn:aws:iam::${TEST_ACCOUNT_ID}:user/q1`);
  });

  it('actions without output answer with ResponseMetadata only', async () => {
    const r = await query(
      { Action: 'DeleteUser', Version: '2010-05-08', UserName: 'q1' },
      { credentials: root },
    );
    assert.equal(r.status, 200, r.text);
    assert.match(
      r.text,
      /<DeleteUserResponse xmlns="[^"]+"><ResponseMetadata><RequestId>\w+<\/RequestId><\/ResponseMetadata><\/DeleteUserResponse>$/,
    );
  });

  it('escapes text in XML', async () => {
    const r = await query(
      { Action: 'CreateUser', Version: '2010-05-08', UserName: 'q2', Path: '/a<b>&"c"/' },
      { credentials: root },
    );
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<Path>\/a&lt;b&gt;&amp;&quot;c&quot;\/<\/Path>/);
  });

  it('signed GET requests with the parameters in the URL', async () => {
    const r = await query(
      { Action: 'ListUsers', Version: '2010-05-08' },
      { credentials: root, method: 'GET' },
    );
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<ListUsersResult><Users><member>.*<UserName>q2<\/UserName>/);
    assert.match(r.text, /<IsTruncated>false<\/IsTruncated>/);
  });
});

describe('Query errors', () => {
  it('unknown Action: 400 InvalidAction', async () => {
    const r = await query({ Action: 'FlyToMoon', Version: '2010-05-08' }, { credentials: root });
    assert.equal(r.status, 400);
    const e = errorOf(r);
    assert.deepEqual(
      [e.type, e.code, e.message],
      ['Sender', 'InvalidAction', 'Could not find operation FlyToMoon for version 2010-05-08'],
    );
    assert.equal(e.requestId, r.requestId);
    assert.match(r.text, /<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/">/);
  });

  it('wrong Version: 400 InvalidAction naming the version', async () => {
    const r = await query({ Action: 'ListUsers', Version: '2011-06-15' }, { credentials: root });
    assert.equal(r.status, 400);
    const e = errorOf(r);
    assert.equal(e.code, 'InvalidAction');
    assert.equal(e.message, 'Could not find operation ListUsers for version 2011-06-15');
  });

  it('missing Action: 400 MissingAction', async () => {
    const r = await query({ Version: '2010-05-08' }, { credentials: root });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, 'MissingAction');
  });

  it('missing parameter: ValidationError in AWS words', async () => {
    const r = await query({ Action: 'CreateUser', Version: '2010-05-08' }, { credentials: root });
    assert.equal(r.status, 400);
    const e = errorOf(r);
    assert.equal(e.code, 'ValidationError');
    assert.equal(
      e.message,
      "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
    );
  });

  it('unsigned Query requests are claimed and refused with 403 MissingAuthenticationToken', async () => {
    const post = await query({ Action: 'ListUsers', Version: '2010-05-08' });
    assert.equal(post.status, 403);
    assert.equal(errorOf(post).code, 'MissingAuthenticationToken');
    const get = await query({ Action: 'ListUsers', Version: '2010-05-08' }, { method: 'GET' });
    assert.equal(get.status, 403);
    assert.equal(errorOf(get).code, 'MissingAuthenticationToken');
  });

  it('a bad signature is SignatureDoesNotMatch in the Query wording; an unknown key InvalidClientTokenId', async () => {
    const bad = await query(
      { Action: 'ListUsers', Version: '2010-05-08' },
      { credentials: { ...root, secretAccessKey: 'wrong' } },
    );
    assert.equal(bad.status, 403);
    assert.equal(errorOf(bad).code, 'SignatureDoesNotMatch');
    const unknown = await query(
      { Action: 'ListUsers', Version: '2010-05-08' },
      { credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } },
    );
    assert.equal(unknown.status, 403);
    const e = errorOf(unknown);
    assert.equal(e.code, 'InvalidClientTokenId');
    assert.equal(e.message, 'The security token included in the request is invalid.');
  });

  it('the body is covered by the signature', async () => {
    const form = 'Action=CreateUser&Version=2010-05-08&UserName=signed';
    const url = new URL('/', t.url);
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const { host: _h, ...signed } = signV4({
      method: 'POST',
      url,
      headers,
      body: form,
      credentials: root,
      service: 'iam',
    }).headers;
    const res = await fetch(url, {
      method: 'POST',
      headers: signed,
      body: 'Action=CreateUser&Version=2010-05-08&UserName=forged',
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  it('bodies past the cap are refused before reading them', async () => {
    const r = await query(
      {},
      { credentials: root, rawBody: `Action=ListUsers&Version=2010-05-08&Pad=${'x'.repeat(MAX_QUERY_BODY)}` },
    );
    assert.equal(r.status, 413);
    assert.equal(errorOf(r).code, 'RequestEntityTooLarge');
  });

  it('a client that sends Expect: 100-continue is told to go on, and answered', async () => {
    const url = new URL('/', t.url);
    const body = 'Action=ListUsers&Version=2010-05-08';
    const { host: _host, ...headers } = signV4({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', expect: '100-continue' },
      credentials: root,
      service: 'iam',
      region: 'us-east-1',
      body,
    }).headers;
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': body.length } });
      // The body goes only once the server says 100 Continue; without it this would hang.
      req.on('continue', () => req.end(body));
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.setTimeout(5000, () => req.destroy(new Error('no 100 Continue: the request hung')));
      req.flushHeaders();
    });
    assert.equal(status, 200);
  });

  it('S3 requests are not claimed', async () => {
    const { host: _h, ...headers } = signV4({
      method: 'GET',
      url: new URL('/', t.url),
      credentials: root,
      service: 's3',
    }).headers;
    const res = await fetch(new URL('/', t.url), { headers });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<ListAllMyBucketsResult/);
  });
});

describe('QueryParams', () => {
  it('reads .member.N lists in order, stopping at a gap, and tags', () => {
    const p = new QueryParams(
      new URLSearchParams(
        'A.member.2=b&A.member.1=a&A.member.4=d&Tags.member.1.Key=k1&Tags.member.1.Value=v1&Tags.member.2.Key=k2&Tags.member.2.Value=',
      ),
    );
    assert.deepEqual(p.list('A'), ['a', 'b']);
    assert.deepEqual(p.list('Missing'), []);
    assert.deepEqual(p.tags(), { k1: 'v1', k2: '' });
    assert.equal(p.tags('Nope'), undefined);
  });

  it('takes the URL query before the body, validates numbers, lengths and flags', () => {
    const p = new QueryParams(new URLSearchParams('X=url&N=5&B=TRUE'), new URLSearchParams('X=body&Y=y'));
    assert.equal(p.get('X'), 'url');
    assert.equal(p.get('Y'), 'y');
    assert.equal(p.int('N', 1, 10), 5);
    assert.throws(() => p.int('N', 6, 10), /greater than or equal to 6/);
    assert.equal(p.bool('B'), true);
    assert.throws(() => p.requiredString('Y', 2, 5), /length greater than or equal to 2/);
    assert.throws(() => p.required('Z'), /Value null at 'z'/);
    assert.throws(() => new QueryParams(new URLSearchParams('Tags.member.1.Key=k')).tags(), /Value null/);
  });
});

describe('aws-cli', () => {
  it('aws iam create-user / list-users / get-user against the server', async () => {
    const run = promisify(execFile);
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: root.accessKeyId,
      AWS_SECRET_ACCESS_KEY: root.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    };
    const aws = async (...args: string[]) => {
      try {
        return (await run('aws', ['--endpoint-url', t.url, '--output', 'json', ...args], { env })).stdout;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          assert.fail("the aws CLI is not on PATH: install awscli (CI installs Debian's awscli)");
        }
        throw e;
      }
    };
    const created = JSON.parse(
      await aws('iam', 'create-user', '--user-name', 'cli-user', '--path', '/cli/'),
    ) as {
      User: { UserName: string; Arn: string };
    };
    assert.equal(created.User.Arn, `arn:aws:iam::${TEST_ACCOUNT_ID}:user/cli/cli-user`);
    const listed = JSON.parse(await aws('iam', 'list-users', '--path-prefix', '/cli/')) as {
      Users: { UserName: string }[];
    };
    assert.deepEqual(
      listed.Users.map((u) => u.UserName),
      ['cli-user'],
    );
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
    });
    await aws(
      'iam',
      'put-user-policy',
      '--user-name',
      'cli-user',
      '--policy-name',
      'p',
      '--policy-document',
      policy,
    );
    // aws-cli decodes URL-encoded documents back into JSON.
    const got = JSON.parse(
      await aws('iam', 'get-user-policy', '--user-name', 'cli-user', '--policy-name', 'p'),
    ) as {
      PolicyDocument: unknown;
    };
    assert.deepEqual(got.PolicyDocument, JSON.parse(policy));
    await assert.rejects(aws('iam', 'get-user', '--user-name', 'nobody'), /NoSuchEntity/);
  });
});
