// Step one of the pipeline: who is calling, and the body as the handler should read it.
// src/auth verifies the signature (SigV4 header/presigned, SigV2, OSS); this module builds its
// SignedRequest from the HTTP request, answers its credential lookups from the IdentityResolver,
// turns its typed failures into S3 errors, and puts the right decoder in front of the body:
// aws-chunked (signed or unsigned, with trailers) or a SHA-256 check of a signed payload hash.
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import {
  AuthStreamError,
  AwsChunkedDecoder,
  chunkedDecoderFor,
  expiredToken,
  fail,
  invalidToken,
  Sha256Verifier,
  verifyRequest,
  type AuthError,
  type CredentialLookup,
  type ErrorDialect,
  type HeaderValue,
  type SignedRequest,
} from '../auth/index.js';
import type { IdentityResolver, ResolvedIdentity } from '../identity/resolver.js';
import { ANONYMOUS } from '../identity/resolver.js';
import { SessionTokenError } from '../sts/session-token.js';
import { declaredLength } from './body.js';
import type { Caller, RequestBody } from './caller.js';
import { S3Error } from './errors.js';
import type { HttpRequestContext } from './request-context.js';

export interface Authenticated {
  readonly caller: Caller;
  readonly body: RequestBody;
}

export interface AuthenticateOptions {
  readonly identities: IdentityResolver;
  readonly region: string;
  /** The bucket named by the Host header, for schemes that sign `/bucket/key`. */
  readonly virtualHostBucket: string | undefined;
}

const NO_TRAILERS: Readonly<Record<string, string>> = Object.freeze({});

export function authErrorToS3(error: AuthError): S3Error {
  return new S3Error({ code: error.code, status: error.httpStatus }, error.message, error.fields);
}

/** Header values keyed by lower-case name, repeats kept apart (SigV4 joins them with ","). */
export function headersOf(req: IncomingMessage): Record<string, HeaderValue> {
  const out: Record<string, HeaderValue> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const prev = out[name];
    out[name] = prev === undefined ? value : typeof prev === 'string' ? [prev, value] : [...prev, value];
  }
  return out;
}

function signedRequestOf(req: IncomingMessage, virtualHostBucket: string | undefined): SignedRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    headers: headersOf(req),
    clock: Date.now,
    ...(virtualHostBucket !== undefined ? { virtualHostBucket } : {}),
  };
}

/**
 * The signature layer's credential lookup, backed by the identity resolver. Errors are worded for
 * `dialect` (Query APIs pass `query`); by default S3's or OSS's, from the signature scheme.
 */
export function credentialLookup(
  identities: IdentityResolver,
  errorDialect?: ErrorDialect,
): CredentialLookup<ResolvedIdentity> {
  return async (accessKeyId, context) => {
    const dialect = errorDialect ?? (context.scheme.startsWith('oss-') ? 'oss' : 's3');
    let identity;
    try {
      // A temporary key's session token is opened (not looked up): expired or altered fails here.
      identity = await identities.resolveAccessKey(accessKeyId, context.securityToken);
    } catch (e) {
      if (!(e instanceof SessionTokenError)) throw e;
      const error = e.code === 'ExpiredToken' ? expiredToken(dialect) : invalidToken(dialect);
      return fail(error, context.scheme, accessKeyId);
    }
    if (identity === undefined) return undefined;
    // Temporary credentials only work with their session token, and long-term ones without one.
    if ((identity.sessionToken ?? '') !== (context.securityToken ?? '')) {
      return fail(invalidToken(dialect), context.scheme, accessKeyId);
    }
    return identity;
  };
}

/**
 * The body as an async iterable: `100 Continue` is sent only when a handler starts reading (so a
 * refused upload is refused before the client sends it); a failing decoder becomes its S3 error;
 * a client that disconnects mid-body becomes IncompleteBody, so nothing half-received is stored.
 */
function bodyStream(ctx: HttpRequestContext, decoder: Transform | undefined): AsyncIterable<Uint8Array> {
  const { req, res } = ctx;
  return {
    async *[Symbol.asyncIterator]() {
      if (req.headers.expect?.toLowerCase() === '100-continue' && !res.headersSent) res.writeContinue();
      const source: Readable = decoder === undefined ? req : pipeline(req, decoder, () => undefined);
      try {
        for await (const chunk of source) yield chunk as Buffer;
      } catch (e) {
        if (e instanceof AuthStreamError) throw authErrorToS3(e.authError);
        throw new S3Error('IncompleteBody');
      }
      if (!req.complete) throw new S3Error('IncompleteBody');
    },
  };
}

function isChunked(ctx: HttpRequestContext): boolean {
  return (ctx.header('x-amz-content-sha256') ?? '').startsWith('STREAMING-');
}

function trailersOf(decoder: AwsChunkedDecoder | undefined): () => Readonly<Record<string, string>> {
  return () => decoder?.trailers ?? NO_TRAILERS;
}

export async function authenticate(
  ctx: HttpRequestContext,
  options: AuthenticateOptions,
): Promise<Authenticated> {
  const result = await verifyRequest(signedRequestOf(ctx.req, options.virtualHostBucket), {
    lookup: credentialLookup(options.identities),
    region: options.region,
  });
  if (!result.ok) throw authErrorToS3(result.error);

  if (result.anonymous) {
    // An unsigned aws-chunked body with trailers needs no credentials to decode.
    let decoder: AwsChunkedDecoder | undefined;
    let length = declaredLength(ctx.req);
    if (isChunked(ctx)) {
      if (ctx.header('x-amz-content-sha256') !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') {
        throw new S3Error('AccessDenied', 'Signed aws-chunked bodies need a signed request.');
      }
      const decoded = Number(ctx.header('x-amz-decoded-content-length') ?? NaN);
      const trailerNames = ctx.header('x-amz-trailer');
      decoder = new AwsChunkedDecoder({
        mode: 'streaming-unsigned-trailer',
        ...(Number.isSafeInteger(decoded) && decoded >= 0 ? { decodedContentLength: decoded } : {}),
        ...(trailerNames
          ? { declaredTrailers: trailerNames.split(',').map((n) => n.trim().toLowerCase()) }
          : {}),
      });
      length = Number.isSafeInteger(decoded) && decoded >= 0 ? decoded : undefined;
    }
    return {
      caller: { principal: ANONYMOUS, policies: {} },
      body: { stream: bodyStream(ctx, decoder), length, trailers: trailersOf(decoder) },
    };
  }

  const identity = result.identity;
  options.identities.recordKeyUse?.(
    identity.accessKeyId,
    result.scheme.startsWith('oss-') ? 'oss' : 's3',
    options.region,
  );
  const caller: Caller = {
    principal: identity.principal,
    policies: identity.policies,
    identity,
    signatureVersion: result.signatureVersion,
    authType: result.authType,
  };
  const payload = result.payload;
  const chunked = chunkedDecoderFor(result);
  if (chunked !== undefined) {
    return {
      caller,
      body: {
        stream: bodyStream(ctx, chunked),
        length: payload.decodedContentLength,
        trailers: trailersOf(chunked),
      },
    };
  }
  const verifier =
    payload.mode === 'sha256' && payload.sha256 !== undefined
      ? new Sha256Verifier(payload.sha256)
      : undefined;
  return {
    caller,
    body: { stream: bodyStream(ctx, verifier), length: declaredLength(ctx.req), trailers: () => NO_TRAILERS },
  };
}
