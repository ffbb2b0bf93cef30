// Issuing temporary credentials: a fresh ASIA key id and secret, sealed with everything the
// session is into a self-contained session token, and the `<Credentials>` element AWS returns.
import type { Tags } from '../../identity/model.js';
import { generateAccessKeyId, generateSecretAccessKey } from '../../sts/credentials.js';
import type { SessionClaims, SessionPrincipal, TokenKeyRing } from '../../sts/session-token.js';
import type { XmlTree } from '../query/xml.js';
import { isoSeconds } from './params.js';

export interface IssueInput {
  readonly account: string;
  readonly principal: SessionPrincipal;
  readonly durationSeconds: number;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly policies?: readonly string[];
  readonly policyArns?: readonly string[];
  readonly tags?: Tags;
  readonly transitiveTagKeys?: readonly string[];
  readonly sourceIdentity?: string;
  readonly chainDepth?: number;
}

export interface Issued {
  readonly claims: SessionClaims;
  readonly sessionToken: string;
  /** `<Credentials>`: AccessKeyId, SecretAccessKey, SessionToken, Expiration. */
  readonly credentials: XmlTree;
}

export function issueCredentials(tokens: TokenKeyRing, input: IssueInput): Issued {
  // The token keeps whole seconds: issue on a second boundary so Expiration is exact.
  const issuedAt = new Date(Math.floor(input.now / 1000) * 1000);
  const expiresAt = new Date(issuedAt.getTime() + input.durationSeconds * 1000);
  const claims: SessionClaims = {
    accessKeyId: generateAccessKeyId('ASIA'),
    secretAccessKey: generateSecretAccessKey(),
    account: input.account,
    principal: input.principal,
    ...(input.sourceIdentity !== undefined ? { sourceIdentity: input.sourceIdentity } : {}),
    policies: input.policies ?? [],
    policyArns: input.policyArns ?? [],
    tags: input.tags ?? {},
    transitiveTagKeys: input.transitiveTagKeys ?? [],
    issuedAt,
    expiresAt,
    chainDepth: input.chainDepth ?? 0,
  };
  const sessionToken = tokens.seal(claims);
  return {
    claims,
    sessionToken,
    credentials: {
      AccessKeyId: claims.accessKeyId,
      SecretAccessKey: claims.secretAccessKey.reveal(),
      SessionToken: sessionToken,
      Expiration: isoSeconds(expiresAt),
    },
  };
}
