// Registers the STS Query API (Version 2011-06-15) with the Query front, once per process.
import { registerQueryService } from '../query/registry.js';
import { assumeRole } from './assume-role.js';
import { decodeMessage } from './decode-authorization-message.js';
import { getCallerIdentity } from './get-caller-identity.js';
import { getSessionToken } from './get-session-token.js';

export const STS_VERSION = '2011-06-15';

let registered = false;

export function registerStsService(): void {
  if (registered) return;
  registered = true;
  registerQueryService('sts', STS_VERSION, {
    AssumeRole: assumeRole,
    GetCallerIdentity: getCallerIdentity,
    GetSessionToken: getSessionToken,
    DecodeAuthorizationMessage: decodeMessage,
  });
}
