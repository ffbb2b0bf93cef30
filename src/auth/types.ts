// The contract of the signature layer: what a request looks like to it, how it asks the identity
// layer for a secret, and what it answers. It knows nothing of HTTP servers, SQL or policies.

import type { ParsedRequest } from './request.js';

/** A header value as received. Repeated headers should be passed as an array (from rawHeaders):
 *  SigV4 joins repeats with "," while node's `req.headers` joins most of them with ", ". */
export type HeaderValue = string | readonly string[];

/** Milliseconds since the epoch. Injected so tests (and replays) control time. */
export type Clock = () => number;

export interface SignedRequest {
  /** HTTP method, upper case. */
  readonly method: string;
  /** The path exactly as received, still percent-encoded, without the query string. S3 signs it as
   *  is; IAM/STS normalise it and encode it a second time. */
  readonly path: string;
  /** The raw query string without the leading `?` ('' when there is none). */
  readonly query: string;
  /** Request headers keyed by lower-case name. */
  readonly headers: Readonly<Record<string, HeaderValue | undefined>>;
  readonly clock: Clock;
  /** The bucket named by the Host header (virtual-hosted style), resolved by the router. SigV2 and
   *  the OSS schemes sign `/bucket/key` whatever the addressing style, so they need it. */
  readonly virtualHostBucket?: string;
  /** The body, only when the server has buffered it anyway (IAM/STS form posts). Non-S3 SigV4
   *  signs the body hash without sending an x-amz-content-sha256 header. */
  readonly body?: Uint8Array | string;
}

/** What the identity layer must return for an access key: the secret, plus anything it wants to
 *  get back on success (user, account, session...). */
export interface SecretRecord {
  readonly secretAccessKey: string;
}

export interface LookupContext {
  readonly scheme: AuthScheme;
  /** x-amz-security-token / X-Amz-Security-Token / x-oss-security-token / security-token. */
  readonly securityToken?: string;
}

/** Supplied by the identity layer. Returns undefined for an unknown key, or an AuthFailure of its
 *  own (ExpiredToken, InvalidToken, MissingSecurityHeader...) built with errors.ts. */
export type CredentialLookup<I extends SecretRecord = SecretRecord> = (
  accessKeyId: string,
  context: LookupContext,
) => Promise<I | AuthFailure | undefined>;

export type AuthScheme =
  | 'sigv4-header'
  | 'sigv4-query'
  | 'sigv2-header'
  | 'sigv2-query'
  | 'oss-v1-header'
  | 'oss-v1-query'
  | 'oss-v4-header'
  | 'oss-v4-query';

/** Which wording the errors use: S3 REST, the IAM/STS Query APIs, or Alibaba OSS. */
export type ErrorDialect = 's3' | 'query' | 'oss';

/** How the body is covered by the signature (the x-amz-content-sha256 / x-oss-content-sha256 value). */
export type PayloadMode =
  'sha256' | 'unsigned' | 'streaming-signed' | 'streaming-signed-trailer' | 'streaming-unsigned-trailer';

export interface PayloadInfo {
  readonly mode: PayloadMode;
  /** Lower-case hex digest the body must hash to. Present for mode 'sha256' unless the verifier
   *  was given the body and already checked it. */
  readonly sha256?: string;
  /** x-amz-decoded-content-length for the streaming modes. */
  readonly decodedContentLength?: number;
  /** Lower-case names announced by x-amz-trailer. */
  readonly trailers?: readonly string[];
}

/** What the chunked decoder needs to verify chunk signatures (signed streaming modes only). */
export interface ChunkSigningContext {
  readonly signingKey: Buffer;
  /** The request timestamp, yyyyMMdd'T'HHmmss'Z'. */
  readonly amzDate: string;
  /** date/region/service/aws4_request */
  readonly scope: string;
  /** The Authorization header signature: the first chunk's "previous signature". */
  readonly seedSignature: string;
}

export interface CredentialScope {
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

export interface AuthSuccess<I extends SecretRecord = SecretRecord> {
  readonly ok: true;
  readonly anonymous: false;
  readonly scheme: AuthScheme;
  readonly accessKeyId: string;
  readonly identity: I;
  /** Value of the s3:signatureversion condition key ("AWS" for SigV2). */
  readonly signatureVersion: 'AWS' | 'AWS4-HMAC-SHA256' | 'OSS' | 'OSS4-HMAC-SHA256';
  /** Value of the s3:authType condition key. */
  readonly authType: 'REST-HEADER' | 'REST-QUERY-STRING';
  /** Credential scope (SigV4, OSS V4). */
  readonly scope?: CredentialScope;
  /** When the client says it signed the request. */
  readonly signedAt?: Date;
  readonly securityToken?: string;
  readonly payload: PayloadInfo;
  /** Presigned requests: when the URL stops working. */
  readonly expiresAt?: Date;
  /** Presigned SigV4: X-Amz-Expires in seconds. */
  readonly expiresIn?: number;
  /** Signed streaming modes: hand this to the chunked decoder. Holds a derived signing key:
   *  keep it out of logs and audit records. */
  readonly chunkSigning?: ChunkSigningContext;
}

export interface AuthAnonymous {
  readonly ok: true;
  readonly anonymous: true;
}

/** A typed error: the exact code, HTTP status and message the wire protocol answers with, plus
 *  the extra XML elements (in order) that AWS/OSS add to it. */
export interface AuthError {
  readonly code: string;
  readonly httpStatus: number;
  readonly message: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly dialect: ErrorDialect;
}

export interface AuthFailure {
  readonly ok: false;
  readonly error: AuthError;
  /** The scheme that was attempted, when it was recognised. */
  readonly scheme?: AuthScheme;
  /** The access key the request claimed, when it got that far (for the audit log). */
  readonly accessKeyId?: string;
}

export type AuthResult<I extends SecretRecord = SecretRecord> = AuthSuccess<I> | AuthAnonymous | AuthFailure;

export interface VerifyOptions<I extends SecretRecord = SecretRecord> {
  readonly lookup: CredentialLookup<I>;
  /** Region every SigV4 credential scope must name. Default us-east-1. */
  readonly region?: string;
  /** SigV4 services accepted in the credential scope. Default s3, iam, sts. */
  readonly services?: readonly string[];
  /** Region OSS V4 scopes must name (without the `oss-` prefix). Default: any. */
  readonly ossRegion?: string;
  /** Allowed clock difference for header-signed requests. Default 900000 (15 minutes). */
  readonly maxSkewMs?: number;
  /** Schemes accepted; others are answered as if unknown. Default: all. */
  readonly schemes?: readonly AuthScheme[];
}

/** VerifyOptions with every default filled in. */
export interface ResolvedOptions<I extends SecretRecord = SecretRecord> {
  readonly lookup: CredentialLookup<I>;
  readonly region: string;
  readonly services: readonly string[];
  readonly ossRegion: string | undefined;
  readonly maxSkewMs: number;
  readonly schemes: readonly AuthScheme[];
}

/** One signature scheme. Every implementation passes the same conformance suite. */
export interface SchemeVerifier {
  readonly schemes: readonly AuthScheme[];
  verify<I extends SecretRecord>(request: ParsedRequest, options: ResolvedOptions<I>): Promise<AuthResult<I>>;
}
