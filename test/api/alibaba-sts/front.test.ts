// Alibaba STS on the S3 port, driven by hand-signed RPC calls: both signature encodings, GET and
// form POST, every common-parameter failure, AssumeRole's parameter checks, role existence and
// trust, session credentials, and bad input that must get Alibaba's error JSON — never a 500.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sign, stringToSign } from '../../../src/api/alibaba-sts/index.js';
import { repoRoot } from '../../support/repo-root.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../../support/server.js';
import { call, SEED_KEYS, send, signedParams, timestamp, type RpcKeys } from './helpers.js';

const BOOTSTRAP = join(repoRoot, 'test/fixtures/alibaba/seed-001-bootstrap.json');
const ROLE = (name: string) => `acs:ram::${TEST_ACCOUNT_ID}:role/${name}`;
const READ_ONLY = ROLE('ramtestappreadonly');

let server: TestServer;
let clockOffset = 0;

before(async () => {
  server = await startTestServer({ bootstrapFile: BOOTSTRAP, clock: () => Date.now() + clockOffset });
});
after(async () => {
  await server.close();
});

function assertError(
  r: { status: number; json: Record<string, unknown> },
  status: number,
  code: string,
): void {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(r.json['Code'], code, JSON.stringify(r.json));
  assert.match(String(r.json['RequestId']), /^[0-9A-F]{16}$/);
  assert.equal(typeof r.json['HostId'], 'string');
  assert.equal(typeof r.json['Message'], 'string');
}

async function session(keys: RpcKeys = SEED_KEYS.ramTestApp, roleArn = READ_ONLY): Promise<RpcKeys> {
  const r = await call(server.url, keys, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'usr001' });
  assert.equal(r.status, 200, r.text);
  const c = r.json['Credentials'] as Record<string, string>;
  return {
    accessKeyId: c['AccessKeyId'] ?? '',
    accessKeySecret: c['AccessKeySecret'] ?? '',
    securityToken: c['SecurityToken'] ?? '',
  };
}

