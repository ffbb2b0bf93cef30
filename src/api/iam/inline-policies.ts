// Inline policies of users, groups and roles: Put/Get/List/Delete{User,Group,Role}Policy.
import { noSuchInlinePolicy, type EntityKind } from '../../identity/model.js';
import { members, type ActionHandler } from '../query/index.js';
import { policyDocumentParam } from '../query/policy-document.js';
import { encodeDocument, entityTarget, nameParam, paginate } from './common.js';

const KIND_WORD: Readonly<Record<EntityKind, string>> = { user: 'User', group: 'Group', role: 'Role' };

function policyName(call: Parameters<ActionHandler>[0]): string {
  return call.params.requiredString('PolicyName', 1, 128);
}

function actionsFor(kind: EntityKind): Record<string, ActionHandler> {
  const word = KIND_WORD[kind];
  return {
    [`Put${word}Policy`]: async (call) => {
      const name = policyName(call);
      const document = policyDocumentParam(call, 'PolicyDocument', 'identity');
      const { store, ref } = await entityTarget(call, kind, `iam:Put${word}Policy`);
      await store.putInlinePolicy(ref, name, document);
      return undefined;
    },
    [`Get${word}Policy`]: async (call) => {
      const name = policyName(call);
      const { store, ref } = await entityTarget(call, kind, `iam:Get${word}Policy`);
      const policy = await store.getInlinePolicy(ref, name);
      if (policy === null) throw noSuchInlinePolicy(kind, name);
      return {
        [nameParam(kind)]: ref.name,
        PolicyName: policy.name,
        PolicyDocument: encodeDocument(policy.document),
      };
    },
    [`List${word}Policies`]: async (call) => {
      const { store, ref } = await entityTarget(call, kind, `iam:List${word}Policies`);
      const { page, more } = paginate(call, await store.listInlinePolicies(ref));
      return { PolicyNames: members(page), ...more };
    },
    [`Delete${word}Policy`]: async (call) => {
      const name = policyName(call);
      const { store, ref } = await entityTarget(call, kind, `iam:Delete${word}Policy`);
      if ((await store.getInlinePolicy(ref, name)) === null) throw noSuchInlinePolicy(kind, name);
      await store.deleteInlinePolicy(ref, name);
      return undefined;
    },
  };
}

export const INLINE_POLICY_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  ...actionsFor('user'),
  ...actionsFor('group'),
  ...actionsFor('role'),
};
