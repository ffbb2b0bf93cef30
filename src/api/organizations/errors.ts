// AWS Organizations errors as the JSON 1.1 protocol sends them: `{"__type": "...Exception",
// "message": "..."}` with AWS's exception names, and the mapping of the IAM store's errors onto
// them (the store speaks IAM codes; each operation says what its NoSuchEntity means).
import type { AuthError } from '../../auth/index.js';
import { IamError } from '../../identity/model.js';
import { SessionTokenError } from '../../sts/session-token.js';

export class OrgError extends Error {
  override readonly name = 'OrgError';

  constructor(
    /** The exception name, e.g. `PolicyNotFoundException`. */
    readonly type: string,
    message: string,
    readonly httpStatus = 400,
    /** ConstraintViolationException and friends carry a Reason. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export function notInUse(): OrgError {
  return new OrgError(
    'AWSOrganizationsNotInUseException',
    'Your account is not a member of an organization.',
  );
}

export function accessDenied(): OrgError {
  return new OrgError('AccessDeniedException', "You don't have permissions to access this resource.", 403);
}

export function invalidInput(message: string, reason = 'INVALID_INPUT'): OrgError {
  return new OrgError('InvalidInputException', message, 400, reason);
}

export function constraintViolation(message: string, reason: string): OrgError {
  return new OrgError('ConstraintViolationException', message, 400, reason);
}

export function policyNotFound(id: string): OrgError {
  return new OrgError(
    'PolicyNotFoundException',
    `We can't find a policy with the PolicyId ${id} that you specified.`,
  );
}

export function targetNotFound(id: string): OrgError {
  return new OrgError(
    'TargetNotFoundException',
    `We can't find a root, OU, or account with the TargetId ${id} that you specified.`,
  );
}

export function parentNotFound(
  id: string,
  exception = 'ParentNotFoundException',
  member = 'ParentId',
): OrgError {
  return new OrgError(exception, `We can't find a root or OU with the ${member} ${id} that you specified.`);
}

export function accountNotFound(id: string): OrgError {
  return new OrgError(
    'AccountNotFoundException',
    `We can't find an AccountId with the value ${id} that you specified, or the account whose credentials you used to make this request isn't a member of an organization.`,
  );
}

/** What a store IamError means in the operation at hand (NoSuchEntity and friends are ambiguous). */
export interface StoreErrorMap {
  readonly NoSuchEntity?: () => OrgError;
  readonly EntityAlreadyExists?: () => OrgError;
  readonly DeleteConflict?: () => OrgError;
  readonly LimitExceeded?: (message: string) => OrgError;
}

/** Runs a store call, translating its IamErrors for this operation. */
export async function storeCall<T>(fn: () => Promise<T>, map: StoreErrorMap = {}): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof IamError)) throw e;
    if (e.message === 'Your account is not a member of an organization.') throw notInUse();
    switch (e.code) {
      case 'NoSuchEntity':
        throw map.NoSuchEntity?.() ?? new OrgError('TargetNotFoundException', e.message);
      case 'EntityAlreadyExists':
        throw map.EntityAlreadyExists?.() ?? new OrgError('DuplicatePolicyException', e.message);
      case 'DeleteConflict':
        throw map.DeleteConflict?.() ?? constraintViolation(e.message, 'ACCOUNT_CANNOT_LEAVE_ORGANIZATION');
      case 'LimitExceeded':
        throw (
          map.LimitExceeded?.(e.message) ??
          constraintViolation(e.message, 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED')
        );
      case 'InvalidInput':
        throw invalidInput(e.message);
      case 'MalformedPolicyDocument':
        throw new OrgError('MalformedPolicyDocumentException', e.message);
    }
  }
}

/** Signature failures in the words JSON services use. */
export function fromAuthError(error: AuthError): OrgError {
  switch (error.code) {
    case 'InvalidClientTokenId':
    case 'InvalidAccessKeyId':
      return new OrgError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        400,
      );
    case 'SignatureDoesNotMatch':
      return new OrgError('InvalidSignatureException', error.message, 400);
    case 'MissingAuthenticationToken':
      return new OrgError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
    default:
      return new OrgError(
        error.code.endsWith('Exception') ? error.code : `${error.code}Exception`,
        error.message,
        error.httpStatus,
      );
  }
}

/** Any thrown value as the OrgError to send; `internal` when it was a bug (log it). */
export function toOrgError(e: unknown): { error: OrgError; internal: boolean } {
  if (e instanceof OrgError) return { error: e, internal: false };
  if (e instanceof SessionTokenError) {
    return { error: new OrgError(`${e.code}Exception`, e.message, e.httpStatus), internal: false };
  }
  if (e instanceof IamError) return { error: invalidInput(e.message), internal: false };
  return {
    error: new OrgError(
      'ServiceException',
      "AWS Organizations can't complete your request because of an internal service error. Try again later.",
      500,
    ),
    internal: true,
  };
}

/** The JSON error body. */
export function errorBody(error: OrgError): Record<string, string> {
  return {
    __type: error.type,
    message: error.message,
    ...(error.reason !== undefined ? { Reason: error.reason } : {}),
  };
}