describe('the RPC signature', () => {
  it("matches Alibaba's published example (DescribeRegions, secret testsecret)", () => {
    const params: [string, string][] = [
      ['Format', 'XML'],
      ['AccessKeyId', 'testid'],
      ['Action', 'DescribeRegions'],
      ['SignatureMethod', 'HMAC-SHA1'],
      ['SignatureNonce', '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf'],
      ['SignatureVersion', '1.0'],
      ['Version', '2014-05-26'],
      ['Timestamp', '2016-02-23T12:46:24Z'],
    ];
    const text = stringToSign('GET', params);
    assert.equal(
      text,
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    assert.equal(sign('testsecret', text), 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('a GET signed the RFC 3986 way answers GetCallerIdentity in JSON, with x-acs-request-id', async () => {
    const r = await call(server.url, SEED_KEYS.ramTestApp, 'GetCallerIdentity');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(r.headers.get('x-acs-request-id'), r.json.RequestId);
    assert.equal(r.json['IdentityType'], 'RAMUser');
    assert.equal(r.json['Arn'], `acs:ram::${TEST_ACCOUNT_ID}:user/ram_test_app`);
    assert.equal(r.json['AccountId'], TEST_ACCOUNT_ID);
    assert.equal(r.json.Code, undefined, 'no Code on success');
  });

  it("both encodings of !'()* are accepted, in GET and form POST; a third one is not", async () => {
    // A policy full of the characters the two encodings disagree on.
    const policy = JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'oss:Get*', Resource: "acs:oss:*:*:ram-test-app/(it's)!/*" }],
    });
    for (const method of ['GET', 'POST'] as const) {
      for (const encoding of ['rfc3986', 'querystring'] as const) {
        const r = await call(
          server.url,
          SEED_KEYS.ramTestApp,
          'AssumeRole',
          { RoleArn: READ_ONLY, RoleSessionName: 'usr001', Policy: policy },
          { method, encoding },
        );
        assert.equal(r.status, 200, `${method} ${encoding}: ${r.text}`);
      }
    }
    const bad = await call(
      server.url,
      SEED_KEYS.ramTestApp,
      'AssumeRole',
      { RoleArn: READ_ONLY, RoleSessionName: 'usr 001' },
      { encoding: 'plus-for-space' },
    );
    assertError(bad, 400, 'SignatureDoesNotMatch');
    // The server shows its string to sign (no secret in it), as Alibaba does.
    assert.match(
      bad.json.Message ?? '',
      /^Specified signature is not matched with our calculation\. server string to sign is:GET&%2F&AccessKeyId%3D/,
    );
  });

  it('a wrong secret, an altered parameter, an unknown key', async () => {
    const wrong = await call(
      server.url,
      { ...SEED_KEYS.ramTestApp, accessKeySecret: 'not-the-secret' },
      'GetCallerIdentity',
    );
    assertError(wrong, 400, 'SignatureDoesNotMatch');
    const signed = signedParams('GET', SEED_KEYS.ramTestApp, 'AssumeRole', {
      RoleArn: READ_ONLY,
      RoleSessionName: 'usr001',
    });
    const altered = await send(server.url, 'GET', { ...signed, RoleSessionName: 'usr002' });
    assertError(altered, 400, 'SignatureDoesNotMatch');
    // Signed for GET, sent as POST.
    const moved = await send(
      server.url,
      'POST',
      signedParams('GET', SEED_KEYS.ramTestApp, 'GetCallerIdentity', {}),
    );
    assertError(moved, 400, 'SignatureDoesNotMatch');
    const unknown = await call(
      server.url,
      { accessKeyId: 'LTAINOSUCHKEY0000001', accessKeySecret: 'x' },
      'GetCallerIdentity',
    );
    assertError(unknown, 404, 'InvalidAccessKeyId.NotFound');
    assert.equal(unknown.json.Message, 'Specified access key is not found.');
  });

  it('each missing common parameter is named: Missing<Name>, "<Name> is mandatory for this action."', async () => {
    for (const name of [
      'Timestamp',
      'SignatureMethod',
      'SignatureVersion',
      'SignatureNonce',
      'AccessKeyId',
    ]) {
      const r = await call(server.url, SEED_KEYS.ramTestApp, 'GetCallerIdentity', {}, { omit: [name] });
      assertError(r, 400, `Missing${name}`);
      assert.equal(r.json.Message, `${name} is mandatory for this action.`);
    }
    const unsigned = signedParams('GET', SEED_KEYS.ramTestApp, 'GetCallerIdentity', {});
    delete unsigned['Signature'];
    assertError(await send(server.url, 'GET', unsigned), 400, 'MissingSignature');
    const noAction = signedParams('GET', SEED_KEYS.ramTestApp, 'X', {});
    delete noAction['Action'];
    assertError(await send(server.url, 'GET', noAction), 400, 'MissingAction');
  });

  it('a replayed nonce, a skewed or malformed timestamp, another signature method, a repeated parameter', async () => {
    const signed = signedParams('GET', SEED_KEYS.ramTestApp, 'GetCallerIdentity', {});
    assert.equal((await send(server.url, 'GET', signed)).status, 200);
    const replay = await send(server.url, 'GET', signed);
    assertError(replay, 400, 'SignatureNonceUsed');
    assert.equal(replay.json.Message, 'Specified signature nonce was used already.');

    const old = await call(
      server.url,
      SEED_KEYS.ramTestApp,
      'GetCallerIdentity',
      {},
      {
        override: { Timestamp: timestamp(Date.now() - 20 * 60 * 1000) },
      },
    );
    assertError(old, 400, 'InvalidTimeStamp.Expired');
    const future = await call(
      server.url,
      SEED_KEYS.ramTestApp,
      'GetCallerIdentity',
      {},
      {
        override: { Timestamp: timestamp(Date.now() + 20 * 60 * 1000) },
      },
    );
    assertError(future, 400, 'InvalidTimeStamp.Expired');
    for (const bad of ['yesterday', '2026-11-23 10:00:00', '2026-13-45T99:99:99Z']) {
      const r = await call(
        server.url,
        SEED_KEYS.ramTestApp,
        'GetCallerIdentity',
        {},
        { override: { Timestamp: bad } },
      );
      assertError(r, 400, 'InvalidTimeStamp.Format');
    }
    const sha256 = await call(
      server.url,
      SEED_KEYS.ramTestApp,
      'GetCallerIdentity',
      {},
      {
        override: { SignatureMethod: 'HMAC-SHA256' },
      },
    );
    assertError(sha256, 400, 'InvalidSignatureMethod');

    const twice = signedParams('GET', SEED_KEYS.ramTestApp, 'GetCallerIdentity', {});
    const res = await fetch(`${server.url}/?${new URLSearchParams(twice).toString()}&Action=AssumeRole`);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { Code: string }).Code, 'InvalidParameter');
  });

  it('another Version, an unknown Action', async () => {
    const version = await call(
      server.url,
      SEED_KEYS.ramTestApp,
      'GetCallerIdentity',
      {},
      { override: { Version: '2011-06-15' } },
    );
    assertError(version, 400, 'InvalidVersion');
    const action = await call(server.url, SEED_KEYS.ramTestApp, 'DeleteEverything');
    assertError(action, 404, 'InvalidAction.NotFound');
  });

  it('Format=XML answers in XML, errors too', async () => {
    const ok = await call(
      server.url,
      SEED_KEYS.ramTestApp,
      'GetCallerIdentity',
      {},
      { override: { Format: 'XML' } },
    );
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /^text\/xml/);
    assert.match(
      ok.text,
      /^<\?xml version='1\.0' encoding='UTF-8'\?><GetCallerIdentityResponse><RequestId>[0-9A-F]{16}<\/RequestId>/,
    );
    assert.match(ok.text, /<IdentityType>RAMUser<\/IdentityType>/);
    const bad = await call(
      server.url,
      SEED_KEYS.ramTestApp,
      'AssumeRole',
      { RoleArn: READ_ONLY },
      { override: { Format: 'XML' } },
    );
    assert.equal(bad.status, 400);
    assert.match(
      bad.text,
      /<Error><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><Code>MissingRoleSessionName<\/Code>/,
    );
  });

  it('a form POST that waits for 100 Continue gets it, then its answer', async () => {
    const form = new URLSearchParams(
      signedParams('POST', SEED_KEYS.ramTestApp, 'GetCallerIdentity', {}),
    ).toString();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const r = request(
        `${server.url}/`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(form),
            'x-acs-version': '2015-04-01',
            expect: '100-continue',
          },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      r.on('continue', () => r.end(form));
      r.on('error', reject);
      r.setTimeout(10_000, () => r.destroy(new Error('no 100 Continue')));
    });
    assert.equal(answer.status, 200, answer.body);
    assert.match(answer.body, /"IdentityType":"RAMUser"/);
  });

  it('form POSTs are told apart by their headers: x-acs-version, x-acs-action or x-sdk-client', async () => {
    for (const header of ['x-acs-version', 'x-acs-action', 'x-sdk-client']) {
      const form = new URLSearchParams(
        signedParams('POST', SEED_KEYS.ramTestApp, 'GetCallerIdentity', {}),
      ).toString();
      const res = await fetch(`${server.url}/`, {
        method: 'POST',
        body: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded', [header]: 'x' },
      });
      assert.equal(res.status, 200, header);
      assert.equal(((await res.json()) as { IdentityType: string }).IdentityType, 'RAMUser');
    }
  });

  it('an oversized body is refused in JSON; unsigned AWS Query POSTs still reach the Query API', async () => {
    const big = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-acs-action': 'AssumeRole' },
      body: `Policy=${'a'.repeat(70 * 1024)}`,
    });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { Code: string }).Code, 'InvalidParameter');
    const aws = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(aws.status, 403);
    assert.match(await aws.text(), /<Code>MissingAuthenticationToken<\/Code>/);
  });
});

