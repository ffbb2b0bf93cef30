// Principal and NotPrincipal: shapes that grant more than intended or are easy to get wrong.
import { childPath } from '../json-source.js';
import { isObject, q, stringItems, type LintContext } from './document.js';

const SERVICE_HOST = /^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|aliyuncs\.com|amazon\.com)$/;

export function checkPrincipals(ctx: LintContext): void {
  for (const st of ctx.statements) {
    const p = st.principal;
    if (!p) continue;
    if (p.which === 'NotPrincipal' && st.allow) {
      ctx.report(
        'allow-not-principal',
        p.path,
        'Allow with NotPrincipal grants access to every principal not listed, anonymous users included; name the principals in Principal instead',
        'key',
      );
    } else if (p.which === 'NotPrincipal' && st.deny) {
      ctx.report(
        'deny-not-principal',
        p.path,
        'Deny with NotPrincipal must list every session ARN and the account to work as intended; prefer "Principal": "*" with an aws:PrincipalArn condition (ArnNotEquals)',
        'key',
      );
    }
    if (isObject(p.value)) {
      for (const item of stringItems(p.value['Service'], childPath(p.path, 'Service'))) {
        if (!SERVICE_HOST.test(item.value)) {
          ctx.report(
            'principal-service-invalid',
            item.path,
            `Service principal ${q(item.value)} is not a service host name such as "ec2.amazonaws.com" or "oss.aliyuncs.com"; it matches no service`,
          );
        }
      }
    }
  }
}
