// Which audit sink a server writes to. Bound to its services object (like the IAM store and the
// STS keys), so dispatch needs no new parameter; a server with none bound keeps no audit trail.
import { join } from 'node:path';
import type { S3Services } from '../../s3/context.js';
import { AuditWriter, type AuditSink, type AuditWriterOptions } from './writer.js';

const sinks = new WeakMap<S3Services, AuditSink>();

export function bindAuditTrail(services: S3Services, sink: AuditSink): void {
  sinks.set(services, sink);
}

export function unbindAuditTrail(services: S3Services): void {
  sinks.delete(services);
}

export function auditTrailOf(services: S3Services): AuditSink | undefined {
  return sinks.get(services);
}

/** The default place of the trail: `<data>/audit/`. */
export function defaultAuditDir(dataDir: string): string {
  return join(dataDir, 'audit');
}

/**
 * Opens a writer in `<dataDir>/audit/` (unless `dir` says otherwise) and binds it to the server's
 * services. The caller closes it after the HTTP server has drained, before the stores close.
 */
export function openAuditTrail(
  services: S3Services,
  dataDir: string,
  options: Partial<AuditWriterOptions> = {},
): AuditWriter {
  const writer = new AuditWriter({
    log: services.log,
    ...options,
    dir: options.dir ?? defaultAuditDir(dataDir),
  });
  bindAuditTrail(services, writer);
  return writer;
}
