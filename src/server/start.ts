// Wires a server together: data directory, stores (with the start-up sweep), the default
// account and its root credentials, the decision log, the pipeline, the listener.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { accountIdFromEnv } from '../identity/account.js';
import { DefaultAccountResolver } from '../identity/default-account.js';
import type { IdentityResolver } from '../identity/resolver.js';
import { loadRootCredentials, type RootCredentials } from '../identity/root-credentials.js';
import { BucketPolicyCache } from '../s3/bucket-policy-cache.js';
import type { S3Services } from '../s3/context.js';
import { openStores } from '../store/open-stores.js';
import { DecisionLog } from './decisions.js';
import { createDispatcher } from './dispatch.js';
import { HttpServer } from './http-server.js';

export const DEFAULT_PORT = 9000;
export const DEFAULT_ADDRESS = '127.0.0.1';
export const DEFAULT_REGION = 'us-east-1';

export interface ServerOptions {
  readonly dataDir: string;
  readonly address?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Logger;
  readonly region?: string;
  /** Replaces the default-account resolver (IAM, tests). */
  readonly identities?: IdentityResolver;
  readonly decisionCapacity?: number;
  readonly drainTimeoutMs?: number;
}

export interface RunningServer {
  /** `http://address:port` */
  readonly url: string;
  readonly port: number;
  readonly address: string;
  readonly accountId: string;
  readonly rootCredentials: RootCredentials;
  readonly services: S3Services;
  /** Graceful: stops accepting, finishes in-flight requests, closes the stores. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? pino({ level: env['PORTCULLIS_LOG_LEVEL'] ?? 'info' });
  const region = options.region ?? DEFAULT_REGION;
  await mkdir(dataDir, { recursive: true });
  const accountId = accountIdFromEnv(env);
  const rootCredentials = await loadRootCredentials(dataDir, env);
  const stores = await openStores({ dataDir });
  if (stores.sweep && (stores.sweep.blobsRemoved > 0 || stores.sweep.tempFilesRemoved > 0)) {
    log.info({ sweep: stores.sweep }, 'removed leftovers of interrupted writes');
  }
  const services: S3Services = {
    metadata: stores.metadata,
    blobs: stores.blobs,
    identities: options.identities ?? new DefaultAccountResolver(accountId, rootCredentials),
    decisions: new DecisionLog(options.decisionCapacity),
    policies: new BucketPolicyCache(stores.metadata),
    config: { region, accountId },
    log,
  };
  const http = new HttpServer({
    handler: createDispatcher(services),
    log,
    ...(options.drainTimeoutMs !== undefined ? { drainTimeoutMs: options.drainTimeoutMs } : {}),
  });
  let info;
  try {
    info = await http.listen(options.port ?? DEFAULT_PORT, options.address ?? DEFAULT_ADDRESS);
  } catch (e) {
    await stores.close();
    throw e;
  }
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${info.port}`,
    port: info.port,
    address: info.address,
    accountId,
    rootCredentials,
    services,
    close() {
      closed ??= http.close().then(() => stores.close());
      return closed;
    },
  };
}
