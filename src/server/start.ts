// Wires a server together: data directory, master key, stores (with the start-up sweep), the
// IAM store and resolver (the default account and its root credentials included), the session
// token key ring, the declarative bootstrap, the decision log, the pipeline, the listener.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { bindIamStore } from '../api/query/call.js';
import { openAuditTrail } from './audit/trail.js';
import { AuthorizationMessageKey, bindStsDeps, registerStsService } from '../api/sts/index.js';
import { accountIdFromEnv } from '../identity/account.js';
import { applyBootstrapFile, type BootstrapBucket, type BootstrapResult } from '../identity/bootstrap.js';
import { IamResolver } from '../identity/iam-resolver.js';
import type { IamStore } from '../identity/iam-store.js';
import type { IdentityResolver } from '../identity/resolver.js';
import { loadRootCredentials, type RootCredentials } from '../identity/root-credentials.js';
import { loadMasterKey, SecretBox } from '../identity/secrets.js';
import { BucketPolicyCache } from '../s3/bucket-policy-cache.js';
import type { S3Services } from '../s3/context.js';
import { isStoreError } from '../store/errors.js';
import type { MetadataStore } from '../store/metadata.js';
import { openStores } from '../store/open-stores.js';
import { TokenKeyRing } from '../sts/session-token.js';
import { bindDenialEncoder } from './admin/denial-message.js';
import { DecisionLog } from './decisions.js';
import { createDispatcher } from './dispatch.js';
import { HttpServer } from './http-server.js';

export const DEFAULT_PORT = 9000;
export const DEFAULT_ADDRESS = '127.0.0.1';
export const DEFAULT_REGION = 'us-east-1';
const DEFAULT_ACCOUNT_NAME = 'default';

export interface ServerOptions {
  readonly dataDir: string;
  readonly address?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Logger;
  readonly region?: string;
  /** Replaces the IAM resolver (tests). */
  readonly identities?: IdentityResolver;
  readonly decisionCapacity?: number;
  readonly drainTimeoutMs?: number;
  /** A declarative bootstrap file applied at start (default: PORTCULLIS_BOOTSTRAP). */
  readonly bootstrapFile?: string;
  /** PostgreSQL connection string for metadata and IAM (default: PORTCULLIS_POSTGRES_URL). */
  readonly postgresUrl?: string;
  /**
   * The clock (epoch ms) that issues and opens session tokens; tests move it forward to expire
   * sessions without waiting out the 900-second minimum.
   */
  readonly clock?: () => number;
  /**
   * Denials carry an encoded authorization message that sts:DecodeAuthorizationMessage decodes
   * into the trace (default: PORTCULLIS_ENCODE_DENIALS=1; off).
   */
  readonly encodeDenials?: boolean;
}

/** What the IAM and STS layers need, built once per server. */
export interface IamServices {
  readonly store: IamStore;
  readonly resolver: IamResolver;
  /** Seals and opens session tokens (and encoded authorization messages). */
  readonly tokens: TokenKeyRing;
  readonly clock: () => number;
}

