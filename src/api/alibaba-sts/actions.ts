// The actions of Alibaba STS (Version 2015-04-01) served here.
import { assumeRole } from './assume-role.js';
import type { RpcCall } from './call.js';
import { getCallerIdentity } from './get-caller-identity.js';
import type { RpcDocument } from './response.js';

export const ALIBABA_STS_VERSION = '2015-04-01';

export type RpcAction = (call: RpcCall) => Promise<RpcDocument>;

const ACTIONS: ReadonlyMap<string, RpcAction> = new Map([
  ['AssumeRole', assumeRole],
  ['GetCallerIdentity', getCallerIdentity],
]);

export function findRpcAction(name: string): RpcAction | undefined {
  return ACTIONS.get(name);
}
