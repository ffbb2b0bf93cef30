// S3 server benchmark: Portcullis (signatures and IAM enforced, root credentials) next to s3rver
// (signatures checked) with real @aws-sdk/client-s3 clients, and nginx serving the same 1 GiB file
// as the ceiling for a large GET. Every server runs in its own process on loopback; data on tmpfs
// (/dev/shm), plus Portcullis once more with its data on disk. Engines alternate in rounds; the
// report gives medians and ratios. See bench/RESULTS.md, "S3 server".
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

const here = dirname(fileURLToPath(import.meta.url)); // bench/.data/build-s3/s3
const benchDir = join(here, '../../..');
const repoDir = join(benchDir, '..');
const dataDir = join(benchDir, '.data');

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_ROUNDS', 3);
const OPS: Record<number, number> = {
  1: env('BENCH_OPS_C1', 600),
  16: env('BENCH_OPS', 3000),
  64: env('BENCH_OPS', 3000),
};
const CONCURRENCY = [1, 16, 64];
const SMALL = 4 * 1024;
const SMALL_KEYS = 1000;
const LIST_KEYS = env('BENCH_LIST_KEYS', 10_000);
const LIST_REPS = env('BENCH_LIST_REPS', 3);
const LARGE = env('BENCH_LARGE_MIB', 1024) * 1024 * 1024;
const ENGINES = (process.env['BENCH_ENGINES'] ?? 'portcullis,s3rver,portcullis-disk,nginx').split(',');
const PROFILE = process.env['BENCH_PROFILE'] === '1';
const ROOT_KEY = 'AKIABENCHROOT0000001';
const ROOT_SECRET = 'benchRootSecret/000000000000000000000000';

