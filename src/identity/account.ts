// The default account: its id and the facts derived from it.
import { createHash } from 'node:crypto';
import type { Principal } from '../policy/request.js';

/** AWS's documentation example account id: recognisable, and clearly not a real account. */
export const DEFAULT_ACCOUNT_ID = '111122223333';

/** PORTCULLIS_ACCOUNT_ID when set (12 digits), else the documented default. */
export function accountIdFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const v = env['PORTCULLIS_ACCOUNT_ID'];
  if (v === undefined || v === '') return DEFAULT_ACCOUNT_ID;
  if (!/^\d{12}$/.test(v))
    throw new Error(`PORTCULLIS_ACCOUNT_ID must be 12 digits, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * The S3 canonical user id of an account (64 hex digits in S3). Derived, so it is stable across
 * restarts and nodes without being stored.
 */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`portcullis-canonical-user:${accountId}`).digest('hex');
}

export function rootPrincipal(accountId: string): Principal {
  return {
    type: 'root',
    arn: `arn:aws:iam::${accountId}:root`,
    account: accountId,
    canonicalUser: canonicalUserId(accountId),
  };
}
