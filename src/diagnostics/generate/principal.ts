// Which callers' records count as evidence for `--principal`: an IAM user, a role (all of its
// sessions), one role session, or an account's root user. Pure: matched against audit records.
import type { AuditUserIdentity } from '../../server/audit/record.js';

export type PrincipalSelector =
  | { readonly kind: 'user'; readonly arn: string; readonly account: string; readonly name: string }
  | { readonly kind: 'role'; readonly arn: string; readonly account: string; readonly name: string }
  | {
      readonly kind: 'session';
      readonly arn: string;
      readonly account: string;
      /** The role the session was assumed from (its policies are the session's grants). */
      readonly name: string;
      readonly sessionName: string;
    }
  | { readonly kind: 'root'; readonly arn: string; readonly account: string };

export type SelectorParse = { ok: true; selector: PrincipalSelector } | { ok: false; message: string };

const IAM_ENTITY = /^arn:aws:iam::(\d{12}):(user|role)\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]+)$/;
const SESSION = /^arn:aws:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/([\w+=,.@-]+)$/;
const ROOT = /^arn:aws:iam::(\d{12}):root$/;

/** Parses `--principal`: a user, role, assumed-role session or root ARN. */
export function parsePrincipalSelector(text: string): SelectorParse {
  const arn = text.trim();
  const entity = IAM_ENTITY.exec(arn);
  if (entity?.[1] !== undefined && entity[3] !== undefined) {
    const kind = entity[2] === 'user' ? 'user' : 'role';
    return { ok: true, selector: { kind, arn, account: entity[1], name: entity[3] } };
  }
  const session = SESSION.exec(arn);
  if (session?.[1] !== undefined && session[2] !== undefined && session[3] !== undefined) {
    return {
      ok: true,
      selector: { kind: 'session', arn, account: session[1], name: session[2], sessionName: session[3] },
    };
  }
  const root = ROOT.exec(arn);
  if (root?.[1] !== undefined) return { ok: true, selector: { kind: 'root', arn, account: root[1] } };
  return {
    ok: false,
    message:
      `${JSON.stringify(text)} is not a user, role, role session or root ARN ` +
      '(arn:aws:iam::111122223333:user/alice, arn:aws:iam::111122223333:role/App, ' +
      'arn:aws:sts::111122223333:assumed-role/App/session, arn:aws:iam::111122223333:root)',
  };
}

/** Does a record's caller fall under the selector? */
export function selects(selector: PrincipalSelector, who: AuditUserIdentity): boolean {
  switch (selector.kind) {
    case 'user':
      return who.type === 'IAMUser' && who.arn === selector.arn;
    case 'session':
      return who.type === 'AssumedRole' && who.arn === selector.arn;
    case 'root':
      return who.type === 'Root' && who.accountId === selector.account;
    case 'role': {
      if (who.type !== 'AssumedRole') return false;
      const issuer = who.sessionContext?.sessionIssuer.arn;
      if (issuer !== undefined) return issuer === selector.arn;
      // A record without its session issuer: match the role name in the session ARN.
      return (who.arn ?? '').startsWith(`arn:aws:sts::${selector.account}:assumed-role/${selector.name}/`);
    }
  }
}
