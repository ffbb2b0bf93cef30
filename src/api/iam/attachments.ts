// Managed policy attachments: Attach/Detach{User,Group,Role}Policy and
// ListAttached{User,Group,Role}Policies. The policy must exist (NoSuchEntity otherwise).
import { noSuchPolicy, type EntityKind } from '../../identity/model.js';
import { iamStoreOf, members, type ActionHandler } from '../query/index.js';
import { entityTarget, paginate, pathParam, policyArnParam } from './common.js';

const KIND_WORD: Readonly<Record<EntityKind, string>> = { user: 'User', group: 'Group', role: 'Role' };

function actionsFor(kind: EntityKind): Record<string, ActionHandler> {
  const word = KIND_WORD[kind];
  return {
    [`Attach${word}Policy`]: async (call) => {
      const { arn } = policyArnParam(call);
      const { store, ref } = await entityTarget(call, kind, `iam:Attach${word}Policy`, {
        'iam:PolicyARN': arn,
      });
      if ((await store.getPolicy(arn)) === null) throw noSuchPolicy(arn);
      await store.attachPolicy(ref, arn);
      return undefined;
    },
    [`Detach${word}Policy`]: async (call) => {
      const { arn } = policyArnParam(call);
      const { store, ref } = await entityTarget(call, kind, `iam:Detach${word}Policy`, {
        'iam:PolicyARN': arn,
      });
      const attached = await store.listAttachedPolicies(ref);
      if (!attached.some((p) => p.arn === arn)) throw noSuchPolicy(arn);
      await store.detachPolicy(ref, arn);
      return undefined;
    },
    [`ListAttached${word}Policies`]: async (call) => {
      const prefix = pathParam(call, 'PathPrefix');
      const { ref } = await entityTarget(call, kind, `iam:ListAttached${word}Policies`);
      let attached = await iamStoreOf(call).listAttachedPolicies(ref);
      if (prefix !== undefined) attached = attached.filter((p) => policyPath(p.arn).startsWith(prefix));
      const { page, more } = paginate(call, attached);
      return {
        AttachedPolicies: members(page.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn }))),
        ...more,
      };
    },
  };
}

/** `/path/` of `arn:aws:iam::ACCT:policy/path/Name`. */
function policyPath(arn: string): string {
  const rest = arn.slice(arn.indexOf(':policy') + ':policy'.length);
  return rest.slice(0, rest.lastIndexOf('/') + 1);
}

export const ATTACHMENT_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  ...actionsFor('user'),
  ...actionsFor('group'),
  ...actionsFor('role'),
};
