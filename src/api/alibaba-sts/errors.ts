// Alibaba Cloud's RPC error: `{RequestId, HostId, Code, Message, Recommend?}` with the POP gateway's
// and STS's own codes (Missing<Param>, InvalidParameter.*, SignatureDoesNotMatch, NoPermission,
// EntityNotExist.Role...), worded as Alibaba words them so SDKs and scripts that match on them work.
export class AlibabaStsError extends Error {
  override readonly name = 'AlibabaStsError';

  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
    /** Alibaba's `Recommend` field: here, what would fix it (or how to read the decision's trace). */
    readonly recommend?: string,
  ) {
    super(message);
  }
}

/** Where SignatureDoesNotMatch's message starts quoting the server's string to sign. */
export const STRING_TO_SIGN_MARK = ' server string to sign is:';

/** `MissingRoleArn: RoleArn is mandatory for this action.` */
export function missing(name: string): AlibabaStsError {
  return new AlibabaStsError(`Missing${name}`, `${name} is mandatory for this action.`);
}

/** `InvalidParameter.RoleSessionName: The parameter RoleSessionName is wrongly formed.` */
export function wronglyFormed(name: string, detail?: string): AlibabaStsError {
  return new AlibabaStsError(
    `InvalidParameter.${name}`,
    `The parameter ${name} is wrongly formed.`,
    400,
    detail,
  );
}

export function internalError(): AlibabaStsError {
  return new AlibabaStsError(
    'InternalError',
    'The request processing has failed due to some unknown error, exception or failure.',
    500,
  );
}

/** Turns anything thrown while answering into the error to send; `internal` when it was a bug. */
export function toAlibabaError(e: unknown): { error: AlibabaStsError; internal: boolean } {
  if (e instanceof AlibabaStsError) return { error: e, internal: false };
  return { error: internalError(), internal: true };
}
