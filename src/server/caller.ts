// Who is calling (after authentication) and the body they sent (after transfer decoding): what
// the signature layer hands every protocol front end (S3 now; IAM/STS and OSS later).
import type { PrincipalPolicies, ResolvedIdentity } from '../identity/resolver.js';
import type { Principal } from '../policy/request.js';

/** Who is calling and how they proved it. */
export interface Caller {
  readonly principal: Principal;
  readonly policies: PrincipalPolicies;
  /** Absent for anonymous callers. */
  readonly identity?: ResolvedIdentity;
  /** s3:signatureversion (`AWS4-HMAC-SHA256`, `AWS`), for signed requests. */
  readonly signatureVersion?: string;
  /** s3:authType (`REST-HEADER`, `REST-QUERY-STRING`), for signed requests. */
  readonly authType?: string;
}

/** The request body after any transfer decoding (aws-chunked), as the handler should store it. */
export interface RequestBody {
  readonly stream: AsyncIterable<Uint8Array>;
  /** The decoded length when the client declared it (Content-Length or x-amz-decoded-content-length). */
  readonly length: number | undefined;
  /**
   * Trailing headers (x-amz-checksum-* sent after an aws-chunked body): available once the stream
   * has been read to its end; empty for other bodies.
   */
  trailers(): Readonly<Record<string, string>>;
}
