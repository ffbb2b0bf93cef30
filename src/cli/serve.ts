// `portcullis serve`: runs the server until SIGTERM/SIGINT, then drains in-flight requests and
// exits 0 (CONTRACTS.md "The server").
import type { Command } from 'commander';
import pino from 'pino';
import { BootstrapError } from '../identity/bootstrap.js';
import { ROOT_CREDENTIALS_FILE } from '../identity/root-credentials.js';
import { DEFAULT_ADDRESS, DEFAULT_PORT, startServer } from '../server/start.js';
import { join } from 'node:path';

interface ServeOptions {
  address: string;
  port: string;
  data: string;
  bootstrap?: string;
  encodeDenials?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the S3-compatible server')
    .option('--address <address>', 'address to listen on', DEFAULT_ADDRESS)
    .option('--port <port>', 'port to listen on (0 picks a free one)', String(DEFAULT_PORT))
    .option('--data <dir>', 'data directory (metadata, blobs, generated root credentials)', './data')
    .option(
      '--bootstrap <file>',
      'declarative bootstrap JSON applied at start (default: PORTCULLIS_BOOTSTRAP)',
    )
    .option(
      '--encode-denials',
      'AccessDenied errors carry an encoded authorization message for sts:DecodeAuthorizationMessage (default: PORTCULLIS_ENCODE_DENIALS=1)',
    )
    .action(async (opts: ServeOptions) => {
      // Exit explicitly: once drained, nothing (a lingering handle of a loader or a client
      // library) may keep a stopped server's process alive.
      process.exit(await runServe(opts));
    });
}

async function runServe(opts: ServeOptions): Promise<number> {
  const port = Number(opts.port);
  if (!/^\d+$/.test(opts.port) || port > 65535) {
    process.stderr.write(
      `portcullis serve: --port must be a number between 0 and 65535, got ${JSON.stringify(opts.port)}\n`,
    );
    return 2;
  }
  // Logs go to stderr: stdout carries the endpoint and the one-time credentials.
  const log = pino({ level: process.env['PORTCULLIS_LOG_LEVEL'] ?? 'info' }, pino.destination(2));
  let server;
  try {
    server = await startServer({
      dataDir: opts.data,
      address: opts.address,
      port,
      log,
      ...(opts.bootstrap !== undefined ? { bootstrapFile: opts.bootstrap } : {}),
      // Without the flag, PORTCULLIS_ENCODE_DENIALS decides.
      ...(opts.encodeDenials === true ? { encodeDenials: true } : {}),
    });
  } catch (e) {
    // A bad bootstrap file is a usage error: its message names each JSON path at fault.
    if (e instanceof BootstrapError) {
      process.stderr.write(`portcullis serve: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`portcullis serve: cannot start: ${(e as Error).message}\n`);
    return 1;
  }
  // One write, so a reader of stdout sees the endpoint and the credentials together.
  let banner = `Portcullis is listening on ${server.url} (S3, region us-east-1, account ${server.accountId})\n`;
  if (server.rootCredentials.source === 'generated') {
    banner +=
      `\nRoot credentials of account ${server.accountId}, generated now and shown only this once\n` +
      `(stored in ${join(opts.data, ROOT_CREDENTIALS_FILE)}, readable only by you):\n` +
      `  AWS_ACCESS_KEY_ID=${server.rootCredentials.accessKeyId}\n` +
      `  AWS_SECRET_ACCESS_KEY=${server.rootCredentials.secretAccessKey}\n\n`;
  }
  process.stdout.write(banner);
  const running = server;
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      // A second signal while draining changes nothing: the drain is already bounded in time.
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down: finishing in-flight requests');
      running.close().then(resolve, (e: unknown) => {
        log.error({ err: e }, 'error while shutting down');
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}
