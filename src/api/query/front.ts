// The AWS Query protocol front (IAM and STS) on the S3 port. It claims `POST /` and `GET /?Action=`
// requests whose SigV4 credential scope names `iam` or `sts`, and unsigned ones that carry Query
// parameters (so they get a Query error, not an S3 one); reads the form body, authenticates it
// with src/auth, looks the Action up in the registry and answers in the Query XML format.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyRequest } from '../../auth/index.js';
import { ANONYMOUS } from '../../identity/resolver.js';
import type { S3Services } from '../../s3/context.js';
import type { Caller } from '../../server/caller.js';
import { credentialLookup, headersOf } from '../../server/authenticate.js';
import { readRequestBody } from '../../server/body.js';
import type { ProtocolFront } from '../../server/fronts.js';
import { HttpRequestContext } from '../../server/request-context.js';
import { denialEncoderOf, ENCODED_MESSAGE_PREFIX, encodeDenial } from '../../server/admin/denial-message.js';
import { FINDINGS_HEADER, WARNINGS_HEADER } from '../../server/admin/policy-findings.js';
import type { QueryCall } from './call.js';
import { fromAuthError, QueryError, toQueryError } from './errors.js';
import { QueryParams } from './params.js';
import { findAction, serviceForVersion, serviceVersion, type QueryServiceName } from './registry.js';
import { errorXml, resultXml } from './xml.js';

/** Largest form body accepted: IAM policy documents are at most 10 KiB, URL-encoded up to 3x. */
export const MAX_QUERY_BODY = 256 * 1024;

const QUERY_SERVICES: ReadonlySet<string> = new Set(['iam', 'sts']);
const QUERY_VERSIONS: ReadonlySet<string> = new Set(['2010-05-08', '2011-06-15']);
const SCOPE = /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/;

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/** The SigV4 credential scope service (header or presigned), or undefined when unsigned. */
function scopeService(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined) return SCOPE.exec(auth)?.[1] ?? '';
  const credential = query.get('X-Amz-Credential');
  if (credential !== null) return credential.split('/')[3] ?? '';
  return undefined;
}

function isQueryRequest(req: IncomingMessage): boolean {
  const method = req.method ?? 'GET';
  if (method !== 'POST' && method !== 'GET') return false;
  const { path, query: raw } = splitUrl(req.url ?? '/');
  if (path !== '/') return false;
  const query = new URLSearchParams(raw);
  const service = scopeService(req, query);
  if (service !== undefined) return QUERY_SERVICES.has(service);
  if (query.has('Action')) return QUERY_VERSIONS.has(query.get('Version') ?? '');
  // An unsigned form POST to `/`: S3 has no such request, so it is a Query call whose Action and
  // Version are in the (still unread) body. Fronts that share this shape (Alibaba STS RPC) must
  // be registered before this one.
  const type = req.headers['content-type'] ?? '';
  return method === 'POST' && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function tooLarge(): QueryError {
  return new QueryError(
    'RequestEntityTooLarge',
    `Request body must be at most ${MAX_QUERY_BODY} bytes.`,
    413,
  );
}

async function handleQuery(services: S3Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = new HttpRequestContext(req, res);
  // Query clients read the request id from the body; the S3 host id means nothing to them.
  res.removeHeader('x-amz-id-2');
  res.setHeader('x-amzn-RequestId', ctx.requestId);
  const { path, query: rawQuery } = splitUrl(req.url ?? '/');
  const urlParams = new URLSearchParams(rawQuery);
  // Until the credential scope or Version says otherwise, errors speak IAM.
  let service: QueryServiceName = scopeService(req, urlParams) === 'sts' ? 'sts' : 'iam';
  try {
    const body = await readRequestBody(req, res, MAX_QUERY_BODY, tooLarge);
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    const bodyParams = type.startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(body.toString('utf8'))
      : new URLSearchParams();
    const params = new QueryParams(urlParams, bodyParams);

    const result = await verifyRequest(
      {
        method: req.method ?? 'POST',
        path,
        query: rawQuery,
        headers: headersOf(req),
        clock: Date.now,
        body,
      },
      {
        lookup: credentialLookup(services.identities, 'query'),
        region: services.config.region,
        services: ['iam', 'sts'],
      },
    );
    if (!result.ok) throw fromAuthError(result.error);

    const version = params.get('Version');
    if (!result.anonymous) {
      service = result.scope?.service === 'sts' ? 'sts' : 'iam';
      services.identities.recordKeyUse?.(result.accessKeyId, service, services.config.region);
    } else {
      service = serviceForVersion(version) ?? service;
    }
    const action = params.get('Action');
    if (action === undefined || action === '') throw new QueryError('MissingAction', 'Missing Action');
    const expected = serviceVersion(service);
    const found = version === expected ? findAction(service, action) : undefined;
    if (found === undefined) {
      throw new QueryError(
        'InvalidAction',
        `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
      );
    }

    let caller: Caller;
    if (result.anonymous) {
      if (!found.allowAnonymous) {
        throw new QueryError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      }
      caller = { principal: ANONYMOUS, policies: {} };
    } else {
      const identity = result.identity;
      caller = {
        principal: identity.principal,
        policies: identity.policies,
        identity,
        signatureVersion: result.signatureVersion,
        authType: result.authType,
      };
    }
    const call: QueryCall = {
      ctx,
      services,
      caller,
      params,
      service,
      action,
      version: expected ?? '',
      account: caller.principal.account,
      region: result.anonymous ? services.config.region : (result.scope?.region ?? services.config.region),
    };
    const output = await found.handler(call);
    send(res, 200, resultXml(service, action, output, ctx.requestId));
  } catch (e) {
    // Policy lint warnings belong to a write that succeeded.
    res.removeHeader(WARNINGS_HEADER);
    res.removeHeader(FINDINGS_HEADER);
    const { error, internal } = toQueryError(e);
    if (internal) {
      services.log.error(
        { err: e, requestId: ctx.requestId, method: req.method, url: req.url },
        'internal error',
      );
    }
    send(
      res,
      error.httpStatus,
      errorXml(service, withEncodedDenial(services, error, ctx.requestId), ctx.requestId),
    );
  }
}

/**
 * With `serve --encode-denials`, an AccessDenied that came from a recorded policy decision carries
 * the encoded authorization message (sts:DecodeAuthorizationMessage turns it into the trace).
 */
function withEncodedDenial(services: S3Services, error: QueryError, requestId: string): QueryError {
  if (error.code !== 'AccessDenied') return error;
  const key = denialEncoderOf(services);
  const record = key && services.decisions.get(requestId);
  if (key === undefined || record === undefined) return error;
  const denied = record.decisions.find((d) => d.decision.decision !== 'Allowed');
  if (denied === undefined) return error;
  let encoded: string;
  try {
    encoded = encodeDenial(key, record, denied);
  } catch (e) {
    // A bug here must not cost the caller its AccessDenied.
    services.log.error({ err: e, requestId }, 'cannot encode the authorization message');
    return error;
  }
  return new QueryError(
    error.code,
    `${error.message}${/[.!?]$/.test(error.message) ? '' : '.'} ${ENCODED_MESSAGE_PREFIX}${encoded}`,
    error.httpStatus,
    error.type,
  );
}

function send(res: ServerResponse, status: number, xml: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(xml, 'utf8');
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': body.byteLength });
  res.end(body);
}

export const queryFront: ProtocolFront = {
  name: 'query',
  claims: isQueryRequest,
  handle: handleQuery,
};
