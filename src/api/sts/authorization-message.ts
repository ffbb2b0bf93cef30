// Encoded authorization messages (what sts:DecodeAuthorizationMessage decodes): a decision's
// explanation in AWS's JSON shape, sealed with AES-256-GCM under a key derived from the master
// key, so only this installation can read them and nobody can forge one.
//
// Wire form, base64url: format byte (0x01) | 12-byte IV | ciphertext | 16-byte tag.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { Decision } from '../../policy/decide.js';
import type { AuthzRequest } from '../../policy/request.js';
import type { MasterKey } from '../../identity/secrets.js';

const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** AWS's limit on EncodedMessage. */
export const MAX_ENCODED_MESSAGE = 10240;

interface Items<T> {
  readonly items: readonly T[];
}

/** DecodeAuthorizationMessage's DecodedMessage, as AWS shapes it. */
export interface AuthorizationExplanation {
  readonly allowed: boolean;
  readonly explicitDeny: boolean;
  readonly matchedStatements: Items<{
    readonly statementId: string;
    readonly effect: string;
    readonly policyId: string;
  }>;
  readonly failures: Items<string>;
  readonly context: {
    readonly principal: { readonly id: string; readonly name?: string; readonly arn: string };
    readonly action: string;
    readonly resource: string;
    readonly conditions: Items<{ readonly key: string; readonly values: Items<{ readonly value: string }> }>;
  };
}

export class AuthorizationMessageKey {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('an authorization message key must be 32 bytes');
    this.#key = Buffer.from(key);
  }

  static fromMasterKey(master: MasterKey): AuthorizationMessageKey {
    return new AuthorizationMessageKey(master.derive('portcullis/authorization-message/v1'));
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const header = Buffer.from([FORMAT_V1]);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([header, iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The plain text, or undefined when the message is malformed, altered or sealed elsewhere. */
  open(encoded: string): string | undefined {
    if (encoded.length > MAX_ENCODED_MESSAGE || !/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
    const bytes = Buffer.from(encoded, 'base64url');
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== FORMAT_V1) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(bytes.subarray(0, 1));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  toJSON(): string {
    return 'AuthorizationMessageKey([redacted])';
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

/** The explanation of one decision, in AWS's shape. */
export function explainDecision(
  request: AuthzRequest,
  decision: Decision,
  principal: { readonly id: string; readonly name?: string },
): AuthorizationExplanation {
  const matched =
    decision.statement !== null
      ? [
          {
            statementId: decision.statement,
            effect: decision.decision === 'Allowed' ? 'ALLOW' : 'DENY',
            policyId: decision.policyId ?? '',
          },
        ]
      : [];
  const conditions = [...request.context].map(([key, v]) => ({
    key,
    values: { items: (typeof v === 'string' ? [v] : [...v]).map((value) => ({ value })) },
  }));
  return {
    allowed: decision.decision === 'Allowed',
    explicitDeny: decision.explicit,
    matchedStatements: { items: matched },
    failures: { items: [] },
    context: {
      principal: {
        id: principal.id,
        ...(principal.name !== undefined ? { name: principal.name } : {}),
        arn: request.principal.arn,
      },
      action: request.action,
      resource: request.resource,
      conditions: { items: conditions },
    },
  };
}

export function encodeAuthorizationMessage(
  key: AuthorizationMessageKey,
  explanation: AuthorizationExplanation,
): string {
  return key.seal(JSON.stringify(explanation));
}

/** The DecodedMessage JSON text, or undefined when the message does not open. */
export function decodeAuthorizationMessage(
  key: AuthorizationMessageKey,
  encoded: string,
): string | undefined {
  return key.open(encoded);
}
