// The HTTP listener: node:http with keep-alive, `Expect: 100-continue` left to the handler (so a
// refused upload is refused before its body is sent), malformed requests answered in S3's words,
// and a graceful close: stop accepting, let in-flight requests finish, then resolve.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { renderErrorXml, S3Error } from './errors.js';
import { hostIdFor, newRequestId } from './request-context.js';

export interface HttpServerOptions {
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly log: Logger;
  /** How long close() waits for in-flight requests before cutting connections. Default 30 s. */
  readonly drainTimeoutMs?: number;
}

export class HttpServer {
  readonly server: Server;
  private closing: Promise<void> | undefined;
  private readonly drainTimeoutMs: number;

  constructor(private readonly options: HttpServerOptions) {
    this.drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
    const server = createServer(
      {
        keepAlive: true,
        // Uploads of many GiB take as long as they take; idle sockets are limited below instead.
        requestTimeout: 0,
        headersTimeout: 60_000,
        maxHeaderSize: 16 * 1024,
      },
      (req, res) => this.onRequest(req, res),
    );
    server.keepAliveTimeout = 65_000;
    // A connection that sends or reads nothing for this long is dropped.
    server.timeout = 300_000;
    // Our handler sends 100 Continue itself when it starts reading the body.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => this.onClientError(err, socket));
    this.server = server;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    // While draining, tell keep-alive clients to go elsewhere after this answer.
    if (this.closing !== undefined) res.setHeader('connection', 'close');
    this.options.handler(req, res);
  }

  /** Requests node could not even parse: answer in S3's XML when the socket can still take it. */
  private onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const error =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new S3Error('RequestHeaderSectionTooLarge', undefined, { MaxSizeAllowed: 16 * 1024 })
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT'
          ? new S3Error('RequestTimeout')
          : new S3Error('InvalidRequest', 'The request could not be parsed as HTTP.');
    const requestId = newRequestId();
    const body = renderErrorXml(error, requestId, hostIdFor(requestId));
    socket.end(
      `HTTP/1.1 ${error.status} ${error.status === 400 ? 'Bad Request' : 'Error'}\r\n` +
        `content-type: application/xml\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-amz-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
    );
  }

  listen(port: number, address: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(port, address, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting, waits for in-flight requests (at most drainTimeoutMs), then resolves. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.server.closeAllConnections(), this.drainTimeoutMs);
      timer.unref();
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      // Idle keep-alive sockets would otherwise hold close() open until they time out.
      this.server.closeIdleConnections();
      const sweep = setInterval(() => this.server.closeIdleConnections(), 100);
      sweep.unref();
      this.server.once('close', () => clearInterval(sweep));
    });
    return this.closing;
  }
}