export interface RunningServer {
  /** `http://address:port` */
  readonly url: string;
  readonly port: number;
  readonly address: string;
  readonly accountId: string;
  readonly rootCredentials: RootCredentials;
  readonly services: S3Services;
  readonly iam: IamServices;
  /** What the bootstrap file changed at this start; null without one. */
  readonly bootstrap: BootstrapResult | null;
  /** Graceful: stops accepting, finishes in-flight requests, closes the stores. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? pino({ level: env['PORTCULLIS_LOG_LEVEL'] ?? 'info' });
  const region = options.region ?? DEFAULT_REGION;
  const clock = options.clock ?? Date.now;
  await mkdir(dataDir, { recursive: true });
  const accountId = accountIdFromEnv(env);
  const rootCredentials = await loadRootCredentials(dataDir, env);
  const master = await loadMasterKey(dataDir, env);
  const tokens = TokenKeyRing.fromEnv(master.key, env);
  const postgresUrl = options.postgresUrl ?? nonEmpty(env['PORTCULLIS_POSTGRES_URL']);
  const stores = await openStores({ dataDir, ...(postgresUrl !== undefined ? { postgresUrl } : {}) });
  let bootstrap: BootstrapResult | null = null;
  let iam: IamServices;
  try {
    if (stores.sweep && (stores.sweep.blobsRemoved > 0 || stores.sweep.tempFilesRemoved > 0)) {
      log.info({ sweep: stores.sweep }, 'removed leftovers of interrupted writes');
    }
    const store = stores.iamStore(SecretBox.forAccessKeys(master.key));
    await ensureAccount(store, accountId);
    const bootstrapFile = options.bootstrapFile ?? nonEmpty(env['PORTCULLIS_BOOTSTRAP']);
    if (bootstrapFile !== undefined) {
      bootstrap = await applyBootstrapFile(store, bootstrapFile);
      await createBuckets(stores.metadata, bootstrap.buckets, region);
      for (const change of bootstrap.changes) log.info({ bootstrap: bootstrapFile }, change);
      for (const warning of bootstrap.warnings) log.warn({ bootstrap: bootstrapFile }, warning);
    }
    const resolver = new IamResolver({
      store,
      tokens,
      now: clock,
      // The default account's root keys live outside the store (env or root-credentials.json).
      staticRootKeys: [
        {
          accountId,
          accessKeyId: rootCredentials.accessKeyId,
          secretAccessKey: rootCredentials.secretAccessKey,
        },
      ],
    });
    iam = { store, resolver, tokens, clock };
  } catch (e) {
    await stores.close();
    throw e;
  }
  const services: S3Services = {
    metadata: stores.metadata,
    blobs: stores.blobs,
    identities: options.identities ?? iam.resolver,
    decisions: new DecisionLog(options.decisionCapacity),
    policies: new BucketPolicyCache(stores.metadata),
    config: { region, accountId },
    log,
  };
  // The Query APIs reach the IAM store and STS keys through the services object they are given.
  bindIamStore(services, iam.store);
  registerStsService();
  const messages = AuthorizationMessageKey.fromMasterKey(master.key);
  bindStsDeps(services, { store: iam.store, cache: iam.resolver.cache, tokens, messages, clock });
  if (options.encodeDenials ?? isOn(env['PORTCULLIS_ENCODE_DENIALS'])) bindDenialEncoder(services, messages);
  // Every request, allowed or denied, lands in <data>/audit/audit.jsonl (src/server/audit).
  const audit = openAuditTrail(services, dataDir);
  const http = new HttpServer({
    handler: createDispatcher(services),
    log,
    ...(options.drainTimeoutMs !== undefined ? { drainTimeoutMs: options.drainTimeoutMs } : {}),
  });
  let info;
  try {
    info = await http.listen(options.port ?? DEFAULT_PORT, options.address ?? DEFAULT_ADDRESS);
  } catch (e) {
    await audit.close();
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
    iam,
    bootstrap,
    close() {
      // The audit trail closes after the last request drained, before the stores it never touches.
      closed ??= http
        .close()
        .then(() => audit.close())
        .then(() => stores.close());
      return closed;
    },
  };
}

function isOn(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The default account exists in the IAM store, so users and roles can be created in it. */
async function ensureAccount(store: IamStore, accountId: string): Promise<void> {
  if ((await store.getAccount(accountId)) !== null) return;
  try {
    await store.createAccount({ id: accountId, name: DEFAULT_ACCOUNT_NAME });
  } catch (e) {
    // Another node sharing the database created it first.
    if ((await store.getAccount(accountId)) === null) throw e;
  }
}

/**
 * Buckets a bootstrap file declares: created when missing, their policy set when declared and
 * different. Never deleted (they may hold data). A name owned by another account is an error.
 */
async function createBuckets(
  metadata: MetadataStore,
  buckets: readonly BootstrapBucket[],
  region: string,
): Promise<void> {
  for (const b of buckets) {
    const existing = await metadata.getBucket(b.name);
    if (existing === null) {
      try {
        await metadata.createBucket({ name: b.name, owner: b.account, region, createdAt: new Date() });
      } catch (e) {
        if (!isStoreError(e, 'BucketAlreadyOwnedByYou')) throw e;
      }
    } else if (existing.owner !== b.account) {
      throw new Error(`bootstrap: bucket ${b.name} already exists and belongs to account ${existing.owner}`);
    }
    if (b.policy !== null && (await metadata.getBucketConfig(b.name, 'policy')) !== b.policy) {
      await metadata.putBucketConfig(b.name, 'policy', b.policy);
    }
  }
}
