// Step one of the pipeline: who is calling, and the body as the handler should read it.
// Requests without credentials are anonymous. Signed requests are verified by src/auth (SigV4,
// SigV2, presigned, aws-chunked bodies); until that layer is wired in they are refused.
import type { IdentityResolver } from '../identity/resolver.js';
import { ANONYMOUS } from '../identity/resolver.js';
import { plainBody, declaredLength } from './body.js';
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

function hasCredentials(ctx: HttpRequestContext): boolean {
  if (ctx.req.headers.authorization !== undefined) return true;
  const url = ctx.req.url ?? '';
  const q = url.indexOf('?');
  if (q < 0) return false;
  return /(?:^|&)(?:X-Amz-Signature|X-Amz-Credential|Signature|AWSAccessKeyId|OSSAccessKeyId)=/i.test(url.slice(q + 1));
}

export async function authenticate(ctx: HttpRequestContext, options: AuthenticateOptions): Promise<Authenticated> {
  void options;
  if (hasCredentials(ctx)) {
    throw new S3Error('NotImplemented', 'Signed requests are not accepted yet: the signature layer is not wired in.');
  }
  const encoding = ctx.header('content-encoding') ?? '';
  if (/aws-chunked/i.test(encoding) || (ctx.header('x-amz-content-sha256') ?? '').startsWith('STREAMING-')) {
    throw new S3Error('NotImplemented', 'aws-chunked bodies are not accepted yet.');
  }
  return {
    caller: { principal: ANONYMOUS, policies: {} },
    body: { stream: plainBody(ctx.req, ctx.res), length: declaredLength(ctx.req), trailers: () => NO_TRAILERS },
  };
}
