// What a handler answers, and how it goes on the wire. HEAD and 304 answers carry headers only;
// streamed bodies are piped with back-pressure and torn down if either side fails.
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { renderErrorXml, type S3Error } from './errors.js';
import type { HttpRequestContext } from './request-context.js';
import type { BlobSource } from '../store/blobs.js';
import { sendSource } from './send-source.js';

export type HeaderMap = Record<string, string | number | readonly string[] | undefined>;

export interface Reply {
  readonly status: number;
  readonly headers?: HeaderMap;
  readonly body?: string | Buffer | Readable | BlobSource;
}

export function xmlReply(xml: string, status = 200, headers: HeaderMap = {}): Reply {
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body: xml };
}

export function emptyReply(status = 200, headers: HeaderMap = {}): Reply {
  return { status, headers };
}

function isSource(body: Reply['body']): body is BlobSource {
  return typeof body === 'object' && body !== null && 'readInto' in body;
}

function applyHeaders(res: ServerResponse, headers: HeaderMap | undefined): void {
  if (headers === undefined) return;
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      res.setHeader(name, typeof value === 'number' ? String(value) : (value as string | string[]));
  }
}

export async function sendReply(ctx: HttpRequestContext, reply: Reply): Promise<void> {
  const { res, req } = ctx;
  applyHeaders(res, reply.headers);
  res.statusCode = reply.status;
  const body = reply.body;
  const noBody = req.method === 'HEAD' || reply.status === 304 || reply.status === 204;
  if (noBody) {
    if (body instanceof Readable) body.destroy();
    else if (isSource(body)) await body.close();
    // HEAD keeps the Content-Length the handler set (the object's size); others say 0.
    if (!res.hasHeader('content-length') && reply.status !== 204 && reply.status !== 304) {
      res.setHeader(
        'content-length',
        typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.byteLength(body) : 0,
      );
    }
    res.end();
    return;
  }
  if (body instanceof Readable || isSource(body)) {
    try {
      if (body instanceof Readable) await pipeline(body, res);
      else await sendSource(res, body);
    } catch {
      // The client went away or the blob failed mid-body: the status line is gone, so the only
      // honest signal left is a connection that ends before Content-Length bytes.
      res.destroy();
    }
    return;
  }
  const payload = body ?? '';
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.end(payload);
}

/** Sends an S3 error document (headers only for HEAD), closing the connection if the body is unread. */
export function sendError(ctx: HttpRequestContext, err: S3Error): void {
  const { res, req } = ctx;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  applyHeaders(res, err.headers);
  res.statusCode = err.status;
  // Don't read (possibly gigabytes of) an upload we refused: S3 closes the connection too.
  if (!req.complete) res.setHeader('connection', 'close');
  if (req.method === 'HEAD' || err.status === 304) {
    res.end();
    return;
  }
  const xml = renderErrorXml(err, ctx.requestId, ctx.hostId);
  res.setHeader('content-type', 'application/xml');
  res.setHeader('content-length', Buffer.byteLength(xml));
  res.end(xml);
}