describe('AssumeRole parameters', () => {
  const assume = (params: Record<string, string>, keys: RpcKeys = SEED_KEYS.ramTestApp) =>
    call(server.url, keys, 'AssumeRole', params, { method: 'POST' });

  it('RoleArn and RoleSessionName are required and checked', async () => {
    const noArn = await assume({ RoleSessionName: 'usr001' });
    assertError(noArn, 400, 'MissingRoleArn');
    assert.equal(noArn.json.Message, 'RoleArn is mandatory for this action.');
    assertError(await assume({ RoleArn: READ_ONLY }), 400, 'MissingRoleSessionName');
    for (const arn of [
      `arn:aws:iam::${TEST_ACCOUNT_ID}:role/RamTestAppReadOnly`,
      'acs:ram::abc:role/x',
      'acs:ram::1:user/x',
    ]) {
      const r = await assume({ RoleArn: arn, RoleSessionName: 'usr001' });
      assertError(r, 400, 'InvalidParameter.RoleArn');
      assert.equal(r.json.Message, 'The parameter RoleArn is wrongly formed.');
    }
    for (const name of ['a', 'abc*abc', 'usr 001', 'x'.repeat(33), '忍者神龟']) {
      const r = await assume({ RoleArn: READ_ONLY, RoleSessionName: name });
      assertError(r, 400, 'InvalidParameter.RoleSessionName');
      assert.equal(r.json.Message, 'The parameter RoleSessionName is wrongly formed.');
    }
  });

  it('DurationSeconds: 900 to the role maximum (3600 by default), an integer', async () => {
    for (const d of ['899', '3601', '0']) {
      const r = await assume({ RoleArn: READ_ONLY, RoleSessionName: 'usr001', DurationSeconds: d });
      assertError(r, 400, 'InvalidParameter.DurationSeconds');
      assert.equal(r.json.Message, 'The Min/Max value of DurationSeconds is 15min/1hr.');
    }
    for (const d of ['abc', '-900', '1e3', '9'.repeat(20)]) {
      assertError(
        await assume({ RoleArn: READ_ONLY, RoleSessionName: 'usr001', DurationSeconds: d }),
        400,
        'InvalidParameter.DurationSeconds',
      );
    }
    const before = Date.now();
    const ok = await assume({ RoleArn: READ_ONLY, RoleSessionName: 'usr001', DurationSeconds: '900' });
    assert.equal(ok.status, 200, ok.text);
    const expires = Date.parse((ok.json['Credentials'] as { Expiration: string }).Expiration);
    assert.ok(Math.abs(expires - before - 900_000) < 5000, `expires in 900 s: ${expires - before}`);
    // A role whose maximum is two hours.
    const long = await assume(
      { RoleArn: ROLE('longsessions'), RoleSessionName: 'usr001', DurationSeconds: '7200' },
      SEED_KEYS.tester,
    );
    assert.equal(long.status, 200, long.text);
    const tooLong = await assume(
      { RoleArn: ROLE('longsessions'), RoleSessionName: 'usr001', DurationSeconds: '7201' },
      SEED_KEYS.tester,
    );
    assertError(tooLong, 400, 'InvalidParameter.DurationSeconds');
    assert.equal(tooLong.json.Message, 'The Min/Max value of DurationSeconds is 15min/2hr.');
  });

  it('Policy: at most 1024 characters, and valid grammar (the problem in Recommend)', async () => {
    const padded = JSON.stringify({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'oss:GetObject',
          Resource: `acs:oss:*:*:ram-test-app/${'x'.repeat(1000)}`,
        },
      ],
    });
    assert.ok(padded.length > 1024);
    const long = await assume({ RoleArn: READ_ONLY, RoleSessionName: 'usr001', Policy: padded });
    assertError(long, 400, 'InvalidParameter.PolicyLength');
    for (const policy of [
      '{"Version":"1","Statement":[{"Effect":"allow ","Action":"oss:GetObject","Resource":"*"}]}',
      '{"Version":"1","Statement":[',
      '"just a string"',
    ]) {
      const r = await assume({ RoleArn: READ_ONLY, RoleSessionName: 'usr001', Policy: policy });
      assertError(r, 400, 'InvalidParameter.PolicyGrammar');
      assert.equal(r.json.Message, 'The parameter Policy has not passed grammar check.');
      assert.ok((r.json.Recommend ?? '').length > 0, 'Recommend names the problem');
    }
  });
});

