// Who signed an RPC call: the common parameters (Timestamp, SignatureMethod, SignatureVersion,
// SignatureNonce, AccessKeyId, Signature, SecurityToken for temporary keys) checked in that order,
// the key resolved like every other front's (long-term keys from the IAM store, STS keys from their
// sealed token), the signature verified, and the nonce spent — only after the signature holds, so a
// forger cannot burn someone else's nonces.
import type { IdentityResolver, ResolvedIdentity } from '../../identity/resolver.js';
import type { Caller } from '../../server/caller.js';
import { isTemporaryAccessKeyId } from '../../sts/credentials.js';
import { SessionTokenError } from '../../sts/session-token.js';
import { AlibabaStsError, STRING_TO_SIGN_MARK, wronglyFormed } from './errors.js';
import { nonceLedgerOf } from './nonces.js';
import type { RpcParams } from './params.js';
import { candidateStringsToSign, signatureMatches } from './signature.js';

/** Alibaba's gateway refuses timestamps more than 15 minutes off. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const MAX_NONCE_LENGTH = 256;

export interface RpcAuthInput {
  readonly method: string;
  readonly params: RpcParams;
  readonly identities: IdentityResolver;
  /** The server's services object: the nonce ledger is one per server. */
  readonly services: object;
  readonly region: string;
  /** Epoch ms (the wall clock: timestamps are the client's wall clock too). */
  readonly now: number;
}

export async function authenticateRpc(input: RpcAuthInput): Promise<Caller> {
  const { params, now } = input;
  checkTimestamp(params.required('Timestamp'), now);
  const method = params.required('SignatureMethod');
  if (method !== 'HMAC-SHA1') {
    throw new AlibabaStsError('InvalidSignatureMethod', 'Specified signature method is not supported.');
  }
  if (params.required('SignatureVersion') !== '1.0') {
    throw new AlibabaStsError('InvalidSignatureVersion', 'Specified signature version is not supported.');
  }
  const nonce = params.required('SignatureNonce');
  if (nonce.length > MAX_NONCE_LENGTH)
    throw wronglyFormed('SignatureNonce', `At most ${MAX_NONCE_LENGTH} characters.`);
  const accessKeyId = params.required('AccessKeyId');
  const signature = params.required('Signature');
  const token = params.get('SecurityToken');

  const identity = await resolve(input.identities, accessKeyId, token);
  const candidates = candidateStringsToSign(input.method, params.signed());
  if (!signatureMatches(identity.secretAccessKey, candidates, signature)) {
    throw new AlibabaStsError(
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation.${STRING_TO_SIGN_MARK}${candidates[0] ?? ''}`,
    );
  }
  if (!nonceLedgerOf(input.services, 2 * MAX_SKEW_MS).claim(accessKeyId, nonce, now)) {
    throw new AlibabaStsError('SignatureNonceUsed', 'Specified signature nonce was used already.');
  }
  input.identities.recordKeyUse?.(accessKeyId, 'sts', input.region);
  return {
    principal: identity.principal,
    policies: identity.policies,
    identity,
    signatureVersion: 'HMAC-SHA1',
    authType: 'RPC',
  };
}

function checkTimestamp(value: string, now: number): void {
  const at = TIMESTAMP.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) {
    throw new AlibabaStsError(
      'InvalidTimeStamp.Format',
      'Specified time stamp or date value is not well formatted.',
    );
  }
  if (Math.abs(now - at) > MAX_SKEW_MS) {
    throw new AlibabaStsError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  }
}

async function resolve(
  identities: IdentityResolver,
  accessKeyId: string,
  token: string | undefined,
): Promise<ResolvedIdentity> {
  let identity: ResolvedIdentity | undefined;
  try {
    identity = await identities.resolveAccessKey(accessKeyId, token);
  } catch (e) {
    if (!(e instanceof SessionTokenError)) throw e;
    if (e.code === 'ExpiredToken') {
      throw new AlibabaStsError('InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.');
    }
    if (e.code === 'InvalidClientTokenId') throw mismatch();
    throw new AlibabaStsError('InvalidSecurityToken.Malformed', 'Specified SecurityToken is malformed.');
  }
  if (identity === undefined) {
    if (isTemporaryAccessKeyId(accessKeyId) && (token ?? '') === '') {
      throw new AlibabaStsError('MissingSecurityToken', 'SecurityToken is mandatory for this action.');
    }
    throw new AlibabaStsError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404);
  }
  // Temporary keys only with their own token; long-term keys with none.
  if ((identity.sessionToken ?? '') !== (token ?? '')) throw mismatch();
  return identity;
}

function mismatch(): AlibabaStsError {
  return new AlibabaStsError(
    'InvalidSecurityToken.MismatchWithAccessKey',
    'Specified SecurityToken mismatch with the AccessKey.',
  );
}
