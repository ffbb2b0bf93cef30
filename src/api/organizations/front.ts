// The AWS Organizations front on the S3 port: JSON 1.1 (`POST /`, `X-Amz-Target:
// AWSOrganizationsV20161128.<Operation>`, `Content-Type: application/x-amz-json-1.1`, SigV4
// service `organizations`). It claims requests by their X-Amz-Target, reads the JSON body,
// authenticates it with src/auth and the identity resolver, and answers in JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyRequest } from '../../auth/index.js';
import type { S3Services } from '../../s3/context.js';
import { credentialLookup, headersOf } from '../../server/authenticate.js';
import { readRequestBody } from '../../server/body.js';
import type { ProtocolFront } from '../../server/fronts.js';
import { HttpRequestContext } from '../../server/request-context.js';
import { iamStoreOf, QueryParams, type QueryCall } from '../query/index.js';
import { errorBody, fromAuthError, OrgError, toOrgError } from './errors.js';
import { ORGANIZATIONS_OPERATIONS, type JsonObject, type OrgCall } from './operations.js';

export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.';
/** Largest JSON body accepted: a policy's Content is at most 10,240 characters (JSON-escaped up to 6x). */
export const MAX_ORGANIZATIONS_BODY = 128 * 1024;

function target(req: IncomingMessage): string | undefined {
  const raw = req.headers['x-amz-target'];
  return typeof raw === 'string' ? raw : undefined;
}

function claims(req: IncomingMessage): boolean {
  return target(req)?.startsWith(ORGANIZATIONS_TARGET_PREFIX) === true;
}

function tooLarge(): OrgError {
  return new OrgError(
    'SerializationException',
    `Request body must be at most ${MAX_ORGANIZATIONS_BODY} bytes.`,
    413,
  );
}

function parseJson(body: Buffer): JsonObject {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OrgError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OrgError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return value as JsonObject;
}

async function handle(services: S3Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = new HttpRequestContext(req, res);
  res.removeHeader('x-amz-id-2');
  res.removeHeader('x-amz-request-id');
  res.setHeader('x-amzn-RequestId', ctx.requestId);
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  try {
    if (req.method !== 'POST' || path !== '/') {
      throw new OrgError('UnknownOperationException', 'The Organizations API is served at POST /.', 404);
    }
    const body = await readRequestBody(req, res, MAX_ORGANIZATIONS_BODY, tooLarge);
    const result = await verifyRequest(
      { method: 'POST', path, query: rawQuery, headers: headersOf(req), clock: Date.now, body },
      {
        lookup: credentialLookup(services.identities, 'query'),
        region: services.config.region,
        services: ['organizations'],
      },
    );
    if (!result.ok) throw fromAuthError(result.error);
    if (!result.anonymous)
      services.identities.recordKeyUse?.(result.accessKeyId, 'organizations', services.config.region);
    if (result.anonymous) {
      throw new OrgError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    }
    const operation = (target(req) ?? '').slice(ORGANIZATIONS_TARGET_PREFIX.length);
    const handler = Object.hasOwn(ORGANIZATIONS_OPERATIONS, operation)
      ? ORGANIZATIONS_OPERATIONS[operation]
      : undefined;
    if (handler === undefined) {
      throw new OrgError('UnknownOperationException', `Portcullis does not implement ${operation}.`);
    }
    const input = parseJson(body);
    const identity = result.identity;
    const caller = {
      principal: identity.principal,
      policies: identity.policies,
      identity,
      signatureVersion: result.signatureVersion,
      authType: result.authType,
    };
    // The IAM store is bound to the services per server; reach it the way the Query APIs do.
    const queryCall: QueryCall = {
      ctx,
      services,
      caller,
      params: new QueryParams(),
      service: 'iam',
      action: operation,
      version: '',
      account: identity.principal.account,
      region: result.scope?.region ?? services.config.region,
    };
    const call: OrgCall = {
      ctx,
      services,
      caller,
      input,
      operation,
      store: iamStoreOf(queryCall),
    };
    const output = await handler(call);
    send(res, 200, output);
  } catch (e) {
    const { error, internal } = toOrgError(e);
    if (internal) {
      services.log.error({ err: e, requestId: ctx.requestId, method: req.method, url }, 'internal error');
    }
    send(res, error.httpStatus, errorBody(error));
  }
}

function send(res: ServerResponse, status: number, output: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(JSON.stringify(output), 'utf8');
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': body.byteLength });
  res.end(body);
}

export const organizationsFront: ProtocolFront = {
  name: 'organizations',
  claims,
  handle,
};