describe('who may assume which role', () => {
  it('root may not assume roles', async () => {
    const r = await call(
      server.url,
      { accessKeyId: server.accessKeyId, accessKeySecret: server.secretAccessKey },
      'AssumeRole',
      {
        RoleArn: READ_ONLY,
        RoleSessionName: 'usr001',
      },
    );
    assertError(r, 403, 'NoPermission');
    assert.equal(r.json.Message, 'Roles may not be assumed by root accounts.');
  });

  it('a caller without sts:AssumeRole gets NoPermission, whether the role exists or not', async () => {
    for (const arn of [READ_ONLY, ROLE('nosuchrole')]) {
      const r = await call(server.url, SEED_KEYS.noAssume, 'AssumeRole', {
        RoleArn: arn,
        RoleSessionName: 'usr001',
      });
      assertError(r, 403, 'NoPermission');
      assert.equal(
        r.json.Message,
        'No permission perform sts:AssumeRole on this Role. Maybe you are not authorized to perform sts:AssumeRole or the specified role does not trust you',
      );
      assert.match(
        r.json.Recommend ?? '',
        /because no identity-based policy allows the sts:AssumeRole action/,
      );
      assert.match(r.json.Recommend ?? '', new RegExp(`portcullis explain ${r.json.RequestId}`));
    }
  });

  it('a caller allowed to assume it learns that a role does not exist: EntityNotExist.Role', async () => {
    const r = await call(server.url, SEED_KEYS.tester, 'AssumeRole', {
      RoleArn: ROLE('nosuchrole'),
      RoleSessionName: 'usr001',
    });
    assertError(r, 404, 'EntityNotExist.Role');
    assert.equal(r.json.Message, `The specified Role not exists: ${ROLE('nosuchrole')}`);
  });

  it('a role whose trust policy names another account: NoPermission, the trust policy named', async () => {
    const r = await call(server.url, SEED_KEYS.tester, 'AssumeRole', {
      RoleArn: ROLE('trustsanotheraccount'),
      RoleSessionName: 'usr001',
    });
    assertError(r, 403, 'NoPermission');
    assert.match(
      r.json.Recommend ?? '',
      /trust policy of the role does not allow arn:aws:iam::111122223333:user\/sts_tester/,
    );
    // The decision is kept under the request id, for explain and the audit trail.
    const kept = server.server?.services.decisions.get(String(r.json.RequestId));
    assert.equal(kept?.decisions[0]?.decision.deniedBy, 'trust');
    assert.equal(kept?.decisions[0]?.request.resource, ROLE('trustsanotheraccount'));
  });

  it('the RAM policy names the role in lower case, the way Alibaba writes role ARNs', async () => {
    const r = await call(server.url, SEED_KEYS.ramTestApp, 'AssumeRole', {
      RoleArn: ROLE('RamTestAppReadOnly'),
      RoleSessionName: 'usr001',
    });
    assert.equal(r.status, 200, r.text);
    assert.equal((r.json['AssumedRoleUser'] as { Arn: string }).Arn, `${READ_ONLY}/usr001`);
    // ram_test_app may assume only the two seed roles.
    const other = await call(server.url, SEED_KEYS.ramTestApp, 'AssumeRole', {
      RoleArn: ROLE('longsessions'),
      RoleSessionName: 'usr001',
    });
    assertError(other, 403, 'NoPermission');
  });
});

