// The Query protocol's errors (IAM and STS): a typed QueryError with the AWS code, message and
// HTTP status, the wording AWS uses for parameter problems, and the mapping of every error the
// layers below throw (IamError, SessionTokenError, AuthError) onto it.
import type { AuthError } from '../../auth/index.js';
import { IamError } from '../../identity/model.js';
import { SessionTokenError } from '../../sts/session-token.js';

export type ErrorType = 'Sender' | 'Receiver';

export class QueryError extends Error {
  override readonly name = 'QueryError';

  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
    readonly type: ErrorType = 'Sender',
  ) {
    super(message);
  }
}

/** `UserName` → `userName`: AWS names members in camel case in validation messages. */
export function memberName(parameter: string): string {
  return parameter.charAt(0).toLowerCase() + parameter.slice(1);
}

/** A required parameter the request left out, in AWS's wording. */
export function missingParameter(parameter: string): QueryError {
  return new QueryError(
    'ValidationError',
    `1 validation error detected: Value null at '${memberName(parameter)}' failed to satisfy constraint: Member must not be null`,
  );
}

/** A parameter outside its length bounds, in AWS's wording. */
export function badLength(parameter: string, value: string, min: number, max: number): QueryError {
  return new QueryError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${memberName(parameter)}' failed to satisfy constraint: Member must have length ${
      value.length < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`
    }`,
  );
}

/** A parameter that does not match its pattern, in AWS's wording. */
export function badPattern(parameter: string, value: string, pattern: string): QueryError {
  return new QueryError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${memberName(parameter)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
  );
}

export function accessDenied(message: string): QueryError {
  return new QueryError('AccessDenied', message, 403);
}

export function fromAuthError(error: AuthError): QueryError {
  return new QueryError(error.code, error.message, error.httpStatus);
}

/** Any thrown value as the QueryError to send; `internal` when it was a bug (log it). */
export function toQueryError(e: unknown): { error: QueryError; internal: boolean } {
  if (e instanceof QueryError) return { error: e, internal: false };
  if (e instanceof IamError)
    return { error: new QueryError(e.code, e.message, e.httpStatus), internal: false };
  if (e instanceof SessionTokenError) {
    return { error: new QueryError(e.code, e.message, e.httpStatus), internal: false };
  }
  return {
    error: new QueryError(
      'ServiceFailure',
      'We encountered an internal error. Please try again.',
      500,
      'Receiver',
    ),
    internal: true,
  };
}
