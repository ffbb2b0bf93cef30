// Permissions boundaries: Put/Delete{User,Role}PermissionsBoundary.
import { noSuchPolicy, type EntityKind } from '../../identity/model.js';
import type { ActionHandler } from '../query/index.js';
import { lintDocument } from '../query/policy-document.js';
import { entityTarget, policyArnParam } from './common.js';

function actionsFor(kind: Extract<EntityKind, 'user' | 'role'>): Record<string, ActionHandler> {
  const word = kind === 'user' ? 'User' : 'Role';
  return {
    [`Put${word}PermissionsBoundary`]: async (call) => {
      const { arn } = policyArnParam(call, 'PermissionsBoundary');
      const { store, ref } = await entityTarget(call, kind, `iam:Put${word}PermissionsBoundary`, {
        'iam:PermissionsBoundary': arn,
      });
      if ((await store.getPolicy(arn)) === null) throw noSuchPolicy(arn);
      await store.setPermissionsBoundary(ref, arn);
      // The policy passed lint as an identity policy when written; as a boundary other checks apply.
      const document = await store.getPolicyDocument(arn);
      if (document !== null) lintDocument(call, document.document, 'boundary');
      return undefined;
    },
    [`Delete${word}PermissionsBoundary`]: async (call) => {
      const { store, ref } = await entityTarget(call, kind, `iam:Delete${word}PermissionsBoundary`);
      await store.setPermissionsBoundary(ref, null);
      return undefined;
    },
  };
}

export const BOUNDARY_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  ...actionsFor('user'),
  ...actionsFor('role'),
};
