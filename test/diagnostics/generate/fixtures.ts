// Audit records for the generator's unit tests: the shape the server writes, trimmed to what the
// generator reads.
import type { AuditAuthorization, AuditRecord, AuditUserIdentity } from '../../../src/server/audit/record.js';

export const ACCOUNT = '111122223333';
export const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/Reporter`;

export const alice: AuditUserIdentity = {
  type: 'IAMUser',
  arn: ALICE,
  accountId: ACCOUNT,
  userName: 'alice',
};
export const bob: AuditUserIdentity = { type: 'IAMUser', arn: BOB, accountId: ACCOUNT, userName: 'bob' };

export function session(name: string, role = 'Reporter'): AuditUserIdentity {
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`,
    accountId: ACCOUNT,
    sessionContext: {
      sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT },
      attributes: { mfaAuthenticated: 'false' },
    },
  };
}

let n = 0;

/** A record of `who` with these authorizations; AccessDenied when the first denied one decides. */
export function record(
  who: AuditUserIdentity,
  authorizations: AuditAuthorization[],
  extra: Partial<AuditRecord> = {},
): AuditRecord {
  n++;
  const deciding = authorizations.find((a) => a.decision !== 'Allowed') ?? authorizations.at(-1);
  const refused = deciding !== undefined && deciding.decision !== 'Allowed';
  return {
    eventVersion: '1.09',
    eventTime: new Date(Date.UTC(2026, 10, 23, 10, 0, n)).toISOString(),
    eventSource: 's3.amazonaws.com',
    eventName: 'Op',
    eventCategory: 'Data',
    awsRegion: 'us-east-1',
    userIdentity: who,
    sourceIPAddress: '127.0.0.1',
    userAgent: null,
    requestParameters: {},
    responseElements: null,
    httpStatus: refused ? 403 : 200,
    ...(refused ? { errorCode: 'AccessDenied', errorMessage: 'denied' } : {}),
    requestID: `REQ${String(n).padStart(13, '0')}`,
    eventID: `e${n}`,
    readOnly: false,
    decision:
      deciding === undefined
        ? null
        : {
            decision: deciding.decision,
            deniedBy: refused ? 'identity' : null,
            explicit: deciding.decision === 'ExplicitlyDenied',
            policyType: 'identity',
            policyId: null,
            statement: null,
            rule: 'x',
            action: deciding.action,
            resource: deciding.resource,
            evaluations: authorizations.length,
          },
    authorizations,
    additionalEventData: { durationMs: 1 },
    ...extra,
  };
}

export const allow = (action: string, resource: string, prefix?: string): AuditAuthorization => ({
  action,
  resource,
  decision: 'Allowed',
  ...(prefix !== undefined ? { context: { 's3:prefix': prefix } } : {}),
});

export const deny = (action: string, resource: string): AuditAuthorization => ({
  action,
  resource,
  decision: 'ImplicitlyDenied',
});
