// Writing an RPC answer: JSON by default, XML when the call asked `Format=XML`, with the request id
// in the body (RequestId) and in `x-acs-request-id`, as Alibaba's gateway answers.
import type { ServerResponse } from 'node:http';
import type { AlibabaStsError } from './errors.js';

export type RpcFormat = 'JSON' | 'XML';

/** A response document: nested objects of strings and numbers. */
export interface RpcDocument {
  readonly [name: string]: string | number | RpcDocument;
}

/** `Format` as given (case-insensitive); JSON unless XML was asked for. */
export function formatOf(value: string | undefined): RpcFormat {
  return value?.toUpperCase() === 'XML' ? 'XML' : 'JSON';
}

export function sendResult(res: ServerResponse, format: RpcFormat, action: string, doc: RpcDocument): void {
  send(res, 200, format, `${action}Response`, doc);
}

export function sendError(
  res: ServerResponse,
  format: RpcFormat,
  error: AlibabaStsError,
  requestId: string,
  hostId: string,
): void {
  const doc: Record<string, string> = {
    RequestId: requestId,
    HostId: hostId,
    Code: error.code,
    Message: error.message,
  };
  if (error.recommend !== undefined) doc['Recommend'] = error.recommend;
  send(res, error.httpStatus, format, 'Error', doc);
}

function send(res: ServerResponse, status: number, format: RpcFormat, root: string, doc: RpcDocument): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text =
    format === 'XML'
      ? `<?xml version='1.0' encoding='UTF-8'?><${root}>${xmlOf(doc)}</${root}>`
      : JSON.stringify(doc);
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    'content-type': format === 'XML' ? 'text/xml;charset=utf-8' : 'application/json;charset=utf-8',
    'content-length': body.byteLength,
  });
  res.end(body);
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function xmlOf(doc: RpcDocument): string {
  let out = '';
  for (const [name, value] of Object.entries(doc)) {
    const inner =
      typeof value === 'object'
        ? xmlOf(value)
        : String(value).replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
    out += `<${name}>${inner}</${name}>`;
  }
  return out;
}
