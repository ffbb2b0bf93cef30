// Alibaba STS (RPC API, Version 2015-04-01) on the S3 port. It claims GET and form POST requests to
// `/` that carry no AWS or OSS signature and show Alibaba's RPC shape: the SDKs' x-acs-action /
// x-acs-version / x-sdk-client headers, or RPC signature parameters (SignatureMethod, SignatureNonce) or
// Version=2015-04-01 in the query string. Registered before the AWS Query front, which takes every
// other unsigned form POST to `/`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { S3Services } from '../../s3/context.js';
import { noteAudit } from '../../server/audit/hook.js';
import { readRequestBody } from '../../server/body.js';
import type { ProtocolFront } from '../../server/fronts.js';
import { HttpRequestContext } from '../../server/request-context.js';
import type { QueryCall } from '../query/call.js';
import { stsDepsOf } from '../sts/deps.js';
import { ALIBABA_STS_VERSION, findRpcAction } from './actions.js';
import { authenticateRpc } from './authenticate.js';
import type { RpcCall } from './call.js';
import { AlibabaStsError, STRING_TO_SIGN_MARK, toAlibabaError } from './errors.js';
import { RpcParams } from './params.js';
import { formatOf, sendError, sendResult, type RpcFormat } from './response.js';

/** Largest body read: a 1024-character policy URL-encoded three times over fits many times. */
export const MAX_RPC_BODY = 64 * 1024;

const RPC_QUERY_MARKERS = ['SignatureMethod', 'SignatureNonce'];
/** Alibaba's SDKs name the action and version in headers (older ones only their own name). */
const RPC_HEADER_MARKERS = ['x-acs-action', 'x-acs-version', 'x-sdk-client'];

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

export function isAlibabaStsRequest(req: IncomingMessage): boolean {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') return false;
  if (req.headers.authorization !== undefined) return false;
  const { path, query } = splitUrl(req.url ?? '/');
  if (path !== '/') return false;
  const params = new URLSearchParams(query);
  if (params.has('X-Amz-Credential')) return false;
  if (RPC_HEADER_MARKERS.some((h) => req.headers[h] !== undefined)) return true;
  return RPC_QUERY_MARKERS.some((m) => params.has(m)) || params.get('Version') === ALIBABA_STS_VERSION;
}

function tooLarge(): AlibabaStsError {
  return new AlibabaStsError(
    'InvalidParameter',
    `The request body must be at most ${MAX_RPC_BODY} bytes.`,
    413,
  );
}

async function readForm(req: IncomingMessage, res: ServerResponse): Promise<string> {
  const body = await readRequestBody(req, res, MAX_RPC_BODY, tooLarge);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  // pop-core and the other SDKs post forms; a body of another type carries no parameters.
  return type === '' || type.startsWith('application/x-www-form-urlencoded') ? body.toString('utf8') : '';
}

async function handleAlibabaSts(
  services: S3Services,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const ctx = new HttpRequestContext(req, res);
  // Alibaba's clients read x-acs-request-id and the body's RequestId. x-amz-request-id stays: the
  // audit trail finds the request's decisions under it.
  res.removeHeader('x-amz-id-2');
  res.setHeader('x-acs-request-id', ctx.requestId);
  const method = req.method ?? 'GET';
  const { query } = splitUrl(req.url ?? '/');
  const hostId = req.headers.host ?? 'sts.aliyuncs.com';
  let format: RpcFormat = formatOf(new URLSearchParams(query).get('Format') ?? undefined);
  try {
    const params = RpcParams.parse(query, await readForm(req, res));
    format = formatOf(params.get('Format'));
    const action = params.required('Action');
    noteAudit(res, { operation: action });
    if (params.required('Version') !== ALIBABA_STS_VERSION) {
      throw new AlibabaStsError('InvalidVersion', 'Specified parameter Version is not valid.');
    }
    const handler = findRpcAction(action);
    if (handler === undefined) {
      throw new AlibabaStsError(
        'InvalidAction.NotFound',
        'Specified api is not found, please check your url and method.',
        404,
      );
    }
    const caller = await authenticateRpc({
      method,
      params,
      identities: services.identities,
      services,
      region: services.config.region,
      now: Date.now(),
    });
    noteAudit(res, { principal: caller.principal, accessKeyId: caller.identity?.accessKeyId });
    // The STS deps are bound per server; only `services` is read to find them.
    const deps = stsDepsOf({ services } as QueryCall);
    const call: RpcCall = { ctx, services, caller, params, action, deps };
    const doc = await handler(call);
    sendResult(res, format, action, { RequestId: ctx.requestId, ...doc });
  } catch (e) {
    const { error, internal } = toAlibabaError(e);
    if (internal) {
      services.log.error({ err: e, requestId: ctx.requestId, method, url: req.url }, 'internal error');
    }
    // The string to sign quoted by SignatureDoesNotMatch holds the SecurityToken: never audited.
    noteAudit(res, { errorCode: error.code, errorMessage: error.message.split(STRING_TO_SIGN_MARK)[0] });
    sendError(res, format, error, ctx.requestId, hostId);
  }
}

export const alibabaStsFront: ProtocolFront = {
  name: 'alibaba-sts',
  claims: isAlibabaStsRequest,
  handle: handleAlibabaSts,
};
