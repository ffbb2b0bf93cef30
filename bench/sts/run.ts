// STS benchmark: AssumeRole calls/s, and S3 GetObject ops/s with temporary credentials (from
// AssumeRole, with and without an inline session policy) next to the same user's long-term keys,
// in the same run against one Portcullis server (`serve --bootstrap bench/sts/bootstrap.json`,
// a child process on loopback). Real @aws-sdk/client-sts and @aws-sdk/client-s3 clients over a
// keep-alive agent; every measurement is bounded in time (and in operations); the credential
// kinds alternate in rounds and the report gives medians and ratios. Target (issue "IAM and STS",
// item 10): temporary credentials no more than 10 % slower than long-term keys.
// See bench/RESULTS.md, "STS and temporary credentials".
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

const here = dirname(fileURLToPath(import.meta.url)); // bench/.data/build-sts/sts
const benchDir = join(here, '../../..');
const repoDir = join(benchDir, '..');
const dataDir = join(benchDir, '.data');
const fixture = join(benchDir, 'sts/bootstrap.json');

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_ROUNDS', 7);
const SECONDS = env('BENCH_SECONDS', 3); // per measurement
const MAX_OPS = env('BENCH_MAX_OPS', 200_000); // per measurement, a second bound
const CONCURRENCY = [1, 16];
const PROFILE = process.env['BENCH_PROFILE'] === '1';

const ACCOUNT = '111122223333';
const BUCKET = 'bench-sts';
const KEY = '1k.bin';
const SIZE = 1024;
const USER = {
  accessKeyId: 'AKIABENCHSTSAPP00001',
  secretAccessKey: 'benchStsAppSecretKey/0000000000000000000',
};
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/BenchStsReader`;
// Narrows the role to this one object: the sanity check below proves it is enforced.
const SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/${KEY}` }],
});

interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const requestHandler = { httpAgent: agent, requestTimeout: 60_000 };

function s3Client(url: string, credentials: Keys): S3Client {
  return new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler,
  });
}