describe('AWS-form policies on the same principals', () => {
  it('an AWS-form trust policy trusts; an identity policy naming the IAM role ARN does not grant the RAM resource, "*" does', async () => {
    const byIamArn = await call(server.url, SEED_KEYS.awsForm, 'AssumeRole', {
      RoleArn: ROLE('awsformtrust'),
      RoleSessionName: 'usr001',
    });
    assertError(byIamArn, 403, 'NoPermission');
    assert.match(byIamArn.json.Recommend ?? '', /no identity-based policy allows/);
    // Allowed on "*" for the session name "anything" (sts:RoleSessionName is in the context).
    const star = await call(server.url, SEED_KEYS.awsForm, 'AssumeRole', {
      RoleArn: ROLE('awsformtrust'),
      RoleSessionName: 'anything',
    });
    assert.equal(star.status, 200, star.text);
    assert.equal((star.json['AssumedRoleUser'] as { Arn: string }).Arn, `${ROLE('awsformtrust')}/anything`);
  });
});

describe('session credentials', () => {
  it('an STS. key with its SecurityToken signs calls; without it, or with another, it does not', async () => {
    const s = await session();
    assert.match(s.accessKeyId, /^STS\.[A-Za-z0-9]{25}$/);
    const who = await call(server.url, s, 'GetCallerIdentity');
    assert.equal(who.status, 200, who.text);
    assert.equal(who.json['IdentityType'], 'AssumedRoleUser');
    assert.equal(who.json['Arn'], `acs:ram::${TEST_ACCOUNT_ID}:assumed-role/ramtestappreadonly/usr001`);
    assert.match(String(who.json['PrincipalId']), /:usr001$/);

    const { securityToken: _token, ...noToken } = s;
    assertError(await call(server.url, noToken, 'GetCallerIdentity'), 400, 'MissingSecurityToken');
    const other = await session();
    const swapped = await call(
      server.url,
      { ...s, securityToken: other.securityToken ?? '' },
      'GetCallerIdentity',
    );
    assertError(swapped, 400, 'InvalidSecurityToken.MismatchWithAccessKey');
    const junk = await call(server.url, { ...s, securityToken: 'AQEnot-a-token' }, 'GetCallerIdentity');
    assertError(junk, 400, 'InvalidSecurityToken.Malformed');
    // A long-term key carrying a token.
    const longTerm = await call(
      server.url,
      { ...SEED_KEYS.ramTestApp, securityToken: s.securityToken ?? '' },
      'GetCallerIdentity',
    );
    assert.ok(longTerm.status >= 400 && longTerm.status < 500, longTerm.text);
    assert.match(String(longTerm.json.Code), /^InvalidSecurityToken\./);
  });

  it('an expired session: InvalidSecurityToken.Expired', async () => {
    const s = await session();
    clockOffset = 2 * 3600 * 1000;
    try {
      const r = await call(server.url, s, 'GetCallerIdentity');
      assertError(r, 400, 'InvalidSecurityToken.Expired');
    } finally {
      clockOffset = 0;
    }
  });

  it('a role session assuming a role gets at most an hour', async () => {
    const s = await session(SEED_KEYS.tester, ROLE('longsessions'));
    const r = await call(server.url, s, 'AssumeRole', {
      RoleArn: ROLE('longsessions'),
      RoleSessionName: 'chained',
      DurationSeconds: '3601',
    });
    assertError(r, 400, 'InvalidParameter.DurationSeconds');
    assert.equal(r.json.Message, 'The Min/Max value of DurationSeconds is 15min/1hr.');
  });
});
