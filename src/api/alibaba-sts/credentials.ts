// Alibaba STS credentials: an `STS.` access key id, an AccessKeySecret, and the sealed session token
// as SecurityToken — the same kind of session AWS STS issues (src/sts), so every front (OSS with
// x-oss-security-token, S3, the Query APIs) authenticates and authorizes it the same way.
import { randomBytes } from 'node:crypto';
import { generateSecretAccessKey } from '../../sts/credentials.js';
import type { SessionClaims, SessionPrincipal, TokenKeyRing } from '../../sts/session-token.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_ID_CHARS = 25;

/** `STS.` and 25 random letters and digits (rejection sampling: no modulo bias). */
export function generateStsAccessKeyId(): string {
  let out = 'STS.';
  while (out.length < 4 + KEY_ID_CHARS) {
    for (const b of randomBytes(KEY_ID_CHARS * 2)) {
      if (b < 248) out += ALNUM[b % 62]; // 248 = 4 * 62
      if (out.length === 4 + KEY_ID_CHARS) break;
    }
  }
  return out;
}

export interface AlibabaIssueInput {
  readonly account: string;
  readonly principal: SessionPrincipal;
  readonly durationSeconds: number;
  /** Epoch ms. */
  readonly now: number;
  /** The session policy text, as passed (RAM `Version "1"` or AWS form). */
  readonly policy: string | undefined;
  readonly chainDepth: number;
}

export interface AlibabaCredentials {
  readonly AccessKeyId: string;
  readonly AccessKeySecret: string;
  readonly SecurityToken: string;
  readonly Expiration: string;
}

export function issueAlibabaCredentials(tokens: TokenKeyRing, input: AlibabaIssueInput): AlibabaCredentials {
  // The token keeps whole seconds: issue on a second boundary so Expiration is exact.
  const issuedAt = new Date(Math.floor(input.now / 1000) * 1000);
  const expiresAt = new Date(issuedAt.getTime() + input.durationSeconds * 1000);
  const claims: SessionClaims = {
    accessKeyId: generateStsAccessKeyId(),
    secretAccessKey: generateSecretAccessKey(),
    account: input.account,
    principal: input.principal,
    policies: input.policy !== undefined ? [input.policy] : [],
    policyArns: [],
    tags: {},
    transitiveTagKeys: [],
    issuedAt,
    expiresAt,
    chainDepth: input.chainDepth,
  };
  return {
    AccessKeyId: claims.accessKeyId,
    AccessKeySecret: claims.secretAccessKey.reveal(),
    SecurityToken: tokens.seal(claims),
    Expiration: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}
