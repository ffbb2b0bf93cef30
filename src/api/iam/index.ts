// The IAM Query API (Version 2010-05-08): every action, by entity group, and its registration.
import { registerQueryService, type ActionHandler } from '../query/index.js';
import { ACCESS_KEY_ACTIONS } from './access-keys.js';
import { ATTACHMENT_ACTIONS } from './attachments.js';
import { BOUNDARY_ACTIONS } from './boundaries.js';
import { IAM_VERSION } from './common.js';
import { GROUP_ACTIONS } from './groups.js';
import { INLINE_POLICY_ACTIONS } from './inline-policies.js';
import { POLICY_ACTIONS } from './policies.js';
import { ROLE_ACTIONS } from './roles.js';
import { SIMULATE_ACTIONS } from './simulate.js';
import { USER_ACTIONS } from './users.js';

export { IAM_VERSION };

export const IAM_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  ...USER_ACTIONS,
  ...GROUP_ACTIONS,
  ...ROLE_ACTIONS,
  ...POLICY_ACTIONS,
  ...ATTACHMENT_ACTIONS,
  ...INLINE_POLICY_ACTIONS,
  ...ACCESS_KEY_ACTIONS,
  ...BOUNDARY_ACTIONS,
  ...SIMULATE_ACTIONS,
};

let registered = false;

/** Registers the IAM actions with the Query front (once; later calls do nothing). */
export function registerIam(): void {
  if (registered) return;
  registered = true;
  registerQueryService('iam', IAM_VERSION, IAM_ACTIONS);
}
