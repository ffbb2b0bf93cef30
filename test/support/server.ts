// Starts a real Portcullis server for a test: in-process on a free port with a temporary data
// directory (fast, and close() drains it like SIGTERM would), or as a child process through
// bin/portcullis.js serve (what users run; needs `npm run build`).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import pino from 'pino';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { repoRoot } from './repo-root.js';

export const TEST_ACCOUNT_ID = '111122223333';
export const TEST_ROOT_ACCESS_KEY_ID = 'AKIATESTROOT00000001';
export const TEST_ROOT_SECRET_ACCESS_KEY = 'testRootSecretKey/0000000000000000000000';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The in-process server (undefined for a child process). */
  readonly server: RunningServer | undefined;
  /** An S3 client with the root credentials (path-style, us-east-1). */
  client(config?: Partial<S3ClientConfig>): S3Client;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment (PORTCULLIS_*). Root credentials are fixed unless `generateCredentials`. */
  readonly env?: Record<string, string>;
  readonly generateCredentials?: boolean;
  /** Reuse a data directory (it is then not removed on close). */
  readonly dataDir?: string;
  /** A declarative bootstrap file applied at start (`--bootstrap`). */
  readonly bootstrapFile?: string;
  /** In-process only: the clock that issues and opens session tokens (epoch ms). */
  readonly clock?: () => number;
}

function envFor(options: StartOptions): Record<string, string> {
  return {
    PORTCULLIS_ACCOUNT_ID: TEST_ACCOUNT_ID,
    ...(options.generateCredentials
      ? {}
      : {
          PORTCULLIS_ROOT_ACCESS_KEY_ID: TEST_ROOT_ACCESS_KEY_ID,
          PORTCULLIS_ROOT_SECRET_ACCESS_KEY: TEST_ROOT_SECRET_ACCESS_KEY,
        }),
    ...options.env,
  };
}

function clientFactory(url: string, accessKeyId: string, secretAccessKey: string) {
  const clients: S3Client[] = [];
  const make = (config: Partial<S3ClientConfig> = {}) => {
    const c = new S3Client({
      endpoint: url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      ...config,
    });
    clients.push(c);
    return c;
  };
  return { make, destroyAll: () => clients.forEach((c) => c.destroy()) };
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'portcullis-test-')));
  const server = await startServer({
    dataDir,
    port: 0,
    env: envFor(options),
    log: pino({ level: process.env['PORTCULLIS_TEST_LOG'] ?? 'silent' }),
    drainTimeoutMs: 2000,
    ...(options.bootstrapFile !== undefined ? { bootstrapFile: options.bootstrapFile } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  });
  const { accessKeyId, secretAccessKey } = server.rootCredentials;
  const clients = clientFactory(server.url, accessKeyId, secretAccessKey);
  return {
    url: server.url,
    port: server.port,
    dataDir,
    accessKeyId,
    secretAccessKey,
    server,
    client: clients.make,
    async close() {
      clients.destroyAll();
      await server.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ChildServer extends Omit<TestServer, 'server'> {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * How to run the CLI: bin/portcullis.js (the compiled build, what users run) when the tests
 * themselves are compiled; the TypeScript entry through tsx when they run from source, so a
 * stale or missing build cannot mislead them.
 */
function cliEntry(): string[] {
  if (import.meta.url.endsWith('.ts')) return ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];
  return [join(repoRoot, 'bin/portcullis.js')];
}

/** Runs `node bin/portcullis.js serve --port 0` and waits for its "listening on" line. */
export async function startChildServer(options: StartOptions = {}): Promise<ChildServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'portcullis-child-')));
  const bootstrap = options.bootstrapFile !== undefined ? ['--bootstrap', options.bootstrapFile] : [];
  const child = spawn(
    process.execPath,
    [...cliEntry(), 'serve', '--port', '0', '--data', dataDir, ...bootstrap],
    {
      env: { ...process.env, PORTCULLIS_LOG_LEVEL: 'warn', ...envFor(options) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}${err}`)), 15_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${out}${err}`)));
  });
  const generated = /AWS_ACCESS_KEY_ID=(\S+)\s+AWS_SECRET_ACCESS_KEY=(\S+)/.exec(out);
  const accessKeyId = generated?.[1] ?? TEST_ROOT_ACCESS_KEY_ID;
  const secretAccessKey = generated?.[2] ?? TEST_ROOT_SECRET_ACCESS_KEY;
  const clients = clientFactory(url, accessKeyId, secretAccessKey);
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null) child.kill(signal);
    return exited;
  };
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    accessKeyId,
    secretAccessKey,
    child,
    stdout: () => out,
    client: clients.make,
    stop,
    async close() {
      clients.destroyAll();
      await stop();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
