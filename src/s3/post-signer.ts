// Who signed a browser POST form, for both dialects' PostObject: the access key named in the
// form (with its session token, if any) resolved to an identity, and the Caller it becomes.
import type { ResolvedIdentity } from '../identity/resolver.js';
import type { Caller } from '../server/caller.js';
import { S3Error } from '../server/errors.js';
import type { S3Services } from './context.js';

/**
 * The identity behind `accessKeyId`: InvalidAccessKeyId (naming the key in `keyIdField`, the
 * dialect's own field name) when unknown, InvalidToken when the session token is wrong or missing.
 */
export async function resolveFormSigner(
  services: S3Services,
  accessKeyId: string,
  token: string | undefined,
  keyIdField: 'AWSAccessKeyId' | 'OSSAccessKeyId',
): Promise<ResolvedIdentity> {
  let identity: ResolvedIdentity | undefined;
  try {
    identity = await services.identities.resolveAccessKey(accessKeyId, token);
  } catch {
    throw new S3Error('InvalidToken');
  }
  if (identity === undefined)
    throw new S3Error('InvalidAccessKeyId', undefined, { [keyIdField]: accessKeyId });
  if (identity.sessionToken !== undefined && identity.sessionToken !== token)
    throw new S3Error('InvalidToken');
  return identity;
}

export function formCaller(identity: ResolvedIdentity, signatureVersion: string): Caller {
  return {
    principal: identity.principal,
    policies: identity.policies,
    identity,
    signatureVersion,
    authType: 'POST',
  };
}

/** The file name part of a form's `filename` (for `${filename}` in the key). */
export function formFileName(filename: string): string {
  return filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
}
