// IAM and STS permissions that hand out more power than they seem to.
import { type LintContext } from './document.js';
import { conditionKeys, normalizeAction, resourceIsStar, statementAllowsAction } from './facts.js';

/** Writes that let the holder give itself (or anyone) more permissions. */
const ESCALATION = new Set(
  [
    'CreatePolicyVersion',
    'SetDefaultPolicyVersion',
    'AttachUserPolicy',
    'AttachRolePolicy',
    'AttachGroupPolicy',
    'PutUserPolicy',
    'PutRolePolicy',
    'PutGroupPolicy',
    'UpdateAssumeRolePolicy',
    'CreateAccessKey',
    'CreateLoginProfile',
    'UpdateLoginProfile',
    'AddUserToGroup',
    'DeleteUserPermissionsBoundary',
    'DeleteRolePermissionsBoundary',
  ].map((a) => `iam:${a.toLowerCase()}`),
);

export function checkIam(ctx: LintContext): void {
  if (ctx.type === 'scp' || ctx.type === 'rcp' || ctx.type === 'trust') return;
  for (const st of ctx.statements) {
    if (!st.allow || st.action?.which !== 'Action' || !resourceIsStar(st)) continue;
    const items = st.action.items;
    const passRole = items.find((i) => {
      const a = normalizeAction(i.value);
      return (
        a !== '*' && statementAllowsAction({ ...st, action: { which: 'Action', items: [i] } }, 'iam:passrole')
      );
    });
    if (passRole) {
      ctx.report(
        'passrole-wildcard',
        passRole.path,
        `${JSON.stringify(passRole.value)} on Resource "*" lets the holder pass any role, including admin roles, to any service; name the role ARNs and add an iam:PassedToService condition`,
      );
    }
    if (!conditionKeys(st).has('iam:permissionsboundary')) {
      for (const i of items) {
        if (!ESCALATION.has(normalizeAction(i.value).toLowerCase())) continue;
        ctx.report(
          'iam-privilege-escalation',
          i.path,
          `${JSON.stringify(i.value)} on Resource "*" lets the holder grant itself any permission; scope it to specific users/roles/policies or require an iam:PermissionsBoundary condition`,
        );
      }
    }
    const assume = items.find((i) => normalizeAction(i.value).toLowerCase() === 'sts:assumerole');
    if (assume && ctx.type !== 'resource' && st.principal === undefined) {
      ctx.report(
        'assume-role-wildcard',
        assume.path,
        'sts:AssumeRole on Resource "*" lets the holder assume every role that trusts it; name the role ARNs',
      );
    }
  }
}
