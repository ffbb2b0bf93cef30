// Public access: resource-based statements open to everyone, and trust policies anyone can
// assume (with no condition to narrow them down).
import { childPath } from '../json-source.js';
import { isObject, stringItems, type LintContext, type StatementView } from './document.js';
import {
  actions,
  conditionKeys,
  hasConditions,
  isPublicPrincipal,
  isResourceStatement,
  isTrustStatement,
} from './facts.js';

const WRITE =
  /^(\*|[a-z0-9-]+:(\*|put|delete|abort|append|restore|post|initiate|upload|complete|create|replicate|bypass|copy)).*/i;

export function checkPublicAccess(ctx: LintContext): void {
  for (const st of ctx.statements) {
    if (!st.allow || !st.principal || st.principal.which !== 'Principal') continue;
    if (isTrustStatement(ctx, st)) {
      checkTrust(ctx, st);
      continue;
    }
    if (!isResourceStatement(ctx, st) || !isPublicPrincipal(st.principal.value) || hasConditions(st))
      continue;
    const list = actions(st);
    const writes = list.filter((a) => WRITE.test(a));
    if (writes.length > 0) {
      ctx.report(
        'public-write',
        st.principal.path,
        `Principal "*" with no condition lets anyone on the internet ${writes.join(', ')}; name the principals, or add a condition (aws:PrincipalOrgID, aws:SourceVpce, aws:PrincipalArn …)`,
      );
    } else {
      ctx.report(
        'public-access',
        st.principal.path,
        `Principal "*" with no condition makes ${list.join(', ') || 'this statement'} public (anonymous access included); name the principals or add a condition if that is not intended`,
      );
    }
  }
}

function checkTrust(ctx: LintContext, st: StatementView): void {
  const principal = st.principal;
  if (!principal) return;
  if (isPublicPrincipal(principal.value) && !hasConditions(st)) {
    ctx.report(
      'trust-public',
      principal.path,
      'Any principal of any AWS account can assume this role; name the trusted accounts or roles, or add conditions (aws:PrincipalOrgID, sts:ExternalId …)',
    );
    return;
  }
  if (ctx.dialect !== 'aws' || !isObject(principal.value)) return;
  if (conditionKeys(st).has('sts:externalid')) return;
  for (const item of stringItems(principal.value['AWS'], childPath(principal.path, 'AWS'))) {
    const account = /^\d{12}$/.test(item.value)
      ? item.value
      : /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(item.value)?.[1];
    if (account === undefined) continue;
    ctx.report(
      'trust-external-id',
      item.path,
      `Every principal of account ${account} that is allowed sts:AssumeRole can assume this role; if it is a third party, require "Condition": {"StringEquals": {"sts:ExternalId": "…"}} (confused deputy)`,
    );
  }
}