function stsClient(url: string, credentials: Keys): STSClient {
  return new STSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function startPortcullis(data: string): Promise<{ url: string; stop(): Promise<void> }> {
  const profile = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(dataDir, 'profiles-sts')}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      join(repoDir, 'bin/portcullis.js'),
      'serve',
      '--address',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      data,
      '--bootstrap',
      fixture,
    ],
    {
      env: {
        ...process.env,
        PORTCULLIS_ACCOUNT_ID: ACCOUNT,
        PORTCULLIS_ROOT_ACCESS_KEY_ID: 'AKIABENCHROOT0000001',
        PORTCULLIS_ROOT_SECRET_ACCESS_KEY: 'benchRootSecret/000000000000000000000000',
        PORTCULLIS_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`portcullis did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`portcullis exited with ${code}: ${out}`)));
  });
  return { url, stop: () => stopChild(child) };
}

/** Runs op with `concurrency` workers for SECONDS (or MAX_OPS operations); returns ops/s. */
async function timed(concurrency: number, op: () => Promise<void>): Promise<number> {
  let done = 0;
  let started = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(SECONDS * 1e9));
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < MAX_OPS && process.hrtime.bigint() < deadline) {
        started++;
        await op();
        done++;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function drain(body: unknown): Promise<number> {
  let n = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) n += chunk.length;
  return n;
}

async function assume(sts: STSClient, name: string, policy?: string): Promise<Keys> {
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: ROLE_ARN,
      RoleSessionName: name,
      DurationSeconds: 3600,
      ...(policy ? { Policy: policy } : {}),
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole: no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

async function getOnce(s3: S3Client, key = KEY): Promise<void> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  if ((await drain(out.Body)) !== SIZE) throw new Error('short GET');
}

async function denied(p: Promise<void>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (e) {
    if (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 403) return true;
    throw e;
  }
}

type Metrics = Record<string, number>;
const VARIANTS = ['long-term keys', 'temporary', 'temporary + session policy'] as const;
type Variant = (typeof VARIANTS)[number];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<void> {
  const data = await mkdtemp(join(os.tmpdir(), 'portcullis-bench-sts-'));
  await mkdir(dataDir, { recursive: true });
  const server = await startPortcullis(data);
  const sts = stsClient(server.url, USER);
  const longTerm = s3Client(server.url, USER);
  const rounds: Metrics[] = [];
  try {
    // The user's own policy allows PutObject on the bucket: upload the object and a second one.
    const body = Buffer.alloc(SIZE, 0x61);
    await longTerm.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: body }));
    await longTerm.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other.bin', Body: body }));
    // Sanity: both kinds of temporary credentials read the object; only the session policy denies
    // the other one (so the session policy is really evaluated on every request).
    const plain = s3Client(server.url, await assume(sts, 'sanity'));
    const narrowed = s3Client(server.url, await assume(sts, 'sanity-policy', SESSION_POLICY));
    await getOnce(plain);
    await getOnce(narrowed);
    if (await denied(getOnce(plain, 'other.bin'))) throw new Error('role should read other.bin');
    if (!(await denied(getOnce(narrowed, 'other.bin')))) throw new Error('session policy not enforced');
    plain.destroy();
    narrowed.destroy();
    // Warm-up: JIT and connections, every path once.
    const warm = s3Client(server.url, await assume(sts, 'warm'));
    for (const c of CONCURRENCY) {
      await timedFor(1, c, () => assume(sts, 'warm').then(() => undefined));
      await timedFor(1, c, () => getOnce(longTerm));
      await timedFor(1, c, () => getOnce(warm));
    }
    warm.destroy();
    console.error(`warm; ${ROUNDS} rounds of ${SECONDS} s per measurement`);

    for (let r = 0; r < ROUNDS; r++) {
      const m: Metrics = {};
      // Fresh temporary credentials every round (a new session, as a client would refresh).
      const clients: Record<Variant, S3Client> = {
        'long-term keys': longTerm,
        temporary: s3Client(server.url, await assume(sts, `round-${r}`)),
        'temporary + session policy': s3Client(server.url, await assume(sts, `round-${r}-p`, SESSION_POLICY)),
      };
      for (const c of CONCURRENCY) {
        let i = 0;
        m[`AssumeRole c=${c} calls/s`] = await timed(c, async () => {
          await assume(sts, `bench-${r}-${c}-${i++ % 64}`);
        });
        m[`AssumeRole + session policy c=${c} calls/s`] = await timed(c, async () => {
          await assume(sts, `bench-${r}-${c}-${i++ % 64}`, SESSION_POLICY);
        });
        // Alternate the order of the credential kinds: round r starts with kind r mod 3.
        for (let k = 0; k < VARIANTS.length; k++) {
          const v = VARIANTS[(k + r) % VARIANTS.length]!;
          m[`GetObject 1 KiB c=${c}, ${v} ops/s`] = await timed(c, () => getOnce(clients[v]));
        }
      }
      clients.temporary.destroy();
      clients['temporary + session policy'].destroy();
      rounds.push(m);
      console.error(
        `round ${r + 1}: ${JSON.stringify(m, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`,
      );
    }
  } finally {
    sts.destroy();
    longTerm.destroy();
    await server.stop();
    agent.destroy();
    await rm(data, { recursive: true, force: true });
  }
  report(rounds);
}

/** A short timed run (warm-up): `seconds` instead of SECONDS. */
async function timedFor(seconds: number, c: number, op: () => Promise<void>): Promise<void> {
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (Date.now() < end) await op();
    }),
  );
}

function report(rounds: Metrics[]): void {
  const keys = [...new Set(rounds.flatMap((m) => Object.keys(m)))];
  const med: Metrics = Object.fromEntries(keys.map((k) => [k, median(rounds.map((m) => m[k]!))]));
  const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
  const range = (k: string) => {
    const xs = rounds.map((m) => m[k]!);
    return `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
  };
  const lines = [
    `| metric (median of ${ROUNDS} rounds, ${SECONDS} s each) | median | min–max |`,
    '|---|---:|---:|',
    ...keys.map((k) => `| ${k} | ${fmt(med[k]!)} | ${range(k)} |`),
  ];
  const ratios = [
    '| GetObject 1 KiB | temporary ÷ long-term | temporary + session policy ÷ long-term | ≤ 10 % slower? |',
    '|---|---:|---:|---|',
  ];
  const verdict: boolean[] = [];
  for (const c of CONCURRENCY) {
    const base = `GetObject 1 KiB c=${c}, long-term keys ops/s`;
    // Ratio of medians, and the median of the per-round ratios (same round, same conditions).
    const r = (v: Variant) => {
      const k = `GetObject 1 KiB c=${c}, ${v} ops/s`;
      return {
        ofMedians: med[k]! / med[base]!,
        perRound: median(rounds.map((m) => m[k]! / m[base]!)),
      };
    };
    const t = r('temporary');
    const p = r('temporary + session policy');
    const ok = Math.min(t.ofMedians, p.ofMedians) >= 0.9;
    verdict.push(ok);
    const f = (x: { ofMedians: number; perRound: number }) =>
      `${x.ofMedians.toFixed(3)} (per-round median ${x.perRound.toFixed(3)})`;
    ratios.push(`| c=${c} | ${f(t)} | ${f(p)} | ${ok ? 'yes' : 'NO'} |`);
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
  console.log(
    `Machine: ${machine}\n\n${lines.join('\n')}\n\n${ratios.join('\n')}\n\nTarget (temporary no more than 10 % slower): ${verdict.every(Boolean) ? 'met' : 'MISSED'}`,
  );
  void writeFile(
    join(dataDir, 'sts-results.json'),
    JSON.stringify({ machine, rounds, medians: med }, null, 2),
  );
}

await main();
