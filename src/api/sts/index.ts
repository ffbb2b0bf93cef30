// The AWS STS Query API: AssumeRole, GetSessionToken, GetCallerIdentity, DecodeAuthorizationMessage.
export { bindStsDeps, type StsDeps } from './deps.js';
export { registerStsService, STS_VERSION } from './service.js';
export {
  AuthorizationMessageKey,
  decodeAuthorizationMessage,
  encodeAuthorizationMessage,
  explainDecision,
  type AuthorizationExplanation,
} from './authorization-message.js';