interface Engine {
  readonly name: string;
  readonly url: string;
  readonly s3?: S3Client;
  /** The server process, for its CPU time. */
  readonly pid?: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function waitListening(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${out}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function client(url: string, accessKeyId: string, secretAccessKey: string): S3Client {
  return new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
    // Plain PUT/GET for every engine (s3rver knows no aws-chunked trailers or CRC32 checksums).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { httpAgent: agent, requestTimeout: 600_000 },
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function startPortcullis(name: string, data: string): Promise<Engine> {
  await rm(data, { recursive: true, force: true });
  await mkdir(data, { recursive: true });
  const profile = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(dataDir, 'profiles-s3')}`] : [];
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
    ],
    {
      env: {
        ...process.env,
        PORTCULLIS_ROOT_ACCESS_KEY_ID: ROOT_KEY,
        PORTCULLIS_ROOT_SECRET_ACCESS_KEY: ROOT_SECRET,
        PORTCULLIS_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await waitListening(child, /listening on (http:\/\/\S+)/, name);
  return {
    name,
    url,
    s3: client(url, ROOT_KEY, ROOT_SECRET),
    pid: child.pid,
    stop: async () => {
      await stopChild(child);
      await rm(data, { recursive: true, force: true });
    },
  };
}

async function startS3rver(data: string): Promise<Engine> {
  await rm(data, { recursive: true, force: true });
  await mkdir(data, { recursive: true });
  const port = await freePort();
  const child = spawn(process.execPath, [join(here, 's3rver-serve.js'), String(port), data], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitListening(child, /listening on (http:\/\/\S+)/, 's3rver');
  return {
    name: 's3rver',
    url,
    s3: client(url, 'S3RVER', 'S3RVER'),
    pid: child.pid,
    stop: async () => {
      await stopChild(child);
      await rm(data, { recursive: true, force: true });
    },
  };
}

async function startNginx(root: string): Promise<Engine> {
  const prefix = await mkdtemp(join(os.tmpdir(), 'bench-nginx-'));
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  await writeFile(
    conf,
    `worker_processes 1;
${process.getuid?.() === 0 ? 'user root;' : ''}
error_log ${prefix}/error.log warn;
pid ${prefix}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`,
  );
  const child = spawn('nginx', ['-p', prefix, '-c', conf, '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('error', (e) =>
      reject(new Error(`nginx could not start (apt-get install -y nginx): ${e.message}`)),
    );
    child.once('spawn', () => resolve());
  });
  await spawned;
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await httpGetDiscard(`${url}/`);
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    name: 'nginx',
    url,
    stop: async () => {
      await stopChild(child);
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

/** GETs a URL and counts its bytes (the body is discarded as it streams in). */
function httpGetDiscard(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let n = 0;
        res.on('data', (d: Buffer) => (n += d.length));
        res.on('end', () => resolve(n));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * CPU time (ns) the process has used so far, all threads (event loop, libuv pool, GC): the sum of
 * /proc/<pid>/task/<tid>/schedstat. Lets the bench tell the server's own cost per request apart
 * from the client's, which shares the same cores.
 */
async function cpuNs(pid: number): Promise<number> {
  let total = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '0');
    total += Number(stat.split(' ')[0]);
  }
  return total;
}

/** Runs `fn` (which returns ops/s) and also records the server's CPU µs per op. */
async function opsWithCpu(
  e: Engine,
  label: string,
  ops: number,
  m: Metrics,
  fn: () => Promise<number>,
): Promise<void> {
  const before = e.pid !== undefined ? await cpuNs(e.pid) : undefined;
  const client = process.cpuUsage();
  await measure(e, `${label} ops/s`, m, fn);
  if (m[`${label} ops/s`] === undefined) return;
  const used = process.cpuUsage(client);
  // The SDK client's own cost shares the cores: it bounds what any server can reach here.
  m[`${label} client CPU µs/op`] = (used.user + used.system) / ops;
  if (before !== undefined) m[`${label} server CPU µs/op`] = ((await cpuNs(e.pid!)) - before) / 1000 / ops;
}

async function concurrently(
  total: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await op(next++);
    }),
  );
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const BUCKET = 'bench';
const LIST_BUCKET = 'bench-list';
const smallBody = Buffer.alloc(SMALL, 0x61);

async function drain(body: unknown): Promise<number> {
  let n = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) n += chunk.length;
  return n;
}

async function prepare(e: Engine): Promise<void> {
  const s3 = e.s3!;
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new CreateBucketCommand({ Bucket: LIST_BUCKET }));
  const t = await concurrently(LIST_KEYS, 32, async (i) => {
    await s3.send(
      new PutObjectCommand({ Bucket: LIST_BUCKET, Key: `k/${String(i).padStart(6, '0')}`, Body: 'x' }),
    );
  });
  console.error(`  ${e.name}: ${LIST_KEYS} keys for the listing in ${t.toFixed(1)} s`);
  // Warm-up: JIT and connections.
  await concurrently(300, 16, async (i) => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `small/${i % SMALL_KEYS}`, Body: smallBody }));
  });
  await concurrently(SMALL_KEYS, 16, async (i) => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `small/${i}`, Body: smallBody }));
  });
  await concurrently(300, 16, async (i) => {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `small/${i % SMALL_KEYS}` }));
    await drain(out.Body);
  });
}

type Metrics = Record<string, number>;

/** Runs one measurement; a failure is reported (engine, metric, error) and leaves the metric out. */
async function measure(e: Engine, metric: string, m: Metrics, fn: () => Promise<number>): Promise<void> {
  try {
    m[metric] = await fn();
  } catch (error) {
    const err = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    console.error(
      `  ${e.name}: ${metric} FAILED: ${err.name ?? ''} ${err.$metadata?.httpStatusCode ?? ''} ${err.message ?? String(error)}`,
    );
    failures.push(`${e.name}: ${metric}: ${err.name ?? ''} ${err.message ?? String(error)}`);
  }
}
const failures: string[] = [];

async function roundFor(e: Engine, largeFile: string): Promise<Metrics> {
  const m: Metrics = {};
  if (e.name === 'nginx') {
    const start = process.hrtime.bigint();
    const n = await httpGetDiscard(`${e.url}/large.bin`);
    if (n !== LARGE) throw new Error(`nginx served ${n} bytes`);
    m['large GET MB/s'] = LARGE / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9);
    return m;
  }
  const s3 = e.s3!;
  for (const c of CONCURRENCY) {
    const n = OPS[c]!;
    await opsWithCpu(e, `PUT 4 KiB c=${c}`, n, m, async () => {
      const put = await concurrently(n, c, async (i) => {
        await s3.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: `small/${i % SMALL_KEYS}`, Body: smallBody }),
        );
      });
      return n / put;
    });
    await opsWithCpu(e, `GET 4 KiB c=${c}`, n, m, async () => {
      const get = await concurrently(n, c, async (i) => {
        const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `small/${i % SMALL_KEYS}` }));
        if ((await drain(out.Body)) !== SMALL) throw new Error(`${e.name}: short GET`);
      });
      return n / get;
    });
  }
  await measure(e, `ListObjectsV2 ${LIST_KEYS} keys, ms per full listing`, m, async () => {
    const list = await concurrently(LIST_REPS, 1, async () => {
      let token: string | undefined;
      let keys = 0;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: LIST_BUCKET, ContinuationToken: token }),
        );
        keys += page.KeyCount ?? 0;
        token = page.NextContinuationToken;
      } while (token);
      if (keys !== LIST_KEYS) throw new Error(`${e.name}: listed ${keys} keys`);
    });
    return (list / LIST_REPS) * 1000;
  });
  await measure(e, 'large PUT MB/s', m, async () => {
    const start = process.hrtime.bigint();
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'large.bin',
        Body: createReadStream(largeFile),
        ContentLength: LARGE,
      }),
    );
    return LARGE / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9);
  });
  await measure(e, 'large GET MB/s', m, async () => {
    const start = process.hrtime.bigint();
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'large.bin' }));
    const n = await drain(out.Body);
    if (n !== LARGE) throw new Error(`${e.name}: large GET returned ${n} bytes`);
    return LARGE / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9);
  });
  return m;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<void> {
  const shm = await mkdtemp('/dev/shm/portcullis-bench-');
  const largeDir = join(shm, 'www');
  await mkdir(largeDir);
  const largeFile = join(largeDir, 'large.bin');
  {
    const fh = await open(largeFile, 'w');
    const chunk = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i);
    for (let w = 0; w < LARGE; w += chunk.length) await fh.write(chunk, 0, Math.min(chunk.length, LARGE - w));
    await fh.close();
  }
  const engines: Engine[] = [];
  try {
    for (const name of ENGINES) {
      if (name === 'portcullis') engines.push(await startPortcullis(name, join(shm, 'portcullis')));
      else if (name === 'portcullis-disk')
        engines.push(await startPortcullis(name, join(dataDir, 's3-disk')));
      else if (name === 's3rver') engines.push(await startS3rver(join(shm, 's3rver')));
      else if (name === 'nginx') engines.push(await startNginx(largeDir));
      else throw new Error(`unknown engine ${name}`);
    }
    console.error('preparing (10,000 keys to list, warm-up)…');
    for (const e of engines) if (e.s3) await prepare(e);
    const results = new Map<string, Metrics[]>(engines.map((e) => [e.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate the order: round r starts with engine r mod n.
      const order = engines.map((_, i) => engines[(i + r) % engines.length]!);
      for (const e of order) {
        const m = await roundFor(e, largeFile);
        results.get(e.name)!.push(m);
        console.error(
          `round ${r + 1} ${e.name}: ${JSON.stringify(m, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`,
        );
      }
    }
    report(results);
  } finally {
    for (const e of engines) await e.stop().catch(() => undefined);
    agent.destroy();
    await rm(shm, { recursive: true, force: true });
  }
}

function report(results: Map<string, Metrics[]>): void {
  const med = new Map<string, Metrics>();
  for (const [name, rounds] of results) {
    const keys = [...new Set(rounds.flatMap((m) => Object.keys(m)))];
    med.set(
      name,
      Object.fromEntries(
        keys.map((k) => [k, median(rounds.flatMap((m) => (m[k] === undefined ? [] : [m[k]])))]),
      ),
    );
  }
  const names = [...med.keys()];
  const metrics = [...new Set(names.flatMap((n) => Object.keys(med.get(n)!)))];
  const fmt = (v: number | undefined) =>
    v === undefined ? '—' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
  const p = med.get('portcullis');
  const s = med.get('s3rver');
  const n = med.get('nginx');
  const lines = [
    `| metric (median of ${ROUNDS} rounds) | ${names.join(' | ')} | Portcullis ÷ s3rver |`,
    `|---|${names.map(() => '---:').join('|')}|---:|`,
  ];
  for (const k of metrics) {
    let ratio = '—';
    // The client's own CPU is the same program against both: no ratio to speak of.
    if (p?.[k] !== undefined && s?.[k] !== undefined && !k.includes('client CPU')) {
      // For a time (ms per listing, CPU µs per op), lower is better: the ratio says how many
      // times faster (or cheaper) Portcullis is.
      const x = k.includes(' ms ') || k.includes('µs') ? s[k]! / p[k]! : p[k]! / s[k]!;
      ratio = `${x.toFixed(2)}×`;
    }
    lines.push(`| ${k} | ${names.map((nm) => fmt(med.get(nm)![k])).join(' | ')} | ${ratio} |`);
  }
  if (p && n) {
    lines.push('');
    lines.push(
      `Large GET: Portcullis (tmpfs) ${fmt(p['large GET MB/s'])} MB/s = ${((p['large GET MB/s']! / n['large GET MB/s']!) * 100).toFixed(0)} % of nginx (${fmt(n['large GET MB/s'])} MB/s).`,
    );
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
  const failed = failures.length ? `\n\nFailures:\n${failures.map((f) => `- ${f}`).join('\n')}` : '';
  console.log(`Machine: ${machine}\n\n${lines.join('\n')}${failed}`);
  void writeFile(
    join(dataDir, 's3-results.json'),
    JSON.stringify(
      { machine, rounds: Object.fromEntries(results), medians: Object.fromEntries(med) },
      null,
      2,
    ),
  );
}

await main();
