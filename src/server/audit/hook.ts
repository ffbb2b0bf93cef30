// Watches one request's response and, once it has finished (or the connection closed), hands
// the audit sink one record. Nothing here runs before the response is done except a few
// counters, and nothing at all when the server has no audit trail.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { routeOss } from '../../oss/routes.js';
import type { Principal } from '../../policy/request.js';
import type { S3Services } from '../../s3/context.js';
import { buildAuditRecord, type AuditObservation } from './record.js';
import { auditTrailOf } from './trail.js';

/** What the pipeline knows that the response does not show (set through noteAudit). */
export interface AuditNote {
  operation?: string;
  bucket?: string | undefined;
  key?: string | undefined;
  principal?: Principal;
  accessKeyId?: string | undefined;
  errorCode?: string;
  errorMessage?: string;
}

const notes = new WeakMap<ServerResponse, AuditNote>();

/** Adds facts to a request's audit record; a no-op when the request is not being audited. */
export function noteAudit(res: ServerResponse, note: AuditNote): void {
  const current = notes.get(res);
  if (current !== undefined) Object.assign(current, note);
}

/** Error bodies are read this far for their Code and Message. */
const SNIFF_BYTES = 4096;

type WriteFn = (this: ServerResponse, ...args: unknown[]) => boolean;
type EndFn = (this: ServerResponse, ...args: unknown[]) => ServerResponse;

/** Starts auditing one request; `front` is the protocol front's name, `s3` for the S3 pipeline. */
export function auditResponse(
  services: S3Services,
  req: IncomingMessage,
  res: ServerResponse,
  front: string,
): void {
  const sink = auditTrailOf(services);
  if (sink === undefined) return;
  const startedAt = new Date();
  const note: AuditNote = {};
  notes.set(res, note);
  let bytesOut = 0;
  let errorBody = '';
  const count = (chunk: unknown): void => {
    if (typeof chunk === 'string') bytesOut += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) bytesOut += chunk.byteLength;
    else return;
    // The fronts answer errors in their own format; their code and message are in the body.
    if (res.statusCode >= 400 && errorBody.length < SNIFF_BYTES) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      errorBody += text.slice(0, SNIFF_BYTES - errorBody.length);
    }
  };
  const write = res.write as unknown as WriteFn;
  const end = res.end as unknown as EndFn;
  (res as unknown as { write: WriteFn }).write = function (...args) {
    count(args[0]);
    return write.apply(this, args);
  };
  (res as unknown as { end: EndFn }).end = function (...args) {
    if (typeof args[0] !== 'function') count(args[0]);
    return end.apply(this, args);
  };

  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    try {
      const finished = res.writableFinished;
      const sniffed = parseErrorBody(errorBody);
      const requestId = headerText(res, 'x-amz-request-id') ?? headerText(res, 'x-oss-request-id') ?? '';
      const where = note.bucket === undefined && front === 'oss' ? ossLocation(req) : note;
      const errorCode = note.errorCode ?? sniffed.code ?? (finished ? undefined : 'ClientDisconnected');
      const errorMessage =
        note.errorMessage ??
        sniffed.message ??
        (finished ? undefined : 'the connection closed before the response was complete');
      const observation: AuditObservation = {
        front,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        region: services.config.region,
        sourceIp: sourceIp(req),
        userAgent: req.headers['user-agent'],
        authorization: req.headers.authorization,
        status: res.statusCode,
        requestId,
        startedAt,
        finishedAt: new Date(),
        decisions: requestId === '' ? undefined : services.decisions.get(requestId),
        ...(note.operation !== undefined ? { operation: note.operation } : {}),
        ...(where.bucket !== undefined ? { bucket: where.bucket } : {}),
        ...(where.key !== undefined ? { key: where.key } : {}),
        ...(note.principal !== undefined ? { principal: note.principal } : {}),
        ...(note.accessKeyId !== undefined ? { accessKeyId: note.accessKeyId } : {}),
        ...(errorCode !== undefined ? { errorCode } : {}),
        ...(errorMessage !== undefined ? { errorMessage } : {}),
        ...bytesIn(req),
        bytesOut,
      };
      sink.append(buildAuditRecord(observation));
    } catch (err) {
      // An audit bug must never take a request (or the server) down.
      services.log.error({ err }, 'audit trail: cannot build a record');
    }
  };
  res.once('finish', finish);
  res.once('close', finish);
}

function headerText(res: ServerResponse, name: string): string | undefined {
  const v = res.getHeader(name);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function sourceIp(req: IncomingMessage): string {
  const addr = req.socket.remoteAddress ?? '';
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

function bytesIn(req: IncomingMessage): { bytesIn?: number } {
  const declared = req.headers['x-amz-decoded-content-length'] ?? req.headers['content-length'];
  const n = typeof declared === 'string' ? Number(declared) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? { bytesIn: n } : {};
}

function ossLocation(req: IncomingMessage): { bucket?: string | undefined; key?: string | undefined } {
  try {
    const r = routeOss(req.method ?? 'GET', req.url ?? '/', req.headers.host, false);
    return { bucket: r.bucket, key: r.key };
  } catch {
    return {};
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** `<Code>` and `<Message>` of an XML error document, or `error.code`/`message` of a JSON one. */
export function parseErrorBody(body: string): { code?: string; message?: string } {
  if (body === '') return {};
  const unescape = (s: string): string =>
    s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => XML_ENTITIES[e] ?? _);
  const code = /<Code>([^<]{1,256})<\/Code>/.exec(body)?.[1];
  if (code !== undefined) {
    const message = /<Message>([^<]{0,2048})<\/Message>/.exec(body)?.[1];
    return { code: unescape(code), ...(message !== undefined ? { message: unescape(message) } : {}) };
  }
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const c = parsed.error?.code;
    const m = parsed.error?.message;
    return {
      ...(typeof c === 'string' ? { code: c } : {}),
      ...(typeof m === 'string' ? { message: m } : {}),
    };
  } catch {
    return {};
  }
}
